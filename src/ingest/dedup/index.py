"""The cross-run duplicate index under OUT/_index/: what earlier runs kept, looked up by key.

Layout, one folder per committed run (`OUT/_index/runs/<run_id>/`):
- `keys.parquet`: `key` (int64), `doc_id`: every LSH band key of every document the run kept and newly
  indexed, plus one exact key per document (the first 64 bits of `content_hash`); sorted by `key`, in
  small row groups.
- `docs.parquet`: `doc_id`, `content_hash`, `published`, `n_chars`, `source_path`, `source_record`,
  `ingested_at`, `signature`: sorted by `doc_id`, in small row groups.
- `params.json`: the signature settings (num_perm, shingle_words, bands, algorithm version). Runs whose
  settings differ from the current ones are not comparable and are skipped.

Lookup cost: a run's query keys are sorted once; for each index run, only row groups whose min/max key range
contains a query key are read (Parquet statistics), then only the `docs.parquet` row groups holding the
matched doc_ids. The cost grows with the number of keys touched (at most one row group per key per index
run), not with the size of the history. Compaction of many small runs into one is not implemented.

Crash safety: a run writes its index folder inside its staging folder and renames it into `runs/` only
after its `documents/` and `rejected/` are swapped in. A run that dies before the swap leaves no index
entries (its staging folder is deleted by the next run); one that dies between the swap and the rename
leaves committed documents unindexed, so a later copy of them can be kept (a missed duplicate), but the
index never claims a document that was not committed.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ingest.dedup.columns import PriorDocs
from ingest.dedup.minhash import ALGORITHM_VERSION, SIGNATURE_DTYPE, band_keys
from ingest.store.commit import INDEX_DIR
from ingest.store.fs import write_json_durable

ROW_GROUP_ROWS = 8192


@dataclass(frozen=True)
class IndexParams:
    num_perm: int
    shingle_words: int
    bands: int
    algorithm: int = ALGORITHM_VERSION

    def to_dict(self) -> dict:
        return {
            "num_perm": self.num_perm,
            "shingle_words": self.shingle_words,
            "bands": self.bands,
            "algorithm": self.algorithm,
        }


def exact_keys(content_hashes: list[str]) -> np.ndarray:
    """int64 key per content hash (its first 64 bits)."""
    return np.array([int(h[:16], 16) for h in content_hashes], dtype=np.uint64).view(np.int64)


def all_keys(content_hashes: list[str], signatures: np.ndarray | None, bands: int) -> np.ndarray:
    """int64[n, k]: the exact key, then the band keys (when there are signatures) of each document."""
    exact = exact_keys(content_hashes)[:, None]
    if signatures is None or len(content_hashes) == 0:
        return exact
    return np.concatenate([exact, band_keys(signatures, bands).view(np.int64)], axis=1)


def committed_runs(out: Path, params: IndexParams) -> list[Path]:
    """Index folders of committed runs with the same signature settings, oldest first."""
    runs = out / INDEX_DIR / "runs"
    if not runs.is_dir():
        return []
    found = []
    for folder in sorted(runs.iterdir()):
        try:
            saved = json.loads((folder / "params.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            continue  # not a run folder
        except (OSError, ValueError) as exc:
            raise OSError(f"cannot read the duplicate index {folder / 'params.json'}: {exc}") from exc
        if saved == params.to_dict():
            found.append(folder)
    return found


def _row_groups_touching(pf: pq.ParquetFile, column: str, wanted: list) -> list[int]:
    """Row groups whose min/max statistics of `column` contain at least one of the sorted `wanted`."""
    col = pf.schema_arrow.get_field_index(column)
    hit = []
    for rg in range(pf.metadata.num_row_groups):
        stats = pf.metadata.row_group(rg).column(col).statistics
        if stats is None or not stats.has_min_max:
            hit.append(rg)
            continue
        i = bisect.bisect_left(wanted, stats.min)
        if i < len(wanted) and wanted[i] <= stats.max:
            hit.append(rg)
    return hit


def _read_matching(path: Path, column: str, wanted: list, columns: list[str] | None = None) -> pa.Table:
    pf = pq.ParquetFile(path)
    groups = _row_groups_touching(pf, column, wanted)
    if not groups:
        return (
            pf.schema_arrow.empty_table()
            if columns is None
            else pf.schema_arrow.empty_table().select(columns)
        )
    table = pf.read_row_groups(groups, columns=columns)
    return table.filter(
        pc.is_in(table.column(column), value_set=pa.array(wanted, type=table.schema.field(column).type))
    )


def lookup(
    out: Path, params: IndexParams, keys: np.ndarray, owners: dict[str, str] | None = None
) -> PriorDocs:
    """Documents of earlier runs sharing at least one key (int64) with this run.

    `owners` maps a source path to the run whose rows of it are in the dataset now (the manifest). An
    index entry written by another run for that path belongs to a superseded version of the file: its row
    is gone from the dataset, so it is ignored (a later copy of its text must be kept, not rejected as a
    duplicate of a row nobody can find)."""
    prior = PriorDocs()
    wanted_keys = np.unique(keys.ravel()).tolist()
    if not wanted_keys:
        return prior
    sigs = []
    for folder in committed_runs(out, params):
        hits = _read_matching(folder / "keys.parquet", "key", wanted_keys, ["key", "doc_id"])
        if hits.num_rows == 0:
            continue
        ids = sorted(set(hits.column("doc_id").to_pylist()))
        docs = _read_matching(folder / "docs.parquet", "doc_id", ids)
        if owners:
            live = [owners.get(p, folder.name) == folder.name for p in docs.column("source_path").to_pylist()]
            docs = docs.filter(pa.array(live, pa.bool_()))
        prior.doc_id += docs.column("doc_id").to_pylist()
        prior.content_hash += docs.column("content_hash").to_pylist()
        prior.published += docs.column("published").to_pylist()
        prior.n_chars += docs.column("n_chars").to_pylist()
        prior.source_path += docs.column("source_path").to_pylist()
        prior.source_record += docs.column("source_record").to_pylist()
        prior.ingested_at += docs.column("ingested_at").to_pylist()
        empty = np.full(params.num_perm, 0xFFFFFFFF, dtype=SIGNATURE_DTYPE)
        for s in docs.column("signature").to_pylist():
            sig = empty if s is None else np.frombuffer(s, dtype=SIGNATURE_DTYPE)
            if len(sig) != params.num_perm:
                raise ValueError(
                    f"index {folder} holds a signature of {len(sig)} values where its params say "
                    f"{params.num_perm}: the index is damaged; remove that folder to rebuild without it"
                )
            sigs.append(sig)
    if sigs:
        prior.signatures = np.stack(sigs)
    else:
        prior.signatures = np.empty((0, params.num_perm), dtype=SIGNATURE_DTYPE)
    return prior


DOCS_SCHEMA = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("content_hash", pa.string(), nullable=False),
        pa.field("published", pa.string()),
        pa.field("n_chars", pa.int64()),
        pa.field("source_path", pa.string()),
        pa.field("source_record", pa.int32()),
        pa.field("ingested_at", pa.string()),
        pa.field("signature", pa.binary()),
    ]
)


def write_run_index(folder: Path, params: IndexParams, docs: pa.Table, keys: np.ndarray) -> None:
    """Write one run's index folder (`docs` rows in DOCS_SCHEMA, `keys` int64[n, k] per docs row)."""
    folder.mkdir(parents=True, exist_ok=True)
    order = pc.sort_indices(docs, sort_keys=[("doc_id", "ascending")])
    pq.write_table(
        docs.take(order), folder / "docs.parquet", row_group_size=ROW_GROUP_ROWS, compression="zstd"
    )
    ids = np.repeat(np.asarray(docs.column("doc_id").to_pylist(), dtype=object), keys.shape[1])
    flat = keys.ravel()
    by_key = np.argsort(flat, kind="stable")
    table = pa.table(
        {"key": pa.array(flat[by_key], pa.int64()), "doc_id": pa.array(ids[by_key], pa.string())}
    )
    pq.write_table(table, folder / "keys.parquet", row_group_size=ROW_GROUP_ROWS, compression="zstd")
    write_json_durable(folder / "params.json", params.to_dict())
