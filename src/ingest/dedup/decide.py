"""Run-level duplicate decisions over signatures only: candidates, verification, clusters, canonical copies.

Input is one row per document of the run (`RunDocs`: ids, hashes, the fields the canonical rule reads, and
MinHash signatures), plus the documents of earlier runs that the cross-run index returned (`PriorDocs`).
No document text is needed, so a million-document run decides on about 0.6 KB per document.

1. Exact: kept documents with equal `content_hash` are linked.
2. Near: LSH band keys; for each band, documents with an equal key are grouped (a sort-based group-by per
   band, one band in memory at a time) into candidate pairs; each candidate pair is verified: linked when
   the estimated Jaccard similarity J (share of equal signature values) is at least `dedup.threshold`, or
   when the shorter text is contained in the longer one: J >= `dedup.containment_min_jaccard` and the
   estimated containment C = |A & B| / |A| of the shorter A in the longer B is at least `dedup.containment`.
   A copy that kept much more page chrome than its original (or a trimmed copy) has a low Jaccard
   similarity but a high containment; two different articles on one story share neither. C is computed
   from J and the size ratio r = |B| / |A|, since |A & B| = J |A | B| and |A | B| = (|A| + |B|) / (1 + J):
   C = J (1 + r) / (1 + J), with r taken from the texts' character counts (the two texts of a copy are in
   one language, so characters are proportional to shingles).
3. Clusters: union-find over the links (transitive: A~B and B~C put A, B, C in one cluster).
4. Canonical member of a cluster, the first by this order:
   a. a document an earlier run already kept (from the index; the earliest such run first): what a run
      delivered is never taken back, and a rerun decides the same way;
   b. earliest `published` (documents without a date after those with one);
   c. longest text (characters);
   d. smallest `source_path`, then `source_record`.
   Every other member of this run is rejected, `exact_duplicate` when its `content_hash` equals the
   canonical's and `near_duplicate` otherwise, with `duplicate_of` (the canonical `doc_id`) and
   `similarity` (estimated Jaccard similarity to the canonical; 1.0 for exact copies). A member that an
   earlier run already kept is never rejected. Kept documents get `duplicate_count`: how many documents of
   this run were rejected as their copies.
5. Same document, not a copy: an earlier run's index entry with this document's `doc_id`, or with its
   `source_path` and `source_record` (the same source, re-ingested after a cleaner change altered its text),
   is this document itself: it makes the document "already kept" (rule a) and is never its duplicate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from ingest.dedup.minhash import SIGNATURE_DTYPE, band_key

EMPTY_VALUE = np.uint32(0xFFFFFFFF)


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
    duplicate_count: np.ndarray
    already_indexed: np.ndarray
    """True for documents whose doc_id an earlier run's index already holds (not appended again)."""

    @property
    def rejected(self) -> int:
        return sum(r is not None for r in self.reason)


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
    """float64[m]: estimated share of the shorter text's shingles found in the longer one (see module doc)."""
    short = np.maximum(np.minimum(n_chars_a, n_chars_b), 1).astype(np.float64)
    ratio = np.maximum(n_chars_a, n_chars_b) / short
    return np.minimum(1.0, jaccard * (1.0 + ratio) / (1.0 + jaccard))


def _sort_key(published: str | None, n_chars: int, source_path: str, source_record: int) -> tuple:
    return (published is None, published or "", -n_chars, source_path, source_record)


