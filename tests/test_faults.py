"""Faults: a build killed at any point leaves the current release readable and the next build
succeeds. Each kill is a real SIGKILL of a separate process, placed by wrapping one function."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

REPO = Path(__file__).resolve().parents[1]
PAGE = "Baclofen guide\n\nSide effects\n\nCommon side effects of baclofen include drowsiness and nausea.\n"
OTHER = "Metformin guide\n\nSide effects\n\nCommon side effects of metformin include diarrhea and nausea.\n"

# Builds without Prefect (the same library calls as the flow) and SIGKILLs itself before or
# after the named function runs.
BUILD = """
import os, signal, sys, importlib
from pathlib import Path
raw, out, module_name, attr, when, nth = sys.argv[1:7]
module = importlib.import_module(module_name)
original, calls = getattr(module, attr), []
def killer(*args, **kwargs):
    calls.append(1)
    if when == "before" and len(calls) == int(nth):
        os.kill(os.getpid(), signal.SIGKILL)
    result = original(*args, **kwargs)
    if when == "after" and len(calls) == int(nth):
        os.kill(os.getpid(), signal.SIGKILL)
    return result
setattr(module, attr, killer)
from drugdata import pipeline
from drugdata.assemble import build_tables
from drugdata.consolidate import consolidate
from drugdata.publish import publish
publish(consolidate(build_tables(pipeline.run_folder(Path(raw)))), Path(out))
"""


def _killed(raw: Path, out: Path, kill_at: tuple[str, str, str, int]) -> int:
    return subprocess.run([sys.executable, "-c", BUILD, str(raw), str(out), *map(str, kill_at)],
                          cwd=REPO, capture_output=True, timeout=120, check=False).returncode


def _build(raw: Path, out: Path) -> None:
    from drugdata import pipeline
    from drugdata.assemble import build_tables
    from drugdata.consolidate import consolidate
    from drugdata.publish import publish

    publish(consolidate(build_tables(pipeline.run_folder(raw))), out)


def _current(out: Path) -> tuple[str, int]:
    """(build id, documents) of the current release, checking DuckDB and Parquet agree."""
    con = duckdb.connect(str(out / "drugdata.duckdb"), read_only=True)
    build_id = dict(con.execute("SELECT key, value FROM build_info").fetchall())["build_id"]
    documents = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    con.close()
    assert (out / "current").resolve().name == build_id
    assert pq.read_table(out / "parquet" / "documents.parquet").num_rows == documents
    assert (out / "parquet" / "datapackage.json").is_file()
    return build_id, documents


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    (raw / "baclofen.txt").write_text(PAGE)
    out = tmp_path_factory.mktemp("out")
    _build(raw, out)
    (raw / "metformin.txt").write_text(OTHER)  # the next builds would publish two documents
    return raw, out, _current(out)


@pytest.mark.parametrize("kill_at", [
    ("drugdata.pipeline", "extract", "before", 2),           # between pages, during the stages
    ("drugdata.publish", "_write_table", "after", 3),         # while writing Parquet
    ("drugdata.publish", "_write_duckdb", "after", 1),       # staged, not yet renamed
    ("drugdata.publish", "_swap_symlink", "before", 1),      # renamed into releases/, not switched
    ("drugdata.publish", "_swap_symlink", "after", 1),       # switched, not yet pruned
    ("drugdata.publish", "_prune", "before", 1),
], ids=lambda k: f"{k[2]}-{k[1]}-{k[3]}")
def test_a_killed_build_leaves_a_readable_release_and_the_next_build_succeeds(published, kill_at):
    raw, out, _ = published
    before = _current(out)
    assert _killed(raw, out, kill_at) == -signal.SIGKILL
    build_id, documents = _current(out)
    switched = kill_at[1:3] in (("_swap_symlink", "after"), ("_prune", "before"))
    assert (build_id != before[0] and documents == 2) if switched else (build_id, documents) == before
    _build(raw, out)
    assert _current(out)[0] not in (before[0], build_id) and _current(out)[1] == 2


def test_the_flow_killed_mid_run_leaves_the_release_and_recovers(built, tmp_path):
    """The real Prefect build (--full: every page goes through the stages), killed by SIGKILL in
    the middle of its extract tasks (in its own process: --workers 0, so the patched extract
    is the one that runs)."""
    import prefect.settings

    raw, out, _ = built
    before = _current(out)[0]  # other tests may have built into this folder since the fixture
    env = {**os.environ, "PREFECT_API_URL": prefect.settings.PREFECT_API_URL.value() or ""}
    script = ("import os, signal, drugdata.pipeline as p\n"
              "def extract(state):\n    os.kill(os.getpid(), signal.SIGKILL)\n"
              f"p.extract = extract\nfrom drugdata.cli import main; main(['build', '--full', '--workers', '0', '--raw', {str(raw)!r}, '--out', {str(out)!r}])")
    killed = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, timeout=300,
                            check=False)
    assert killed.returncode == -signal.SIGKILL
    assert _current(out)[0] == before
    from flows.build import build

    assert build(raw_dir=str(raw), out_dir=str(out), full=True)["build_id"] == _current(out)[0] != before


def test_ctrl_c_stops_the_workers_and_the_build_without_a_traceback(prefect_harness, tmp_path):
    """A terminal's Ctrl-C reaches every process of the build (its process group): the build
    exits 130 with one line, its worker processes gone, nothing published."""
    import time

    import prefect.settings
    import psutil

    out = tmp_path / "out"
    env = {**os.environ, "PREFECT_API_URL": prefect.settings.PREFECT_API_URL.value() or ""}
    build = subprocess.Popen([sys.executable, "-m", "drugdata", "build", "--full", "--batch-size", "1",
                              "--workers", "2", "--raw", str(REPO / "raw"), "--out", str(out)],
                             cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             start_new_session=True)  # its own process group, as a terminal's job
    workers: list[psutil.Process] = []
    deadline = time.monotonic() + 60
    while len(workers) < 2 and time.monotonic() < deadline and build.poll() is None:
        workers = [p for p in psutil.Process(build.pid).children() if "spawn_main" in " ".join(p.cmdline())]
        time.sleep(0.1)
    time.sleep(2)  # into their first batches
    os.killpg(build.pid, signal.SIGINT)
    output = build.communicate(timeout=120)[0]
    assert len(workers) == 2 and build.returncode == 130, output
    assert "interrupted" in output and "Traceback" not in output, output
    assert not [p for p in workers if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not (out / "current").exists()
