"""The build flow: raw/ -> read -> clean -> sections -> extract -> normalize -> validate ->
consolidate -> publish.

Tasks take batches of documents (a task run costs ~10 ms); only I/O tasks retry.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from drugdata import pipeline
from drugdata.assemble import build_tables
from drugdata.consolidate import consolidate
from drugdata.pipeline import DocState
from drugdata.publish import publish
from drugdata.readers.metadata import load_manifest

DEFAULT_BATCH_SIZE = 16


@task(retries=1, retry_delay_seconds=1, cache_policy=NO_CACHE)
def read_batch(raw_root: Path, paths: list[str], manifest: dict[str, dict[str, str]]) -> list[DocState]:
    return [pipeline.read(raw_root, path, manifest) for path in paths]


@task(cache_policy=NO_CACHE)
def account_other_files(raw_root: Path, paths: list[str]) -> list[DocState]:
    return [pipeline.account(raw_root, path) for path in paths]


@task(cache_policy=NO_CACHE)
def clean_batch(states: list[DocState]) -> list[DocState]:
    return [pipeline.clean(state) for state in states]


@task(cache_policy=NO_CACHE)
def section_batch(states: list[DocState]) -> list[DocState]:
    return [pipeline.sectionize(state) for state in states]


@task(cache_policy=NO_CACHE)
def extract_batch(states: list[DocState]) -> list[DocState]:
    return [pipeline.extract(state) for state in states]


@task(cache_policy=NO_CACHE)
def normalize_batch(states: list[DocState]) -> list[DocState]:
    return [pipeline.normalize(state) for state in states]


@task(cache_policy=NO_CACHE)
def validate_tables(states: list[DocState]) -> dict[str, Any]:
    return build_tables(states)


@task(cache_policy=NO_CACHE)
def consolidate_tables(frames: dict[str, Any]) -> dict[str, Any]:
    return consolidate(frames)


@task(retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def publish_release(frames: dict[str, Any], out_dir: Path, run_seconds: float) -> dict[str, Any]:
    return publish(frames, out_dir, run_seconds=run_seconds)


@flow(name="drugdata-build", log_prints=False)
def build(raw_dir: str = "raw", out_dir: str = "output", batch_size: int = DEFAULT_BATCH_SIZE,
          strict: bool = False) -> dict[str, Any]:
    """Build the dataset from every page under `raw_dir` into `out_dir`. With `strict`, any
    quarantined file fails the run before anything is published (for CI)."""
    started = time.perf_counter()
    logger = get_run_logger()
    raw_root = Path(raw_dir).resolve()
    if not raw_root.is_dir():
        raise FileNotFoundError(f"raw folder not found: {raw_root}")
    paths = pipeline.discover(raw_root)
    manifest = load_manifest(raw_root)
    logger.info("Found %d files under %s", len(paths), raw_root)
    batches = [paths[i:i + batch_size] for i in range(0, len(paths), batch_size)]
    chains = []
    for batch in batches:  # each batch's stages chain on futures, so batches overlap
        read = read_batch.submit(raw_root, batch, manifest)
        cleaned = clean_batch.submit(read)  # type: ignore[call-overload]  # Prefect resolves futures
        sectioned = section_batch.submit(cleaned)  # type: ignore[call-overload]
        extracted = extract_batch.submit(sectioned)  # type: ignore[call-overload]
        chains.append([read, cleaned, sectioned, extracted, normalize_batch.submit(extracted)])  # type: ignore[call-overload]
    states: list[DocState] = account_other_files(raw_root, pipeline.discover_other(raw_root))
    for chain in chains:
        for future in chain:  # in stage order, so a failure raises its own error, not "PENDING"
            batch_states = future.result()
        states.extend(batch_states)
    frames = validate_tables(states)
    if strict:
        pipeline.refuse_quarantine(frames["quarantine"])
    frames = consolidate_tables(frames)
    result = publish_release(frames, Path(out_dir).resolve(), time.perf_counter() - started)
    sources = frames["sources"]
    result.update(
        documents_read=int((sources["status"] == "ok").sum()),
        documents_quarantined=int((sources["status"] == "quarantined").sum()),
        documents_duplicate=int((sources["status"] == "duplicate").sum()),
        metadata_files=int((sources["status"] == "metadata").sum()),
        files_seen=len(sources),
        seconds=round(time.perf_counter() - started, 2),
    )
    logger.info("Published %s: %s", result["build_id"], result["row_counts"])
    return result
