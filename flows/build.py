"""The build flow: raw/ -> read -> clean -> sections -> extract -> normalize -> validate, batch
by batch into the spool -> finish tables -> consolidate -> publish.

Tasks take batches of documents (a task run costs ~10 ms): one task run a batch, whose thread
waits on a worker process (`drugdata.batches`), so the stages use every core. Only tasks that
do I/O retry. A bounded number of batches is in flight, so memory does not grow with the corpus.

A script that calls `build` must guard the call with `if __name__ == "__main__":`: the worker
processes are spawned, and a spawned process imports the script's main module again.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from collections import Counter, deque
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context
from prefect.task_runners import ThreadPoolTaskRunner

from drugdata import pipeline
from drugdata.batches import BatchContext, StagePool, auto_workers, write_ids
from drugdata.bulk import unpack
from drugdata.cache import DocumentCache, pipeline_fingerprint
from drugdata.consolidate import consolidate
from drugdata.fresh_process import FreshProcess
from drugdata.lock import held_fd, output_lock
from drugdata.pipeline import DocState
from drugdata.publish import DUCKDB_NAME, publish
from drugdata.readers.metadata import load_manifest
from drugdata.releases import build_markdown
from drugdata.spool import Files, Spool, finish, release_doc_ids, reusable_release, summarize_files

MAX_BATCHES_IN_FLIGHT = 4  # submitted ahead of the one being gathered (at least workers + 2); bounds memory
# Prefect's thread pool is unbounded by default: a thread per waiting task, each with its own
# stack and caches. A batch task's thread waits on a worker process (`drugdata.batches`), so
# one thread per core keeps every worker busy.
WORKER_THREADS = max(2, os.cpu_count() or 1)
BULK_DIR = ".bulk"  # records of openFDA bulk files, one file each (drugdata.bulk)


def _runs_in_threads() -> bool:
    """Whether this flow run's tasks run in threads here (worker processes help) rather than on
    a runner that has processes of its own (Dask)."""
    return isinstance(get_run_context().task_runner, ThreadPoolTaskRunner)  # type: ignore[union-attr]


def auto_batch_size(n_files: int) -> int:
    """Documents per task: 16 for a small corpus (batches overlap), 64 from a few hundred files
    on (validation has a fixed cost per call), 256 from 5,000 on: a task run costs Prefect tens
    of milliseconds in practice, which at 64 (and four task runs a batch, as it was) was most
    of an unchanged rerun of 10,000 pages."""
    return 16 if n_files < 300 else 64 if n_files < 5_000 else 256


class Sealed:
    """A value passed between tasks that Prefect does not open. Prefect walks every task
    argument (lists, dicts, dataclasses) looking for futures; walking one batch of parsed pages
    (~80,000 objects) took 0.5 s, several times per batch, more than the stages themselves."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def take(self) -> Any:
        """The value, leaving the wrapper empty. Prefect keeps references to task results for the
        flow run: with each batch's tables left inside, the flow process grew ~30 KB a label
        document (measured with tracemalloc: memory unpickled from the workers, never freed);
        emptied, it stays flat (the files' records go to the spool's log)."""
        value, self.value = self.value, None
        return value


@task(retries=1, retry_delay_seconds=1, cache_policy=NO_CACHE)
def document_batch(paths: list[str], context: Sealed, pool: Sealed) -> Sealed:
    """read (or restore) -> clean -> sections -> extract -> normalize -> cache -> validated Arrow
    rows, for one batch, on the pool's worker processes. The stages quarantine a bad page rather
    than raise, so what is retried is I/O on the cache or a worker process that died."""
    return Sealed(pool.value.run(context.value, paths))


@task(cache_policy=NO_CACHE)
def account_other_files(raw_root: Path, paths: list[str]) -> list[DocState]:
    return [pipeline.account(raw_root, path) for path in paths]


@task(cache_policy=NO_CACHE)
def summarize_records(spool: Spool, previous: Path | None, finisher: Sealed) -> Files:
    """The files' records, logged by the spool, read back in the finisher's process: this one
    never holds a record per file."""
    return finisher.value.run(summarize_files, spool.folder, previous)


@task(cache_policy=NO_CACHE)
def finish_tables(quarantine: Sealed, spool: Spool, into: Path, finisher: Sealed) -> dict[str, Any]:
    """sources, drugs and quarantine from the files' records; the per-document tables from the
    spool, sorted. Takes the quarantine rows out of their wrapper: Prefect keeps a task's
    arguments for the flow run."""
    return finisher.value.run(finish, spool.folder, quarantine.take(), into)


