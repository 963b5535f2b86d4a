"""LabeledIn: FDA Indications sections fed as openFDA JSON; conditions scored against the
annotated disease mentions."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from drugdata.evaluate.feed import run_files
from drugdata.evaluate.scoring import Score, score_sets

__all__ = ["evaluate_labeledin", "load_labeledin"]

_ANNOTATION = re.compile(r"<annotation[^>]*>(.*?)</annotation>", re.IGNORECASE | re.DOTALL)
_SUBJECT = re.compile(r"^\s*(.{3,120}?)\s+(?:is|are)\s+(?:also\s+)?indicated\b", re.IGNORECASE)


def load_labeledin(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """Records {id, record (openFDA JSON), mentions}: the text with markup turned into lines."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("|", 2)
        if len(parts) < 3:
            continue
        rid, _setid, markup = parts
        mentions = {html.unescape(re.sub(r"\s+", " ", m)).strip() for m in _ANNOTATION.findall(markup)}
        text = re.sub(r"<br\s*/?>|</?(div|p|li|ul|ol)\b[^>]*>", "\n", markup, flags=re.IGNORECASE)
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
        text = "\n".join(re.sub(r"\s+", " ", t).strip() for t in text.split("\n") if t.strip())
        subject = _SUBJECT.search(text)
        # the label names its drug as the subject of "is indicated"; else a stand-in identity,
        # since the record gives none and the conditions are what is scored
        name = subject.group(1) if subject else f"labeledin record {rid}"
        record: dict[str, Any] = {"indications_and_usage": [text], "openfda": {"generic_name": [name]}}
        out.append({"id": rid, "record": record, "mentions": mentions})
    return out[:limit] if limit else out


def evaluate_labeledin(path: Path, limit: int | None = None) -> dict[str, Any]:
    records = load_labeledin(path, limit)
    files: dict[str, str | dict[str, Any]] = {f"{r['id']}.json": r["record"] for r in records}
    gold = {f"{r['id']}.json": r["mentions"] for r in records}
    strict, lenient = Score(), Score()
    quarantined = []
    for name, state in run_files(files):
        rows = state.facts.get("indications", []) if state.ok else []
        if not state.ok:
            quarantined.append(f"{name}: {state.source['reason']}")
        s, l_ = score_sets([r["condition"] for r in rows], gold[name])
        strict.add(s)
        lenient.add(l_)
    return {"records": len(records), "strict": strict.figures(), "lenient": lenient.figures(), "quarantined": quarantined}
