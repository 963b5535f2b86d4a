"""Publishing: deterministic Parquet and a DuckDB file, switched into place atomically.

A build is written to `OUT/.staging-<id>/`, renamed to `OUT/releases/<id>/`, and then one
symlink, `OUT/current`, is switched to it with `os.replace`. `OUT/drugdata.duckdb` and
`OUT/parquet` are fixed symlinks through `current`, so both always show the same release and a
build killed at any moment leaves the previous one in place.

Each release holds `manifest.json` (versions, created time, run time, source documents with their
sha256, row counts, the sha256 of every file) and `changelog.json` / `CHANGELOG.md` against the
release that was current before it. The last `keep` releases are kept, and never the current one
or the one the changelog compares against (the one a rollback went back to).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, TypeAlias

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from drugdata import PIPELINE_VERSION
from drugdata.cache import pipeline_fingerprint
from drugdata.changelog import changelog, changelog_markdown, write_changelog
from drugdata.contracts import CONSOLIDATED_TABLES, SCHEMA_VERSION, TABLES
from drugdata.engine import duckdb_connect, memory_limit_bytes, parquet_relation
from drugdata.schema_export import arrow_schema, datapackage, duckdb_ddl, primary_key

__all__ = ["CURRENT", "DUCKDB_NAME", "KEEP_RELEASES", "Frame", "PublishError", "analyst_sql", "batch_rows", "current_release",
           "file_checksums", "group_rows", "keep_releases", "open_current", "parquet_size", "parquet_writer", "publish",
           "release_folders", "sort_keys", "switch_current", "to_arrow", "write_sorted"]

DUCKDB_NAME = "drugdata.duckdb"
CURRENT = "current"  # symlink to the release readers see
KEEP_RELEASES = 3  # default; `--keep N` or DRUGDATA_KEEP_RELEASES change it
KEEP_ENV = "DRUGDATA_KEEP_RELEASES"
STALE_STAGING_SECONDS = 6 * 3600
_SORT = {"sources": ["path"], "documents": ["doc_id"], "drugs": ["drug_id"],
         "quarantine": ["table", "path", "doc_id", "reason", "payload"]}


def open_current(out_dir: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the current release, or a clear error when there is none."""
    path = out_dir / DUCKDB_NAME
    if not path.is_file():
        raise FileNotFoundError(f"no release in {out_dir}: run `drugdata build` first")
    return duckdb.connect(str(path), read_only=True)


def keep_releases(keep: int | None = None) -> int:
    """How many releases to keep: `keep` if given, else DRUGDATA_KEEP_RELEASES, else 3."""
    value = keep if keep is not None else int(os.environ.get(KEEP_ENV) or KEEP_RELEASES)
    if value < 1:
        raise ValueError(f"keep at least one release, not {value}")
    return value


def current_release(out_dir: Path) -> str | None:
    """The id of the release `OUT/current` points at, or None before the first build."""
    link = out_dir / CURRENT
    return Path(os.readlink(link)).name if link.is_symlink() else None


def file_checksums(folder: Path) -> dict[str, str]:
    """sha256 of every file under `folder` except manifest.json, by relative path."""
    sums = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json"):
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        sums[path.relative_to(folder).as_posix()] = digest.hexdigest()
    return sums


@contextlib.contextmanager
def parquet_writer(path: Path, schema: pa.Schema) -> Iterator[pq.ParquetWriter]:
    """A zstd Parquet writer for `schema`, carrying the schema and pipeline versions."""
    meta = {b"schema_version": SCHEMA_VERSION.encode(), b"pipeline_version": PIPELINE_VERSION.encode()}
    schema = schema.with_metadata({**(schema.metadata or {}), **meta})
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        yield writer


