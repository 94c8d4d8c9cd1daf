"""The small typed record that flows through every pipeline step.

A `Document` starts life as a discovered source (path plus record index), gains text and metadata step by
step, and ends either kept or rejected. Rejection is a field, not an exception: a rejected document keeps
flowing (untouched by later steps) so the writer can put it in `rejected/` with its reason, and nothing
vanishes silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Removal:
    """One line the cleaner took out of the body, and the name of the rule that took it."""

    text: str
    rule: str


@dataclass(slots=True)
class Document:
    source_path: str
    source_record: int = 0
    content_type: str | None = None
    encoding: str | None = None
    raw_text: str | None = None
    html: str | None = None
    url: str | None = None
    title: str | None = None
    author: str | None = None
    published: str | None = None
    site: str | None = None
    text: str | None = None
    removed: list[Removal] = field(default_factory=list)
    language: str | None = None
    language_score: float | None = None
    n_words: int | None = None
    content_hash: str | None = None
    n_chars: int | None = None
    """Characters of the text as duplicate detection compares it (`dedup.keys.dedup_key`); set with the
    ids, read by the canonical-copy rule (the longest text wins)."""
    doc_id: str | None = None
    reason: str | None = None
    detail: str | None = None
    duplicate_of: str | None = None
    minhash: bytes | None = None
    """MinHash signature of `text` (uint32 little-endian, `dedup.num_perm` values), computed in the worker."""
    description: str | None = None
    categories: list[str] | None = None
    tags: list[str] | None = None
    fetched_at: datetime | None = None
    """When a crawler fetched the page (WARC-Date); None when the input does not say."""
    data: bytes | None = None
    """Undecoded content from a container record (JSON, WARC), decoded by `decode_document` in the worker."""
    declared_charset: str | None = None
    """Charset the container declared (HTTP Content-Type); a hint, checked against the bytes."""

    @property
    def rejected(self) -> bool:
        return self.reason is not None

    def reject(self, reason: str, detail: str = "") -> Document:
        """Mark as rejected; the first reason wins, so a later step never hides the original cause."""
        if self.reason is None:
            self.reason = reason
            self.detail = detail
        return self
