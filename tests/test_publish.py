"""Publishing: files, determinism, and the previous release surviving a failed build."""

import os

import duckdb
import pyarrow.parquet as pq
import pytest

from drugdata import publish as publish_module
from drugdata.contracts import SCHEMA_VERSION, TABLES
from drugdata.publish import publish
from drugdata.validate import validate_rows


def _frames(n_sources=1):
    frames = {table: validate_rows(table, [])[0] for table in TABLES}
    sources = [{"doc_id": f"{i:016x}", "path": f"p{i}.txt", "format": "text", "publisher": None, "url": None,
                "retrieved_at": None, "sha256": "a" * 64, "drug_id": None, "status": "quarantined",
                "reason": "empty file", "n_chars_clean": None, "title": None, "n_bytes": 0}
               for i in range(n_sources)]
    frames["sources"] = validate_rows("sources", sources)[0]
    return frames


def test_publish_writes_parquet_and_duckdb(tmp_path):
    result = publish(_frames(2), tmp_path)
    assert result["row_counts"]["sources"] == 2
    for table in TABLES:
        parquet = pq.read_table(tmp_path / "parquet" / f"{table}.parquet")
        assert parquet.schema.metadata[b"schema_version"] == SCHEMA_VERSION.encode()
    con = duckdb.connect(str(tmp_path / "drugdata.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM sources").fetchone() == (2,)
    assert con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'sources'").fetchone()[0]


def test_parquet_is_byte_identical_across_runs(tmp_path):
    first = publish(_frames(3), tmp_path / "a")
    second = publish(_frames(3), tmp_path / "b")
    for table in TABLES:
        a = (tmp_path / "a" / "parquet" / f"{table}.parquet").read_bytes()
        b = (tmp_path / "b" / "parquet" / f"{table}.parquet").read_bytes()
        assert a == b, table
    assert first["build_id"] != second["build_id"]


def _current_rows(out):
    con = duckdb.connect(str(out / "drugdata.duckdb"), read_only=True)
    rows = con.execute("SELECT count(*) FROM sources").fetchone()[0]
    build_id = dict(con.execute("SELECT key, value FROM build_info").fetchall())["build_id"]
    con.close()
    assert (out / "current").resolve().name == build_id  # DuckDB and Parquet: one release
    assert pq.read_table(out / "parquet" / "sources.parquet").num_rows == rows
    return rows


@pytest.mark.parametrize("target, calls_before_failure", [("_write_duckdb", 0), ("_write_table", 3)])
def test_disk_full_leaves_the_current_release_and_no_partial_one(tmp_path, monkeypatch, target, calls_before_failure):
    publish(_frames(1), tmp_path)
    module = publish_module
    original, calls = getattr(module, target), []

    def disk_full(*args, **kwargs):
        calls.append(1)
        if len(calls) > calls_before_failure:
            raise OSError(28, "No space left on device")
        return original(*args, **kwargs)

    monkeypatch.setattr(module, target, disk_full)
    with pytest.raises(publish_module.PublishError, match="current one is unchanged: .*No space left"):
        publish(_frames(5), tmp_path)
    assert _current_rows(tmp_path) == 1
    assert not list(tmp_path.glob(".staging-*")) and len(list((tmp_path / "releases").iterdir())) == 1


def test_duckdb_and_parquet_switch_together_and_old_layouts_migrate(tmp_path):
    (tmp_path / "drugdata.duckdb").write_bytes(b"an old real file")  # the pre-`current` layout
    publish(_frames(2), tmp_path)
    assert os.readlink(tmp_path / "drugdata.duckdb") == "current/drugdata.duckdb"
    assert os.readlink(tmp_path / "parquet") == "current/parquet"
    assert _current_rows(tmp_path) == 2
    publish(_frames(3), tmp_path)
    assert _current_rows(tmp_path) == 3


def test_old_releases_are_pruned(tmp_path):
    for _ in range(publish_module.KEEP_RELEASES + 2):
        publish(_frames(1), tmp_path)
    assert len(list((tmp_path / "releases").iterdir())) == publish_module.KEEP_RELEASES
    assert (tmp_path / "parquet").resolve().parent.parent == (tmp_path / "releases").resolve()
