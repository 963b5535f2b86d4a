"""Run a build's last steps in a fresh process, so their memory does not stack on the flow's.

After the document stages the flow's process holds what it gathered (Prefect, the files'
records: ~650 MiB at 100k documents), and the steps over the whole corpus (the spool's sorts,
consolidation, publishing) each add 400-500 MiB on top: the flow peaked at 1.27 GiB at 100k.
The same steps in a process of their own, which holds none of the stages' records or models,
peak at ~840 MiB (`bench/finish_scale.py`). One process serves every step in turn, and keeps
the build's lock (a duplicate of its descriptor) for as long as it lives.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import reduction
from typing import Any, TypeVar

__all__ = ["FreshProcess", "ProcessDied", "how_it_ended", "stop"]

T = TypeVar("T")
PARENT_POLL_S = 0.5
_kept_open: list[int] = []  # in the child: descriptors it holds for as long as it lives


class ProcessDied(RuntimeError):
    """The process running a step died (killed, out of memory): a retry gets a new one."""


class _Inherited:
    """A file descriptor a spawned child inherits: the same open file, so the same `flock`."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __reduce__(self) -> tuple[Callable[[Any], int], tuple[Any]]:
        return _detach, (reduction.DupFd(self.fd),)  # while spawning: passed with the child's fds


def _detach(dup: Any) -> int:
    return int(dup.detach())


def _start_child(parent: int, poll_s: float, held: int | None) -> None:
    """In the child: Ctrl-C is for the build (which stops this process), the build's lock is
    held for as long as the child lives, and the child ends as soon as its parent is gone: a
    step that outlived a killed build would go on writing to the output folder, and the lock
    it holds keeps the next build out until then."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if held is not None:
        _kept_open.append(held)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll_s)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def how_it_ended(code: int | None) -> str:
    """A process's exit code in words: a signal by name (SIGKILL: often the OOM killer)."""
    if code is None:
        return "still running"
    return f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit {code}"


def _exit_code(process: Any, timeout_s: float = 5.0) -> int | None:
    """The exit code of a pool's dead process. The pool's own thread reaps it at the same time,
    and a `join` that loses that race returns with the code still unset: poll until it is."""
    deadline = time.monotonic() + timeout_s
    while process.exitcode is None and time.monotonic() < deadline:
        process.join(timeout=0.05)
    return process.exitcode


def stop(executor: ProcessPoolExecutor, terminate: bool = False) -> None:
    """Shut a process pool down once its work is done, or at once with `terminate`."""
    if terminate:
        for process in list(getattr(executor, "_processes", {}).values()):  # no public way before 3.14
            process.terminate()
    executor.shutdown(wait=True, cancel_futures=True)


class FreshProcess:
    """Calls functions in one spawned process, or in the calling one when not `isolated`
    (small builds, tests, a Dask runner: the start-up, ~2 s, would cost more than it saves).
    Arguments and results travel pickled: pass paths and small frames, not rows. `hold_fd`:
    a lock's descriptor (`drugdata.lock.held_fd`) the process keeps open while it lives."""

    def __init__(self, isolated: bool = True, hold_fd: int | None = None) -> None:
        self._hold_fd = hold_fd
        self._executor = self._start() if isolated else None

    def _start(self) -> ProcessPoolExecutor:
        held: Any = _Inherited(self._hold_fd) if self._hold_fd is not None else None  # an int in the child
        return ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=_start_child,
                                   initargs=(os.getpid(), PARENT_POLL_S, held))

    @property
    def isolated(self) -> bool:
        return self._executor is not None

    def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        executor = self._executor
        if executor is None:
            return fn(*args, **kwargs)
        future = executor.submit(fn, *args, **kwargs)
        processes = list(getattr(executor, "_processes", {}).values())
        try:
            return future.result()
        except BrokenProcessPool as error:
            how = ", ".join(how_it_ended(_exit_code(process)) for process in processes) or "unknown"
            stop(executor)
            self._executor = self._start()  # a retry of the step gets a new process
            raise ProcessDied(f"the process running {getattr(fn, '__name__', 'a step')} died ({how}; "
                              "SIGKILL is often the kernel's out-of-memory killer)") from error

    def close(self, terminate: bool = False) -> None:
        """Stop the process: once idle, or at once with `terminate` (a failed or interrupted build)."""
        executor, self._executor = self._executor, None
        if executor is not None:
            stop(executor, terminate)
