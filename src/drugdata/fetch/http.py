"""The safe downloader: one URL to one file, politely, in bounded space and time.

Every request (and every redirect hop, followed here, never by httpx) passes the safety check
(`safety.check_url`), robots.txt when the source obeys it, and a per-host rate limit. Bodies
stream into a `.part` file with their sha256, capped at the size limit; a broken transfer is
resumed with a Range request when the server gave a strong validator. Retries with exponential
backoff only for 5xx, 429, timeouts and broken connections; a 4xx is final at once.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Self, TypeVar
from urllib.parse import urljoin

import httpx

from drugdata.fetch.partial import discard, resume_point, save_body
from drugdata.fetch.robots import RobotsRules
from drugdata.fetch.safety import FetchError, Refused, Retryable, RobotsDisallowed, check_url

__all__ = ["Download", "Fetcher", "HostLimiter", "Settings", "Validators"]

T = TypeVar("T")
_REDIRECTS = {301, 302, 303, 307, 308}
_MAX_WAIT_SECONDS = 60.0
_ROBOTS_MAX_BYTES = 512 * 1024


@dataclass(frozen=True)
class Settings:
    """How one source is fetched (see registry.Source for what each field means)."""

    user_agent: str
    max_bytes: int
    timeout_seconds: float = 30.0
    retries: int = 3
    backoff_seconds: float = 2.0
    max_redirects: int = 5
    rate_limit_seconds: float = 1.0
    robots: bool = False
    allow_private: tuple[str, ...] = ()


@dataclass(frozen=True)
class Validators:
    """What the last download of a URL said about it, for a conditional request."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Download:
    url: str
    final_url: str
    http_status: int
    not_modified: bool
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    sha256: str | None = None
    n_bytes: int = 0


class HostLimiter:
    """At most one request per interval to each host, across every thread that shares it."""

    def __init__(self, sleep: Callable[[float], None] = time.sleep) -> None:
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()
        self._sleep = sleep

    def wait(self, host: str, interval: float) -> None:
        with self._lock:  # reserve a slot, then sleep outside the lock
            now = time.monotonic()
            slot = max(now, self._next.get(host, now))
            self._next[host] = slot + interval
        if slot > now:
            self._sleep(slot - now)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    return float(value) if value.isdigit() else None


class Fetcher:
    """Downloads for one source: its client, user agent, limits and robots.txt cache."""

    def __init__(self, settings: Settings, limiter: HostLimiter | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self._limiter = limiter or HostLimiter()
        self._sleep = sleep
        self._client = httpx.Client(
            follow_redirects=False, timeout=settings.timeout_seconds,
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "identity"})
        self._robots = RobotsRules(self._robots_txt, settings.user_agent) if settings.robots else None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self._client.close()

    def _with_retries(self, attempt: Callable[[], T]) -> T:
        tries = self.settings.retries + 1
        for number in range(1, tries + 1):
            try:
                try:
                    return attempt()
                except httpx.TimeoutException as error:
                    raise Retryable("timed out") from error
                except httpx.TransportError as error:
                    raise Retryable(f"connection failed: {type(error).__name__}: {error}") from error
            except Retryable as error:
                if number == tries:
                    raise FetchError(f"{error.reason} (after {tries} attempts)", error.http_status) from error
                wait = self.settings.backoff_seconds * 2 ** (number - 1)
                self._sleep(min(max(wait, error.retry_after or 0.0), _MAX_WAIT_SECONDS))
        raise AssertionError("unreachable")

    def _before_request(self, url: str, what: str, obey_robots: bool) -> None:
        check_url(url, self.settings.allow_private, what)
        try:
            host = httpx.URL(url).host
        except httpx.InvalidURL as error:
            raise Refused(f"{what} {url[:200]} refused: {error}") from error
        interval = self.settings.rate_limit_seconds
        if obey_robots and self._robots is not None:
            if reason := self._robots.refusal(url):
                raise RobotsDisallowed(reason)
            interval = max(interval, self._robots.crawl_delay(url))
        self._limiter.wait(host, interval)

    @contextlib.contextmanager
    def _open(self, url: str, headers: dict[str, str], obey_robots: bool = True) -> Iterator[httpx.Response]:
        """The final response after checked, bounded redirects; raises for 4xx/5xx."""
        current = url
        for hop in range(self.settings.max_redirects + 1):
            self._before_request(current, "redirect to" if hop else "URL", obey_robots)
            with self._client.stream("GET", current, headers=headers) as response:
                location = response.headers.get("location")
                if response.status_code in _REDIRECTS and location:
                    current = urljoin(current, location)
                    continue
                code = response.status_code
                if code >= 300 and code != 304:
                    reason = f"HTTP {code} {response.reason_phrase}".strip()
                    if code >= 500 or code == 429:
                        raise Retryable(reason, code, _retry_after(response))
                    raise FetchError(reason, code)
                yield response
                return
        raise FetchError(f"too many redirects (more than {self.settings.max_redirects})")

    def download(self, url: str, part: Path, known: Validators | None = None,
                 expected_sha256: str | None = None) -> Download:
        """Fetch `url` into `part` (complete and verified on return), or say it is unchanged."""
        return self._with_retries(lambda: self._attempt(url, part, known, expected_sha256))

    def read(self, url: str, part: Path) -> bytes:
        """A small document (a listing) in memory, fetched with the same rules."""
        self.download(url, part)
        try:
            return part.read_bytes()
        finally:
            discard(part)

    def _attempt(self, url: str, part: Path, known: Validators | None, expected_sha256: str | None) -> Download:
        headers: dict[str, str] = {}
        if known and known.etag:
            headers["If-None-Match"] = known.etag
        if known and known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        resume_from, validator = resume_point(part, url)
        if resume_from:
            headers.update({"Range": f"bytes={resume_from}-", "If-Range": validator})
        with self._open(url, headers) as response:
            if response.status_code == 304:
                if not known:
                    raise FetchError("HTTP 304 Not Modified to a request that was not conditional", 304)
                discard(part)
                return Download(url, str(response.url), 304, not_modified=True)
            sha256, size = save_body(url, response, part, resume_from, self.settings.max_bytes)
            got = Download(url, str(response.url), response.status_code, False, response.headers.get("etag"),
                           response.headers.get("last-modified"), response.headers.get("content-type"),
                           sha256, size)
        if expected_sha256 and sha256 != expected_sha256:
            discard(part)
            raise FetchError(f"checksum mismatch: expected sha256 {expected_sha256[:12]}..., got {sha256[:12]}...")
        return got

    def _robots_txt(self, robots_url: str) -> tuple[int | None, str]:
        """(status, text) of a robots.txt, fetched with the same safety rules but no robots check."""

        def attempt() -> tuple[int | None, str]:
            with self._open(robots_url, {}, obey_robots=False) as response:
                body = b""
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > _ROBOTS_MAX_BYTES:
                        break  # RFC 9309: parse at least the first 500 KiB, ignore the rest
                return response.status_code, body[:_ROBOTS_MAX_BYTES].decode("utf-8", "replace")

        try:
            return self._with_retries(attempt)
        except FetchError as error:  # refused or failed: robots.txt counts as unreadable
            return error.http_status, ""
