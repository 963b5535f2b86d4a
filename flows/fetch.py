"""The fetch and refresh flows: pull what changed at the sources into raw/, then build.

`fetch` runs one task per source (a task run costs ~10 ms; a source's URLs go one by one,
politely); the downloader retries 5xx and timeouts itself, so the tasks do not retry again.
`refresh` is fetch then the build flow: the flow the scheduled deployment runs
(`prefect.yaml`, or `drugdata refresh --serve`).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from drugdata.fetch.http import HostLimiter
from drugdata.fetch.registry import Source, load_registry, select
from drugdata.fetch.report import fetch_markdown, refresh_markdown, summarize
from drugdata.fetch.run import fetch_source
from flows.build import build


@task(cache_policy=NO_CACHE, task_run_name="fetch-{source.name}")
def fetch_one_source(source: Source, raw_root: Path, limiter: HostLimiter) -> dict[str, Any]:
    report = fetch_source(source, raw_root, limiter=limiter)
    logger = get_run_logger()
    counts = report.counts()
    logger.info("%s: %s", source.name, counts)
    for result in report.results:
        if result.status not in ("fetched", "unchanged"):
            logger.info("%s %s: %s", result.status, result.url, result.reason)
    if counts["failed"] or counts["refused"]:
        logger.warning("%s: %d of %d URLs failed or were refused (the drugdata-fetch artifact says why)",
                       source.name, counts["failed"] + counts["refused"], len(report.results))
    return report.as_dict()


@flow(name="drugdata-fetch", log_prints=False)
def fetch(sources: list[str] | None = None, raw_dir: str = "raw",
          registry_dir: str | None = None) -> dict[str, Any]:
    """Fetch the named sources (all when none are named) into `raw_dir/<source>/<date>/`."""
    started = time.perf_counter()
    chosen = select(load_registry(Path(registry_dir) if registry_dir else None), sources)
    raw_root = Path(raw_dir).resolve()
    raw_root.mkdir(parents=True, exist_ok=True)
    limiter = HostLimiter()  # shared: two sources on one host still respect its rate limit
    futures = [fetch_one_source.submit(source, raw_root, limiter) for source in chosen]
    result = summarize([future.result() for future in futures], time.perf_counter() - started)
    create_markdown_artifact(key="drugdata-fetch", markdown=fetch_markdown(result),
                             description="What the fetch got from each source, and why the rest failed")
    return result


@flow(name="drugdata-refresh", log_prints=False)
def refresh(sources: list[str] | None = None, raw_dir: str = "raw", out_dir: str = "output",
            registry_dir: str | None = None, batch_size: int = 0) -> dict[str, Any]:
    """Fetch, then build a release from everything under `raw_dir` (fetched or not)."""
    fetched = fetch(sources=sources, raw_dir=raw_dir, registry_dir=registry_dir)
    built = build(raw_dir=raw_dir, out_dir=out_dir, batch_size=batch_size)
    create_markdown_artifact(key="drugdata-refresh", markdown=refresh_markdown(fetched, built),
                             description="Fetched, unchanged and failed URLs, and the release built")
    return {"fetch": fetched, "build": built}
