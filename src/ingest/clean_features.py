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
from functools import lru_cache

import numpy as np

from ingest.clean_lines import Para

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

FEATURES: tuple[str, ...] = (
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


@lru_cache(maxsize=8192)
def line_stats(text: str) -> dict[str, float]:
    """Statistics of one paragraph on its own; memoized by text (the cleaner's fixpoint passes and a site's
    recurring lines ask again), so callers must copy the dict before changing it."""
    words = text.split()
    n_words = len(words)
    n_chars = len(text)
    tokens = WORD.findall(text.lower())
    n_tokens = len(tokens) or 1
    letters, digits, uppers = _char_counts(text)
    spaces = text.count(" ")
    symbols = n_chars - letters - digits - spaces
    last = text[-1] if text else ""
    if last in "\"'”’»)]*" and len(text) > 1:
        last = text.rstrip("\"'”’»)]* ")[-1:] or last
    caps = sum(1 for w in words if w[:1].isupper())
    return {
        "log_chars": math.log1p(n_chars),
        "n_words": float(min(n_words, 200)),
        "mean_word_len": (n_chars - spaces) / n_words if n_words else 0.0,
        "ends_sentence": float(last in ".!?…。！？"),
        "ends_colon": float(last == ":"),
        "ends_comma_or_word": float(last.isalnum() or last == ","),
        "n_sentences": float(min(text.count(". ") + text.count("? ") + text.count("! ") + 1, 30)),
        "stop_share": _stop_count(tokens) / n_tokens,
        "cap_share": caps / n_words if n_words else 0.0,
        "digit_share": digits / n_chars if n_chars else 0.0,
        "symbol_share": symbols / n_chars if n_chars else 0.0,
        "upper_share": uppers / letters if letters else 0.0,
        "separators": float(min(len(_SEPARATORS.findall(text)), 10)),
        "has_date": float(digits > 0 and _DATE.search(text) is not None),
        "has_url": float(_may_be_url(text) and _URLISH.search(text) is not None),
        "first_char_lower": float(text[:1].islower()),
        "starts_quote": float(text[:1] in "\"“'‘«„"),
        "ends_ellipsis": float(text.endswith(("...", "…", "…»", "...)"))),
    }


_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ASCII_UPPER = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ASCII_DIGITS = b"0123456789"


def _char_counts(text: str) -> tuple[int, int, int]:
    """(letters, digits, upper-case letters) as str.isalpha/isdigit/isupper count them. For ASCII text,
    which most lines are, bytes.translate deletes each class in C: the same counts, without three
    Python-level passes over the characters."""
    if not text.isascii():
        return sum(map(str.isalpha, text)), sum(map(str.isdigit, text)), sum(map(str.isupper, text))
    raw = text.encode("ascii")
    n = len(raw)
    return (
        n - len(raw.translate(None, _ASCII_LETTERS)),
        n - len(raw.translate(None, _ASCII_DIGITS)),
        n - len(raw.translate(None, _ASCII_UPPER)),
    )


def _may_be_url(text: str) -> bool:
    """Every alternative of `_URLISH` needs one of these substrings: most lines skip the regex."""
    return "@" in text or "://" in text or "www." in text or ".com" in text


def _stop_count(tokens: list[str]) -> int:
    return sum(map(STOPWORDS.__contains__, tokens))


def is_prose(stats: dict[str, float]) -> bool:
    """Running text: a sentence-ending line of some length with function words in it."""
    return stats["n_words"] >= 15 and stats["ends_sentence"] == 1.0 and stats["stop_share"] >= 0.15


def page_features(paras: list[Para], rule_hits: list[bool]) -> list[dict[str, float]]:
    """Feature dicts for every paragraph of one page, in order (`page_columns` as rows)."""
    columns = page_columns(paras, rule_hits)
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def page_columns(paras: list[Para], rule_hits: list[bool]) -> dict[str, list[float]]:
    """Every feature of every paragraph of one page, as one list per feature name (the line statistics of
    `line_stats`, then layout, block, position and neighbourhood features). The cleaner scores pages
    column by column; `page_features` turns the same values into one dict per paragraph."""
    n = len(paras)
    if n == 0:
        return {}
    stats = [line_stats(p.text) for p in paras]
    out: dict[str, list[float]] = {name: [s[name] for s in stats] for name in stats[0]}
    prose = [is_prose(s) for s in stats]
    prose_chars = [len(p.text) if pr else 0 for p, pr in zip(paras, prose, strict=True)]
    total_prose = sum(prose_chars) or 1
    counts = Counter(p.text for p in paras)
    title_words = _title_words(paras)
    blocks: dict[int, list[int]] = {}
    for i, p in enumerate(paras):
        blocks.setdefault(p.block, []).append(i)
    block_info: dict[int, tuple[float, float, float]] = {}
    for b, members in blocks.items():
        block_info[b] = (
            float(min(len(members), 50)),
            sum(stats[i]["log_chars"] for i in members) / len(members),
            sum(stats[i]["ends_sentence"] for i in members) / len(members),
        )
    log_chars = out["log_chars"]
    sentences = out["ends_sentence"]
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


def _title_words(paras: list[Para]) -> frozenset[str]:
    """Words of the page's first line: html-text and similar converters put the HTML <title> there."""
    return frozenset(WORD.findall(paras[0].text.lower())) if paras else frozenset()


@lru_cache(maxsize=8192)
def _overlap(text: str, title_words: frozenset[str]) -> float:
    words = WORD.findall(text.lower())
    if not words or not title_words or len(words) > 40:
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
    """Mean of the k values on each side of every position (the position itself left out), in one call."""
    n = len(values)
    return [
        (sum(values[max(0, i - k) : i + k + 1]) - values[i]) / max(1, min(n, i + k + 1) - max(0, i - k) - 1)
        for i in range(n)
    ]


def _flag_window_means(flags: list[float], k: int) -> list[float]:
    """`_window_means` of 0.0/1.0 flags with numpy prefix sums: sums of small whole numbers are exact in
    floats, so each mean is the same to the bit as the slice sum's, without a Python loop."""
    n = len(flags)
    values = np.asarray(flags, dtype=np.float64)
    prefix = np.concatenate(([0.0], np.cumsum(values)))
    at = np.arange(n)
    lo, hi = np.maximum(0, at - k), np.minimum(n, at + k + 1)
    return ((prefix[hi] - prefix[lo] - values) / np.maximum(1, hi - lo - 1)).tolist()