def write_sorted(con: duckdb.DuckDBPyConnection, relation: str, table: str, path: Path,
                 where: str = "", rows_per_batch: int = 50_000, passes: int = 1) -> None:
    """`relation`'s rows as `table`'s Parquet file: the contract's schema and the published
    order, streamed (DuckDB sorts, spilling to disk past its memory limit); `where` filters
    (an SQL condition). With `passes` > 1 the rows are sorted a range of the first sort key at
    a time (ranges cut at its quantiles, in order, so the file is the same): DuckDB 1.5 spills
    ten million narrow rows but not a gigabyte of documents' text, where its sort fails at the
    memory limit (see `sort_passes`). Every row group but the last holds exactly
    `rows_per_batch` rows, however DuckDB batches them and whatever the passes: the same rows
    give the same bytes (pass `group_rows`, which reads the rows, not the files' layout)."""
    schema = arrow_schema(table)
    columns = ", ".join(f'"{name}"' for name in schema.names)
    keys = sort_keys(table)
    order = ", ".join(f'"{key}" ASC NULLS FIRST' for key in keys)
    ranges = (_key_ranges(con, relation, keys[0], schema.field(keys[0]).nullable, where, passes)
              if passes > 1 else [("", [])])
    pending: list[pa.RecordBatch] = []
    held = 0
    with parquet_writer(path, schema) as writer:
        for condition, bounds in ranges:
            clauses = " AND ".join(f"({c})" for c in (where, condition) if c)
            reader = con.execute(f"SELECT {columns} FROM {relation} {'WHERE ' + clauses if clauses else ''} "
                                 f"ORDER BY {order}", bounds).to_arrow_reader(rows_per_batch)
            for batch in reader:
                pending.append(batch)
                held += batch.num_rows
                while held >= rows_per_batch:
                    rows = pa.Table.from_batches(pending)
                    writer.write_table(rows.slice(0, rows_per_batch).cast(schema), row_group_size=rows_per_batch)
                    rest = rows.slice(rows_per_batch)
                    pending, held = rest.to_batches(), rest.num_rows
        if held:
            writer.write_table(pa.Table.from_batches(pending).cast(schema), row_group_size=rows_per_batch)


def _key_ranges(con: duckdb.DuckDBPyConnection, relation: str, key: str, nullable: bool, where: str,
                passes: int) -> list[tuple[str, list[Any]]]:
    """Conditions that split `relation` into about `passes` ranges of `key`, in order: nulls
    first where the contract allows them (each range is a scan of every file)."""
    quantiles = [i / passes for i in range(1, passes)]
    found = con.execute(f'SELECT quantile_disc("{key}", {quantiles}) FROM {relation} '
                        f"{'WHERE ' + where if where else ''}").fetchone()
    cuts = sorted({cut for cut in (found[0] if found and found[0] else []) if cut is not None})
    ranges: list[tuple[str, list[Any]]] = [(f'"{key}" IS NULL', [])] if nullable else []
    low = None
    for cut in [*cuts, None]:
        condition = " AND ".join(([f'"{key}" >= ?'] if low is not None else []) + ([f'"{key}" < ?'] if cut is not None else []))
        ranges.append((condition or f'"{key}" IS NOT NULL', [b for b in (low, cut) if b is not None]))
        low = cut
    return ranges


