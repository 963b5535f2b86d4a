"""A download in progress: a `.part` file streamed with its sha256, capped, and resumable.

Beside `<x>.part` (in `raw/<source>/.partial/`, hidden from the build) `<x>.part.json` keeps
the URL and the strong validator the server gave (ETag, else Last-Modified). With it, a broken
transfer continues with `Range` and `If-Range`, so a changed file is never spliced onto an old
beginning; without it, the download starts again.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import httpx

from drugdata.fetch.safety import FetchError, Retryable

__all__ = ["discard", "resume_point", "save_body", "too_large"]


def too_large(max_bytes: int) -> str:
    return f"larger than {max_bytes / (1024 * 1024):g} MB limit"


def _state(part: Path) -> Path:
    return part.with_name(part.name + ".json")


def _strong_validator(response: httpx.Response) -> str | None:
    """An If-Range value that guarantees the rest of the same bytes (weak ETags do not)."""
    etag = response.headers.get("etag")
    if etag and not etag.startswith("W/"):
        return etag
    return response.headers.get("last-modified")


def resume_point(part: Path, url: str) -> tuple[int, str]:
    """(bytes already there, If-Range validator) of an interrupted download of `url`; 0 if none."""
    try:
        saved = json.loads(_state(part).read_text(encoding="utf-8"))
        size = part.stat().st_size
    except (OSError, ValueError):
        return 0, ""
    if not isinstance(saved, dict) or saved.get("url") != url or not saved.get("validator"):
        return 0, ""
    return size, str(saved["validator"])


def discard(part: Path) -> None:
    part.unlink(missing_ok=True)
    _state(part).unlink(missing_ok=True)


def _hash_existing(part: Path) -> hashlib._Hash:
    digest = hashlib.sha256()
    with part.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest


def save_body(url: str, response: httpx.Response, part: Path, resume_from: int, max_bytes: int) -> tuple[str, int]:
    """Stream a 200 (or the 206 answering our Range) into `part`: (sha256, size) of the whole file.

    Raises FetchError past `max_bytes` (declared or streamed) and Retryable when the body ends
    short of its Content-Length, keeping what arrived for the next attempt to resume.
    """
    if response.status_code == 206:
        content_range = response.headers.get("content-range", "")
        if not resume_from or not content_range.startswith(f"bytes {resume_from}-"):
            discard(part)  # a range we did not ask for: start again from the first byte
            raise Retryable(f"server answered with an unexpected range {content_range!r}")
        digest = _hash_existing(part)
    else:
        resume_from, digest = 0, hashlib.sha256()
    length = response.headers.get("content-length", "")
    identity = response.headers.get("content-encoding", "identity") == "identity"
    expected = resume_from + int(length) if length.isdigit() and identity else None
    if expected is not None and expected > max_bytes:
        discard(part)
        raise FetchError(too_large(max_bytes), response.status_code)
    part.parent.mkdir(parents=True, exist_ok=True)
    if not resume_from and (validator := _strong_validator(response)):
        _state(part).write_text(json.dumps({"url": url, "validator": validator}), encoding="utf-8")
    size, over = resume_from, False
    with part.open("ab" if resume_from else "wb") as handle:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                over = True
                break
            handle.write(chunk)
            digest.update(chunk)
        handle.flush()
        os.fsync(handle.fileno())  # on disk before the rename that publishes it
    if over:
        discard(part)
        raise FetchError(too_large(max_bytes), response.status_code)
    if expected is not None and size != expected:
        raise Retryable(f"incomplete download: {size} of {expected} bytes")
    _state(part).unlink(missing_ok=True)
    return digest.hexdigest(), size
