"""Rejoin paragraphs a converter broke where no wrapper would: at inline elements or at the source's own
line breaks.

Naive scrapers print every text node on its own line (`Follow me on \nInstagram\n, \nYouTube`), and
converters that keep the HTML source's line breaks (markdownify) cut paragraphs where the page's author
wrapped the source by hand. Neither break shows in the line widths, so the hard-wrap test (`wrap`) cannot
see them; these joins read the punctuation and case at the break instead.
"""

from __future__ import annotations

import re

from ingest.clean.marks import _LIST_MARK


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
