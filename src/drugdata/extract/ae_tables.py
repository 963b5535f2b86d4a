"""Adverse reaction tables: one row per effect row of a table, read by column.

A label's table gives, per reaction, the percent of patients in each arm. The header row(s)
say which column is the drug and which the placebo ("Placebo (N=150) %"); rows without a number
are headers or body-system groupings ("Nervous System"), never effects. The drug arms give
`frequency_low_pct`/`frequency_high_pct` (several doses give a range) and the class; the placebo
figure is kept apart in `placebo_pct`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from drugdata.extract.frequency import class_for_pct
from drugdata.models import Document, Line
from drugdata.normalize import effect_lexicon
from drugdata.sections import section_types

__all__ = ["BODY_SYSTEM", "NOT_AN_EFFECT_CELL", "TableRow", "arms", "cell_pct", "extract_table_effects"]

AE_TABLE_SECTIONS = {"adverse_effects", "serious_adverse_effects", "precautions", "withdrawal", "overdose"}
_AE_HEADER = re.compile(r"placebo|%|percent|incidence|adverse|reactions?|events?|n\s*=", re.IGNORECASE)
_PLACEBO = re.compile(r"\b(placebo|vehicle|sham|control)\b", re.IGNORECASE)
_NOT_ARM = re.compile(r"\b(relative risk|risk difference|odds ratio|hazard ratio|p[- ]value|95%\s*ci|difference)\b",
                      re.IGNORECASE)
_PCT = re.compile(r"^\s*(?:\d+\s*\(\s*)?(<|≤|less than\s*)?\s*(\d{1,3}(?:\.\d+)?)\s*%?\s*\)?\s*[*†‡§¶a-e]?\s*$")
# A body system or MedDRA system organ class as a grouping title ("Skin and Subcutaneous Tissue
# Disorders", "Nervous system"); "Sleep disorders" or "Menstrual disorders" name effects.
BODY_SYSTEM = (r"(?:(?:blood|lymphatic|hemic|cardiac|cardiovascular|vascular|ear|labyrinth|endocrine|eye|ocular|"
               r"gastrointestinal|digestive|general|administration|site|hepatobiliary|hepatic|immune|metabolism|"
               r"nutrition(?:al)?|musculoskeletal|connective|tissue|nervous|neurologic(?:al)?|psychiatric|renal|"
               r"urinary|genitourinary|urogenital|reproductive|breast|respiratory|thoracic|mediastinal|skin|"
               r"subcutaneous|dermatologic(?:al)?|congenital|familial|genetic|pregnancy|puerperium|perinatal|"
               r"special|senses|body|system|and|&|,)\s*)*(?:system|disorders)")
# Row and cell titles that are no effect: body systems, arms, grades, doses, populations.
NOT_AN_EFFECT_CELL = re.compile(
    rf"^(?:body as a whole|{BODY_SYSTEM}|general|any (?:adverse )?(?:reaction|event)s?|any teaes?|all\b.*\bevents|"
    r"other$|severe$|documented\b.*|change from baseline|"
    r"total|number of (?:patients|subjects)|patients with|n|system organ class|preferred term|"
    r"adverse (?:reaction|event)s?|placebo|grade \d|psychiatric$|normal to|.*\binfestations|"
    r".*\bmg (?:per|a|/) ?day|.*\b(?:patients|subjects)\b)\b.*$", re.IGNORECASE)
_FOOTNOTE = re.compile(r"(?:\s*[*†‡§¶#]+|\s*\[\w\]|(?<=[a-z])\d)+$")


@dataclass(frozen=True)
class TableRow:
    line: Line
    cells: tuple[str, ...]


def cell_pct(cell: str) -> tuple[float, float] | None:
    """(low, high) percent in a cell: "12", "12%", "5 (12)" (n and percent), "<1" (0 to 1)."""
    match = _PCT.match(cell)
    if not match:
        return None
    value = float(match.group(2))
    if value > 100:
        return None
    return (0.0, value) if match.group(1) else (value, value)


def arms(header: list[str], width: int) -> tuple[list[int], int | None]:
    """(drug arm columns, placebo column) from the header text of each column."""
    drug: list[int] = []
    placebo: int | None = None
    for column in range(1, width):
        text = header[column] if column < len(header) else ""
        if _NOT_ARM.search(text):
            continue
        if _PLACEBO.search(text):
            placebo = column if placebo is None else placebo
        else:
            drug.append(column)
    return drug, placebo


def _tables(doc: Document) -> list[list[TableRow]]:
    """Runs of consecutive table rows in the clean text."""
    runs: list[list[TableRow]] = []
    previous = -2
    for index, line in enumerate(doc.lines):
        if line.block.kind != "table_row":
            continue
        row = TableRow(line, line.block.cells or tuple(line.block.text.split(" | ")))
        if index == previous + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
        previous = index
    return runs


def _has_numbers(row: TableRow) -> bool:
    return any(cell_pct(cell) for cell in row.cells[1:])


def _effect_span(row: TableRow) -> tuple[int, int] | None:
    term = _FOOTNOTE.sub("", row.cells[0]).strip(" :")
    if not term or not re.match(r"[A-Za-z]", term) or NOT_AN_EFFECT_CELL.match(term) or len(term.split()) > 8:
        return None
    offset = row.line.block.text.find(term)
    return None if offset < 0 else (row.line.start + offset, row.line.start + offset + len(term))


def extract_table_effects(doc: Document) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    where = dict(zip((line.start for line in doc.lines), section_types(doc.lines, doc.sections), strict=True))
    effects = effect_lexicon()
    for table in _tables(doc):
        section, _heading = where[table[0].line.start]
        first_data = next((i for i, row in enumerate(table) if _has_numbers(row)), None)
        if first_data is None:
            continue
        header_rows = table[:first_data]
        width = max(len(row.cells) for row in table)
        # a header row with fewer cells spans the number columns: align it to the right
        padded = [("",) * (width - len(row.cells)) + row.cells for row in header_rows]
        header = [" ".join(cells[c] for cells in padded) for c in range(width)]
        if section not in AE_TABLE_SECTIONS or (section == "precautions" and not _AE_HEADER.search(" ".join(header))):
            continue  # efficacy and pharmacokinetic tables are not adverse effects
        drug_columns, placebo = arms(header, width)
        for row in table[first_data:]:
            span = _effect_span(row)
            figures = [cell_pct(row.cells[c]) for c in drug_columns if c < len(row.cells)]
            found = [f for f in figures if f]
            if span is None or not found:
                continue  # a header, a body-system grouping or a row without the drug's figure
            low, high = min(f[0] for f in found), max(f[1] for f in found)
            placebo_cell = cell_pct(row.cells[placebo]) if placebo is not None and placebo < len(row.cells) else None
            phrase = doc.clean_text[span[0]:span[1]]
            concept = effects.lookup(phrase)
            rows.append({
                "drug_id": doc.drug_id, "doc_id": doc.doc_id, "effect": phrase,
                "effect_name": concept.name.lower() if concept else phrase.lower(),
                "effect_id": concept.id if concept else None,
                "frequency_class": class_for_pct(high) if high > 0 else "unknown",
                "frequency_text": " | ".join(row.cells[c] for c in drug_columns if c < len(row.cells) and row.cells[c]),
                "frequency_low_pct": low, "frequency_high_pct": high,
                "placebo_pct": placebo_cell[1] if placebo_cell else None,
                "serious": section == "serious_adverse_effects", "context": "therapy", "route": None,
                "section": section, "evidence": row.line.block.text,
                "span_start": span[0], "span_end": span[1],
            })
    return rows
