"""The process that runs a build's last steps: a fresh one, reused, and gone with its parent."""

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from drugdata.fresh_process import FreshProcess, ProcessDied, _exit_code
from drugdata.lock import LockBusy, output_lock


def test_steps_run_in_one_other_process_and_their_errors_come_back():
    process = FreshProcess()
    try:
        first, second = process.run(os.getpid), process.run(os.getpid)
        assert first == second != os.getpid()
        with pytest.raises(ValueError, match="invalid literal"):
            process.run(int, "not a number")
        assert process.run(divmod, 7, 2) == (3, 1)
    finally:
        process.close()
    assert not process.isolated
    assert FreshProcess(isolated=False).run(os.getpid) == os.getpid()


_KILLED_PARENT = """
import os, sys
from pathlib import Path
from drugdata.fresh_process import FreshProcess, ProcessDied
from drugdata.lock import LockBusy, output_lock
process = FreshProcess()
Path(sys.argv[1]).write_text(str(process.run(os.getpid)))
os.kill(os.getpid(), 9)
"""


def test_the_process_ends_when_its_build_is_killed(tmp_path):
    """Else a killed build's publish could go on writing while the next build holds the folder."""
    pid_file = tmp_path / "child.pid"
    parent = subprocess.run([sys.executable, "-c", _KILLED_PARENT, str(pid_file)], check=False, timeout=60,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert parent.returncode == -9
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if psutil.Process(child).status() == psutil.STATUS_ZOMBIE:
                break
        except psutil.NoSuchProcess:
            break
        time.sleep(0.1)
    else:
        psutil.Process(child).kill()
        pytest.fail("the finisher process outlived its killed parent")


def test_a_step_whose_process_died_says_how_and_the_next_one_gets_a_new_process():
    """The kernel's OOM killer ends the process with SIGKILL: the build's retry of publishing
    must get a working process, not the broken pool's error again."""
    process = FreshProcess()
    try:
        first = process.run(os.getpid)
        os.kill(first, signal.SIGINT)  # a terminal's Ctrl-C: for the build, which stops this process
        assert process.run(os.getpid) == first
        with pytest.raises(ProcessDied, match="_exit died \\(exit 3"):
            process.run(os._exit, 3)
        second = process.run(os.getpid)
        with pytest.raises(ProcessDied, match="killed by SIGKILL"):
            process.run(os.kill, second, signal.SIGKILL)
        assert process.run(os.getpid) not in (first, second, os.getpid())
    finally:
        process.close()


class _ReapedByAnotherThread:
    """A dead pool process whose status the pool's own thread is collecting: `join` returns
    at once (its `waitpid` found nothing to reap) and the code appears a moment later."""

    def __init__(self, unset_reads: int) -> None:
        self.unset_reads = unset_reads

    def join(self, timeout: float | None = None) -> None:
        pass

    @property
    def exitcode(self) -> int | None:
        self.unset_reads -= 1
        return None if self.unset_reads >= 0 else -9


def test_the_exit_code_is_read_once_the_pools_thread_has_reaped_the_process():
    """CI once saw "died (still running ...)" for a process that had called os._exit(3)."""
    assert _exit_code(_ReapedByAnotherThread(unset_reads=3)) == -9
    assert _exit_code(_ReapedByAnotherThread(unset_reads=10**9), timeout_s=0.2) is None

_KILLED_WHILE_LOCKED = """
import os, sys
from pathlib import Path
from drugdata import fresh_process
from drugdata.lock import held_fd, output_lock
fresh_process.PARENT_POLL_S = 3.0  # the child outlives its parent this long
out = Path(sys.argv[1])
with output_lock(out):
    process = fresh_process.FreshProcess(hold_fd=held_fd(out))
    Path(sys.argv[2]).write_text(str(process.run(os.getpid)))
    os.kill(os.getpid(), 9)
"""


def test_the_output_lock_is_held_until_the_process_of_a_killed_build_is_gone(tmp_path):
    out, pid_file = tmp_path / "out", tmp_path / "child.pid"
    parent = subprocess.run([sys.executable, "-c", _KILLED_WHILE_LOCKED, str(out), str(pid_file)], check=False,
                            timeout=60, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert parent.returncode == -9
    child = psutil.Process(int(pid_file.read_text()))
    with pytest.raises(LockBusy), output_lock(out):
        pass
    child.wait(timeout=10)
    with output_lock(out):  # gone with the child
        pass
