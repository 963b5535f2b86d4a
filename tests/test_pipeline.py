"""The per-document stages and table assembly, without Prefect."""

from drugdata import pipeline
from drugdata.assemble import build_tables

GOOD = "Baclofen guide\n\nSide effects\n\nCommon side effects of baclofen include drowsiness and dizziness.\n"


def _build(tmp_path, files):
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return build_tables(pipeline.run_folder(tmp_path))


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
                                  "b/empty.md", "b/chrome.txt", "b/good.txt.meta.json"}
    assert sources.loc["b/good.txt.meta.json", "status"] == "metadata"
    assert sources.loc["a/copy.txt", "status"] == "ok"
    assert sources.loc["a/good.txt", "status"] == "duplicate"
    assert sources.loc["a/good.txt", "reason"] == "duplicate of a/copy.txt"
    assert sources.loc["b/report.html", "reason"] == "binary content (PDF)"
    assert sources.loc["b/laptop.txt", "reason"] == "no drug identified"
    assert sources.loc["b/empty.md", "reason"] == "empty file"
    assert sources.loc["b/chrome.txt", "reason"] in ("no drug identified", "empty after cleaning")
    quarantined = set(frames["quarantine"]["path"])
    assert quarantined == {"b/report.html", "b/laptop.txt", "b/empty.md", "b/chrome.txt"}
    assert list(frames["documents"]["doc_id"]) == [sources.loc["a/copy.txt", "doc_id"]]


def test_symlinks_are_not_followed(tmp_path):
    (tmp_path / "outside.txt").write_text(GOOD)
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "link.txt").symlink_to(tmp_path / "outside.txt")
    state = pipeline.run_document(tmp_path / "raw", "link.txt")
    assert state.source["reason"] == "symbolic link not followed"


def test_discovery_lists_every_file_but_what_hidden_folders_hold(tmp_path):
    import os

    raw = tmp_path / "raw"
    for name in ("a.txt", "b/c.md", "b/d/e.html", "b/c.md.meta.json", ".hidden.txt", "manifest.csv",
                 ".git/config", "b/.cache/f.txt"):
        (raw / name).parent.mkdir(parents=True, exist_ok=True)
        (raw / name).write_text(GOOD)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "g.txt").write_text(GOOD)
    (raw / "linked").symlink_to(tmp_path / "elsewhere")  # a folder link: listed, not followed
    (raw / "broken.txt").symlink_to(tmp_path / "missing.txt")
    os.mkfifo(raw / "pipe")  # neither a file nor a link: not a page
    assert pipeline.discover(raw) == ["a.txt", "b/c.md", "b/d/e.html", "broken.txt", "linked"]
    assert pipeline.discover_other(raw) == [".hidden.txt", "b/c.md.meta.json", "manifest.csv"]


def test_metadata_precedence_manifest_over_sidecar_over_page(tmp_path):
    page = "---\ntitle: T\npublisher: FrontMatter\nurl: https://fm.example\n---\n# Baclofen\n\nBaclofen is used to treat spasticity.\n"
    (tmp_path / "p.md").write_text(page)
    (tmp_path / "p.md.meta.json").write_text('{"publisher": "Sidecar", "retrieved_at": "2026-05-01"}')
    state = pipeline.run_document(tmp_path, "p.md", {"p.md": {"publisher": "Manifest"}})
    assert state.source["publisher"] == "Manifest"
    assert state.source["retrieved_at"] == "2026-05-01"
    assert state.source["url"] == "https://fm.example"




def test_a_broken_extractor_costs_its_table_only(tmp_path, monkeypatch):
    import drugdata.pipeline as module

    def broken(document, drug, names):
        raise RuntimeError("boom")

    monkeypatch.setitem(module.EXTRACTORS, "dosing", broken)
    (tmp_path / "p.txt").write_text(GOOD)
    state = pipeline.run_document(tmp_path, "p.txt")
    assert state.ok and state.facts["dosing"] == [] and state.facts["adverse_effects"]
    assert state.errors[0]["table"] == "dosing"
    assert state.errors[0]["reason"] == "internal error in extract: RuntimeError: boom"
    assert build_tables([state])["quarantine"]["table"].tolist() == ["dosing"]


def test_a_broken_stage_quarantines_the_page_not_the_run(tmp_path, monkeypatch):
    import drugdata.pipeline as module

    def broken(lines, length):
        raise ValueError("bad heading")

    monkeypatch.setattr(module, "find_sections", broken)
    (tmp_path / "p.txt").write_text(GOOD)
    state = pipeline.run_document(tmp_path, "p.txt")
    assert state.source["reason"] == "internal error in sectionize: ValueError: bad heading"


def test_unreadable_file_is_quarantined(tmp_path, monkeypatch):
    from pathlib import Path

    (tmp_path / "p.txt").write_text(GOOD)

    def denied(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", denied)
    state = pipeline.read(tmp_path, "p.txt")
    assert state.source["reason"] == "cannot read file: Permission denied"


def test_nasty_files_are_quarantined_not_fatal(tmp_path):
    import os

    deep = "<html><body>" + "<div><p>x</p>" * 3000 + "baclofen " * 5 + "</body></html>"
    files = {"deep.html": deep, "bomb.md": "---\na: " + "[" * 5000 + "\n---\n# Baclofen\n",
             "heading-only.md": "# Baclofen\n", "unicode.txt": "\u202e\u0000" * 3}
    for name, content in files.items():
        (tmp_path / name).write_text(content)
    os.makedirs(tmp_path / "odd", exist_ok=True)
    (tmp_path / "odd").joinpath(os.fsdecode(b"bad\xff.txt")).write_text(GOOD)
    (tmp_path / "manifest.csv").write_text('path,url\n"unterminated' + "x" * 200_000 + "\n")
    frames = _build(tmp_path, {})
    sources = frames["sources"].set_index("path")
    assert len(sources) == 6 and set(sources["status"]) <= {"ok", "quarantined", "metadata"}
    assert sources.loc["manifest.csv", "status"] == "metadata"  # unreadable as a manifest, listed all the same
    assert sources.loc["odd/bad\\xff.txt", "reason"] == "file name is not valid UTF-8"
    assert sources.loc["deep.html", "status"] in ("ok", "quarantined")
    assert all(isinstance(r, str) for r in sources.loc[sources["status"] == "quarantined", "reason"])


def test_fact_ids_are_stable_across_processes(tmp_path):
    import json
    import subprocess
    import sys

    (tmp_path / "p.txt").write_text(GOOD)
    script = ("import json,sys; from pathlib import Path; from drugdata import pipeline; "
              "s = pipeline.run_document(Path(sys.argv[1]), 'p.txt'); "
              "print(json.dumps(sorted(r['fact_id'] for rows in s.facts.values() for r in rows)))")
    runs = [json.loads(subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True,
                                      text=True, check=True, env={"PYTHONHASHSEED": str(seed)}).stdout)
            for seed in (1, 2)]
    assert runs[0] == runs[1] and runs[0]
