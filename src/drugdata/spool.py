"""The per-document tables on disk while a build runs, so memory does not grow with the corpus.

Each batch's validated rows are appended as one Parquet part per table (`add`); at the end each
table is written once, sorted and in the contract's schema, leaving out duplicate and superseded
documents (`finish`). DuckDB does the sorting and spills to disk past its memory limit.
Parts are written by the flow's own process in batch order: one writer, and the first path of a
content wins as in `assemble.tabulate`. A document's rows are spooled once (from a batch or from
the release), so no row has a second copy to drop at the end: a `row_number()` window over a
whole table to find one held every key in memory and failed at 100k documents.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from drugdata.assemble import ROW_TABLES, Summary, Tabulated, file_tables
from drugdata.cache import pipeline_fingerprint
from drugdata.contracts import DOCUMENT_TABLES
from drugdata.engine import duckdb_connect, parquet_relation
from drugdata.publish import (
    Frame,
    batch_rows,
    group_rows,
    parquet_writer,
    sort_passes,
    to_arrow,
    write_sorted,
)
from drugdata.schema_export import arrow_schema

__all__ = ["Spool", "copy_rows", "finish", "release_doc_ids", "reusable_release", "sort_parts"]



class Spool:
    """Parquet parts of the per-document tables under `folder` (removed by `close`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        shutil.rmtree(folder, ignore_errors=True)
        self.parts = 0
        self.doc_ids: set[str] = set()  # documents whose rows are already spooled
        for table in ROW_TABLES:
            (folder / table).mkdir(parents=True)
            pq.write_table(arrow_schema(table).empty_table(), folder / table / "empty.parquet")

    def add(self, batch: Tabulated) -> list[dict[str, Any]]:
        """Write a batch's rows; returns its quarantine rows. A content already spooled from an
        earlier batch (an identical page under another path) is not written twice."""
        tables = batch.arrow or batch.to_arrow().arrow
        batch_ids = set(tables["documents"].column("doc_id").to_pylist())
        repeated = batch_ids & self.doc_ids
        self.doc_ids |= batch_ids
        self.parts += 1
        for table in ROW_TABLES:
            rows = tables[table]
            if repeated:
                rows = rows.filter(pc.invert(pc.is_in(rows.column("doc_id"), pa.array(sorted(repeated)))))
            if rows.num_rows:
                pq.write_table(rows, self.folder / table / f"part-{self.parts:07d}.parquet")
        return [row for row in batch.quarantine if row.get("doc_id") not in repeated]

    def add_release_rows(self, release: Path, doc_ids: set[str]) -> list[dict[str, Any]]:
        """The rows of unchanged documents, copied from the release that has them (built by the
        same pipeline: see `reusable_release`); returns their quarantine rows. A document already
        spooled from a batch (the same content fresh under another path) is not copied again."""
        doc_ids = doc_ids - self.doc_ids
        if not doc_ids:
            return []
        reused = pa.array(sorted(doc_ids), pa.string())
        for table in ROW_TABLES:
            copy_rows(release / "parquet" / f"{table}.parquet", self.folder / table / "part-release.parquet", reused)
        quarantine = pq.read_table(release / "parquet" / "quarantine.parquet")
        quarantine = quarantine.filter(pc.and_(pc.is_in(quarantine.column("doc_id"), reused),
                                               pc.not_equal(quarantine.column("table"), "sources")))
        self.doc_ids |= doc_ids
        return quarantine.to_pylist()

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def sort_parts(folder: Path, excluded_doc_ids: Iterable[str], into: Path) -> dict[str, Path]:
    """A spool folder's parts as one sorted Parquet file per table under `into`, without the
    excluded documents (a function of paths, so it can run in a fresh process)."""
    into.mkdir(parents=True, exist_ok=True)
    con = duckdb_connect(temp_directory=folder / "duckdb-tmp")
    out: dict[str, Path] = {}
    where = "doc_id NOT IN (SELECT doc_id FROM excluded)"
    try:
        con.register("excluded", pa.table({"doc_id": pa.array(sorted(excluded_doc_ids), pa.string())}))
        for table in ROW_TABLES:
            out[table] = into / f"{table}.parquet"
            parts = sorted((folder / table).glob("*.parquet"))
            relation = parquet_relation(folder / table, "*.parquet")
            write_sorted(con, relation, table, out[table], where=where,
                         rows_per_batch=group_rows(con, relation, table, where), passes=sort_passes(con, parts))
    finally:
        con.close()
    return out


def copy_rows(source: Path, target: Path, doc_ids: pa.Array) -> None:
    """The rows of `source` whose document is in `doc_ids`, as the Parquet file `target`, a row
    group at a time in batches of a few megabytes (`group_rows` sizes release row groups to about 16 MB).
    Not DuckDB: its COPY buffers a 122,880-row row group (a gigabyte of documents' text at 100k)
    and its streamed join held more than the 256MB limit. Nor `iter_batches` over the whole file,
    which read ahead."""
    lookup = pc.SetLookupOptions(doc_ids)
    rows_per_batch = batch_rows([source], budget_bytes=4 << 20)
    partial = target.with_name(target.name + ".partial")  # no half-written part is ever read as one
    try:
        with pq.ParquetFile(source, pre_buffer=False) as file, pq.ParquetWriter(partial, file.schema_arrow) as writer:
            for group in range(file.num_row_groups):
                for batch in file.iter_batches(rows_per_batch, row_groups=[group], use_threads=False):
                    kept = batch.filter(pc.is_in(batch.column("doc_id"), options=lookup))
                    if kept.num_rows:
                        writer.write_batch(kept)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def reusable_release(out_dir: Path) -> Path | None:
    """The current release when this same pipeline (code, vocabularies, version) built it: an
    unchanged page's rows can then be copied from it instead of being validated again."""
    current = out_dir / "current"
    try:
        manifest = json.loads((current / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("pipeline_fingerprint") != pipeline_fingerprint():
        return None
    release = current.resolve()
    tables = [release / "parquet" / f"{table}.parquet" for table in (*ROW_TABLES, "quarantine")]
    return release if all(path.is_file() for path in tables) else None


def release_doc_ids(release: Path) -> set[str]:
    """The documents whose rows `release` holds."""
    return set(pq.read_table(release / "parquet" / "documents.parquet", columns=["doc_id"]).column(0).to_pylist())


def _call(fn: Callable[..., Any], *args: Any) -> Any:
    return fn(*args)


def finish(summary: Summary, spool: Spool, quarantine: list[dict[str, Any]], into: Path,
           run: Callable[..., Any] | None = None) -> dict[str, Frame]:
    """Every per-document table as a sorted Parquet file under `into`, but `quarantine`, which
    stays in memory (consolidation adds to it). `sources` and `drugs` come from `summarize` over
    every file's record: written out, they no longer sit in the build's process (~185 MB of
    pandas at 100k files) while consolidation and publishing run. `summary`'s row lists are
    emptied once validated: at 100k files they are ~250 MiB of dicts, which sat in the process
    through the sorts (peak 964 MiB in `bench/finish_scale.py`, 800 without). `run` calls the
    sorts (`FreshProcess.run`: in a process of their own); by default in this one."""
    in_memory = file_tables(summary, quarantine)
    excluded = summary.excluded_doc_ids
    for rows in (summary.sources, summary.drugs, summary.quarantine):
        rows.clear()
    frames: dict[str, Frame] = {"quarantine": in_memory.pop("quarantine")}
    into.mkdir(parents=True, exist_ok=True)
    for table, frame in in_memory.items():
        frames[table] = into / f"{table}.parquet"
        with parquet_writer(frames[table], arrow_schema(table)) as writer:
            writer.write_table(to_arrow(table, frame))
    del in_memory
    frames.update((run or _call)(sort_parts, spool.folder, excluded, into))
    return {name: frames[name] for name in DOCUMENT_TABLES}
