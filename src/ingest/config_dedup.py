"""The `[dedup]` section of the configuration: exact and near-duplicate detection.

Its settings carry the longest explanations (what a Jaccard threshold, a containment link and LSH bands
mean for which pairs are found), so the section has its own module and `config` stays short; `config`
imports `DedupConfig` from here and the rest of the code takes it from `config`. A leaf like `config`: it
imports only the validation helpers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ingest.config_check import Between, Rule, Section, setting

MAX_PERMUTATIONS = 4096
"""Upper bound of `dedup.num_perm`: each worker holds two uint64 numbers per hash function and each document
a uint32 per hash function; beyond a few hundred the similarity estimate gains little."""

_COUNT = Between(1)
_SHARE = Between(0, 1)


@dataclass(frozen=True, slots=True)
class DedupConfig(Section):
    """Exact and near-duplicate detection; see docs/concepts/duplicates.md."""

    section: ClassVar[str] = "dedup"
    rules: ClassVar[tuple[Rule, ...]] = (
        Rule(
            "bands",
            lambda c: c.num_perm % c.bands == 0,
            "num_perm ({num_perm}) must be a multiple of bands",
            "`num_perm` is a multiple of `bands` (so `bands` <= `num_perm`)",
        ),
    )

    near: bool = True
    """Detect near-duplicates (MinHash + LSH); false keeps exact-duplicate detection only."""
    threshold: float = setting(0.5, _SHARE)
    """A candidate pair is a near-duplicate when its estimated Jaccard similarity of word shingles is at
    least this. Copies with other chrome, a dropped paragraph or retouched words score 0.5-1.0; different
    articles about the same story mostly below 0.3."""
    containment: float = setting(0.8, Between(0, note="above 1 turns the containment link off"))
    """A candidate pair is also a near-duplicate when at least this share of the shorter text's shingles is
    estimated to be in the longer one (and their Jaccard similarity is at least `containment_min_jaccard`):
    a copy kept inside much more page chrome, or a trimmed copy. Above 1.0 turns it off."""
    containment_min_jaccard: float = setting(0.2, _SHARE)
    """Floor on the Jaccard similarity for a containment link: below it the estimate is too noisy."""
    shingle_words: int = setting(5, Between(1, 1000))
    """Words per shingle. Longer shingles make two rewrites of one story look less alike."""
    num_perm: int = setting(144, Between(1, MAX_PERMUTATIONS))
    """MinHash hash functions (signature length). More: a finer similarity estimate, slower signatures."""
    bands: int = setting(48, _COUNT)
    """LSH bands; `num_perm` must be a multiple. Pairs sharing one whole band (num_perm/bands values) become
    candidates: with 48 bands of 3, a pair at similarity 0.5 is a candidate with probability 0.998, at 0.4
    with 0.96, at 0.2 with 0.32, at 0.05 with 0.006 (every candidate is then verified)."""
    max_bucket: int = setting(200, _COUNT)
    """A band bucket with more documents than this compares each member with the first `max_bucket`
    only (bounds the pairs a degenerate bucket, such as many near-empty texts, can produce)."""
    index: bool = True
    """Keep the cross-run index under OUT/_index/ and catch copies of documents kept by earlier runs."""
