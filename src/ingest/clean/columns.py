"""Columns side by side: read a page a text browser laid out in columns one column after the other.

w3m prints a layout table's cells next to each other, so the article's wrapped lines share their rows with a
sidebar's archive list. Rebuilding paragraphs from such rows would glue sidebar words into every line of
the article; `split_columns` finds the gutter between the columns and returns each column's lines on their
own, with the column's width so that `wrap.unwrap` judges the breaks by it.
"""

from __future__ import annotations

import re
from itertools import pairwise

from ingest.clean.wrap import _GREEDY_SHARE, _UNWRAPPED, unwrap

_CELL_PADDING = re.compile(r"\s{3}|[^.!?:;\s]\s{2}")
"""Two spaces inside a line other than after a sentence's end: table cells padded to their width."""
_GAP_RUN = re.compile(r"(?<=\S) {3,}(?=\S)")
_WORD_RUN = re.compile(r"\S+")
_MIN_GUTTER_COL = 20
"""A gutter this far from the left margin at least: a narrower left 'column' is a list's bullet or number."""
_MIN_SPLIT_ROWS = 8
"""Lines with text on both sides of the gutter before a region counts as two columns side by side."""
_GOES_ON_SHARE = 0.4
"""Share of a prose column's full lines after which the sentence goes on in lower case; a table's cells
start with capitals."""
_PROSE_SIDE_CHARS = 35
"""Shortest full line of a wrapped prose column (`_wrapped_column`)."""


def _filled_columns(line: str) -> int:
    """Bit mask of the columns holding a non-space character."""
    mask = 0
    for m in _WORD_RUN.finditer(line):
        mask |= ((1 << (m.end() - m.start())) - 1) << m.start()
    return mask


def _gap_columns(line: str) -> int:
    """Bit mask of the columns inside the line's runs of three or more spaces between two words, from
    `_MIN_GUTTER_COL` on."""
    mask = 0
    for m in _GAP_RUN.finditer(line):
        start = max(m.start(), _MIN_GUTTER_COL)
        if m.end() - start >= 2:
            mask |= ((1 << (m.end() - start)) - 1) << start
    return mask


def _gutter(clear: int) -> tuple[int, int] | None:
    """The leftmost run of at least two clear columns in `clear`, as (start, end)."""
    if not clear:
        return None
    run = clear & (clear >> 1)
    if not run:
        return None
    start = (run & -run).bit_length() - 1
    end = start
    while clear >> end & 1:
        end += 1
    return start, end


def split_columns(lines: list[str]) -> tuple[list[str], list[int | None]]:
    """Read a page that a text browser laid out in columns side by side (w3m prints a layout table's cells
    next to each other: the article's wrapped lines with a sidebar's archive list to their right) one
    column after the other, left first, so that paragraphs are rebuilt from one column's lines only.

    A region is a run of lines sharing a gutter: a band of at least two columns that is blank (or past the
    line's end) on every line of the run and lies inside a three-space gap of the run's first line. It is
    split when at least `_MIN_SPLIT_ROWS` lines have text on both sides and one side reads as hard-wrapped
    prose (`_wrapped_column`): a data table, whose cells are whole on every row, stays as it is. The
    region ends at its last line with text right of the gutter.

    Returns the lines and, for each, the width of the column it came from (None outside split regions):
    a column is narrower than the page, so `unwrap` judges its breaks by its own width. A column of
    wrapped prose comes back unwrapped already (the page as a whole may be too wide to read as wrapped),
    with the width `_UNWRAPPED`."""
    gaps = [_gap_columns(line) if "   " in line and "   " in line.strip() else 0 for line in lines]
    if sum(1 for gap in gaps if gap) < _MIN_SPLIT_ROWS:
        return lines, [None] * len(lines)
    out: list[str] = []
    widths: list[int | None] = []
    i, n = 0, len(lines)
    filled: list[int | None] = [None] * n
    while i < n:
        line = lines[i]
        clear = gaps[i]
        if not clear:
            out.append(line)
            widths.append(None)
            i += 1
            continue
        j, last_right, band = i + 1, i, _gutter(clear)
        while j < n and band is not None:
            if filled[j] is None:
                filled[j] = _filled_columns(lines[j])
            narrowed = clear & ~filled[j]  # type: ignore[operator]
            found = _gutter(narrowed)
            if found is None:
                break
            clear, band = narrowed, found
            if len(lines[j]) > band[1]:
                last_right = j
            j += 1
        region = lines[i : last_right + 1]
        if band is None or not _is_side_by_side(region, band):
            out.extend(region)  # a table, or too few rows: no run inside it is read as columns either
            widths.extend([None] * len(region))
            i = last_right + 1
            continue
        start, end = band
        for column in (
            [row[:start].rstrip() for row in region],
            [row[end:].rstrip() for row in region if row[end:].strip()],
        ):
            width = max(len(part) for part in column)
            if _wrapped_column([part.strip() for part in column]):
                column = unwrap([part.lstrip() for part in column], width, [len(part) for part in column])
                width = _UNWRAPPED
            out.extend([*column, ""])
            widths.extend([width] * (len(column) + 1))
        i = last_right + 1
    return out, widths


def _is_side_by_side(region: list[str], band: tuple[int, int]) -> bool:
    """Enough rows hold text on both sides of the gutter, and one side is a column of wrapped prose."""
    start, end = band
    sides = ([row[:start].strip() for row in region], [row[end:].strip() for row in region])
    if sum(1 for left, right in zip(*sides, strict=True) if left and right) < _MIN_SPLIT_ROWS:
        return False
    return any(_wrapped_column(parts) for parts in sides)


def _wrapped_column(parts: list[str]) -> bool:
    """One side of a region reads as a column of hard-wrapped prose: most of its full lines break where a
    greedy wrapper breaks (`_greedy_breaks`), as a layout's article column does; the cells of a data table
    are whole on every row. A full line has five words or more and no double space but after a sentence's end
    (a table row's cells padded to one width are not prose), and the next line often goes on in lower case."""
    width = max(len(part) for part in parts)
    full = breaks = goes_on = 0
    for part, following in pairwise(parts):
        if (
            not following
            or len(part) < max(_PROSE_SIDE_CHARS, width - 18)
            or part.count(" ") < 4
            or _CELL_PADDING.search(part)
        ):
            continue
        full += 1
        breaks += len(part) + 1 + len(following.split(" ", 1)[0]) > width
        goes_on += following[:1].islower()
    return full >= _MIN_SPLIT_ROWS and breaks >= _GREEDY_SHARE * full and goes_on >= _GOES_ON_SHARE * full
