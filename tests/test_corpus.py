"""The sample corpus in raw/ against the facts its authors listed for each page."""

from pathlib import Path

import pytest
import yaml

from drugdata import pipeline
from drugdata.normalize import agent_lexicon, condition_lexicon, effect_lexicon, key
from drugdata.readers.metadata import load_manifest

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "raw"
EXPECTATIONS = REPO / "tests" / "fixtures" / "corpus_expectations"
FACT_TABLES = ("indications", "adverse_effects", "interactions", "dosing")
MIN_RECALL = 0.8


@pytest.fixture(scope="module")
def corpus():
    manifest = load_manifest(RAW)
    return {path: pipeline.run_document(RAW, path, manifest) for path in pipeline.discover(RAW)}


@pytest.fixture(scope="module")
def expected():
    merged = {}
    for path in sorted(EXPECTATIONS.glob("*.yaml")):
        merged.update(yaml.safe_load(path.read_text()))
    return merged


def test_corpus_size_and_spread(corpus):
    drugs = {state.drug_name for state in corpus.values()}
    formats = {state.source["format"] for state in corpus.values()}
    publishers = {state.source["publisher"] for state in corpus.values()}
    assert len(corpus) >= 30 and len(drugs) >= 12
    assert formats == {"text", "markdown", "html"}
    assert len(publishers) >= 5 and None not in publishers


def test_every_page_identified_with_rows_in_all_fact_tables(corpus, expected):
    assert set(expected) == set(corpus)
    for path, state in corpus.items():
        assert state.ok, (path, state.source["reason"])
        assert state.drug_name == expected[path]["drug"], path
        assert all(state.facts[t] for t in FACT_TABLES), path


def _names(mention, lexicon):
    concept = lexicon.lookup(mention)
    return {key(mention)} | ({key(concept.name)} if concept else set())


def test_recall_of_listed_facts(corpus, expected):
    checks = [("adverse_effects", "adverse_effects", "effect", effect_lexicon(), None),
              ("interactions", "interactions", "agent", agent_lexicon(), None),
              ("indications_approved", "indications", "condition", condition_lexicon(), "approved"),
              ("indications_off_label", "indications", "condition", condition_lexicon(), "off_label")]
    found = missed = 0
    misses = []
    for path, facts in expected.items():
        state = corpus[path]
        for field, table, column, lexicon, status in checks:
            extracted = set()
            for row in state.facts[table]:
                if status is None or row["status"] == status:  # indications count with the right status
                    extracted |= {key(row[column]), key(row[f"{column}_name"])}
            for mention in facts.get(field, []):
                wanted = _names(mention, lexicon)
                hit = bool(wanted & extracted)
                found += hit
                missed += not hit
                if not hit:
                    misses.append(f"{path}: {field} {mention}")
        if "max_daily_dose_mg" in facts:
            maxima = {r["max_daily_dose"] for r in state.facts["dosing"]}
            hit = float(facts["max_daily_dose_mg"]) in maxima
            found += hit
            missed += not hit
            if not hit:
                misses.append(f"{path}: max_daily_dose_mg {facts['max_daily_dose_mg']}")
    recall = found / (found + missed)
    print(f"corpus recall {recall:.3f} ({found}/{found + missed}); misses: {misses}")
    assert recall >= MIN_RECALL, misses
