"""Gather per-document results into the published tables, then validate them.

A build works batch by batch: `tabulate` turns one batch of documents into validated rows of
the per-document tables and drops everything else about them (`slim`), so a build never holds
more than a batch of parsed pages. `summarize` then decides, over every file's small `sources`
record, which copies are duplicates and which drugs were seen. `build_tables` does both at once
for callers that hold every state anyway (tests, the evaluation commands).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa

from drugdata.contracts import DOCUMENT_TABLES, FACT_TABLES
from drugdata.extract.drug import LABEL_IDENTITY, drug_record
from drugdata.models import Page
from drugdata.pipeline import DocState
from drugdata.validate import validate_rows

__all__ = ["ROW_TABLES", "Summary", "Tabulated", "build_tables", "file_tables", "slim", "summarize", "superseded",
           "tabulate"]

ROW_TABLES = ("documents", *FACT_TABLES)  # tables with rows per document (not per file or drug)


@dataclass
class Tabulated:
    """One batch of documents as validated rows, plus the small records `summarize` needs."""

    states: list[DocState]  # slimmed: source record, drug name and label identity only
    frames: dict[str, pd.DataFrame]
    quarantine: list[dict[str, Any]]  # rows that failed their contract, extractor failures
    arrow: dict[str, pa.Table] = field(default_factory=dict)  # `frames` as contract-typed Arrow

    def to_arrow(self) -> Tabulated:
        """Replace the frames by Arrow tables (what the spool writes; cheaper to ship)."""
        from drugdata.publish import to_arrow

        self.arrow = {name: to_arrow(name, frame) for name, frame in self.frames.items()}
        self.frames = {}
        return self


@dataclass
class Summary:
    """The file-level tables and the documents whose rows must not be published."""

    sources: list[dict[str, Any]]
    drugs: list[dict[str, Any]]
    quarantine: list[dict[str, Any]]
    excluded_doc_ids: set[str]  # read fine, but a duplicate or superseded copy


def slim(state: DocState) -> DocState:
    """What is left of a document once its rows are tabulated: its `sources` record, its drug
    and the label's identity (for a drug outside the vocabulary). A build holds one of these
    per file until it ends, so it keeps only the metadata `drug_record` reads."""
    page = None
    if state.page:
        identity = {key: state.page.meta[key] for key in LABEL_IDENTITY if state.page.meta.get(key)}
        page = Page(state.page.path, state.page.format, [], identity)
    return DocState(source=state.source, page=page, drug_name=state.drug_name, cached=state.cached,
                    from_release=state.from_release)


def superseded(states: Iterable[DocState]) -> dict[str, str]:
    """Older readable copies of a URL -> the path of the newest (by retrieved_at, then path).

    A page fetched again because it changed lands beside its old copy; only the newest counts.
    """
    readable = [state.source for state in states if state.ok and state.source.get("url")]
    newest: dict[str, tuple[str, str]] = {}
    for source in readable:
        mine = (source.get("retrieved_at") or "", source["path"])
        newest[source["url"]] = max(newest.get(source["url"], mine), mine)
    return {s["path"]: newest[s["url"]][1] for s in readable if newest[s["url"]][1] != s["path"]}


def tabulate(states: Iterable[DocState]) -> Tabulated:
    """Validated rows of the per-document tables for these documents, one copy per content
    (the first path wins); rows failing their contract go to the quarantine rows."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in ROW_TABLES}
    quarantine: list[dict[str, Any]] = []
    seen: set[str] = set()
    ordered = sorted(states, key=lambda s: s.source["path"])
    for state in ordered:
        doc_id = state.source["doc_id"]
        if not state.ok or state.document is None or state.drug_name is None or doc_id in seen:
            continue
        seen.add(doc_id)
        rows["documents"].append({"doc_id": doc_id, "drug_id": state.source["drug_id"],
                                  "clean_text": state.document.clean_text,
                                  "sections": [asdict(s) for s in state.document.sections]})
        for table in FACT_TABLES:
            rows[table].extend(state.facts.get(table, []))
        quarantine.extend(state.errors)
    frames = {}
    for table, table_rows in rows.items():
        frames[table], failed = validate_rows(table, table_rows)
        quarantine.extend(failed)
    return Tabulated([slim(state) for state in ordered], frames, quarantine)


def summarize(states: Iterable[DocState]) -> Summary:
    """`sources`, `drugs` and file-level quarantine rows over every file of the build.
    Identical content under a second path, and an older copy of a page fetched again from the
    same URL, are marked duplicates."""
    summary = Summary([], [], [], set())
    first_path: dict[str, str] = {}
    drug_docs: dict[str, int] = {}
    drug_labels: dict[str, dict[str, str]] = {}  # a label's own identity, for drugs outside the vocabulary
    ordered = sorted(states, key=lambda s: s.source["path"])
    newer = superseded(ordered)
    read_ids: set[str] = set()
    for state in ordered:
        source = dict(state.source)
        doc_id = source["doc_id"]
        if state.ok and source["path"] in newer:
            source.update(status="duplicate",
                          reason=f"superseded by {newer[source['path']]} (same url, retrieved later)")
        elif state.ok and doc_id in first_path:
            source.update(status="duplicate", reason=f"duplicate of {first_path[doc_id]}")
        summary.sources.append(source)
        if state.ok:
            read_ids.add(doc_id)
        if source["status"] == "quarantined":
            summary.quarantine.append({"doc_id": doc_id, "path": source["path"], "table": "sources",
                                       "reason": source["reason"], "payload": None})
        if source["status"] != "ok" or state.drug_name is None:
            continue
        first_path[doc_id] = source["path"]
        drug_docs[state.drug_name] = drug_docs.get(state.drug_name, 0) + 1
        drug_labels.setdefault(state.drug_name, state.page.meta if state.page else {})
    summary.excluded_doc_ids = read_ids - set(first_path)
    for name, count in sorted(drug_docs.items()):
        summary.drugs.append({**drug_record(name, drug_labels.get(name)), "n_documents": count})
    return summary


def file_tables(summary: Summary, quarantine: list[dict[str, Any]]) -> dict[str, pd.DataFrame]:
    """`sources`, `drugs` and `quarantine` (the batches' quarantine rows plus the files'), validated."""
    frames: dict[str, pd.DataFrame] = {}
    rows = summary.quarantine + [row for row in quarantine if row.get("doc_id") not in summary.excluded_doc_ids]
    for table, table_rows in (("sources", summary.sources), ("drugs", summary.drugs)):
        frames[table], failed = validate_rows(table, table_rows)
        rows.extend(failed)
    frames["quarantine"], _ = validate_rows("quarantine", rows)
    return frames


def build_tables(states: Iterable[DocState]) -> dict[str, pd.DataFrame]:
    """Every per-document table in memory, for callers that hold every state anyway."""
    batch = tabulate(states)
    summary = summarize(batch.states)
    frames = file_tables(summary, batch.quarantine)
    for table, frame in batch.frames.items():
        frames[table] = frame[~frame["doc_id"].isin(summary.excluded_doc_ids)].reset_index(drop=True)
    return {name: frames[name] for name in DOCUMENT_TABLES}
