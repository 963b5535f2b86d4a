"""What changed between two releases: rows added, removed and changed per table and per drug.

Rows are matched by the table's primary key (`schema_export.primary_key`). "Changed" means the
same key with different content. `documents` (`doc_id`) and the fact tables (`fact_id`) are keyed
by content hashes, so an edited page shows up there as rows removed and added, never changed;
`sources` (by path), `drugs` and the consolidated tables (drug x effect, ...) have readable keys
and do report changes.
`quarantine` has no key: its rows are compared whole, so only added/removed apply.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from drugdata.engine import duckdb_connect, parquet_relation
from drugdata.schema_export import primary_key

__all__ = ["changelog", "changelog_markdown"]

_KINDS = ("added", "removed", "changed")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    return [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()]


def _diff(con: duckdb.DuckDBPyConnection, old: str, new: str, key: list[str]) -> list[tuple[Any, str, int]]:
    """(drug_id or None, kind, rows) for one table; `old` and `new` are relations DuckDB reads
    (Parquet files are streamed, not loaded)."""
    old_names = set(_columns(con, old))
    common = [c for c in _columns(con, new) if c in old_names]
    key = [c for c in key if c in common] or common
    row = "hash(struct_pack(" + ", ".join(f"{_quote(c)} := {_quote(c)}" for c in common) + "))"
    keys = "struct_pack(" + ", ".join(f"{_quote(c)} := {_quote(c)}" for c in key) + ")"
    drug = "drug_id" if "drug_id" in common else "NULL"
    return con.execute(f"""
            WITH o AS (SELECT {keys} AS k, {drug} AS drug_id, {row} AS h FROM {old}),
                 n AS (SELECT {keys} AS k, {drug} AS drug_id, {row} AS h FROM {new}),
                 d AS (SELECT coalesce(n.drug_id, o.drug_id) AS drug_id,
                              CASE WHEN o.k IS NULL THEN 'added' WHEN n.k IS NULL THEN 'removed'
                                   WHEN o.h <> n.h THEN 'changed' END AS kind
                       FROM o FULL OUTER JOIN n ON o.k IS NOT DISTINCT FROM n.k)
            SELECT drug_id, kind, count(*) FROM d WHERE kind IS NOT NULL GROUP BY ALL ORDER BY ALL""").fetchall()


def changelog(previous: Path | None, previous_id: str | None, tables: dict[str, Path]) -> dict[str, Any]:
    """Compare the new release's Parquet files with those of `previous` (a release folder, or
    None for the first release, where every row is added)."""
    result: dict[str, Any] = {"previous_release": previous_id, "tables": {}, "drugs": {}}
    con = duckdb_connect()
    try:
        for name, new_path in tables.items():
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
            counts = dict.fromkeys(_KINDS, 0)
            for drug_id, kind, rows in _diff(con, old, new, primary_key(name)):
                counts[kind] += rows
                if drug_id is not None:
                    per_drug = result["drugs"].setdefault(drug_id, {}).setdefault(name, dict.fromkeys(_KINDS, 0))
                    per_drug[kind] += rows
            result["tables"][name] = counts
    finally:
        con.close()
    result["drugs"] = dict(sorted(result["drugs"].items()))
    return result


def changelog_markdown(build_id: str, log: dict[str, Any], top_drugs: int = 20) -> str:
    """A short CHANGELOG.md: totals per table, then the drugs with the most changed rows."""
    since = f"`{log['previous_release']}`" if log["previous_release"] else "nothing (first release)"
    lines = [f"# Release {build_id}", "", f"Changes since {since}.", "",
             "| table | added | removed | changed |", "|---|---:|---:|---:|"]
    lines += [f"| {t} | {c['added']} | {c['removed']} | {c['changed']} |" for t, c in log["tables"].items()]
    totals = {drug: sum(sum(c.values()) for c in per_table.values()) for drug, per_table in log["drugs"].items()}
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:top_drugs]
    if ranked:
        lines += ["", f"Drugs with the most rows added, removed or changed (top {top_drugs}):", "",
                  "| drug | rows |", "|---|---:|"]
        lines += [f"| {drug} | {rows} |" for drug, rows in ranked]
    return "\n".join(lines) + "\n"
