"""Releases: the manifest, the changelog against the previous release, listing, rollback and
retention. Builds run the library stages without Prefect (as test_faults does); the artifact
test reads the session's real flow build."""

import json
import os
from pathlib import Path

import pytest

from drugdata.cli import main
from drugdata.publish import current_release, file_checksums
from drugdata.releases import ReleaseError, check_release, list_releases, rollback

BACLOFEN = "Baclofen guide\n\nSide effects\n\nCommon side effects of baclofen include drowsiness and nausea.\n"
BACLOFEN_EDITED = BACLOFEN + "\nBaclofen may also cause dizziness and headache in some patients.\n"
METFORMIN = "Metformin guide\n\nSide effects\n\nCommon side effects of metformin include diarrhea and nausea.\n"


def _quick(out: Path, keep: int | None = None) -> dict:
    """A release of one quarantined source: enough for listing, rollback and retention."""
    from drugdata.contracts import TABLES
    from drugdata.publish import publish
    from drugdata.validate import validate_rows

    frames = {table: validate_rows(table, [])[0] for table in TABLES}
    frames["sources"] = validate_rows("sources", [{
        "doc_id": "0" * 16, "path": "p.txt", "format": "text", "publisher": None, "url": None, "retrieved_at": None,
        "sha256": "a" * 64, "drug_id": None, "status": "quarantined", "reason": "empty file", "n_chars_clean": None,
        "title": None, "n_bytes": 0}])[0]
    return publish(frames, out, keep=keep)


def _build(raw: Path, out: Path, keep: int | None = None) -> dict:
    from drugdata import pipeline
    from drugdata.assemble import build_tables
    from drugdata.consolidate import consolidate
    from drugdata.publish import publish

    states = [pipeline.run_document(raw, p) for p in pipeline.discover(raw)]
    return publish(consolidate(build_tables(states)), out, keep=keep)


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory):
    """Baclofen alone, then baclofen edited (two more effects) and metformin added."""
    raw, out = tmp_path_factory.mktemp("raw"), tmp_path_factory.mktemp("out")
    (raw / "baclofen.txt").write_text(BACLOFEN)
    first = _build(raw, out)
    (raw / "baclofen.txt").write_text(BACLOFEN_EDITED)
    (raw / "metformin.txt").write_text(METFORMIN)
    second = _build(raw, out)
    return out, first, second


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_manifest_lists_sources_checksums_and_counts(two_releases):
    out, _, second = two_releases
    release = out / "releases" / second["build_id"]
    manifest = _json(release / "manifest.json")
    for key in ("build_id", "created_at", "schema_version", "pipeline_version", "row_counts", "run_seconds",
                "previous_release", "changes", "source_documents", "files"):
        assert key in manifest, key
    assert manifest["files"] == file_checksums(release)
    assert {"drugdata.duckdb", "parquet/sources.parquet", "changelog.json", "CHANGELOG.md"} <= set(manifest["files"])
    [doc] = [d for d in manifest["source_documents"] if d["path"] == "metformin.txt"]
    assert doc["status"] == "ok" and len(doc["sha256"]) == 64


def test_changelog_matches_rows_by_key_and_counts_per_drug(two_releases):
    out, first, second = two_releases
    first_log = _json(out / "releases" / first["build_id"] / "changelog.json")
    assert first_log["previous_release"] is None and first_log["tables"]["drugs"]["added"] == 1
    log = _json(out / "releases" / second["build_id"] / "changelog.json")
    assert log["previous_release"] == first["build_id"] == second["previous_release"]
    assert log["tables"]["drugs"] == {"added": 1, "removed": 0, "changed": 0}  # metformin
    assert log["tables"]["sources"] == {"added": 1, "removed": 0, "changed": 1}  # keyed by path
    assert log["tables"]["documents"] == {"added": 2, "removed": 1, "changed": 0}  # keyed by content hash
    assert log["drugs"]["metformin"]["adverse_effects"]["added"] == 2
    baclofen = log["drugs"]["baclofen"]["drug_adverse_effects"]  # drug x effect: readable keys
    assert baclofen["added"] == 2 and baclofen["changed"] == 2  # dizziness, headache; new evidence for the rest
    assert log["tables"] == second["changes"]
    markdown = (out / "releases" / second["build_id"] / "CHANGELOG.md").read_text()
    assert f"Changes since `{first['build_id']}`" in markdown and "| metformin |" in markdown


