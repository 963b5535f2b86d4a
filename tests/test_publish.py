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


def test_sorting_in_range_passes_writes_the_same_rows_as_one_sort(tmp_path):
    """Wide rows (documents and their text) are sorted a range of the first key at a time; the
    rows, their order and the filter are those of one sort."""
    import pyarrow as pa

    from drugdata.engine import duckdb_connect, parquet_relation
    from drugdata.publish import sort_passes, write_sorted
    from drugdata.schema_export import arrow_schema

    ids = [f"{i * 7919 % 1000:016x}" for i in range(1000)]
    rows = pa.table({"doc_id": ids, "drug_id": ["x"] * 1000, "clean_text": [t * 500 for t in ids],
                     "sections": [[]] * 1000}).cast(arrow_schema("documents"))
    (tmp_path / "parts").mkdir()
    for part in range(4):
        pq.write_table(rows.slice(part * 250, 250), tmp_path / "parts" / f"part-{part}.parquet")
    parts = sorted((tmp_path / "parts").glob("*.parquet"))
    con = duckdb_connect()
    con.execute("SET memory_limit = '8MB'")  # an eighth of it a pass: these 8 MB of text take eight
    assert sort_passes(con, parts) >= 8 and sort_passes(con, parts, wide_row_bytes=1 << 20) == 1
    con.execute("SET memory_limit = '512MB'")
    relation = parquet_relation(tmp_path / "parts", "*.parquet")
    where = f"doc_id <> '{ids[5]}'"
    write_sorted(con, relation, "documents", tmp_path / "one.parquet", where=where)
    write_sorted(con, relation, "documents", tmp_path / "passes.parquet", where=where, passes=7)
    one, passes = pq.read_table(tmp_path / "one.parquet"), pq.read_table(tmp_path / "passes.parquet")
    assert passes.num_rows == 999 and passes.equals(one)
    assert passes.column("doc_id").to_pylist() == sorted(set(ids) - {ids[5]})


def test_written_bytes_do_not_depend_on_how_the_input_was_cut(tmp_path):
    """A rerun's spool holds the release's rows in one part and fresh pages in others; a full
    build's holds batches. The same rows must give the same file: row groups sized from the
    rows (not the parts' footers) and cut at the same rows whatever the passes."""
    import hashlib

    import pyarrow as pa

    from drugdata.engine import duckdb_connect, parquet_relation
    from drugdata.publish import group_rows, write_sorted
    from drugdata.schema_export import arrow_schema

    n = 3000
    ids = [f"{i * 7919 % n:016x}" for i in range(n)]
    rows = pa.table({"doc_id": ids, "drug_id": [f"d{i % 7}" for i in range(n)],
                     "clean_text": [t * (100 + i % 300) for i, t in enumerate(ids)],
                     "sections": [[]] * n}).cast(arrow_schema("documents"))  # ~10 MB of text
    layouts = {"batches": [rows.slice(i, 100) for i in range(0, n, 100)],
               "release and fresh": [rows.slice(0, 2970), rows.slice(2970)],
               "one part": [rows]}
    con = duckdb_connect(temp_directory=tmp_path / "duckdb-tmp")
    digests, groups = {}, {}
    for passes, (name, parts) in enumerate(layouts.items(), start=1):
        folder = tmp_path / name.replace(" ", "-")
        folder.mkdir()
        for number, part in enumerate(parts):
            pq.write_table(part, folder / f"part-{number:04d}.parquet", row_group_size=37 + 50 * number)
        relation = parquet_relation(folder, "*.parquet")
        per_group = group_rows(con, relation, "documents", budget_bytes=1 << 20)
        written = tmp_path / f"{folder.name}.parquet"
        write_sorted(con, relation, "documents", written, rows_per_batch=per_group, passes=passes)
        digests[name] = hashlib.sha256(written.read_bytes()).hexdigest()
        meta = pq.ParquetFile(written).metadata
        groups[name] = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    con.close()
    assert len(set(digests.values())) == 1, digests
    sizes = groups["one part"]
    assert len(sizes) >= 8 and len(set(sizes[:-1])) == 1 and sum(sizes) == n


@pytest.mark.parametrize("table", list(TABLES))
def test_an_empty_frame_becomes_the_contracts_empty_table(table):
    import pandas as pd

    from drugdata.schema_export import arrow_schema

    empty = publish_module.to_arrow(table, pd.DataFrame())  # no columns at all: nothing is read from it
    assert empty.num_rows == 0 and empty.schema.equals(arrow_schema(table), check_metadata=True)
