"""Sentence splitting (sentencex) with the context each sentence needs: section and list lead."""

from __future__ import annotations

import re
from functools import lru_cache

import sentencex

from drugdata.models import Line, Section, Sentence
from drugdata.sections import section_types

__all__ = ["build_sentences", "split_spans"]

_INNER_BOUNDARY = re.compile(r"[.!?][\"')\]]*\s+\S")


def _trimmed(spans: list[tuple[int, int]], text: str) -> tuple[tuple[int, int], ...]:
    out = []
    for start, end in spans:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            out.append((start, end))
    return tuple(out) or (((0, len(text)),) if text.strip() else ())


@lru_cache(maxsize=8192)
def split_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each sentence in `text`, trimmed of surrounding whitespace.

    sentencex (Wikimedia's rule-based segmenter, a Rust core) knows abbreviations such as
    "e.g.", "approx." and "t.i.d."; it is linear in the text and thread-safe. Text with no inner
    sentence boundary (list items, short lines) is one sentence without asking it.
    """
    if not _INNER_BOUNDARY.search(text):
        return _trimmed([(0, len(text))], text)
    bounds = sentencex.get_sentence_boundaries("en", text)
    return _trimmed([(b["start_index"], b["end_index"]) for b in bounds], text)


def _lead_for(lines: list[Line], index: int) -> str | None:
    """The sentence that introduces a list item: its parent item, the paragraph or heading above."""
    level = lines[index].block.level
    for prev in reversed(lines[:index]):
        block = prev.block
        if block.kind == "item":
            if block.level < level:
                return block.text
            continue
        if block.kind == "heading":
            return block.text
        spans = split_spans(block.text)
        return block.text[spans[-1][0]:spans[-1][1]] if spans else block.text
    return None


def build_sentences(lines: list[Line], sections: list[Section]) -> list[Sentence]:
    contexts = section_types(lines, sections)
    out: list[Sentence] = []
    for index, line in enumerate(lines):
        block = line.block
        section, heading = contexts[index]
        lead = _lead_for(lines, index) if block.kind == "item" else None
        spans = ((0, len(block.text)),) if block.kind == "heading" else split_spans(block.text)
        for start, end in spans:
            out.append(Sentence(
                text=block.text[start:end], start=line.start + start, end=line.start + end,
                block_kind=block.kind, block_index=index, section=section, heading=heading,
                lead=lead,
            ))
    return out
