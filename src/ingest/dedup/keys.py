"""Duplicate detection: the identifiers it rests on and the per-document signature step.

`content_hash` is a fast non-cryptographic hash (xxh3-128) of the text after folding what copies of one
article differ in without being different: whitespace, line endings, quote marks and dashes. `doc_id` adds
the source to it, so it is stable across reruns and distinct for the same article found in two files.

`minhash_step` computes the MinHash signature of the cleaned text in the worker processes
(`dedup_minhash.py`); the run-level decisions (exact and near-duplicate clusters, canonical copies, the
cross-run index) are in `dedup_run.py` and `dedup_index.py`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import xxhash

from ingest.document import Document

if TYPE_CHECKING:
    from ingest.config import DedupConfig
    from ingest.dedup.minhash import MinHasher

_FOLDS = {
    **dict.fromkeys(("\u2018", "\u2019", "\u201a", "\u201b", "\u2032", "\u00b4"), "'"),
    **dict.fromkeys(("\u201c", "\u201d", "\u201e", "\u201f", "\u2033", "\u00ab", "\u00bb"), '"'),
    **dict.fromkeys(("\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212"), "-"),
}
"""Quote marks and dashes that copies of one article differ in, each with the ASCII mark it folds to."""


def fold_marks(text: str) -> str:
    """`text` with the quote marks and dashes of `_FOLDS` made ASCII. One `str.replace` per mark: each is
    a scan in C, where `str.translate` with a mapping calls back into Python for every character of the
    text (about 20 times slower on an article). Every mark folds to an ASCII character that is not a
    mark itself, so the order of the replacements does not matter."""
    for mark, ascii_mark in _FOLDS.items():
        if mark in text:
            text = text.replace(mark, ascii_mark)
    return text


def dedup_key(text: str) -> str:
    """The text as exact-duplicate detection compares it: quote marks and dashes folded (`fold_marks`),
    runs of whitespace made one space, the ends trimmed."""
    return " ".join(fold_marks(text).split())


def _digest(value: str) -> str:
    return xxhash.xxh3_128_hexdigest(value.encode("utf-8"))


def content_hash(text: str) -> str:
    """xxh3-128 of `dedup_key(text)`."""
    return _digest(dedup_key(text))


def make_doc_id(source_path: str, source_record: int, text_hash: str) -> str:
    return _digest(f"{source_path}\x00{source_record}\x00{text_hash}")


def assign_ids(doc: Document) -> Document:
    """Set `content_hash` and `doc_id` from the source and the cleaned text (rejected documents too)."""
    key = dedup_key(doc.text or "")
    doc.content_hash = _digest(key)  # `content_hash`, from the key computed once for both
    doc.n_chars = len(key)
    doc.doc_id = make_doc_id(doc.source_path, doc.source_record, doc.content_hash)
    return doc


def minhasher(num_perm: int, shingle_words: int) -> MinHasher:
    from ingest.dedup.minhash import MinHasher

    return MinHasher(num_perm, shingle_words)


def minhash_step(doc: Document, config: DedupConfig) -> Document:
    """The MinHash signature of the cleaned text, for near-duplicate detection at the end of the run."""
    if config.near:
        hasher = minhasher(config.num_perm, config.shingle_words)
        doc.minhash = hasher.signature(doc.text or "").tobytes()
    return doc
