"""Run the real per-document pipeline over generated files in a temporary raw folder."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from drugdata import pipeline

__all__ = ["run_files"]


def run_files(files: dict[str, str | dict[str, Any]]) -> Iterator[tuple[str, pipeline.DocState]]:
    """(name, state) per file: dicts are written as JSON, strings as text, then each file runs
    read -> clean -> sections -> extract -> normalize exactly as in a build."""
    with tempfile.TemporaryDirectory(prefix="drugdata-eval-") as folder:
        root = Path(folder)
        for name, content in files.items():
            body = json.dumps(content) if isinstance(content, dict) else content
            (root / name).write_text(body, encoding="utf-8")
        for name in files:
            yield name, pipeline.run_document(root, name)
