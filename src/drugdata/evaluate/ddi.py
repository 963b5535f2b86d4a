"""NLM DDI: cardiovascular label pages (.txt) fed as text labels; interacting agents scored
against the gold precipitants of the ddi="true" pairs (the label's own drug left out). Rows whose
agent_role says the label's drug acts on the agent (an object, not a precipitant) are not scored,
nor rows named as an example of a class (`example_of`): the gold annotates the class ("strong
CYP3A4 inhibitors"), not its examples (of 355 drug mentions in such lists, 20 are precipitants).

Two settings: the rules alone (how labels are read where no model was trained); the CRF
precipitant tagger trained on the other folds' labels (k folds by label), how `make run` reads
labels once `drugdata train-tagger` has trained it on all of them. No label is scored by what was
learnt from it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from lxml import etree

from drugdata.evaluate.feed import run_files
from drugdata.evaluate.scoring import Score, norm, score_sets
from drugdata.extract.drug import label_drug, name_pattern
from drugdata.extract.interactions import interaction_tagger
from drugdata.extract.mention_tagger import TrainingText
from drugdata.extract.precipitant_tagger import load_precipitant_tagger, train_precipitant_tagger

__all__ = ["evaluate_ddi", "gold_precipitants", "load_ddi", "training_texts"]

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_MAX_GAP_SPAN = 80  # a discontiguous mention ("CYP3A inhibitors (moderate" ... ") is tagged whole up to this length
_SETTING = "tagger trained on other folds"


def _precipitants(sentence: Any) -> list[Any]:
    """The sentence's own entity elements (not an ellipsis reference to another sentence's)
    that some interaction names as its precipitant."""
    entities = {e.get("id"): e for e in sentence.iter("entity") if e.get("text")}
    return [entities[ref.get("id")] for relation in sentence.iter("relation") if relation.get("type") == "hasPrecipitant"
            for ref in relation.iter("entity") if ref.get("id") in entities]


def _own_names(root: Any) -> set[str]:
    return {norm(e.get("name", "")) for e in root.iter("labelDrug", "generic")}


def gold_precipitants(xml: Path) -> set[str]:
    """Texts of the precipitants (`hasPrecipitant`) of the label's drug interactions, the
    label's own drug (brand or generic) left out."""
    root = etree.parse(str(xml), _PARSER).getroot()
    own = _own_names(root)
    return {e.get("text") for sentence in root.iter("sentence") for e in _precipitants(sentence)
            if norm(e.get("text")) not in own}


def _spans(text: str, root: Any) -> list[tuple[int, int]]:
    """Character spans in the page text of every precipitant mention: each gold sentence is found
    in the page in order; a discontiguous mention ("4:14|30:54") is one span when short, else its pieces."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for sentence in root.iter("sentence"):
        found = text.find(sentence.get("text", ""), cursor)
        at = found if found >= 0 else text.find(sentence.get("text", ""))
        if at < 0:
            continue
        cursor = at
        for entity in _precipitants(sentence):
            pieces = sorted(tuple(int(x) for x in piece.split(":")) for piece in (entity.get("charOffset") or "").split("|")
                            if ":" in piece)
            if not pieces:
                continue
            if pieces[-1][1] - pieces[0][0] <= _MAX_GAP_SPAN:
                pieces = [(pieces[0][0], pieces[-1][1])]
            spans += [(at + a, at + b) for a, b in pieces]
    return sorted(set(spans))


def load_ddi(folder: Path, limit: int | None = None) -> dict[str, dict[str, Any]]:
    """page file name -> {"text": the page, "gold": precipitant texts, "training": its TrainingText
    (the page, precipitant spans, the names of the label's own drug)}."""
    pages = sorted(p for p in folder.glob("*.txt") if p.with_suffix(".xml").exists())[:limit]
    labels: dict[str, dict[str, Any]] = {}
    for page in pages:
        text = page.read_text(encoding="utf-8", errors="replace")
        root = etree.parse(str(page.with_suffix(".xml")), _PARSER).getroot()
        brands = [e.get("name", "") for e in root.iter("labelDrug")]
        generic = label_drug({"generic_name": next((e.get("name", "") for e in root.iter("generic")), "")})
        names = name_pattern(generic or brands[0], {"brand_names": "|".join(brands)}) if generic or brands else None
        labels[page.name] = {"text": text, "gold": gold_precipitants(page.with_suffix(".xml")),
                             "training": TrainingText(text, _spans(text, root), names)}
    return labels


def training_texts(folder: Path) -> list[TrainingText]:
    """Every annotated label page of the gold, for `train_precipitant_tagger`."""
    return [label["training"] for label in load_ddi(folder).values()]


def evaluate_ddi(folder: Path, limit: int | None = None, folds: int = 5,
                 max_iterations: int | None = None) -> dict[str, Any]:
    """Strict/lenient P/R/F1 of the rules (top level, as before) and of the tagger trained on
    the other folds (under "tagger trained on other folds"; `folds=0` leaves it out)."""
    labels = load_ddi(folder, limit)
    names = sorted(labels)
    with interaction_tagger(None):
        result: dict[str, Any] = {"labels": len(names), "folds": folds, "setting": "shipped pipeline, rules only",
                                  **_score(labels, names)}
    if not folds:
        return result
    scores = [Score(), Score()]
    quarantined: list[str] = []
    for fold in range(folds):
        held = [n for k, n in enumerate(names) if k % folds == fold]
        trained = [labels[n]["training"] for n in names if n not in held]
        with tempfile.TemporaryDirectory() as tmp:
            model = train_precipitant_tagger(trained, Path(tmp) / "fold.crfsuite", max_iterations)
            with interaction_tagger(load_precipitant_tagger(model)):
                part = _score(labels, held, scores)
        quarantined += part["quarantined"]
    result[_SETTING] = {"strict": scores[0].figures(), "lenient": scores[1].figures(), "quarantined": quarantined}
    return result


def _score(labels: dict[str, dict[str, Any]], names: list[str], into: list[Score] | None = None) -> dict[str, Any]:
    """Run the pipeline on these pages and add their (strict, lenient) scores to `into`."""
    strict, lenient = into or [Score(), Score()]
    quarantined = []
    for name, state in run_files({n: labels[n]["text"] for n in names}):
        rows = state.facts.get("interactions", []) if state.ok else []
        if not state.ok:
            quarantined.append(f"{name}: {state.source['reason']}")
        # the benchmark annotates precipitants, and a class rather than the examples given for it: agents
        # the label's drug acts on, and examples, are not scored
        s, l_ = score_sets([r["agent"] for r in rows if r.get("agent_role") != "object" and not r.get("example_of")],
                           labels[name]["gold"])
        strict.add(s)
        lenient.add(l_)
    return {"strict": strict.figures(), "lenient": lenient.figures(), "quarantined": quarantined}