@task(cache_policy=NO_CACHE)
def consolidate_tables(frames: dict[str, Any], into: Path, finisher: Sealed) -> dict[str, Any]:
    return finisher.value.run(consolidate, frames, into)


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def publish_release(frames: dict[str, Any], out_dir: Path, run_seconds: float,
                    keep: int | None, finisher: Sealed) -> dict[str, Any]:
    return finisher.value.run(publish, frames, out_dir, run_seconds=run_seconds, keep=keep,
                              fingerprint=pipeline_fingerprint())  # this process's: the build's code


def _kept_release(release: Path) -> dict[str, Any]:
    """The build result when the current release stays: nothing added, removed or changed."""
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    counts = manifest["row_counts"]
    out_dir = release.parent.parent
    return {"build_id": release.name, "duckdb": str(out_dir / DUCKDB_NAME), "parquet": str(out_dir / "parquet"),
            "row_counts": counts, "release": str(release), "previous_release": release.name, "unchanged": True,
            "changes": {table: dict.fromkeys(("added", "removed", "changed"), 0) for table in counts}}


PROGRESS_EVERY_S = 5.0  # each update is an API call (~0.1 s): one per batch cost 16 s on 10k pages


class _Progress:
    """Files done / total, in the log and in the run's progress artifact, at most every few
    seconds (and at the end)."""

    def __init__(self, logger: Any, total: int) -> None:
        self.logger, self.total, self.done, self.shown_at = logger, total, 0, 0.0
        self.artifact: Any = create_progress_artifact(progress=0.0, description="Files through the document stages")

    def add(self, files: int) -> None:
        self.done += files
        if self.done < self.total and time.monotonic() - self.shown_at < PROGRESS_EVERY_S:
            return
        self.shown_at = time.monotonic()
        self.logger.info("Progress: %d/%d files through the document stages", self.done, self.total)
        update_progress_artifact(artifact_id=self.artifact, progress=100.0 * self.done / max(self.total, 1))


@flow(name="drugdata-build", log_prints=False,
      task_runner=ThreadPoolTaskRunner(max_workers=WORKER_THREADS))  # type: ignore[arg-type]
def build(raw_dir: str = "raw", out_dir: str = "output", batch_size: int = 0,
          strict: bool = False, keep_releases: int | None = None, wait_for_lock: bool = False,
          lock_timeout: float | None = None, full: bool = False, workers: int | None = None) -> dict[str, Any]:
    """Build the dataset from every page under `raw_dir` into `out_dir`. With `strict`, any
    quarantined file fails the run before anything is published (for CI). One build at a time
    per `out_dir`: another one fails at once, or waits with `wait_for_lock` (up to `lock_timeout` s).
    `keep_releases` (default DRUGDATA_KEEP_RELEASES, else 3) old releases stay. Pages unchanged
    since an earlier build come from the document cache unless `full`. `workers`: processes
    that run the document stages (default one per core; 0 runs them in the flow's process); on a
    Dask runner the Dask workers are the processes."""
    with output_lock(Path(out_dir), wait=wait_for_lock, timeout=lock_timeout):
        return _build_locked(raw_dir, out_dir, batch_size, strict, keep_releases, full, workers)


