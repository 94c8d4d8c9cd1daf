"""What has been ingested already: the manifest of raw files under OUT/_state/.

Each committed run records, for every raw file it processed, its size, modification time and a hash of its
bytes, the run whose rows of it are in the dataset, and whether it asks for a retry. `runner.plan` compares
the raw folder with it, so a scheduled run on a growing folder never redoes finished work.

Rules (docs/concepts/incremental.md):
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

from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ingest.store.fs import fsync_file

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


def load_manifest(out: Path) -> dict[str, FileState]:
    path = out / MANIFEST
    if not path.exists():
        return {}
    table = pq.read_table(path)  # a manifest of an older version lacks the newer columns
    names = [f.name for f in fields(FileState) if f.name in table.column_names]
    columns = [table.column(name).to_pylist() for name in names]
    return {row[0]: FileState(**dict(zip(names, row, strict=True))) for row in zip(*columns, strict=True)}


def manifest_table(states: Iterable[FileState]) -> pa.Table:
    """The manifest as a table sorted by source path, built column by column (a dataset of 100,000 files
    has a manifest of 100,000 rows, written by every run)."""
    ordered = sorted(states, key=lambda s: s.source_path)
    return pa.table(
        {name: [getattr(s, name) for s in ordered] for name in MANIFEST_SCHEMA.names}, MANIFEST_SCHEMA
    )


def is_legacy_manifest(out: Path) -> bool:
    """True for a manifest written before files were recorded for retry: files an earlier version could
    not read were left out of it, so their rows can only be found by reading the dataset."""
    path = out / MANIFEST
    return path.exists() and "status" not in pq.read_schema(path).names


def write_manifest(path: Path, states: Iterable[FileState]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(manifest_table(states), path, compression="zstd")
    fsync_file(path)
