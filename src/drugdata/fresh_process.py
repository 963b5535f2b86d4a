"""Run a build's last steps in a fresh process, so their memory does not stack on the flow's.

After the document stages the flow's process holds what it gathered (Prefect, the files'
records: ~650 MiB at 100k documents), and the steps over the whole corpus (the spool's sorts,
consolidation, publishing) each add 400-500 MiB on top: the flow peaked at 1.27 GiB at 100k.
The same steps in a process of their own, started without the stages' libraries and records,
peak at ~840 MiB (`bench/finish_scale.py`). One process serves every step in turn.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

__all__ = ["FreshProcess", "stop"]

T = TypeVar("T")
PARENT_POLL_S = 0.5


def _exit_with_parent(parent: int) -> None:
    """A step that outlives a killed build would go on writing to an output folder whose lock
    the next build has taken over: the process ends as soon as its parent is gone."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_S)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def stop(executor: ProcessPoolExecutor, terminate: bool = False) -> None:
    """Shut a process pool down once its work is done, or at once with `terminate`."""
    if terminate:
        for process in list(getattr(executor, "_processes", {}).values()):  # no public way before 3.14
            process.terminate()
    executor.shutdown(wait=True, cancel_futures=True)


class FreshProcess:
    """Calls functions in one spawned process, or in the calling one when not `isolated`
    (small builds, tests, a Dask runner: the start-up, ~2 s, would cost more than it saves).
    Arguments and results travel pickled: pass paths and small frames, not rows."""

    def __init__(self, isolated: bool = True) -> None:
        self._executor = (ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                              initializer=_exit_with_parent, initargs=(os.getpid(),))
                          if isolated else None)

    @property
    def isolated(self) -> bool:
        return self._executor is not None

    def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        if self._executor is None:
            return fn(*args, **kwargs)
        return self._executor.submit(fn, *args, **kwargs).result()

    def close(self, terminate: bool = False) -> None:
        """Stop the process: once idle, or at once with `terminate` (a failed or interrupted build)."""
        executor, self._executor = self._executor, None
        if executor is not None:
            stop(executor, terminate)
