"""Sidecar metadata: `raw/manifest.csv` rows and `<file>.meta.json` files (url, publisher, date)."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

__all__ = ["MANIFEST_NAME", "SIDECAR_SUFFIX", "is_sidecar", "is_web_url", "load_manifest", "sidecar_meta"]

MANIFEST_NAME = "manifest.csv"
SIDECAR_SUFFIX = ".meta.json"
_FIELDS = ("url", "publisher", "retrieved_at", "title")


_WEB_URL = re.compile(r"https?://[^\s]+$", re.IGNORECASE)


def is_web_url(url: str | None) -> bool:
    """An http(s) address: never javascript:, data: or file: from a page's metadata."""
    return bool(url and _WEB_URL.match(url))


def is_sidecar(relative_path: str) -> bool:
    """Metadata files describe pages; they are not pages themselves."""
    return relative_path == MANIFEST_NAME or relative_path.endswith(SIDECAR_SUFFIX)


def load_manifest(raw_root: Path) -> dict[str, dict[str, str]]:
    """Manifest rows keyed by path relative to the raw root; a bad manifest yields nothing."""
    manifest = raw_root / MANIFEST_NAME
    if manifest.is_symlink() or not manifest.is_file():  # never read through a link
        return {}
    rows: dict[str, dict[str, str]] = {}
    try:
        with manifest.open(newline="", encoding="utf-8", errors="replace") as handle:
            for row in csv.DictReader(line for line in handle if not line.startswith("#")):
                path = (row.get("path") or "").strip()
                if path:
                    rows[path] = {k: row[k].strip() for k in _FIELDS if isinstance(row.get(k), str) and row[k].strip()}
    except (OSError, csv.Error):
        return {}
    return rows


def sidecar_meta(page_path: Path) -> dict[str, str]:
    """Fields from `<page>.meta.json` when present and well-formed, else nothing."""
    sidecar = page_path.with_name(page_path.name + SIDECAR_SUFFIX)
    if sidecar.is_symlink() or not sidecar.is_file():  # never read through a link
        return {}
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    meta = {k: str(data[k]).strip() for k in _FIELDS if isinstance(data.get(k), (str, int, float))}
    if "retrieved" in data and "retrieved_at" not in meta:
        meta["retrieved_at"] = str(data["retrieved"]).strip()
    return meta
