"""Turn a page's text into paragraphs the cleaner can judge one by one.

Converters leave three kinds of layout the rules should not have to know about: markdown syntax (html2text's
`## heading`, `**bold**`, `[text](url)`, `1\\.`), indentation (inscriptis nests lists by spaces), and hard
wrapping (html2text's default and e-mail dumps break lines at 72 to 80 columns, so one paragraph arrives as
several lines that look like short fragments). This module undoes all three and keeps, for each paragraph, the
facts that layout carried (was it a list item, a heading, the first line after a blank line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

_BULLET_CHARS = "*+-•·▪►◦‣–—□○■●◆◇▫☐➢➤✓✔❖"
"""List bullets of markdown, text browsers (lynx and inscriptis nest `*`, `+`, `o`; w3m `•`, `□`, `○`) and
pages' own typography."""
_BULLET = re.compile(rf"^(?:[{re.escape(_BULLET_CHARS)}]|o(?= ))\s+")
_NUMBERED = re.compile(r"^\d{1,3}[.)]\s")
_LIST_MARK = re.compile(rf"{_BULLET.pattern}|^\d{{1,3}}[.)]\s+")
"""A bullet or a list number: a list item, which wrappers leave unwrapped and never join to the one above."""
_HEADING_MARK = re.compile(r"^#{1,6}\s+")
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)")
_MD_EMPHASIS = re.compile(r"(?<![\w*])(\*{1,3}|_{1,3})(?=\S)|(?<=\S)(\*{1,3}|_{1,3})(?![\w*])")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_BARE_MARKUP = re.compile(r"^[\s*_#>|=\-`~]*$")
_BULLET_FIRST = _BULLET_CHARS + "o"
"""What a `_BULLET` can start with: a line starting with anything else skips the regex, as do lines
`_BARE_MARKUP` cannot match by their first character (`strip_markdown` runs on every line of every
fixpoint pass)."""
_MARKUP_CHARS = "*_#>|=-`~"


@dataclass(slots=True)
class Para:
    """One paragraph: its output text plus the layout facts the converter left around it."""

    text: str
    index: int
    is_list: bool = False
    is_heading: bool = False
    block: int = 0
    block_start: bool = False
    markup: bool = False


def strip_markdown(line: str) -> tuple[str, bool, bool]:
    """Remove markdown syntax a converter added; return the text and whether it was a list item / heading.

    Only syntax is removed, never words of the text: link and image targets are URLs, not article text, an
    image's alt text describes a picture (html2text prints it glued to the next link's text: `Compute engine
    iconCompute Engine`), and `__` or `\\.` would otherwise leak into word counts and shingles. Bullets go,
    list numbers stay: `1.` is the article's own numbering ("10. Park Hyatt" in a top-ten list), and a number
    cannot be told from a converter's on a second reading (html2text escapes a heading's `1.` as `1\\.`), so
    stripping it made cleaning the cleaned text change it again. Every mark goes to a fixpoint, so a second
    reading finds none.
    """
    is_heading = False
    is_list = False
    unescaped = False
    before = None
    while line != before:  # to a fixpoint: removing one mark can expose another (`*_x` -> `_x` -> `x`,
        before = line  # `\+ item` -> `+ item` -> `item`, `* o item` -> `o item` -> `item`)
        if line.startswith("#"):
            stripped = _HEADING_MARK.sub("", line)
            if stripped != line:
                is_heading = True
                line = stripped.rstrip("# ").strip()
        mark = _BULLET.match(line) if line[:1] in _BULLET_FIRST else None
        if mark:
            is_list = is_list or not unescaped  # `\- text` was escaped because it is not a list item
            line = line[mark.end() :]
        if "](" in line:
            line = _MD_IMAGE.sub("", line)
            line = _MD_LINK.sub(r"\1", line)
        if "*" in line or "_" in line:
            line = _MD_EMPHASIS.sub("", line)
        if "\\" in line:
            plain = _MD_ESCAPE.sub(r"\1", line)
            unescaped = unescaped or plain != line
            line = plain
        line = line.strip()
    is_list = is_list or _NUMBERED.match(line) is not None
    first = line[:1]
    if (not first or first.isspace() or first in _MARKUP_CHARS) and _BARE_MARKUP.match(line):
        line = ""
    return line.strip(), is_list, is_heading


