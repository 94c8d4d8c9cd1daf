"""One writer per output folder: an advisory lock on OUT/.lock held for the whole run.

Two runs interleaving their commits could mix their states, so a second run on the same OUT either stops at
once with a clear message or, when asked, waits its turn. The lock is a `flock` on an open file: the kernel
releases it when the last descriptor of that open file closes, so a killed run never leaves a stale lock.

A forked child inherits every descriptor, and with it the lock: a worker process that outlived a killed
run would hold OUT locked for as long as it lived. So every process forked while the lock is held closes
its copy at once (`os.register_at_fork`): only the process that took the lock ever holds it.
"""

from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

LOCK_NAME = ".lock"
_held: set[int] = set()


def _close_inherited() -> None:
    for fd in list(_held):
        with suppress(OSError):
            os.close(fd)
    _held.clear()


os.register_at_fork(after_in_child=_close_inherited)


class LockBusy(Exception):
    """Another run holds the lock on this output folder."""


class LockError(Exception):
    """The lock file cannot be used (it is a folder, or OUT cannot be written)."""


def _open(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except PermissionError:
        try:  # a read-only lock file still takes a lock
            return os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        except OSError as exc:
            raise LockError(f"cannot open the lock file {path}: {exc.strerror}") from None
    except IsADirectoryError:
        raise LockError(f"the lock file {path} is a folder: remove it (no run is using it)") from None
    except OSError as exc:
        raise LockError(f"cannot open the lock file {path}: {exc.strerror}") from None


@contextmanager
def run_lock(out: Path, wait: bool = False) -> Iterator[None]:
    """Hold OUT's run lock for the body; LockBusy at once if another run holds it (unless `wait`)."""
    path = out / LOCK_NAME
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LockError(f"output folder is not writable: {out} ({exc.strerror or exc})") from None
    fd = _open(path)
    _held.add(fd)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
            raise LockBusy(f"another run is writing to {out} (pid {holder})") from None
        _write_holder(fd, str(os.getpid()))
        try:
            yield
        finally:
            _write_holder(fd, "")
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        _held.discard(fd)
        os.close(fd)


def _write_holder(fd: int, text: str) -> None:
    """Note the holder's pid in the lock file, for the busy message (best effort: it may be read-only)."""
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, text.encode("ascii"), 0)
    except OSError as exc:
        if exc.errno not in (errno.EBADF, errno.EINVAL, errno.EROFS, errno.EACCES, errno.EPERM):
            raise
