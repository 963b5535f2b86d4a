"""Reader registry: detect a raw file's format from its content and parse it into blocks.

To add a format (openFDA JSON, SPL XML, ...), write a module with a `Reader` and add it to
`READERS`; `detect` asks every reader how sure it is and the most confident one wins.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from drugdata.models import Page
from drugdata.readers import html, markdown, text

__all__ = ["READERS", "Reader", "UnreadableInput", "decode", "detect", "read_page"]


class UnreadableInput(ValueError):
    """Raised with a reason a person understands when a file cannot become a page."""


@dataclass(frozen=True)
class Reader:
    name: str
    sniff: Callable[[str, str], float]  # (text, path) -> confidence in [0, 1]
    parse: Callable[[str, str], Page]  # (text, path) -> Page


READERS: list[Reader] = [
    Reader("html", html.sniff, html.parse),
    Reader("markdown", markdown.sniff, markdown.parse),
    Reader("text", text.sniff, text.parse),
]

_BINARY_MAGIC = {
    b"%PDF": "PDF",
    b"PK\x03\x04": "ZIP archive",
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"\x1f\x8b": "gzip archive",
}


def decode(data: bytes) -> tuple[str, list[str]]:
    """Bytes to text: UTF-8 (BOM stripped), else cp1252 with a note; binary is refused."""
    for magic, kind in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise UnreadableInput(f"binary content ({kind})")
    if b"\x00" in data[:8192]:
        raise UnreadableInput("binary content (NUL bytes)")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), ["not valid UTF-8; decoded as cp1252"]


def detect(text_: str, path: str) -> Reader:
    """The reader most confident about this content; ties go to the earlier reader."""
    return max(READERS, key=lambda reader: reader.sniff(text_, path))


# Label formats fetched before their reader exists: refused by name instead of being read as
# HTML. Remove a pattern when its Reader joins READERS.
_NO_READER_YET = {re.compile(r"<document\b[^>]*\burn:hl7-org:v3"): "SPL XML label"}


def read_page(data: bytes, path: str) -> Page:
    """Decode, detect the format and parse; raises UnreadableInput with the reason."""
    if not data.strip():
        raise UnreadableInput("empty file")
    content, notes = decode(data)
    for pattern, kind in _NO_READER_YET.items():
        if pattern.search(content[:4096]):
            raise UnreadableInput(f"{kind}: no reader for this format yet")
    page = detect(content, path).parse(content, path)
    page.notes.extend(notes)
    if not any(block.text.strip() for block in page.blocks):
        raise UnreadableInput("no text content")
    return page
