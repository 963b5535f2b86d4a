"""The five real baclofen pages in ../shared/seeds: the messy input the pipeline exists for."""

import pytest

from drugdata import pipeline

FACT_TABLES = ("indications", "adverse_effects", "interactions", "dosing")
BOILERPLATE = ("buy", "scroll to top", "leave a comment", "share this", "about the author", "database",
               "medical doctor with extensive")


@pytest.fixture(scope="module")
def seed_states(shared_dir):
    seeds = shared_dir / "seeds"
    return {path: pipeline.run_document(seeds, path) for path in pipeline.discover(seeds)}


def test_there_are_seed_pages(seed_states):
    assert len(seed_states) >= 5


def test_each_seed_yields_baclofen_and_rows_in_all_fact_tables(seed_states):
    for path, state in seed_states.items():
        assert state.ok, (path, state.source["reason"])
        assert state.drug_name == "baclofen", path
        empty = [table for table in FACT_TABLES if not state.facts[table]]
        assert not empty, f"{path}: no rows in {empty}"


def test_boilerplate_stays_out_of_clean_text(seed_states):
    for path, state in seed_states.items():
        lowered = state.clean_text.lower()
        for phrase in BOILERPLATE:
            assert phrase not in lowered, (path, phrase)


def test_facts_are_really_in_the_text(seed_states):
    for state in seed_states.values():
        for table in FACT_TABLES:
            for row in state.facts[table]:
                mention = state.clean_text[row["span_start"]:row["span_end"]]
                assert mention and mention in row["evidence"] and row["evidence"] in state.clean_text


def test_known_baclofen_facts(seed_states):
    effects = {r["effect_name"] for s in seed_states.values() for r in s.facts["adverse_effects"]}
    assert {"drowsiness", "seizure", "hallucinations", "hypoventilation"} <= effects
    statuses = {(r["condition_name"], r["status"]) for s in seed_states.values() for r in s.facts["indications"]}
    assert ("spasticity", "approved") in statuses and ("recurrent singultus", "off_label") in statuses
    agents = {r["agent_name"] for s in seed_states.values() for r in s.facts["interactions"]}
    assert {"alcohol", "opioids", "benzodiazepines"} <= agents
    maxima = {r["max_daily_dose"] for s in seed_states.values() for r in s.facts["dosing"]}
    assert {80.0, 120.0} <= maxima
