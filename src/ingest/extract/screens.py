"""Whole-page character screens, vectorized: is there anything to repair before the page is parsed?

Two tests run over every page before parsing: whether it holds the start of mojibake (`MOJIBAKE`, a UTF-8
lead byte read as Latin-1 or Windows-1252 followed by a continuation byte read the same way), and whether it
holds a character XML forbids (`INVALID_XML_CHARS`, which trafilatura's `load_html` deletes). Both are
single-character-class regular expressions that answer "no" on almost every page, and `re` answers "no"
only after stepping through all of a page's ~250,000 characters in its interpreter loop. Here the page is
viewed once as an array of code points and each test is a few numpy comparisons over the whole array: the
same answer (property-tested against the regular expressions) at about a quarter of the cost.

`install` puts a screened stand-in for `INVALID_XML_CHARS` into `trafilatura.utils`, so that `load_html`
skips its deletion pass on a page with nothing to delete and runs trafilatura's own pattern otherwise.
"""

from __future__ import annotations

import re

import numpy as np
import trafilatura.utils as trafilatura_utils

MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)
"""A UTF-8 lead byte read as latin-1 or cp1252, then a continuation byte read the same way ('Ã©', 'â€',
'Â\xa0'): the screen before ftfy's slower look at the whole page."""
INVALID_XML_CHARS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"
"""The pattern of `trafilatura.utils.INVALID_XML_CHARS`: control characters other than tab, newline and
carriage return, and the two non-characters U+FFFE and U+FFFF."""

_SHORT = 4096
"""Below this length the regular expression is as fast as building the array: it is used directly."""
_LEAD_FIRST, _LEAD_LAST = 0xC2, 0xF4
_CONTINUATION = np.zeros(0x2200, dtype=bool)
"""Code point -> whether it is in `MOJIBAKE`'s second class (every member is below U+2200)."""
for _low, _high in re.findall(r"(.)(?:-(.))?", MOJIBAKE.pattern.split("][", 1)[1][:-1], re.S):
    _CONTINUATION[ord(_low) : ord(_high or _low) + 1] = True
_ALLOWED_CONTROLS = np.array([0x09, 0x0A, 0x0D], dtype=np.uint32)


def codepoints(text: str) -> np.ndarray:
    """The text as an array of its code points (lone surrogates included as they are)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def has_mojibake(text: str) -> bool:
    """`MOJIBAKE.search(text) is not None`, without stepping through the text in Python's `re`."""
    if len(text) < _SHORT:
        return MOJIBAKE.search(text) is not None
    points = codepoints(text)
    # unsigned arithmetic: code points below the range wrap around to large values
    leads = np.flatnonzero(points[:-1] - np.uint32(_LEAD_FIRST) <= np.uint32(_LEAD_LAST - _LEAD_FIRST))
    if leads.size == 0:
        return False
    following = np.minimum(points[leads + 1], np.uint32(len(_CONTINUATION) - 1))
    return bool(_CONTINUATION[following].any())


def has_invalid_xml_chars(text: str) -> bool:
    """`re.search(INVALID_XML_CHARS, text) is not None`, without stepping through the text in `re`."""
    if len(text) < _SHORT:
        return _INVALID.search(text) is not None
    points = codepoints(text)
    controls = points[points < 0x20]
    if controls.size and not np.isin(controls, _ALLOWED_CONTROLS).all():
        return True
    return bool(((points >> 1) == 0x7FFF).any())  # U+FFFE, U+FFFF


_INVALID = re.compile(INVALID_XML_CHARS)


class ScreenedPattern:
    """Stands in for `trafilatura.utils.INVALID_XML_CHARS` (`original`): `sub` returns the text itself when
    `has_invalid_xml_chars` finds nothing to delete, which is what the pattern's own `sub` returns then,
    and runs the pattern otherwise. Everything else is the pattern's."""

    def __init__(self, original: re.Pattern[str]) -> None:
        self.original = original

    def sub(self, repl: str, string: str, count: int = 0) -> str:
        if len(string) >= _SHORT and not has_invalid_xml_chars(string):
            return string
        return self.original.sub(repl, string, count)

    def __getattr__(self, name: str) -> object:
        return getattr(self.original, name)


def install() -> bool:
    """Put the screened stand-in in trafilatura's place when trafilatura's pattern is still the one it
    screens for (`INVALID_XML_CHARS`); idempotent. Returns whether the stand-in is in place."""
    current = getattr(trafilatura_utils, "INVALID_XML_CHARS", None)
    if isinstance(current, ScreenedPattern):
        return True
    if not isinstance(current, re.Pattern) or current.pattern != INVALID_XML_CHARS or current.flags != re.U:
        return False
    trafilatura_utils.INVALID_XML_CHARS = ScreenedPattern(current)  # type: ignore[assignment]
    return True
