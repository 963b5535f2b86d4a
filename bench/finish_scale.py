"""End-of-build benchmark: the build's last steps at 100k documents, without an hour of stages.

A 100k cold build spends ~46 minutes in the document stages before it reaches the steps that
handle the whole corpus at once, where it once failed (the spool's final sort ran out of
DuckDB's memory limit). This takes a release built from real pages (by default it first builds
the 2,208 real labels), writes copies of its per-document rows into a build spool until there
are `--docs` documents, each copy with its own document, fact and drug ids and paths, then runs
what the flow runs after the stages, in a fresh process: `spool.finish` (the file-level tables
through pandera, then the sort), `consolidate` and `publish`. It prints seconds and peak RSS per step.

Usage: python bench/finish_scale.py [--docs 100000] [--release DIR] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from drugdata.assemble import ROW_TABLES
from drugdata.spool import Spool

REPO = Path(__file__).resolve().parents[1]
FILE_TABLES = ("sources", "drugs", "quarantine")


def _suffixed_ids(column: pa.ChunkedArray, copy: int) -> pa.ChunkedArray:
    """16-hex ids unique per copy: the first 12 digits and the copy number in four."""
    return pc.binary_join_element_wise(pc.utf8_slice_codeunits(column, 0, 12), f"{copy:04x}", "")


def _copy(table: pa.Table, copy: int) -> pa.Table:
    """One copy of a release table with its own ids and paths."""
    for name, value in (("doc_id", lambda c: _suffixed_ids(c, copy)), ("fact_id", lambda c: _suffixed_ids(c, copy)),
                        ("drug_id", lambda c: pc.binary_join_element_wise(c, f"_c{copy}", "")),
                        ("path", lambda c: pc.binary_join_element_wise(f"copy{copy:03d}", c, "/"))):
        if name in table.column_names:
            table = table.set_column(table.column_names.index(name), name, value(table.column(name)))
    return table


def prepare(release: Path, docs: int, work: Path) -> dict[str, int]:
    """The spool a build of `docs` documents would hold when its stages are done, and its
    file-level rows; returns the copies made and the documents in them."""
    parquet = release / "parquet"
    per_copy = pq.ParquetFile(parquet / "documents.parquet").metadata.num_rows
    copies = math.ceil(docs / per_copy)
    spool = Spool(work / "spool")  # empty parts of every table, as a build starts with
    for table in ROW_TABLES:
        rows = pq.read_table(parquet / f"{table}.parquet")
        for copy in range(copies):
            pq.write_table(_copy(rows, copy), spool.folder / table / f"part-{copy:07d}.parquet")
    for table in FILE_TABLES:
        rows = pq.read_table(parquet / f"{table}.parquet")
        pq.write_table(pa.concat_tables(_copy(rows, copy) for copy in range(copies)), work / f"{table}.parquet")
    return {"copies": copies, "documents": copies * per_copy}


_FINISH = """
import json, sys, threading, time
from pathlib import Path
import psutil
import pyarrow.parquet as pq
work, out = Path(sys.argv[1]), Path(sys.argv[2])
me, peak, steps = psutil.Process(), [0], {}
def sample():
    while True:
        peak[0] = max(peak[0], me.memory_info().rss)
        time.sleep(0.1)
threading.Thread(target=sample, daemon=True).start()
def step(name, fn):
    before = peak[0] = me.memory_info().rss
    t0 = time.perf_counter()
    value = fn()
    steps[name] = {"seconds": round(time.perf_counter() - t0, 1), "rss_before_mib": round(before / 2**20),
                   "peak_rss_mib": round(peak[0] / 2**20)}
    return value
from drugdata.assemble import Summary
from drugdata.consolidate import consolidate
from drugdata.publish import publish
from drugdata.spool import finish, save_summary
spool = work / "spool"  # the parts prepare() wrote, as the stages leave them
def records():  # what `summarize_files` leaves of every file's record
    rows = {t: pq.read_table(work / f"{t}.parquet").to_pylist() for t in ("sources", "drugs", "quarantine")}
    save_summary(spool, Summary(rows["sources"], rows["drugs"], rows["quarantine"], set()))
step("file records", records)
frames = step("finish (pandera, sort)", lambda: finish(spool, [], work / "tables"))
frames = step("consolidate", lambda: consolidate(frames, work / "consolidated"))
result = step("publish", lambda: publish(frames, out))
json.dump({"steps": steps, "row_counts": result["row_counts"], "peak_rss_mib": round(me.memory_info().rss / 2**20)},
          open(work / "finish.json", "w"))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--release", type=Path, help="a release folder (default: build the 2,208 real labels)")
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "drugdata-finish")
    args = parser.parse_args()
    work = args.work.resolve()
    release = args.release
    if release is None:
        sys.path.insert(0, str(REPO / "bench"))
        from scale import real_labels
        real_labels(work / "labels")
        subprocess.run([sys.executable, "-m", "drugdata", "build", "--raw", str(work / "labels"),
                        "--out", str(work / "labels-out")], cwd=REPO, check=True, stdout=subprocess.DEVNULL)
        release = (work / "labels-out" / "current").resolve()
    shutil.rmtree(work / "run", ignore_errors=True)
    (work / "run").mkdir(parents=True)
    t0 = time.perf_counter()
    made = prepare(release.resolve(), args.docs, work / "run")
    print(f"spool of {made['documents']:,} documents ({made['copies']} copies of release {release.resolve().name}) "
          f"written in {time.perf_counter() - t0:.0f} s")
    env = {**os.environ, "PREFECT_LOGGING_LEVEL": "WARNING"}
    subprocess.run([sys.executable, "-c", _FINISH, str(work / "run"), str(work / "run" / "out")],
                   cwd=REPO, env=env, check=True)
    result = json.loads((work / "run" / "finish.json").read_text())
    memory = os.environ.get("DRUGDATA_DUCKDB_MEMORY") or "256MB"
    print(f"\nlast steps of a build at {made['documents']:,} documents (DuckDB memory limit {memory}):")
    print(f"{'step':<24}{'seconds':>9}{'RSS before MiB':>16}{'peak RSS MiB':>14}")
    for name, figures in result["steps"].items():
        print(f"{name:<24}{figures['seconds']:>9}{figures['rss_before_mib']:>16}{figures['peak_rss_mib']:>14}")
    print("rows:", json.dumps(result["row_counts"]))


if __name__ == "__main__":
    main()