def test_changelog_json_is_written_a_drug_at_a_time_and_reads_back_whole(tmp_path):
    import pyarrow as pa

    from drugdata.changelog import Changelog, write_changelog

    summary = {"previous_release": None, "tables": {"drugs": {"added": 2, "removed": 0, "changed": 0}}}
    rows = [{"drug_id": "a\"b", "table": "drugs", "added": 1, "removed": 0, "changed": 0},
            {"drug_id": "a\"b", "table": "adverse_effects", "added": 3, "removed": 1, "changed": 0},
            {"drug_id": "zolpidem", "table": "drugs", "added": 1, "removed": 0, "changed": 0}]
    schema = pa.schema([("drug_id", pa.string()), ("table", pa.string()),
                        ("added", pa.int64()), ("removed", pa.int64()), ("changed", pa.int64())])
    for drugs, expected in ((rows, {"a\"b": {"drugs": {"added": 1, "removed": 0, "changed": 0},
                                             "adverse_effects": {"added": 3, "removed": 1, "changed": 0}},
                                     "zolpidem": {"drugs": {"added": 1, "removed": 0, "changed": 0}}}),
                            ([], {})):
        path = tmp_path / "changelog.json"
        write_changelog(Changelog(summary, pa.Table.from_pylist(drugs, schema=schema)), path)
        assert _json(path) == {**summary, "drugs": expected}
        assert list(_json(path)["drugs"]) == list(expected)  # drugs in order, tables in order


def test_releases_rollback_and_refusals(tmp_path, capsys):
    out = tmp_path / "out"
    ids = [_quick(out)["build_id"] for _ in range(3)]
    assert main(["releases", "--out", str(out)]) == 0
    listed = capsys.readouterr().out
    assert f"* {ids[2]}" in listed and all(i in listed for i in ids)
    assert main(["rollback", "--out", str(out)]) == 0  # no id: the one before the current
    assert current_release(out) == ids[1] and (out / "drugdata.duckdb").resolve().parent.name == ids[1]
    assert rollback(out) == (ids[1], ids[0])
    with pytest.raises(ReleaseError, match="no release before"):
        rollback(out)
    assert main(["rollback", ids[2], "--out", str(out)]) == 0 and current_release(out) == ids[2]
    for bad in ("../../etc", "nope"):
        assert main(["rollback", bad, "--out", str(out)]) == 1
    assert "not a release id" in capsys.readouterr().err
    (out / "releases" / ids[0] / "CHANGELOG.md").write_text("tampered")
    with pytest.raises(ReleaseError, match="differ from their manifest checksum"):
        check_release(out, ids[0])
    (out / "releases" / ids[1] / "drugdata.duckdb").unlink()
    with pytest.raises(ReleaseError, match="missing"):
        rollback(out, ids[1])
    assert [r.complete for r in list_releases(out)] == [True, False, True] and current_release(out) == ids[2]
    assert [r.release_id for r in list_releases(out)] == ids  # in build order, also within one second


def test_retention_is_configurable_and_keeps_the_rollback_target(tmp_path, monkeypatch):
    out = tmp_path / "out"
    monkeypatch.setenv("DRUGDATA_KEEP_RELEASES", "2")
    ids = [_quick(out)["build_id"] for _ in range(3)]
    assert sorted(os.listdir(out / "releases")) == sorted(ids[1:])
    rollback(out, ids[1])
    newest = _quick(out)["build_id"]  # compares with ids[1], so keeps it past the limit
    assert sorted(os.listdir(out / "releases")) == sorted([*ids[1:], newest])
    assert _quick(out, keep=1)["build_id"] in os.listdir(out / "releases")
    assert len(os.listdir(out / "releases")) == 2  # the new current and the one it compares with


def test_the_build_run_leaves_a_markdown_artifact(built):
    from prefect.artifacts import Artifact

    artifact = Artifact.get("drugdata-build")
    assert artifact is not None
    markdown = str(artifact.data)
    assert "# drugdata build" in markdown and "documents read" in markdown and "| drugs |" in markdown
    assert "| table | rows | added | removed | changed |" in markdown
