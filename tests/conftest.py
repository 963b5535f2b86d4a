"""Shared fixtures: inline documents run through the real stages, the shared data folder,
and one session-wide Prefect test harness for the end-to-end tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from drugdata.cli import prefect_environment

prefect_environment("WARNING")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

def _document(text: str, name: str = "page.txt"):
    """Run an inline page through read -> clean -> sections (what extractors see)."""
    import tempfile

    from drugdata import pipeline

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / name).write_text(text, encoding="utf-8")
        state = pipeline.sectionize(pipeline.clean(pipeline.read(root, name)))
    assert state.ok, state.source["reason"]
    return state

@pytest.fixture
def doc_state():
    return _document

@pytest.fixture
def document():
    return lambda text, name="page.txt": _document(text, name).document

@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: shared data tests skipped")
    return SHARED

@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect API for every test that runs a real flow."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield

@pytest.fixture
def repo() -> Path:
    return REPO


E2E_PAGES = ["mednook/baclofen.txt", "pillpedia/baclofen.md", "carepulse/baclofen.txt", "healthloom/metformin.html",
             "rxbriefs/tizanidine.txt", "nursenotes/levothyroxine.txt"]


@pytest.fixture(scope="session")
def built(tmp_path_factory, prefect_harness):
    """One real build by the Prefect flow, shared by the tests that read a release: six pages
    (three about baclofen that disagree on the maximum dose) and a binary file."""
    import shutil

    from flows.build import build

    raw = tmp_path_factory.mktemp("raw")
    for page in E2E_PAGES:
        (raw / page).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "raw" / page, raw / page)
        sidecar = REPO / "raw" / f"{page}.meta.json"
        if sidecar.exists():
            shutil.copy(sidecar, raw / f"{page}.meta.json")
    shutil.copy(REPO / "raw" / "manifest.csv", raw / "manifest.csv")
    (raw / "broken.html").write_bytes(b"%PDF-1.5\x00\x01binary")
    out = tmp_path_factory.mktemp("out")
    result = build(raw_dir=str(raw), out_dir=str(out), batch_size=2)
    return raw, out, result

