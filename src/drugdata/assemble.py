"""Gather per-document results into the published tables, then validate them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

import pandas as pd

from drugdata.contracts import FACT_TABLES, TABLES
from drugdata.extract.drug import drug_record
from drugdata.pipeline import DocState
from drugdata.validate import validate_rows

__all__ = ["assemble", "build_tables"]


def assemble(states: Iterable[DocState]) -> dict[str, list[dict[str, Any]]]:
    """Rows per table. Identical content under a second path is marked a duplicate."""
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    first_path: dict[str, str] = {}
    drug_docs: dict[str, int] = {}
    for state in sorted(states, key=lambda s: s.source["path"]):
        source = dict(state.source)
        doc_id = source["doc_id"]
        if state.ok and doc_id in first_path:
            source.update(status="duplicate", reason=f"duplicate of {first_path[doc_id]}")
        tables["sources"].append(source)
        if source["status"] == "quarantined":
            tables["quarantine"].append({"doc_id": doc_id, "path": source["path"], "table": "sources",
                                         "reason": source["reason"], "payload": None})
        if source["status"] != "ok" or state.document is None or state.drug_name is None:
            continue
        first_path[doc_id] = source["path"]
        drug_docs[state.drug_name] = drug_docs.get(state.drug_name, 0) + 1
        tables["documents"].append({"doc_id": doc_id, "drug_id": source["drug_id"],
                                    "clean_text": state.document.clean_text,
                                    "sections": [asdict(s) for s in state.document.sections]})
        for table in FACT_TABLES:
            tables[table].extend(state.facts.get(table, []))
        tables["quarantine"].extend(state.errors)
    for name, count in sorted(drug_docs.items()):
        tables["drugs"].append({**drug_record(name), "n_documents": count})
    return tables


def build_tables(states: Iterable[DocState]) -> dict[str, pd.DataFrame]:
    """Validated frames per table; failing rows join the quarantine table."""
    rows = assemble(states)
    frames: dict[str, pd.DataFrame] = {}
    quarantine = list(rows.pop("quarantine"))
    for table, table_rows in rows.items():
        frames[table], failed = validate_rows(table, table_rows)
        quarantine.extend(failed)
    frames["quarantine"], _ = validate_rows("quarantine", quarantine)
    return {name: frames[name] for name in TABLES}
