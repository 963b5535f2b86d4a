"""TAC 2017 adverse drug reactions: labels fed as openFDA JSON, adverse effects scored per label.

Three settings: the rules and shipped vocabulary alone; with a lexicon of the gold mentions of
the *other* labels (k folds by label), the "plain lookup" a learnt system starts from; the CRF
tagger trained on the other labels' annotated sections.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections import defaultdict
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from drugdata.evaluate.feed import run_files
from drugdata.evaluate.scoring import Score, norm, score_sets
from drugdata.extract.adverse_effects import effect_tagger, extra_effect_terms
from drugdata.extract.mention_tagger import (
    MentionTagger,
    TrainingText,
    WordStats,
    train_tagger,
    word_stats,
)
from drugdata.normalize import Lexicon
from drugdata.vocabulary import Concept

__all__ = ["evaluate_tac", "label_sections", "load_tac", "training_texts", "unannotated_folder",
           "unannotated_stats"]

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)

_FIELDS = {"adverse reactions": "adverse_reactions", "warnings and precautions": "warnings_and_cautions",
           "boxed warnings": "boxed_warning"}


def load_tac(path: Path, limit: int | None = None) -> dict[str, dict[str, Any]]:
    """label_id -> {"record": openFDA-shaped JSON, "mentions": gold mention strings, "pts": PT names}."""
    labels: dict[str, dict[str, Any]] = {}
    for entry in json.loads(path.read_text(encoding="utf-8")):
        label = labels.setdefault(entry["label_id"], {
            "record": {"openfda": {"brand_name": [entry["label_id"]], "generic_name": [entry["label_id"]]}},
            "mentions": set(), "pts": set(), "sections": []})
        label["record"][_FIELDS[entry["section_name"]]] = [entry["section_text"]]
        label["sections"].append(_training_text(entry))
        for event in entry["adverse_events"]:
            mention, pt = str(event[0]), str(event[1] or "")
            label["mentions"].add(mention)
            if pt:
                label["pts"].add(pt)
    ids = sorted(labels)[:limit] if limit else sorted(labels)
    return {i: labels[i] for i in ids}


def _training_text(entry: dict[str, Any]) -> TrainingText:
    """A section and all its mentions: the gold gives one offset per unique mention (none for a
    discontiguous one), so every other occurrence of a mention's words is found by search."""
    text = entry["section_text"]
    spans = [(int(e[5]), int(e[5]) + int(e[6])) for e in entry["adverse_events"]
             if str(e[5]).isdigit() and str(e[6]).isdigit()]
    lowered = text.lower()
    for mention in sorted({str(e[0]).lower() for e in entry["adverse_events"]}, key=len, reverse=True):
        for found in re.finditer(r"(?<!\w)" + re.escape(mention) + r"(?!\w)", lowered):
            if not any(a < found.end() and found.start() < b for a, b in spans):
                spans.append((found.start(), found.end()))
    return TrainingText(text, sorted(spans))


def training_texts(path: Path) -> list[TrainingText]:
    """Every annotated section of the gold, for `train_tagger`."""
    return _sections(load_tac(path), exclude=set())


def unannotated_folder(gold: Path) -> Path:
    """The 2,208 unannotated TAC 2017 labels beside the gold (`../shared/labels/`)."""
    return gold.parents[2] / "labels" / "tac2017_unannotated"


def label_sections(folder: Path, exclude: Collection[str] = ()) -> Iterator[tuple[str, dict[str, list[str]]]]:
    """(drug, openFDA field -> section texts) of each TAC XML label in `folder`
    (`<Label drug=...><Text><Section name=...>`), leaving out the files named in `exclude`."""
    for path in sorted(folder.glob("*.xml")):
        if path.stem.lower() in exclude:
            continue
        root = etree.parse(str(path), _PARSER).getroot()
        sections: dict[str, list[str]] = {}
        for section in root.iter("Section"):
            sections.setdefault(_FIELDS[section.get("name", "adverse reactions")], []).append(section.text or "")
        yield root.get("drug") or path.stem, sections


