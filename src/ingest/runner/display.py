"""Showing a run's progress to the person (or the log) watching it.

Two displays, one interface (`RunDisplay`): on a terminal, a `rich` progress bar redrawn ten times a second
(files done of total, documents done, documents per second, time left, and the phase once processing is
over); without a terminal (cron, nohup, a service's journal), one plain, timestamped line every few seconds,
because a bar redrawn with carriage returns makes an unreadable log. Both read the per-document ticks of the
worker processes (`runner.ticks`), so they move with every document, not with every batch of files.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TextIO

from ingest.runner.ticks import TickCounter

if TYPE_CHECKING:
    from rich.progress import Progress


class RunDisplay:
    """What the run skeleton calls (`files`, `phase`) plus a counter of the workers' ticks; the subclasses
    decide how it looks. Use as a context manager around `run`."""

    def __init__(self) -> None:
        self.ticks = TickCounter()
        self.total = 0
        self.name = "starting"
        self.started = time.monotonic()
        self.processing_started: float | None = None

    def files(self, total: int) -> None:
        self.total = total

    def phase(self, name: str) -> None:
        self.name = name
        if name == "processing":
            self.processing_started = time.monotonic()

    def counts(self) -> tuple[int, int]:
        """Files and documents done so far (files never above the total: a retried unit ticks twice)."""
        return min(self.ticks.files, self.total), self.ticks.documents

    def rate(self) -> float:
        """Documents per second since processing began."""
        if self.processing_started is None:
            return 0.0
        return self.ticks.documents / max(time.monotonic() - self.processing_started, 1e-9)

    def seconds_left(self) -> float | None:
        """Time left for the files still to process, at the file rate so far (None before any is done)."""
        files, _ = self.counts()
        if self.processing_started is None or not files:
            return None
        per_file = (time.monotonic() - self.processing_started) / files
        return per_file * (self.total - files)

    def close(self, outcome: str = "done") -> None:
        """Stop showing; `outcome` names how the run ended."""
        self.ticks.close()

    def __enter__(self) -> RunDisplay:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        self.close("done" if exc_type is None else "stopped")


class LogDisplay(RunDisplay):
    """A timestamped line on `stream` every `every` seconds while processing, and one per later phase:

    2026-12-07T14:30:05Z ingest: processing 120/1000 files (12%), 340 documents, 45 docs/s, 20 s left
    """

    def __init__(self, stream: TextIO, every: float = 5.0) -> None:
        super().__init__()
        self.stream, self.every = stream, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="ingest-progress", daemon=True)
        self._thread.start()

    def line(self) -> str:
        files, documents = self.counts()
        if self.name != "processing":
            text = self.name
        else:
            share = files / self.total if self.total else 1.0
            left = self.seconds_left()
            text = (
                f"processing {files}/{self.total} files ({share:.0%}), {documents} documents, "
                f"{self.rate():.1f} docs/s" + (f", {left:.0f} s left" if left is not None else "")
            )
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return f"{stamp} ingest: {text}"

    def _write(self) -> None:
        self.stream.write(self.line() + "\n")
        self.stream.flush()

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            if self.name == "processing":
                self._write()

    def phase(self, name: str) -> None:
        super().phase(name)
        if name not in ("planning", "processing"):
            self._write()

    def close(self, outcome: str = "done") -> None:
        self._stop.set()
        self._thread.join()
        super().close(outcome)


class BarDisplay(RunDisplay):
    """A `rich` progress bar on a terminal `stream`: it redraws in place (and clears what it drew), so a
    shorter line never leaves the tail of a longer one behind."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.bar: Progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description:<15}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("files  {task.fields[documents]} docs  {task.fields[rate]:.1f} docs/s"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(file=stream),
            transient=False,
        )
        self.task = self.bar.add_task("starting", total=None, documents=0, rate=0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="ingest-progress", daemon=True)
        self.bar.start()
        self._thread.start()

    def _update(self) -> None:
        files, documents = self.counts()
        self.bar.update(
            self.task,
            description=self.name,
            total=self.total or None,
            completed=files,
            documents=documents,
            rate=self.rate(),
        )

    def _loop(self) -> None:
        while not self._stop.wait(0.1):
            self._update()

    def close(self, outcome: str = "done") -> None:
        self._stop.set()
        self._thread.join()
        super().close(outcome)  # the last ticks are counted before the final redraw
        self.name = outcome
        self._update()
        if not self.total:  # nothing was processed: leave no empty bar behind
            self.bar.update(self.task, visible=False)
        self.bar.stop()
