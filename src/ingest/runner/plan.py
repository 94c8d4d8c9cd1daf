"""Planning a run: the run-level checks, then which raw files are new, changed, to retry, unchanged or
missing, against the manifest (`plan_run` under the lock, `preview` without it).

Size and mtime decide cheaply (as rsync and make do: a rewrite that keeps both is not noticed); only a file
whose size or mtime moved is hashed, and one whose bytes turn out unchanged (touched, copied back) is not
reprocessed. An entry of the raw folder that is not read (a link out of RAW, a pipe, a device) is not
hashed either: its rejection row says why. The rules are in `ingest.store.manifest`'s docstring.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq

from ingest import PIPELINE_VERSION
from ingest.config import REPROCESS_MODES, IngestConfig, config_hash
from ingest.read.discover import discover, relative_source
from ingest.read.entry import entry_problem, problem_digest
from ingest.store.commit import recover
from ingest.store.manifest import DONE, RETRY, RETRY_LIMIT, FileState, is_legacy_manifest, load_manifest


@dataclass
class Plan:
    """What a run has to do, given the raw folder and the manifest."""

    new: list[Path]
    changed: list[Path]
    unchanged: list[str]
    missing: list[str]
    superseded: list[str]
    """Relative paths of the changed and retried files: their earlier rows are replaced by this run's."""
    states: dict[str, FileState]
    """The manifest as it will be once this run commits."""
    retried: list[Path] = field(default_factory=list)
    """Files an earlier run recorded for retry, processed again."""
    stale: list[str] = field(default_factory=list)
    """Unchanged files whose rows were made under another config hash or pipeline version."""

    @property
    def to_process(self) -> list[Path]:
        return sorted([*self.new, *self.changed, *self.retried])


def file_hash(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, lambda: hashlib.blake2b(digest_size=16)).hexdigest()


def compare_files(
    paths: Sequence[Path],
    raw_root: Path,
    manifest: dict[str, FileState],
    run_id: str,
    config_hash: str = "",
    version: str = "",
    redo: frozenset[str] = frozenset(),
) -> Plan:
    """Sort the raw files into new, changed, retried and unchanged against the manifest. Files named in
    `redo` (relative paths, `--reprocess`) count as changed even when their bytes are not."""
    new: list[Path] = []
    changed: list[Path] = []
    retried: list[Path] = []
    unchanged: list[str] = []
    stale: list[str] = []
    states: dict[str, FileState] = {}
    for path in paths:
        rel = relative_source(path, raw_root)
        known = manifest.get(rel)
        try:
            stat = path.stat()
            digest = None
            if not (known and (known.size, known.mtime_ns) == (stat.st_size, stat.st_mtime_ns)):
                # An entry that is not read (a pipe, a device, a link out of RAW) is not hashed either.
                problem = entry_problem(path, raw_root)
                digest = file_hash(path) if problem is None else problem_digest(problem)
        except OSError:
            # The reader will reject it as unreadable, and it is recorded for retry. An ingested file
            # that cannot be read now keeps its rows, like a missing one.
            if known is None:
                new.append(path)
                states[rel] = FileState(rel, -1, -1, "", run_id, DONE, 1, config_hash, version)
            elif known.status == RETRY:
                retried.append(path)
                states[rel] = replace(known, run_id=run_id, attempts=known.attempts + 1)
            continue
        fresh = FileState(
            rel, stat.st_size, stat.st_mtime_ns, digest or "", run_id, DONE, 1, config_hash, version
        )
        if known is None:
            new.append(path)
            states[rel] = fresh
        elif known.status == RETRY:
            retried.append(path)
            same = digest is None or digest == known.content_hash
            states[rel] = replace(
                fresh,
                content_hash=digest or known.content_hash,
                attempts=known.attempts + 1 if same else 1,
            )
        elif (digest is not None and known.content_hash != digest) or rel in redo:
            changed.append(path)
            states[rel] = replace(fresh, content_hash=digest or known.content_hash)
        else:
            unchanged.append(rel)
            states[rel] = replace(known, size=stat.st_size, mtime_ns=stat.st_mtime_ns)
            if (known.config_hash, known.pipeline_version) != (config_hash, version):
                stale.append(rel)
    seen = set(states)
    missing = sorted(rel for rel in manifest if rel not in seen)
    for rel in missing:
        states[rel] = manifest[rel]
    superseded = [relative_source(p, raw_root) for p in (*changed, *retried)]
    return Plan(new, changed, unchanged, missing, superseded, states, retried, stale)


