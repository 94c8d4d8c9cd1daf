"""The columns of the output: what a row of documents/, rejected/ and a run's spill parts holds.

`DOCUMENT_FIELDS` are the columns every row has; kept documents add `duplicate_count`, rejected ones the
`reason` and the duplicate details. The spill schema is the rejected one with `reason` nullable plus the two
columns the run-level duplicate decisions read (`minhash`, `n_chars`): every processed document is spilled
once in it, and `write.route_spill` routes each row to documents/ or rejected/ after the decisions. The
schemas live apart from the writers: readers of the output (the commit step, the cross-document step,
tests) need the columns, not the part writer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pyarrow as pa

from ingest import PIPELINE_VERSION
from ingest.document import Document

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
    pa.field("description", pa.string()),
    pa.field("categories", pa.list_(pa.string())),
    pa.field("tags", pa.list_(pa.string())),
    pa.field("fetched_at", pa.timestamp("us", tz="UTC")),
    pa.field("ingested_at", pa.timestamp("us", tz="UTC"), nullable=False),
    pa.field("pipeline_version", pa.string(), nullable=False),
]
DOCUMENTS_SCHEMA = pa.schema([*DOCUMENT_FIELDS, pa.field("duplicate_count", pa.int32())])
REJECTED_SCHEMA = pa.schema(
    [
        *DOCUMENT_FIELDS,
        pa.field("reason", pa.string(), nullable=False),
        pa.field("detail", pa.string()),
        pa.field("duplicate_of", pa.string()),
        pa.field("similarity", pa.float64()),
    ]
)
# Every processed document, before the run-level duplicate decisions: what the writer routes afterwards.
SPILL_SCHEMA = pa.schema(
    [
        *(f.with_nullable(True) if f.name == "reason" else f for f in REJECTED_SCHEMA),
        pa.field("minhash", pa.binary()),
        pa.field("n_chars", pa.int64()),
    ]
)


def document_row(doc: Document, ingested_at: datetime) -> dict[str, Any]:
    row: dict[str, Any] = {f.name: getattr(doc, f.name, None) for f in DOCUMENT_FIELDS}
    row["removed"] = [{"text": r.text, "rule": r.rule} for r in doc.removed]
    row["ingested_at"] = ingested_at
    row["pipeline_version"] = PIPELINE_VERSION
    if doc.rejected:
        row.update(reason=doc.reason, detail=doc.detail, duplicate_of=doc.duplicate_of, similarity=None)
    else:
        row["duplicate_count"] = 0
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
