"""What has been ingested already: the manifest of raw files under OUT/_state/.

Each committed run records, for every raw file it processed, its size, modification time and a hash of its
bytes. The next run compares the raw folder with the manifest and processes only new and changed files, so
a scheduled run on a growing folder never redoes finished work. Size and mtime decide cheaply (as rsync and
make do: a rewrite that keeps both is not noticed); only a file whose size or mtime moved is hashed, and one
whose bytes turn out unchanged (touched, copied back) is not reprocessed.

Rules (documented in the README):
- new file: processed; its rows are added.
- changed file (other bytes at the same relative path): reprocessed; every row of the earlier version, in
  documents/ and rejected/, is superseded (removed) in the same commit that adds the new rows.
- file gone from the raw folder: its rows stay (the dataset is the record of what was ingested); the summary
  counts it as `files_missing`.
- file a run could not finish (a rejection that may not happen again: `unreadable`, `internal_error`,
  `timeout`): recorded with status `retry`; the next run processes it again and its rows are superseded,
  up to RETRY_LIMIT attempts in all, after which the rejection stands (status `done`).
- every entry records the `config_hash` and `pipeline_version` that produced its rows: a run under another
  config or version says how many files were ingested differently (they are not redone by themselves).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ingest.discover import relative_source
from ingest.fsutil import fsync_file
from ingest.readers_entry import entry_problem, problem_digest

MANIFEST = Path("_state") / "manifest.parquet"
MANIFEST_SCHEMA = pa.schema(
    [
        pa.field("source_path", pa.string(), nullable=False),
        pa.field("size", pa.int64(), nullable=False),
        pa.field("mtime_ns", pa.int64(), nullable=False),
        pa.field("content_hash", pa.string(), nullable=False),
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("status", pa.string(), nullable=False),
        pa.field("attempts", pa.int32(), nullable=False),
        pa.field("config_hash", pa.string(), nullable=False),
        pa.field("pipeline_version", pa.string(), nullable=False),
    ]
)
DONE, RETRY = "done", "retry"
RETRY_LIMIT = 3
"""Runs that may process a file whose rejection asks for a retry, the first one included."""


@dataclass(frozen=True, slots=True)
class FileState:
    source_path: str
    size: int
    mtime_ns: int
    content_hash: str
    run_id: str
    """The run whose rows of this file are in the dataset."""
    status: str = DONE
    attempts: int = 1
    config_hash: str = ""
    pipeline_version: str = ""


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


def load_manifest(out: Path) -> dict[str, FileState]:
    path = out / MANIFEST
    if not path.exists():
        return {}
    known = {f.name for f in fields(FileState)}
    rows = pq.read_table(path).to_pylist()  # a manifest of an older version lacks the newer columns
    return {row["source_path"]: FileState(**{k: v for k, v in row.items() if k in known}) for row in rows}


def manifest_table(states: Iterable[FileState]) -> pa.Table:
    rows = sorted((asdict(s) for s in states), key=lambda r: r["source_path"])
    return pa.Table.from_pylist(rows, schema=MANIFEST_SCHEMA)


def plan_run(
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


def is_legacy_manifest(out: Path) -> bool:
    """True for a manifest written before files were recorded for retry: files an earlier version could
    not read were left out of it, so their rows can only be found by reading the dataset."""
    path = out / MANIFEST
    return path.exists() and "status" not in pq.read_schema(path).names


def write_manifest(path: Path, states: Iterable[FileState]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(manifest_table(states), path, compression="zstd")
    fsync_file(path)
