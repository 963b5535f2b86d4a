"""Validation against the contracts: failing rows go to quarantine with the reason."""

from __future__ import annotations

import functools
import json
from typing import Any

import pandas as pd
import pandera.errors as pa_errors

from drugdata.contracts import TABLES
from drugdata.schema_export import columns

__all__ = ["frame", "validate_rows"]


def frame(table: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows as a DataFrame with exactly the contract's columns, in contract order."""
    names = [c.name for c in columns(table)]
    return pd.DataFrame([{name: row.get(name) for name in names} for row in rows], columns=names)


def _payload(row: dict[str, Any]) -> str:
    return json.dumps(row, default=str, ensure_ascii=False, sort_keys=True)


@functools.cache
def _validated_empty(table: str) -> pd.DataFrame:
    return TABLES[table].validate(frame(table, []), lazy=True)


def validate_rows(table: str, rows: list[dict[str, Any]]) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """(valid rows as a coerced frame, quarantine rows). Row-level failures never stop the run;
    a failure not tied to a row (a missing column) is a bug and raises."""
    if not rows:  # most batches of a rerun: validating nothing still cost ~20 ms a table
        return _validated_empty(table).copy(), []
    model = TABLES[table]
    df = frame(table, rows)
    quarantined: list[dict[str, Any]] = []
    for _ in range(3):  # coercion can surface new failures once bad rows are gone
        try:
            return model.validate(df, lazy=True), quarantined
        except pa_errors.SchemaErrors as errors:
            cases = errors.failure_cases
            row_cases = cases[cases["index"].notna()]
            if row_cases.empty:
                raise
            reasons: dict[int, list[str]] = {}
            for case in row_cases.itertuples():
                reasons.setdefault(int(case.index), []).append(
                    f"{case.column or 'row'}: {case.check} (got {case.failure_case!r})")
            for index, why in sorted(reasons.items()):
                row = df.loc[index].to_dict()
                quarantined.append({"doc_id": row.get("doc_id"), "path": None, "table": table,
                                    "reason": "; ".join(sorted(set(why))), "payload": _payload(row)})
            df = df.drop(index=list(reasons)).reset_index(drop=True)
    return model.validate(df, lazy=True), quarantined
