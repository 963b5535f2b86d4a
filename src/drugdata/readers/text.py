"""Plain text pasted from a web page: recover headings, list items and wrapped lines."""

from __future__ import annotations

import re
import unicodedata

from drugdata.models import Block, Page

_BULLET = re.compile(r"^(?P<indent>\s*)(?:[•·▪◦●■►✓\-\*–—]|\(?\d{1,2}[.)]|[a-z][.)])\s+(?P<body>\S.*)$")
_NUMBERED = re.compile(r"^\s*\(?\d{1,2}[.)]\s+")
_FUNCTION_END = re.compile(
    r"\b(?:to|and|or|of|the|a|an|as|in|for|with|by|from|include|includes|including|such as|"
    r"like|are|is|be|than|about|into|on|at|also|may|can|cause|causes|treat|treats|both|either)$",
    re.IGNORECASE,
)
_LEAD_VERBS = re.compile(
    r"\b(?:include|includes|including|such as|are|may|can|following|comprise|is|were|was)\b",
    re.IGNORECASE,
)


def sniff(text: str, path: str) -> float:
    """Anything decodable is text; other readers must beat this floor."""
    return 0.1


def normalize(text: str) -> str:
    """Unicode NFC, unified newlines, non-breaking and zero-width spaces removed."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    return "\n".join(line.rstrip() for line in text.split("\n"))


def join_wrapped(lines: list[str]) -> list[str]:
    """Rejoin sentences a page broke across lines (e.g. before each term of a list)."""
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        if out and stripped and out[-1].strip() and not _BULLET.match(line):
            prev = out[-1].rstrip()
            if (
                prev.endswith((",", ";", "(", "-"))
                or _FUNCTION_END.search(prev)
                or (stripped[0].islower() and not prev.endswith((".", "!", "?", ":")))
            ):
                out[-1] = f"{prev} {stripped}"
                continue
        out.append(line)
    return out


def _is_heading(line: str, next_line: str | None) -> bool:
    words = line.split()
    if not words or len(words) > 12 or len(line) > 90:
        return False
    if line.endswith((".", ",", ";", "!")) or not (line[0].isupper() or line[0].isdigit()):
        return False
    if line.endswith(":") and (len(words) > 6 or _LEAD_VERBS.search(line)):
        return False  # a list lead such as "Common side effects include:"
    # a numbered line running on into the next line is a list item, not a heading
    return not (_NUMBERED.match(line) and next_line not in (None, ""))


# A table laid out with spaces (labels exported as text): cells split on runs of 2+ spaces.
_CELL_GAP = re.compile(r"\s{2,}|\t")
_NUMBER_CELL = re.compile(r"[-–—]|NA|N/A|(?:[<≤>≥]\s*)?\d+(?:\.\d+)?\s*%?(?:\s*\(\s*[<≤]?\s*\d+(?:\.\d+)?\s*%?\s*\))?")


def _cells(line: str) -> list[str]:
    return [cell for cell in _CELL_GAP.split(line.strip()) if cell]


def _is_data_row(cells: list[str]) -> bool:
    """A label row: a term, then mostly numbers ("Dizziness   11   -   16")."""
    numbers = sum(bool(_NUMBER_CELL.fullmatch(c)) for c in cells[1:])
    return len(cells) >= 2 and len(re.findall(r"[A-Za-z]", cells[0])) >= 3 and numbers >= max(1, 0.6 * (len(cells) - 1))


def table_rows(lines: list[str]) -> dict[int, tuple[str, ...]]:
    """Line index -> cells for the lines of space-aligned tables: data rows, up to three header
    lines just above a run of them, and one-cell group lines ("Nervous system disorders") between."""
    data = {i for i, line in enumerate(lines) if _is_data_row(_cells(line))}
    rows = {i: tuple(_cells(lines[i])) for i in data}
    filled = [i for i, line in enumerate(lines) if line.strip()]
    for position, i in enumerate(filled):
        if i in rows or "." in lines[i].rstrip()[-1:]:
            continue
        before, after = filled[position - 1] if position else None, filled[position + 1] if position + 1 < len(filled) else None
        if before in rows and after in data and len(lines[i].split()) <= 10:
            rows[i] = (lines[i].strip(),)  # a body-system grouping inside the table
        elif len(_cells(lines[i])) >= 2 and any(filled[k] in data for k in range(position + 1, min(position + 4, len(filled)))):
            rows[i] = tuple(_cells(lines[i]))  # a header line above the rows
    return rows


# Text laid out in columns that is no table ("Eye Disorders:    Diplopia    Investigations:    ..."):
# a run of 3+ spaces between a word and a capital is a column break, kept as a cell separator.
_COLUMN_GAP = re.compile(r"(?<=[A-Za-z:;,.)])[ \t]{3,}(?=[A-Z])")


def blocks_from_lines(text: str, column_gaps: bool = False) -> list[Block]:
    """Classify each (rejoined) line as a heading, list item, paragraph or table row. With
    `column_gaps` (regulators' text fields), column breaks outside tables become " | "."""
    raw_lines = normalize(text).split("\n")
    rows = table_rows(raw_lines)
    if column_gaps:
        raw_lines = [line if i in rows else _COLUMN_GAP.sub(" | ", line) for i, line in enumerate(raw_lines)]
    if rows:  # tables keep their lines; the text around them is rejoined piece by piece
        blocks: list[Block] = []
        start = 0
        for i in sorted(rows) + [len(raw_lines)]:
            blocks += _line_blocks(join_wrapped(raw_lines[start:i]))
            if i < len(raw_lines):
                blocks.append(Block("table_row", " | ".join(rows[i]), 0, rows[i]))
            start = i + 1
        return blocks
    return _line_blocks(join_wrapped(raw_lines))


def _line_blocks(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        next_line = lines[i + 1].strip() if i + 1 < len(lines) else None
        bullet = _BULLET.match(raw)
        if bullet and not (_NUMBERED.match(raw) and _is_heading(line, next_line)):
            depth = 1 + len(bullet.group("indent").expandtabs(4)) // 4
            blocks.append(Block("item", bullet.group("body").strip(), max(1, depth - 0)))
        elif _is_heading(line, next_line):
            blocks.append(Block("heading", line, 0))
        else:
            blocks.append(Block("para", line, 0))
    return blocks


# The first line of a label saved as text names its drug: "PLAVIX (clopidogrel bisulfate) tablet,
# film coated" (DailyMed's title) or "Drug Label for drug brand Zebeta, containing Bisoprolol Fumarate."
_LABEL_TITLE = re.compile(
    r"^(?:Drug Label for drug brand (?P<brand2>[^,]{2,60}), containing (?P<generic2>[^.]{3,120})\.?"
    r"|(?P<brand>[A-Z][A-Z0-9®™ .-]{1,60}?)\s*\((?P<generic>[A-Za-z][\w ,/-]{2,150})\)\s+[a-z][a-z ,]*)$")
# Other DailyMed text exports: a brand line over a generic line ("Lopressor HCT" / "metoprolol tartrate
# USP and hydrochlorothiazide USP"), or a section heading first ("DESCRIPTION SECTION") with the drug
# introduced in the opening sentence: "TIKOSYN (dofetilide) is ...", "Lopressor, metoprolol tartrate USP, is ...".
_BRAND_LINE = re.compile(r"^[A-Z][\w®™-]*(?: [A-Z][\w®™-]*){0,3}$")
_GENERIC_LINE = re.compile(r"^(?P<generic>[a-z][a-z -]{2,60}? USP(?: and [a-z][a-z -]{2,60}? USP)*)$")
_SECTION_FIRST = re.compile(r"^(?:DESCRIPTION|INDICATIONS(?: AND| &|\s+-\s+)? USAGE|[A-Z][A-Z &-]{3,60}) SECTION$|^DESCRIPTION$")
_OPENING = re.compile(r"^(?P<brand>[A-Z][\w®™-]*(?: [A-Z][\w®™-]*){0,3})(?: \((?P<generic>[A-Za-z][A-Za-z ,/-]{2,80})\)|"
                      r", (?P<generic2>[a-z][a-z -]{2,60}?)(?: USP)?,) (?:is|are)\b")
_PSEUDO_TAGS = re.compile(r"</?(?:paragraph|main|item|list|content|table|tr|td|th|caption)\b[^>]*>")


def label_identity(text: str) -> dict[str, str]:
    """title, generic_name and brand_names from a text label's first lines, or {} for a page."""
    lines = [line for line in (_PSEUDO_TAGS.sub("", raw).strip() for raw in text.split("\n")[:60]) if line][:8]
    first = lines[0] if lines else ""
    match = _LABEL_TITLE.match(first)
    if match:
        generic = (match.group("generic") or match.group("generic2")).replace("/", " and ")
        brand = (match.group("brand") or match.group("brand2")).strip()
        return {"title": first, "generic_name": generic.lower(), "brand_names": brand}
    second = _GENERIC_LINE.match(lines[1]) if len(lines) > 1 and _BRAND_LINE.match(first) else None
    if second:
        generic = _without_usp(second.group("generic"))
        return {"title": f"{first} ({generic})", "generic_name": generic, "brand_names": first}
    if _SECTION_FIRST.match(first):
        opening = next((m for m in map(_OPENING.match, lines[1:]) if m), None)
        if opening:
            generic = _without_usp(opening.group("generic") or opening.group("generic2"))
            return {"title": f"{opening.group('brand')} ({generic})", "generic_name": generic,
                    "brand_names": opening.group("brand")}
    return {}


def _without_usp(generic: str) -> str:
    return re.sub(r"\s+USP\b", "", generic).strip().lower()


def parse(text: str, path: str) -> Page:
    meta = label_identity(text)
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    if meta or _SECTION_FIRST.match(first):  # a label exported as text keeps SPL's inline markup words: drop them
        text = _PSEUDO_TAGS.sub("", text)
    return Page(path=path, format="text", blocks=blocks_from_lines(text), meta=meta)
