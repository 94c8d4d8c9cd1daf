"""The features the article classifier reads: each line's statistics and its place on the page.

Every feature is a plain number computed from the paragraph and its neighbourhood, never from a site's
wording. Three groups:
- the line itself (`linestats`): length, terminal punctuation, stop-word share (prose has many function
  words, menus have none), capitalisation (Title Case is headings and menus), digit and symbol share
  (widgets, dates, prices);
- its neighbourhood: lengths and sentence endings of the lines around it (a menu is a run of short lines).
  Blank-line blocks are deliberately not used: whether a converter separates paragraphs by blank lines is the
  converter's habit, and the held-out converters differ;
- its position relative to the *prose* of the page rather than to the page: how much running text lies before
  and after it and how far the nearest paragraph of running text is. Boilerplate clusters before the first and
  after the last paragraph, however large it is, so this stays meaningful when the chrome outweighs the
  article.
Rule hits are features too (`rule_any`, `rule_near`): a run of boilerplate makes its neighbours suspect.

There is one implementation, `model_columns` (numpy arrays, built by the cleaner on every fixpoint pass);
training reads the same numbers through `page_features`, so what the model is trained on is what it scores.
tests/clean/test_clean_model.py checks the arrays against a plain line-by-line definition, to the bit.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

import numpy as np

from ingest.clean.lines import Para
from ingest.clean.linestats import (
    _OVERLAP_MAX_WORDS,
    _TEXT_SHAPE,
    LINE_STATS,
    prose_column,
    text_columns,
)
from ingest.clean.tokens import WORD

FEATURES: tuple[str, ...] = (
    *_TEXT_SHAPE,
    "is_list",
    "is_heading",
    "pos_rel",
    "prose_before",
    "prose_after",
    "dist_prev_prose",
    "dist_next_prose",
    "win2_log_chars",
    "win6_log_chars",
    "prev_log_chars",
    "next_log_chars",
    "prev_ends_sentence",
    "next_ends_sentence",
    "dup_count",
    "title_overlap",
    "has_date",
    "has_url",
    "rule_any",
    "rule_near",
    "first_char_lower",
    "starts_quote",
    "ends_ellipsis",
    "win3_cap_share",
    "win3_sentence",
    "win3_prose",
)


def page_features(paras: list[Para], rule_hits: list[bool]) -> list[dict[str, float]]:
    """Feature dicts for every paragraph of one page, in order (`page_columns` as rows): what training
    reads, the very numbers the cleaner scores at run time."""
    columns = page_columns(paras, rule_hits)
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def page_columns(
    paras: list[Para], rule_hits: list[bool], stats: dict[str, list[float]] | None = None
) -> dict[str, list[float]]:
    """`model_columns` as plain lists, one per name of `FEATURES` (empty for an empty page). Training reads
    the features through here, so it sees exactly the doubles the cleaner computes: one implementation, no
    training/serving skew. `stats`: the page's `text_columns`, when the caller has them already."""
    if not paras:
        return {}
    if stats is None:
        stats = text_columns([p.text for p in paras])
    columns = model_columns(paras, rule_hits, stats, prose_column(stats))
    return {name: columns[name].tolist() for name in FEATURES}


