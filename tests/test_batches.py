"""Batches through the document stages: on worker processes as in this process, a worker that
dies costs its batch one retry (not the build), and each batch reports its cache use."""

import dataclasses
import os
import pickle
import shutil
import signal
from pathlib import Path

import pytest

from drugdata.batches import BatchContext, StagePool, auto_workers, run_batch, write_ids

REPO = Path(__file__).resolve().parents[1]
PAGES = ["mednook/baclofen.txt", "rxbriefs/tizanidine.txt"]


@pytest.fixture
def context(tmp_path) -> BatchContext:
    raw = tmp_path / "raw"
    for page in PAGES:
        (raw / page).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "raw" / page, raw / page)
    return BatchContext(raw, tmp_path / "out", use_cache=True)


def _rows(result) -> dict[str, list[dict]]:
    return {name: table.to_pylist() for name, table in result.tabulated.arrow.items()}


def test_a_worker_process_gives_the_rows_this_process_gives(context, tmp_path):
    inline = run_batch(context, PAGES)
    assert inline.cache.stored == 2 and inline.tabulated.arrow["adverse_effects"].num_rows > 0
    fresh = dataclasses.replace(context, out_dir=tmp_path / "other-out")  # an empty cache: the worker runs the stages
    with StagePool(1) as pool:
        pooled = pool.run(fresh, PAGES)
        assert pooled.cache.hits == 0 and pooled.cache.stored == 2
        restored = pool.run(fresh, PAGES)
    assert restored.cache.hits == 2 and restored.cache.stored == 0  # the entries the worker stored
    assert _rows(pooled) == _rows(inline) == _rows(restored)
    assert [s.source for s in pooled.tabulated.states] == [s.source for s in inline.tabulated.states]


def test_a_dead_worker_fails_its_batch_and_the_next_batch_gets_a_fresh_one(context):
    from concurrent.futures.process import BrokenProcessPool

    with StagePool(1) as pool:
        first = pool.run(context, PAGES[:1])
        for pid in list(pool._executor._processes):  # what the OOM killer does
            os.kill(pid, signal.SIGKILL)
        with pytest.raises(BrokenProcessPool):
            pool.run(context, PAGES[:1])
        assert _rows(pool.run(context, PAGES[:1])) == _rows(first)


def test_a_pool_sent_elsewhere_runs_batches_where_it_lands():
    import pickle

    with StagePool(1) as pool:
        copy = pickle.loads(pickle.dumps(pool))
    assert copy.workers == 0 and copy._executor is None


def test_workers_only_for_more_than_a_couple_of_batches():
    assert auto_workers(10, 16) == 0 and auto_workers(32, 16) == 0
    cores = os.cpu_count() or 1
    assert auto_workers(2208, 64) == (min(cores, 35) if cores > 1 else 0)


def test_a_batch_carries_the_metadata_of_its_own_paths_only(context):
    def sent(rows: int) -> int:
        manifest = {f"page-{i}.txt": {"url": f"https://example.org/{i}"} for i in range(rows)}
        manifest[PAGES[0]] = {"publisher": "Med Nook"}
        whole = dataclasses.replace(context, manifest=manifest, locations={p: Path(f"/unpacked/{p}") for p in manifest})
        one = whole.for_paths(PAGES)
        assert one.manifest == {PAGES[0]: {"publisher": "Med Nook"}} and set(one.locations) == {PAGES[0]}
        return len(pickle.dumps(one))

    assert sent(10) == sent(10_000)  # what travels with a batch does not grow with the corpus


def test_documents_the_release_holds_come_back_as_their_file_records_only(context, tmp_path):
    first = run_batch(context, PAGES)
    doc_ids = [state.source["doc_id"] for state in first.tabulated.states]
    in_release = dataclasses.replace(context, release_ids=write_ids(doc_ids[:1], tmp_path / "ids.txt"))
    again = run_batch(in_release, PAGES)
    assert [state.from_release for state in again.tabulated.states] == [True, False]
    assert again.tabulated.arrow["documents"].column("doc_id").to_pylist() == doc_ids[1:]  # the other one in full
    assert in_release.in_release() == frozenset(doc_ids[:1]) and context.in_release() == frozenset()
