"""Line and block statistics the article classifier reads.

Every feature is a plain number computed from the paragraph, its block (the run of lines between blank lines)
and its neighbourhood, never from a site's wording. Three groups:
- the line itself: length, terminal punctuation, stop-word share (prose has many function words, menus have
  none), capitalisation (Title Case is headings and menus), digit and symbol share (widgets, dates, prices);
- its neighbourhood: lengths and sentence endings of the lines around it (a menu is a run of short lines).
  Blank-line blocks are deliberately not used: whether a converter separates paragraphs by blank lines is the
  converter's habit, and the held-out converters differ;
- its position relative to the *prose* of the page rather than to the page: how much running text lies before
  and after it and how far the nearest paragraph of running text is. Boilerplate clusters before the first and
  after the last paragraph, however large it is, so this stays meaningful when the chrome outweighs the
  article.
Rule hits are features too (`rule_any`, `rule_near`): a run of boilerplate makes its neighbours suspect.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from functools import cache, lru_cache
from itertools import accumulate

import numpy as np

from ingest.clean.lines import Para

WORD = re.compile(r"\w+")
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

_STOPWORD_TEXT = """
a about after all also an and any are as at be because been but by can could did do does for from
had has have he her his how i if in into is it its just more most no not of on one only or other our
out over said she so some such than that the their them then there these they this those through to
up was we were what when where which while who will with would you your der die das und ist nicht
ein eine zu den mit von sich des auf für im dem auch es an als wie bei nach le la les et est un une
des du en que qui dans pour pas sur au avec ce il elle sont el los las y es un una del que en por
con para se al lo como más pero su il di che e un una per non sono con del della le si da al o os as
um uma do da em que para com não se na no de het een en van is dat op te zijn met voor niet и в во
не что он на я с со как а то все она так его но да к у же вы за бы по только ее мне было от из это
когда уже или ни быть был до для мы их чем была чтобы без будет кто этот того при после они w z na
się nie do że jest to jak po od za przez dla och att det som en på är för med av den till har inte
bir ve bu da de için ile olarak daha çok
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
"""Function words of English and a few other languages: prose has many, menus and widgets have none."""

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

_ALPHA, _DIGIT, _UPPER, _SPACE, _WORDCHAR, _LOWER = 1, 2, 4, 8, 16, 32
_SEPARATOR, _QUOTE, _SENTENCE_MARK = 64, 128, 256
_BMP = 0x10000


def _char_flags(ch: str) -> int:
    """The character classes the statistics count, as str methods and `re`'s \\w define them."""
    return (
        _ALPHA * ch.isalpha()
        | _DIGIT * ch.isdigit()
        | _UPPER * ch.isupper()
        | _SPACE * ch.isspace()
        | _WORDCHAR * (ch.isalnum() or ch == "_")
        | _LOWER * ch.islower()
        | _SEPARATOR * (ch in "|•·/›»>")
        | _QUOTE * (ch in "\"“'‘«„")
        | _SENTENCE_MARK * (ch in ".?!")
    )


@cache
def _bmp_flags() -> np.ndarray:
    """`_char_flags` of every Basic Multilingual Plane code point, built once (about 50 ms) on first use."""
    return np.fromiter((_char_flags(chr(cp)) for cp in range(_BMP)), dtype=np.uint16, count=_BMP)


