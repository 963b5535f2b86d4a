"""Hypothesis strategies for raw files: the shapes crawls produce, mixed with random bytes.
Shared by the property tests and the fuzzing run in `make fuzz`."""

from __future__ import annotations

import json

from hypothesis import strategies as st

WORDS = ["Baclofen", "baclofen", "Side effects", "include", "drowsiness", "nausea", "mg", "5", "10-20", "%",
         "times a day", "maximum", "not", "rare", "used to treat", "spasticity", "alcohol", "avoid", ".", ",",
         ":", "(", ")", "•", "–", "é", "\u202e", "\ufeff", "&amp;", "&#0;", "<", ">", "\\", "\t"]
TAGS = ["html", "body", "div", "p", "li", "ul", "ol", "table", "tr", "td", "th", "h1", "h2", "script", "style",
        "a", "b", "br", "span", "nav", "footer", "iframe", "svg"]

words = st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join)


@st.composite
def html_pages(draw: st.DrawFn) -> bytes:
    """Well- and ill-formed HTML: random nesting, unclosed tags, attributes and entities."""
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 30))):
        tag = draw(st.sampled_from(TAGS))
        attribute = draw(st.sampled_from(["", ' class="nav"', ' onclick="x()"', ' href="javascript:x"', " id=main"]))
        parts.append(draw(st.sampled_from([f"<{tag}{attribute}>", f"</{tag}>", draw(words)])))
    prefix = draw(st.sampled_from(["", "<!DOCTYPE html>", "<?xml version='1.0'?>", "\ufeff"]))
    return (prefix + "".join(parts)).encode(draw(st.sampled_from(["utf-8", "cp1252", "utf-16"])), errors="replace")


@st.composite
def xml_documents(draw: st.DrawFn) -> bytes:
    """XML roots, SPL-like documents and declarations a safe reader must refuse."""
    root = draw(st.sampled_from(["document", "rss", "Label", "html", "x:y"]))
    namespace = draw(st.sampled_from(["", ' xmlns="urn:hl7-org:v3"']))
    doctype = draw(st.sampled_from(["", "<!DOCTYPE r [<!ENTITY e 'x'>]>", '<!DOCTYPE r SYSTEM "file:///etc/passwd">',
                                    '<!DOCTYPE r PUBLIC "-//X//Y" "http://127.0.0.1:9/y.dtd">']))
    body = draw(st.lists(st.sampled_from(["<section><code code='34084-4'/><text>", "</text></section>",
                                          "<title>", "</title>", "&e;", "<table><tr><td>", "</td></tr></table>",
                                          draw(words)]), max_size=20))
    return f"<?xml version='1.0'?>{doctype}<{root}{namespace}>{''.join(body)}</{root}>".encode()


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                           max_leaves=20)


@st.composite
def json_documents(draw: st.DrawFn) -> bytes:
    """JSON of any shape, openFDA-like or not."""
    label = {"openfda": draw(st.dictionaries(st.sampled_from(["generic_name", "brand_name", "rxcui"]),
                                             st.lists(st.text(max_size=15), max_size=2))),
             "adverse_reactions": [draw(words)], "indications_and_usage": draw(json_values)}
    value = draw(st.sampled_from([label, {"meta": {}, "results": [label, draw(json_values)]}, draw(json_values)]))
    return json.dumps(value).encode()


raw_files = st.one_of(st.binary(max_size=400), words.map(str.encode), html_pages(), xml_documents(), json_documents())
