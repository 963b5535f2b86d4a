"""Releases in an output folder: list them, check one is whole, roll `current` back to one.

A rollback is the same single `os.replace` of `OUT/current` that publishing does, so readers
see either release, never a mix. It takes the output lock, so it cannot race a build.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drugdata.lock import output_lock
from drugdata.publish import (
    DUCKDB_NAME,
    current_release,
    file_checksums,
    release_folders,
    switch_current,
)

__all__ = ["Release", "ReleaseError", "build_markdown", "check_release", "list_releases", "rollback"]

_RELEASE_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")  # a plain folder name: no paths


class ReleaseError(RuntimeError):
    """No such release, or it is incomplete or damaged."""


@dataclass(frozen=True)
class Release:
    """One folder under OUT/releases/ with what its manifest says."""

    release_id: str
    current: bool
    complete: bool
    created_at: str | None
    documents: int | None
    rows: int | None
    problem: str | None


def _manifest(folder: Path) -> dict[str, Any]:
    return dict(json.loads((folder / "manifest.json").read_text(encoding="utf-8")))


def _problem(folder: Path, verify: bool) -> str | None:
    """Why `folder` is not a whole release, or None. `verify` also compares the sha256 sums."""
    try:
        manifest = _manifest(folder)
    except (OSError, ValueError) as error:
        return f"no readable manifest.json ({type(error).__name__})"
    if not (folder / DUCKDB_NAME).is_file() or not (folder / "parquet").is_dir():
        return "database or parquet folder missing"
    expected: dict[str, str] = manifest.get("files") or {}  # releases before checksums: none listed
    missing = sorted(name for name in expected if not (folder / name).is_file())
    if missing:
        return f"{len(missing)} files missing ({missing[0]}, ...)"
    if verify and expected:
        actual = file_checksums(folder)
        damaged = sorted(name for name, digest in expected.items() if actual.get(name) != digest)
        if damaged:
            return f"{len(damaged)} files differ from their manifest checksum ({damaged[0]}, ...)"
    return None


def list_releases(out_dir: Path) -> list[Release]:
    """Every release folder, oldest first."""
    folder = out_dir / "releases"
    current = current_release(out_dir)
    found = []
    for path in release_folders(folder) if folder.is_dir() else []:
        problem = _problem(path, verify=False)
        manifest = {} if problem else _manifest(path)
        counts = manifest.get("row_counts") or {}
        documents = [d for d in manifest.get("source_documents", []) if d.get("status") == "ok"]
        found.append(Release(path.name, path.name == current, problem is None, manifest.get("created_at"),
                             len(documents) if "source_documents" in manifest else counts.get("documents"),
                             sum(counts.values()) if counts else None, problem))
    return found


def check_release(out_dir: Path, release_id: str, verify: bool = True) -> Path:
    """The release folder for `release_id`; ReleaseError when the id is not a release name, is
    absent, or the release is incomplete or (with `verify`) damaged."""
    if not _RELEASE_ID.match(release_id):
        raise ReleaseError(f"not a release id: {release_id!r}")
    folder = out_dir / "releases" / release_id
    if not folder.is_dir():
        known = ", ".join(r.release_id for r in list_releases(out_dir)) or "none"
        raise ReleaseError(f"no release {release_id} in {out_dir} (releases: {known})")
    problem = _problem(folder, verify)
    if problem:
        raise ReleaseError(f"release {release_id} is not usable: {problem}")
    return folder


def rollback(out_dir: Path, release_id: str | None = None, wait: bool = False) -> tuple[str | None, str]:
    """Point `current` at `release_id` (default: the release before the current one) and return
    (previous current, new current). Nothing is deleted; the next build keeps this one too."""
    with output_lock(out_dir, wait=wait, command="rollback"):
        current = current_release(out_dir)
        if release_id is None:
            ids = [r.release_id for r in list_releases(out_dir) if r.complete]
            earlier = ids[:ids.index(current)] if current in ids else ids[:-1]
            if not earlier:
                raise ReleaseError(f"no release before {current or 'the current one'} in {out_dir}")
            release_id = earlier[-1]
        check_release(out_dir, release_id)
        if release_id != current:
            switch_current(out_dir, release_id)
        return current, release_id


def build_markdown(result: dict[str, Any]) -> str:
    """The build run's artifact: documents, rows per table, and what changed since the last release."""
    changes = result.get("changes") or {}
    previous = result.get("previous_release")
    lines = ["# drugdata build", "",
             (f"Release `{result.get('build_id')}` in {result.get('seconds')} s: {result.get('files_seen')} files seen, "
              f"{result.get('documents_read')} documents read, {result.get('documents_quarantined')} quarantined, "
              f"{result.get('documents_duplicate')} duplicate or superseded."), "",
             f"Changes against {f'`{previous}`' if previous else 'nothing (first release)'}:", "",
             "| table | rows | added | removed | changed |", "|---|---:|---:|---:|---:|"]
    for table, rows in result.get("row_counts", {}).items():
        change = changes.get(table, {})
        lines.append(f"| {table} | {rows} | {change.get('added', 0)} | {change.get('removed', 0)} | "
                     f"{change.get('changed', 0)} |")
    return "\n".join(lines) + "\n"
