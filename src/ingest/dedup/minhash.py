"""MinHash signatures over word shingles, and LSH band keys, vectorized with numpy.

Text → tokens: lower-cased, then split on everything that is not a letter or digit (ASCII punctuation,
whitespace, and the Unicode punctuation blocks of quote marks, dashes, no-break spaces), so punctuation,
quote-mark and case retouches do not change the shingles. The work is vectorized over the UTF-8 bytes of a
whole batch of documents: each token's hash is a polynomial over its bytes (mixed), a k-word shingle's hash
combines k token hashes with multiply-and-mix arithmetic; no Python object per token or shingle. A document
with fewer than k tokens has one shingle: all its tokens.

Signature: for each of `num_perm` hash functions h_i(x) = (a_i * x + b_i) mod 2^64, keep the top 32 bits of
the minimum over the document's shingle hashes (multiply-add-shift hashing, a universal family; `a_i` odd).
The coefficients come from a fixed seed, so signatures are comparable across runs and processes. Identical
shingle sets give identical signatures; the share of equal positions of two signatures estimates the
Jaccard similarity of the two shingle sets.

Band keys: the signature is cut into `bands` bands of `num_perm // bands` rows; each band's values and the
band number are hashed into one uint64. Two documents share a band key when one whole band is equal, which
happens with probability 1 - (1 - J^r)^b for Jaccard J: the LSH S-curve.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SIGNATURE_DTYPE = np.dtype("<u4")
ALGORITHM_VERSION = 1
"""Bump when tokens, shingles, hash functions or band keys change: earlier index entries stop matching."""
_SEED = 0x5EED_D0C5
_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xBF58476D1CE4E5B9)
_M3 = np.uint64(0x94D049BB133111EB)
_EMPTY = np.uint32(0xFFFFFFFF)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finalizer: a bijective avalanche on uint64 (wrapping arithmetic)."""
    x = x ^ (x >> np.uint64(30))
    x = x * _M2
    x = x ^ (x >> np.uint64(27))
    x = x * _M3
    return x ^ (x >> np.uint64(31))


def _byte_classes() -> np.ndarray:
    word = np.zeros(256, dtype=bool)
    for lo, hi in ((ord("0"), ord("9")), (ord("a"), ord("z")), (0x80, 0xFF)):
        word[lo : hi + 1] = True
    return word


_WORD_BYTE = _byte_classes()


def _separator_sequences(b: np.ndarray) -> np.ndarray:
    """Non-ASCII punctuation as separators: U+0080-00BF (no-break space, «», ©...), U+2000-203F (dashes,
    curly quotes, ellipsis, special spaces) and U+3000-303F (CJK punctuation), found by their UTF-8 bytes."""
    sep = np.zeros(len(b), dtype=bool)
    if len(b) >= 2:
        two = b[:-1] == 0xC2
        sep[:-1] |= two
        sep[1:] |= two
    if len(b) >= 3:
        lead = ((b[:-2] == 0xE2) & (b[1:-1] == 0x80)) | ((b[:-2] == 0xE3) & (b[1:-1] == 0x80))
        sep[:-2] |= lead
        sep[1:-1] |= lead
        sep[2:] |= lead
    return sep


def token_hashes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(uint64 hash per token of all texts, int64 offsets[len(texts) + 1] into it), vectorized over bytes.

    A token is a maximal run of ASCII letters and digits or non-ASCII characters other than the
    punctuation blocks above, after lower-casing; its hash is a polynomial over its bytes, mixed.
    """
    encoded = [t.lower().encode("utf-8") for t in texts]
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    b = np.frombuffer(b"\x00".join(encoded), dtype=np.uint8)
    doc_starts = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]]) if len(texts) else np.zeros(0, np.int64)
    word = _WORD_BYTE[b] & ~_separator_sequences(b)
    edges = np.flatnonzero(np.diff(np.concatenate(([False], word, [False])).view(np.int8)))
    starts, ends = edges[0::2], edges[1::2]
    if len(starts) == 0:
        return np.empty(0, dtype=np.uint64), np.zeros(len(texts) + 1, dtype=np.int64)
    powers, inverse = _powers(len(b))
    with np.errstate(over="ignore"):
        # prefix sums of (byte + 1) * P^i: a token [s, e) hashes to (prefix[e] - prefix[s]) * P^-s, the
        # polynomial of its own bytes, independent of where it stands
        prefix = np.zeros(len(b) + 1, dtype=np.uint64)
        np.cumsum((b.astype(np.uint64) + np.uint64(1)) * powers[: len(b)], out=prefix[1:])
        poly = (prefix[ends] - prefix[starts]) * inverse[starts]
        hashes = _mix(poly ^ ((ends - starts).astype(np.uint64) * _M3))
    offsets = np.searchsorted(starts, np.append(doc_starts, len(b) + 1)).astype(np.int64)
    return hashes, offsets


_POWERS = (np.ones(0, dtype=np.uint64), np.ones(0, dtype=np.uint64))


def _inverse(odd: int) -> int:
    """Multiplicative inverse of an odd number modulo 2^64 (Newton iteration)."""
    inv = odd
    for _ in range(6):
        inv = (inv * (2 - odd * inv)) % (1 << 64)
    return inv


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """(P^i, P^-i) mod 2^64 for i < n, P = _M1 (odd), cached and grown as needed."""
    global _POWERS
    if len(_POWERS[0]) < n:
        size = max(n, 2 * len(_POWERS[0]), 4096)
        inv = np.uint64(_inverse(int(_M1)))
        with np.errstate(over="ignore"):
            up = np.concatenate([[np.uint64(1)], np.cumprod(np.full(size - 1, _M1, dtype=np.uint64))])
            down = np.concatenate([[np.uint64(1)], np.cumprod(np.full(size - 1, inv, dtype=np.uint64))])
        _POWERS = (up, down)
    return _POWERS


def shingles_from_tokens(
    hashes: np.ndarray, offsets: np.ndarray, shingle_words: int
) -> tuple[np.ndarray, np.ndarray]:
    """(uint64 hash per k-word shingle, offsets per document): shingles never cross documents; a document
    with fewer than k tokens (but some) has one shingle of all its tokens."""
    counts = np.diff(offsets)
    k = shingle_words
    n = len(hashes)
    doc_of_token = np.repeat(np.arange(len(counts)), counts)
    with np.errstate(over="ignore"):
        if n >= k:
            acc = hashes[: n - k + 1].copy()
            for j in range(1, k):
                acc = _mix(acc * _M1 + hashes[j : j + n - k + 1])
            acc = _mix(acc + np.uint64(k))
            valid = doc_of_token[: n - k + 1] == doc_of_token[k - 1 :]
            shingles, owner = acc[valid], doc_of_token[: n - k + 1][valid]
        else:
            shingles, owner = np.empty(0, np.uint64), np.empty(0, np.int64)
        short = np.flatnonzero((counts > 0) & (counts < k))
        if len(short):
            extra = []
            for d in short:
                acc1 = hashes[offsets[d]]
                for j in range(offsets[d] + 1, offsets[d + 1]):
                    acc1 = _mix(np.atleast_1d(acc1 * _M1 + hashes[j]))[0]
                extra.append(_mix(np.atleast_1d(acc1 + np.uint64(counts[d])))[0])
            shingles = np.concatenate([shingles, np.array(extra, dtype=np.uint64)])
            owner = np.concatenate([owner, short])
            order = np.argsort(owner, kind="stable")
            shingles, owner = shingles[order], owner[order]
    out_offsets = np.searchsorted(owner, np.arange(len(counts) + 1)).astype(np.int64)
    return shingles, out_offsets


def shingle_hashes(text: str, shingle_words: int) -> np.ndarray:
    """uint64 hashes of one document's k-word shingles (k = `shingle_words`), possibly repeated."""
    return shingles_from_tokens(*token_hashes([text]), shingle_words)[0]


