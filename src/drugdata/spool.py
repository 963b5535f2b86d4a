"""The per-document tables on disk while a build runs, so memory does not grow with the corpus.

Each batch's validated rows are appended as one Parquet part per table (`add`), and its files'
small records (`assemble.slim`) to a log beside them: at 100k files those records had made the
flow's process grow by ~290 MiB. `summarize_files` reads the log once the stages are done;
`finish` then writes each table once, sorted and in the contract's schema, leaving out
duplicate and superseded documents. Both are functions of the folder, so they can run in a
fresh process (`drugdata.fresh_process`). DuckDB does the sorting and spills to disk past its memory limit.
Parts are written by the flow's own process in batch order: one writer, and the first path of a
content wins as in `assemble.tabulate`. A document's rows are spooled once (from a batch or from
the release), so no row has a second copy to drop at the end: a `row_number()` window over a
whole table to find one held every key in memory and failed at 100k documents.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from drugdata.assemble import ROW_TABLES, Summary, Tabulated, file_tables, summarize
from drugdata.cache import pipeline_fingerprint
from drugdata.contracts import DOCUMENT_TABLES
from drugdata.engine import duckdb_connect, parquet_relation
from drugdata.pipeline import DocState
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

__all__ = ["Files", "Spool", "copy_rows", "finish", "records", "release_doc_ids", "reusable_release",
           "same_files", "save_summary", "sort_parts", "summarize_files"]

RECORDS = "records.pickle"  # the files' records, one pickled list per batch
SUMMARY = "summary.pickle"  # what `summarize_files` made of them, for `finish`


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
        """Write a batch's rows and its files' records; returns its quarantine rows. A content
        already spooled from an earlier batch (an identical page under another path) is not
        written twice."""
        self.add_records(batch.states)
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

    def add_records(self, states: Iterable[DocState]) -> None:
        """Log files' records (`assemble.slim`): a batch's, and those of files that have no rows
        (metadata, containers, files no reader takes)."""
        with open(self.folder / RECORDS, "ab") as log:
            pickle.dump(list(states), log, protocol=pickle.HIGHEST_PROTOCOL)

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


def records(folder: Path) -> Iterator[DocState]:
    """Every file's record logged in a spool folder, batch by batch."""
    if not (folder / RECORDS).exists():
        return
    with open(folder / RECORDS, "rb") as log:
        size = os.fstat(log.fileno()).st_size
        while log.tell() < size:  # a truncated last batch raises, never ends the log early
            yield from pickle.load(log)


_SOURCE_KEY = ("path", "sha256", "status", "reason")


def same_files(release: Path, sources: list[dict[str, Any]]) -> bool:
    """True when every file is as `release` saw it (same paths, contents, statuses): that
    release is then exactly what this build would publish (same pipeline, see
    `reusable_release`). Pages whose rows had to be read again show up here only if their status
    changed, which is why the reused documents are not compared."""
    old = pq.read_table(release / "parquet" / "sources.parquet", columns=list(_SOURCE_KEY)).to_pylist()
    key = lambda row: tuple(row.get(column) for column in _SOURCE_KEY)
    return sorted(map(key, old), key=str) == sorted(map(key, sources), key=str)


@dataclass(frozen=True)
class Files:
    """What a build needs to know of its files' records without holding them."""

    statuses: dict[str, int]  # files per `sources` status
    unchanged: bool  # every file as the release compared with saw it


def save_summary(folder: Path, summary: Summary) -> None:
    partial = folder / (SUMMARY + ".partial")  # a process killed while writing leaves no summary
    with open(partial, "wb") as out:
        pickle.dump(summary, out, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(folder / SUMMARY)


def summarize_files(folder: Path, release: Path | None = None) -> Files:
    """`summarize` over every file's logged record; whether `release` (when given) saw the
    same files. Unless it did, the summary is kept beside the spool for `finish`."""
    summary = summarize(records(folder))
    files = Files(dict(Counter(row["status"] for row in summary.sources)),
                  release is not None and same_files(release, summary.sources))
    if not files.unchanged:
        save_summary(folder, summary)
    return files


def finish(folder: Path, quarantine: list[dict[str, Any]], into: Path) -> dict[str, Frame]:
    """Every table of a spool folder summarized by `summarize_files` as a sorted Parquet file
    under `into`, but `quarantine`, which stays in memory (consolidation adds to it). `sources`
    and `drugs` are written out first, so their rows (~185 MB of pandas at 100k files) do not
    sit in the process through the sorts; so are the summary's row lists, ~250 MiB of dicts
    at 100k (the step's peak in `bench/finish_scale.py`: 964 MiB with them, 800 without)."""
    with open(folder / SUMMARY, "rb") as saved:
        summary: Summary = pickle.load(saved)
    in_memory = file_tables(summary, quarantine)
    excluded = summary.excluded_doc_ids
    del summary
    frames: dict[str, Frame] = {"quarantine": in_memory.pop("quarantine")}
    into.mkdir(parents=True, exist_ok=True)
    for table, frame in in_memory.items():
        frames[table] = into / f"{table}.parquet"
        with parquet_writer(frames[table], arrow_schema(table)) as writer:
            writer.write_table(to_arrow(table, frame))
    del in_memory
    frames.update(sort_parts(folder, excluded, into))
    return {name: frames[name] for name in DOCUMENT_TABLES}
