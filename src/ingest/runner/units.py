"""Work units: how a run's files are cut into tasks, processed, spilled, and rescued when a worker dies.

A unit is either a batch of small files (read by the worker) or a chunk of records of one large file (read
by the main process, one record at a time, so a huge archive is spread over every core and never held in
memory whole). Units are numbered in discovery order; each one's documents are spilled by the worker that
processed them to the spill part of the same number, so the output keeps discovery order however the
units were scheduled, and no document travels back between processes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from multiprocessing.context import BaseContext
from pathlib import Path

from ingest.config import IngestConfig
from ingest.dedup.keys import assign_ids
from ingest.document import Document
from ingest.faults import checkpoint
from ingest.read.discover import relative_source
from ingest.read.files import read_file
from ingest.runner.pool import run_isolated, run_ordered
from ingest.runner.ticks import DOCUMENT, FILE, tick
from ingest.steps.document import document_steps, process_document, process_file, warm_up
from ingest.store.write import spill_documents, spill_part

RETRY_REASONS = frozenset({"unreadable", "internal_error", "timeout"})
"""Rejections that may not happen again (a file the OS could not read, a bug, a slow machine): the file is
recorded for retry, and the next run processes it again (`state.RETRY_LIMIT` attempts in all)."""
WORKER_CRASHED = "worker_crashed"


@dataclass
class WorkUnit:
    """One task: `paths` read by the worker, or `records` already read from a large file."""

    index: int
    paths: list[Path] = field(default_factory=list)
    records: list[Document] = field(default_factory=list)
    n_files: int = 0
    """Files this unit completes (progress): every file of a batch, 1 for a large file's last chunk."""


@dataclass
class SpillPart:
    """A unit's documents, spilled to a Parquet part in the run's staging folder, and the counts the run
    summary needs from them. Small, so that a task can return it cheaply."""

    path: Path
    rows: int
    reasons: dict[str, int]
    rules: dict[str, int]
    retry: list[str]
    """Source files with a rejection in RETRY_REASONS: recorded for retry in the manifest."""


@dataclass(frozen=True)
class Job:
    """What every unit of a run shares (sent once per task to the worker)."""

    raw_root: Path
    config: IngestConfig
    staging: Path
    started: datetime


class _Tally:
    """Counts what passes to the spill, for the run summary, and notes files to retry."""

    def __init__(self) -> None:
        self.reasons: Counter[str] = Counter()
        self.rules: Counter[str] = Counter()
        self.retry: set[str] = set()

    def observe(self, docs: Iterable[Document]) -> Iterator[Document]:
        for doc in docs:
            if doc.reason:
                self.reasons[doc.reason] += 1
                if doc.reason in RETRY_REASONS:
                    self.retry.add(doc.source_path)
            self.rules.update(r.rule for r in doc.removed)
            yield doc


def spill_batch(docs: Iterable[Document], staging: Path, index: int, started: datetime) -> SpillPart:
    """Stream processed documents to spill part `index` (atomically: a retried unit replaces its part)."""
    tally = _Tally()
    rows = spill_documents(tally.observe(docs), staging, started, index)
    return SpillPart(
        spill_part(staging, index), rows, dict(tally.reasons), dict(tally.rules), sorted(tally.retry)
    )


def unit_documents(unit: WorkUnit, raw_root: Path, config: IngestConfig) -> Iterator[Document]:
    """Every document of a unit through every per-document step, in order."""
    for path in unit.paths:
        for doc in process_file(path, raw_root, config):
            yield doc
            tick(DOCUMENT)
        tick(FILE)
    if unit.records:
        steps = document_steps(config)
        for doc in unit.records:
            yield process_document(doc, steps, config)
            tick(DOCUMENT)
    if unit.n_files and not unit.paths:  # the last chunk of a large file
        tick(FILE)


def spill_unit(unit: WorkUnit, job: Job) -> SpillPart:
    """A worker task: one unit through every step, spilled to its part by the worker itself."""
    warm_up(job.config)
    return spill_batch(unit_documents(unit, job.raw_root, job.config), job.staging, unit.index, job.started)


def _documents_alone(unit: WorkUnit, raw_root: Path, config: IngestConfig) -> list[Document]:
    warm_up(config)
    return list(unit_documents(unit, raw_root, config))


def crashed(doc: Document, how: str) -> Document:
    """The row of a document (or a whole file) whose worker process died on it twice."""
    doc.data = doc.html = doc.raw_text = doc.text = None
    doc.reject(WORKER_CRASHED, f"the worker process {how} on it twice: in the pool, then alone")
    return assign_ids(doc)