def strip_link_numbers(text: str) -> str:
    """Remove a text browser's link numbers (`lynx -dump`'s `[12]Home`, numbered in page order), which would
    otherwise sit inside every linked phrase as a word of their own.

    They are told from footnote marks (`claim.[3] Next`) by being glued to the link text that follows and
    by rising through the page; a page needs several of them, mostly in order, before any is removed.
    """
    if "]" not in text:
        return text
    numbers = [int(m.group(1)) for m in _LINK_NUMBER.finditer(text)]
    if len(numbers) < _MIN_LINK_NUMBERS:
        return text
    rising = sum(b > a for a, b in pairwise(numbers))
    if rising < _RISING_SHARE * (len(numbers) - 1):
        return text
    return _ANY_LINK_NUMBER.sub("", text)


_LINK_NUMBER = re.compile(r"\[(\d{1,4})\](?=[^\s\[\].,;:!?)])")
_ANY_LINK_NUMBER = re.compile(r"\[\d{1,4}\]")
"""On a page the glued numbers show to be numbered by a text browser, every bracketed number is one of
its marks: a link whose text starts with a space or an image (`[21]` alone on a line) too; a footnote
link prints as `[[57]3]` and keeps its `[3]`."""


def strip_image_placeholders(text: str) -> str:
    """Remove the `[photo-1.jpg]` a text browser prints for an image without alt text: a file name, not
    article text."""
    if ".](" in text or "[" not in text:
        return text
    return _IMAGE_PLACEHOLDER.sub("", text)


_IMAGE_PLACEHOLDER = re.compile(r"\[[^\]\[\s]{1,80}\.(?:png|jpe?g|gif|svg|webp|avif)\]", re.IGNORECASE)
_MIN_LINK_NUMBERS = 5
_RISING_SHARE = 0.8


def join_inline_fragments(lines: list[str]) -> list[str]:
    """Rejoin sentences that a converter cut at every inline element, as naive scrapers that print each text
    node on its own line do (`Follow me on \nInstagram\n, \nYouTube\n or Facebook`).

    Such a page is told by its many lines that begin with closing punctuation (a comma or full stop left
    after a link) or with one space and a lower-case letter (the text after a link), which other
    renderings almost never have (under 0.7% of lines on the dev renderings, 1-8% on text-node dumps). On
    such a page a line continues the one before when the text node boundary shows it: the previous line
    ends in a space or an opening bracket, this one starts with exactly one space, or with closing
    punctuation; or the page's own source line break split a text node mid-sentence (the previous line has
    no sentence end and this one goes on in lower case). Closing punctuation joins across blank lines too,
    so the result holds no line that starts with it and a second reading does not take the page for a dump.
    """
    joined = "\n".join(lines)
    marks = len(_CLOSING_LINE.findall(joined)) + _text_after_links(joined)
    if marks < _MIN_FRAGMENT_MARKS or marks < _FRAGMENT_SHARE * len(_NONBLANK_LINE.findall(joined)):
        return lines
    out: list[str] = []
    last = -1  # index in `out` of the last non-blank line
    open_end = False
    for line in lines:
        if not line.strip():
            out.append("")
            open_end = False
            continue
        if last >= 0 and _CLOSING_START.match(line.lstrip()):
            out[last] += line.strip()  # across blank lines too: the output must hold no such line
        elif last == len(out) - 1 >= 0 and (
            open_end or _ONE_SPACE_START.match(line) or _continues_sentence(out[last], line)
        ):
            glue = "" if out[last][-1:] in _OPENING else " "
            out[last] += f"{glue}{line.strip()}"
        else:
            out.append(line.rstrip())
            last = len(out) - 1
        open_end = (line.endswith(" ") and not line.endswith("  ")) or line.rstrip()[-1:] in _OPENING
    return out


_OPENING = "([“‘«"
"""A text node ending in an opening bracket or quote goes on in the next one: no text ends there."""


def _continues_sentence(previous: str, line: str) -> bool:
    """The page's own source line break inside a text node: the sentence goes on in lower case."""
    return previous.rstrip()[-1:] not in '.!?:;"”' and line.lstrip()[:1].islower()