def _flags_of(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(code points, class flags) of every character of `text`; the rare characters beyond the BMP are
    classified one by one."""
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if len(points) == 0 or int(points.max()) < _BMP:
        return points, _bmp_flags()[points]
    astral = points >= _BMP
    flags = _bmp_flags()[np.where(astral, 0, points)]
    if astral.any():
        for k in np.flatnonzero(astral).tolist():
            flags[k] = _char_flags(text[k])
    return points, flags


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


def line_tokens(texts: list[str]) -> tuple[list[str], np.ndarray]:
    """The `\\w+` tokens of the lower-cased lines, in order, and how many each line holds: one `findall`
    over the whole page, attributed to lines by where words start.

    Lower-casing keeps the length of nearly every text; where it does not (a dotted capital I becomes two
    characters) positions no longer match and the lines are tokenized one by one."""
    n = len(texts)
    page = "\n".join(texts)
    lower = page.lower()
    if len(lower) == len(page):
        _, flags = _flags_of(lower)
        word = (flags & _WORDCHAR) != 0
        starts = word.copy()
        starts[1:] &= ~word[:-1]
        tokens = WORD.findall(lower)
        owner = np.repeat(np.arange(n), np.asarray([len(t) + 1 for t in texts], dtype=np.int64))[: len(page)]
        counts = np.bincount(owner[starts], minlength=n)
        if int(counts.sum()) == len(tokens):
            return tokens, counts
    per_line = [WORD.findall(t.lower()) for t in texts]
    return [w for line in per_line for w in line], np.asarray([len(w) for w in per_line], dtype=np.int64)


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


def page_features(paras: list[Para], rule_hits: list[bool]) -> list[dict[str, float]]:
    """Feature dicts for every paragraph of one page, in order (`page_columns` as rows)."""
    columns = page_columns(paras, rule_hits)
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def prose_column(stats: dict[str, list[float]]) -> list[bool]:
    """`is_prose` of every line of `text_columns` output."""
    return list(map(_prose, stats["n_words"], stats["ends_sentence"], stats["stop_share"]))


def page_columns(
    paras: list[Para], rule_hits: list[bool], stats: dict[str, list[float]] | None = None
) -> dict[str, list[float]]:
    """Every feature of every paragraph of one page, as one list per feature name (the line statistics of
    `text_columns`, then layout, block, position and neighbourhood features). The cleaner scores pages
    column by column; `page_features` turns the same values into one dict per paragraph. `stats`: the
    page's `text_columns`, when the caller has them already."""
    n = len(paras)
    if n == 0:
        return {}
    out: dict[str, list[float]] = dict(stats if stats is not None else text_columns([p.text for p in paras]))
    prose = prose_column(out)
    prose_chars = [len(p.text) if pr else 0 for p, pr in zip(paras, prose, strict=True)]
    total_prose = sum(prose_chars) or 1
    counts = Counter(p.text for p in paras)
    title_words = _title_words(paras)
    blocks: dict[int, list[int]] = {}
    for i, p in enumerate(paras):
        blocks.setdefault(p.block, []).append(i)
    block_info: dict[int, tuple[float, float, float]] = {}
    log_chars = out["log_chars"]
    sentences = out["ends_sentence"]
    for b, members in blocks.items():
        block_info[b] = (
            float(min(len(members), 50)),
            sum(log_chars[i] for i in members) / len(members),
            sum(sentences[i] for i in members) / len(members),
        )
    prose_f = [float(p) for p in prose]
    hits = [float(h) for h in rule_hits]
    out["is_list"] = [float(p.is_list) for p in paras]
    out["is_heading"] = [float(p.is_heading) for p in paras]
    out["block_start"] = [float(p.block_start) for p in paras]
    info = [block_info[p.block] for p in paras]
    out["block_len"] = [b[0] for b in info]
    out["block_mean_log_chars"] = [b[1] for b in info]
    out["block_sentence_share"] = [b[2] for b in info]
    out["pos_rel"] = [i / n for i in range(n)]
    prose_before, prose_after = [], []
    before = 0
    for i in range(n):
        prose_before.append(before / total_prose)
        before += prose_chars[i]
        prose_after.append((total_prose - before) / total_prose if total_prose > 1 else 0.0)
    out["prose_before"] = prose_before
    out["prose_after"] = prose_after
    out["dist_prev_prose"] = [float(d) for d in _distance_to_prose(prose, reverse=False)]
    out["dist_next_prose"] = [float(d) for d in _distance_to_prose(prose, reverse=True)]
    out["win2_log_chars"] = _window_means(log_chars, 2)
    out["win6_log_chars"] = _window_means(log_chars, 6)
    out["prev_log_chars"] = [0.0, *log_chars[:-1]]
    out["next_log_chars"] = [*log_chars[1:], 0.0]
    out["prev_ends_sentence"] = [0.0, *sentences[:-1]]
    out["next_ends_sentence"] = [*sentences[1:], 0.0]
    out["dup_count"] = [float(min(counts[p.text], 5)) for p in paras]
    out["title_overlap"] = [0.0] + [_overlap(p.text, title_words) for p in paras[1:]]
    out["rule_any"] = hits
    out["rule_near"] = _flag_window_means(hits, 3)
    out["win3_cap_share"] = _window_means(out["cap_share"], 3)
    out["win3_sentence"] = _flag_window_means(sentences, 3)
    out["win3_prose"] = _flag_window_means(prose_f, 3)
    return out


def model_columns(
    paras: list[Para],
    rule_hits: list[bool],
    stats: dict[str, list[float]],
    prose: list[bool],
    tokens: list[tuple[str, ...]] | None = None,
) -> dict[str, np.ndarray]:
    """`page_columns` restricted to `FEATURES` (what the classifier reads), as numpy arrays: the same
    doubles (tests/clean/test_clean_model.py compares them), without the block statistics only training
    reads and with the position and neighbourhood loops done as whole-array operations. `stats`: the page's
    `text_columns`; `prose`: their `prose_column`; `tokens`: the lines' `SHORT_TOKENS`, when known (the title
    overlap is then counted from them, with no regex). The
    cleaner builds this on every fixpoint pass."""
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
    """`_distance_to_prose` (forwards) as arrays: lines since the last prose line, 0 on prose, at most 30
    (30 before the first)."""
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


_OVERLAP_MAX_WORDS = 40
"""Longer lines have no title overlap (running text mentions the title's words by chance)."""


@lru_cache(maxsize=8192)
def _overlap(text: str, title_words: frozenset[str]) -> float:
    words = WORD.findall(text.lower())
    if not words or not title_words or len(words) > _OVERLAP_MAX_WORDS:
        return 0.0
    return sum(1 for w in words if w in title_words) / len(words)


def _distance_to_prose(prose: list[bool], reverse: bool) -> list[int]:
    n = len(prose)
    out = [0] * n
    dist = 30
    order = range(n - 1, -1, -1) if reverse else range(n)
    for i in order:
        out[i] = dist if not prose[i] else 0
        dist = 0 if prose[i] else dist
        dist = min(dist + 1, 30)
    return out


def _window_means(values: list[float], k: int) -> list[float]:
    """Mean of the k values on each side of every position (the position itself left out).

    The window sums are built by adding the shifted columns from the leftmost offset to the rightmost, so
    each is the same left-to-right sum (to the bit) that `sum(values[i - k : i + k + 1])` gives."""
    return _window_mean_array(np.asarray(values, dtype=np.float64), k).tolist()


def _window_mean_array(column: np.ndarray, k: int) -> np.ndarray:
    """`_window_means` of an array, as an array."""
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


def _flag_window_means(flags: list[float], k: int) -> list[float]:
    """`_window_means` of 0.0/1.0 flags with numpy prefix sums: sums of small whole numbers are exact in
    floats, so each mean is the same to the bit as the slice sum's, without a Python loop."""
    return _flag_window_mean_array(np.asarray(flags, dtype=np.float64), k).tolist()


def _flag_window_mean_array(values: np.ndarray, k: int) -> np.ndarray:
    """`_flag_window_means` of an array, as an array."""
    n = len(values)
    prefix = np.concatenate(([0.0], values.cumsum()))
    at = np.arange(n)
    lo, hi = np.maximum(0, at - k), np.minimum(n, at + k + 1)
    return (prefix[hi] - prefix[lo] - values) / np.maximum(1, hi - lo - 1)
