"""Candidate pairs of near-duplicates and the clusters they form, on MinHash signatures only.

Documents whose signatures agree on a whole LSH band are candidates (`candidate_pairs`: a sort-based
group-by per band, one band in memory at a time, so a million documents fit); a candidate pair is then
verified on its signatures (`pair_similarity`, `estimated_containment`), and the linked pairs are merged
into clusters with union-find (`UnionFind`). The rules that use them are in `decide`'s module docstring.
"""

from __future__ import annotations

import numpy as np

from ingest.dedup.minhash import band_key


class UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = np.arange(n, dtype=np.int64)

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return int(root)

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def bucket_pairs(keys: np.ndarray, ids: np.ndarray, max_bucket: int) -> np.ndarray:
    """int64[m, 2] pairs (i < j) of `ids` whose `keys` are equal: a sort-based group-by on one band's keys."""
    if len(keys) < 2:
        return np.empty((0, 2), dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    k = keys[order]
    same = k[1:] == k[:-1]
    if not same.any():
        return np.empty((0, 2), dtype=np.int64)
    starts = np.flatnonzero(np.concatenate([[True], ~same]))
    sizes = np.diff(np.append(starts, len(k)))
    out = []
    two = starts[sizes == 2]
    if len(two):
        out.append(np.stack([ids[order[two]], ids[order[two + 1]]], axis=1))
    for start, size in zip(starts[sizes > 2], sizes[sizes > 2], strict=True):
        members = ids[order[start : start + size]]
        head = members[:max_bucket]
        i, j = np.triu_indices(len(head), k=1)
        out.append(np.stack([head[i], head[j]], axis=1))
        if size > max_bucket:
            tail = members[max_bucket:]
            out.append(np.stack([np.repeat(head, len(tail)), np.tile(tail, len(head))], axis=1))
    pairs = np.concatenate(out)
    return np.sort(pairs, axis=1)


def unique_pairs(pairs: np.ndarray) -> np.ndarray:
    if len(pairs) == 0:
        return pairs.reshape(0, 2)
    return np.unique(pairs, axis=0)


def pair_similarity(sigs_a: np.ndarray, sigs_b: np.ndarray, chunk: int = 65536) -> np.ndarray:
    """float64[m]: estimated Jaccard similarity of row i of `sigs_a` and row i of `sigs_b`."""
    out = np.empty(len(sigs_a), dtype=np.float64)
    for start in range(0, len(sigs_a), chunk):
        a, b = sigs_a[start : start + chunk], sigs_b[start : start + chunk]
        out[start : start + chunk] = (a == b).mean(axis=1)
    return out


def candidate_pairs(signatures: np.ndarray, rows: np.ndarray, bands: int, max_bucket: int) -> np.ndarray:
    """Unique pairs of `rows` (indices into `signatures`) sharing at least one LSH band key."""
    if len(rows) < 2:
        return np.empty((0, 2), dtype=np.int64)
    found = []
    sub = signatures[rows]
    for band in range(bands):
        keys = band_key(sub, band, bands)
        found.append(bucket_pairs(keys, rows, max_bucket))
        if sum(len(f) for f in found) > 4_000_000:
            found = [unique_pairs(np.concatenate(found))]
    return unique_pairs(np.concatenate(found))


def estimated_containment(jaccard: np.ndarray, n_chars_a: np.ndarray, n_chars_b: np.ndarray) -> np.ndarray:
    """float64[m]: estimated share of the shorter text's shingles found in the longer one, from the Jaccard
    similarity and the size ratio (the formula is derived in `decide`'s module docstring)."""
    short = np.maximum(np.minimum(n_chars_a, n_chars_b), 1).astype(np.float64)
    ratio = np.maximum(n_chars_a, n_chars_b) / short
    return np.minimum(1.0, jaccard * (1.0 + ratio) / (1.0 + jaccard))