_CLOSING_START = re.compile(r"^[,.;:!?)\]](?:\s|$)")
_CLOSING_LINE = re.compile(r"^[^\S\n]*[,.;:!?)\]](?:[^\S\n]|$)", re.MULTILINE)
"""`_CLOSING_START` after indentation, found in a whole page at once (the gate runs on every pass)."""
_ONE_SPACE_LOWER = re.compile(r"\n [a-zß-öø-ÿ]")


def _text_after_links(joined: str) -> int:
    """Lines that are a text node after an inline element: one space, then the sentence goes on in lower
    case, after a short line that is not indented and does not end in a colon (a link's text; not a
    wrapped line, nor a code block's `def f():` above its indented body)."""
    count = 0
    for m in _ONE_SPACE_LOWER.finditer(joined):
        end = m.start()
        previous = joined[joined.rfind("\n", 0, end) + 1 : end]
        count += 0 < len(previous) <= 50 and not previous[0].isspace() and previous[-1] not in " \t:"
    return count


_NONBLANK_LINE = re.compile(r"^[^\S\n]*\S", re.MULTILINE)
_ONE_SPACE_START = re.compile(r"^ \S")
_MIN_FRAGMENT_MARKS = 5
_FRAGMENT_SHARE = 0.01


_strip_cached = lru_cache(maxsize=8192)(strip_markdown)
"""`strip_markdown` memoized: every fixpoint pass re-reads the lines the pass before kept, and a site's
menu and footer lines recur across its pages."""


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


_UNWRAPPED = 1 << 30
"""The width of a column `split_columns` already unwrapped: no line of it is joined again."""


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


def join_continuations(lines: list[str]) -> list[str]:
    """Join the lines of a paragraph broken where no wrapper would break it: the page's HTML source was
    wrapped by hand and a converter kept its line breaks (markdownify, text-node dumps), so the widths
    follow the source, tags and link targets included, and the wrap test cannot see them. A line of
    `_MIN_CONTINUED` characters or more that stops mid-sentence (a letter, digit or comma last) goes on when
    the next line starts in lower case and is no list item."""
    out: list[str] = []
    for line in lines:
        if (
            out
            and line[:1].islower()
            and len(out[-1]) >= _MIN_CONTINUED
            and (out[-1][-1:].isalnum() or out[-1][-1:] == ",")
            and not _LIST_MARK.match(line)
        ):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


_MIN_CONTINUED = 40


def _unquote(line: str) -> str:
    """A line without its quote marks (`> ` in markdown and e-mail, nested `> > `): a quoted paragraph is
    wrapped with a mark on every line, which would otherwise end up inside the rejoined text."""
    if line.lstrip()[:1] != ">":
        return line
    return _QUOTE_MARK.sub("", line)


_QUOTE_MARK = re.compile(r"^[ \t]*(?:>[ \t]?)+")


def paragraphs(text: str) -> list[Para]:
    """Split a page into paragraphs with layout facts; blank lines only separate blocks and are dropped.

    A line that is nothing but markup (`*`, `__`, `---`) stays as a paragraph with `markup=True` and its
    original text, so the cleaner can record its removal like any other line.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    unnumbered = strip_image_placeholders(strip_link_numbers(text))
    physical = [line.rstrip() for line in join_inline_fragments(unnumbered.split("\n"))]
    if ">" in unnumbered:
        physical = [_unquote(line) for line in physical]
    physical, widths = split_columns(physical)
    raw = [line.lstrip() for line in physical]
    wrapped = physical
    if unnumbered is not text:
        as_printed = [line.rstrip() for line in text.split("\n")]
        if len(as_printed) == len(physical):
            wrapped = as_printed  # the browser wrapped the lines with their link numbers in them
    width = wrap_width(wrapped)
    lines = unwrap(raw, width, [len(line) for line in wrapped], widths) if width is not None else raw
    if width is None:
        lines = join_continuations(lines)
    out: list[Para] = []
    block = 0
    new_block = True
    for line in lines:
        if not line:
            if not new_block:
                block += 1
            new_block = True
            continue
        stripped, is_list, is_heading = _strip_cached(line)
        para = Para(stripped or line, len(out), is_list, is_heading, block, new_block, markup=not stripped)
        out.append(para)
        new_block = False
    return out
