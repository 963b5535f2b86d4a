"""DuckDB connections for building: bounded memory, spilling to disk beyond it, so sorting
and comparing a large release does not grow the process with the corpus."""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb

__all__ = ["DUCKDB_MEMORY_ENV", "duckdb_connect", "memory_limit_bytes", "parquet_relation"]

DUCKDB_MEMORY_ENV = "DRUGDATA_DUCKDB_MEMORY"  # DuckDB's memory limit while building (default 256MB: at 100k documents 512MB took the finish over 1 GiB RSS and was no faster, bench/results.md)


def duckdb_connect(path: Path | str = ":memory:", temp_directory: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A connection whose memory is capped; it spills to `temp_directory` beyond the cap."""
    con = duckdb.connect(str(path))
    con.execute(f"SET memory_limit = '{os.environ.get(DUCKDB_MEMORY_ENV) or '256MB'}'")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")  # bars on stderr in an operator's logs; the flow reports progress
    if temp_directory is not None:
        con.execute(f"SET temp_directory = '{temp_directory.as_posix()}'")
    return con


def parquet_relation(path: Path, glob: str = "") -> str:
    """SQL reading a Parquet file (or the files matching `glob` in the folder `path`), quoted."""
    target = (path / glob if glob else path).as_posix()
    return "read_parquet('" + target.replace("'", "''") + "')"


_UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
          "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}


def memory_limit_bytes(con: duckdb.DuckDBPyConnection) -> int:
    """The connection's memory limit in bytes (DuckDB reports it as text, e.g. '488.2 MiB')."""
    found = con.execute("SELECT current_setting('memory_limit')").fetchone()
    match = re.fullmatch(r"\s*([\d.]+)\s*([A-Za-z]*)\s*", str(found[0] if found else ""))
    if not match or match.group(2).upper() not in _UNITS:
        raise ValueError(f"unreadable DuckDB memory limit: {found!r}")
    return int(float(match.group(1)) * _UNITS[match.group(2).upper()])
