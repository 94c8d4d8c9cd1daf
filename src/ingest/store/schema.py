"""The columns of the output: what a row of documents/, rejected/ and a run's spill parts holds.

`DOCUMENT_FIELDS` are the columns every row has; kept documents add `duplicates_in_run`, rejected ones the
`reason` and the duplicate details. The spill schema is the rejected one with `reason` and `run_id`
nullable plus the two columns the run-level duplicate decisions read (`minhash`, `n_chars`): every
processed document is spilled once in it, and `write.route_spill` routes each row to documents/ or
rejected/ after the decisions. The schemas live apart from the writers: readers of the output (the commit
step, the cross-document step, tests) need the columns, not the part writer.

Every part file says what it holds: each column carries a `description` in its field metadata, and the
file's key-value metadata has `ingest.schema_version` (`SCHEMA_VERSION`, raised whenever a column is added,
removed, renamed or changes type; parts of an older version are upgraded by `store.migrate` when a run
carries them over) and `ingest.table`. The data dictionary (docs/concepts/data-dictionary.md) says the same
at length.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pyarrow as pa

from ingest import PIPELINE_VERSION
from ingest.document import Document
from ingest.store.derived import host_of, published_date

SCHEMA_VERSION = "2"
"""Version of the output columns. 1: before the version was recorded (no `ingest.schema_version` key).
2: `host`, `run_id`, `duplicate_method` added, `published` a date, `duplicate_count` renamed
`duplicates_in_run`."""
SCHEMA_VERSION_KEY = b"ingest.schema_version"

DESCRIPTIONS = {
    "doc_id": "stable id: hash of source_path, source_record and content_hash",
    "source_path": "path of the raw file relative to the raw folder, POSIX separators",
    "source_record": "index of the record inside the raw file (0 for single-document files)",
    "url": "canonical URL of the page, else the WARC target or the JSON record's URL",
    "host": "host of url, lower-case, without a leading www. label; null without a URL",
    "title": "headline",
    "author": "byline or author metadata",
    "published": "publication date (a calendar day) where the source states one unambiguously",
    "site": "publisher name from the page's metadata or text",
    "language": "ISO 639-1 code, 'und' when undetectable",
    "language_score": "langdetect probability of language",
    "text": "the article body, one paragraph per line",
    "n_words": "whitespace-separated words in text",
    "removed": "every line taken out of the text, with the rule that took it",
    "content_type": "text/plain or text/html, detected from the content",
    "encoding": "the encoding the bytes were decoded with",
    "content_hash": "xxh3-128 of the folded text: equal for exact duplicates",
    "description": "the page's description metadata (HTML)",
    "categories": "section and category metadata of the page (HTML)",
    "tags": "tag and keyword metadata of the page (HTML)",
    "fetched_at": "when the crawler fetched the page (WARC-Date)",
    "ingested_at": "start of the run that wrote the row",
    "run_id": "the run that wrote the row: OUT/_runs/<run_id>.json is its summary",
    "pipeline_version": "version of ingest that wrote the row",
    "duplicates_in_run": "copies of this document rejected by the run that wrote it (all copies: "
    "count rejected rows whose duplicate_of is this doc_id)",
    "reason": "why the document was not kept",
    "detail": "human-readable specifics of the reason",
    "duplicate_of": "for duplicates: doc_id of the kept copy",
    "similarity": "for duplicates: estimated Jaccard similarity to the kept copy (1.0 for exact copies)",
    "duplicate_method": "for duplicates: how the copy was found: exact, jaccard, containment or transitive",
    "minhash": "MinHash signature (spill only)",
    "n_chars": "characters of text (spill only)",
}


def _field(name: str, type_: pa.DataType, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable, metadata={"description": DESCRIPTIONS[name]})


def _schema(fields: list[pa.Field], table: str) -> pa.Schema:
    metadata = {SCHEMA_VERSION_KEY: SCHEMA_VERSION, "ingest.table": table}
    return pa.schema(fields, metadata=metadata)


REMOVAL_TYPE = pa.struct([("text", pa.string()), ("rule", pa.string())])
DOCUMENT_FIELDS = [
    _field("doc_id", pa.string(), nullable=False),
    _field("source_path", pa.string(), nullable=False),
    _field("source_record", pa.int32(), nullable=False),
    _field("url", pa.string()),
    _field("host", pa.string()),
    _field("title", pa.string()),
    _field("author", pa.string()),
    _field("published", pa.date32()),
    _field("site", pa.string()),
    _field("language", pa.string()),
    _field("language_score", pa.float64()),
    _field("text", pa.string()),
    _field("n_words", pa.int32()),
    _field("removed", pa.list_(REMOVAL_TYPE)),
    _field("content_type", pa.string()),
    _field("encoding", pa.string()),
    _field("content_hash", pa.string()),
    _field("description", pa.string()),
    _field("categories", pa.list_(pa.string())),
    _field("tags", pa.list_(pa.string())),
    _field("fetched_at", pa.timestamp("us", tz="UTC")),
    _field("ingested_at", pa.timestamp("us", tz="UTC"), nullable=False),
    _field("run_id", pa.string(), nullable=False),
    _field("pipeline_version", pa.string(), nullable=False),
]
DUPLICATE_FIELDS = [
    _field("duplicate_of", pa.string()),
    _field("similarity", pa.float64()),
    _field("duplicate_method", pa.string()),
]
DOCUMENTS_SCHEMA = _schema([*DOCUMENT_FIELDS, _field("duplicates_in_run", pa.int32())], "documents")
REJECTED_SCHEMA = _schema(
    [
        *DOCUMENT_FIELDS,
        _field("reason", pa.string(), nullable=False),
        _field("detail", pa.string()),
        *DUPLICATE_FIELDS,
    ],
    "rejected",
)
# Every processed document, before the run-level duplicate decisions: what the writer routes afterwards.
SPILL_SCHEMA = pa.schema(
    [
        *(f.with_nullable(True) if f.name in ("reason", "run_id") else f for f in REJECTED_SCHEMA),
        _field("minhash", pa.binary()),
        _field("n_chars", pa.int64()),
    ]
)
SCHEMAS = {"documents": DOCUMENTS_SCHEMA, "rejected": REJECTED_SCHEMA}


def document_row(doc: Document, ingested_at: datetime) -> dict[str, Any]:
    """The row of one document (without `run_id`, which the run's writer fills in)."""
    row: dict[str, Any] = {f.name: getattr(doc, f.name, None) for f in DOCUMENT_FIELDS}
    row["host"] = host_of(doc.url)
    row["published"] = published_date(doc.published)
    row["removed"] = [{"text": r.text, "rule": r.rule} for r in doc.removed]
    row["ingested_at"] = ingested_at
    row["pipeline_version"] = PIPELINE_VERSION
    if doc.rejected:
        row.update(reason=doc.reason, detail=doc.detail, duplicate_of=doc.duplicate_of, similarity=None)
    else:
        row["duplicates_in_run"] = 0
    return row


def spill_row(doc: Document, ingested_at: datetime) -> dict[str, Any]:
    row = document_row(doc, ingested_at)
    row.update(
        reason=doc.reason,
        detail=doc.detail,
        duplicate_of=doc.duplicate_of,
        minhash=doc.minhash,
        n_chars=doc.n_chars or 0,
    )
    return row
