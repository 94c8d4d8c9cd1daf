"""What a run kept, profiled from its own rows: documents per host and per language, and their lengths.

The run summary counts rejections and removed lines as the run goes; who the kept documents came from, in
which language, and how long they are, are read back from the Parquet parts this run wrote (a few columns
of them, never the whole dataset), so the cost grows with the run, not with the history. The aggregates go
into the run summary (`kept_by_host`, `kept_by_language`, `kept_words_histogram`), the one source the HTML
report and the flow's artifacts draw from.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ingest.store.commit import part_owner

TOP_HOSTS = 20
"""Hosts listed by name; the documents of every other host are summed under `OTHER_HOSTS`."""
OTHER_HOSTS = "(other hosts)"
NO_HOST = "(no url)"
NO_LANGUAGE = "(none)"
WORD_EDGES = (0, 50, 100, 200, 400, 800, 1600, 3200, 6400)
"""Lower bounds of the length histogram's buckets, in words (the last bucket is open). Fixed, roughly
doubling bounds: news articles spread over two orders of magnitude, and runs stay comparable."""
_COLUMNS = ("host", "site", "language", "n_words")


def run_parts(folder: Path, run_id: str) -> list[Path]:
    """The parts of `folder` whose rows this run wrote (`part-<run_id>-<n>.parquet`); parts carried over or
    rewritten from earlier runs hold earlier runs' rows and are left out."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("part-*.parquet") if part_owner(p.name) == run_id)


def hosts(host: pa.Array, sites: pa.Array) -> pa.Array:
    """The host of each row: the `host` column (from `url`, see `store.derived.host_of`), else the `site`
    name lower-cased, else NO_HOST."""
    site = pc.if_else(pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(sites)), 0), None, sites)
    return pc.coalesce(host, pc.utf8_lower(site), pa.scalar(NO_HOST))


def _counts(values: pa.Array) -> dict[str, int]:
    counted = pc.value_counts(values)
    names, numbers = counted.field("values").to_pylist(), counted.field("counts").to_pylist()
    return {str(v): int(n) for v, n in zip(names, numbers, strict=True)}


def top_counts(counts: dict[str, int], limit: int, other: str) -> dict[str, int]:
    """The `limit` largest counts (ties by name), the rest summed under `other`."""
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    top = dict(ranked[:limit])
    rest = sum(n for _, n in ranked[limit:])
    return {**top, other: rest} if rest else top


def words_histogram(n_words: Iterable[int]) -> list[dict[str, Any]]:
    """Documents per length bucket: `[{"min_words", "max_words" (None: open), "documents"}]`, every bucket
    listed (zeros too), so histograms of different runs line up."""
    values = np.fromiter((n or 0 for n in n_words), dtype=np.int64)
    index = np.searchsorted(np.asarray(WORD_EDGES), values, side="right") - 1
    counts = np.bincount(np.clip(index, 0, None), minlength=len(WORD_EDGES))
    return [
        {"min_words": low, "max_words": high, "documents": int(n)}
        for low, high, n in zip(WORD_EDGES, [*(e - 1 for e in WORD_EDGES[1:]), None], counts, strict=True)
    ]


def profile_parts(parts: Iterable[Path]) -> dict[str, Any]:
    """Summary fields for the kept documents in `parts`: top hosts, languages, length histogram."""
    host_counts: dict[str, int] = {}
    language_counts: dict[str, int] = {}
    lengths: list[int] = []
    for part in parts:
        table = pq.read_table(part, columns=list(_COLUMNS))
        if not table.num_rows:
            continue
        host = hosts(table.column("host").combine_chunks(), table.column("site").combine_chunks())
        for counts, values in (
            (host_counts, host),
            (language_counts, pc.fill_null(table.column("language"), NO_LANGUAGE)),
        ):
            for name, n in _counts(values).items():
                counts[name] = counts.get(name, 0) + n
        lengths += table.column("n_words").to_pylist()
    return {
        "kept_by_host": top_counts(host_counts, TOP_HOSTS, OTHER_HOSTS),
        "kept_by_language": dict(sorted(language_counts.items())),
        "kept_words_histogram": words_histogram(lengths),
    }
