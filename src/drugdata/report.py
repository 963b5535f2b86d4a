"""A static HTML site from a release: an index of drugs, a page per drug, a page per source
document with the evidence highlighted, and a quality page.

Everything is read from the release's DuckDB file and rendered with Jinja2 templates shipped in
`templates/`; autoescaping keeps page text as text. No scripts, no network: the site opens from
disk or any static web server.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

import duckdb
import jinja2

from drugdata.contracts import FREQUENCY_CLASSES
from drugdata.readers.metadata import is_web_url

__all__ = ["drug_page", "write_report"]


def _rows(con: duckdb.DuckDBPyConnection, sql: str, *params: Any) -> list[dict[str, Any]]:
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _span(low: float | None, high: float | None) -> str:
    if low is None:
        return ""
    return _num(low) if high is None or high == low else f"{_num(low)}-{_num(high)}"


def _safe_url(url: str | None) -> str | None:
    """Only web links leave the report."""
    return url if is_web_url(url) else None


@dataclass
class _Piece:
    text: str
    mark: bool = False
    anchors: list[str] = field(default_factory=list)


def _pieces(text: str, spans: list[tuple[int, int, str]]) -> list[list[_Piece]]:
    """The text as lines of pieces: an anchor at every fact's start, marks on mentions that do
    not overlap an earlier one."""
    anchors: dict[int, list[str]] = defaultdict(list)
    marks: list[tuple[int, int]] = []
    for start, end, fact_id in sorted(spans):
        anchors[start].append(fact_id)
        if not marks or start >= marks[-1][1]:
            marks.append((start, end))
    cuts = {0, len(text)} | set(anchors) | {p for m in marks for p in m}
    cuts |= {i for i, ch in enumerate(text) if ch == "\n"} | {i + 1 for i, ch in enumerate(text) if ch == "\n"}
    points = sorted(p for p in cuts if 0 <= p <= len(text))
    lines: list[list[_Piece]] = [[]]
    mark_index = 0
    for start, end in pairwise(points):
        chunk = text[start:end]
        if chunk == "\n":
            lines.append([])
            continue
        while mark_index < len(marks) and marks[mark_index][1] <= start:
            mark_index += 1
        in_mark = mark_index < len(marks) and marks[mark_index][0] <= start < marks[mark_index][1]
        lines[-1].append(_Piece(chunk, in_mark, anchors.get(start, [])))
    return lines


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("drugdata", "templates"),
        autoescape=jinja2.select_autoescape(["html"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True)


def drug_page(con: duckdb.DuckDBPyConnection, drug_id: str) -> dict[str, Any]:
    """Everything shown about one drug: its record, consolidated facts, conflicts and sources."""
    rank = {name: i for i, name in enumerate(FREQUENCY_CLASSES)}
    drug = _rows(con, "SELECT * FROM drugs WHERE drug_id = ?", drug_id)[0]
    effects = _rows(con, "SELECT * FROM drug_adverse_effects WHERE drug_id = ?", drug_id)
    for row in effects:
        row["pct"] = (_span(row["frequency_low_pct"], row["frequency_high_pct"]) + "%") \
            if row["frequency_low_pct"] is not None else ""
    effects.sort(key=lambda r: (rank[r["frequency_class"]], -r["n_documents"], r["effect_name"]))
    dosing = _rows(con, """SELECT * FROM drug_dosing WHERE drug_id = ?
                           ORDER BY route NULLS LAST, population NULLS FIRST, regimen_phase, dose_min""", drug_id)
    for row in dosing:
        basis = (row["dose_basis"] or "").replace("_", " ")
        row["amount"] = f"{_span(row['dose_min'], row['dose_max'])} {row['dose_unit'] or ''} {basis}".strip()
    sources = _rows(con, "SELECT * FROM sources WHERE drug_id = ? AND status = 'ok' ORDER BY path", drug_id)
    for row in sources:
        row["safe_url"] = _safe_url(row["url"])
    return {
        "drug": drug,
        "indications": _rows(con, """SELECT * FROM drug_indications WHERE drug_id = ?
                                     ORDER BY n_documents DESC, condition_name""", drug_id),
        "dosing": dosing,
        "effects": effects,
        "interactions": _rows(con, """SELECT * FROM drug_interactions WHERE drug_id = ?
                                      ORDER BY n_documents DESC, agent_name""", drug_id),
        "conflicts": _rows(con, "SELECT * FROM conflicts WHERE drug_id = ? ORDER BY kind, subject, value", drug_id),
        "sources": sources,
    }


def _quality(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    totals = _rows(con, """SELECT count(*) AS files, count(*) FILTER (WHERE status = 'ok') AS ok,
                                  count(*) FILTER (WHERE status = 'quarantined') AS quarantined,
                                  count(*) FILTER (WHERE status = 'duplicate') AS duplicate,
                                  count(*) FILTER (WHERE status = 'metadata') AS metadata FROM sources""")[0]
    coverage = []
    for table, id_column in (("indications", "condition_id"), ("adverse_effects", "effect_id"),
                             ("interactions", "agent_id"), ("dosing", None), ("products", None)):
        mapped = f"count({id_column})" if id_column else "NULL"
        row = _rows(con, f"SELECT count(*) AS n_rows, count(DISTINCT doc_id) AS n_docs, {mapped} AS n_mapped FROM {table}")[0]
        row["table"] = table
        row["pct_mapped"] = round(100 * row["n_mapped"] / row["n_rows"], 1) if id_column and row["n_rows"] else None
        coverage.append(row)
    return {
        "totals": totals,
        "publishers": _rows(con, "SELECT * FROM publisher_summary"),
        "reasons": _rows(con, "SELECT \"table\", reason, count(*) AS n FROM quarantine GROUP BY ALL ORDER BY n DESC, reason"),
        "coverage": coverage,
        "mapped_coverage": [row for row in coverage if row["pct_mapped"] is not None],
        "unmapped": _rows(con, "SELECT * FROM unmapped_terms ORDER BY n_rows DESC, term LIMIT 50"),
    }


def write_report(con: duckdb.DuckDBPyConnection, dest: Path) -> list[Path]:
    """Render the site into `dest` (replaced whole, so no stale pages remain); returns the pages."""
    env = _environment()
    build = dict(con.execute("SELECT key, value FROM build_info").fetchall())
    staging = dest.with_name(f".{dest.name}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "drugs").mkdir(parents=True)
    (staging / "documents").mkdir()
    written: list[Path] = []

    def render(template: str, relative: str, **context: Any) -> None:
        root = "../" * relative.count("/")
        html = env.get_template(template).render(build=build, root=root, **context)
        (staging / relative).write_text(html, encoding="utf-8")
        written.append(dest / relative)

    pages = {drug_id: drug_page(con, drug_id) for (drug_id,) in
             con.execute("SELECT drug_id FROM drugs ORDER BY drug_id").fetchall()}
    drugs = []
    for drug_id, page in pages.items():
        render("drug.html", f"drugs/{drug_id}.html", title=page["drug"]["name"], **page)
        drugs.append({**page["drug"], "n_indications": len(page["indications"]), "n_effects": len(page["effects"]),
                      "n_interactions": len(page["interactions"]), "n_doses": len(page["dosing"]),
                      "n_conflicts": len({c["conflict_id"] for c in page["conflicts"]})})
    n_documents = con.execute("SELECT count(*) FROM documents").fetchone()[0]  # type: ignore[index]
    render("index.html", "index.html", title="Drugs", drugs=drugs, n_documents=n_documents)
    render("quality.html", "quality.html", title="Quality", **_quality(con))
    spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for doc_id, start, end, fact_id in con.execute(
            "SELECT doc_id, span_start, span_end, fact_id FROM fact_evidence").fetchall():
        spans[doc_id].append((start, end, fact_id))
    for source in _rows(con, """SELECT s.*, d.clean_text FROM documents d
                                JOIN sources s ON s.doc_id = d.doc_id AND s.status = 'ok'"""):
        source["safe_url"] = _safe_url(source["url"])
        render("document.html", f"documents/{source['doc_id']}.html", title=source["title"] or source["path"],
               source=source, lines=_pieces(source["clean_text"], spans[source["doc_id"]]))
    css = resources.files("drugdata").joinpath("templates", "style.css").read_bytes()
    (staging / "style.css").write_bytes(css)
    shutil.rmtree(dest, ignore_errors=True)
    staging.rename(dest)
    return written
