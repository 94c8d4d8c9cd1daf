"""Run-level duplicate decisions over signatures only: candidates, verification, clusters, canonical copies.

Input is one row per document of the run (`RunDocs`: ids, hashes, the fields the canonical rule reads, and
MinHash signatures), plus the documents of earlier runs that the cross-run index returned (`PriorDocs`).
No document text is needed, so a million-document run decides on about 0.6 KB per document.
The row types are in `columns`; candidate pairs, their verification and union-find are in `pairs`.

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
   `similarity` (estimated Jaccard similarity to the canonical; 1.0 for exact copies) and `method`, how the
   member relates to the canonical: `exact` (same `content_hash`), `jaccard` (similarity to the canonical
   >= `dedup.threshold`), `containment` (the containment rule of step 2 holds between the two), or
   `transitive` (neither holds with the canonical itself: the member is in the cluster through links to
   other members). A member that an earlier run already kept is never rejected. Kept documents get
   `duplicates_in_run`: how many documents of this run were rejected as their copies (per run: copies
   that a later run rejects are not added to an earlier run's row, which is never rewritten; count all
   copies over rejected/'s `duplicate_of`).
5. Same document, not a copy: an earlier run's index entry with this document's `doc_id`, or with its
   `source_path` and `source_record` (the same source, re-ingested after a cleaner change altered its text),
   is this document itself: it makes the document "already kept" (rule a) and is never its duplicate.
"""

from __future__ import annotations

import numpy as np

from ingest.dedup.columns import EMPTY_VALUE, Decisions, PriorDocs, RunDocs
from ingest.dedup.pairs import UnionFind, candidate_pairs, estimated_containment, pair_similarity


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
    method: list[str | None] = [None] * n
    duplicates_in_run = np.zeros(n, dtype=np.int32)
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
            method[node] = _method(
                exact,
                sim,
                chars_of(node),
                chars_of(canonical),
                threshold,
                containment,
                containment_min_jaccard,
            )
            where = (
                "a document kept by an earlier run" if earlier_run else "an earlier-ranked copy in this run"
            )
            detail[node] = (
                f"same text as {where}"
                if exact
                else _near_detail(sim, chars_of(node), chars_of(canonical), where)
            )
            if canonical < n:
                duplicates_in_run[canonical] += 1
    return Decisions(reason, detail, duplicate_of, similarity, method, duplicates_in_run, already_indexed)


EXACT, JACCARD, CONTAINMENT, TRANSITIVE = "exact", "jaccard", "containment", "transitive"


def _method(
    exact: bool,
    sim: float,
    chars_a: int,
    chars_b: int,
    threshold: float,
    containment: float,
    min_jaccard: float,
) -> str:
    """How a copy relates to its canonical (module docstring, step 4): the first rule that holds."""
    if exact:
        return EXACT
    if sim >= threshold:
        return JACCARD
    contained = float(estimated_containment(np.array([sim]), np.array([chars_a]), np.array([chars_b]))[0])
    if sim >= min_jaccard and contained >= containment:
        return CONTAINMENT
    return TRANSITIVE


def _near_detail(sim: float, chars_a: int, chars_b: int, where: str) -> str:
    """Why a near-duplicate was linked: its Jaccard similarity, and its containment when that is what links
    it (a copy in more or less page chrome than the canonical); a member linked only through another
    member of its cluster says so by the low numbers."""
    text = f"estimated Jaccard similarity {sim:.2f}"
    if chars_a != chars_b:
        contained = float(estimated_containment(np.array([sim]), np.array([chars_a]), np.array([chars_b]))[0])
        text += f", containment of the shorter text {contained:.2f}"
    return f"{text} to {where}"
