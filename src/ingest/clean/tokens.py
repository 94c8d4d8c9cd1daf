"""Characters and words of a page, classified for the line statistics in one pass over the whole page.

The statistics count letters, digits, capitals, spaces and `\\w+` words of every line of every page on every
fixpoint pass, so the per-character work is a lookup: each code point's classes (as the `str` methods and
`re`'s `\\w` define them) come from a table built once, and words from one regex call over the whole page,
attributed to lines by position. `STOPWORDS` is the function-word list the prose statistics read.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np

WORD = re.compile(r"\w+")

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
