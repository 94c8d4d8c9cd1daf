"""Repeated paragraphs inside one page: pull quotes, teaser copies and a republish box holding the article.

A pull quote repeats a sentence of the article; the copy inside the longer paragraph is the one that stands in
context, so the shorter copy goes (`repeated_paragraph`). A paragraph that holds three or more other kept
paragraphs run together is the copy out of context (a "republish this story" box, an embed code), so it goes
and the paragraphs stay (`repeated_article_copy`). Identical copies keep the one the classifier scored higher.

Containment is judged on word trigrams: paragraph i is inside paragraph j when j is more than 1.2 times longer
and holds at least 80% of i's distinct trigrams. The trigrams of the whole page are numbered once and only
trigrams that two paragraphs share are looked at, so a page without repeats costs one pass over its words.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ingest.clean.tokens import WORD

REPEATED_RULE = "repeated_paragraph"
ARTICLE_COPY_RULE = "repeated_article_copy"
_EXACT_MIN_TOKENS = 8
"""Identical copies shorter than this all stay: labels, list items and table cells recur in a page's own
lists ("Average GPA: 3.7" in three school cards, "Pros" and "Cons" under every product), while a repeated
teaser or pull quote is a sentence."""
_QUOTE_MIN_TOKENS = 15
"""A paragraph this long may be a pull quote or teaser copy even without a sentence-final mark."""
_PROBE_MIN_TOKENS = 6
"""Shorter paragraphs are never judged as copies inside another one."""
_LONGER = 1.2
"""A holder must be this many times longer (in words) than the paragraph it holds."""
_CONTAINED = 0.8
"""Share of a paragraph's distinct trigrams its holder must have."""
_COPY_MIN_PARTS = 3
_COPY_MIN_SHARE = 0.5


@lru_cache(maxsize=8192)
def norm_tokens(text: str) -> tuple[str, ...]:
    """Lower-cased words without full stops ("U.S." and "US" are one word); memoized (the fixpoint passes
    and a site's recurring lines ask again)."""
    return tuple(WORD.findall(text.replace(".", "").lower()))


def drop_repeats(
    texts: list[str], reasons: list[str | None], scores: list[float], min_words: int = 0
) -> None:
    """Mark repeated kept paragraphs in `reasons` (None = kept); see the module docstring.

    `scores`: the classifier's article score of each paragraph (decides which identical copy stays).
    `min_words`: paragraphs with fewer words are left out (list items and table rows of an extracted text
    repeat legitimately: "- Price: $10" in two product boxes).
    """
    kept = [
        i
        for i, r in enumerate(reasons)
        if r is None and (not min_words or len(texts[i].split()) >= min_words)
    ]
    tokens = {i: norm_tokens(texts[i]) for i in kept}
    _exact_repeats(kept, tokens, reasons, scores)
    sizes = {i: len(t) for i, t in tokens.items()}
    largest = max(sizes.values(), default=0)
    probes = [
        i
        for i in kept
        if reasons[i] is None
        and sizes[i] >= _PROBE_MIN_TOKENS
        and sizes[i] * _LONGER < largest
        and _quotable(texts[i], sizes[i])
    ]
    if not probes:
        return
    holders = _holders(kept, probes, tokens, sizes, reasons)
    copies = _article_copies(holders, sizes)
    for j in copies:
        reasons[j] = ARTICLE_COPY_RULE
    for i, found in holders.items():
        if any(j not in copies for j in found):
            reasons[i] = REPEATED_RULE


def _quotable(text: str, size: int) -> bool:
    """Could the paragraph be a pull quote: a sentence, or a long stretch of text. A short heading found
    inside a longer line is the other way round: the line is a table of contents, a teaser list or a
    breadcrumb repeating the headings, and the heading is the copy in context."""
    return size >= _QUOTE_MIN_TOKENS or text.rstrip("\"'”’»)]* ")[-1:] in ".!?…"


def _exact_repeats(
    kept: list[int], tokens: dict[int, tuple[str, ...]], reasons: list[str | None], scores: list[float]
) -> None:
    """Identical copies (`_EXACT_MIN_TOKENS` words or more): the one the classifier scored higher stays, the
    first on ties."""
    seen: dict[tuple[str, ...], int] = {}
    for i in kept:
        key = tokens[i]
        if len(key) < _EXACT_MIN_TOKENS:
            continue
        if key in seen:
            j = seen[key]
            loser = i if scores[j] >= scores[i] else j
            reasons[loser] = REPEATED_RULE
            seen[key] = j if loser == i else i
            continue
        seen[key] = i


