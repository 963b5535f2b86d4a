"""Consolidated tables: merging across documents, votes, and which disagreements are conflicts."""

import hashlib

import duckdb
import pandas as pd
import pytest

from drugdata.consolidate import consolidate
from drugdata.contracts import DOCUMENT_TABLES
from drugdata.validate import validate_rows


def _id(*parts) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:16]


def _doc(n: int) -> str:
    return f"{n:016x}"


def _fact(doc: int, start: int, **values) -> dict:
    return {"fact_id": _id(doc, start, *values.values()), "drug_id": "baclofen", "doc_id": _doc(doc),
            "section": "other", "evidence": f"sentence {start} of document {doc}", "span_start": start,
            "span_end": start + 3, **values}


def _effect(doc, start, name, effect_id, frequency="unknown", serious=False, context="therapy", low=None, high=None):
    return _fact(doc, start, effect=name, effect_name=name, effect_id=effect_id, frequency_class=frequency,
                 frequency_text=None, frequency_low_pct=low, frequency_high_pct=high, serious=serious,
                 context=context, route=None)


def _max_dose(doc, start, amount, route=None, population=None, unit="mg"):
    return _fact(doc, start, route=route, dosage_form=None, population=population, indication=None,
                 regimen_phase="maximum", dose_min=amount, dose_max=amount, dose_unit=unit, dose_basis="per_day",
                 frequency_min_per_day=None, frequency_max_per_day=None, interval_days=None,
                 max_daily_dose=amount, max_daily_dose_unit=unit, duration_days_min=None, duration_days_max=None)


def _indication(doc, start, name, condition_id, status):
    return _fact(doc, start, condition=name, condition_name=name, condition_id=condition_id, status=status)


def _frames(n_docs=3, **rows) -> dict:
    sources = [{"doc_id": _doc(i), "path": f"p{i}.txt", "format": "text", "publisher": f"Site {i % 2}",
                "url": None, "retrieved_at": None, "sha256": "a" * 64, "drug_id": "baclofen", "status": "ok",
                "reason": None, "n_chars_clean": 10, "title": None, "n_bytes": 10} for i in range(1, n_docs + 1)]
    documents = [{"doc_id": _doc(i), "drug_id": "baclofen", "clean_text": "x" * 50, "sections": []}
                 for i in range(1, n_docs + 1)]
    drugs = [{"drug_id": "baclofen", "name": "baclofen", "brand_names": ["Lioresal"], "drug_class": None,
              "rxcui": "1292", "n_documents": n_docs}] if n_docs else []
    given = {"sources": sources, "documents": documents, "drugs": drugs, **rows}
    frames = {}
    for table in DOCUMENT_TABLES:
        frames[table], failed = validate_rows(table, given.get(table, []))
        assert not failed, failed
    return frames


def test_effects_merge_by_id_and_by_name_with_a_vote_per_document():
    out = consolidate(_frames(adverse_effects=[
        _effect(1, 0, "drowsiness", "HP:0002329", "common"),
        _effect(1, 40, "drowsiness", "HP:0002329", "common", context="overdose"),  # same document: one vote
        _effect(2, 0, "drowsiness", "HP:0002329", "very_common", serious=True, low=10, high=63),
        _effect(3, 0, "drowsiness", "HP:0002329", "common"),
        _effect(2, 10, "odd feeling", None),
        _effect(3, 10, "Odd feeling", None, "rare"),
    ]))
    effects = out["drug_adverse_effects"].set_index("effect_key")
    assert list(effects.index) == ["HP:0002329", "name:odd feeling"]
    drowsy = effects.loc["HP:0002329"]
    assert drowsy["n_documents"] == 3 and drowsy["frequency_class"] == "common"
    assert list(drowsy["frequency_classes"]) == ["very_common", "common"]
    assert drowsy["frequency_votes"] == "very_common=1, common=2"
    assert drowsy["serious"] and drowsy["n_serious"] == 1
    assert (drowsy["frequency_low_pct"], drowsy["frequency_high_pct"]) == (10, 63)
    assert list(drowsy["contexts"]) == ["overdose", "therapy"] and len(drowsy["fact_ids"]) == 4
    assert list(drowsy["publishers"]) == ["Site 0", "Site 1"] and drowsy["n_publishers"] == 2
    assert drowsy["evidence_doc_id"] == _doc(1) and drowsy["evidence"] == "sentence 0 of document 1"
    odd = effects.loc["name:odd feeling"]
    assert odd["n_documents"] == 2 and pd.isna(odd["effect_id"]) and odd["frequency_class"] == "rare"


def test_frequency_tie_goes_to_the_more_frequent_class():
    out = consolidate(_frames(adverse_effects=[_effect(1, 0, "nausea", "HP:0002018", "common"),
                                               _effect(2, 0, "nausea", "HP:0002018", "very_common")]))
    assert out["drug_adverse_effects"]["frequency_class"].tolist() == ["very_common"]


