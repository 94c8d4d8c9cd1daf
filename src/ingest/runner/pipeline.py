"""The run skeleton: lock, plan, process, cross-document steps, dedup, commit, summary.

Per-document work happens in worker processes (`runner.units`, `runner.pool`): each unit of files is
processed and spilled to the run's staging folder by its worker, so documents never travel between
processes and memory stays bounded. The run-level steps (recurring lines, duplicates) then read the spilled
parts back, and the commit (`ingest.store.commit`) makes the new state visible in one step, or not at all.
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ingest import PIPELINE_VERSION
from ingest.config import IngestConfig, config_to_dict
from ingest.dedup.stage import dedup_spilled
from ingest.faults import checkpoint
from ingest.read.discover import relative_source
from ingest.runner.plan import OutputBusy, RunError, RunPlan, after_run, check_folders, plan_run
from ingest.runner.recurring import strip_recurring_lines
from ingest.runner.report_page import stage_report
from ingest.runner.summary import RunSummary
from ingest.runner.units import Job, SpillPart, spill_units
from ingest.store.commit import apply, carry_over, is_sealed, seal, staging_dir
from ingest.store.fs import remove_tree
from ingest.store.lock import LockBusy, LockError, run_lock
from ingest.store.write import prepare_staging

__all__ = [
    "PHASES",
    "Executor",
    "OutputBusy",
    "RunError",
    "RunPlan",
    "RunSummary",
    "check_folders",
    "commit_run",
    "locked_output",
    "plan_run",
    "run",
    "run_staging",
]


def _base_summary(raw_root: Path, out: Path, plan: RunPlan) -> RunSummary:
    files = plan.files
    warnings = []
    if files.stale:
        warnings.append(
            f"{len(files.stale)} unchanged files were ingested under another config or pipeline version "
            f"than this run's ({plan.config_hash[:12]}, {PIPELINE_VERSION}); their rows stay as they are"
        )
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
        files_retried=len(files.retried),
        config_hash=plan.config_hash,
        warnings=warnings,
        recovered_runs=plan.recovered_runs,
    )


@contextmanager
def run_staging(out: Path, plan: RunPlan) -> Iterator[Path | None]:
    """The run's staging folder `OUT/.staging-<run_id>/` (None when there is nothing to process).

    If the body fails before the run is sealed, the folder is removed (a process killed outright leaves
    it to the next run's recovery, which deletes unsealed folders): its spilled and staged rows never
    reach OUT. An OSError (disk full, a folder gone read-only) is a run-level failure."""
    if not plan.files.to_process:
        yield None
        return
    try:
        staging = prepare_staging(out, plan.run_id)
    except OSError as exc:
        raise RunError(f"cannot write output to {out}: {exc.strerror or exc}") from exc
    try:
        yield staging
    except OSError as exc:
        _discard(staging)
        raise RunError(f"cannot write output to {out}: {exc.strerror or exc}") from exc
    except BaseException:
        _discard(staging)
        raise


def _discard(staging: Path) -> None:
    if not is_sealed(staging):
        with contextlib.suppress(OSError):  # if it cannot be removed now, the next run's recovery does
            remove_tree(staging)


def commit_run(
    parts: Sequence[SpillPart],
    raw_root: Path,
    out: Path,
    config: IngestConfig,
    plan: RunPlan,
    on_phase: Callable[[str], None] | None = None,
) -> RunSummary:
    """Run-level steps shared by every entry point, over the run's spilled parts (in output order): dedup
    into staging, then the crash-safe commit (commit.py). Call inside `run_staging`. `on_phase` hears each
    step's name as it starts (`PHASES`)."""
    phase = on_phase or (lambda name: None)
    files = plan.files
    summary = _base_summary(raw_root, out, plan)
    summary.config = config_to_dict(config)
    if not files.to_process:
        summary.seconds = round(time.perf_counter() - plan.clock_start, 3)
        return summary
    staging = staging_dir(out, plan.run_id)
    reasons: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    retry: set[str] = set()
    for part in parts:
        reasons.update(part.reasons)
        rules.update(part.rules)
        retry.update(part.retry)
    # Rows of changed and retried files are replaced. New files have no rows yet, except in a dataset
    # whose manifest predates retry records (it left unreadable files out): there, every processed file.
    replaced = set(files.superseded)
    owners: set[str] | None = {plan.owners[r] for r in replaced if r in (plan.owners or {})}
    if plan.legacy:
        replaced |= {relative_source(p, raw_root) for p in files.to_process}
        owners = None
    phase("recurring lines")
    rules.update(strip_recurring_lines([part.path for part in parts], config))
    checkpoint("run:recurring")
    phase("duplicates")
    written, duplicates, summary.dedup = dedup_spilled(
        [part.path for part in parts],
        out,
        staging,
        plan.run_id,
        plan.started,
        config,
        frozenset(replaced),
        plan.owners or {},
    )
    checkpoint("run:deduplicated")
    phase("committing")
    summary.rows_superseded = carry_over(out, staging, replaced, owners, plan.run_id)
    checkpoint("run:carried")
    reasons.update(duplicates)
    summary.documents_kept, summary.documents_rejected = written.kept, written.rejected
    summary.rejected_by_reason = dict(sorted(reasons.items()))
    summary.lines_removed_by_rule = dict(sorted(rules.items()))
    summary.committed = True
    summary.seconds = round(time.perf_counter() - plan.clock_start, 3)  # what the report shows
    stage_report(summary, out, staging, config.run.report)
    checkpoint("run:reported")
    summary.seconds = round(time.perf_counter() - plan.clock_start, 3)
    seal(staging, plan.run_id, summary.to_dict(), after_run(files.states, retry))
    apply(staging, out)
    return summary


def _probe_writable(out: Path) -> None:
    """Fail early, with one line, when OUT cannot be written (read-only, full)."""
    probe = out / f".write-probe-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        probe.write_bytes(b"probe")
        probe.unlink()
    except OSError as exc:
        probe.unlink(missing_ok=True)
        raise RunError(f"output folder is not writable: {out} ({exc.strerror or exc})") from exc


PHASES = ("planning", "processing", "recurring lines", "duplicates", "committing")
"""The phases of a run, in order, as `run`'s `on_phase` names them."""

Executor = Callable[[Sequence[Path], Job, Callable[[int], None] | None], list[SpillPart]]
"""How a run's files get processed: given the files, the run's `Job` and a progress callback (files done),
return the spill parts in discovery order. `units.spill_units` (worker processes of this machine) is the
default; the Prefect flow passes one that maps its batch tasks over the same work units."""


def run(
    raw_root: Path,
    out: Path,
    config: IngestConfig,
    progress: Callable[[int], None] | None = None,
    on_files: Callable[[int], None] | None = None,
    wait: bool = False,
    reprocess: str | None = None,
    executor: Executor = spill_units,
    on_phase: Callable[[str], None] | None = None,
) -> RunSummary:
    """The whole job, the one skeleton every entry point runs: lock, plan, process (by `executor`),
    cross-document step, dedup, commit, summary. New, changed and retried raw files in, dataset updated.

    Holds the output folder's lock for the whole run; `wait` queues behind a running job instead of failing;
    `reprocess` redoes ingested files (`config.REPROCESS_MODES`). For a display: `on_files` hears how many
    files the run will process, `progress` how many more are done (per work unit; worker processes also
    tick each document, `runner.ticks`), `on_phase` the name of each phase as it starts (`PHASES`).
    """
    check_folders(raw_root, out)
    try:
        with locked_output(out, wait):
            if on_phase:
                on_phase("planning")
            plan = plan_run(raw_root, out, config, reprocess)
            if on_phase:
                on_phase("processing")
            if on_files:
                on_files(len(plan.files.to_process))
            with run_staging(out, plan) as staging:
                parts = []
                if staging is not None:
                    parts = executor(
                        plan.files.to_process, Job(raw_root, config, staging, plan.started), progress
                    )
                    checkpoint("run:processed")
                return commit_run(parts, raw_root, out, config, plan, on_phase)
    except OSError as exc:  # disk full, a folder gone read-only, a file system gone
        raise RunError(f"cannot update {out}: {exc.strerror or exc}") from exc


@contextmanager
def locked_output(out: Path, wait: bool = False) -> Iterator[None]:
    """OUT's run lock for the body, OUT checked writable under it; a busy or unusable lock is a run-level
    error."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RunError(f"output folder is not writable: {out} ({exc.strerror or exc})") from exc
    try:
        with run_lock(out, wait):
            _probe_writable(out)
            yield
    except LockBusy as exc:
        raise OutputBusy(str(exc)) from None
    except LockError as exc:
        raise RunError(str(exc)) from None
