"""The spool: tables written batch by batch equal the tables built in memory, duplicates and
superseded copies included, whatever the batch size."""

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from drugdata import pipeline
from drugdata.assemble import ROW_TABLES, build_tables, summarize, tabulate
from drugdata.consolidate import consolidate
from drugdata.publish import publish, to_arrow
from drugdata.spool import Spool, finish

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
    spool, kept, quarantine = Spool(tmp_path / "spool"), [], []
    pages = [s for s in states if s.source["status"] != "metadata"]
    for i in range(0, len(pages), batch_size):
        batch = tabulate(pages[i:i + batch_size])
        quarantine += spool.add(batch.to_arrow())
        kept += batch.states
    kept += [s for s in states if s.source["status"] == "metadata"]
    frames = finish(summarize(kept), spool, quarantine, tmp_path / "tables")
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
    quarantine += spool.add_release_rows(release, set(expected["documents"]["doc_id"]))
    frames = finish(summarize(states), spool, quarantine, tmp_path / "tables")
    for table in (*ROW_TABLES, "sources", "drugs"):
        assert pq.read_table(frames[table]).equals(to_arrow(table, expected[table])), table
    assert frames["quarantine"].equals(expected["quarantine"])
    spool.close()
