"""Per-document results cached on disk, so a rerun reads only new or changed pages.

An entry is keyed by the file's content hash, its path and its metadata (sidecar, manifest
row), under a folder named for the pipeline: the pipeline version plus a hash of the package's
code and vocabulary files. A change to any extractor, vocabulary file or the version therefore
starts a fresh folder. Entries are gzipped JSON with their own checksum: an entry that cannot be
read or does not match is counted as corrupt, deleted and rebuilt.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import uuid
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from drugdata import PIPELINE_VERSION
from drugdata.models import Document, Page, Section
from drugdata.pipeline import DocState, container_of, hash_file
from drugdata.readers.metadata import SIDECAR_SUFFIX

__all__ = ["CACHE_DIR", "CacheStats", "DocumentCache", "pipeline_fingerprint"]

CACHE_DIR = ".cache"
_NOT_CACHED = ("cannot read file", "symbolic link", "file name is not valid")  # may change without the content


@cache
def pipeline_fingerprint() -> str:
    """PIPELINE_VERSION plus a hash of every code, SQL, vocabulary and trained model file of the package."""
    digest = hashlib.sha256(PIPELINE_VERSION.encode())
    root = Path(str(resources.files("drugdata")))
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".csv", ".yaml", ".tsv", ".sql", ".crfsuite", ".json") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return f"{PIPELINE_VERSION}-{digest.hexdigest()[:16]}"


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    corrupt: int = 0
    stored: int = 0


class DocumentCache:
    """The cache of one output folder: `OUT/.cache/<pipeline fingerprint>/<key[:2]>/<key>.json.gz`."""

    def __init__(self, out_dir: Path, enabled: bool = True) -> None:
        self.root = out_dir / CACHE_DIR
        self.folder = self.root / pipeline_fingerprint()
        self.enabled = enabled
        self.stats = CacheStats()

    def prune_other_versions(self) -> None:
        """Entries of other pipeline versions can never hit again."""
        if self.root.is_dir():
            for old in self.root.iterdir():
                if old.is_dir() and old.name != self.folder.name:
                    shutil.rmtree(old, ignore_errors=True)

    def key(self, raw_root: Path, relative: str, manifest: dict[str, dict[str, str]],
            location: Path | None = None) -> str | None:
        """The entry key of a page: content, path and metadata; None when it cannot be hashed.
        A bulk file's record is read from `location` and has its bulk file's metadata."""
        path = location or raw_root / relative
        container = container_of(relative) if location else relative  # a record has its bulk file's metadata
        if path.is_symlink() or not path.is_file():
            return None
        try:
            content, _, _ = hash_file(path, keep=0)
            sidecar = raw_root / (container + SIDECAR_SUFFIX)
            side = hash_file(sidecar, keep=0)[0] if sidecar.is_file() and not sidecar.is_symlink() else ""
        except OSError:
            return None
        basis = json.dumps([content, relative, side, manifest.get(container)], sort_keys=True)
        return hashlib.sha256(basis.encode()).hexdigest()

    def _file(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json.gz"

    def _record_file(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.record.json"

    def restore(self, raw_root: Path, relative: str, manifest: dict[str, dict[str, str]],
                location: Path | None = None) -> DocState | None:
        """The cached state of a page, or None (a miss, or a corrupt entry now removed)."""
        if not self.enabled:
            return None
        key = self.key(raw_root, relative, manifest, location)
        entry = self._file(key) if key else None
        if entry is None or not entry.is_file():
            self.stats.misses += 1
            return None
        try:
            record = json.loads(gzip.decompress(entry.read_bytes()))
            body = json.dumps(record["state"], sort_keys=True)
            if hashlib.sha256(body.encode()).hexdigest() != record["checksum"]:
                raise ValueError("checksum mismatch")
            state = _from_record(record["state"])
        except (OSError, EOFError, ValueError, KeyError, TypeError):
            self.stats.corrupt += 1
            entry.unlink(missing_ok=True)
            return None
        self.stats.hits += 1
        return state

    def restore_record(self, raw_root: Path, relative: str, manifest: dict[str, dict[str, str]],
                       location: Path | None = None) -> DocState | None:
        """Only the page's file-level record (source row, drug, label identity), without its
        rows: what a rerun needs when the rows come from the previous release. A small file of
        its own, so an unchanged page costs a hash and one small read."""
        if not self.enabled:
            return None
        key = self.key(raw_root, relative, manifest, location)
        entry = self._record_file(key) if key else None
        if entry is None or not entry.is_file():
            return None
        try:
            record = json.loads(entry.read_bytes())
            body = json.dumps(record["state"], sort_keys=True)
            if hashlib.sha256(body.encode()).hexdigest() != record["checksum"]:
                raise ValueError("checksum mismatch")
            saved = record["state"]
            state = DocState(saved["source"], drug_name=saved["drug_name"], cached=True, from_release=True)
            state.page = Page(relative, saved["format"], [], saved["meta"]) if saved["format"] else None
        except (OSError, ValueError, KeyError, TypeError):
            entry.unlink(missing_ok=True)  # the full entry, if sound, is used instead
            return None
        return state

    def store(self, raw_root: Path, relative: str, manifest: dict[str, dict[str, str]], state: DocState,
              location: Path | None = None) -> None:
        """Keep a state that came through every stage (not one restored, not a passing I/O error)."""
        if state.cached or (state.source.get("reason") or "").startswith(_NOT_CACHED):
            return
        key = self.key(raw_root, relative, manifest, location)
        if key is None:
            return
        body = _to_record(state)
        record = {"checksum": hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest(), "state": body}
        entry = self._file(key)
        entry.parent.mkdir(parents=True, exist_ok=True)
        small = {"source": state.source, "drug_name": state.drug_name,
                 "format": state.page.format if state.page else None, "meta": state.page.meta if state.page else {}}
        small_record = {"checksum": hashlib.sha256(json.dumps(small, sort_keys=True, default=str).encode()).hexdigest(),
                        "state": small}
        for path, data in ((entry, gzip.compress(json.dumps(record, default=str).encode(), compresslevel=5)),
                           (self._record_file(key), json.dumps(small_record, default=str).encode())):
            temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
            temp.write_bytes(data)
            os.replace(temp, path)
        self.stats.stored += 1


def _to_record(state: DocState) -> dict[str, Any]:
    document = state.document
    return {"source": state.source, "drug_name": state.drug_name, "facts": state.facts, "errors": state.errors,
            "format": state.page.format if state.page else None, "meta": state.page.meta if state.page else {},
            "document": None if document is None else {
                "doc_id": document.doc_id, "path": document.path, "format": document.format,
                "drug_id": document.drug_id, "clean_text": document.clean_text,
                "sections": [asdict(section) for section in document.sections]}}


def _from_record(record: dict[str, Any]) -> DocState:
    """A state as the stages left it, minus what only the stages need (lines, sentences, page)."""
    state = DocState(record["source"], errors=record["errors"], drug_name=record["drug_name"],
                     facts=record["facts"], cached=True)
    if record.get("format"):  # the label's own identity names a drug outside the vocabulary
        state.page = Page(record["source"]["path"], record["format"], [], record["meta"])
    saved = record["document"]
    if saved is not None:
        state.clean_text = saved["clean_text"]
        state.document = Document(doc_id=saved["doc_id"], path=saved["path"], format=saved["format"],
                                  drug_id=saved["drug_id"], clean_text=saved["clean_text"], lines=[],
                                  sections=[Section(**section) for section in saved["sections"]], sentences=[])
    return state
