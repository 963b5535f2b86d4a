"""The spool: tables written batch by batch equal the tables built in memory, duplicates and
superseded copies included, whatever the batch size."""

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from drugdata import pipeline
from drugdata.assemble import ROW_TABLES, build_tables, slim, tabulate
from drugdata.consolidate import consolidate
from drugdata.publish import publish, to_arrow
from drugdata.spool import SUMMARY, Spool, finish, records, summarize_files

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    """Four pages, a byte-identical copy of one (in a later batch) and an older fetch of a URL."""
    root = tmp_path_factory.mktemp("raw")
    for page in ["mednook/baclofen.txt", "healthloom/metformin.html", "rxbriefs/tizanidine.txt"]:
        (root / page).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "raw" / page, root / page)
    (root / "zz").mkdir()
    shutil.copy(REPO / "raw" / "mednook/baclofen.txt", root / "zz" / "copy.txt")
    for day, text in (("2026-01-01", "old"), ("2026-02-01", "new")):
        page = root / "site" / day / "baclofen.txt"
        page.parent.mkdir(parents=True)
        page.write_text((REPO / "raw" / "mednook/baclofen.txt").read_text() + f"\nVersion {text}.\n")
        (page.parent / "baclofen.txt.meta.json").write_text(json.dumps(
            {"url": "https://example.org/baclofen", "retrieved_at": f"{day}T00:00:00Z", "publisher": "Example"}))
    return root


@pytest.mark.parametrize("batch_size", [1, 3])
def test_spooled_tables_equal_the_tables_built_in_memory(raw, tmp_path, batch_size):
    states = pipeline.run_folder(raw)
    expected = build_tables(states)
    spool, quarantine = Spool(tmp_path / "spool"), []
    pages = [s for s in states if s.source["status"] != "metadata"]
    for i in range(0, len(pages), batch_size):
        quarantine += spool.add(tabulate(pages[i:i + batch_size]).to_arrow())
    spool.add_records(s for s in states if s.source["status"] == "metadata")
    assert sorted(s.source["path"] for s in records(spool.folder)) == sorted(s.source["path"] for s in states)
    files = summarize_files(spool.folder)
    assert not files.unchanged and files.statuses["duplicate"] == 2 and sum(files.statuses.values()) == len(states)
    frames = finish(spool.folder, quarantine, tmp_path / "tables")
    assert set(pq.read_table(frames["sources"]).column("status").to_pylist()) >= {"ok", "duplicate"}
    for table in (*ROW_TABLES, "sources", "drugs"):
        assert pq.read_table(frames[table]).equals(to_arrow(table, expected[table])), table
    assert expected["documents"]["doc_id"].is_unique and len(expected["documents"]) == 4  # the copy and the old fetch left out
    spool.close()
    assert not (tmp_path / "spool").exists()


def test_a_batch_keeps_only_small_records_of_its_pages(raw):
    batch = tabulate(pipeline.run_folder(raw)[:2])
    assert all(s.document is None and not s.facts and s.page is not None and not s.page.blocks
               for s in batch.states)
    assert len(batch.frames["adverse_effects"]) > 0


def test_release_rows_of_a_document_spooled_fresh_are_not_copied_again(raw, tmp_path):
    """The same content fresh under one path and unchanged under another: its rows come once,
    with no window over the whole table at the end to drop a second copy."""
    states = pipeline.run_folder(raw)
    expected = build_tables(states)
    release = Path(publish(consolidate(expected), tmp_path / "out")["release"])
    pages = [s for s in states if s.source["status"] != "metadata"]
    spool, quarantine = Spool(tmp_path / "spool"), []
    quarantine += spool.add(tabulate(pages[:2]).to_arrow())
    spool.add_records(slim(s) for s in pages[2:] + [s for s in states if s.source["status"] == "metadata"])
    quarantine += spool.add_release_rows(release, set(expected["documents"]["doc_id"]))
    assert summarize_files(spool.folder, release).unchanged  # the files the release was built from
    assert not (spool.folder / SUMMARY).exists()  # a build that keeps the release needs none
    assert not summarize_files(spool.folder).unchanged
    frames = finish(spool.folder, quarantine, tmp_path / "tables")
    for table in (*ROW_TABLES, "sources", "drugs"):
        assert pq.read_table(frames[table]).equals(to_arrow(table, expected[table])), table
    assert frames["quarantine"].equals(expected["quarantine"])
    spool.close()


_COPY_PEAK = """
import sys
from pathlib import Path
import pyarrow as pa
import pyarrow.parquet as pq
from drugdata.spool import copy_rows
source = Path(sys.argv[1])
ids = pq.read_table(source, columns=["doc_id"]).column(0).combine_chunks()
before = pa.default_memory_pool().max_memory()
copy_rows(source, source.with_name("copy.parquet"), ids.filter(pa.array([i % 10 > 0 for i in range(len(ids))])))
print(pa.default_memory_pool().max_memory() - before)
"""


def test_release_rows_are_copied_a_row_group_at_a_time(tmp_path):
    """The unchanged documents of a release come over in row groups of a few megabytes: at 100k
    documents a whole-table copy (DuckDB's COPY) ran out of memory on their gigabyte of text."""
    import subprocess
    import sys

    import pyarrow as pa

    from drugdata.engine import duckdb_connect, parquet_relation
    from drugdata.publish import group_rows, sort_passes, write_sorted
    from drugdata.schema_export import arrow_schema

    ids = [f"{i * 7919 % 9000:016x}" for i in range(9000)]
    docs = pa.table({"doc_id": ids, "drug_id": ["x"] * 9000, "clean_text": [t * 1250 for t in ids],
                     "sections": [[]] * 9000}).cast(arrow_schema("documents"))  # 20 KB of text each: 180 MB
    pq.write_table(docs, tmp_path / "parts.parquet", row_group_size=500)
    release = tmp_path / "documents.parquet"
    con = duckdb_connect(temp_directory=tmp_path / "duckdb-tmp")
    relation = parquet_relation(tmp_path / "parts.parquet")
    write_sorted(con, relation, "documents", release, rows_per_batch=group_rows(con, relation, "documents"),
                 passes=sort_passes(con, [tmp_path / "parts.parquet"]))
    con.close()
    assert not list(tmp_path.glob("*.partial"))
    meta = pq.ParquetFile(release).metadata
    assert meta.num_rows == 9000 and meta.num_row_groups >= 11
    assert max(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups)) <= 17 << 20
    peak = subprocess.run([sys.executable, "-c", _COPY_PEAK, str(release)], capture_output=True, text=True,
                          check=True).stdout
    assert int(peak) < 90 << 20  # under half the text (~52 MB measured): a row group at a time
    copied = pq.read_table(tmp_path / "copy.parquet")
    expected = pq.read_table(release).filter(pa.array([i % 10 > 0 for i in range(9000)]))
    assert copied.num_rows == 8100 and copied.equals(expected)


def test_a_truncated_records_log_fails_instead_of_losing_files(raw, tmp_path):
    import pickle

    from drugdata.spool import RECORDS

    states = [slim(s) for s in pipeline.run_folder(raw)]
    spool = Spool(tmp_path / "spool")
    spool.add_records(states[:2])
    spool.add_records(states[2:])
    assert [s.source for s in records(spool.folder)] == [s.source for s in states]
    log = spool.folder / RECORDS
    log.write_bytes(log.read_bytes()[:-5])  # the last batch half written
    with pytest.raises((EOFError, pickle.UnpicklingError)):
        list(records(spool.folder))
