"""Plain data objects passed between pipeline stages (no behaviour, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "item", "para", "table_row"]


@dataclass(slots=True)
class Block:
    """One structural unit of a page: a heading, a list item, a paragraph or a table row.

    A table row keeps its cells so extractors can read a table by column; its text is the
    cells joined by " | ", which is what the clean text shows.
    """

    kind: BlockKind
    text: str
    level: int = 0  # heading depth (1-6, 0 = unknown) or list nesting depth (1 = top level)
    cells: tuple[str, ...] = ()  # table_row only
    section: str | None = None  # headings: canonical type the source itself codes (SPL LOINC)


@dataclass(slots=True)
class Page:
    """A raw file read into blocks, before cleaning."""

    path: str
    format: str
    blocks: list[Block]
    meta: dict[str, str] = field(default_factory=dict)  # title, publisher, url, retrieved_at
    notes: list[str] = field(default_factory=list)  # non-fatal remarks, e.g. decoding fallbacks


@dataclass(slots=True)
class Line:
    """A kept block placed in the clean text: `clean_text[start:end] == block.text`."""

    block: Block
    start: int
    end: int


@dataclass(slots=True)
class Section:
    heading: str
    type: str
    level: int
    span_start: int
    span_end: int


@dataclass(slots=True)
class Sentence:
    """A sentence with the context an extractor needs to read it the way a pharmacist would."""

    text: str
    start: int  # offsets into the clean text
    end: int
    block_kind: BlockKind
    block_index: int
    section: str  # canonical section type, "other" when none applies
    heading: str
    lead: str | None  # for list items: the sentence or parent item that introduces the list


@dataclass(slots=True)
class Document:
    """A cleaned, sectioned page ready for extraction."""

    doc_id: str
    path: str
    format: str
    drug_id: str
    clean_text: str
    lines: list[Line]
    sections: list[Section]
    sentences: list[Sentence]
    meta: dict[str, str] = field(default_factory=dict)
