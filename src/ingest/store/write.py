"""Documents to Parquet (zstd) in a run's staging folder; `commit.py` moves them into place.

Each batch spills its processed documents to one spill part (`spill_documents`); after the run-level
duplicate decisions, `route_spill` streams the spilled rows into documents/ and rejected/ part files. The
columns of all three are in `schema`.

Part files are named `part-<run_id>-NNNNN.parquet`, so parts of successive incremental runs live side by
side in one folder without clashing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ingest.document import Document
from ingest.store.schema import DOCUMENTS_SCHEMA, REJECTED_SCHEMA, SPILL_SCHEMA, spill_row

OUTPUTS = ("documents", "rejected")


class RowDecisions(Protocol):
    """Run-level decisions per spilled row, in row order (`dedup.columns.Decisions` is one): a value other
    than None replaces the row's own `reason`, `detail` or `duplicate_of`."""

    reason: list[str | None]
    detail: list[str | None]
    duplicate_of: list[str | None]
    similarity: list[float | None]
    method: list[str | None]
    duplicates_in_run: list[int]


STAGING_PREFIX = ".staging-"


ROW_GROUP_ROWS = 50_000
"""Rows per Parquet row group at most: large groups keep the footer small and scans fast (DuckDB, Spark and
polars parallelise over row groups; a group of a few dozen rows costs more in metadata than it holds)."""
ROW_GROUP_BYTES = 64 << 20
"""In-memory Arrow bytes per row group at most (whichever limit comes first): long texts stay in bounded
memory while a group is gathered."""


def write_part(table: pa.Table, path: Path, schema: pa.Schema) -> None:
    """One whole part file: `table` (in `schema`'s columns) in row groups of the sizes above, with the
    schema's field descriptions and version in the file's metadata."""
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        writer.write_table(table.select(schema.names).cast(schema), row_group_size=ROW_GROUP_ROWS)


