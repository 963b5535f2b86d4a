"""The per-document stages and table assembly, without Prefect."""

from drugdata import pipeline
from drugdata.assemble import build_tables

GOOD = "Baclofen guide\n\nSide effects\n\nCommon side effects of baclofen include drowsiness and dizziness.\n"


def _build(tmp_path, files):
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    states = [pipeline.run_document(tmp_path, p) for p in pipeline.discover(tmp_path)]
    return build_tables(states)


def test_every_file_is_accounted_for_with_a_reason(tmp_path):
    frames = _build(tmp_path, {
        "a/good.txt": GOOD,
        "a/copy.txt": GOOD,
        "b/report.html": b"%PDF-1.4 not really html",
        "b/laptop.txt": "The X1 laptop has a great keyboard and a bright screen.",
        "b/empty.md": "",
        "b/chrome.txt": "Baclofen\nBuy baclofen online cheap at SHOP\nScroll to top\n",
        "b/good.txt.meta.json": '{"url": "https://x.example"}',
    })
    sources = frames["sources"].set_index("path")
    assert set(sources.index) == {"a/good.txt", "a/copy.txt", "b/report.html", "b/laptop.txt",
                                  "b/empty.md", "b/chrome.txt"}
    assert sources.loc["a/copy.txt", "status"] == "ok"
    assert sources.loc["a/good.txt", "status"] == "duplicate"
    assert sources.loc["a/good.txt", "reason"] == "duplicate of a/copy.txt"
    assert sources.loc["b/report.html", "reason"] == "binary content (PDF)"
    assert sources.loc["b/laptop.txt", "reason"] == "no drug identified"
    assert sources.loc["b/empty.md", "reason"] == "empty file"
    assert sources.loc["b/chrome.txt", "status"] == "quarantined"
    quarantined = set(frames["quarantine"]["path"])
    assert quarantined == {"b/report.html", "b/laptop.txt", "b/empty.md", "b/chrome.txt"}
    assert list(frames["documents"]["doc_id"]) == [sources.loc["a/copy.txt", "doc_id"]]


def test_symlinks_are_not_followed(tmp_path):
    (tmp_path / "outside.txt").write_text(GOOD)
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "link.txt").symlink_to(tmp_path / "outside.txt")
    state = pipeline.run_document(tmp_path / "raw", "link.txt")
    assert state.source["reason"] == "symbolic link not followed"


def test_metadata_precedence_manifest_over_sidecar_over_page(tmp_path):
    page = "---\ntitle: T\npublisher: FrontMatter\nurl: https://fm.example\n---\n# Baclofen\n\nBaclofen is used to treat spasticity.\n"
    (tmp_path / "p.md").write_text(page)
    (tmp_path / "p.md.meta.json").write_text('{"publisher": "Sidecar", "retrieved_at": "2026-05-01"}')
    state = pipeline.run_document(tmp_path, "p.md", {"p.md": {"publisher": "Manifest"}})
    assert state.source["publisher"] == "Manifest"
    assert state.source["retrieved_at"] == "2026-05-01"
    assert state.source["url"] == "https://fm.example"


def test_fact_ids_are_stable(tmp_path):
    (tmp_path / "p.txt").write_text(GOOD)
    first = pipeline.run_document(tmp_path, "p.txt").facts
    second = pipeline.run_document(tmp_path, "p.txt").facts
    assert first == second and first["adverse_effects"]


def test_a_stage_that_breaks_quarantines_the_page_not_the_run(tmp_path, monkeypatch):
    import drugdata.pipeline as module

    def broken(document, drug):
        raise RuntimeError("boom")

    monkeypatch.setitem(module.EXTRACTORS, "dosing", broken)
    (tmp_path / "p.txt").write_text(GOOD)
    state = pipeline.run_document(tmp_path, "p.txt")
    assert state.source["status"] == "quarantined"
    assert state.source["reason"] == "internal error in extract: RuntimeError: boom"
    assert state.facts == {}


def test_unreadable_file_is_quarantined(tmp_path):
    (tmp_path / "p.txt").write_text(GOOD)
    (tmp_path / "p.txt").chmod(0)
    state = pipeline.run_document(tmp_path, "p.txt")
    (tmp_path / "p.txt").chmod(0o644)
    import os
    if os.geteuid() == 0:  # root reads anything: nothing to check
        assert state.ok
    else:
        assert state.source["reason"].startswith("cannot read file")
