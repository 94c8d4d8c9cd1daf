"""The run-level duplicate stage: spill, decide on signatures, route rows, stage the cross-run index.

1. every processed document has been spilled to `OUT/.staging-<run_id>/spill/` (Parquet) by the worker that
   processed it (`pipeline.spill_batch`), so the run never holds all documents in memory;
2. the columns the decisions need (ids, hashes, canonical-rule fields, signatures) are read back, the
   cross-run index is queried for this run's keys, and `dedup_run.decide` rejects the copies;
3. the spilled rows are streamed to `staging/documents` and `staging/rejected` with the decisions applied,
   and this run's index entries are written to `staging/index`.
Everything stays in staging: `commit.py` makes it visible (documents first, the index after them, so an
index never names documents that were not committed).
"""

from __future__ import annotations

import shutil
import time
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa

from ingest.config import IngestConfig
from ingest.dedup.columns import PriorDocs, RunDocs, signatures_from_column
from ingest.dedup.decide import decide
from ingest.dedup.index import DOCS_SCHEMA, IndexParams, all_keys, lookup, write_run_index
from ingest.store.derived import published_date
from ingest.store.write import (
    WriteResult,
    read_spill,
    route_spill,
)

DECISION_COLUMNS = [
    "doc_id",
    "content_hash",
    "reason",
    "published",
    "n_chars",
    "source_path",
    "source_record",
    "minhash",
]


def dedup_spilled(
    parts: Sequence[Path],
    out: Path,
    staging: Path,
    run_id: str,
    started: datetime,
    config: IngestConfig,
    superseded: frozenset[str] = frozenset(),
    owners: dict[str, str] | None = None,
) -> tuple[WriteResult, Counter[str], dict]:
    """Steps 2 and 3 of the module docstring over documents already spilled to `parts` (in output order),
    e.g. by the workers of a run, each batch in its own part."""
    settings = config.dedup
    params = IndexParams(settings.num_perm, settings.shingle_words, settings.bands)
    clock = time.perf_counter()
    table = read_spill(staging, DECISION_COLUMNS, parts)
    eligible = np.asarray(table.column("reason").is_null())
    signatures = signatures_from_column(table.column("minhash"), settings.num_perm) if settings.near else None
    run_docs = RunDocs(
        doc_id=table.column("doc_id").to_pylist(),
        content_hash=table.column("content_hash").to_pylist(),
        eligible=eligible,
        published=table.column("published").cast(pa.string()).to_pylist(),  # ISO dates sort as dates
        n_chars=table.column("n_chars").to_numpy(zero_copy_only=False),
        source_path=table.column("source_path").to_pylist(),
        source_record=table.column("source_record").to_pylist(),
        signatures=signatures,
    )
    del table
    rows = np.flatnonzero(eligible)
    hashes = [run_docs.content_hash[i] for i in rows]
    sigs = None if signatures is None else signatures[rows]
    keys = all_keys(hashes, sigs, settings.bands)
    prior = lookup(out, params, keys, owners) if settings.index else PriorDocs()
    if superseded:
        prior = prior.without_superseded(superseded, set(run_docs.doc_id))
    prior.published = [_iso_date(v) for v in prior.published]
    if signatures is None:
        prior.signatures = None
    threshold = settings.threshold if settings.near else 2.0
    decisions = decide(
        run_docs,
        prior,
        threshold,
        settings.bands,
        settings.max_bucket,
        settings.containment,
        settings.containment_min_jaccard,
    )
    written = route_spill(staging, decisions, config.run.rows_per_file, run_id, parts)
    shutil.rmtree(staging / "spill", ignore_errors=True)
    if settings.index:
        _stage_index(staging / "index", params, run_docs, decisions, rows, keys, started)
    reasons = Counter(r for r in decisions.reason if r is not None)
    earlier = set(prior.doc_id)
    stats = {
        "earlier_documents_matched": len(prior),
        "duplicates_of_earlier_runs": sum(
            1 for r, d in zip(decisions.reason, decisions.duplicate_of, strict=True) if r and d in earlier
        ),
        "seconds": round(time.perf_counter() - clock, 3),
    }
    return written, reasons, stats


def _iso_date(value: str | None) -> str | None:
    """An index entry's `published` as an ISO date (indexes written before `published` became a date hold
    the string the source gave, such as "March 3, 2025 9:14 am"), so it sorts against this run's dates."""
    day = published_date(value)
    return None if day is None else day.isoformat()


def _stage_index(
    folder: Path,
    params: IndexParams,
    docs: RunDocs,
    decisions,
    rows: np.ndarray,
    keys: np.ndarray,
    started: datetime,
) -> None:
    """This run's new index entries: documents it keeps that no earlier run indexed under this doc_id."""
    new = np.array(
        [decisions.reason[i] is None and not decisions.already_indexed[i] for i in rows], dtype=bool
    )
    chosen = rows[new]
    if len(chosen) == 0:
        return
    signatures = docs.signatures
    table = pa.table(
        {
            "doc_id": [docs.doc_id[i] for i in chosen],
            "content_hash": [docs.content_hash[i] for i in chosen],
            "published": [docs.published[i] for i in chosen],
            "n_chars": docs.n_chars[chosen].astype(np.int64),
            "source_path": [docs.source_path[i] for i in chosen],
            "source_record": [docs.source_record[i] for i in chosen],
            "ingested_at": [started.isoformat()] * len(chosen),
            "signature": [None if signatures is None else signatures[i].tobytes() for i in chosen],
        },
        schema=DOCS_SCHEMA,
    )
    write_run_index(folder, params, table, keys[new])
