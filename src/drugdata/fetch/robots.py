"""robots.txt rules, read once per site and cached for the run.

A missing robots.txt (404 and other 4xx) allows everything; 401/403 and a robots.txt that
cannot be read (5xx, timeouts) disallow everything, as RFC 9309 and Python's robotparser
advise: when in doubt, a polite crawler stays away. `Crawl-delay` slows the per-host rate.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

__all__ = ["MAX_CRAWL_DELAY_SECONDS", "RobotsRules"]

MAX_CRAWL_DELAY_SECONDS = 60.0  # a site asking for more still gets one request a minute

_DISALLOW_ALL = "User-agent: *\nDisallow: /\n"
# (status, text) of GET robots.txt; status None when it could not be fetched at all
RobotsGetter = Callable[[str], tuple[int | None, str]]


class RobotsRules:
    """Answers "may this user agent fetch this URL?" for any site, fetching robots.txt once each."""

    def __init__(self, get: RobotsGetter, user_agent: str) -> None:
        self._get = get
        self._agent = user_agent
        self._sites: dict[str, tuple[RobotFileParser, str | None]] = {}
        self._lock = threading.Lock()

    def _site(self, url: str) -> tuple[RobotFileParser, str | None]:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            if origin not in self._sites:
                self._sites[origin] = self._read(origin + "/robots.txt")
            return self._sites[origin]

    def _read(self, robots_url: str) -> tuple[RobotFileParser, str | None]:
        """The parsed rules and, when everything is disallowed by default, why."""
        parser = RobotFileParser(robots_url)
        status, text = self._get(robots_url)
        reason = None
        if status is None or status >= 500:
            text = _DISALLOW_ALL
            reason = f"robots.txt could not be read ({f'HTTP {status}' if status else 'unreachable'})"
        elif status in (401, 403):
            text, reason = _DISALLOW_ALL, f"robots.txt is forbidden (HTTP {status})"
        elif status >= 400:
            text = ""  # no robots.txt: everything allowed
        parser.parse(text.splitlines())
        return parser, reason

    def refusal(self, url: str) -> str | None:
        """Why robots.txt disallows `url`, or None when it may be fetched."""
        parser, reason = self._site(url)
        if parser.can_fetch(self._agent, url):
            return None
        return reason or f"disallowed by robots.txt for {self._agent.split('/')[0]}"

    def crawl_delay(self, url: str) -> float:
        """Seconds the site asks between requests (0 when it does not say)."""
        parser, _ = self._site(url)
        delay = parser.crawl_delay(self._agent)
        return min(float(delay), MAX_CRAWL_DELAY_SECONDS) if delay else 0.0
