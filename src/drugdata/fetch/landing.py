"""Where fetched files land, and what was fetched before.

A file lands as `raw/<source>/<YYYY-MM-DD>/<name>` with `<name>.meta.json` beside it (url,
publisher, retrieved_at, http status, etag, last-modified, sha256, license). A URL fetched
again because it changed lands in a new folder (a `<YYYY-MM-DD>THHMMSSZ` one when it changed
twice in a day; folder names sort in time order); the old file stays as history. The newest
sidecar of a URL is the state for the next conditional request, so there is no separate state
file to drift from what is on disk. Interrupted downloads wait in `raw/<source>/.partial/`,
hidden from the build.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from drugdata.readers.metadata import SIDECAR_SUFFIX

__all__ = ["PARTIAL_DIR", "Previous", "land", "landing_path", "partial_path", "previous_fetches", "safe_name"]

PARTIAL_DIR = ".partial"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_NAME = 120


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def safe_name(url: str) -> str:
    """A file name from the URL's last path segment: no separators, no leading dots, bounded.

    A query string gets a short hash of itself, so `spls.json?page=1` and `?page=2` differ.
    """
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    name = _UNSAFE.sub("_", unquote(segments[-1]) if segments else "").strip("._-")
    name = name or _UNSAFE.sub("_", parts.hostname or "").strip("._-") or "index"
    stem, dot, extension = name.rpartition(".") if "." in name else (name, "", "")
    if parts.query:
        stem = f"{stem}-{_short_hash(parts.query)}"
    extension = extension[:16]
    return f"{stem[:_MAX_NAME]}{dot}{extension}"


def partial_path(raw_root: Path, source: str, url: str) -> Path:
    """Where an unfinished download of `url` waits to be resumed."""
    return raw_root / source / PARTIAL_DIR / f"{_short_hash(url)}.part"


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def _read_meta(sidecar: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


@dataclass(frozen=True)
class Previous:
    """The newest landed copy of a URL, as its sidecar describes it."""

    path: Path
    meta: dict[str, Any]

    def get(self, key: str) -> str | None:
        value = self.meta.get(key)
        return str(value) if value is not None else None


def previous_fetches(raw_root: Path, source: str) -> dict[str, Previous]:
    """The newest landed file of each URL of a source (newest by retrieved_at, then path)."""
    folder = raw_root / source
    newest: dict[str, Previous] = {}
    for sidecar in sorted(folder.rglob(f"*{SIDECAR_SUFFIX}")) if folder.is_dir() else []:
        if any(part.startswith(".") for part in sidecar.relative_to(folder).parts):
            continue  # .partial and temporary files
        meta = _read_meta(sidecar)
        page = sidecar.with_name(sidecar.name[: -len(SIDECAR_SUFFIX)])
        if not meta or not isinstance(meta.get("url"), str) or not page.is_file():
            continue  # a sidecar whose file is gone cannot answer a conditional request
        known = newest.get(meta["url"])
        if known is None or str(meta.get("retrieved_at", "")) >= str(known.meta.get("retrieved_at", "")):
            newest[meta["url"]] = Previous(page, meta)
    return newest


def _folders(when: datetime) -> Iterator[str]:
    """Folder names for a copy retrieved at `when`, in the order tried; each sorts after the last."""
    day, moment = when.strftime("%Y-%m-%d"), when.strftime("%Y-%m-%dT%H%M%SZ")
    yield day
    yield moment  # the same URL changed again the same day
    yield from (f"{moment}_{n}" for n in range(2, 10_000))


def landing_path(raw_root: Path, source: str, url: str, when: datetime) -> Path:
    """A free path for a new copy of `url`: `<YYYY-MM-DD>/<name>`, never overwriting a file.

    The name is taken by another URL: add a hash of this URL to it. This URL already landed
    in today's folder (it changed again the same day): use a `<YYYY-MM-DD>THHMMSSZ` folder.
    """
    name = safe_name(url)
    stem, dot, extension = name.rpartition(".") if "." in name else (name, "", "")
    candidates = (name, f"{stem}-{_short_hash(url)}{dot}{extension}")
    for folder_name in _folders(when):
        folder = raw_root / source / folder_name
        for candidate in candidates:
            path = folder / candidate
            if not path.exists():
                return path
            if (_read_meta(_sidecar(path)) or {}).get("url") == url:
                break  # this URL's own earlier copy: try the next folder
    raise FileExistsError(f"no free landing path for {url} at {when.isoformat()}")


def land(part: Path, destination: Path, meta: dict[str, Any]) -> None:
    """Move a verified download into place with its sidecar, each by an atomic rename.

    The sidecar goes first: a crash in between leaves a sidecar without its file, which
    `previous_fetches` ignores, never a file without its provenance.
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    sidecar = _sidecar(destination)
    temporary = sidecar.with_name(f".{sidecar.name}.tmp")
    temporary.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(temporary, sidecar)
    os.replace(part, destination)