def unannotated_stats(folder: Path, exclude: Collection[str] = ()) -> WordStats:
    """The tagger's word statistics counted on every section of the unannotated labels."""
    return word_stats(text for _, sections in label_sections(folder, exclude)
                      for texts in sections.values() for text in texts)


def _sections(labels: dict[str, dict[str, Any]], exclude: set[str]) -> list[TrainingText]:
    return [t for lid, label in labels.items() if lid not in exclude for t in label["sections"]]


def _lexicon(labels: dict[str, dict[str, Any]], exclude: set[str]) -> Lexicon:
    entries = [(m, Concept(None, m, "effect")) for lid, label in labels.items() if lid not in exclude
               for m in sorted(label["mentions"])]
    return Lexicon(entries, min_chars=3)


def _effects(state: Any) -> list[dict[str, Any]]:
    return state.facts.get("adverse_effects", []) if state.ok else []


_SETTINGS = ("vocabulary", "vocabulary + other-fold mentions", "tagger trained on other folds")


def evaluate_tac(path: Path, limit: int | None = None, folds: int = 5,
                 max_iterations: int | None = None, unlabeled: Path | None = None) -> dict[str, Any]:
    """Strict/lenient P/R/F1 on mentions and strict on MedDRA PT names, in three settings: rules
    and shipped vocabulary; plus the other folds' mentions as a lexicon; the CRF tagger trained on
    the other folds' labels. No label is ever scored by what was learnt from it. The tagger's word
    statistics come from the unannotated labels in `unlabeled` that are not in the gold (else from
    the training sections)."""
    every = load_tac(path)
    gold_ids = {lid.lower() for lid in every}  # no unannotated copy of a gold label counts words
    ids = sorted(every)[:limit] if limit else sorted(every)
    labels = {lid: every[lid] for lid in ids}
    stats = unannotated_stats(unlabeled, exclude=gold_ids) if unlabeled and unlabeled.is_dir() else None
    results: dict[str, Any] = {"labels": len(ids), "folds": folds}
    for setting in _SETTINGS:
        strict, lenient, pt = Score(), Score(), Score()
        quarantined: list[str] = []
        for fold in range(folds if setting != "vocabulary" else 1):
            held = {lid for k, lid in enumerate(ids) if k % folds == fold} if setting != "vocabulary" else set(ids)
            files = {f"{lid}.json": labels[lid]["record"] for lid in sorted(held)}
            for name, state in _run(setting, files, labels, held, max_iterations, stats):
                label = labels[name.removesuffix(".json")]
                if not state.ok:
                    quarantined.append(f"{name}: {state.source['reason']}")
                rows = _effects(state)
                s, l_ = score_sets([r["effect"] for r in rows], label["mentions"])
                strict.add(s)
                lenient.add(l_)
                gold_pts = {norm(p) for p in label["pts"]}
                pred_pts = {next((n for n in (norm(r["effect"]), norm(r["effect_name"])) if n in gold_pts), norm(r["effect"]))
                            for r in rows}
                pt.add(score_sets(pred_pts, gold_pts)[0])
        results[setting] = {"strict": strict.figures(), "lenient": lenient.figures(), "meddra_pt": pt.figures(),
                            "quarantined": quarantined}
    return results


def _run(setting: str, files: dict[str, Any], labels: dict[str, dict[str, Any]], held: set[str],
         max_iterations: int | None, stats: WordStats | None) -> list[tuple[str, Any]]:
    if setting == "vocabulary":
        with effect_tagger(None):
            return list(run_files(files))
    if setting == "vocabulary + other-fold mentions":
        with effect_tagger(None), extra_effect_terms(_lexicon(labels, held)):
            return list(run_files(files))
    with tempfile.TemporaryDirectory() as folder:
        model = train_tagger(_sections(labels, held), Path(folder) / "fold.crfsuite", max_iterations, stats=stats)
        with effect_tagger(MentionTagger(model)):
            return list(run_files(files))


def by_label(path: Path) -> dict[str, set[str]]:
    """Gold mentions per label (for inspection)."""
    out: dict[str, set[str]] = defaultdict(set)
    for lid, label in load_tac(path).items():
        out[lid] = label["mentions"]
    return out
