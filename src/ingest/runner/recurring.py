"""The run-level cross-document boilerplate step, over a run's spilled documents (see clean_corpus.py).

A line is judged against the whole run, so the step runs after every batch has been cleaned and spilled,
before duplicate detection (which must see the text without the source's recurring lines):
1. count: the url, site and text columns of every spilled row are streamed through `LineCounts`;
2. rewrite: only if some source has recurring lines, each spill part is streamed again and the rows of
   such sources lose those lines (recorded in `removed` as `cross_document_boilerplate`); the columns
   derived from the text (`n_words`, `content_hash`, `doc_id`, `minhash`, `n_chars`) are recomputed. A part
   is replaced atomically; parts with no change are not rewritten.
The language label is not recomputed (a few recurring short lines do not change it), and a document is
never emptied here (`remove_boilerplate` keeps a text that would lose every line).
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ingest.clean.corpus import (
    CORPUS_RULE,
    BoilerplateIndex,
    LineCounts,
    remove_boilerplate,
    source_of,
)
from ingest.config import IngestConfig
from ingest.dedup.keys import assign_ids, minhash_step
from ingest.document import Document, Removal
from ingest.store.schema import SPILL_SCHEMA

_COUNT_COLUMNS = ["url", "site", "text", "reason"]


def _batches(part: Path, columns: list[str] | None = None, rows: int = 2048) -> Iterator[pa.RecordBatch]:
    yield from pq.ParquetFile(part).iter_batches(batch_size=rows, columns=columns)


def count_lines(parts: Sequence[Path]) -> LineCounts:
    """Pass 1: per-source line counts over the kept rows of every part."""
    counts = LineCounts()
    for part in parts:
        for batch in _batches(part, _COUNT_COLUMNS):
            columns = batch.to_pydict()
            for url, site, text, reason in zip(*(columns[c] for c in _COUNT_COLUMNS), strict=True):
                if reason is None and text:
                    counts.add(Document(source_path="", url=url, site=site, text=text))
    return counts


def _stripped_row(
    row: dict[str, Any], index: BoilerplateIndex, config: IngestConfig
) -> dict[str, Any] | None:
    """The row without its source's recurring lines, text-derived columns recomputed; None if unchanged."""
    doc = Document(
        source_path=row["source_path"],
        source_record=row["source_record"],
        url=row["url"],
        site=row["site"],
        text=row["text"],
        removed=[Removal(r["text"], r["rule"]) for r in row["removed"] or []],
    )
    before = doc.text
    remove_boilerplate(doc, index)
    if doc.text == before:
        return None
    doc.n_words = len((doc.text or "").split())
    assign_ids(minhash_step(doc, config.dedup))
    return {
        **row,
        "text": doc.text,
        "removed": [{"text": r.text, "rule": r.rule} for r in doc.removed],
        "n_words": doc.n_words,
        "content_hash": doc.content_hash,
        "doc_id": doc.doc_id,
        "minhash": doc.minhash,
        "n_chars": doc.n_chars,
    }


def _sources(batch: pa.RecordBatch) -> list[str | None]:
    urls, sites = batch.column("url").to_pylist(), batch.column("site").to_pylist()
    return [source_of(Document(source_path="", url=u, site=s)) for u, s in zip(urls, sites, strict=True)]


def _rewrite_part(part: Path, index: BoilerplateIndex, config: IngestConfig) -> Counter[str]:
    """Pass 2 for one part: streamed to a new file that replaces it (atomically) when any row changed; the
    lines removed, by rule. A part with no row of a source that has recurring lines is not read whole."""
    removed: Counter[str] = Counter()
    if not any(s in index.common for b in _batches(part, ["url", "site"]) for s in _sources(b)):
        return removed
    tmp = part.with_name(f".{part.name}.{os.getpid()}-{uuid.uuid4().hex}.tmp")
    try:
        with pq.ParquetWriter(tmp, SPILL_SCHEMA, compression="zstd") as writer:
            for batch in _batches(part):
                rows = batch.to_pylist()
                for i, (row, source) in enumerate(zip(rows, _sources(batch), strict=True)):
                    if source in index.common and row["reason"] is None and row["text"]:
                        new = _stripped_row(row, index, config)
                        if new is not None:
                            removed[CORPUS_RULE] += len(new["removed"]) - len(row["removed"] or [])
                            rows[i] = new
                writer.write_table(pa.Table.from_pylist(rows, schema=SPILL_SCHEMA))
        if removed:
            os.replace(tmp, part)
    finally:
        tmp.unlink(missing_ok=True)
    return removed


def strip_recurring_lines(parts: Sequence[Path], config: IngestConfig) -> Counter[str]:
    """Both passes over a run's spill parts (module docstring); returns the lines removed, by rule."""
    settings = config.corpus
    if not settings.enabled or not parts:
        return Counter()
    index = count_lines(parts).boilerplate(settings)
    removed: Counter[str] = Counter()
    if not index.common:
        return removed
    for part in parts:
        removed.update(_rewrite_part(part, index, config))
    return removed
