"""Markdown pages, with or without YAML front matter, parsed with markdown-it-py."""

from __future__ import annotations

import re

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from drugdata.models import Block, Page
from drugdata.readers.html import row_block
from drugdata.readers.text import normalize

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<yaml>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_MD_SIGNALS = [
    re.compile(r"^#{1,6} \S", re.MULTILINE),
    re.compile(r"^\*\*[^*\n]+\*\*:?\s*$", re.MULTILINE),
    re.compile(r"^\s*[*+-] \S", re.MULTILINE),
    re.compile(r"\*\*[^*\n]+\*\*"),
    re.compile(r"\[[^\]\n]+\]\([^)\s]+\)"),
]
_META_KEYS = {
    "title": "title",
    "publisher": "publisher",
    "site": "publisher",
    "source": "publisher",
    "url": "url",
    "canonical_url": "url",
    "retrieved": "retrieved_at",
    "retrieved_at": "retrieved_at",
    "date": "retrieved_at",
    "drug": "drug",
}


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """YAML front matter as flat string metadata, and the body after it."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        data = yaml.safe_load(match.group("yaml"))
    except (yaml.YAMLError, RecursionError, ValueError):
        return {}, text[match.end():]
    meta: dict[str, str] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            target = _META_KEYS.get(str(key).lower())
            if target and value is not None and not isinstance(value, (dict, list)):
                meta.setdefault(target, str(value))
    return meta, text[match.end():]


def sniff(text: str, path: str) -> float:
    if _FRONT_MATTER.match(text):
        return 0.9
    hits = sum(len(p.findall(text[:20000])) for p in _MD_SIGNALS)
    return min(0.8, 0.15 * hits) if hits >= 2 else 0.0


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def _is_bold_only(token: Token) -> bool:
    kids = [c for c in token.children or [] if not (c.type == "text" and not c.content.strip())]
    return (
        len(kids) >= 3
        and kids[0].type == "strong_open"
        and kids[-1].type == "strong_close"
        and all(c.type not in ("strong_open", "strong_close") for c in kids[1:-1])
    )


def parse(text: str, path: str) -> Page:
    meta, body = split_front_matter(normalize(text))
    tokens = MarkdownIt("commonmark").enable("table").parse(body)  # GFM pipe tables too
    blocks: list[Block] = []
    list_depth = 0
    pending: str | None = None  # "heading:N" or "item"
    cells: list[str] | None = None  # the cells of the table row being read
    for token in tokens:
        if token.type == "tr_open":
            cells = []
        elif token.type == "tr_close":
            row = row_block(cells or [])
            blocks += [row] if row else []
            cells = None
        elif cells is not None and token.type == "inline":
            cells.append(_inline_text(token))
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif token.type == "heading_open":
            pending = f"heading:{token.tag[1]}"
        elif token.type == "inline":
            content = _inline_text(token)
            if not content:
                continue
            if pending and pending.startswith("heading"):
                blocks.append(Block("heading", content, int(pending.split(":")[1])))
            elif list_depth > 0:
                blocks.append(Block("item", content, list_depth))
            elif _is_bold_only(token) and len(content.split()) <= 12:
                blocks.append(Block("heading", content.rstrip(":").strip() or content, 4))
            else:
                blocks.append(Block("para", content, 0))
            pending = None
        elif token.type in ("fence", "code_block"):
            blocks.append(Block("para", re.sub(r"\s+", " ", token.content).strip(), 0))
    return Page(path=path, format="markdown", blocks=[b for b in blocks if b.text], meta=meta)