def test_max_dose_conflict_needs_two_documents_that_differ():
    alone = consolidate(_frames(dosing=[_max_dose(1, 0, 80, "oral", "adult"), _max_dose(1, 9, 120, "oral", "adult")]))
    assert alone["conflicts"].empty  # one page giving "80, some up to 120" disagrees with nobody
    agree = consolidate(_frames(dosing=[_max_dose(1, 0, 80, "oral"), _max_dose(1, 9, 120, "oral"),
                                        _max_dose(2, 0, 80, "oral"), _max_dose(2, 9, 120, "oral")]))
    assert agree["conflicts"].empty
    differ = consolidate(_frames(dosing=[_max_dose(1, 0, 80, "oral", "adult"), _max_dose(2, 0, 80),
                                         _max_dose(2, 9, 120), _max_dose(3, 0, 30, "intrathecal", unit="mcg")]))
    conflicts = differ["conflicts"]
    assert sorted(conflicts["value"]) == ["120 mg/day", "80 mg/day"]
    assert conflicts["subject"].unique().tolist() == ["oral, adult"]  # the routeless dose takes the one route
    assert conflicts["conflict_id"].nunique() == 1
    eighty = conflicts[conflicts["value"] == "80 mg/day"].iloc[0]
    assert eighty["n_documents"] == 2 and list(eighty["doc_ids"]) == [_doc(1), _doc(2)]


def test_status_majority_agreement_and_conflict():
    out = consolidate(_frames(indications=[
        _indication(1, 0, "spasticity", "HP:0001257", "approved"),
        _indication(2, 0, "spasticity", "HP:0001257", "approved"),
        _indication(3, 0, "spasticity", "HP:0001257", "off_label"),
        _indication(1, 9, "hiccups", None, "unspecified"),
    ]))
    rows = out["drug_indications"].set_index("condition_key")
    assert rows.loc["HP:0001257", "status"] == "approved"
    assert not rows.loc["HP:0001257", "status_agreement"]
    assert rows.loc["name:hiccups", "status"] == "unspecified" and rows.loc["name:hiccups", "status_agreement"]
    assert sorted(out["conflicts"]["value"]) == ["approved", "off_label"]


def test_empty_release_consolidates_to_empty_tables():
    out = consolidate(_frames(n_docs=0))
    assert all(out[t].empty for t in ("drug_adverse_effects", "drug_indications", "drug_interactions",
                                      "drug_dosing", "conflicts"))


@pytest.fixture(scope="module")
def release(built):
    _, out, _ = built
    return duckdb.connect(str(out / "drugdata.duckdb"), read_only=True)


def test_baclofen_effects_appear_once_with_support(release):
    rows = release.execute("""SELECT effect_key, n_documents FROM drug_adverse_effects
                              WHERE drug_id = 'baclofen'""").fetchall()
    keys = [key for key, _ in rows]
    assert len(keys) == len(set(keys)) and len(keys) >= 15
    support = dict(rows)
    assert support["HP:0002329"] == 3  # drowsiness, on all three baclofen pages
    per_doc = release.execute("""SELECT count(DISTINCT doc_id) FROM adverse_effects
                                 WHERE drug_id = 'baclofen' AND effect_id = 'HP:0002329'""").fetchone()[0]
    assert per_doc == support["HP:0002329"]


def test_baclofen_80_vs_120_mg_conflict(release):
    sides = dict(release.execute("""SELECT value, n_documents FROM conflicts
                                    WHERE drug_id = 'baclofen' AND kind = 'max_daily_dose'""").fetchall())
    assert sides == {"80 mg/day": 3, "120 mg/day": 1}


def test_fact_ids_of_consolidated_rows_exist(release):
    for table, source in (("drug_adverse_effects", "adverse_effects"), ("drug_indications", "indications"),
                          ("drug_interactions", "interactions"), ("drug_dosing", "dosing")):
        missing = release.execute(f"""SELECT count(*) FROM (SELECT unnest(fact_ids) AS fact_id FROM {table})
                                      ANTI JOIN {source} USING (fact_id)""").fetchone()[0]
        assert missing == 0, table


def test_consolidating_a_few_drugs_at_a_time_gives_the_same_tables(tmp_path):
    """A build consolidates groups of drugs into Parquet files (bounded memory); the result is
    the same as consolidating everything at once."""
    from pathlib import Path

    import pyarrow.parquet as pq

    from drugdata import pipeline
    from drugdata.assemble import build_tables
    from drugdata.contracts import CONSOLIDATED_TABLES
    from drugdata.publish import to_arrow

    frames = build_tables(pipeline.run_folder(Path(__file__).resolve().parents[1] / "raw"))
    whole = consolidate(frames)
    chunked = consolidate(frames, into=tmp_path, rows_per_chunk=150)
    assert len({p.name for p in (tmp_path / "parts" / "drug_adverse_effects").iterdir()}) > 3
    for table in CONSOLIDATED_TABLES:
        assert pq.read_table(chunked[table]).equals(to_arrow(table, whole[table])), table
    assert len(whole["conflicts"]) > 0
