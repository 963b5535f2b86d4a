"""One build at a time per output folder: a second one fails fast (or waits), a lock left by a
killed process is recovered, and rollback respects the lock. Holders are real processes."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drugdata.lock import LockBusy, lock_holder, output_lock

REPO = Path(__file__).resolve().parents[1]
# Holds OUT's lock, says so on stdout, then sleeps (or kills itself while holding it).
HOLDER = """
import os, signal, sys, time
from pathlib import Path
from drugdata.lock import output_lock
with output_lock(Path(sys.argv[1])):
    print("held", flush=True)
    if sys.argv[2] == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(float(sys.argv[2]))
"""


def _holder(out: Path, how: str) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(out), how], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline().strip() == "held"
    return process


def _cli_build(out: Path, raw: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "drugdata", "build", "--raw", str(raw), "--out", str(out), *extra],
                          cwd=REPO, capture_output=True, text=True, timeout=120, check=False)


def test_a_second_build_fails_fast_naming_the_holder(tmp_path):
    out = tmp_path / "out"
    with output_lock(out):
        started = time.monotonic()
        done = _cli_build(out, tmp_path)
        assert done.returncode == 1 and time.monotonic() - started < 30
        assert f"another build is running on {out.resolve()} (pid {os.getpid()} on " in done.stderr
        assert "use --wait" in done.stderr and "Traceback" not in done.stderr
        waited = _cli_build(out, tmp_path, "--wait", "--wait-timeout", "0.5")
        assert waited.returncode == 1 and "gave up after waiting 0.5 s" in waited.stderr
    assert lock_holder(out) == {}  # released and emptied


def test_the_flow_itself_refuses_a_held_folder(tmp_path):
    """Served and deployed runs do not pass through the command line: the flow takes the lock."""
    from flows.build import build

    holder = _holder(tmp_path / "out", "30")
    try:
        with pytest.raises(LockBusy, match=f"pid {holder.pid} on"):
            build.fn(raw_dir=str(tmp_path), out_dir=str(tmp_path / "out"))
    finally:
        holder.kill()
        holder.wait()


def test_a_killed_holder_leaves_nothing_to_clean_up(tmp_path):
    holder = _holder(tmp_path, "kill")
    assert holder.wait() == -signal.SIGKILL
    assert lock_holder(tmp_path)["pid"] == holder.pid  # its note is still there, its lock is not
    with output_lock(tmp_path):
        assert lock_holder(tmp_path)["pid"] == os.getpid()


def test_wait_gets_the_lock_when_the_holder_finishes(tmp_path):
    holder = _holder(tmp_path, "2")
    with pytest.raises(LockBusy), output_lock(tmp_path):
        pass
    with output_lock(tmp_path, wait=True, timeout=30), output_lock(tmp_path):  # reentrant in one thread
        assert holder.wait(timeout=30) == 0  # got it only once the holder let go (it exits right after)


def test_rollback_waits_for_no_build(tmp_path):
    from drugdata.releases import rollback

    holder = _holder(tmp_path, "30")
    try:
        with pytest.raises(LockBusy, match="another build is running"):
            rollback(tmp_path, "20260101T000000Z-abcdef")
    finally:
        holder.kill()
        holder.wait()
