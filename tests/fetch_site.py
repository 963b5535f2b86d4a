"""A real HTTP server on 127.0.0.1 for the fetch tests.

Each test sets `routes` (path -> Route: body, validators, failures, redirects, ranges) and reads
back every request the server saw. Nothing here reaches beyond the loopback interface.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self

FIXTURES = Path(__file__).parent / "fixtures" / "fetch"


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    content_type: str = "text/html; charset=utf-8"
    location: str | None = None  # answer a redirect (status 302 unless given) to here
    fail_first: int = 0  # answer fail_status this many times before the real answer
    fail_status: int = 500
    fail_headers: dict[str, str] = field(default_factory=dict)
    ranges: bool = False  # honour Range / If-Range
    cut_first_after: int | None = None  # the first full answer stops after this many bytes
    send_length: bool = True  # False: no Content-Length, the body ends when the connection closes
    delay: float = 0.0


@dataclass(frozen=True)
class Seen:
    path: str
    headers: dict[str, str]  # lower-case names
    status: int


class LoopbackSite:
    """`with LoopbackSite() as site:` serves `site.routes` at `site.base` until the block ends."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet test output
                pass

            def do_GET(self) -> None:
                site._answer(self)

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False  # a test's slow route must not hold up the next test

            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client that hangs up mid-answer (timeouts, size cut-offs) is expected

        self._server = Server(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Self:
        threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> list[Seen]:
        with self._lock:
            return [seen for seen in self.requests if seen.path == path]

    def serve_fixture(self, path: str, fixture: str, **options: object) -> Route:
        """Serve a fixture file at `path`, `{base}` replaced by this server's address."""
        body = (FIXTURES / fixture).read_bytes().replace(b"{base}", self.base.encode())
        self.routes[path] = Route(body=body, **options)  # type: ignore[arg-type]
        return self.routes[path]

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        route = self.routes.get(handler.path)
        headers = {name.lower(): value for name, value in handler.headers.items()}
        status, extra, body, cut = self._decide(route, headers)
        with self._lock:
            self.requests.append(Seen(handler.path, headers, status))
        if route is not None and route.delay:
            threading.Event().wait(route.delay)
        handler.send_response(status)
        for name, value in extra.items():
            handler.send_header(name, value)
        if route is None or route.send_length or status != 200:
            handler.send_header("Content-Length", str(len(body)))
        else:
            handler.send_header("Connection", "close")
            handler.close_connection = True
        handler.end_headers()
        handler.wfile.write(body[:cut] if cut is not None else body)
        if cut is not None:
            handler.close_connection = True  # the client sees the connection drop mid-body

    def _decide(self, route: Route | None, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes, int | None]:
        """(status, headers, body, bytes to send before dropping the connection)."""
        if route is None:
            return 404, {"Content-Type": "text/plain"}, b"not found", None
        with self._lock:
            if route.fail_first > 0:
                route.fail_first -= 1
                return route.fail_status, dict(route.fail_headers), b"try again later", None
        if route.location is not None:
            return (route.status if route.status != 200 else 302), {"Location": route.location}, b"", None
        validators = {k: v for k, v in (("ETag", route.etag), ("Last-Modified", route.last_modified)) if v}
        if (route.etag and headers.get("if-none-match") == route.etag) or (
                route.last_modified and headers.get("if-modified-since") == route.last_modified):
            return 304, validators, b"", None
        extra = {"Content-Type": route.content_type, **validators}
        wanted = headers.get("range", "")
        if route.ranges and wanted.startswith("bytes=") and headers.get("if-range") in validators.values():
            start = int(wanted[len("bytes="):].rstrip("-"))
            extra["Content-Range"] = f"bytes {start}-{len(route.body) - 1}/{len(route.body)}"
            return 206, extra, route.body[start:], None
        cut, route.cut_first_after = route.cut_first_after, None
        return route.status, extra, route.body, cut