def sort_passes(con: duckdb.DuckDBPyConnection, files: list[Path], wide_row_bytes: int = 4096) -> int:
    """How many range passes `write_sorted` needs to sort these Parquet files within `con`'s
    memory limit. Measured at 100k documents with DuckDB 1.5: 2.1 GB of narrow rows (10M
    adverse effects, ~220 bytes each uncompressed) sorted in one pass at a 512 MB limit and
    failed at 256 MB; 1.1 GB of documents (~11 KB each) failed at 512 MB and sorted in 64 MB
    passes at 256 MB. So a pass gets twice the limit of narrow rows, an eighth of it of wide ones."""
    rows, size = parquet_size(files)
    if not rows:
        return 1
    limit = memory_limit_bytes(con)
    budget = limit // 8 if size / rows >= wide_row_bytes else limit * 2
    return max(1, -(-size // budget))


def parquet_size(files: list[Path]) -> tuple[int, int]:
    """Rows and uncompressed bytes of these Parquet files, read from their footers."""
    rows = size = 0
    for file in files:
        meta = pq.ParquetFile(file).metadata
        rows += meta.num_rows
        size += sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    return rows, size


def batch_rows(files: list[Path], budget_bytes: int = 16 << 20, most: int = 50_000) -> int:
    """Rows per batch for reading rows as wide as these files' (from their footers): 50,000
    documents are half a gigabyte of text, 50,000 adverse effects 11 MB. Not for sizing what
    is written: footers depend on how the rows were cut into files (see `group_rows`)."""
    return _rows_within(budget_bytes, *parquet_size(files), most)


def _rows_within(budget_bytes: int, rows: int, size: int, most: int) -> int:
    """How many of `rows` rows totalling `size` bytes fit in `budget_bytes` (1 to `most`)."""
    return max(1, min(most, budget_bytes * rows // size)) if size else most


def group_rows(con: duckdb.DuckDBPyConnection, relation: str, table: str, where: str = "",
               budget_bytes: int = 16 << 20, most: int = 50_000) -> int:
    """Rows per written row group for `table`'s rows in `relation`, so that a group holds about
    `budget_bytes`: sized from the rows themselves (the bytes of their strings, 8 per other
    value, 64 per list item), so the same rows get the same row groups however they were laid
    out in files. A rerun's spool (the release's rows in one part, fresh pages in others) has
    other footers than a full build's, and must still publish its bytes."""
    terms = []
    for field in arrow_schema(table):
        name = f'"{field.name}"'
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            terms.append(f"coalesce(strlen({name}), 0)")
        elif pa.types.is_list(field.type) or pa.types.is_large_list(field.type):
            terms.append(f"64 * coalesce(len({name}), 0)")
        else:
            terms.append("8")
    found = con.execute(f"SELECT count(*), sum({' + '.join(terms)})::BIGINT FROM {relation} "
                        f"{'WHERE ' + where if where else ''}").fetchone()
    rows, size = (int(found[0]), int(found[1] or 0)) if found else (0, 0)
    return _rows_within(budget_bytes, rows, size, most)


def sort_keys(table: str) -> list[str]:
    """The order a table's rows are published in: the same input gives the same bytes."""
    if table in _SORT:
        return _SORT[table]
    if table in CONSOLIDATED_TABLES:
        return primary_key(table)
    return ["drug_id", "doc_id", "span_start", "span_end"] + primary_key(table)


def to_arrow(table: str, df: pd.DataFrame) -> pa.Table:
    """A frame as an Arrow table with the contract's schema, rows in a stable order."""
    schema = arrow_schema(table)
    if not len(df):  # most batches of a rerun: converting nothing cost ~4 ms a table
        return schema.empty_table()
    ordered = df.sort_values(sort_keys(table), kind="stable", na_position="first")
    try:  # columnar: fast; nulls and NaN become Arrow nulls
        return pa.Table.from_pandas(ordered[schema.names], schema=schema, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):  # a column pandas holds as mixed objects
        records = ordered[schema.names].astype(object).where(ordered[schema.names].notna(), None)
        return pa.Table.from_pylist(records.to_dict("records"), schema=schema)


def analyst_sql() -> list[str]:
    """The views and macros for analysts (`sql/views.sql`), one statement each."""
    text = resources.files("drugdata").joinpath("sql", "views.sql").read_text(encoding="utf-8")
    return [part.strip() for part in re.split(r"^;$", text, flags=re.MULTILINE) if part.strip()]


def _write_duckdb(path: Path, tables: dict[str, Path], info: dict[str, Any]) -> None:
    """The DuckDB file, loaded from the release's own Parquet files (streamed, not held)."""
    con = duckdb_connect(path, temp_directory=path.parent / "duckdb-tmp")
    try:
        for name, parquet in tables.items():
            con.execute(duckdb_ddl(name))
            con.execute(f"INSERT INTO {name} SELECT * FROM {parquet_relation(parquet)}")
        for statement in analyst_sql():
            con.execute(statement)
        con.execute("CREATE TABLE build_info (key VARCHAR PRIMARY KEY, value VARCHAR)")
        con.executemany("INSERT INTO build_info VALUES (?, ?)", [(k, str(v)) for k, v in info.items()])
        con.execute("CHECKPOINT")
    finally:
        con.close()
        shutil.rmtree(path.parent / "duckdb-tmp", ignore_errors=True)


def _swap_symlink(link: Path, target: str) -> None:
    if link.is_dir() and not link.is_symlink():
        shutil.rmtree(link)  # a real folder from an old layout: os.replace cannot replace it
    temp = link.with_name(f".{link.name}.{uuid.uuid4().hex}")
    os.symlink(target, temp)
    os.replace(temp, link)


def switch_current(out_dir: Path, release_id: str) -> None:
    """Point `OUT/current` at an existing release in one atomic step (rollback uses this)."""
    _swap_symlink(out_dir / CURRENT, f"releases/{release_id}")


def release_folders(releases: Path) -> list[Path]:
    """Release folders oldest first, by the manifest's created time (microseconds: two builds in
    one second have ids that sort by their random suffix), then by name."""
    def created(folder: Path) -> str:
        try:
            return str(json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["created_at"])
        except (OSError, ValueError, KeyError, TypeError):
            return ""  # unreadable: oldest, so pruned first
    return sorted((p for p in releases.iterdir() if p.is_dir()), key=lambda p: (created(p), p.name))


def _prune(releases: Path, current: str, keep: int = KEEP_RELEASES, protect: str | None = None) -> None:
    for old in release_folders(releases)[:-keep]:
        if old.name not in (current, protect):
            shutil.rmtree(old, ignore_errors=True)
    for stale in releases.parent.glob(".staging-*"):
        if time.time() - stale.stat().st_mtime > STALE_STAGING_SECONDS:  # left by a killed build
            shutil.rmtree(stale, ignore_errors=True)


class PublishError(RuntimeError):
    """Writing a release failed; the current release is untouched."""


def _sources_list(sources: Path) -> list[dict[str, Any]]:
    rows = pq.read_table(sources, columns=["path", "sha256", "status"]).sort_by("path").to_pylist()
    return rows


Frame: TypeAlias = pd.DataFrame | Path  # a table in memory, or already written sorted in its Arrow schema (spool)


def _write_table(name: str, frame: Frame, path: Path) -> None:
    if isinstance(frame, Path):
        shutil.copyfile(frame, path)
        return
    with parquet_writer(path, arrow_schema(name)) as writer:
        writer.write_table(to_arrow(name, frame))


def _stage(frames: dict[str, Frame], staging: Path, info: dict[str, Any],
           run_seconds: float | None, previous: Path | None) -> dict[str, Any]:
    """Write every file of a release into `staging`, manifest.json last; returns the manifest."""
    (staging / "parquet").mkdir(parents=True)
    files = {name: staging / "parquet" / f"{name}.parquet" for name in TABLES}
    for name, path in files.items():
        _write_table(name, frames[name], path)
    package = json.dumps(datapackage(), indent=2) + "\n"
    (staging / "parquet" / "datapackage.json").write_text(package, encoding="utf-8")
    counts = {name: pq.ParquetFile(path).metadata.num_rows for name, path in files.items()}
    info = {**info, "row_counts": json.dumps(counts, sort_keys=True)}
    _write_duckdb(staging / DUCKDB_NAME, files, info)
    log = changelog(previous, previous.name if previous else None, files, temp_directory=staging / "changelog-tmp")
    write_changelog(log, staging / "changelog.json")
    (staging / "CHANGELOG.md").write_text(changelog_markdown(info["build_id"], log), encoding="utf-8")
    manifest = {**info, "row_counts": counts, "run_seconds": run_seconds,
                "previous_release": log.summary["previous_release"], "changes": log.summary["tables"],
                "source_documents": _sources_list(files["sources"]), "files": file_checksums(staging)}
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def publish(frames: dict[str, Frame], out_dir: Path, run_seconds: float | None = None,
            keep: int | None = None, fingerprint: str | None = None) -> dict[str, Any]:
    """Write a release and switch it in; returns what was published. A failure while writing
    (disk full) removes the partial release and raises PublishError; readers never see it.
    The caller holds the output lock (`drugdata.lock`), so `current` does not move meanwhile.
    `fingerprint`: the pipeline's when the build started (default: now, in this process), so a
    package changed during a long build does not stamp rows of the old code as the new's."""
    out_dir.mkdir(parents=True, exist_ok=True)
    created = datetime.now(UTC)
    build_id = created.strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
    staging = out_dir / f".staging-{build_id}"
    info = {"build_id": build_id, "created_at": created.isoformat(), "schema_version": SCHEMA_VERSION,
            "pipeline_version": PIPELINE_VERSION, "pipeline_fingerprint": fingerprint or pipeline_fingerprint()}
    keep = keep_releases(keep)
    previous_id = current_release(out_dir)
    previous = out_dir / "releases" / previous_id if previous_id else None
    if previous is not None and not previous.is_dir():
        previous = previous_id = None  # a dangling pointer: compare with nothing
    try:
        manifest = _stage(frames, staging, info, run_seconds, previous)
    except (OSError, duckdb.Error) as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise PublishError(f"could not write the release, the current one is unchanged: {error}") from error
    releases = out_dir / "releases"
    releases.mkdir(exist_ok=True)
    release = releases / build_id
    os.replace(staging, release)
    switch_current(out_dir, build_id)  # the one switch readers see
    for name in (DUCKDB_NAME, "parquet"):
        link = out_dir / name
        if not (link.is_symlink() and os.readlink(link) == f"{CURRENT}/{name}"):
            _swap_symlink(link, f"{CURRENT}/{name}")  # first build in this folder, or an old layout
    _prune(releases, build_id, keep, protect=previous_id)
    return {"build_id": build_id, "duckdb": str(out_dir / DUCKDB_NAME), "parquet": str(out_dir / "parquet"),
            "row_counts": manifest["row_counts"], "release": str(release),
            "previous_release": previous_id, "changes": manifest["changes"]}