def rescue_unit(unit: WorkUnit, job: Job, context: BaseContext | None = None) -> SpillPart:
    """A unit whose worker pool broke: every file (or record) once more, each in a process of its own;
    one that kills its process again becomes a `worker_crashed` row, the others are processed normally."""
    docs: list[Document] = []
    singles = [WorkUnit(unit.index, paths=[p]) for p in unit.paths]
    singles += [WorkUnit(unit.index, records=[r]) for r in unit.records]
    for single in singles:
        outcome = run_isolated(_documents_alone, (single, job.raw_root, job.config), context)
        if outcome.crash is None:
            docs += outcome.result or []
        elif single.paths:
            path = single.paths[0]
            docs.append(crashed(Document(source_path=relative_source(path, job.raw_root)), outcome.crash))
        else:
            record = single.records[0]
            docs.append(crashed(Document(record.source_path, record.source_record), outcome.crash))
    return spill_batch(docs, job.staging, unit.index, job.started)


def batched(items: Sequence[Path], size: int) -> list[list[Path]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def batch_size(n_files: int, workers: int, config: IngestConfig) -> int:
    """Files per worker task: at most `run.batch_files`, and few enough for about four tasks per worker,
    so that on small inputs the last task does not keep one worker busy while the others idle."""
    return max(1, min(config.run.batch_files, -(-n_files // (max(1, workers) * 4))))


def _is_large(path: Path, config: IngestConfig) -> bool:
    try:
        return path.stat().st_size > config.run.stream_file_bytes
    except OSError:
        return False


def work_units(
    paths: Sequence[Path], raw_root: Path, config: IngestConfig, workers: int
) -> Iterator[WorkUnit]:
    """The units of a run in discovery order. Small files go in batches (`batch_size`); a large file
    (`run.stream_file_bytes`, when there are several workers to spread it over) is read here, one record
    at a time, and its records go out in chunks of `run.task_bytes` of content, at most
    `run.records_per_task` records: tasks sized by work, not by a record count that makes a million tiny
    records a million-part spill."""
    size = batch_size(len(paths), workers, config)
    index = 0
    small: list[Path] = []
    for path in paths:
        if workers <= 1 or not _is_large(path, config):
            small.append(path)
            if len(small) >= size:
                yield WorkUnit(index, paths=small, n_files=len(small))
                index, small = index + 1, []
            continue
        if small:
            yield WorkUnit(index, paths=small, n_files=len(small))
            index, small = index + 1, []
        chunk: list[Document] = []
        chunk_bytes = 0
        for doc in read_file(path, relative_source(path, raw_root), config.read, decode=False):
            chunk.append(doc)
            chunk_bytes += len(doc.data or b"") + len(doc.html or "") + len(doc.raw_text or "")
            if len(chunk) >= config.run.records_per_task or chunk_bytes >= config.run.task_bytes:
                yield WorkUnit(index, records=chunk)
                index, chunk, chunk_bytes = index + 1, [], 0
        yield WorkUnit(index, records=chunk, n_files=1)
        index += 1
    if small:
        yield WorkUnit(index, paths=small, n_files=len(small))


def workers_for(paths: Sequence[Path], config: IngestConfig) -> int:
    """Worker processes for a run: one per core (`run.workers`), but a single one below
    `run.parallel_min_files` files unless a large file is there to fan out. Never none: documents are
    always processed in a worker, so one that crashes its process costs that document, not the run."""
    workers = config.effective_workers()
    if len(paths) < config.run.parallel_min_files and not any(_is_large(p, config) for p in paths):
        return 1
    return workers


def spill_units(
    paths: Sequence[Path], job: Job, progress: Callable[[int], None] | None = None
) -> list[SpillPart]:
    """Every file of a run through every step in worker processes, spilled unit by unit: the run's
    spill parts in discovery order."""
    workers = workers_for(paths, job.config)
    warm_up(job.config)  # before the workers fork: they inherit what it loaded
    units = work_units(paths, job.raw_root, job.config, workers)

    def done(unit: WorkUnit, part: SpillPart) -> None:
        checkpoint("run:unit")
        if progress and unit.n_files:
            progress(unit.n_files)

    run = partial(spill_unit, job=job)
    rescue = partial(rescue_unit, job=job)
    return list(run_ordered(run, units, workers, on_broken=rescue, done=done))


def process_files(
    paths: Sequence[Path], raw_root: Path, config: IngestConfig, progress: Callable[[int], None] | None = None
) -> Iterator[Document]:
    """Documents of all `paths` in discovery order (path, then record index), as a stream, processed in
    worker processes (for benchmarks and tests that want the documents themselves, not a dataset)."""
    workers = workers_for(paths, config)
    warm_up(config)

    def done(unit: WorkUnit, docs: list[Document]) -> None:
        if progress and unit.n_files:
            progress(unit.n_files)

    def broken(unit: WorkUnit) -> list[Document]:
        raise RuntimeError(f"a worker process died while processing unit {unit.index}")

    run = partial(_documents_alone, raw_root=raw_root, config=config)
    for docs in run_ordered(run, work_units(paths, raw_root, config, workers), workers, broken, done):
        yield from docs
