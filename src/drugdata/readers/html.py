"""HTML pages: drop page chrome by element and class, then walk the content into blocks."""

from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup, Comment, NavigableString, Tag, XMLParsedAsHTMLWarning

from drugdata.models import Block, Page
from drugdata.readers.text import normalize

_HTML_SIGNALS = re.compile(
    r"<(?:!doctype html|html|head|body|div|p|article|section|h[1-6]|ul|li|span|a|meta|table)\b",
    re.IGNORECASE,
)
_DROP_TAGS = [
    "script", "style", "noscript", "template", "svg", "iframe", "form", "button", "input",
    "select", "nav", "footer", "aside", "dialog", "canvas", "video", "audio", "object",
]
# class/id fragments of page chrome (cookie banners, share bars, author boxes, ads...)
_CHROME = re.compile(
    r"(?:^|[-_ ])(?:cookie|consent|gdpr|banner|share|sharing|social|newsletter|subscribe|signup|"
    r"author|byline|bio|comment|comments|related|recommend|sidebar|advert|ads?|adslot|sponsor|"
    r"promo|breadcrumbs?|menu|navbar|nav|footer|header|popup|modal|toolbar|widget|rating|"
    r"disclaimer|skip)(?:$|[-_ ])",
    re.IGNORECASE,
)
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_PARAGRAPHS = {"p", "dt", "dd", "blockquote", "figcaption", "pre", "caption", "summary"}
_CONTAINERS = {
    "div", "section", "article", "main", "ul", "ol", "dl", "table", "tbody", "thead", "tfoot",
    "body", "html", "details", "figure", "center", "header", "span", "font",
}


def sniff(text: str, path: str) -> float:
    head = text[:8192]
    if re.match(r"\s*<!doctype html", head, re.IGNORECASE):
        return 1.0
    hits = len(_HTML_SIGNALS.findall(head))
    return 0.95 if hits >= 3 else (0.3 if hits else 0.0)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _meta(soup: BeautifulSoup) -> dict[str, str]:
    meta: dict[str, str] = {}
    title = soup.find("title")
    if title and title.get_text(strip=True):
        meta["title"] = _squash(title.get_text())
    for attr, key, target in [
        ("property", "og:site_name", "publisher"),
        ("name", "publisher", "publisher"),
        ("name", "author", "author"),
        ("property", "og:url", "url"),
        ("property", "article:modified_time", "modified_at"),
    ]:
        tag = soup.find("meta", attrs={attr: key})
        if isinstance(tag, Tag) and tag.get("content"):
            meta.setdefault(target, _squash(str(tag["content"])))
    canonical = soup.find("link", rel="canonical")
    if isinstance(canonical, Tag) and canonical.get("href"):
        meta["url"] = str(canonical["href"]).strip()
    return meta


def _is_chrome(tag: Tag) -> bool:
    if tag.name in ("body", "html", "main", "article"):
        return False
    names = " ".join(tag.get("class") or []) + " " + str(tag.get("id") or "")
    role = str(tag.get("role") or "")
    return bool(_CHROME.search(names)) or role in ("navigation", "banner", "contentinfo", "complementary")


def _strip_chrome(root: Tag) -> None:
    for node in root.find_all(string=lambda s: isinstance(s, Comment)):
        node.extract()
    for tag in root.find_all(_DROP_TAGS):
        tag.decompose()
    stack = [child for child in root.children if isinstance(child, Tag)]
    while stack:  # top-down without recursion: a removed tag's subtree is never visited
        tag = stack.pop()
        if _is_chrome(tag):
            tag.decompose()
        else:
            stack.extend(child for child in tag.children if isinstance(child, Tag))


def _content_root(soup: BeautifulSoup) -> Tag:
    for selector in ("article", "main", "[role=main]", "div.content", "#content", "body"):
        found = soup.select_one(selector)
        if found and _squash(found.get_text()):
            return found
    return soup


def table_row(tr: Tag) -> Block | None:
    """A <tr> as a table_row block. A spanning cell is padded with empty cells so columns
    align; the text shows the non-empty cells joined by " | "."""
    cells: list[str] = []
    for cell in tr.find_all(["td", "th"], recursive=False) or tr.find_all(["td", "th"]):
        span = str(cell.get("colspan") or "1")
        cells += [_squash(cell.get_text(" "))] + [""] * (min(int(span), 20) - 1 if span.isdigit() else 0)
    return row_block(cells)


def row_block(cells: list[str]) -> Block | None:
    """The table_row block for a row's cells, or None for an empty row."""
    if not any(cells):
        return None
    return Block("table_row", " | ".join(c for c in cells if c), 0, tuple(cells))


class _Walker:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.buffer: list[str] = []

    def flush(self) -> None:
        text = _squash("".join(self.buffer))
        if text:
            self.blocks.append(Block("para", text, 0))
        self.buffer = []

    def walk(self, node: Tag, list_depth: int = 0) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                self.buffer.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name in _HEADINGS:
                self.flush()
                text = _squash(child.get_text())
                if text:
                    self.blocks.append(Block("heading", text, int(name[1])))
            elif name == "li":
                self.flush()
                self._list_item(child, list_depth + 1)
            elif name == "tr":
                self.flush()
                row = table_row(child)
                if row:
                    self.blocks.append(row)
            elif name in _PARAGRAPHS:
                self.flush()
                if child.find(list(_HEADINGS) + ["li", "p", "table"]):
                    self.walk(child, list_depth)  # malformed nesting: walk instead of flattening
                else:
                    text = _squash(child.get_text())
                    if text:
                        self.blocks.append(Block("para", text, 0))
            elif name == "br":
                self.flush()
            elif name in ("ul", "ol"):
                self.flush()
                self.walk(child, list_depth)
            elif name in _CONTAINERS and child.find(
                list(_HEADINGS) + list(_PARAGRAPHS) + ["li", "tr", "div", "br"]
            ):
                self.flush()
                self.walk(child, list_depth)
                self.flush()
            else:
                self.buffer.append(child.get_text())

    def _list_item(self, item: Tag, depth: int) -> None:
        nested = item.find_all(["ul", "ol"], recursive=False)
        for sub in nested:
            sub.extract()
        text = _squash(item.get_text())
        if text:
            self.blocks.append(Block("item", text, depth))
        for sub in nested:
            self.walk(sub, depth)


_MAX_DEPTH = 400  # real pages nest a few dozen levels; the walker recurses per level


def _too_deep(soup: BeautifulSoup) -> bool:
    stack: list[tuple[Tag, int]] = [(soup, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > _MAX_DEPTH:
            return True
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tag))
    return False


def parse(text: str, path: str) -> Page:
    with warnings.catch_warnings():  # XHTML starts with <?xml; it is read as the HTML it is
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(normalize(text), "lxml")
    if _too_deep(soup):  # pipeline.read reports this as "markup nested too deeply to read"
        raise RecursionError(f"markup nested more than {_MAX_DEPTH} levels deep")
    meta = _meta(soup)
    for br in soup.find_all("br"):
        br.replace_with("\n")  # a line break separates words
    _strip_chrome(soup)
    walker = _Walker()
    walker.walk(_content_root(soup))
    walker.flush()
    return Page(path=path, format="html", blocks=walker.blocks, meta=meta)
