"""Everything derived from the contracts: column order, Arrow schema, DuckDB DDL, the JSON
table schemas in `schemas/` and the data dictionary. Run `python -m drugdata.schema_export`
to rewrite the committed files; a test fails when they drift from the models."""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from drugdata.contracts import SCHEMA_VERSION, SECTION_STRUCT, TABLES

DATA_LICENSE = "CC-BY-4.0"  # the published tables; the code is MIT (LICENSE, DATA-LICENSE.md)

__all__ = ["Column", "arrow_schema", "columns", "data_dictionary", "datapackage", "duckdb_ddl", "foreign_keys",
           "primary_key",
           "table_description", "table_schema_json", "write_all"]

# Support and provenance columns go last, in this order.
_TAIL = ("n_documents", "n_publishers", "publishers", "fact_ids", "section", "evidence_doc_id",
         "evidence_fact_id", "evidence", "span_start", "span_end")
_SECTION_FIELDS = [("heading", pa.string(), "VARCHAR"), ("type", pa.string(), "VARCHAR"),
                   ("level", pa.int32(), "INTEGER"), ("span_start", pa.int64(), "BIGINT"),
                   ("span_end", pa.int64(), "BIGINT")]
_ARROW = {"string": pa.string(), "int64": pa.int64(), "double": pa.float64(), "bool": pa.bool_(),
          "list<string>": pa.list_(pa.string()),
          SECTION_STRUCT: pa.list_(pa.struct([(n, t) for n, t, _ in _SECTION_FIELDS]))}
_DUCKDB = {"string": "VARCHAR", "int64": "BIGINT", "double": "DOUBLE", "bool": "BOOLEAN",
           "list<string>": "VARCHAR[]",
           SECTION_STRUCT: "STRUCT(" + ", ".join(f"{n} {d}" for n, _, d in _SECTION_FIELDS) + ")[]"}
_FRICTIONLESS = {"string": "string", "int64": "integer", "double": "number", "bool": "boolean",
                 "list<string>": "array", SECTION_STRUCT: "array"}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # logical type: string, int64, double, bool, list<string>, sections struct
    nullable: bool
    description: str
    constraints: dict[str, Any]


def _logical(dtype: str, metadata: dict[str, Any] | None) -> str:
    if metadata and "type" in metadata:
        return str(metadata["type"])
    return {"int64": "int64", "Int64": "int64", "float64": "double", "bool": "bool"}.get(dtype, "string")


def _constraints(column: Any) -> dict[str, Any]:
    found: dict[str, Any] = {"required": not column.nullable}
    if column.unique:
        found["unique"] = True
    for check in column.checks:
        stats = check.statistics or {}
        if check.name == "isin":
            found["enum"] = list(stats["allowed_values"])
        elif check.name in ("greater_than_or_equal_to", "greater_than"):
            found["minimum"] = stats["min_value"]
        elif check.name in ("less_than_or_equal_to", "less_than"):
            found["maximum"] = stats["max_value"]
        elif check.name == "str_matches":
            found["pattern"] = stats["pattern"]
    return found


def columns(table: str) -> list[Column]:
    """Columns of a table in publishing order: keys and facts first, provenance last."""
    schema = TABLES[table].to_schema()
    cols = [Column(name, _logical(str(col.dtype), col.metadata), bool(col.nullable),
                   col.description or "", _constraints(col)) for name, col in schema.columns.items()]
    tail = sorted((c for c in cols if c.name in _TAIL), key=lambda c: _TAIL.index(c.name))
    return [c for c in cols if c.name not in _TAIL] + tail


def primary_key(table: str) -> list[str]:
    unique = TABLES[table].to_schema().unique  # Config.unique: a composite key
    if unique:
        return list(unique)
    names = [c.name for c in columns(table)]
    for candidate in ("fact_id", "doc_id" if table == "documents" else "", "drug_id" if table == "drugs" else "",
                      "path" if table == "sources" else ""):
        if candidate and candidate in names:
            return [candidate]
    return []


def table_description(table: str) -> str:
    config = getattr(TABLES[table], "Config", None)
    return getattr(config, "description", "") or ""


