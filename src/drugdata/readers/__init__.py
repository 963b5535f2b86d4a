"""Reader registry: detect a raw file's format from its content and parse it into blocks.

To add a format (openFDA JSON, SPL XML, ...), write a module with a `Reader` and add it to
`READERS`; `detect` asks every reader how sure it is and the most confident one wins.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import charset_normalizer
import ftfy

from drugdata.models import Page
from drugdata.readers import html, markdown, openfda, spl, text
from drugdata.readers.errors import UnreadableInput
from drugdata.readers.markup import strip_markup

__all__ = ["READERS", "Reader", "UnreadableInput", "decode", "detect", "read_page"]


@dataclass(frozen=True)
class Reader:
    name: str
    sniff: Callable[[str, str], float]  # (text, path) -> confidence in [0, 1]
    parse: Callable[[str, str], Page]  # (text, path) -> Page


READERS: list[Reader] = [
    Reader("spl_xml", spl.sniff, spl.parse),
    Reader("openfda_json", openfda.sniff, openfda.parse),
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


_UTF_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
              (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


# Multi-byte encodings a detector tells apart reliably. Among single-byte code pages detectors
# guess wrong on English text (cp775 or cp1250 for cp1252), so those are read as cp1252, the
# legacy web default; a page in another script then fails the language check with its reason.
_MULTI_BYTE = re.compile(r"^(utf_(16|32)\w*|shift_jis|cp932|euc_\w+|gb\w+|big5\w*|cp949|iso2022_\w+|hz)$")


def _detected(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) from charset-normalizer when it is sure enough, else None."""
    best = charset_normalizer.from_bytes(data[:262144]).best()
    if best is None or best.chaos > 0.2:
        return None
    try:
        return data.decode(best.encoding), best.encoding
    except (UnicodeDecodeError, LookupError):
        return None


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a byte order mark, as Windows tools write it: mostly Latin text has a NUL
    in every other byte. Anything else with NUL bytes is binary."""
    sample = data[:8192]
    if len(sample) < 16 or len(sample) % 2:
        return None
    half = len(sample) // 2
    for encoding, zeros in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
        if zeros.count(0) >= 0.9 * half:
            return encoding
    return None


def decode(data: bytes) -> tuple[str, list[str]]:
    """Bytes to text, saying in notes what it took: a BOM, UTF-8, BOM-less UTF-16, a multi-byte
    encoding charset-normalizer detects, else cp1252. Mojibake (UTF-8 read as cp1252) is
    repaired by ftfy. Binary content is refused."""
    for magic, kind in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise UnreadableInput(f"binary content ({kind})")
    notes: list[str] = []
    text: str | None = None
    for bom, encoding in _UTF_BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                raise UnreadableInput(f"not valid {encoding.upper()} despite its byte order mark") from None
            break
    if text is None and b"\x00" in data[:8192]:
        utf16 = _bomless_utf16(data)
        if utf16 is None:
            raise UnreadableInput("binary content (NUL bytes)")
        text = data.decode(utf16, errors="replace")
        notes.append(f"decoded as {utf16} (no byte order mark)")
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            detected = _detected(data)
            if detected is None or not _MULTI_BYTE.match(detected[1]):
                text = data.decode("cp1252", errors="replace")
                notes.append("not valid UTF-8; decoded as cp1252")
            else:
                text, encoding = detected
                notes.append(f"not valid UTF-8; decoded as {encoding} (detected)")
    repaired = ftfy.fix_encoding(text)
    if repaired != text:
        notes.append("mojibake repaired")
    return repaired, notes


def detect(text_: str, path: str) -> Reader:
    """The reader most confident about this content; ties go to the earlier reader."""
    return max(READERS, key=lambda reader: reader.sniff(text_, path))


# Declarations that make an XML parser expand entities or fetch files (billion laughs, XXE).
_XML_DECLARATIONS = re.compile(r"<!ENTITY\b|<!DOCTYPE[^>\[]*\[", re.IGNORECASE)
_XML_EXTERNAL_DTD = re.compile(r"<!DOCTYPE\s+(?!html\b)[\w:.-]+\s+(SYSTEM|PUBLIC)\b", re.IGNORECASE)
_XML_ROOT = re.compile(r"^\s*<\?xml[^>]*>\s*(?:<!--.*?-->\s*|<\?.*?\?>\s*|<!DOCTYPE[^>]*>\s*)*<([\w:.-]+)", re.DOTALL)
_PAGE_READERS = {"html", "markdown", "text"}


def _refuse_xml_declarations(content: str) -> None:
    """XML that declares entities or an external DTD is refused before any parser or sniffer
    sees it: nothing is expanded, nothing is fetched."""
    head = content[:65536]
    if _XML_DECLARATIONS.search(head):
        raise UnreadableInput("XML entity declarations are not allowed")
    if _XML_EXTERNAL_DTD.search(head):
        raise UnreadableInput("XML document type with an external DTD is not allowed")


def _refuse_unknown_shape(content: str, reader: Reader) -> None:
    """JSON and XML that only a page reader would take are of a shape no reader knows: reading
    them as a web page would turn keys and tags into 'facts'."""
    if reader.name not in _PAGE_READERS:
        return
    head = content[:65536]
    root = _XML_ROOT.match(head)
    if root and root.group(1).lower() != "html":
        raise UnreadableInput(f"XML of an unknown kind (root element <{root.group(1)}>)")
    if head.lstrip()[:1] in ("{", "["):
        try:
            json.loads(content)
        except ValueError:
            return  # text that merely starts with a brace
        raise UnreadableInput("JSON that is not a drug label (no reader knows its shape)")


def read_page(data: bytes, path: str) -> Page:
    """Decode, detect the format and parse; raises UnreadableInput with the reason."""
    if not data.strip():
        raise UnreadableInput("empty file")
    content, notes = decode(data)
    _refuse_xml_declarations(content)
    reader = detect(content, path)
    _refuse_unknown_shape(content, reader)
    page = reader.parse(content, path)
    if page.format in ("text", "markdown"):  # tags typed into a text page are not page text
        for block in page.blocks:
            block.text = strip_markup(block.text)
        page.blocks = [block for block in page.blocks if block.text.strip()]
    page.notes.extend(notes)
    if not any(block.text.strip() for block in page.blocks):
        raise UnreadableInput("no text content")
    return page