def after_run(states: dict[str, FileState], retry: set[str]) -> list[FileState]:
    """The manifest once a run commits: files with a rejection that asks for a retry get status `retry`,
    until their RETRY_LIMIT-th attempt, whose rejection stands."""
    result = []
    for rel, state in states.items():
        if rel in retry:
            state = replace(state, status=RETRY if state.attempts < RETRY_LIMIT else DONE)
        result.append(state)
    return result


class RunError(Exception):
    """A run-level failure (missing raw folder, unwritable output): the run cannot start or finish."""


class OutputBusy(RunError):
    """Another run holds the output folder's lock (and the caller did not ask to wait for it)."""


def list_raw_files(raw_root: Path) -> list[Path]:
    if not raw_root.is_dir():
        raise RunError(f"raw folder not found: {raw_root}")
    return list(discover(raw_root))


@dataclass
class RunPlan:
    """A run's identity and the files it has to process, decided under OUT's lock."""

    run_id: str
    started: datetime
    clock_start: float
    files: Plan
    recovered_runs: list[str]
    config_hash: str = ""
    owners: dict[str, str] | None = None
    """Source path -> the run whose rows of it are in the dataset (from the manifest before this run)."""
    legacy: bool = False
    """The manifest predates retry records: superseded rows are looked for in every part."""


PIPELINE_FAILURES = frozenset({"internal_error", "timeout", "worker_crashed"})


def files_to_redo(out: Path, manifest: dict[str, FileState], mode: str | None) -> frozenset[str]:
    """Relative paths of ingested files that `--reprocess MODE` processes again: `all` of them, those with a
    row in `rejected/` (`rejected`), or those with a document the pipeline itself failed on
    (`internal_error`: reasons internal_error, timeout, worker_crashed)."""
    if mode is None:
        return frozenset()
    if mode == "all":
        return frozenset(manifest)
    if mode not in REPROCESS_MODES:
        raise RunError(f"--reprocess {mode}: expected one of {', '.join(REPROCESS_MODES)}")
    if not (out / "rejected").exists():
        return frozenset()
    table = pq.read_table(out / "rejected", columns=["source_path", "reason"]).to_pylist()
    wanted = (lambda r: True) if mode == "rejected" else (lambda r: r in PIPELINE_FAILURES)
    return frozenset(row["source_path"] for row in table if wanted(row["reason"]))


def plan_run(
    raw_root: Path, out: Path, config: IngestConfig | None = None, reprocess: str | None = None
) -> RunPlan:
    """Finish or discard what crashed runs left (commit.recover), then compare the raw folder with the
    manifest of ingested files. Call with OUT's run lock held."""
    clock_start = time.perf_counter()
    started = datetime.now(UTC)
    run_id = new_run_id(started)
    paths = list_raw_files(raw_root)
    recovered = recover(out)
    files, manifest, digest = _compare(raw_root, out, paths, run_id, config, reprocess)
    owners = {rel: state.run_id for rel, state in manifest.items()}
    return RunPlan(run_id, started, clock_start, files, recovered, digest, owners, is_legacy_manifest(out))


def _compare(
    raw_root: Path,
    out: Path,
    paths: list[Path],
    run_id: str,
    config: IngestConfig | None,
    reprocess: str | None,
) -> tuple[Plan, dict[str, FileState], str]:
    digest = config_hash(config or IngestConfig(), output_only=True)
    manifest = load_manifest(out)
    redo = files_to_redo(out, manifest, reprocess)
    return compare_files(paths, raw_root, manifest, run_id, digest, PIPELINE_VERSION, redo), manifest, digest


def preview(raw_root: Path, out: Path, config: IngestConfig, reprocess: str | None = None) -> Plan:
    """What a run would do now (`--dry-run`), without taking the lock or changing anything in OUT."""
    check_folders(raw_root, out)
    return _compare(raw_root, out, list_raw_files(raw_root), "dry-run", config, reprocess)[0]


def new_run_id(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S%fZ")


def _inside(inner: Path, outer: Path) -> bool:
    return inner == outer or outer in inner.parents


def check_folders(raw_root: Path, out: Path) -> None:
    """Run-level preconditions, checked before any work: the raw folder exists, and RAW and OUT do not
    overlap (OUT inside RAW would ingest its own output; RAW inside OUT would be deleted with a swapped-out
    version)."""
    if not raw_root.is_dir():
        raise RunError(f"raw folder not found: {raw_root}")
    raw, dest = raw_root.resolve(), out.resolve()
    if _inside(dest, raw) or _inside(raw, dest):
        raise RunError(
            f"the raw folder and the output folder overlap ({raw_root} and {out}): "
            "pick an output folder outside the raw folder, and a raw folder outside the output folder"
        )
