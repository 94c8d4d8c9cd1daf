"""Hard wrapping: find the column a converter broke a page's lines at, and join the lines it broke.

html2text's default and e-mail dumps break lines at 72 to 80 columns, so one paragraph arrives as several
lines that look like short fragments. `wrap_width` tells a hard-wrapped page from one whose lines are just
short (menus, tables laid out in columns) by the lengths of its lines and where they break; `unwrap` joins
a paragraph's lines back with the greedy-wrap test a wrapper itself applies.
"""

from __future__ import annotations

import re
from itertools import pairwise

from ingest.clean.marks import _BULLET_FIRST, _LIST_MARK


def wrap_width(lines: list[str]) -> int | None:
    """The column a hard-wrapping converter broke lines at, or None when the text is not hard-wrapped.

    Hard-wrapped text has no long lines and many lines ending just short of one width; unwrapped text has
    paragraphs hundreds of characters long, so a single long line is enough to rule wrapping out. Lines of
    one word are left out: a wrapper cannot break a long URL or token, so it leaves it longer than the width.
    Where the lines run too long, the long rows and rules of tables laid out in columns (`_table_line`:
    w3m, lynx and pandoc print them at the table's width, not the page's) are left out and the test is
    made again.
    """
    wrappable = [line for line in lines if _wrappable(line)]
    if len(wrappable) < 6:
        return None
    lengths = [len(line) for line in wrappable]
    ordered = sorted(lengths)
    width = _percentile_width(ordered)
    allowed = _MAX_OVERLONG * len(lengths)
    if not 40 <= width <= 100 or sum(n > width + 25 for n in lengths) > allowed:
        if width < 40 or ordered[int(len(ordered) * 0.7)] > 100:
            return None  # too short to be wrapped, or mostly long lines: unwrapped, tables or not
        page = "\n".join(lines)
        if "   " not in page and "--" not in page:
            return None
        prose = [n for n, line in zip(lengths, wrappable, strict=True) if n <= 60 or not _table_line(line)]
        if len(prose) == len(lengths) or len(prose) < 6:
            return None
        width = _percentile_width(sorted(prose))
        if not 40 <= width <= 100 or sum(n > width + 25 for n in prose) > allowed:
            return None
    near = sum(1 for n in lengths if width - 18 <= n <= width)
    long_enough = sum(1 for n in lengths if n > 25)
    if long_enough < 4:
        return None
    if near >= 0.5 * long_enough or (
        near >= _MIN_FULL_LINES and _greedy_breaks(lines, width) >= _GREEDY_SHARE
    ):
        return width
    return None


def _percentile_width(ordered: list[int]) -> int:
    """The length most of these sorted lengths keep under: the 95th percentile (the longest of a few)."""
    return ordered[int(len(ordered) * 0.95) - 1] if len(ordered) > 20 else ordered[-1]


def _table_line(line: str) -> bool:
    """A row of a table laid out in columns (`_column_row`) or a table's rule (`-----  ------`): what a
    converter prints at the table's width, not the page's."""
    return _column_row(line) or (line.lstrip()[:1] in _RULE_CHARS and _TABLE_RULE.match(line) is not None)


_TABLE_RULE = re.compile(r"^[\s\-=_+|:]+$")
_RULE_CHARS = "-=_+|:"


def _wrappable(line: str) -> bool:
    """A line a hard-wrapping converter would have wrapped, so its length tells the width: not one word
    (a wrapper cannot break a long URL or token and leaves it longer than the width), not a list item and
    not a table row (html2text, by default, wraps neither; a markdown link in a menu item carries its
    whole URL)."""
    stripped = line.strip()
    if " " not in stripped:
        return False
    first = stripped[0]
    if (first in _BULLET_FIRST or first.isdigit()) and _LIST_MARK.match(stripped):
        return False
    return "|" not in stripped or not _TABLE_ROW.search(stripped)


