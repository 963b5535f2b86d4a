"""Fetch one source end to end: read its listings, download each target, land what changed.

Each URL ends in one status: `fetched` (a new copy landed), `unchanged` (HTTP 304, the same
sha256, or the same version as the listing says; nothing written), `failed` (HTTP error,
timeout, size limit, checksum), `skipped_robots` (robots.txt disallows it) or `refused` (a
safety rule: scheme, private address). A failure costs its URL, never the source or the run.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from drugdata.fetch.http import Download, Fetcher, HostLimiter, Settings, Validators
from drugdata.fetch.landing import Previous, land, landing_path, partial_path, previous_fetches
from drugdata.fetch.listings import Target, listing_targets, page_targets
from drugdata.fetch.registry import Source
from drugdata.fetch.safety import FetchError

__all__ = ["STATUSES", "SourceReport", "UrlResult", "fetch_source", "settings_for"]

STATUSES = ("fetched", "unchanged", "failed", "skipped_robots", "refused")


@dataclass(frozen=True)
class UrlResult:
    url: str
    status: str  # one of STATUSES
    reason: str | None = None
    path: str | None = None  # the landed (or unchanged) file, relative to the raw root
    n_bytes: int = 0


@dataclass
class SourceReport:
    source: str
    kind: str
    results: list[UrlResult] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {status: sum(r.status == status for r in self.results) for status in STATUSES}

    def as_dict(self) -> dict[str, Any]:
        """Plain data, for a flow result and its artifact."""
        return {"source": self.source, "kind": self.kind, "counts": self.counts(),
                "results": [asdict(result) for result in self.results]}


def settings_for(source: Source) -> Settings:
    return Settings(user_agent=source.user_agent, max_bytes=int(source.max_mb * 1024 * 1024),
                    timeout_seconds=source.timeout_seconds, retries=source.retries,
                    backoff_seconds=source.backoff_seconds, max_redirects=source.max_redirects,
                    rate_limit_seconds=source.rate_limit_seconds, robots=source.robots,
                    allow_private=source.allow_private)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _meta(source: Source, target: Target, got: Download, when: datetime) -> dict[str, Any]:
    """The sidecar: what the build reads (url, publisher, retrieved_at, title) and the rest."""
    return {"url": target.url, "publisher": target.publisher, "title": target.title,
            "retrieved_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "license": target.license,
            "source": source.name, "http_status": got.http_status, "etag": got.etag,
            "last_modified": got.last_modified, "content_type": got.content_type,
            "sha256": got.sha256, "n_bytes": got.n_bytes, "final_url": got.final_url,
            "version": target.version, "listing_url": target.listing_url}


class _Run:
    """One source's fetch: its fetcher, raw folder and what was landed before."""

    def __init__(self, source: Source, raw_root: Path, fetcher: Fetcher, clock: Callable[[], datetime]) -> None:
        self.source, self.raw_root, self.fetcher, self.clock = source, raw_root, fetcher, clock
        self.previous: dict[str, Previous] = previous_fetches(raw_root, source.name)

    def _relative(self, path: Path) -> str:
        return path.relative_to(self.raw_root).as_posix()

    def read_json(self, url: str) -> Any:
        data = self.fetcher.read(url, partial_path(self.raw_root, self.source.name, url))
        try:
            return json.loads(data)
        except ValueError as error:
            raise FetchError(f"listing {url} is not JSON: {error}") from error

    def fetch(self, target: Target) -> UrlResult:
        prior = self.previous.get(target.url)
        if prior and target.version and prior.get("version") == target.version:
            return UrlResult(target.url, "unchanged", f"listed version {target.version} already fetched",
                             self._relative(prior.path))
        known = Validators(prior.get("etag"), prior.get("last_modified")) if prior else None
        part = partial_path(self.raw_root, self.source.name, target.url)
        got = self.fetcher.download(target.url, part, known, target.sha256)
        if prior and got.not_modified:
            return UrlResult(target.url, "unchanged", "not modified (HTTP 304)", self._relative(prior.path))
        if prior and got.sha256 == prior.get("sha256"):
            part.unlink(missing_ok=True)
            return UrlResult(target.url, "unchanged", "same sha256 as the last copy", self._relative(prior.path))
        when = self.clock()
        destination = landing_path(self.raw_root, self.source.name, target.url, when)
        land(part, destination, _meta(self.source, target, got, when))
        return UrlResult(target.url, "fetched", None, self._relative(destination), got.n_bytes)


def _failure(url: str, error: Exception) -> UrlResult:
    """A URL that fails costs only itself, with the reason; a bug is reported the same way."""
    if isinstance(error, FetchError):
        return UrlResult(url, error.status, error.reason)
    if isinstance(error, OSError):
        return UrlResult(url, "failed", f"cannot write under raw/: {error.strerror or error}")
    return UrlResult(url, "failed", f"internal error: {type(error).__name__}: {error}")


def fetch_source(source: Source, raw_root: Path, limiter: HostLimiter | None = None,
                 clock: Callable[[], datetime] = _utc_now,
                 sleep: Callable[[float], None] = time.sleep) -> SourceReport:
    """Fetch everything a source lists into `raw_root/<source.name>/`."""
    report = SourceReport(source.name, source.kind)
    with Fetcher(settings_for(source), limiter, sleep) as fetcher:
        run = _Run(source, raw_root, fetcher, clock)
        found = page_targets(source)
        for listing_url in source.listing_urls:
            try:
                found.extend(listing_targets(source, listing_url, run.read_json))
            except Exception as error:  # noqa: BLE001 - reported as the listing's failure
                report.results.append(_failure(listing_url, error))
        seen: set[str] = set()
        for target in found:
            if target.url in seen:
                continue
            seen.add(target.url)
            try:
                report.results.append(run.fetch(target))
            except Exception as error:  # noqa: BLE001 - reported as the URL's failure, the run goes on
                report.results.append(_failure(target.url, error))
    return report
