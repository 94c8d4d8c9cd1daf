"""Turn a page's text into paragraphs the cleaner can judge one by one.

Converters leave three kinds of layout the rules should not have to know about: markdown syntax (html2text's
`## heading`, `**bold**`, `[text](url)`, `1\\.`), indentation (inscriptis nests lists by spaces), and hard
wrapping (html2text's default and e-mail dumps break lines at 72 to 80 columns, so one paragraph arrives as
several lines that look like short fragments). This module undoes all three and keeps, for each paragraph, the
facts that layout carried (was it a list item, a heading, the first line after a blank line).

The marks are removed in `marks`, text-node and source-line breaks rejoined in `fragments`, columns laid
side by side read one after the other in `columns`, and hard wrapping undone in `wrap`; `paragraphs` runs
them in that order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.clean.columns import split_columns
from ingest.clean.fragments import join_continuations, join_inline_fragments
from ingest.clean.marks import strip_image_placeholders, strip_link_numbers, strip_markdown
from ingest.clean.wrap import unwrap, wrap_width


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


_strip_cached = lru_cache(maxsize=8192)(strip_markdown)
"""`strip_markdown` memoized: every fixpoint pass re-reads the lines the pass before kept, and a site's
menu and footer lines recur across its pages."""


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