def _column_row(line: str) -> bool:
    """A row of a table a text browser laid out in columns (w3m, lynx): cells apart by runs of spaces.
    Such a row is neither wrapped prose nor the start or end of a wrapped paragraph."""
    if "   " not in line:
        return False
    stripped = line.strip()
    return "   " in stripped and _COLUMN_GAP.search(stripped) is not None


_TABLE_ROW = re.compile(r"^\||\s\|\s.*\s\|\s|\|$")
_COLUMN_GAP = re.compile(r"\S {3,}\S")
"""Cells of a table laid out in columns: three or more spaces between two words inside a line (prose and
wrapped prose have single spaces; a sentence's double space after a full stop is not enough)."""
_MAX_OVERLONG = 0.03
"""Share of wrappable lines allowed far past the width: a wrapper leaves some lines whole (html2text an
image or link whose alt text has spaces, an indented code block); an unwrapped page has many."""
_MIN_FULL_LINES = 8
"""Lines near the wrap column needed before the greedy-break test may call a text hard-wrapped."""
_GREEDY_SHARE = 0.6
"""Share of full lines that must break where a greedy wrapper breaks. Inside a wrapped paragraph every
break does; the paragraph's last line, when the converter puts no blank line before the next paragraph,
often does not (0.5 to 0.8 on the dev pages re-wrapped at 72 and 80 columns); unwrapped pages that reach
this test score 0.0 (or 1.0 where a page holds preformatted, already wrapped text)."""


def _greedy_breaks(lines: list[str], width: int) -> float:
    """Share of the lines near the wrap column, followed by another line, whose next line's first word would
    not have fitted after them: what a greedy wrapper leaves at every break inside a paragraph. Pages with
    many short paragraphs and menu lines have too few full lines for the share test above, yet every full
    line of theirs breaks this way; unwrapped lines that happen to be long do not."""
    full = breaks = 0
    for line, following in pairwise(lines):
        if not following or not width - 18 <= len(line) <= width or _LIST_MARK.match(following.lstrip()):
            continue
        full += 1
        breaks += len(line) + 1 + len(following.lstrip().split(" ", 1)[0]) > width
    return breaks / full if full >= _MIN_FULL_LINES else 0.0


def unwrap(
    lines: list[str], width: int, lengths: list[int] | None = None, widths: list[int | None] | None = None
) -> list[str]:
    """Join lines that a wrapping converter broke: a line continues when its first word would not have fit
    at the end of the previous physical line (the usual greedy-wrap test), unless it starts a list item or
    either line is a table row laid out wider than the page (`_column_row`: it says nothing about breaks).
    `lengths`: the physical lines' lengths with their indentation (the wrapper counted it), when `lines`
    are stripped; `widths`: a line's own column width where it differs from the page's (`split_columns`)."""
    out: list[str] = []
    current = ""
    last_len = 0
    last_row = False
    for k, line in enumerate(lines):
        if not line:
            if current:
                out.append(current)
                current = ""
            out.append("")
            continue
        first_word = line.split(" ", 1)[0]
        line_width = width if widths is None or widths[k] is None else widths[k]
        broken = line_width != _UNWRAPPED and last_len + 1 + len(first_word) > min(width, line_width) - 4
        physical_len = len(line) if lengths is None else lengths[k]
        row = physical_len > line_width and _column_row(line)
        if (
            current
            and broken
            and not (row or last_row)
            and not (_LIST_MARK.match(line) or line.startswith("#"))
        ):
            hyphen = current[-1] == "-" and current[-2:-1].isalpha() and line[:1].islower()
            current = f"{current}{line}" if hyphen else f"{current} {line}"
        else:
            if current:
                out.append(current)
            current = line
        last_len = physical_len
        last_row = row
    if current:
        out.append(current)
    return out


_UNWRAPPED = 1 << 30
"""The width of a column `split_columns` already unwrapped: no line of it is joined again."""
