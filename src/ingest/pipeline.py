"""The pipeline: per-document steps composed over raw files, then run-level dedup and the atomic write.

Per-document steps are pure functions `Document -> Document`, applied in order to every document a reader
yields; a rejected document skips the remaining steps but keeps flowing to the writer. Work is shipped to
worker processes in batches of files (CPU is the bottleneck: extraction, cleaning, language detection), and
results come back in discovery order so the output does not depend on scheduling.
"""

from __future__ import annotations

import shutil
import signal
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TypeVar

from ingest import PIPELINE_VERSION
from ingest.clean import clean_text
from ingest.commit import apply, carry_over, is_sealed, recover, seal, staging_dir
from ingest.config import IngestConfig
from ingest.corpus_stage import strip_recurring_lines
from ingest.dedup import assign_ids, minhash_step
from ingest.dedup_stage import dedup_spilled
from ingest.discover import discover, relative_source
from ingest.extract import extract_html
from ingest.language import detect_language
from ingest.lock import LockBusy, run_lock
from ingest.normalize import normalize_field, normalize_text
from ingest.readers import decode_document, read_file
from ingest.records import Document
from ingest.state import Plan, load_manifest
from ingest.state import plan_run as plan_files
from ingest.write import prepare_staging, spill_documents, spill_part

Step = Callable[[Document], Document]
RETRY_NEXT_RUN = "unreadable"
"""Rejection reason of files the OS could not read even after retries: not recorded as ingested."""


class RunError(Exception):
    """A run-level failure (missing raw folder, unwritable output): the run cannot start or finish."""


def clean_step(doc: Document, config: IngestConfig) -> Document:
    """Cleaner over the plain text; metadata the page declared wins over what the text suggests. For HTML
    this is the second pass over trafilatura's main text (precise rules only, see `clean_extracted`),
    unless `extract.clean_html` is off."""
    extracted = doc.content_type == "text/html"
    if extracted and not config.extract.clean_html:
        doc.text, doc.raw_text = doc.raw_text or "", None
        return doc
    result = clean_text(doc.raw_text or "", config.clean, second_pass=extracted)
    doc.raw_text = None
    doc.text = result.text
    doc.removed = [*doc.removed, *result.removed]
    doc.title = doc.title or result.title
    doc.author = doc.author or result.author
    doc.site = doc.site or result.site
    doc.published = doc.published or result.published
    return doc


def normalize_step(doc: Document, config: IngestConfig) -> Document:
    doc.text = normalize_text(doc.text or "")
    doc.title, doc.author, doc.site = (normalize_field(v) for v in (doc.title, doc.author, doc.site))
    return doc


def length_step(doc: Document, config: IngestConfig) -> Document:
    doc.n_words = len((doc.text or "").split())
    if doc.n_words == 0:
        return doc.reject("no_text", "nothing left after cleaning")
    if doc.n_words < config.filter.min_words:
        return doc.reject("too_short", f"{doc.n_words} words < filter.min_words={config.filter.min_words}")
    return doc


def language_step(doc: Document, config: IngestConfig) -> Document:
    doc.language, doc.language_score = detect_language(doc.text or "", config.language)
    allowed = config.language.allowed
    if allowed and doc.language not in allowed:
        return doc.reject("language", f"{doc.language} not in language.allowed={list(allowed)}")
    return doc


class DocumentTimeout(BaseException):
    """Raised by the timer in the middle of a document's steps. A BaseException, so that the broad
    `except Exception` inside trafilatura and lxml callbacks cannot swallow it."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise DocumentTimeout in this thread after `seconds` of wall time.

    A SIGALRM interval timer: it works in the main thread of a process (the CLI, and every worker process of
    the pool), interrupting Python code (trafilatura's tree walks, the cleaner's regexes between lines) but
    not a single long C call. In any other thread (Prefect runs tasks in threads) signals cannot be used,
    and there is no time limit; the size limit `read.max_document_bytes` still bounds the work.
    """
    usable = seconds > 0 and hasattr(signal, "setitimer")
    if not usable or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise DocumentTimeout

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def document_steps(config: IngestConfig) -> list[Step]:
    """The per-document steps in order. Each takes and returns one Document."""
    return [
        partial(decode_document, config=config.read),
        partial(extract_html, config=config.extract),
        partial(clean_step, config=config),
        partial(normalize_step, config=config),
        partial(length_step, config=config),
        partial(language_step, config=config),
        partial(minhash_step, config=config.dedup),
    ]