def _build_locked(raw_dir: str, out_dir: str, batch_size: int, strict: bool,
                  keep_releases: int | None, full: bool, workers: int | None) -> dict[str, Any]:
    """The build flow's body, run while it holds the output folder."""
    started = time.perf_counter()
    cache = DocumentCache(Path(out_dir).resolve(), enabled=not full)
    cache.prune_other_versions()
    logger = get_run_logger()
    raw_root = Path(raw_dir).resolve()
    if not raw_root.is_dir():
        raise FileNotFoundError(f"raw folder not found: {raw_root}")
    unpacked = unpack(raw_root, pipeline.discover(raw_root), Path(out_dir).resolve() / BULK_DIR)
    paths = unpacked.paths
    batch_size = batch_size or auto_batch_size(len(paths))
    logger.info("Found %d files under %s (batches of %d)", len(paths), raw_root, batch_size)
    batches = deque(paths[i:i + batch_size] for i in range(0, len(paths), batch_size))
    for stale in Path(out_dir).resolve().glob(".spool-*"):  # left by a killed build (we hold the lock)
        shutil.rmtree(stale, ignore_errors=True)
    spool = Spool(Path(out_dir).resolve() / f".spool-{uuid.uuid4().hex[:8]}")
    previous = None if full else reusable_release(Path(out_dir).resolve())
    # what every batch needs: metadata rows, documents in the release, bulk records
    context = BatchContext(raw_root, Path(out_dir).resolve(), not full, load_manifest(raw_root),
                           write_ids(release_doc_ids(previous), spool.folder / "release_ids.txt") if previous else None,
                           unpacked.locations)
    reused: set[str] = set()  # documents whose rows are copied from the previous release
    corrupt = 0  # cache entries found corrupt (and rebuilt) by the batches
    in_flight: deque[tuple[list[str], Any]] = deque()
    if not _runs_in_threads():
        workers = 0  # Dask: its workers are the processes
    elif workers is None:
        workers = auto_workers(len(paths), batch_size)
    pool = StagePool(workers)
    sealed_pool = Sealed(pool)
    limit = max(MAX_BATCHES_IN_FLIGHT, workers + 2)  # bounded: memory does not grow with the corpus
    logger.info("Document stages on %s", f"{workers} worker processes" if workers else "the flow's process")

    def submit_next() -> None:
        batch = batches.popleft()
        in_flight.append((batch, document_batch.submit(batch, Sealed(context.for_paths(batch)), sealed_pool)))

    finisher_process: FreshProcess | None = None
    try:
        spool.add_records(account_other_files(raw_root, pipeline.discover_other(raw_root)))
        spool.add_records(unpacked.containers)
        quarantine: list[dict[str, Any]] = []
        cached = 0  # documents restored from the cache
        progress = _Progress(logger, len(paths))
        while batches and len(in_flight) < limit:
            submit_next()
        while in_flight:
            batch, future = in_flight.popleft()
            done = future.result().take()
            del future
            while batches and len(in_flight) < limit:
                submit_next()
            tabulated, corrupt = done.tabulated, corrupt + done.cache.corrupt
            quarantine += spool.add(tabulated)  # one writer, in batch order; the files' records too
            cached += sum(state.cached for state in tabulated.states)
            reused |= {s.source["doc_id"] for s in tabulated.states if s.from_release and s.ok}
            progress.add(len(batch))
        pool.close()
        # the steps over the whole corpus run in a process of their own where the stages had
        # worker processes: their peak does not stack on what this process holds
        finisher_process = FreshProcess(isolated=workers > 0, hold_fd=held_fd(Path(out_dir)))
        finisher = Sealed(finisher_process)
        files = summarize_records(spool, None if strict else previous, finisher)
        statuses = files.statuses
        if files.unchanged and previous is not None:
            logger.info("Nothing changed since release %s: it stays current", previous.name)
            result = _kept_release(previous)
        else:
            if previous is not None:
                quarantine += spool.add_release_rows(previous, reused)
            sealed = Sealed(quarantine)
            del quarantine  # the task takes the rows out of their wrapper (see finish_tables)
            frames = finish_tables(sealed, spool, spool.folder / "tables", finisher)
            if strict:
                pipeline.refuse_quarantine(frames["quarantine"])
            frames = consolidate_tables(frames, spool.folder / "consolidated", finisher)
            result = publish_release(frames, Path(out_dir).resolve(), time.perf_counter() - started, keep_releases,
                                     finisher)
            statuses = Counter(pq.read_table(frames["sources"], columns=["status"]).column(0).to_pylist())
        finisher_process.close()
        result.update(
            documents_read=statuses.get("ok", 0),
            documents_quarantined=statuses.get("quarantined", 0),
            documents_duplicate=statuses.get("duplicate", 0),
            metadata_files=statuses.get("metadata", 0),
            cache={"reused": cached, "read": len(paths) - cached,
                   "corrupt_rebuilt": corrupt, "rows_from_previous_release": len(reused)},
            files_seen=sum(statuses.values()),
            seconds=round(time.perf_counter() - started, 2),
        )
        logger.info("Published %s: %s", result["build_id"], result["row_counts"])
        create_markdown_artifact(key="drugdata-build", markdown=build_markdown(result),
                                 description="Documents read and quarantined, rows per table, changes since the last release")
        return result
    finally:
        pool.close(terminate=True)  # already closed unless the build failed or was interrupted
        if finisher_process is not None:
            finisher_process.close(terminate=True)
        spool.close()