def arrow_schema(table: str) -> pa.Schema:
    fields = [pa.field(c.name, _ARROW[c.type], nullable=c.nullable,
                       metadata={"description": c.description}) for c in columns(table)]
    return pa.schema(fields, metadata={"table": table, "schema_version": SCHEMA_VERSION,
                                       "description": table_description(table)})


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def duckdb_ddl(table: str) -> str:
    cols = columns(table)
    body = ",\n".join(f'    "{c.name}" {_DUCKDB[c.type]}{"" if c.nullable else " NOT NULL"}' for c in cols)
    lines = [f"CREATE TABLE {table} (\n{body}\n);",
             f"COMMENT ON TABLE {table} IS {_quote(table_description(table))};"]
    lines += [f'COMMENT ON COLUMN {table}."{c.name}" IS {_quote(c.description)};' for c in cols]
    return "\n".join(lines)


def table_schema_json(table: str) -> dict[str, Any]:
    """A Frictionless Table Schema for the table."""
    fields = []
    for c in columns(table):
        field: dict[str, Any] = {"name": c.name, "type": _FRICTIONLESS[c.type], "description": c.description}
        if c.type not in ("string", "int64", "double", "bool"):
            field["arrowType"] = c.type
        field["constraints"] = c.constraints
        fields.append(field)
    schema: dict[str, Any] = {"name": table, "description": table_description(table),
                              "schemaVersion": SCHEMA_VERSION, "fields": fields}
    if primary_key(table):
        schema["primaryKey"] = primary_key(table)
    return schema


# Every fact points at a document and a drug; consolidated rows at their evidence document.
_REFERENCES = {"doc_id": ("documents", "doc_id"), "evidence_doc_id": ("documents", "doc_id"),
               "drug_id": ("drugs", "drug_id")}
_UNREFERENCED = {"sources", "quarantine", "drugs"}  # may name pages or drugs that were not kept


def foreign_keys(table: str) -> list[dict[str, Any]]:
    if table in _UNREFERENCED:
        return []
    keys = []
    for c in columns(table):
        target = _REFERENCES.get(c.name)
        if target and target[0] != table:
            keys.append({"fields": [c.name], "reference": {"resource": target[0], "fields": [target[1]]}})
    return keys


def datapackage() -> dict[str, Any]:
    """A Frictionless Data Package describing the Parquet files of a release (paths relative
    to the folder that holds them)."""
    resources = []
    for table in TABLES:
        schema = table_schema_json(table)
        schema.pop("name"), schema.pop("description"), schema.pop("schemaVersion")
        if foreign_keys(table):
            schema["foreignKeys"] = foreign_keys(table)
        resources.append({"name": table, "type": "table", "path": f"{table}.parquet", "format": "parquet",
                          "mediatype": "application/vnd.apache.parquet", "description": table_description(table),
                          "schema": schema})
    return {"name": "drugdata", "title": "drugdata: drug facts with provenance",
            "description": "Indications, dosing, adverse effects and interactions extracted from drug "
                           "monographs, each row with its document, sentence and character span.",
            "version": SCHEMA_VERSION, "resources": resources,
            "licenses": [{"name": DATA_LICENSE, "path": "https://creativecommons.org/licenses/by/4.0/",
                          "title": "Creative Commons Attribution 4.0"}]}


def data_dictionary() -> str:
    out = [f"# Data dictionary (schema {SCHEMA_VERSION})", "",
           "Generated from `src/drugdata/contracts.py` by `python -m drugdata.schema_export`; do not edit.", ""]
    for table in TABLES:
        out += [f"## `{table}`", "", table_description(table), "",
                "| column | type | null | description | allowed |", "|---|---|---|---|---|"]
        for c in columns(table):
            allowed = ", ".join(c.constraints.get("enum", []))
            bounds = " ".join(f"{k} {c.constraints[k]}" for k in ("minimum", "maximum") if k in c.constraints)
            out.append(f"| `{c.name}` | {c.type} | {'yes' if c.nullable else 'no'} | {c.description} | "
                       f"{allowed or bounds} |")
        out.append("")
    return "\n".join(out)


def rendered_files() -> dict[str, str]:
    """Relative path -> content of every derived file committed to the repository."""
    files = {f"schemas/{t}.json": json.dumps(table_schema_json(t), indent=2) + "\n" for t in TABLES}
    files["schemas/duckdb.sql"] = "\n\n".join(duckdb_ddl(t) for t in TABLES) + "\n"
    files["docs/data-dictionary.md"] = data_dictionary()
    return files


def write_all(root: Path) -> list[str]:
    written = []
    for relative, content in rendered_files().items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        written.append(relative)
    return written


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="repository root")
    print("\n".join(write_all(parser.parse_args().root)))
