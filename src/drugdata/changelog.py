"""What changed between two releases: rows added, removed and changed per table and per drug.

Rows are matched by the table's primary key (`schema_export.primary_key`). "Changed" means the
same key with different content. `documents` (`doc_id`) and the fact tables (`fact_id`) are keyed
by content hashes, so an edited page shows up there as rows removed and added, never changed;
`sources` (by path), `drugs` and the consolidated tables (drug x effect, ...) have readable keys
and do report changes.
`quarantine` has no key: its rows are compared whole, so only added/removed apply.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from drugdata.engine import duckdb_connect, parquet_relation
from drugdata.schema_export import primary_key

__all__ = ["Changelog", "changelog", "changelog_markdown", "write_changelog"]

_KINDS = ("added", "removed", "changed")
_PER_DRUG = pa.schema([("drug_id", pa.string()), ("table", pa.string()), *((kind, pa.int64()) for kind in _KINDS)])


@dataclass
class Changelog:
    """`summary`: previous_release, rows per kind per table (and `unreadable` old tables);
    `drugs`: one row per drug and table it changed (drug_id, table, added, removed, changed),
    in an Arrow table: a first release of 100k documents has ~100k drugs."""

    summary: dict[str, Any]
    drugs: pa.Table


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    return [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()]


def _diff(con: duckdb.DuckDBPyConnection, old: str, new: str, key: list[str]) -> pa.Table:
    """Rows added, removed and changed per drug_id (null for a table without one) for one
    table; `old` and `new` are relations DuckDB reads (Parquet files are streamed, not loaded)."""
    old_names = set(_columns(con, old))
    common = [c for c in _columns(con, new) if c in old_names]
    key = [c for c in key if c in common] or common
    row = "hash(struct_pack(" + ", ".join(f"{_quote(c)} := {_quote(c)}" for c in common) + "))"
    keys = "struct_pack(" + ", ".join(f"{_quote(c)} := {_quote(c)}" for c in key) + ")"
    drug = "drug_id" if "drug_id" in common else "NULL::VARCHAR"
    counted = ", ".join(f"count(*) FILTER (WHERE kind = '{kind}') AS {kind}" for kind in _KINDS)
    return con.execute(f"""
            WITH o AS (SELECT {keys} AS k, {drug} AS drug_id, {row} AS h FROM {old}),
                 n AS (SELECT {keys} AS k, {drug} AS drug_id, {row} AS h FROM {new}),
                 d AS (SELECT coalesce(n.drug_id, o.drug_id) AS drug_id,
                              CASE WHEN o.k IS NULL THEN 'added' WHEN n.k IS NULL THEN 'removed'
                                   WHEN o.h <> n.h THEN 'changed' END AS kind
                       FROM o FULL OUTER JOIN n ON o.k IS NOT DISTINCT FROM n.k)
            SELECT drug_id, {counted} FROM d WHERE kind IS NOT NULL GROUP BY ALL ORDER BY ALL""").to_arrow_table()


def changelog(previous: Path | None, previous_id: str | None, tables: dict[str, Path],
              temp_directory: Path | None = None) -> Changelog:
    """Compare the new release's Parquet files with those of `previous` (a release folder, or
    None for the first release, where every row is added). The joins spill to `temp_directory`
    (removed at the end) past DuckDB's memory limit; without one, DuckDB picks `.tmp` in the
    working directory."""
    result: dict[str, Any] = {"previous_release": previous_id, "tables": {}}
    per_drug: list[pa.Table] = []
    con = duckdb_connect(temp_directory=temp_directory)
    try:
        for number, (name, new_path) in enumerate(tables.items()):
            new = parquet_relation(new_path)
            path = previous / "parquet" / f"{name}.parquet" if previous else None
            old = f"(SELECT * FROM {new} WHERE false)"
            if path and path.is_file():
                try:
                    pq.ParquetFile(path)  # footer and schema readable
                    con.execute(f"SELECT count(*) FROM {parquet_relation(path)}").fetchall()
                    old = parquet_relation(path)
                except (OSError, pa.ArrowException, duckdb.Error) as error:  # a damaged old release must not stop a build
                    result.setdefault("unreadable", {})[name] = str(error)
            counts = _diff(con, old, new, primary_key(name))
            result["tables"][name] = {kind: int(pc.sum(counts.column(kind)).as_py() or 0) for kind in _KINDS}
            drugs = counts.filter(pc.is_valid(counts.column("drug_id")))
            per_drug.append(drugs.append_column("table", pa.array([name] * drugs.num_rows, pa.string()))
                            .append_column("table_order", pa.array([number] * drugs.num_rows, pa.int32())))
    finally:
        con.close()
        if temp_directory is not None:
            shutil.rmtree(temp_directory, ignore_errors=True)
    if not per_drug:
        return Changelog(result, _PER_DRUG.empty_table())
    drugs = pa.concat_tables(per_drug).sort_by([("drug_id", "ascending"), ("table_order", "ascending")])
    return Changelog(result, drugs.select(_PER_DRUG.names))


def write_changelog(log: Changelog, path: Path) -> None:
    """changelog.json: `previous_release`, `tables` (kind -> rows per table) and `drugs` (per drug,
    per table, kind -> rows), written a drug at a time: a first release of 100k documents
    counts ~100k drugs, and as nested dicts those took ~500 MB."""
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps(log.summary, indent=2)[:-2] + ',\n  "drugs": {')
        first = True
        current: str | None = None
        tables: dict[str, dict[str, int]] = {}
        for batch in log.drugs.to_batches(max_chunksize=10_000):
            for row in batch.to_pylist():
                if row["drug_id"] != current:
                    if current is not None:
                        out.write(("" if first else ",") + _drug_entry(current, tables))
                        first = False
                    current, tables = row["drug_id"], {}
                tables[row["table"]] = {kind: row[kind] for kind in _KINDS}
        if current is not None:
            out.write(("" if first else ",") + _drug_entry(current, tables))
        out.write("\n  }\n}\n" if current is not None else "}\n}\n")


def _drug_entry(drug_id: str, tables: dict[str, dict[str, int]]) -> str:
    body = json.dumps(tables, indent=2).replace("\n", "\n    ")
    return f"\n    {json.dumps(drug_id)}: {body}"


def changelog_markdown(build_id: str, log: Changelog, top_drugs: int = 20) -> str:
    """A short CHANGELOG.md: totals per table, then the drugs with the most changed rows."""
    summary = log.summary
    since = f"`{summary['previous_release']}`" if summary["previous_release"] else "nothing (first release)"
    lines = [f"# Release {build_id}", "", f"Changes since {since}.", "",
             "| table | added | removed | changed |", "|---|---:|---:|---:|"]
    lines += [f"| {t} | {c['added']} | {c['removed']} | {c['changed']} |" for t, c in summary["tables"].items()]
    rows = pc.add(pc.add(log.drugs.column("added"), log.drugs.column("removed")), log.drugs.column("changed"))
    totals = pa.table({"drug": log.drugs.column("drug_id"), "rows": rows}).group_by("drug").aggregate([("rows", "sum")])
    ranked = totals.sort_by([("rows_sum", "descending"), ("drug", "ascending")]).slice(0, top_drugs).to_pylist()
    if ranked:
        lines += ["", f"Drugs with the most rows added, removed or changed (top {top_drugs}):", "",
                  "| drug | rows |", "|---|---:|"]
        lines += [f"| {row['drug']} | {row['rows_sum']} |" for row in ranked]
    return "\n".join(lines) + "\n"