class MinHasher:
    """Signatures with `num_perm` hash functions; one instance per process is enough (it is immutable)."""

    def __init__(self, num_perm: int = 144, shingle_words: int = 5, seed: int = _SEED) -> None:
        rng = np.random.Generator(np.random.PCG64(seed))
        self.num_perm, self.shingle_words = num_perm, shingle_words
        self.a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self.b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)

    def signature(self, text: str) -> np.ndarray:
        """uint32[num_perm]; all 0xFFFFFFFF for a text without words (never a near-duplicate candidate)."""
        return self.signatures([text])[0]

    def signatures(self, texts: Sequence[str]) -> np.ndarray:
        """uint32[len(texts), num_perm]: one signature per text, computed over the whole batch at once."""
        shingles, offsets = shingles_from_tokens(*token_hashes(texts), self.shingle_words)
        return self.from_shingles(shingles, offsets)

    def from_shingles(self, shingles: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        n_docs = len(offsets) - 1
        out = np.full((n_docs, self.num_perm), _EMPTY, dtype=SIGNATURE_DTYPE)
        nonempty = np.flatnonzero(np.diff(offsets) > 0)
        if len(nonempty) == 0:
            return out
        starts = offsets[nonempty]
        mins = np.empty((len(nonempty), self.num_perm), dtype=np.uint64)
        buf = np.empty_like(shingles)
        with np.errstate(over="ignore"):
            for p in range(self.num_perm):
                np.multiply(shingles, self.a[p], out=buf)
                np.add(buf, self.b[p], out=buf)
                mins[:, p] = np.minimum.reduceat(buf, starts)
        out[nonempty] = (mins >> np.uint64(32)).astype(SIGNATURE_DTYPE)
        return out


def is_empty(signature: np.ndarray) -> bool:
    return bool((signature == _EMPTY).all())


def band_key(signatures: np.ndarray, band: int, bands: int) -> np.ndarray:
    """uint64[n]: the key of band `band` (of `bands`) of each signature row of uint32[n, num_perm]."""
    sigs = np.atleast_2d(signatures)
    n, num_perm = sigs.shape
    if bands <= 0 or num_perm % bands:
        raise ValueError(f"num_perm={num_perm} is not a multiple of bands={bands}")
    rows = num_perm // bands
    part = sigs[:, band * rows : (band + 1) * rows].astype(np.uint64)
    with np.errstate(over="ignore"):
        acc = np.full(n, np.uint64(band + 1) * _M1, dtype=np.uint64)
        for r in range(rows):
            acc = _mix(acc * _M3 + part[:, r])
    return acc


def band_keys(signatures: np.ndarray, bands: int) -> np.ndarray:
    """uint64[n, bands]: every band key of each signature row (see `band_key`)."""
    sigs = np.atleast_2d(signatures)
    out = np.empty((sigs.shape[0], bands), dtype=np.uint64)
    for band in range(bands):
        out[:, band] = band_key(sigs, band, bands)
    return out


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard estimate: the share of equal signature positions."""
    return float(np.count_nonzero(a == b)) / len(a)


def to_bytes(signature: np.ndarray) -> bytes:
    return np.ascontiguousarray(signature, dtype=SIGNATURE_DTYPE).tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=SIGNATURE_DTYPE)