def decide(
    docs: RunDocs,
    prior: PriorDocs,
    threshold: float,
    bands: int,
    max_bucket: int,
    containment: float = 0.8,
    containment_min_jaccard: float = 0.2,
) -> Decisions:
    """Reject the non-canonical members of every duplicate cluster of this run (module docstring).

    `containment` above 1.0 turns the containment link off (Jaccard only)."""
    n, m = len(docs), len(prior)
    reason: list[str | None] = [None] * n
    detail: list[str | None] = [None] * n
    duplicate_of: list[str | None] = [None] * n
    similarity: list[float | None] = [None] * n
    duplicate_count = np.zeros(n, dtype=np.int32)
    already_indexed = np.zeros(n, dtype=bool)
    eligible = np.flatnonzero(docs.eligible)
    uf = UnionFind(n + m)

    # Prior entries that are this run's own documents (same doc_id, or same source) become those documents.
    by_id = {docs.doc_id[i]: int(i) for i in eligible}
    by_source = {(docs.source_path[i], docs.source_record[i]): int(i) for i in eligible}
    prior_rank: dict[int, tuple] = {}  # node -> earliest earlier-run ingestion that kept it
    node_of_prior = np.empty(m, dtype=np.int64)
    for j in range(m):
        own = by_id.get(prior.doc_id[j])
        if own is not None:
            already_indexed[own] = True
        else:
            own = by_source.get((prior.source_path[j], prior.source_record[j]))
        node = own if own is not None else n + j
        node_of_prior[j] = node
        rank = (prior.ingested_at[j], prior.doc_id[j])
        prior_rank[node] = min(prior_rank.get(node, rank), rank)

    # 1. exact: equal content hashes (this run and earlier runs)
    first_with_hash: dict[str, int] = {}
    for i in eligible:
        h = docs.content_hash[i]
        if h is not None:
            uf.union(first_with_hash.setdefault(h, int(i)), int(i))
    for j in range(m):
        h = prior.content_hash[j]
        if h in first_with_hash:
            uf.union(first_with_hash[h], int(node_of_prior[j]))

    # 2. near: LSH candidates among this run's documents and the prior ones, verified on signatures
    sigs = None
    if docs.signatures is not None and threshold <= 1.0:
        parts = [docs.signatures]
        if m and prior.signatures is not None:
            parts.append(prior.signatures)
        sigs = np.concatenate(parts) if len(parts) > 1 else parts[0]
        rows = np.concatenate([eligible, n + np.arange(m if len(parts) > 1 else 0)])
        # one representative per exact-hash group of this run (copies share signatures; step 1 links them)
        rows = rows[(rows >= n) | np.isin(rows, np.fromiter(first_with_hash.values(), np.int64))]
        rows = rows[~(sigs[rows] == EMPTY_VALUE).all(axis=1)]
        pairs = candidate_pairs(sigs, rows, bands, max_bucket)
        if len(pairs):
            sim = pair_similarity(sigs[pairs[:, 0]], sigs[pairs[:, 1]])
            chars = np.concatenate([docs.n_chars, np.asarray(prior.n_chars, dtype=np.int64)])
            contained = estimated_containment(sim, chars[pairs[:, 0]], chars[pairs[:, 1]])
            linked = (sim >= threshold) | ((sim >= containment_min_jaccard) & (contained >= containment))
            for a, b in pairs[linked]:
                na = a if a < n else node_of_prior[a - n]
                nb = b if b < n else node_of_prior[b - n]
                uf.union(int(na), int(nb))

    # 3-4. clusters and their canonical members
    roots = np.array([uf.find(i) for i in range(n + m)], dtype=np.int64) if n + m else np.zeros(0, np.int64)
    clusters: dict[int, list[int]] = {}
    members_idx = list(eligible) + [n + j for j in range(m) if node_of_prior[j] == n + j]
    for node in members_idx:
        clusters.setdefault(int(roots[node]), []).append(int(node))

    def key(node: int) -> tuple:
        if node < n:
            base = _sort_key(
                docs.published[node],
                int(docs.n_chars[node]),
                docs.source_path[node],
                docs.source_record[node],
            )
        else:
            j = node - n
            base = _sort_key(
                prior.published[j], prior.n_chars[j], prior.source_path[j], prior.source_record[j]
            )
        rank = prior_rank.get(node)
        return (rank is None, rank or ("", ""), *base)

    def doc_id_of(node: int) -> str:
        return docs.doc_id[node] if node < n else prior.doc_id[node - n]  # type: ignore[return-value]

    def hash_of(node: int) -> str | None:
        return docs.content_hash[node] if node < n else prior.content_hash[node - n]

    def sig_of(node: int) -> np.ndarray | None:
        return None if sigs is None else sigs[node]

    def chars_of(node: int) -> int:
        return int(docs.n_chars[node]) if node < n else int(prior.n_chars[node - n])

    for members in clusters.values():
        if len(members) < 2:
            continue
        canonical = min(members, key=key)
        canonical_id, canonical_hash = doc_id_of(canonical), hash_of(canonical)
        earlier_run = canonical >= n or canonical in prior_rank
        for node in members:
            if node == canonical or node >= n or node in prior_rank:
                continue
            exact = docs.content_hash[node] == canonical_hash
            reason[node] = "exact_duplicate" if exact else "near_duplicate"
            duplicate_of[node] = canonical_id
            a, b = sig_of(node), sig_of(canonical)
            sim = 1.0 if exact or a is None or b is None else float((a == b).mean())
            similarity[node] = sim
            where = (
                "a document kept by an earlier run" if earlier_run else "an earlier-ranked copy in this run"
            )
            detail[node] = (
                f"same text as {where}"
                if exact
                else _near_detail(sim, chars_of(node), chars_of(canonical), where)
            )
            if canonical < n:
                duplicate_count[canonical] += 1
    return Decisions(reason, detail, duplicate_of, similarity, duplicate_count, already_indexed)


def _near_detail(sim: float, chars_a: int, chars_b: int, where: str) -> str:
    """Why a near-duplicate was linked: its Jaccard similarity, and its containment when that is what links
    it (a copy in more or less page chrome than the canonical); a member linked only through another
    member of its cluster says so by the low numbers."""
    text = f"estimated Jaccard similarity {sim:.2f}"
    if chars_a != chars_b:
        contained = float(estimated_containment(np.array([sim]), np.array([chars_a]), np.array([chars_b]))[0])
        text += f", containment of the shorter text {contained:.2f}"
    return f"{text} to {where}"


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
