"""Documents to Parquet (zstd), written atomically.

Everything is written into a staging folder inside OUT, then swapped into place with one rename per output
folder (an atomic exchange where the OS offers it). A run that dies before the swap leaves the previous
`documents/` and `rejected/` untouched; the next run removes its leftover staging folder.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ingest import PIPELINE_VERSION
from ingest.records import Document

OUTPUTS = ("documents", "rejected")
STAGING_PREFIX = ".staging-"

REMOVAL_TYPE = pa.struct([("text", pa.string()), ("rule", pa.string())])
DOCUMENT_FIELDS = [
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("source_path", pa.string(), nullable=False),
    pa.field("source_record", pa.int32(), nullable=False),
    pa.field("url", pa.string()),
    pa.field("title", pa.string()),
    pa.field("author", pa.string()),
    pa.field("published", pa.string()),
    pa.field("site", pa.string()),
    pa.field("language", pa.string()),
    pa.field("language_score", pa.float64()),
    pa.field("text", pa.string()),
    pa.field("n_words", pa.int32()),
    pa.field("removed", pa.list_(REMOVAL_TYPE)),
    pa.field("content_type", pa.string()),
    pa.field("encoding", pa.string()),
    pa.field("content_hash", pa.string()),
    pa.field("ingested_at", pa.timestamp("us", tz="UTC"), nullable=False),
    pa.field("pipeline_version", pa.string(), nullable=False),
]
DOCUMENTS_SCHEMA = pa.schema(DOCUMENT_FIELDS)
REJECTED_SCHEMA = pa.schema(
    [
        *DOCUMENT_FIELDS,
        pa.field("reason", pa.string(), nullable=False),
        pa.field("detail", pa.string()),
        pa.field("duplicate_of", pa.string()),
    ]
)


def document_row(doc: Document, ingested_at: datetime) -> dict[str, Any]:
    row: dict[str, Any] = {f.name: getattr(doc, f.name, None) for f in DOCUMENT_FIELDS}
    row["removed"] = [{"text": r.text, "rule": r.rule} for r in doc.removed]
    row["ingested_at"] = ingested_at
    row["pipeline_version"] = PIPELINE_VERSION
    if doc.rejected:
        row.update(reason=doc.reason, detail=doc.detail, duplicate_of=doc.duplicate_of)
    return row


class _PartWriter:
    """Rows to numbered Parquet part files in one folder, a new part every `rows_per_file` rows."""

    def __init__(self, folder: Path, schema: pa.Schema, rows_per_file: int, batch_rows: int = 1000) -> None:
        self.folder, self.schema = folder, schema
        self.rows_per_file, self.batch_rows = rows_per_file, batch_rows
        self.pending: list[dict[str, Any]] = []
        self.part, self.rows_in_part = 0, 0
        self.writer: pq.ParquetWriter | None = None
        folder.mkdir(parents=True, exist_ok=True)

    def add(self, row: dict[str, Any]) -> None:
        self.pending.append(row)
        if len(self.pending) >= self.batch_rows:
            self._flush()

    def _flush(self) -> None:
        while self.pending:
            if self.writer is None:
                path = self.folder / f"part-{self.part:05d}.parquet"
                self.writer = pq.ParquetWriter(path, self.schema, compression="zstd")
            room = self.rows_per_file - self.rows_in_part
            chunk, self.pending = self.pending[:room], self.pending[room:]
            self.writer.write_table(pa.Table.from_pylist(chunk, schema=self.schema))
            self.rows_in_part += len(chunk)
            if self.rows_in_part >= self.rows_per_file:
                self._close_part()

    def _close_part(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None
            self.part += 1
            self.rows_in_part = 0

    def close(self) -> None:
        self._flush()
        if self.part == 0 and self.writer is None:
            # An empty dataset is still a dataset: one part with the schema and no rows.
            pq.write_table(self.schema.empty_table(), self.folder / "part-00000.parquet", compression="zstd")
        self._close_part()


@dataclass
class WriteResult:
    kept: int
    rejected: int


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with renameat2(RENAME_EXCHANGE); False where the OS lacks it."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    if not hasattr(libc, "renameat2"):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return libc.renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _move_into_place(staged: Path, target: Path, trash: Path) -> None:
    if not target.exists():
        staged.rename(target)
    elif _exchange(staged, target):
        return  # the previous output is now at `staged`, removed with the staging folder
    else:
        target.rename(trash)
        staged.rename(target)


def remove_stale_staging(out: Path) -> None:
    """Delete staging folders that a run which died before its swap left behind."""
    for stale in out.glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)


def write_dataset(
    docs: Iterable[Document], out: Path, run_id: str, ingested_at: datetime, rows_per_file: int
) -> WriteResult:
    """Write kept and rejected documents to OUT/documents and OUT/rejected, replacing them atomically."""
    out.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(out)
    staging = out / f"{STAGING_PREFIX}{run_id}"
    writers = {
        "documents": _PartWriter(staging / "documents", DOCUMENTS_SCHEMA, rows_per_file),
        "rejected": _PartWriter(staging / "rejected", REJECTED_SCHEMA, rows_per_file),
    }
    counts = {"documents": 0, "rejected": 0}
    try:
        for doc in docs:
            kind = "rejected" if doc.rejected else "documents"
            writers[kind].add(document_row(doc, ingested_at))
            counts[kind] += 1
        for writer in writers.values():
            writer.close()
        for name in OUTPUTS:
            _move_into_place(staging / name, out / name, staging / f"previous-{name}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return WriteResult(kept=counts["documents"], rejected=counts["rejected"])


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)
