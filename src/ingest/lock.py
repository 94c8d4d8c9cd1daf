"""One writer per output folder: an advisory lock on OUT/.lock held for the whole run.

Two runs interleaving their swaps could leave documents/ from one run beside rejected/ from the other, so a
second run on the same OUT either stops at once with a clear message or, when asked, waits its turn. The
lock is released by the OS when the process dies, so a killed run never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".lock"


class LockBusy(Exception):
    """Another run holds the lock on this output folder."""


@contextmanager
def run_lock(out: Path, wait: bool = False) -> Iterator[None]:
    out.mkdir(parents=True, exist_ok=True)
    path = out / LOCK_NAME
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise LockBusy(
                f"another run is writing to {out} (pid {holder}); try again later or pass --wait"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
