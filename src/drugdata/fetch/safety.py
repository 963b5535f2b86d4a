"""What the downloader refuses, and the errors that say why a URL was not fetched.

Only http(s) URLs are fetched, and never from a private, loopback, link-local or otherwise
non-public address unless the source allows that network: a page or a redirect must not be
able to point the fetcher at a machine inside the network it runs in. The check resolves the
host name just before each request; a name that resolves differently a moment later (DNS
rebinding) is not caught here.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

__all__ = ["FetchError", "Refused", "Retryable", "RobotsDisallowed", "check_url"]

class FetchError(Exception):
    """A URL that could not be fetched; `status` is what the run reports for it."""

    status = "failed"

    def __init__(self, reason: str, http_status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.http_status = http_status


class Refused(FetchError):
    """Refused by a safety rule before anything was requested from that address."""

    status = "refused"


class RobotsDisallowed(FetchError):
    """The site's robots.txt asks not to fetch this URL."""

    status = "skipped_robots"


class Retryable(FetchError):
    """A failure worth another attempt: 5xx, 429, a timeout or a broken connection."""

    def __init__(self, reason: str, http_status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(reason, http_status)
        self.retry_after = retry_after


def _allowed(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: tuple[str, ...]) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is loopback too
    if ip.is_global and not ip.is_multicast:
        return True
    return any(ip in ipaddress.ip_network(network) for network in networks)


def check_url(url: str, allow_private: tuple[str, ...] = (), what: str = "URL") -> None:
    """Raise Refused unless `url` is http(s) and its host resolves only to allowed addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise Refused(f"{what} {url[:200]} refused: only http and https URLs are fetched")
    try:
        host, port = parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:  # a port that is not a number
        raise Refused(f"{what} {url[:200]} refused: {error}") from error
    if not host:
        raise Refused(f"{what} {url[:200]} refused: no host name")
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}
    except (OSError, UnicodeError) as error:
        raise FetchError(f"cannot resolve host {host}: {getattr(error, 'strerror', None) or error}") from error
    for address in sorted(addresses):
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
        if not _allowed(ip, allow_private):
            raise Refused(f"{what} {url[:200]} refused: {host} resolves to the non-public address {ip} "
                          "(set allow_private for the source to fetch from it)")
