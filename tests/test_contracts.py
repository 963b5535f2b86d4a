"""The contracts, and every file derived from them."""

import json

import pandas as pd
import pytest

from drugdata.contracts import TABLES
from drugdata.schema_export import arrow_schema, columns, duckdb_ddl, rendered_files
from drugdata.validate import validate_rows

FIXED = {  # column names apps and evaluations read: these may never change
    "sources": ["doc_id", "path", "format", "publisher", "url", "retrieved_at", "sha256", "drug_id",
                "status", "reason", "n_chars_clean"],
    "documents": ["doc_id", "clean_text", "sections"],
    "drugs": ["drug_id", "name", "brand_names", "drug_class"],
    "indications": ["fact_id", "section", "drug_id", "doc_id", "condition", "condition_name", "condition_id", "status",
                    "evidence", "span_start", "span_end"],
    "adverse_effects": ["fact_id", "section", "drug_id", "doc_id", "effect", "effect_name", "effect_id", "frequency_class",
                        "frequency_text", "frequency_low_pct", "frequency_high_pct", "serious", "context",
                        "route", "evidence", "span_start", "span_end"],
    "interactions": ["fact_id", "section", "drug_id", "doc_id", "agent", "agent_name", "agent_id", "agent_type", "effect",
                     "recommendation", "severity", "evidence", "span_start", "span_end"],
    "dosing": ["fact_id", "section", "drug_id", "doc_id", "route", "dosage_form", "population", "indication", "regimen_phase",
               "dose_min", "dose_max", "dose_unit", "dose_basis", "frequency_min_per_day",
               "frequency_max_per_day", "interval_days", "max_daily_dose", "max_daily_dose_unit",
               "duration_days_min", "duration_days_max", "evidence", "span_start", "span_end"],
    "products": ["fact_id", "section", "drug_id", "doc_id", "dosage_form", "route", "strength", "strength_unit", "evidence"],
    "quarantine": ["doc_id", "table", "reason", "payload"],
    "drug_adverse_effects": ["drug_id", "effect_key", "effect_id", "effect_name", "frequency_class",
                             "frequency_classes", "serious", "contexts", "n_documents", "n_publishers", "evidence"],
    "drug_indications": ["drug_id", "condition_key", "condition_id", "condition_name", "status", "statuses",
                         "status_agreement", "n_documents", "evidence"],
    "drug_interactions": ["drug_id", "agent_key", "agent_id", "agent_name", "agent_type", "recommendation",
                          "severity", "effects", "n_documents", "evidence"],
    "drug_dosing": ["drug_id", "dose_key", "route", "population", "regimen_phase", "dose_min", "dose_max",
                    "dose_unit", "dose_basis", "times_per_day", "n_documents", "evidence"],
    "conflicts": ["conflict_id", "drug_id", "kind", "subject", "value", "n_documents", "doc_ids", "publishers"],
}


@pytest.mark.parametrize("table", sorted(FIXED))
def test_fixed_columns_are_present(table):
    names = [c.name for c in columns(table)]
    assert set(FIXED[table]) <= set(names)
    assert arrow_schema(table).names == names


def test_committed_derived_files_match_the_contracts(repo):
    stale = [path for path, content in rendered_files().items()
             if not (repo / path).is_file() or (repo / path).read_text(encoding="utf-8") != content]
    assert not stale, f"run `make schemas`: {stale} drifted from src/drugdata/contracts.py"


def test_every_table_has_a_schema_file_and_descriptions(repo):
    for table in TABLES:
        schema = json.loads((repo / "schemas" / f"{table}.json").read_text())
        assert schema["name"] == table and schema["description"]
        assert all(field["description"] for field in schema["fields"])


def test_ddl_creates_in_duckdb():
    import duckdb

    con = duckdb.connect()
    for table in TABLES:
        con.execute(duckdb_ddl(table))
    assert len(con.execute("SHOW TABLES").fetchall()) == len(TABLES)


def _effect(**overrides):
    row = {"fact_id": "0123456789abcdef", "drug_id": "baclofen", "doc_id": "fedcba9876543210",
           "effect": "Drowsiness", "effect_name": "drowsiness", "effect_id": "HP:0002329",
           "frequency_class": "common", "frequency_text": "common", "frequency_low_pct": None,
           "frequency_high_pct": None, "serious": False, "context": "therapy", "route": None,
           "section": "adverse_effects", "evidence": "Drowsiness", "span_start": 10, "span_end": 20}
    return {**row, **overrides}


def test_valid_rows_pass_and_bad_rows_are_quarantined_with_reasons():
    rows = [_effect(), _effect(fact_id="1111111111111111", frequency_class="sometimes"),
            _effect(fact_id="2222222222222222", span_start=30, span_end=5),
            _effect(fact_id="3333333333333333", effect_id="MEDDRA:1")]
    valid, quarantined = validate_rows("adverse_effects", rows)
    assert list(valid["fact_id"]) == ["0123456789abcdef"]
    reasons = {json.loads(q["payload"])["fact_id"]: q["reason"] for q in quarantined}
    assert "frequency_class" in reasons["1111111111111111"] and "isin" in reasons["1111111111111111"]
    assert "span_order" in reasons["2222222222222222"]
    assert "effect_id" in reasons["3333333333333333"]
    assert all(q["table"] == "adverse_effects" for q in quarantined)


def test_validation_coerces_types():
    valid, _ = validate_rows("adverse_effects", [_effect(span_start="10", serious=0)])
    assert valid["span_start"].dtype == "int64" and valid["serious"].dtype == bool
    assert isinstance(valid, pd.DataFrame)
