import json
from pathlib import Path

import pytest

from drugdata.readers import UnreadableInput, decode, detect, read_page
from drugdata.readers.metadata import is_sidecar, load_manifest, sidecar_meta
from drugdata.readers.text import join_wrapped

HTML = """<!DOCTYPE html><html><head><title>Baclofen guide</title>
<meta property="og:site_name" content="Test Health"><link rel="canonical" href="https://t.example/baclofen">
<script>var tracking = "drowsiness";</script><style>.x{}</style></head>
<body><nav><a href="/">Home</a> <a href="/drugs">Drugs A-Z</a></nav>
<div class="cookie-banner">We use cookies to improve your experience.</div>
<article><h1>Baclofen</h1><p>Baclofen is used to treat spasticity.
<h2>Side effects</h2><ul><li>Drowsiness<li>Dizziness</ul>
<table><tr><th>Reaction</th><th>Baclofen %</th></tr><tr><td>Nausea</td><td>4-12</td></tr></table>
<div class="author-box">Jane Doe is a pharmacist who writes about medicines.</div>
</article><aside>Buy Lioresal online - SHOP</aside><footer>(c) 2026</footer></body></html>"""

MARKDOWN = """---
title: Baclofen
publisher: PillTest
url: https://pill.example/baclofen
retrieved: 2026-01-02
---
# Baclofen

**Side effects**

* Drowsiness
* Dizziness
  * nested detail

Plain paragraph about baclofen.
"""

TEXT = """Home  Drugs  Shop
Common side effects include
drowsiness,
dizziness, and
fatigue.
What Other Drugs Interact With Baclofen

  • Opioids
  • Alcohol
"""


def test_html_detected_and_chrome_removed():
    page = read_page(HTML.encode(), "a.txt")  # extension says text, content says HTML
    assert page.format == "html"
    texts = [b.text for b in page.blocks]
    assert page.meta["publisher"] == "Test Health"
    assert page.meta["url"] == "https://t.example/baclofen"
    assert ("heading", "Side effects") in [(b.kind, b.text) for b in page.blocks]
    assert [b.text for b in page.blocks if b.kind == "item"] == ["Drowsiness", "Dizziness"]
    assert "Nausea | 4-12" in texts
    joined = " ".join(texts)
    for chrome in ("tracking", "cookies", "Drugs A-Z", "Buy Lioresal", "pharmacist", "(c) 2026"):
        assert chrome not in joined


def test_markdown_front_matter_and_structure():
    page = read_page(MARKDOWN.encode(), "b.txt")
    assert page.format == "markdown"
    assert page.meta == {"title": "Baclofen", "publisher": "PillTest",
                         "url": "https://pill.example/baclofen", "retrieved_at": "2026-01-02"}
    kinds = [(b.kind, b.text, b.level) for b in page.blocks]
    assert ("heading", "Side effects", 4) in kinds  # a bold-only line is a heading
    assert ("item", "nested detail", 2) in kinds
    assert ("para", "Plain paragraph about baclofen.", 0) in kinds


def test_markdown_without_front_matter_detected():
    assert detect("# Title\n\n* one\n* two\n\n**Bold** text", "x.txt").name == "markdown"


def test_text_rejoins_wrapped_lines_and_finds_items():
    page = read_page(TEXT.encode(), "c.md")
    assert page.format == "text"
    blocks = [(b.kind, b.text) for b in page.blocks]
    assert ("para", "Common side effects include drowsiness, dizziness, and fatigue.") in blocks
    assert ("heading", "What Other Drugs Interact With Baclofen") in blocks
    assert ("item", "Opioids") in blocks and ("item", "Alcohol") in blocks


def test_join_wrapped_keeps_headings_apart():
    assert join_wrapped(["Introduction to", "Baclofen:", "Baclofen Mechanism", "The drug works."]) == [
        "Introduction to Baclofen:", "Baclofen Mechanism", "The drug works."]


@pytest.mark.parametrize("data, reason", [
    (b"%PDF-1.7 binary", "binary content (PDF)"),
    (b"\x89PNG\r\n\x1a\n....", "binary content (PNG image)"),
    (b"   \n\t ", "empty file"),
    (b"abc\x00def", "binary content (NUL bytes)"),
])
def test_unreadable_input_has_a_reason(data, reason):
    with pytest.raises(UnreadableInput, match=reason.replace("(", r"\(").replace(")", r"\)")):
        read_page(data, "bad.html")


def test_cp1252_fallback_is_noted():
    text, notes = decode("Baclofen \u2013 caf\u00e9".encode("cp1252"))
    assert text == "Baclofen \u2013 caf\u00e9"
    assert notes == ["not valid UTF-8; decoded as cp1252"]


def test_sidecars_and_manifest(tmp_path):
    page = tmp_path / "p.txt"
    page.write_text("x")
    (tmp_path / "p.txt.meta.json").write_text(json.dumps({"url": "https://u.example", "publisher": "P",
                                                           "retrieved_at": "2026-03-01", "ignored": 1}))
    (tmp_path / "manifest.csv").write_text("# comment\npath,url,publisher,retrieved_at\np.txt,https://m.example,M,2026-04-01\n")
    assert sidecar_meta(page) == {"url": "https://u.example", "publisher": "P", "retrieved_at": "2026-03-01"}
    assert load_manifest(tmp_path) == {"p.txt": {"url": "https://m.example", "publisher": "M",
                                                 "retrieved_at": "2026-04-01"}}
    assert is_sidecar("manifest.csv") and is_sidecar("a/p.txt.meta.json") and not is_sidecar("a/p.txt")


def test_broken_sidecar_is_ignored(tmp_path):
    page = tmp_path / "p.txt"
    page.write_text("x")
    (tmp_path / "p.txt.meta.json").write_text("{not json")
    assert sidecar_meta(page) == {}


def test_html_line_breaks_separate_words():
    page = read_page(b"<html><body><p>Side effects:<br>drowsiness<br/>nausea</p><div>a</div></body></html>", "x.html")
    assert page.blocks[0].text == "Side effects: drowsiness nausea"


def test_spl_xml_fetched_from_dailymed_is_read_by_its_reader():
    spl = (Path(__file__).parent / "fixtures/fetch/dailymed/7d1c6b0e-3f55-4d5c-9d33-2a1f7e9c4b10.xml").read_bytes()
    page = read_page(spl, "label.xml")
    assert page.format == "spl_xml"
    assert ("1 INDICATIONS AND USAGE", "indications") in [(b.text, b.section) for b in page.blocks]