class _PartWriter:
    """Rows to numbered Parquet part files in one folder, a new part every `rows_per_file` rows.

    Tables handed over are gathered until a row group is full (`ROW_GROUP_ROWS` or `ROW_GROUP_BYTES`), so
    the group size does not follow the size of the batches the rows came in."""

    def __init__(
        self, folder: Path, schema: pa.Schema, rows_per_file: int, batch_rows: int = 1000, prefix: str = ""
    ) -> None:
        self.folder, self.schema, self.prefix = folder, schema, prefix
        self.rows_per_file, self.batch_rows = rows_per_file, batch_rows
        self.pending: list[dict[str, Any]] = []
        self.group: list[pa.Table] = []
        self.group_rows, self.group_bytes = 0, 0
        self.part, self.rows_in_part = 0, 0
        self.rows_total = 0
        self.writer: pq.ParquetWriter | None = None
        folder.mkdir(parents=True, exist_ok=True)

    def add(self, row: dict[str, Any]) -> None:
        self.pending.append(row)
        if len(self.pending) >= self.batch_rows:
            self._flush_rows()

    def add_table(self, table: pa.Table) -> None:
        """Rows already in this writer's schema, after any pending single rows."""
        self._flush_rows()
        start = 0
        while start < table.num_rows:
            room = min(
                self.rows_per_file - self.rows_in_part - self.group_rows, ROW_GROUP_ROWS - self.group_rows
            )
            chunk = table.slice(start, room)
            self.group.append(chunk)
            start += chunk.num_rows
            self.group_rows += chunk.num_rows
            self.group_bytes += chunk.nbytes
            if (
                self.group_rows >= ROW_GROUP_ROWS
                or self.group_bytes >= ROW_GROUP_BYTES
                or self.rows_in_part + self.group_rows >= self.rows_per_file
            ):
                self._write_group()

    def _flush_rows(self) -> None:
        if self.pending:
            rows, self.pending = self.pending, []
            self.add_table(pa.Table.from_pylist(rows, schema=self.schema))

    def _write_group(self) -> None:
        if not self.group_rows:
            return
        if self.writer is None:
            path = self.folder / f"part-{self.prefix}{self.part:05d}.parquet"
            self.writer = pq.ParquetWriter(path, self.schema, compression="zstd")
        group = pa.concat_tables(self.group)  # chunks need not be combined: one group all the same
        self.writer.write_table(group, row_group_size=max(1, group.num_rows))
        self.rows_in_part += group.num_rows
        self.rows_total += group.num_rows
        self.group, self.group_rows, self.group_bytes = [], 0, 0
        if self.rows_in_part >= self.rows_per_file:
            self._close_part()

    def _close_part(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None
            self.part += 1
            self.rows_in_part = 0

    def close(self) -> None:
        self._flush_rows()
        self._write_group()
        self._close_part()


@dataclass
class WriteResult:
    kept: int
    rejected: int


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with renameat2(RENAME_EXCHANGE). False only where the OS or the file
    system lacks the call (ENOSYS, EINVAL); any other failure is raised."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    if not hasattr(libc, "renameat2"):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if libc.renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL):
        return False
    raise OSError(err, os.strerror(err), str(b))


def prepare_staging(out: Path, run_id: str) -> Path:
    """A fresh staging folder for this run (recovery has already dealt with those of dead runs)."""
    out.mkdir(parents=True, exist_ok=True)
    staging = out / f"{STAGING_PREFIX}{run_id}"
    staging.mkdir()
    return staging


SPILL = "spill"


def spill_part(staging: Path, index: int) -> Path:
    """Where batch `index` of a run spills its documents. Parts are read back in name order, which is
    batch order, so the output keeps discovery order however the batches were scheduled."""
    return staging / SPILL / f"part-{index:06d}.parquet"


def spill_documents(docs: Iterable[Document], staging: Path, ingested_at: datetime, index: int = 0) -> int:
    """Processed documents (SPILL_SCHEMA), in order, to spill part `index`; the count written.

    The run's documents are not held in memory: duplicate decisions read back only a few columns, then
    `route_spill` streams the rows to documents/ and rejected/. The part is written under a temporary name
    and renamed into place, so a batch that is retried (or run twice by a scheduler) replaces its part
    whole: a crashed attempt leaves at most a temporary file, which readers skip, never doubled rows."""
    target = spill_part(staging, index)
    target.parent.mkdir(exist_ok=True)  # never the staging folder itself: a discarded run stays discarded
    tmp = target.with_name(f".{target.name}.{os.getpid()}-{uuid.uuid4().hex}.tmp")
    count = 0
    try:
        with pq.ParquetWriter(tmp, SPILL_SCHEMA, compression="zstd") as writer:
            rows: list[dict[str, Any]] = []
            for doc in docs:
                rows.append(spill_row(doc, ingested_at))
                if len(rows) >= 1000:
                    writer.write_table(pa.Table.from_pylist(rows, schema=SPILL_SCHEMA))
                    count += len(rows)
                    rows = []
            if rows:
                writer.write_table(pa.Table.from_pylist(rows, schema=SPILL_SCHEMA))
                count += len(rows)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return count


def spill_parts(staging: Path) -> list[Path]:
    """Every complete spill part of a run, in batch order (temporary files of unfinished writes excluded)."""
    return sorted((staging / SPILL).glob("part-*.parquet"))


def read_spill(staging: Path, columns: list[str], parts: Sequence[Path] | None = None) -> pa.Table:
    """`columns` of the spilled rows, parts in batch order (default: every part in staging)."""
    files = spill_parts(staging) if parts is None else list(parts)
    tables = [pq.read_table(part, columns=columns, schema=SPILL_SCHEMA) for part in files]
    if not tables:
        return SPILL_SCHEMA.empty_table().select(columns)
    return pa.concat_tables(tables)


def _spill_batches(parts: Sequence[Path], batch_rows: int = 4096) -> Iterator[pa.Table]:
    for part in parts:
        for batch in pq.ParquetFile(part).iter_batches(batch_size=batch_rows):
            yield pa.Table.from_batches([batch])


def route_spill(
    staging: Path,
    decisions: RowDecisions | None,
    rows_per_file: int,
    run_id: str,
    parts: Sequence[Path] | None = None,
) -> WriteResult:
    """Spilled rows (`parts`, default every part in staging), with the duplicate decisions applied, to
    staging/documents and staging/rejected."""
    prefix = f"{run_id}-"
    writers = {
        "documents": _PartWriter(staging / "documents", DOCUMENTS_SCHEMA, rows_per_file, prefix=prefix),
        "rejected": _PartWriter(staging / "rejected", REJECTED_SCHEMA, rows_per_file, prefix=prefix),
    }
    offset = 0
    for table in _spill_batches(spill_parts(staging) if parts is None else parts):
        n = table.num_rows
        if decisions is not None:
            end = offset + n
            merged = {}
            for name in ("reason", "detail", "duplicate_of"):
                decided = getattr(decisions, name)[offset:end]
                current = table.column(name).to_pylist()
                merged[name] = [d if d is not None else c for d, c in zip(decided, current, strict=True)]
            for name, values in merged.items():
                table = table.set_column(
                    table.schema.get_field_index(name), name, pa.array(values, pa.string())
                )
            similarity = pa.array(decisions.similarity[offset:end], pa.float64())
            method = pa.array(decisions.method[offset:end], pa.string())
            counts = pa.array(decisions.duplicates_in_run[offset:end], pa.int32())
        else:
            similarity = pa.nulls(n, pa.float64())
            method = pa.nulls(n, pa.string())
            counts = pa.array(np.zeros(n, dtype=np.int32))
        for name, values in (
            ("similarity", similarity),
            ("duplicate_method", method),
            ("run_id", pa.array([run_id] * n, pa.string())),
        ):
            table = table.set_column(table.schema.get_field_index(name), name, values)
        kept = pc.is_null(table.column("reason"))
        documents = table.append_column("duplicates_in_run", counts).filter(kept)
        writers["documents"].add_table(documents.select(DOCUMENTS_SCHEMA.names).cast(DOCUMENTS_SCHEMA))
        rejected = table.filter(pc.invert(kept))
        writers["rejected"].add_table(rejected.select(REJECTED_SCHEMA.names).cast(REJECTED_SCHEMA))
        offset += n
    for writer in writers.values():
        writer.close()
    return WriteResult(kept=writers["documents"].rows_total, rejected=writers["rejected"].rows_total)
