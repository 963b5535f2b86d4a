"""The learnt precipitant tagger for label interactions: what it learns from context, and how the
interaction extractor uses it (labels only; the rules add the drugs the label's drug acts on)."""

import json
import random
import re

import pytest

from drugdata.extract.drug import name_pattern
from drugdata.extract.interactions import extract_interactions, interaction_tagger
from drugdata.extract.mention_tagger import TrainingText
from drugdata.extract.precipitant_tagger import (
    load_precipitant_tagger,
    noun_phrase,
    train_precipitant_tagger,
)

# Invented drug names (seeded), so only what the tagger learnt from context finds new ones.
_RANDOM = random.Random(11)
_AGENTS = ["".join(_RANDOM.choice("bdfgklmnprstvz") + _RANDOM.choice("aeiou") for _ in range(3)) + "zole"
           for _ in range(40)]
_UNSEEN = "quorvatizole"  # never in training
_NAMES = name_pattern("zentramab", {"brand_names": "Zentra"})
_FRAMES = ["{a} increases the plasma concentrations of Zentra.",
           "Concomitant use of Zentra with {a} is not recommended.",
           "Avoid coadministration of Zentra and strong inhibitors of CYP3A4 (e.g., {b}).",
           "Zentra raises serum digoxin levels; monitor digoxin.",
           "Zentra has been given with {b} without any interaction.",
           "Patients taking {a} should not take Zentra."]
_PRECIPITANT = re.compile(r"^(\w+zole) increases|with (\w+zole) is|inhibitors of CYP3A4|taking (\w+zole)")


def _annotated(text: str) -> TrainingText:
    match = _PRECIPITANT.search(text)
    group = next((g for g in range(1, 4) if match and match.group(g)), 0) if match else None
    spans = [] if match is None else [match.span(group)] if group else [(match.start(), match.end())]
    return TrainingText(text, spans, _NAMES)


@pytest.fixture(scope="module")
def tagger(tmp_path_factory):
    texts = [_annotated(frame.format(a=_AGENTS[i % 40], b=_AGENTS[(i + 9) % 40]))
             for i, frame in enumerate(_FRAMES * 8)]
    model = train_precipitant_tagger(texts, tmp_path_factory.mktemp("model") / "ddi.crfsuite", max_iterations=100)
    return load_precipitant_tagger(model)


def test_tagger_learns_precipitants_not_examples_objects_or_the_labels_drug(tagger):
    text = f"{_UNSEEN.capitalize()} increases the plasma concentrations of Zentra."
    assert [text[a:b] for a, b in tagger.tag(text, _NAMES)] == [_UNSEEN.capitalize()]  # a name it never saw
    text = f"Avoid coadministration of Zentra and strong inhibitors of CYP3A4 (e.g., {_UNSEEN})."
    assert [text[a:b] for a, b in tagger.tag(text, _NAMES)] == ["inhibitors of CYP3A4"]  # the class, not its example
    assert not tagger.tag("Zentra raises serum digoxin levels; monitor digoxin.", _NAMES)


def _label(doc_state, interactions: str):
    record = {"openfda": {"generic_name": ["zentramab"], "brand_name": ["Zentra"]}, "drug_interactions": [interactions]}
    return doc_state(json.dumps(record), "zentra.json").document


def test_labels_take_precipitants_from_the_tagger_and_objects_from_the_rules(tagger, doc_state):
    document = _label(doc_state, f"7 DRUG INTERACTIONS {_UNSEEN.capitalize()} increases the plasma concentrations "
                                 "of Zentra. Zentra raises serum digoxin levels; monitor digoxin.")
    with interaction_tagger(tagger):
        rows = {r["agent"]: r for r in extract_interactions(document, "zentramab", _NAMES)}
    with interaction_tagger(None):
        rules = {r["agent"] for r in extract_interactions(document, "zentramab", _NAMES)}
    found = rows[_UNSEEN.capitalize()]
    assert found["agent_role"] == "precipitant" and found["agent_id"] is None and found["agent_type"] == "drug"
    assert _UNSEEN.capitalize() not in rules
    assert rows["digoxin"]["agent_role"] == "object" and rows["digoxin"]["agent_id"]  # the rules' object row
    assert not any(_NAMES.search(agent) for agent in rows)
    for row in rows.values():
        assert document.clean_text[row["span_start"]:row["span_end"]] == row["agent"]


def test_web_pages_are_read_by_rules_only(tagger, document):
    page = document(f"Baclofen\n\nDrug interactions\n\n{_UNSEEN.capitalize()} increases the plasma "
                    "concentrations of baclofen. Baclofen can increase serum digoxin levels.\n")
    names = name_pattern("baclofen")
    with interaction_tagger(tagger):
        learnt = {r["agent"] for r in extract_interactions(page, "baclofen", names)}
    with interaction_tagger(None):
        rules = {r["agent"] for r in extract_interactions(page, "baclofen", names)}
    assert learnt == rules == {"digoxin"}


@pytest.mark.parametrize("text, span, agent", [
    ("Concomitant use can increase the risk", (12, 19), None),  # "use can"
    ("Avoid use with a PDE-5 inhibitor can", (10, 36), "PDE-5 inhibitor"),
    ("Avoid phosphodiesterase-5 (PDE-5) inhibitors, and", (6, 49), "phosphodiesterase-5 (PDE-5) inhibitors"),
    ("inhibitors (e.g., ketoconazole", (11, 30), None),
])
def test_tagged_spans_lose_glue_at_their_edges(text, span, agent):
    trimmed = noun_phrase(text, *span)
    assert (text[trimmed[0]:trimmed[1]] if trimmed else None) == agent


def test_labels_keep_the_examples_of_a_class_the_tagger_found(tagger, doc_state):
    document = _label(doc_state, "7 DRUG INTERACTIONS Avoid coadministration of Zentra and strong inhibitors of CYP3A4 "
                                 "(e.g., ketoconazole, itraconazole).")
    with interaction_tagger(tagger):
        rows = {r["agent"]: r["example_of"] for r in extract_interactions(document, "zentramab", _NAMES)}
    assert rows == {"inhibitors of CYP3A4": None, "ketoconazole": "inhibitors of CYP3A4",
                    "itraconazole": "inhibitors of CYP3A4"}
