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


def blocks_from_lines(text: str) -> list[Block]:
    """Classify each (rejoined) line as a heading, list item or paragraph."""
    lines = join_wrapped(normalize(text).split("\n"))
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


def parse(text: str, path: str) -> Page:
    return Page(path=path, format="text", blocks=blocks_from_lines(text))