def process_document(doc: Document, steps: Sequence[Step], config: IngestConfig) -> Document:
    """One document through every step, within `read.max_document_seconds`. Never raises for bad input."""
    limit = config.read.max_document_seconds
    try:
        with time_limit(limit):
            for step in steps:
                if doc.rejected:
                    break
                try:
                    doc = step(doc)
                except Exception as exc:  # a bug on one document must not kill the run
                    doc.reject("internal_error", f"{type(exc).__name__}: {exc}")
    except DocumentTimeout:
        doc.text = None
        doc.reject("timeout", f"processing took longer than read.max_document_seconds={limit}")
    doc.html = doc.raw_text = doc.data = None
    return assign_ids(doc)


def process_file(path: Path, raw_root: Path, config: IngestConfig) -> Iterator[Document]:
    """Every document of one raw file, through every per-document step, as a stream: a multi-record file
    (WARC, JSON Lines) is read one record at a time and never held in memory whole."""
    steps = document_steps(config)
    for doc in read_file(path, relative_source(path, raw_root), config.read, decode=False):
        yield process_document(doc, steps, config)


def process_batch(paths: Sequence[Path], raw_root: Path, config: IngestConfig) -> list[Document]:
    """Documents of a batch of files, as a list (a worker task's or a Prefect task's result)."""
    return [doc for path in paths for doc in process_file(path, raw_root, config)]


def process_records(docs: Sequence[Document], config: IngestConfig) -> list[Document]:
    """Documents already read from a large file by the main process, through every step (a worker task)."""
    steps = document_steps(config)
    return [process_document(doc, steps, config) for doc in docs]


