"""Sectioning: give every heading a canonical type from the heading lexicon, and every block
the type of the section it sits in."""

from __future__ import annotations

import re
from functools import lru_cache

from drugdata.models import Line, Section
from drugdata.vocabulary import read_yaml

__all__ = ["SECTION_TYPES", "classify_heading", "find_sections", "section_types"]

_NUMBERING = re.compile(r"^\s*(?:\(?\d{1,2}[.)]|[ivx]{1,4}[.)]|\d+(?:\.\d+)*)\s+", re.IGNORECASE)
_USES = ("indications", "off_label")


@lru_cache(maxsize=1)
def _rules() -> list[tuple[str, re.Pattern[str]]]:
    return [(r["type"], re.compile(r["pattern"], re.IGNORECASE))
            for r in read_yaml("section_headings.yaml")["rules"]]


SECTION_TYPES: tuple[str, ...] = tuple(read_yaml("section_headings.yaml")["types"])
_CODED_SUBSECTIONS: dict[str, list[str]] = read_yaml("section_headings.yaml")["coded_subsections"]


def classify_heading(heading: str) -> str | None:
    """Canonical type of a heading, or None when the lexicon does not know it."""
    text = _NUMBERING.sub("", heading.strip().lower()).strip(" :.-")
    matched = [type_ for type_, pattern in _rules() if pattern.search(text)]
    if len(set(matched)) >= 3 and re.search(r",|&|\band\b|\|", text):
        return "other"  # a page title listing its topics: "X Uses, Side Effects & Dosage"
    return matched[0] if matched else None


def find_sections(lines: list[Line], text_length: int) -> list[Section]:
    """One Section per heading; unknown headings inherit their parent's type.

    Levels 1-6 nest; level 0 (plain text, level unknown) headings are siblings, so an
    unknown one continues the previous known section ("Oral Baclofen" under "Dosage").
    """
    headings = [line for line in lines if line.block.kind == "heading"]
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []  # (level, type) of open headings
    coded: str | None = None  # type of the regulator's coded section we are in
    for i, line in enumerate(headings):
        level = line.block.level
        if level:
            while stack and stack[-1][0] >= level:
                stack.pop()
        parent = stack[-1][1] if stack else "other"
        own = line.block.section or classify_heading(line.block.text)  # a coded section wins
        if line.block.section:
            coded = line.block.section
        elif coded and own not in _CODED_SUBSECTIONS.get(coded, ()):
            own = None  # a body-system group or table title inside a label section
        if parent in _USES and _NUMBERING.match(line.block.text):
            own = None  # "3) Alcohol withdrawal" under "Off-label uses" is a use, not a section
        type_ = own or parent
        if level == 0:
            stack = [(0, type_)] if own or not stack else stack
        else:
            stack.append((level, type_))
        end = text_length
        for later in headings[i + 1:]:
            if level == 0 or later.block.level == 0 or later.block.level <= level:
                end = later.start - 1
                break
        sections.append(Section(line.block.text, type_, level, line.start, max(end, line.end)))
    return sections


def section_types(lines: list[Line], sections: list[Section]) -> list[tuple[str, str]]:
    """(type, heading) of the innermost section around each line; ("other", "") before any."""
    result: list[tuple[str, str]] = []
    for line in lines:
        inner = ("other", "")
        for section in sections:
            if section.span_start <= line.start <= section.span_end:
                inner = (section.type, section.heading)  # later sections are nested deeper
        result.append(inner)
    return result
