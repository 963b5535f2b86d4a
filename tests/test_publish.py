"""Publishing: files, determinism, and the previous release surviving a failed build."""

import duckdb
import pyarrow.parquet as pq
import pytest

from drugdata import publish as publish_module
from drugdata.contracts import TABLES
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
        assert parquet.schema.metadata[b"schema_version"] == b"1.0.0"
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


def test_failed_publish_leaves_previous_release_readable(tmp_path, monkeypatch):
    publish(_frames(1), tmp_path)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(publish_module, "_write_duckdb", disk_full)
    with pytest.raises(OSError):
        publish(_frames(5), tmp_path)
    con = duckdb.connect(str(tmp_path / "drugdata.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM sources").fetchone() == (1,)
    assert pq.read_table(tmp_path / "parquet" / "sources.parquet").num_rows == 1


def test_old_releases_are_pruned(tmp_path):
    for _ in range(publish_module.KEEP_RELEASES + 2):
        publish(_frames(1), tmp_path)
    assert len(list((tmp_path / "releases").iterdir())) == publish_module.KEEP_RELEASES
    assert (tmp_path / "parquet").resolve().parent.parent == (tmp_path / "releases").resolve()
