"""datapackage.json: the release's Parquet files described for apps, and validated with the
frictionless library (types, constraints, primary and foreign keys)."""

import json

import pyarrow.parquet as pq
import pytest
from frictionless import Package

from drugdata.contracts import TABLES


def _package(folder, change=None) -> Package:
    """The release's descriptor with each resource's rows inline. frictionless 5 reads Parquet
    through pandas, which turns nulls into NaN and lists into arrays; pyarrow's rows are exact."""
    descriptor = json.loads((folder / "datapackage.json").read_text())
    resources = []
    for resource in descriptor["resources"]:
        table = pq.read_table(folder / resource["path"])
        rows = table.to_pylist()
        if change and resource["name"] == change[0]:
            rows = change[1](rows)
        inline = {k: v for k, v in resource.items() if k not in ("path", "format", "mediatype")}
        inline["data"] = [table.column_names] + [[row[n] for n in table.column_names] for row in rows]
        resources.append(inline)
    return Package.from_descriptor({**descriptor, "resources": resources})


@pytest.fixture(scope="module")
def parquet_folder(built):
    return built[1] / "parquet"


def test_descriptor_lists_every_table_with_keys(parquet_folder):
    descriptor = json.loads((parquet_folder / "datapackage.json").read_text())
    resources = {r["name"]: r for r in descriptor["resources"]}
    assert list(resources) == list(TABLES)
    assert all((parquet_folder / r["path"]).is_file() for r in resources.values())
    assert resources["adverse_effects"]["schema"]["primaryKey"] == ["fact_id"]
    assert resources["drug_adverse_effects"]["schema"]["primaryKey"] == ["drug_id", "effect_key"]
    references = {fk["fields"][0]: fk["reference"]["resource"] for fk in resources["dosing"]["schema"]["foreignKeys"]}
    assert references == {"doc_id": "documents", "drug_id": "drugs"}
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"


def test_release_validates(parquet_folder):
    report = _package(parquet_folder).validate()
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:10]


@pytest.mark.parametrize("table, breaks, error", [
    ("dosing", lambda rows: rows + [rows[0]], "primary-key"),
    ("indications", lambda rows: [{**rows[0], "drug_id": "not_in_drugs"}] + rows[1:], "foreign-key"),
    ("adverse_effects", lambda rows: [{**rows[0], "frequency_class": "often"}] + rows[1:], "constraint-error"),
])
def test_validation_catches_broken_data(parquet_folder, table, breaks, error):
    report = _package(parquet_folder, (table, breaks)).validate()
    assert not report.valid
    assert error in {e[0] for e in report.flatten(["type"])}
