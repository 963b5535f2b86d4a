"""One batch of documents through every per-document stage, in this process or on a pool of
worker processes.

The stages are Python holding the GIL: threads overlap file I/O and nothing else, so a build in
threads uses one core. `StagePool` runs whole batches on spawned worker processes, each of which
loads the vocabularies and taggers once; what comes back is the batch's validated Arrow tables
and its files' small records (`Tabulated`), not its parsed pages, so little crosses the process
boundary and the parent never holds a parsed page.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Self

from drugdata import pipeline
from drugdata.assemble import Tabulated, tabulate
from drugdata.cache import CacheStats, DocumentCache
from drugdata.extract.mention_tagger import default_tagger
from drugdata.extract.precipitant_tagger import default_precipitant_tagger
from drugdata.fresh_process import stop
from drugdata.language import foreign_language
from drugdata.normalize import agent_lexicon, condition_lexicon, drug_lexicon, effect_lexicon
from drugdata.pipeline import DocState

__all__ = ["BatchContext", "BatchResult", "StagePool", "auto_workers", "restore_or_read", "run_batch", "warm_up",
           "write_ids"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchContext:
    """What the batches of a build need, no page content. It travels with each batch, so what
    grows with the corpus does not ride along: `for_paths` keeps the manifest rows and bulk
    locations of one batch, and the previous release's document ids (unknown by path: a
    document's id is its content hash) are in a file that each process reads once. Sent whole,
    they were pickled again for every batch: at 100k documents ~2 MB and ~35 ms a batch."""

    raw_root: Path
    out_dir: Path  # holds the document cache
    use_cache: bool
    manifest: dict[str, dict[str, str]] = field(default_factory=dict)
    release_ids: Path | None = None  # documents whose rows the previous release holds, one a line
    locations: dict[str, Path] = field(default_factory=dict)  # bulk records: path -> unpacked file

    def for_paths(self, paths: Iterable[str]) -> BatchContext:
        """This context for one batch: only those paths' manifest rows and locations."""
        paths = list(paths)
        return replace(self, manifest={p: self.manifest[p] for p in paths if p in self.manifest},
                       locations={p: self.locations[p] for p in paths if p in self.locations})

    def in_release(self) -> frozenset[str]:
        return _read_ids(self.release_ids) if self.release_ids is not None else frozenset()


def write_ids(ids: Iterable[str], path: Path) -> Path:
    """Document ids, one a line, for `BatchContext.release_ids`."""
    path.write_text("".join(f"{doc_id}\n" for doc_id in sorted(ids)), encoding="utf-8")
    return path


@lru_cache(maxsize=1)  # one build's ids per process; each build's file has its own path
def _read_ids(path: Path) -> frozenset[str]:
    return frozenset(path.read_text(encoding="utf-8").split())


@dataclass
class BatchResult:
    tabulated: Tabulated  # Arrow tables and slimmed file records
    cache: CacheStats  # this batch's cache hits, misses, corrupt entries and stores


def restore_or_read(context: BatchContext, cache: DocumentCache, path: str) -> DocState:
    """An unchanged page whose rows the previous release holds: its file record only. Else the
    cached state, else the page read afresh."""
    location = context.locations.get(path)
    if in_release := context.in_release():
        record = cache.restore_record(context.raw_root, path, context.manifest, location)
        if record is not None and (not record.ok or record.source["doc_id"] in in_release):
            return record
    return (cache.restore(context.raw_root, path, context.manifest, location)
            or pipeline.read(context.raw_root, path, context.manifest, location))


def run_batch(context: BatchContext, paths: list[str]) -> BatchResult:
    """read (or restore) -> clean -> sections -> extract -> normalize -> cache -> validated rows.
    The stages never raise for a bad page (it is quarantined); what can escape is I/O on the
    cache or the output folder, which is worth a retry."""
    cache = DocumentCache(context.out_dir, enabled=context.use_cache)
    states = [pipeline.run_stages(restore_or_read(context, cache, path)) for path in paths]
    for path, state in zip(paths, states, strict=True):
        cache.store(context.raw_root, path, context.manifest, state, context.locations.get(path))
    return BatchResult(tabulate(states).to_arrow(), cache.stats)


def warm_up() -> None:
    """Load what every document needs (vocabularies, taggers, the language model) once, before
    the worker's first batch. A worker leaves Ctrl-C to the flow's process, which stops the
    workers (`StagePool.close`): a terminal sends SIGINT to every process of the build."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    effect_lexicon(), condition_lexicon(), agent_lexicon(), drug_lexicon()
    default_tagger(), default_precipitant_tagger()
    foreign_language("warm up " * 40)


def auto_workers(n_files: int, batch_size: int) -> int:
    """Worker processes for a build: one per core; none (this process) on one core, or for a
    corpus of a batch or two, where starting a worker (~2 s: imports, vocabularies, taggers)
    costs more than it saves."""
    batches, cores = -(-n_files // max(batch_size, 1)), os.cpu_count() or 1
    return 0 if batches < 3 or cores < 2 else min(cores, batches)


class StagePool:
    """Runs `run_batch` on `workers` spawned processes, or in the calling thread when `workers`
    is 0. Spawned, not forked: the parent runs threads (Prefect's engine, logging) whose locks a
    fork would copy held."""

    def __init__(self, workers: int = 0) -> None:
        self.workers = workers
        self._restart = threading.Lock()  # the flow's threads share the pool
        self._closed = False
        self._executor: ProcessPoolExecutor | None = self._start() if workers > 0 else None

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=warm_up)

    def run(self, context: BatchContext, paths: list[str]) -> BatchResult:
        executor = self._executor
        if self._closed:  # a retry after the build stopped must not run the batch here
            raise RuntimeError("the stage pool is closed")
        if executor is None:
            return run_batch(context, paths)
        try:
            return executor.submit(run_batch, context, paths).result()
        except BrokenProcessPool:
            # a worker died (killed, out of memory): later batches get fresh workers, this one
            # fails so that its task's retry runs it again
            with self._restart:
                if self._executor is executor:
                    _log.warning("a stage worker process died; starting %d new ones", self.workers)
                    executor.shutdown(wait=False, cancel_futures=True)
                    self._executor = self._start()
            raise

    def close(self, terminate: bool = False) -> None:
        """Stop the workers: once idle, or at once with `terminate` (a build that failed or was
        interrupted must not wait for the batches still running)."""
        executor, self._executor = self._executor, None
        self._closed = self.workers > 0
        if executor is not None:
            stop(executor, terminate)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(terminate=exc[0] is not None)

    def __reduce__(self) -> tuple[type[StagePool], tuple[int]]:
        # a pool travels (to a Dask worker, say) as "run in this process": its executor stays here
        return (StagePool, (0,))
