"""Statistics of each line on its own: length, punctuation, function words, capitals, digits, symbols.

These are the features of a line that depend on its text alone (`LINE_STATS`), as opposed to its place on the
page (`features`). They are computed for a whole page at once (`text_columns`: lookup tables and numpy
counts, see `tokens`), give the same doubles a line-by-line computation gives, and are remembered per line
text (`cached_text_table`), because the cleaner's fixpoint passes re-read the lines the first pass kept and
a site's boilerplate recurs across its pages. `is_prose` reads them to tell running text from the rest.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import lru_cache
from itertools import accumulate

import numpy as np

from ingest.clean.tokens import (
    _ALPHA,
    _DIGIT,
    _LOWER,
    _QUOTE,
    _SENTENCE_MARK,
    _SEPARATOR,
    _SPACE,
    _UPPER,
    STOPWORDS,
    _flags_of,
    line_tokens,
)

_DATE = re.compile(
    r"\b(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov"
    r"|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}|\d{1,2}(?:st|nd|rd|th)? (?:jan|feb|mar|apr|"
    r"may|jun|jul|aug"
    r"|sep|sept|oct|nov|dec)[a-z]*\.? \d{4}|\d{1,2}:\d{2}\s?(?:am|pm)?|\d+ (?:min|mins|minutes|hours?|days?)"
    r"(?: ago| read)?)\b",
    re.IGNORECASE,
)
_URLISH = re.compile(r"https?://|www\.|\.com\b|@\w|\b\w+@\w+\.\w+")
_SEPARATORS = re.compile(r"\s[|•·/›»>]\s|\s[|•·]|[|•·]\s")

_TEXT_SHAPE: tuple[str, ...] = (
    "log_chars",
    "n_words",
    "mean_word_len",
    "ends_sentence",
    "ends_colon",
    "ends_comma_or_word",
    "n_sentences",
    "stop_share",
    "cap_share",
    "digit_share",
    "symbol_share",
    "upper_share",
    "separators",
)
"""Length, punctuation, function words, capitals, digits and symbols of a line: the first line statistics of
both `FEATURES` and `LINE_STATS`."""


_CACHE_LINES = 32_768
_cached_rows: dict[str, tuple[float, ...]] = {}


def cached_text_columns(texts: list[str]) -> dict[str, list[float]]:
    """`text_columns`, with each line's values remembered: the cleaner's fixpoint passes re-read the lines
    the first pass kept, and a site's boilerplate recurs across its pages. Only the lines not seen before
    are computed (together, as one page); the memo is emptied when it grows past `_CACHE_LINES`. The page
    is assembled from its own lookups, never read back from the memo, so threads sharing it (a Dask worker)
    cannot see a line vanish."""
    columns = cached_text_table(texts)
    del columns[N_TOKENS], columns[SHORT_TOKENS]
    return columns


N_TOKENS = "n_tokens"
"""The `\\w+` tokens of the lower-cased line (`len(WORD.findall(text.lower()))`): not a model feature,
but it lets `model_columns` skip the title-overlap search of lines longer than `_overlap` reads."""


def cached_text_table(texts: list[str]) -> dict[str, list[float]]:
    """`cached_text_columns` and, under `N_TOKENS` and `SHORT_TOKENS`, each line's token count and short
    token tuple (memoized with the rest)."""
    if not texts:
        return {name: [] for name in _TABLE}
    found = {t: _cached_rows.get(t) for t in texts}
    missing = [t for t, row in found.items() if row is None]
    if missing:
        if len(_cached_rows) + len(missing) > _CACHE_LINES:
            _cached_rows.clear()
        fresh = _text_table(missing)
        for text, row in zip(missing, zip(*fresh.values(), strict=True), strict=True):
            found[text] = _cached_rows[text] = row
    rows = [found[t] for t in texts]
    return {name: list(values) for name, values in zip(_TABLE, zip(*rows, strict=True), strict=True)}


@lru_cache(maxsize=8192)
def line_stats(text: str) -> dict[str, float]:
    """Statistics of one paragraph on its own (`text_columns` of a one-line page); memoized by text (the
    cross-document pass asks again for a site's recurring lines), so callers must copy the dict before
    changing it."""
    return {name: values[0] for name, values in text_columns([text]).items()}


LINE_STATS: tuple[str, ...] = (
    *_TEXT_SHAPE,
    "has_date",
    "has_url",
    "first_char_lower",
    "starts_quote",
    "ends_ellipsis",
)
"""The features `text_columns` computes, each from one paragraph alone."""
SHORT_TOKENS = "short_tokens"
"""The line's lower-cased `\\w+` tokens when it has 1 to `_OVERLAP_MAX_WORDS` of them, else (): all that
the title overlap reads, so `model_columns` needs no regex per line (the title changes between fixpoint
passes when the first line goes, so a memo keyed by title misses)."""
_TABLE: tuple[str, ...] = (*LINE_STATS, N_TOKENS, SHORT_TOKENS)
"""What the line memo holds for each line."""


def text_columns(texts: list[str]) -> dict[str, list[float]]:
    """The statistics of every paragraph of a page (`LINE_STATS`), one list per name.

    The page is read as one string: character classes come from a lookup table and are counted per
    paragraph with numpy, tokens come from one regex call over the whole lower-cased page, so the per-line
    Python work is a few string tests. The counts are those of `str.split`, `str.isalpha`/`isdigit`/
    `isupper`, `re`'s `\\w+` and `str.count`, so every value is the same double a line-by-line computation
    gives.
    """
    columns = _text_table(texts)
    del columns[N_TOKENS], columns[SHORT_TOKENS]
    return columns


def _text_table(texts: list[str]) -> dict[str, list[float]]:
    """`text_columns` and `N_TOKENS`, in `_TABLE` order."""
    n = len(texts)
    if n == 0:
        return {name: [] for name in _TABLE}
    page = "\n".join(texts)
    chars_list = [len(t) for t in texts]
    chars = np.asarray(chars_list, dtype=np.int64)
    points, flags = _flags_of(page)
    owner = np.arange(n).repeat(chars + 1)[: len(page)]
    first = np.concatenate(([0], (chars + 1).cumsum()[:-1]))

    def per_line(mask: np.ndarray) -> np.ndarray:
        return np.bincount(owner[mask], minlength=n)

    space = (flags & _SPACE) != 0
    starts = ~space
    starts[1:] &= space[:-1]
    letters, digits = per_line((flags & _ALPHA) != 0), per_line((flags & _DIGIT) != 0)
    uppers, spaces = per_line((flags & _UPPER) != 0), per_line(points == 32)
    words, caps = per_line(starts), per_line(starts & ((flags & _UPPER) != 0))
    marks = ((flags[:-1] & _SENTENCE_MARK) != 0) & (points[1:] == 32)
    sentences = np.bincount(owner[:-1][marks], minlength=n)
    tokens, stops, short = _token_counts(texts)
    lasts = [_last_mark(t) for t in texts]
    opening_flags = flags[np.minimum(first, len(flags) - 1)] if len(flags) else np.zeros(n, dtype=np.uint16)
    return {
        "log_chars": [math.log1p(c) for c in chars_list],
        "n_words": np.minimum(words, 200).astype(np.float64).tolist(),
        "mean_word_len": _ratio(chars - spaces, words),
        "ends_sentence": [float(c != "" and c in ".!?…。！？") for c in lasts],
        "ends_colon": [float(c == ":") for c in lasts],
        "ends_comma_or_word": [float(c.isalnum() or c == ",") for c in lasts],
        "n_sentences": np.minimum(sentences + 1, 30).astype(np.float64).tolist(),
        "stop_share": (stops / np.maximum(tokens, 1)).tolist(),
        "cap_share": _ratio(caps, words),
        "digit_share": _ratio(digits, chars),
        "symbol_share": _ratio(chars - letters - digits - spaces, chars),
        "upper_share": _ratio(uppers, letters),
        "separators": _searched(texts, per_line((flags & _SEPARATOR) != 0), _separator_count),
        "has_date": _searched(texts, digits, _has_date),
        "has_url": _searched(texts, _url_candidates(page, owner, n), _has_url),
        "first_char_lower": (((opening_flags & _LOWER) != 0) & (chars > 0)).astype(np.float64).tolist(),
        "starts_quote": (((opening_flags & _QUOTE) != 0) & (chars > 0)).astype(np.float64).tolist(),
        "ends_ellipsis": [float(t.endswith(("...", "…", "…»", "...)"))) for t in texts],
        N_TOKENS: tokens.astype(np.float64).tolist(),
        SHORT_TOKENS: short,  # type: ignore[dict-item]
    }


_URL_SCREEN = re.compile(r"@|://|www\.|\.com")
"""Every alternative of `_URLISH` needs one of these: only lines holding one are searched."""


def _last_mark(text: str) -> str:
    """The last character, looking through closing quotes, brackets and emphasis marks."""
    last = text[-1:]
    if last and last in "\"'”’»)]*" and len(text) > 1:
        last = text.rstrip("\"'”’»)]* ")[-1:] or last
    return last


def _ratio(numerators: np.ndarray, denominators: np.ndarray) -> list[float]:
    """numerator / denominator per line, 0.0 where the denominator is 0 (the same doubles as Python's `/`)."""
    return np.where(denominators > 0, numerators / np.maximum(denominators, 1), 0.0).tolist()


def _searched(texts: list[str], candidates: np.ndarray, test: Callable[[str], float]) -> list[float]:
    """`test` of each line that is a candidate (count above 0), 0.0 for the rest."""
    return [test(t) if c else 0.0 for t, c in zip(texts, candidates.tolist(), strict=True)]


def _separator_count(text: str) -> float:
    return float(min(len(_SEPARATORS.findall(text)), 10))


def _has_date(text: str) -> float:
    return float(_DATE.search(text) is not None)


def _has_url(text: str) -> float:
    return float(_URLISH.search(text) is not None)


def _url_candidates(page: str, owner: np.ndarray, n: int) -> np.ndarray:
    hits = [m.start() for m in _URL_SCREEN.finditer(page)]
    return np.bincount(owner[hits], minlength=n) if hits else np.zeros(n, dtype=np.int64)


def _token_counts(texts: list[str]) -> tuple[np.ndarray, np.ndarray, list[tuple[str, ...]]]:
    """(tokens, stop words among them, `SHORT_TOKENS`) of every line."""
    tokens, counts = line_tokens(texts)
    is_stop = np.fromiter(map(STOPWORDS.__contains__, tokens), dtype=bool, count=len(tokens))
    stops = np.bincount(np.repeat(np.arange(len(texts)), counts)[is_stop], minlength=len(texts))
    return counts, stops, _short_tokens(tokens, counts.tolist())


def _short_tokens(tokens: list[str], counts: list[int]) -> list[tuple[str, ...]]:
    """Each line's tokens where it has 1 to `_OVERLAP_MAX_WORDS` of them (what `_overlap` reads), else ()."""
    limit = _OVERLAP_MAX_WORDS
    return [
        tuple(tokens[end - count : end]) if 0 < count <= limit else ()
        for count, end in zip(counts, accumulate(counts), strict=True)
    ]


def is_prose(stats: dict[str, float]) -> bool:
    """Running text: a sentence-ending line of some length with function words in it."""
    return _prose(stats["n_words"], stats["ends_sentence"], stats["stop_share"])


def _prose(n_words: float, ends_sentence: float, stop_share: float) -> bool:
    return n_words >= 15 and ends_sentence == 1.0 and stop_share >= 0.15


def prose_column(stats: dict[str, list[float]]) -> list[bool]:
    """`is_prose` of every line of `text_columns` output."""
    return list(map(_prose, stats["n_words"], stats["ends_sentence"], stats["stop_share"]))


_OVERLAP_MAX_WORDS = 40
"""Longer lines have no title overlap (running text mentions the title's words by chance)."""
