"""Consolidated tables: one row per drug and fact across documents, and their disagreements.

Built in DuckDB from the validated per-document tables by the queries in `sql/<table>.sql`,
then validated against their contracts like every other table. Effects, conditions and agents
merge by id where they have one and by normalized name otherwise.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow.parquet as pq

from drugdata.contracts import (
    CONSOLIDATED_TABLES,
    DOCUMENT_TABLES,
    FREQUENCY_CLASSES,
    RECOMMENDATIONS,
    SEVERITIES,
    STATUSES,
)
from drugdata.engine import duckdb_connect, parquet_relation
from drugdata.publish import (  # the contract's Arrow types, so lists stay lists
    Frame,
    to_arrow,
    write_sorted,
)
from drugdata.schema_export import arrow_schema
from drugdata.validate import validate_rows

ROWS_PER_CHUNK = 50_000  # fact rows consolidated at a time in a build (200k peaked at 850 MiB, 50k at 530)

__all__ = ["consolidate", "query_text"]

# Orders that the queries rank by come from the contracts, strongest or most frequent first.
_RANKS = {"cioms_rank": FREQUENCY_CLASSES, "status_rank": STATUSES, "advice_rank": RECOMMENDATIONS,
          "severity_rank": SEVERITIES}


def query_text(table: str) -> str:
    """The SQL that builds a consolidated table (shipped with the package)."""
    return resources.files("drugdata").joinpath("sql", f"{table}.sql").read_text(encoding="utf-8")


def _connect(frames: dict[str, Frame], temp_directory: Path | None = None) -> duckdb.DuckDBPyConnection:
    """The per-document tables as views (of every drug until `_narrow`), plus the macros the
    queries use."""
    con = duckdb_connect(temp_directory=temp_directory)
    for table in DOCUMENT_TABLES:
        frame = frames[table]
        if isinstance(frame, Path):  # written by the spool: read where it lies
            con.execute(f"CREATE VIEW base_{table} AS SELECT * FROM {parquet_relation(frame)}")
        else:
            con.register(f"base_{table}", to_arrow(table, frame))
    _narrow(con, None)
    for name, order in _RANKS.items():
        con.execute(f"CREATE MACRO {name}(x) AS list_position({order!r}, x)")
    con.execute("CREATE MACRO num(x) AS CASE WHEN x = round(x) THEN CAST(CAST(x AS BIGINT) AS VARCHAR) "
                "ELSE CAST(round(x, 4) AS VARCHAR) END")
    con.execute("CREATE MACRO evidence_order(path, span_start, fact_id) AS "
                "path || ':' || lpad(CAST(span_start AS VARCHAR), 12, '0') || ':' || fact_id")
    con.execute("CREATE VIEW ok_sources AS SELECT doc_id, path, publisher FROM sources WHERE status = 'ok'")
    # The support columns every consolidated row carries (contracts._Consolidated), as one struct.
    con.execute("""CREATE MACRO support(doc_id, publisher, fact_id, evidence, ord) AS {
        'n_documents': count(DISTINCT doc_id), 'n_publishers': count(DISTINCT publisher),
        'publishers': coalesce(list(DISTINCT publisher ORDER BY publisher) FILTER (WHERE publisher IS NOT NULL), []),
        'fact_ids': list(fact_id ORDER BY fact_id), 'evidence_doc_id': min_by(doc_id, ord),
        'evidence_fact_id': min_by(fact_id, ord), 'evidence': min_by(evidence, ord)}""")
    return con


def _narrow(con: duckdb.DuckDBPyConnection, drugs: list[str] | None) -> None:
    """Point the views at the drugs from the first of `drugs` to the last: every drug with None,
    none with an empty list (a build without drugs). A range of constants, not a list in a
    table: DuckDB pushes it into the Parquet scan, and the spool's files are sorted by drug, so
    a group reads only its own row groups (a list to join read every file for each of ~200
    groups: consolidation took 346-372 s at 100k documents)."""
    if drugs is None:
        narrowed = ""
    elif drugs:
        low, high = (value.replace("'", "''") for value in (drugs[0], drugs[-1]))
        narrowed = f"WHERE drug_id BETWEEN '{low}' AND '{high}'"
    else:
        narrowed = "WHERE false"
    for table in DOCUMENT_TABLES:
        where = narrowed if "drug_id" in arrow_schema(table).names else ""
        con.execute(f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM base_{table} {where}")


def _chunks(con: duckdb.DuckDBPyConnection, rows_per_chunk: int) -> list[list[str]]:
    """Drugs in groups of about `rows_per_chunk` fact rows (every query groups by drug), in
    order: each group is every drug from its first to its last."""
    counts = con.execute("""
        SELECT drug_id, sum(n) FROM (
            SELECT drug_id, count(*) AS n FROM adverse_effects GROUP BY ALL UNION ALL
            SELECT drug_id, count(*) FROM indications GROUP BY ALL UNION ALL
            SELECT drug_id, count(*) FROM interactions GROUP BY ALL UNION ALL
            SELECT drug_id, count(*) FROM dosing GROUP BY ALL UNION ALL
            SELECT drug_id, 1 FROM drugs) GROUP BY ALL ORDER BY drug_id""").fetchall()
    chunks: list[list[str]] = [[]]
    size = 0
    for drug_id, n in counts:
        if size + n > rows_per_chunk and chunks[-1]:
            chunks.append([])
            size = 0
        chunks[-1].append(drug_id)
        size += n
    return chunks


def consolidate(frames: dict[str, Frame], into: Path | None = None,
                rows_per_chunk: int = ROWS_PER_CHUNK) -> dict[str, Frame]:
    """The per-document frames plus the consolidated ones; rows failing their contract join
    the quarantine table, as for every other table.

    With `into` (a build), drugs are consolidated a group at a time and each table is written
    there as a sorted Parquet file, so memory follows the group, not the corpus; without it the
    tables come back as frames."""
    con = _connect(frames, temp_directory=into / "duckdb-tmp" if into else None)
    out = dict(frames)
    quarantined: list[dict[str, Any]] = []
    try:
        if into is None:
            for table in CONSOLIDATED_TABLES:
                rows = con.sql(query_text(table)).to_arrow_table().to_pylist()
                out[table], failed = validate_rows(table, rows)
                quarantined.extend(failed)
        else:
            chunks = _chunks(con, rows_per_chunk)
            parts = into / "parts"
            for number, drugs in enumerate(chunks):
                _narrow(con, drugs)
                for table in CONSOLIDATED_TABLES:
                    rows = con.sql(query_text(table)).to_arrow_table().to_pylist()
                    valid, failed = validate_rows(table, rows)
                    quarantined.extend(failed)
                    (parts / table).mkdir(parents=True, exist_ok=True)
                    pq.write_table(to_arrow(table, valid), parts / table / f"{number:06d}.parquet")
            for table in CONSOLIDATED_TABLES:
                out[table] = into / f"{table}.parquet"
                write_sorted(con, parquet_relation(parts / table, "*.parquet"), table, out[table])
    finally:
        con.close()
    if quarantined:
        known = frames["quarantine"]
        assert isinstance(known, pd.DataFrame)  # quarantine is always held in memory: it is small
        out["quarantine"], _ = validate_rows("quarantine", known.to_dict("records") + quarantined)
    return out
