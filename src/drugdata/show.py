"""Terminal views of a release: a drug's profile as tables, and the result of a query."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import duckdb
from rich import box
from rich.console import Console, Group
from rich.table import Table

from drugdata.report import drug_page

__all__ = ["drug_profile", "find_drug", "query_result"]

_MAX_ROWS = 25  # per section of a profile; the report and DuckDB have the rest


def find_drug(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """drug_id for a generic or brand name, through the release's own `drug_lookup` macro."""
    row = con.execute("SELECT drug_lookup(?)", [name]).fetchone()
    return row[0] if row else None


def _table(title: str, headers: list[str], rows: list[list[Any]], total: int) -> Table:
    shown = f" (first {len(rows)} of {total})" if total > len(rows) else ""
    table = Table(title=f"{title}{shown}", title_justify="left", box=box.SIMPLE_HEAD, show_edge=False)
    for header in headers:
        table.add_column(header, justify="right" if header == "docs" else "left", overflow="fold")
    for row in rows:
        table.add_row(*("" if cell is None else str(cell) for cell in row))
    if not rows:
        table.add_row(*(["none found"] + [""] * (len(headers) - 1)))
    return table


def drug_profile(con: duckdb.DuckDBPyConnection, drug_id: str) -> Group:
    """The drug's record and its consolidated facts, one table per kind."""
    page = drug_page(con, drug_id)
    drug = page["drug"]
    brands = ", ".join(drug["brand_names"]) or "none listed"
    head = Table.grid(padding=(0, 1))
    head.add_row(f"[bold]{drug['name']}[/bold]", f"{drug['drug_class'] or 'class unknown'}; brands: {brands}; "
                 f"{drug['n_documents']} documents")

    def cut(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return rows[:_MAX_ROWS]

    parts = [head, _table(
        "Indications", ["condition", "id", "status", "docs"],
        [[r["condition_name"], r["condition_id"], r["status"] + ("" if r["status_agreement"] else " (disputed)"),
          r["n_documents"]] for r in cut(page["indications"])], len(page["indications"])), _table(
        "Dosing", ["route", "population", "phase", "amount", "times a day", "docs"],
        [[r["route"], r["population"], r["regimen_phase"], r["amount"], ", ".join(r["times_per_day"]),
          r["n_documents"]] for r in cut(page["dosing"])], len(page["dosing"])), _table(
        "Adverse effects", ["effect", "HPO", "frequency", "serious", "contexts", "docs"],
        [[r["effect_name"], r["effect_id"], f"{r['frequency_class']} {r['pct']}".strip(),
          "yes" if r["serious"] else "", ", ".join(r["contexts"]), r["n_documents"]] for r in cut(page["effects"])],
        len(page["effects"])), _table(
        "Interactions", ["agent", "type", "advice", "severity", "docs"],
        [[r["agent_name"], r["agent_type"], r["recommendation"], r["severity"], r["n_documents"]]
         for r in cut(page["interactions"])], len(page["interactions"])), _table(
        "Where sources disagree", ["about", "subject", "says", "docs", "publishers"],
        [[r["kind"], r["subject"], r["value"], r["n_documents"], ", ".join(r["publishers"])]
         for r in cut(page["conflicts"])], len(page["conflicts"]))]
    return Group(*parts)


def query_result(con: duckdb.DuckDBPyConnection, sql: str, output: str = "table", limit: int = 100) -> Any:
    """Run one read-only query; a rich table, or CSV / JSON lines text. At most `limit` rows
    in a table (files get every row)."""
    cursor = con.execute(sql)
    if cursor.description is None:
        return "" if output != "table" else Table(title="(no result)")
    names = [d[0] for d in cursor.description]
    if output == "table":
        rows = cursor.fetchmany(limit + 1)
        table = _table(f"{min(len(rows), limit)} rows" + ("+" if len(rows) > limit else ""), names,
                       [list(row) for row in rows[:limit]], len(rows[:limit]))
        return table
    buffer = io.StringIO()
    if output == "csv":
        writer = csv.writer(buffer)
        writer.writerow(names)
        writer.writerows(cursor.fetchall())
    else:
        for row in cursor.fetchall():
            buffer.write(json.dumps(dict(zip(names, row, strict=True)), default=str, ensure_ascii=False) + "\n")
    return buffer.getvalue()


def render(renderable: Any, width: int | None = None) -> str:
    """A rich renderable as plain text (for tests and pipes)."""
    console = Console(width=width or 120, record=True, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.export_text()
