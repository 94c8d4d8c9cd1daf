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
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ingest.discover import relative_source
from ingest.readers_entry import entry_problem, problem_digest

MANIFEST = Path("_state") / "manifest.parquet"
MANIFEST_SCHEMA = pa.schema(
    [
        pa.field("source_path", pa.string(), nullable=False),
        pa.field("size", pa.int64(), nullable=False),
        pa.field("mtime_ns", pa.int64(), nullable=False),
        pa.field("content_hash", pa.string(), nullable=False),
        pa.field("run_id", pa.string(), nullable=False),
    ]
)


@dataclass(frozen=True, slots=True)
class FileState:
    source_path: str
    size: int
    mtime_ns: int
    content_hash: str
    run_id: str


@dataclass
class Plan:
    """What a run has to do, given the raw folder and the manifest."""

    new: list[Path]
    changed: list[Path]
    unchanged: list[str]
    missing: list[str]
    superseded: list[str]
    """Relative paths of the changed files: their earlier rows are replaced by this run's."""
    states: dict[str, FileState]
    """The manifest as it will be once this run commits."""

    @property
    def to_process(self) -> list[Path]:
        return sorted([*self.new, *self.changed])


def file_hash(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, lambda: hashlib.blake2b(digest_size=16)).hexdigest()


def load_manifest(out: Path) -> dict[str, FileState]:
    path = out / MANIFEST
    if not path.exists():
        return {}
    return {row["source_path"]: FileState(**row) for row in pq.read_table(path).to_pylist()}


def manifest_table(states: Iterable[FileState]) -> pa.Table:
    rows = sorted((asdict(s) for s in states), key=lambda r: r["source_path"])
    return pa.Table.from_pylist(rows, schema=MANIFEST_SCHEMA)


def plan_run(paths: Sequence[Path], raw_root: Path, manifest: dict[str, FileState], run_id: str) -> Plan:
    """Sort the raw files into new, changed and unchanged against the manifest."""
    new: list[Path] = []
    changed: list[Path] = []
    unchanged: list[str] = []
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
            if known is None:
                new.append(path)  # the reader rejects it as unreadable; it stays out of the manifest
            continue  # an ingested file that cannot be read now keeps its rows, like a missing one
        if digest is None or (known is not None and known.content_hash == digest):
            unchanged.append(rel)
            states[rel] = replace(known, size=stat.st_size, mtime_ns=stat.st_mtime_ns)  # type: ignore[arg-type]
        elif known is None:
            new.append(path)
            states[rel] = FileState(rel, stat.st_size, stat.st_mtime_ns, digest, run_id)
        else:
            changed.append(path)
            states[rel] = FileState(rel, stat.st_size, stat.st_mtime_ns, digest, run_id)
    seen = set(states)
    missing = sorted(rel for rel in manifest if rel not in seen)
    for rel in missing:
        states[rel] = manifest[rel]
    superseded = [relative_source(p, raw_root) for p in changed]
    return Plan(new, changed, unchanged, missing, superseded, states)


def write_manifest(path: Path, states: Iterable[FileState]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(manifest_table(states), path, compression="zstd")
