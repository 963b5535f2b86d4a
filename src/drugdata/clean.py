"""Cleaning: keep every content block, drop page chrome, lay the rest out as the clean text.

The clean text is the blocks joined by newlines; every fact span points into it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from drugdata.models import Block, Line
from drugdata.sections import classify_heading
from drugdata.vocabulary import read_yaml

__all__ = ["clean_blocks", "is_boilerplate", "layout"]


@lru_cache(maxsize=1)
def _rules() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Each rule list as one alternation: one search per block instead of one per rule."""
    rules = read_yaml("boilerplate.yaml")
    either = lambda pats: re.compile("|".join(f"(?:{p})" for p in pats), re.IGNORECASE)
    return either(rules["drop_block"]), either(rules["person_bio"]), either(rules["link_list_heading"])


def is_boilerplate(block: Block, drug_names: re.Pattern[str] | None = None) -> bool:
    """True for chrome: shop lines, menus, share bars, bios, promotions."""
    drop, bio, _ = _rules()
    text = block.text.strip()
    if block.kind == "table_row":  # cell separators are not a menu's "Home | Drugs | Shop"
        text = "; ".join(cell for cell in block.cells if cell) or text
    if drop.search(text):
        return True
    mentions_drug = bool(drug_names and drug_names.search(text))
    return block.kind == "para" and not mentions_drug and bio.search(text) is not None


def _drop_leading_chrome(blocks: list[Block], drug_names: re.Pattern[str] | None) -> list[Block]:
    """Short lines before the first block naming the drug are site titles and menus."""
    if drug_names is None:
        return blocks
    for i, block in enumerate(blocks):
        if drug_names.search(block.text):
            kept_before = [b for b in blocks[:i] if len(b.text.split()) > 12]
            return kept_before + blocks[i:]
    return blocks


def _drop_link_lists(blocks: list[Block]) -> list[Block]:
    """'Related' and the article titles under it: short lines with no sentence end, up to a
    heading that names a section of the monograph."""
    link_heading = _rules()[2]
    kept: list[Block] = []
    in_list = False
    for block in blocks:
        text = block.text.strip()
        if block.kind == "heading" and link_heading.match(text):
            in_list = True
            continue
        names_section = block.kind == "heading" and classify_heading(text) is not None
        if in_list and not names_section and block.kind != "table_row" and len(text.split()) <= 12 \
                and not text.endswith((".", ":")):
            continue
        in_list = False
        kept.append(block)
    return kept


def clean_blocks(blocks: list[Block], drug_names: re.Pattern[str] | None = None,
                 chrome: bool = True) -> list[Block]:
    """Drop boilerplate, repeated blocks and headings left with nothing under them.

    `chrome=False` is for a regulator's label (openFDA, SPL): it has no menus or shop links, and
    searching its long paragraphs for them was a fifth of the time spent on a label.
    """
    if chrome:
        blocks = _drop_link_lists(_drop_leading_chrome(blocks, drug_names))
    kept: list[Block | None] = []
    seen: set[tuple[str, str]] = set()
    for block in blocks:
        text = re.sub(r"\s+", " ", block.text).strip()
        ident = (block.kind, text.lower())
        repeatable = block.kind in ("item", "table_row")  # two tables may share a row
        if not text or (chrome and is_boilerplate(block, drug_names)) or (not repeatable and ident in seen):
            kept.append(None)  # a hole remembers that something was removed here
            continue
        seen.add(ident)
        kept.append(Block(block.kind, text, block.level, block.cells, block.section))
    following_kept: list[Block | None] = [None] * len(kept)  # next kept block after each position
    upcoming: Block | None = None
    for i in range(len(kept) - 1, -1, -1):
        following_kept[i] = upcoming
        upcoming = kept[i] or upcoming
    result: list[Block] = []
    for i, current in enumerate(kept):
        if current is None:
            continue
        if current.kind == "heading":
            following = following_kept[i]
            hole_next = i + 1 < len(kept) and kept[i + 1] is None
            emptied = hole_next and (following is None or following.kind == "heading")
            if following is None or emptied:
                continue  # heading of a removed promo, or a dangling title at the end
        result.append(current)
    return result


def layout(blocks: list[Block]) -> tuple[str, list[Line]]:
    """Join blocks into the clean text, one block per line, remembering each block's span."""
    parts: list[str] = []
    lines: list[Line] = []
    offset = 0
    for block in blocks:
        lines.append(Line(block, offset, offset + len(block.text)))
        parts.append(block.text)
        offset += len(block.text) + 1
    return "\n".join(parts), lines
