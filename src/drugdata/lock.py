"""One build at a time per output folder: an exclusive `flock` on `OUT/.lock`.

The kernel drops a `flock` when its process dies, so a lock left by a killed build needs no
cleanup: the next build simply gets it. The file itself is never deleted (deleting a locked file
lets two processes lock two different inodes); it only carries who holds it, for the message.
The lock is reentrant within a thread, so the command line can take it before Prefect starts
(failing fast) and the flow, running in the same thread, takes it again at no cost.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["LOCK_NAME", "LockBusy", "held_fd", "lock_holder", "output_lock"]

LOCK_NAME = ".lock"
_POLL_SECONDS = 0.2
_held: dict[Path, tuple[int, int, int]] = {}  # path -> (fd, owning thread, depth)
_guard = threading.Lock()


class LockBusy(RuntimeError):
    """Another build holds the output folder."""


def lock_holder(out_dir: Path) -> dict[str, Any]:
    """What the holder wrote into the lock file (pid, host, started_at, command); {} if unknown."""
    try:
        return dict(json.loads((out_dir / LOCK_NAME).read_text(encoding="utf-8") or "{}"))
    except (OSError, ValueError, TypeError):
        return {}


def held_fd(out_dir: Path) -> int | None:
    """The descriptor of the lock this process holds on `out_dir`, if any: a child process
    that writes there keeps a duplicate open, so the lock outlives a killed build until the
    child is gone too (`drugdata.fresh_process`)."""
    with _guard:
        entry = _held.get(out_dir.resolve() / LOCK_NAME)
    return entry[0] if entry else None


def _busy_message(out_dir: Path) -> str:
    holder = lock_holder(out_dir)
    who = (f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}, started {holder.get('started_at', '?')}"
           if holder else "holder unknown")
    return f"another build is running on {out_dir} ({who})"


def _acquire(path: Path, wait: bool, timeout: float | None) -> int:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if not wait or (deadline is not None and time.monotonic() >= deadline):
                os.close(fd)
                message = _busy_message(path.parent)
                raise LockBusy(message + (f"; gave up after waiting {timeout:g} s" if wait else "")) from None
            time.sleep(_POLL_SECONDS)


@contextmanager
def output_lock(out_dir: Path, wait: bool = False, timeout: float | None = None,
                command: str = "build") -> Iterator[None]:
    """Hold the output folder for the block. Busy: raise LockBusy at once, or with `wait` poll
    until it is free (at most `timeout` seconds, None = for ever)."""
    out_dir = out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / LOCK_NAME
    me = threading.get_ident()
    with _guard:
        entry = _held.get(path)
        if entry and entry[1] == me:
            _held[path] = (entry[0], me, entry[2] + 1)
            reentered = True
        else:
            reentered = False
    if not reentered:
        fd = _acquire(path, wait, timeout)
        info = {"pid": os.getpid(), "host": socket.gethostname(), "command": command,
                "started_at": datetime.now(UTC).isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(info) + "\n").encode(), 0)
        with _guard:
            _held[path] = (fd, me, 1)
    try:
        yield
    finally:
        with _guard:
            fd, owner, depth = _held[path]
            if depth > 1:
                _held[path] = (fd, owner, depth - 1)
            else:
                del _held[path]
                os.ftruncate(fd, 0)  # nobody holds it now; the flock goes with the close
                os.close(fd)
