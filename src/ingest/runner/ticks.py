"""Per-document progress from worker processes: one byte down a pipe for each document and file done.

Results come back to the main process one work unit at a time (up to `run.batch_files` files), which is
too coarse for a progress display: a batch of a hundred files would make a bar jump a hundred at a time.
So a worker also writes one byte per document (`DOCUMENT`) and per file (`FILE`) it finishes to a pipe the
main process opened before the workers forked, and a thread of the main process counts them.

Why a pipe and not a shared counter: a write of one byte to a pipe is atomic, needs no lock, and a worker
killed at any moment cannot leave anything half-updated or locked behind it (a `multiprocessing.Value`
killed while holding its lock would stall every other worker). The write end is non-blocking: if the
reader ever falls behind, a tick is dropped, never a worker stalled. Ticks are for display only; nothing
the run decides or writes depends on them, and a unit retried after a worker crash may tick twice.

Outside a run that opened a `TickCounter` (benchmarks, tests, Prefect's forkserver workers) `tick` does
nothing.
"""

from __future__ import annotations

import contextlib
import os
import select
import threading

DOCUMENT = b"d"
FILE = b"f"

_write_fd: int | None = None
_read_fd: int | None = None


def tick(kind: bytes) -> None:
    """Tell the main process's counter that a document or a file is done (a no-op without one)."""
    fd = _write_fd
    if fd is None:
        return
    with contextlib.suppress(OSError):  # a full pipe (reader behind) or a closed one: drop the tick
        os.write(fd, kind)


def _close_reader_in_child() -> None:
    """A forked worker never reads ticks: it closes its copy of the read end at once."""
    global _read_fd
    if _read_fd is not None:
        with contextlib.suppress(OSError):
            os.close(_read_fd)
        _read_fd = None


os.register_at_fork(after_in_child=_close_reader_in_child)


class TickCounter:
    """Counts the ticks of every process forked while it is open (`documents`, `files`).

    Open it in the main process before the worker pool starts, close it (or leave the `with` block)
    after the pool is gone. Only one may be open at a time in a process."""

    def __init__(self) -> None:
        global _read_fd, _write_fd
        if _write_fd is not None:
            raise RuntimeError("a TickCounter is already open in this process")
        self.documents = 0
        self.files = 0
        read_fd, write_fd = os.pipe()
        os.set_blocking(write_fd, False)
        _read_fd, _write_fd = read_fd, write_fd
        self._read_fd = read_fd
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._count, name="ingest-ticks", daemon=True)
        self._thread.start()

    def _count(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self._read_fd], [], [], 0.1)
            if not ready:
                continue
            try:
                data = os.read(self._read_fd, 65536)
            except OSError:
                return
            self.documents += data.count(DOCUMENT)
            self.files += data.count(FILE)

    def _drain(self) -> None:
        os.set_blocking(self._read_fd, False)
        with contextlib.suppress(OSError):
            while data := os.read(self._read_fd, 65536):
                self.documents += data.count(DOCUMENT)
                self.files += data.count(FILE)

    def close(self) -> None:
        """Stop counting and close the pipe (idempotent)."""
        global _read_fd, _write_fd
        if self._stop.is_set():
            return
        self._stop.set()
        self._thread.join()
        self._drain()
        for fd in (_write_fd, self._read_fd):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        _read_fd = _write_fd = None

    def __enter__(self) -> TickCounter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
