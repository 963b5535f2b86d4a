"""The process that runs a build's last steps: a fresh one, reused, and gone with its parent."""

import os
import subprocess
import sys
import time

import psutil
import pytest

from drugdata.fresh_process import FreshProcess


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
from drugdata.fresh_process import FreshProcess
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