def model_columns(
    paras: list[Para],
    rule_hits: list[bool],
    stats: dict[str, list[float]],
    prose: list[bool],
    tokens: list[tuple[str, ...]] | None = None,
) -> dict[str, np.ndarray]:
    """Every feature of `FEATURES` for every paragraph of one page, as numpy arrays: the line statistics
    (`stats`, the page's `text_columns`), then layout, position and neighbourhood features, the loops done as
    whole-array operations. `prose`: the lines' `prose_column`; `tokens`: their `SHORT_TOKENS`, when known
    (the title overlap is then counted from them, with no regex). The cleaner builds this on every fixpoint
    pass; training reads it through `page_columns`."""
    n = len(paras)
    texts = [p.text for p in paras]
    out: dict[str, np.ndarray] = {name: np.asarray(stats[name], dtype=np.float64) for name in LINE_STATS}
    is_prose = np.asarray(prose, dtype=bool)
    at = np.arange(n)
    prose_chars = np.fromiter(map(len, texts), dtype=np.int64, count=n) * is_prose
    running = prose_chars.cumsum()
    total = int(running[-1]) if n else 0
    total = total or 1
    out["is_list"] = np.asarray([p.is_list for p in paras], dtype=np.float64)
    out["is_heading"] = np.asarray([p.is_heading for p in paras], dtype=np.float64)
    out["pos_rel"] = at / n
    out["prose_before"] = (running - prose_chars) / total
    out["prose_after"] = (total - running) / total if total > 1 else np.zeros(n, dtype=np.float64)
    out["dist_prev_prose"] = _prose_distances(is_prose, at)
    out["dist_next_prose"] = _prose_distances(is_prose[::-1], at)[::-1]
    log_chars = out["log_chars"]
    sentences = out["ends_sentence"]
    out["win2_log_chars"] = _window_mean_array(log_chars, 2)
    out["win6_log_chars"] = _window_mean_array(log_chars, 6)
    out["prev_log_chars"] = _shifted(log_chars, 1)
    out["next_log_chars"] = _shifted(log_chars, -1)
    out["prev_ends_sentence"] = _shifted(sentences, 1)
    out["next_ends_sentence"] = _shifted(sentences, -1)
    counts = Counter(texts)
    if len(counts) == n:
        out["dup_count"] = np.ones(n, dtype=np.float64)
    else:
        repeats = np.fromiter(map(counts.__getitem__, texts), dtype=np.int64, count=n)
        out["dup_count"] = np.minimum(repeats, 5).astype(np.float64)
    title_words = _title_words(paras)
    if tokens is None:
        overlaps = [_overlap(t, title_words) for t in texts[1:]]
    elif not title_words:
        overlaps = [0.0] * (n - 1)
    else:
        inside, apart = title_words.__contains__, title_words.isdisjoint
        overlaps = [0.0 if apart(words) else sum(map(inside, words)) / len(words) for words in tokens[1:]]
    out["title_overlap"] = np.asarray([0.0, *overlaps], dtype=np.float64)
    hits = np.asarray(rule_hits, dtype=np.float64)
    out["rule_any"] = hits
    out["rule_near"] = _flag_window_mean_array(hits, 3)
    out["win3_cap_share"] = _window_mean_array(out["cap_share"], 3)
    out["win3_sentence"] = _flag_window_mean_array(sentences, 3)
    out["win3_prose"] = _flag_window_mean_array(is_prose.astype(np.float64), 3)
    return out


def _prose_distances(prose: np.ndarray, at: np.ndarray) -> np.ndarray:
    """For each line, the lines since the last prose line: 0 on prose, at most 30 (30 before the first).
    Reversed input and output give the distance to the next prose line."""
    last = np.maximum.accumulate(np.where(prose, at, -1))
    return np.where(prose, 0, np.where(last < 0, 30, np.minimum(at - last, 30))).astype(np.float64)


def _shifted(values: np.ndarray, by: int) -> np.ndarray:
    """The previous (`by`=1) or next (`by`=-1) line's value, 0.0 past the ends."""
    out = np.zeros_like(values)
    if by > 0:
        out[by:] = values[:-by]
    else:
        out[:by] = values[-by:]
    return out


def _title_words(paras: list[Para]) -> frozenset[str]:
    """Words of the page's first line: html-text and similar converters put the HTML <title> there."""
    return frozenset(WORD.findall(paras[0].text.lower())) if paras else frozenset()


@lru_cache(maxsize=8192)
def _overlap(text: str, title_words: frozenset[str]) -> float:
    words = WORD.findall(text.lower())
    if not words or not title_words or len(words) > _OVERLAP_MAX_WORDS:
        return 0.0
    return sum(1 for w in words if w in title_words) / len(words)


def _window_mean_array(column: np.ndarray, k: int) -> np.ndarray:
    """Mean of the k values on each side of every position (the position itself left out).

    The window sums are built by adding the shifted columns from the leftmost offset to the rightmost, so
    each is the same left-to-right sum (to the bit) that `sum(values[i - k : i + k + 1])` gives."""
    n = len(column)
    total = np.zeros(n, dtype=np.float64)
    for offset in range(-min(k, n - 1), min(k, n - 1) + 1):
        if offset < 0:
            total[-offset:] += column[: n + offset]
        elif offset > 0:
            total[: n - offset] += column[offset:]
        else:
            total += column
    at = np.arange(n)
    size = np.minimum(n, at + k + 1) - np.maximum(0, at - k) - 1
    return (total - column) / np.maximum(1, size)


def _flag_window_mean_array(values: np.ndarray, k: int) -> np.ndarray:
    """`_window_mean_array` of 0.0/1.0 flags with prefix sums: sums of small whole numbers are exact in
    floats, so each mean is the same to the bit as the slice sum's."""
    n = len(values)
    prefix = np.concatenate(([0.0], values.cumsum()))
    at = np.arange(n)
    lo, hi = np.maximum(0, at - k), np.minimum(n, at + k + 1)
    return (prefix[hi] - prefix[lo] - values) / np.maximum(1, hi - lo - 1)
