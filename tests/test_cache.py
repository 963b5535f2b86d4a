"""The document cache: unchanged pages are not read again, changed ones are, corrupt entries
are detected and rebuilt, and a rerun publishes the same bytes."""

import gzip

import pytest

from drugdata import pipeline
from drugdata.cache import DocumentCache, pipeline_fingerprint

PAGE = "Baclofen guide\n\nSide effects\n\nCommon side effects of baclofen include drowsiness and nausea.\n"


def _run(raw, cache, manifest=None):
    """What the flow does per page: restore, else run every stage and store."""
    manifest = manifest or {}
    states = []
    for path in pipeline.discover(raw):
        state = cache.restore(raw, path, manifest)
        if state is None:
            state = pipeline.run_document(raw, path, manifest)
            cache.store(raw, path, manifest, state)
        states.append(state)
    return states


@pytest.fixture
def raw(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "baclofen.txt").write_text(PAGE)
    (folder / "laptop.txt").write_text("A laptop review: bright screen, good keyboard.\n")
    return folder


def test_a_rerun_restores_what_the_stages_made(raw, tmp_path):
    first = _run(raw, DocumentCache(tmp_path / "out"))
    cache = DocumentCache(tmp_path / "out")
    second = _run(raw, cache)
    assert cache.stats.hits == 2 and cache.stats.misses == 0
    assert all(state.cached for state in second)
    for a, b in zip(first, second, strict=True):
        assert a.source == b.source and a.facts == b.facts and a.drug_name == b.drug_name
    ok = second[0]
    assert ok.document.clean_text == first[0].document.clean_text
    assert ok.document.sections == first[0].document.sections and ok.facts["adverse_effects"]
    assert second[1].source["reason"] == "no drug identified"  # quarantined pages are cached too


def test_changed_content_or_metadata_is_read_again(raw, tmp_path):
    _run(raw, DocumentCache(tmp_path / "out"))
    (raw / "baclofen.txt").write_text(PAGE.replace("nausea", "headache"))
    (raw / "laptop.txt.meta.json").write_text('{"url": "https://example.org/laptop"}')
    cache = DocumentCache(tmp_path / "out")
    states = _run(raw, cache)
    assert cache.stats.hits == 0 and cache.stats.misses == 2
    assert "headache" in {row["effect_name"] for row in states[0].facts["adverse_effects"]}


@pytest.mark.parametrize("damage", [
    lambda data: data[: len(data) // 2],                                    # truncated
    lambda data: b"not gzip at all",
    lambda data: gzip.compress(gzip.decompress(data).replace(b".txt", b".TXT")),  # edited: checksum fails
])
def test_a_corrupt_entry_is_detected_and_rebuilt(raw, tmp_path, damage):
    first = _run(raw, DocumentCache(tmp_path / "out"))
    entries = sorted((tmp_path / "out" / ".cache").rglob("*.json.gz"))
    assert len(entries) == 2
    for entry in entries:
        entry.write_bytes(damage(entry.read_bytes()))
    cache = DocumentCache(tmp_path / "out")
    states = _run(raw, cache)
    assert cache.stats.corrupt == 2 and cache.stats.hits == 0 and cache.stats.stored == 2
    assert [s.facts for s in states] == [s.facts for s in first]
    assert DocumentCache(tmp_path / "out").restore(raw, "baclofen.txt", {}) is not None  # rebuilt entry


def test_full_ignores_the_cache_and_other_pipelines_are_pruned(raw, tmp_path):
    _run(raw, DocumentCache(tmp_path / "out"))
    stale = tmp_path / "out" / ".cache" / "0.0.1-0123456789abcdef"
    stale.mkdir()
    cache = DocumentCache(tmp_path / "out", enabled=False)
    assert all(not state.cached for state in _run(raw, cache)) and cache.stats.hits == 0
    cache.prune_other_versions()
    assert not stale.exists() and (tmp_path / "out" / ".cache" / pipeline_fingerprint()).is_dir()


def test_the_flow_rerun_reuses_every_page_and_publishes_the_same_bytes(built):
    from flows.build import build

    raw, out, _ = built
    before = (out / "parquet" / "adverse_effects.parquet").resolve().read_bytes()
    warm = build(raw_dir=str(raw), out_dir=str(out))
    assert warm["cache"]["reused"] == warm["documents_read"] + warm["documents_quarantined"]
    assert warm["cache"]["read"] == 0 and warm["cache"]["rows_from_previous_release"] == warm["documents_read"]
    assert warm["unchanged"] and warm["build_id"] == (out / "current").resolve().name  # nothing to publish
    assert (out / "parquet" / "adverse_effects.parquet").resolve().read_bytes() == before


def test_a_rerun_copies_unchanged_rows_from_the_release_and_equals_a_full_build(prefect_harness, tmp_path, repo):
    """Unchanged pages cost a hash: their rows come from the previous release (same pipeline);
    a changed page goes through the stages. The result is what a --full build publishes."""
    from flows.build import build

    raw = tmp_path / "raw"
    for page in ("mednook/baclofen.txt", "rxbriefs/tizanidine.txt", "healthloom/metformin.html"):
        (raw / page).parent.mkdir(parents=True, exist_ok=True)
        (raw / page).write_bytes((repo / "raw" / page).read_bytes())
    build(raw_dir=str(raw), out_dir=str(tmp_path / "out"))
    changed = raw / "rxbriefs" / "tizanidine.txt"
    changed.write_text(changed.read_text() + "\nTizanidine can cause dry mouth in some people.\n")
    warm = build(raw_dir=str(raw), out_dir=str(tmp_path / "out"))
    assert warm["cache"]["rows_from_previous_release"] == 2 and warm["cache"]["read"] == 1
    assert not warm.get("unchanged")
    full = build(raw_dir=str(raw), out_dir=str(tmp_path / "full"), full=True)
    assert warm["row_counts"] == full["row_counts"]
    for table in ("documents", "adverse_effects", "indications", "interactions", "dosing", "quarantine", "drugs"):
        assert ((tmp_path / "out" / "parquet" / f"{table}.parquet").resolve().read_bytes()
                == (tmp_path / "full" / "parquet" / f"{table}.parquet").resolve().read_bytes()), table
