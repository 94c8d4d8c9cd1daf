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

_LIST_MARK = re.compile(r"^(?:[*+\-•·▪►◦‣–—]|\d{1,3}[.)](?=\s))\s+")
_HEADING_MARK = re.compile(r"^#{1,6}\s+")
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)")
_MD_EMPHASIS = re.compile(r"(?<![\w*])(\*{1,3}|_{1,3})(?=\S)|(?<=\S)(\*{1,3}|_{1,3})(?![\w*])")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_BARE_MARKUP = re.compile(r"^[\s*_#>|=\-`~]*$")
_LIST_FIRST = "*+-•·▪►◦‣–—"
"""What a `_LIST_MARK` can start with besides a digit (`str.isdigit` holds for every `\\d`): a line
starting with anything else skips the regex, as do lines `_BARE_MARKUP` cannot match by their first
character (`strip_markdown` runs on every line of every fixpoint pass)."""
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

    Only syntax is removed, never words: link and image targets are URLs, not article text, and `__` or `\\.`
    would otherwise leak into word counts and shingles.
    """
    is_heading = False
    is_list = False
    if line.startswith("#"):
        stripped = _HEADING_MARK.sub("", line)
        is_heading = stripped != line
        line = stripped.rstrip("# ").strip() if is_heading else line
    mark = _LIST_MARK.match(line) if line[:1] in _LIST_FIRST or line[:1].isdigit() else None
    if mark:
        is_list = True
        line = line[mark.end() :]
        if line.startswith(("* ", "+ ", "- ")):
            line = line[2:]
    before = None
    while line != before:  # to a fixpoint: removing one mark can expose another (`*_x` -> `_x` -> `x`)
        before = line
        if "](" in line:
            line = _MD_IMAGE.sub(r"\1", line)
            line = _MD_LINK.sub(r"\1", line)
        if "*" in line or "_" in line:
            line = _MD_EMPHASIS.sub("", line)
        if "\\" in line:
            line = _MD_ESCAPE.sub(r"\1", line)
    first = line[:1]
    if (not first or first.isspace() or first in _MARKUP_CHARS) and _BARE_MARKUP.match(line):
        line = ""
    return line.strip(), is_list, is_heading


_strip_cached = lru_cache(maxsize=8192)(strip_markdown)
"""`strip_markdown` memoized: every fixpoint pass re-reads the lines the pass before kept, and a site's
menu and footer lines recur across its pages."""


def wrap_width(lines: list[str]) -> int | None:
    """The column a hard-wrapping converter broke lines at, or None when the text is not hard-wrapped.

    Hard-wrapped text has no long lines and many lines ending just short of one width; unwrapped text has
    paragraphs hundreds of characters long, so a single long line is enough to rule wrapping out. Lines of
    one word are left out: a wrapper cannot break a long URL or token, so it leaves it longer than the width.
    """
    lengths = [len(line) for line in lines if " " in line.strip()]
    if len(lengths) < 6:
        return None
    ordered = sorted(lengths)
    width = ordered[int(len(ordered) * 0.95) - 1] if len(ordered) > 20 else ordered[-1]
    if not 40 <= width <= 100 or ordered[-1] > width + 25:
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


def unwrap(lines: list[str], width: int, lengths: list[int] | None = None) -> list[str]:
    """Join lines that a wrapping converter broke: a line continues when its first word would not have fit
    at the end of the previous physical line (the usual greedy-wrap test), unless it starts a list item.
    `lengths`: the physical lines' lengths with their indentation (the wrapper counted it), when `lines`
    are stripped."""
    out: list[str] = []
    current = ""
    last_len = 0
    for k, line in enumerate(lines):
        if not line:
            if current:
                out.append(current)
                current = ""
            out.append("")
            continue
        first_word = line.split(" ", 1)[0]
        broken = last_len + 1 + len(first_word) > width - 4
        if current and broken and not (_LIST_MARK.match(line) or line.startswith("#")):
            hyphen = current[-1] == "-" and current[-2:-1].isalpha() and line[:1].islower()
            current = f"{current}{line}" if hyphen else f"{current} {line}"
        else:
            if current:
                out.append(current)
            current = line
        last_len = len(line) if lengths is None else lengths[k]
    if current:
        out.append(current)
    return out


def paragraphs(text: str) -> list[Para]:
    """Split a page into paragraphs with layout facts; blank lines only separate blocks and are dropped.

    A line that is nothing but markup (`*`, `__`, `---`) stays as a paragraph with `markup=True` and its
    original text, so the cleaner can record its removal like any other line.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    physical = [line.rstrip() for line in text.split("\n")]
    raw = [line.lstrip() for line in physical]
    width = wrap_width(physical)
    lines = unwrap(raw, width, [len(line) for line in physical]) if width is not None else raw
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
