"""The static report: pages written from a release, safe text, and a look in headless Chromium."""

import functools
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import duckdb
import pytest

from drugdata.report import _pieces, _safe_url, write_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def site(built, tmp_path_factory):
    _, out, _ = built
    dest = tmp_path_factory.mktemp("report") / "report"
    with duckdb.connect(str(out / "drugdata.duckdb"), read_only=True) as con:
        pages = write_report(con, dest)
        n_docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    return dest, pages, n_docs


def test_pages_for_every_drug_and_document(site):
    dest, pages, n_docs = site
    assert (dest / "index.html").is_file() and (dest / "quality.html").is_file() and (dest / "style.css").is_file()
    assert {p.name for p in (dest / "drugs").iterdir()} >= {"baclofen.html", "metformin.html"}
    assert len(list((dest / "documents").iterdir())) == n_docs
    assert all(page.is_file() for page in pages)


def test_page_text_is_escaped_and_links_are_web_only():
    assert _safe_url("javascript:alert(1)") is None and _safe_url("file:///etc/passwd") is None
    assert _safe_url("https://example.org/a") == "https://example.org/a"
    lines = _pieces("<b>x</b> rash\nnext", [(9, 13, "f1")])
    assert [piece.text for piece in lines[0]] == ["<b>x</b> ", "rash"] and lines[0][1].mark
    assert lines[0][1].anchors == ["f1"] and [p.text for p in lines[1]] == ["next"]


def test_overlapping_mentions_keep_their_anchors():
    lines = _pieces("severe skin rash", [(0, 16, "a"), (7, 16, "b")])
    assert [(p.text, p.mark, p.anchors) for p in lines[0]] == [("severe ", True, ["a"]), ("skin rash", True, ["b"])]


def test_rerendering_replaces_the_site(site, built):
    dest, _, _ = site
    (dest / "drugs" / "stale.html").write_text("old")
    with duckdb.connect(str(built[1] / "drugdata.duckdb"), read_only=True) as con:
        write_report(con, dest)
    assert not (dest / "drugs" / "stale.html").exists()


@pytest.fixture(scope="module")
def served(site):
    dest, _, _ = site
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(dest))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs it)")
def test_report_renders_in_chromium_without_console_errors(served, tmp_path):
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
        page.goto(f"{served}/index.html")
        page.click("text=baclofen")
        assert page.url.endswith("/drugs/baclofen.html")
        effects = page.locator("tr.effect").all_inner_texts()
        assert any("drowsiness" in row for row in effects) and len(effects) >= 15
        assert page.locator("#conflicts + table").inner_text().count("mg/day") == 2
        page.screenshot(path=str(tmp_path / "baclofen.png"), full_page=True)
        page.locator("#adverse-effects + table a:text('source')").first.click()
        anchor = "f-" + page.url.split("#f-")[1]
        assert "/documents/" in page.url and page.locator(f"[id='{anchor}']").count() == 1
        page.goto(f"{served}/quality.html")
        assert page.locator("svg.chart").count() >= 2
        browser.close()
    assert problems == []
    assert (tmp_path / "baclofen.png").stat().st_size > 10_000
