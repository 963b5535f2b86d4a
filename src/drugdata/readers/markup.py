"""Markup left in text and markdown pages ("<script>", "<b>drowsiness</b>") is reduced to its
text, so no column of the dataset carries tags or scripts from a page."""

from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

__all__ = ["strip_markup"]

_TAG = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>|<!--.*?-->", re.DOTALL)
_UNSAFE = ["script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math"]


def strip_markup(text: str) -> str:
    """The text without tags; the content of scripts, styles and embeds is dropped whole."""
    if not _TAG.search(text):
        return text
    with warnings.catch_warnings():  # markup in a text block is treated as HTML, whatever it claims
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(text, "html.parser")
    for element in soup(_UNSAFE):
        element.decompose()
    return re.sub(r"\s+", " ", soup.get_text("")).strip()
