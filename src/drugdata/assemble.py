"""Gather per-document results into the published tables, then validate them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

import pandas as pd

from drugdata.contracts import DOCUMENT_TABLES, FACT_TABLES
from drugdata.extract.drug import drug_record
from drugdata.pipeline import DocState
from drugdata.validate import validate_rows

__all__ = ["assemble", "build_tables", "superseded"]


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


def assemble(states: Iterable[DocState]) -> dict[str, list[dict[str, Any]]]:
    """Rows per table. Identical content under a second path, and an older copy of a page
    fetched again from the same URL, are marked duplicates."""
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in DOCUMENT_TABLES}
    first_path: dict[str, str] = {}
    drug_docs: dict[str, int] = {}
    drug_labels: dict[str, dict[str, str]] = {}  # a label's own identity, for drugs outside the vocabulary
    ordered = sorted(states, key=lambda s: s.source["path"])
    newer = superseded(ordered)
    for state in ordered:
        source = dict(state.source)
        doc_id = source["doc_id"]
        if state.ok and source["path"] in newer:
            source.update(status="duplicate",
                          reason=f"superseded by {newer[source['path']]} (same url, retrieved later)")
        elif state.ok and doc_id in first_path:
            source.update(status="duplicate", reason=f"duplicate of {first_path[doc_id]}")
        tables["sources"].append(source)
        if source["status"] == "quarantined":
            tables["quarantine"].append({"doc_id": doc_id, "path": source["path"], "table": "sources",
                                         "reason": source["reason"], "payload": None})
        if source["status"] != "ok" or state.document is None or state.drug_name is None:
            continue
        first_path[doc_id] = source["path"]
        drug_docs[state.drug_name] = drug_docs.get(state.drug_name, 0) + 1
        drug_labels.setdefault(state.drug_name, state.page.meta if state.page else {})
        tables["documents"].append({"doc_id": doc_id, "drug_id": source["drug_id"],
                                    "clean_text": state.document.clean_text,
                                    "sections": [asdict(s) for s in state.document.sections]})
        for table in FACT_TABLES:
            tables[table].extend(state.facts.get(table, []))
        tables["quarantine"].extend(state.errors)
    for name, count in sorted(drug_docs.items()):
        tables["drugs"].append({**drug_record(name, drug_labels.get(name)), "n_documents": count})
    return tables


def build_tables(states: Iterable[DocState]) -> dict[str, pd.DataFrame]:
    """Validated frames per per-document table; failing rows join the quarantine table."""
    rows = assemble(states)
    frames: dict[str, pd.DataFrame] = {}
    quarantine = list(rows.pop("quarantine"))
    for table, table_rows in rows.items():
        frames[table], failed = validate_rows(table, table_rows)
        quarantine.extend(failed)
    frames["quarantine"], _ = validate_rows("quarantine", quarantine)
    return {name: frames[name] for name in DOCUMENT_TABLES}
