"""The rows the duplicate decisions read and write, as columns: this run's documents (`RunDocs`), the
earlier runs' documents the cross-run index returned (`PriorDocs`), and the decisions (`Decisions`).

They hold ids, hashes, the few fields the canonical rule reads and the MinHash signatures, never the text,
so a run of a million documents decides in memory. `signatures_from_column` turns the spilled run's binary
signature column into the uint32 matrix `RunDocs.signatures` holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from ingest.dedup.minhash import SIGNATURE_DTYPE

EMPTY_VALUE = np.uint32(0xFFFFFFFF)
"""Every slot of the signature of a text without words (as `minhash` writes it) and of a rejected
document's null signature: a row of it is never a near-duplicate candidate."""


@dataclass
class RunDocs:
    """The columns of this run's documents that decisions read, row i = document i in output order."""

    doc_id: list[str | None]
    content_hash: list[str | None]
    eligible: np.ndarray
    """True for kept (not yet rejected) documents: the only ones that can be copies or canonical."""
    published: list[str | None]
    n_chars: np.ndarray
    source_path: list[str]
    source_record: list[int]
    signatures: np.ndarray | None
    """uint32[n, num_perm], or None when near-duplicate detection is off."""

    def __len__(self) -> int:
        return len(self.doc_id)


@dataclass
class PriorDocs:
    """Documents kept by earlier runs that share a band key or exact hash with this run (from the index)."""

    doc_id: list[str] = field(default_factory=list)
    content_hash: list[str] = field(default_factory=list)
    published: list[str | None] = field(default_factory=list)
    n_chars: list[int] = field(default_factory=list)
    source_path: list[str] = field(default_factory=list)
    source_record: list[int] = field(default_factory=list)
    ingested_at: list[str] = field(default_factory=list)
    signatures: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.doc_id)

    def without_superseded(self, sources: frozenset[str], current_ids: set[str]) -> PriorDocs:
        """Drop entries of files whose rows this run supersedes, unless this run produced the same doc_id
        again (same source, same text: still in the dataset, and already indexed)."""
        keep = [
            i
            for i, (path, doc_id) in enumerate(zip(self.source_path, self.doc_id, strict=True))
            if path not in sources or doc_id in current_ids
        ]
        pick = lambda values: [values[i] for i in keep]  # noqa: E731
        return PriorDocs(
            doc_id=pick(self.doc_id),
            content_hash=pick(self.content_hash),
            published=pick(self.published),
            n_chars=pick(self.n_chars),
            source_path=pick(self.source_path),
            source_record=pick(self.source_record),
            ingested_at=pick(self.ingested_at),
            signatures=None if self.signatures is None else self.signatures[keep],
        )


@dataclass
class Decisions:
    reason: list[str | None]
    detail: list[str | None]
    duplicate_of: list[str | None]
    similarity: list[float | None]
    method: list[str | None]
    """How a rejected copy was linked to the kept one: `decide.EXACT`, `JACCARD`, `CONTAINMENT` or
    `TRANSITIVE`; None for kept documents."""
    duplicates_in_run: np.ndarray
    already_indexed: np.ndarray
    """True for documents whose doc_id an earlier run's index already holds (not appended again)."""

    @property
    def rejected(self) -> int:
        return sum(r is not None for r in self.reason)


def signatures_from_column(column: pa.ChunkedArray | pa.Array, num_perm: int) -> np.ndarray:
    """uint32[n, num_perm] from a binary column of signatures; nulls (rejected documents) are all-empty."""
    column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    n = len(column)
    out = np.full((n, num_perm), EMPTY_VALUE, dtype=SIGNATURE_DTYPE)
    if n == 0:
        return out
    valid = np.asarray(column.is_valid())
    if valid.any():
        values = column.filter(pa.array(valid)).to_pylist()
        if all(len(v) == num_perm * 4 for v in values):
            out[valid] = np.frombuffer(b"".join(values), dtype=SIGNATURE_DTYPE).reshape(-1, num_perm)
    return out