def _trigram_codes(kept: list[int], tokens: dict[int, tuple[str, ...]]) -> tuple[np.ndarray, np.ndarray]:
    """(paragraph, trigram number) of every distinct trigram of every kept paragraph, sorted by number;
    equal trigrams get equal numbers across the page. The page's words are numbered once and the trigrams
    are computed as whole arrays."""
    words = [w for i in kept for w in tokens[i]]
    index = {w: k for k, w in enumerate(dict.fromkeys(words))}
    size = len(index) + 1
    ids = np.fromiter(map(index.__getitem__, words), dtype=np.int64, count=len(words))
    lengths = np.fromiter((len(tokens[i]) for i in kept), dtype=np.int64, count=len(kept))
    owner = np.repeat(np.asarray(kept, dtype=np.int64), lengths)
    if len(ids) < 3:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    codes = (ids[:-2] * size + ids[1:-1]) * size + ids[2:]
    inside = owner[:-2] == owner[2:]
    codes, owner = codes[inside], owner[:-2][inside]
    order = np.lexsort((owner, codes))
    codes, owner = codes[order], owner[order]
    first = np.ones(len(codes), dtype=bool)
    first[1:] = (codes[1:] != codes[:-1]) | (owner[1:] != owner[:-1])
    return owner[first], codes[first]


def _holders(
    kept: list[int],
    probes: list[int],
    tokens: dict[int, tuple[str, ...]],
    sizes: dict[int, int],
    reasons: list[str | None],
) -> dict[int, list[int]]:
    """For each probe paragraph, the kept longer paragraphs that contain it (ascending), where any do.

    Shared trigrams are counted per pair of paragraphs from the trigrams that occur in more than one
    paragraph; a pair that shares none cannot qualify."""
    owner, number = _trigram_codes(kept, tokens)
    if len(number) < 2:
        return {}
    distinct = np.bincount(owner)
    boundary = np.flatnonzero(number[1:] != number[:-1]) + 1
    starts = np.concatenate(([0], boundary))
    sizes_of_group = np.diff(np.concatenate((starts, [len(number)])))
    group = np.repeat(np.arange(len(starts)), sizes_of_group)
    shared_group = sizes_of_group[group] >= 2
    probe_rows = np.flatnonzero(shared_group & np.isin(owner, np.asarray(probes, dtype=np.int64)))
    if len(probe_rows) == 0:
        return {}
    width = sizes_of_group[group[probe_rows]]
    left = np.repeat(probe_rows, width)
    offset = np.arange(len(left)) - np.repeat(np.cumsum(width) - width, width)
    right = starts[group[left]] + offset
    mine, theirs = owner[left], owner[right]
    other = mine != theirs
    span = int(owner.max()) + 1
    pairs, counts = np.unique(mine[other] * span + theirs[other], return_counts=True)
    found: dict[int, list[int]] = {}
    for key, count in zip(pairs.tolist(), counts.tolist(), strict=True):
        i, j = divmod(key, span)
        if sizes[j] > sizes[i] * _LONGER and reasons[j] is None and count >= _CONTAINED * distinct[i]:
            found.setdefault(i, []).append(j)
    return found


def _article_copies(holders: dict[int, list[int]], sizes: dict[int, int]) -> set[int]:
    """Long paragraphs that are a copy of several other kept paragraphs run together: a "republish this
    story" box or an embed code holding the whole article as one line, a summary block pasting the body.

    A pull quote is one sentence inside one paragraph; a paragraph that holds three or more other kept
    paragraphs, which together make up at least half of it, is the copy out of context, so it goes and the
    paragraphs it repeats stay.
    """
    parts: dict[int, list[int]] = {}
    for i, found in holders.items():
        for j in found:
            parts.setdefault(j, []).append(i)
    return {
        j
        for j, members in parts.items()
        if len(members) >= _COPY_MIN_PARTS and sum(sizes[m] for m in members) >= _COPY_MIN_SHARE * sizes[j]
    }
