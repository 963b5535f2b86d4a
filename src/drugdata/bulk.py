"""openFDA bulk label files in a build: each record becomes a document of its own.

A bulk download (`{"meta": ..., "results": [...]}`, or a zip of such files) holds thousands of
labels and does not fit in memory whole. `unpack` streams it once (`readers.openfda.iter_records`)
and writes each record as a single-record file under a work folder named for the bulk file's
content hash, so an unchanged bulk file is not unpacked again. The records are then read like any
other page under the path `<bulk file>#<n>` (n from 0, zero-padded), which is what `sources`
and every fact row's document show; the bulk file itself gets a `sources` row with status
`container`. A bulk file that breaks part way keeps the records read before the break and is
quarantined with the reason.
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from drugdata.pipeline import RECORD_MARK, DocState, blank_source, hash_file
from drugdata.readers.openfda import is_bulk, iter_records

__all__ = ["Unpacked", "unpack"]

_DONE = "unpacked.json"


@dataclass
class Unpacked:
    paths: list[str]  # the pages to read: plain files, and one "<bulk>#<n>" per record
    locations: dict[str, Path] = field(default_factory=dict)  # "<bulk>#<n>" -> its record's file
    containers: list[DocState] = field(default_factory=list)  # a `sources` row per bulk file


def _bulk(path: Path) -> bool:
    try:
        return not path.is_symlink() and path.is_file() and is_bulk(path)
    except OSError:
        return False  # the normal reader reports what is wrong with it


def _unpack_one(path: Path, folder: Path) -> dict[str, object]:
    """Write each record of a bulk file as `folder/<n>.json`; the summary is written last."""
    done = folder / _DONE
    if done.is_file():
        return dict(json.loads(done.read_text(encoding="utf-8")))
    shutil.rmtree(folder, ignore_errors=True)  # a half-unpacked folder from a killed build
    folder.mkdir(parents=True)
    count, error = 0, None
    try:
        for record in iter_records(path):
            (folder / f"{count:07d}.json").write_text(json.dumps(record), encoding="utf-8")
            count += 1
    except (ValueError, OSError, UnicodeDecodeError, zipfile.BadZipFile, EOFError) as exc:
        error = f"{type(exc).__name__}: {exc}"
    summary: dict[str, object] = {"records": count, "error": error, "zip": zipfile.is_zipfile(path)}
    temp = folder / f".{_DONE}.tmp"
    temp.write_text(json.dumps(summary), encoding="utf-8")
    os.replace(temp, done)
    return summary


def unpack(raw_root: Path, paths: list[str], work: Path) -> Unpacked:
    """Pages to read, with bulk files replaced by their records. `work` keeps one folder per
    bulk file content; folders no longer used are removed."""
    out = Unpacked(paths=[])
    used: set[str] = set()
    for relative in paths:
        path = raw_root / relative
        if not _bulk(path):
            out.paths.append(relative)
            continue
        sha256, _, size = hash_file(path, keep=0)
        used.add(sha256[:16])
        summary = _unpack_one(path, work / sha256[:16])
        count = int(summary["records"])  # type: ignore[call-overload]
        if count == 1 and not summary["zip"] and not summary["error"]:
            out.paths.append(relative)  # a bulk-shaped file of one label reads as that label
            continue
        width = max(6, len(str(count - 1)))
        for n in range(count):
            record = f"{relative}{RECORD_MARK}{n:0{width}d}"
            out.paths.append(record)
            out.locations[record] = work / sha256[:16] / f"{n:07d}.json"
        state = DocState(blank_source(relative))
        state.source.update(sha256=sha256, doc_id=sha256[:16], n_bytes=size, status="container",
                            format="openfda_bulk",
                            notes=f"openFDA bulk file: {count} label records, read as {relative}{RECORD_MARK}<n>")
        if summary["error"]:
            state.quarantine(f"bulk file unreadable after {count} records (those are kept): {summary['error']}")
        elif count == 0:
            state.quarantine("bulk file with no label records")
        out.containers.append(state)
    if work.is_dir():
        for folder in work.iterdir():
            if folder.name not in used:
                shutil.rmtree(folder, ignore_errors=True)
    out.paths.sort()
    return out