def batched(items: Sequence[Path], size: int) -> list[list[Path]]:
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def batch_size(n_files: int, workers: int, config: IngestConfig) -> int:
    """Files per worker task: at most `run.batch_files`, and few enough for about four tasks per worker,
    so that on small inputs the last task does not keep one worker busy while the others idle."""
    return max(1, min(config.run.batch_files, -(-n_files // (max(1, workers) * 4))))


def list_raw_files(raw_root: Path) -> list[Path]:
    if not raw_root.is_dir():
        raise RunError(f"raw folder not found: {raw_root}")
    return list(discover(raw_root))


def _is_large(path: Path, config: IngestConfig) -> bool:
    try:
        return path.stat().st_size > config.run.stream_file_bytes
    except OSError:
        return False


_Unit = tuple[Callable[..., list[Document]], tuple, int]


def _work_units(paths: Sequence[Path], raw_root: Path, config: IngestConfig, size: int) -> Iterator[_Unit]:
    """Worker tasks in discovery order, each with the number of files it completes. Small files go in
    batches of `size` files, read by the worker. A large file (`run.stream_file_bytes`) is read here, one
    record at a time, and its records go out in chunks of `run.task_bytes` of content, at most
    `run.records_per_task` records: tasks sized by work, not by a record count that makes a million tiny
    records a million-part spill."""
    small: list[Path] = []
    for path in paths:
        if not _is_large(path, config):
            small.append(path)
            if len(small) >= size:
                yield process_batch, (small, raw_root, config), len(small)
                small = []
            continue
        if small:
            yield process_batch, (small, raw_root, config), len(small)
            small = []
        chunk: list[Document] = []
        chunk_bytes = 0
        for doc in read_file(path, relative_source(path, raw_root), config.read, decode=False):
            chunk.append(doc)
            chunk_bytes += len(doc.data or b"") + len(doc.html or "") + len(doc.raw_text or "")
            if len(chunk) >= config.run.records_per_task or chunk_bytes >= config.run.task_bytes:
                yield process_records, (chunk, config), 0
                chunk, chunk_bytes = [], 0
        yield process_records, (chunk, config), 1
    if small:
        yield process_batch, (small, raw_root, config), len(small)


def _parallel(paths: Sequence[Path], config: IngestConfig) -> bool:
    """Worker processes pay off with several cores and enough files, or one large file to fan out."""
    return config.effective_workers() > 1 and (
        len(paths) >= config.run.parallel_min_files or any(_is_large(p, config) for p in paths)
    )


def process_files(
    paths: Sequence[Path], raw_root: Path, config: IngestConfig, progress: Callable[[int], None] | None = None
) -> Iterator[Document]:
    """Documents of all `paths` in discovery order (path, then record index), as a stream.

    In worker processes when there are enough files or one large file; otherwise in this process. At most
    a few tasks per worker are in flight, so memory stays bounded whatever the size of the input.
    """
    workers = config.effective_workers()
    if not _parallel(paths, config):
        for path in paths:
            yield from process_file(path, raw_root, config)
            if progress:
                progress(1)
        return
    size = batch_size(len(paths), workers, config)
    for docs in _in_pool(_work_units(paths, raw_root, config, size), workers, progress):
        yield from docs


R = TypeVar("R")


def _in_pool(
    units: Iterable[tuple[Callable[..., R], tuple, int]], workers: int, progress: Callable[[int], None] | None
) -> Iterator[R]:
    """Results of (function, arguments, files it completes) work units run in worker processes, in the
    units' order; at most two units per worker are in flight, so memory stays bounded."""
    in_flight: deque[tuple[Future[R], int]] = deque()

    def collect() -> R:
        future, n_files = in_flight.popleft()
        result = future.result()
        if progress and n_files:
            progress(n_files)
        return result

    with ProcessPoolExecutor(max_workers=workers) as pool:
        for fn, args, n_files in units:
            in_flight.append((pool.submit(fn, *args), n_files))
            while len(in_flight) > workers * 2:
                yield collect()
        while in_flight:
            yield collect()


@dataclass
class RunSummary:
    run_id: str
    raw: str
    out: str
    pipeline_version: str
    started_at: str
    files_read: int = 0
    """Raw files processed by this run (new and changed ones)."""
    files_new: int = 0
    files_changed: int = 0
    files_unchanged: int = 0
    """Already ingested with the same content: skipped."""
    files_missing: int = 0
    """In the manifest but gone from the raw folder: their rows stay."""
    rows_superseded: int = 0
    """Rows of earlier versions of changed files, removed by this run."""
    documents_kept: int = 0
    documents_rejected: int = 0
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    lines_removed_by_rule: dict[str, int] = field(default_factory=dict)
    dedup: dict[str, float] = field(default_factory=dict)
    """Duplicate stage: earlier-run documents matched in the index, duplicates of them, seconds."""
    recovered_runs: list[str] = field(default_factory=list)
    """Runs that had committed but were cut off before finishing; this run completed them first."""
    committed: bool = False
    """False when there was nothing new to ingest and nothing was written."""
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)

    def format(self) -> str:
        if not self.committed:
            return (
                f"nothing to do: {self.files_unchanged} files already ingested, none new or changed; "
                f"{self.out} left as it was ({self.seconds:.2f} s)"
            )
        lines = [
            f"run {self.run_id}: {self.files_read} files read, {self.documents_kept} documents kept, "
            f"{self.documents_rejected} rejected, {self.seconds:.2f} s",
            f"files: {self.files_new} new, {self.files_changed} changed ({self.rows_superseded} old rows "
            f"superseded), {self.files_unchanged} unchanged, {self.files_missing} missing",
            f"output: {self.out}",
        ]
        for title, counts in (
            ("rejected by reason", self.rejected_by_reason),
            ("lines removed by rule", self.lines_removed_by_rule),
        ):
            if counts:
                lines.append(f"{title}:")
                lines += [f"  {name:<28} {n:>8}" for name, n in sorted(counts.items(), key=lambda kv: -kv[1])]
        return "\n".join(lines)


@dataclass
class RunPlan:
    """A run's identity and the files it has to process, decided under OUT's lock."""

    run_id: str
    started: datetime
    clock_start: float
    files: Plan
    recovered_runs: list[str]


def plan_run(raw_root: Path, out: Path) -> RunPlan:
    """Finish or discard what crashed runs left (commit.recover), then compare the raw folder with the
    manifest of ingested files. Call with OUT's run lock held."""
    clock_start = time.perf_counter()
    started = datetime.now(UTC)
    run_id = new_run_id(started)
    paths = list_raw_files(raw_root)
    recovered = recover(out)
    files = plan_files(paths, raw_root, load_manifest(out), run_id)
    return RunPlan(run_id, started, clock_start, files, recovered)


class _Tally:
    """Counts what passes to the writer, for the run summary, and notes files that could not be read."""

    def __init__(self) -> None:
        self.reasons: Counter[str] = Counter()
        self.rules: Counter[str] = Counter()
        self.unreadable: set[str] = set()

    def observe(self, docs: Iterable[Document]) -> Iterator[Document]:
        for doc in docs:
            if doc.reason:
                self.reasons[doc.reason] += 1
                if doc.reason == RETRY_NEXT_RUN:
                    self.unreadable.add(doc.source_path)
            self.rules.update(r.rule for r in doc.removed)
            yield doc


@dataclass
class SpillPart:
    """A batch's processed documents, spilled to a Parquet part in the run's staging folder, and the counts
    the run summary needs from them. Small, so that a Prefect task can return it cheaply: the documents
    themselves never travel between processes."""

    path: Path
    rows: int
    reasons: dict[str, int]
    rules: dict[str, int]
    unreadable: list[str]


def spill_batch(docs: Iterable[Document], staging: Path, index: int, started: datetime) -> SpillPart:
    """Stream processed documents to spill part `index` of the run staged in `staging` (atomically: a
    retried batch replaces its part, never adds to it)."""
    tally = _Tally()
    rows = spill_documents(tally.observe(docs), staging, started, index)
    return SpillPart(
        spill_part(staging, index), rows, dict(tally.reasons), dict(tally.rules), sorted(tally.unreadable)
    )


def process_batch_to_spill(
    paths: Sequence[Path], raw_root: Path, config: IngestConfig, staging: Path, index: int, started: datetime
) -> SpillPart:
    """Batch `index` of a run through every per-document step, straight to its spill part (a flow's
    batch task: the worker writes the rows itself and returns only a handle)."""
    docs = (doc for path in paths for doc in process_file(path, raw_root, config))
    return spill_batch(docs, staging, index, started)


def _spill_unit(
    fn: Callable[..., list[Document]], args: tuple, staging: Path, index: int, started: datetime
) -> SpillPart:
    """A worker task of `process_files_to_spill`: one work unit through every step, spilled by the worker."""
    return spill_batch(fn(*args), staging, index, started)


def process_files_to_spill(
    paths: Sequence[Path],
    raw_root: Path,
    config: IngestConfig,
    staging: Path,
    started: datetime,
    progress: Callable[[int], None] | None = None,
) -> list[SpillPart]:
    """What `process_files` does, with each worker spilling its own documents to the run's staging folder
    (one part per work unit, numbered in discovery order) and returning a small `SpillPart`: no Document
    travels back to this process to be unpickled and spilled on the cores the workers need, as the flow's
    batch tasks do. In this process when `process_files` would be."""
    if not _parallel(paths, config):
        return [spill_batch(process_files(paths, raw_root, config, progress), staging, 0, started)]
    workers = config.effective_workers()
    units = _work_units(paths, raw_root, config, batch_size(len(paths), workers, config))
    spilled = (
        (_spill_unit, (fn, args, staging, index, started), n_files)
        for index, (fn, args, n_files) in enumerate(units)
    )
    return list(_in_pool(spilled, workers, progress))


def new_run_id(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S%fZ")


def _base_summary(raw_root: Path, out: Path, plan: RunPlan) -> RunSummary:
    files = plan.files
    return RunSummary(
        run_id=plan.run_id,
        raw=str(raw_root),
        out=str(out),
        pipeline_version=PIPELINE_VERSION,
        started_at=plan.started.isoformat(),
        files_read=len(files.to_process),
        files_new=len(files.new),
        files_changed=len(files.changed),
        files_unchanged=len(files.unchanged),
        files_missing=len(files.missing),
        recovered_runs=plan.recovered_runs,
    )


@contextmanager
def run_staging(out: Path, plan: RunPlan) -> Iterator[Path | None]:
    """The run's staging folder `OUT/.staging-<run_id>/` (None when there is nothing to process).

    If the body fails before the run is sealed, the folder is removed (a process killed outright leaves
    it to the next run's recovery, which deletes unsealed folders): its spilled and staged rows never
    reach OUT. An OSError is a run-level failure."""
    if not plan.files.to_process:
        yield None
        return
    staging = prepare_staging(out, plan.run_id)
    try:
        yield staging
    except OSError as exc:
        if not is_sealed(staging):
            shutil.rmtree(staging, ignore_errors=True)
        raise RunError(f"cannot write output to {out}: {exc}") from exc
    except BaseException:
        if not is_sealed(staging):
            shutil.rmtree(staging, ignore_errors=True)
        raise


def commit_run(
    parts: Sequence[SpillPart], raw_root: Path, out: Path, config: IngestConfig, plan: RunPlan
) -> RunSummary:
    """Run-level steps shared by every entry point, over the run's spilled parts (in output order): dedup
    into staging, then the crash-safe commit (commit.py). Call inside `run_staging`."""
    files = plan.files
    summary = _base_summary(raw_root, out, plan)
    if not files.to_process:
        summary.seconds = round(time.perf_counter() - plan.clock_start, 3)
        return summary
    staging = staging_dir(out, plan.run_id)
    reasons: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    unreadable: set[str] = set()
    for part in parts:
        reasons.update(part.reasons)
        rules.update(part.rules)
        unreadable.update(part.unreadable)
    # Rows of every processed file are replaced: those of a changed file's earlier version, and the
    # `unreadable` rejection of a file an earlier run could not read.
    replaced = frozenset(relative_source(p, raw_root) for p in files.to_process)
    rules.update(strip_recurring_lines([part.path for part in parts], config))
    written, duplicates, summary.dedup = dedup_spilled(
        [part.path for part in parts], out, staging, plan.run_id, plan.started, config, replaced
    )
    summary.rows_superseded = carry_over(out, staging, set(replaced))
    reasons.update(duplicates)
    summary.documents_kept, summary.documents_rejected = written.kept, written.rejected
    summary.rejected_by_reason = dict(sorted(reasons.items()))
    summary.lines_removed_by_rule = dict(sorted(rules.items()))
    summary.committed = True
    summary.seconds = round(time.perf_counter() - plan.clock_start, 3)
    # A file that could not be read stays out of the manifest, so the next run tries it again.
    manifest = [state for path, state in files.states.items() if path not in unreadable]
    seal(staging, plan.run_id, summary.to_dict(), manifest)
    apply(staging, out)
    return summary


def check_folders(raw_root: Path, out: Path) -> None:
    """Run-level preconditions, checked before any work: the raw folder exists, OUT is writable."""
    if not raw_root.is_dir():
        raise RunError(f"raw folder not found: {raw_root}")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".write-probe"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise RunError(f"output folder is not writable: {out} ({exc.strerror or exc})") from exc


def run(
    raw_root: Path,
    out: Path,
    config: IngestConfig,
    progress: Callable[[int], None] | None = None,
    on_files: Callable[[int], None] | None = None,
    wait: bool = False,
) -> RunSummary:
    """The whole job in this process (and its workers): new and changed raw files in, dataset updated.

    Holds the output folder's lock for the whole run; `wait` queues behind a running job instead of failing.
    """
    check_folders(raw_root, out)
    with locked_output(out, wait):
        plan = plan_run(raw_root, out)
        if on_files:
            on_files(len(plan.files.to_process))
        with run_staging(out, plan) as staging:
            parts = []
            if staging is not None:
                parts = process_files_to_spill(
                    plan.files.to_process, raw_root, config, staging, plan.started, progress
                )
            return commit_run(parts, raw_root, out, config, plan)


@contextmanager
def locked_output(out: Path, wait: bool = False) -> Iterator[None]:
    """The run lock, with a busy lock reported as a run-level error."""
    try:
        with run_lock(out, wait):
            yield
    except LockBusy as exc:
        raise RunError(str(exc)) from None
