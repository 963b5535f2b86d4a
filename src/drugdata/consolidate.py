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

from drugdata.contracts import (
    CONSOLIDATED_TABLES,
    DOCUMENT_TABLES,
    FREQUENCY_CLASSES,
    RECOMMENDATIONS,
    SEVERITIES,
    STATUSES,
)
from drugdata.engine import duckdb_connect
from drugdata.publish import Frame, to_arrow  # the contract's Arrow types, so lists stay lists
from drugdata.validate import validate_rows

__all__ = ["consolidate", "query_text"]

# Orders that the queries rank by come from the contracts, strongest or most frequent first.
_RANKS = {"cioms_rank": FREQUENCY_CLASSES, "status_rank": STATUSES, "advice_rank": RECOMMENDATIONS,
          "severity_rank": SEVERITIES}


def query_text(table: str) -> str:
    """The SQL that builds a consolidated table (shipped with the package)."""
    return resources.files("drugdata").joinpath("sql", f"{table}.sql").read_text(encoding="utf-8")


def _connect(frames: dict[str, Frame]) -> duckdb.DuckDBPyConnection:
    con = duckdb_connect()
    for table in DOCUMENT_TABLES:
        frame = frames[table]
        if isinstance(frame, Path):  # written by the spool: read where it lies
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{frame.as_posix()}')")
        else:
            con.register(table, to_arrow(table, frame))
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


def consolidate(frames: dict[str, Frame]) -> dict[str, Frame]:
    """The per-document frames plus the consolidated ones; rows failing their contract join
    the quarantine table, as for every other table."""
    con = _connect(frames)
    out = dict(frames)
    quarantined: list[dict[str, Any]] = []
    try:
        for table in CONSOLIDATED_TABLES:
            rows = con.sql(query_text(table)).to_arrow_table().to_pylist()
            out[table], failed = validate_rows(table, rows)
            quarantined.extend(failed)
    finally:
        con.close()
    if quarantined:
        known = frames["quarantine"]
        assert isinstance(known, pd.DataFrame)  # quarantine is always held in memory: it is small
        out["quarantine"], _ = validate_rows("quarantine", known.to_dict("records") + quarantined)
    return out
