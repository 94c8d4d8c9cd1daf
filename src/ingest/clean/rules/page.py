"""Rules that judge more than one line, and the metadata patterns.

The line rules (`default.toml`) judge one paragraph on its own; the rules here need their
neighbours: a price widget is a run of short lines, a comment thread a cluster of markers. They stay code
because their parameters (run lengths, marker kinds, gaps) are part of an algorithm in `clean.py`, not a
pattern a user would swap. The metadata patterns (bylines, agency marks, syndication footers) are also
"lines that are not body", but they fill fields as well; `clean.py` reads their groups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_I = re.IGNORECASE


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, _I)


_PRICE = r"[$€£¥₹₿]\s?\d[\d,.]*|\d[\d,.]*\s?[$€£¥₹]"
_PCT = r"[+\-−]?\d+(?:[.,]\d+)?\s?%"
_TICKER = r"\b[A-Z]{2,6}\b"
WIDGET_VALUE = re.compile(
    rf"^(?:.{{0,30}}\s)?(?:{_PRICE}|{_PCT}|\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+\.\d+|[+\-−]\d+(?:[.,]\d+)?|\d+\s?[-–:]\s?\d+|\d+(?:[.,]\d+)?\s?°[CF]?)"
    rf"(?:\s.{{0,20}})?$"
)
"""A line whose core is a number a widget shows: a price, a percentage, a signed change, a score,
a temperature.
"""

WIDGET_LABEL = re.compile(rf"^(?:{_TICKER}|[\w.&' -]{{1,24}})$")
"""A short label a widget puts next to its numbers (a coin name, a ticker, a team)."""


@dataclass(frozen=True, slots=True)
class BlockRule:
    """A rule that judges a run of consecutive short paragraphs together (widgets, menus)."""

    name: str
    why: str
    min_run: int
    min_value_share: float
    examples: tuple[tuple[str, ...], ...] = field(default=())
    counterexamples: tuple[tuple[str, ...], ...] = field(default=())


PRICE_WIDGET = BlockRule(
    "price_widget",
    "Tickers, market tables, sports scores and weather boxes: a run of short lines in which many lines are "
    "prices, percentages, signed changes or scores and the rest are short labels. Judged as a block because "
    "each label alone ('Bitcoin') says nothing, while the run says 'widget'.",
    min_run=6,
    min_value_share=0.3,
    examples=(
        (
            "Latest Market Prices",
            "Bitcoin",
            "Bitcoin",
            "$113,422.41",
            "BTC 0.10%",
            "Ethereum",
            "Ethereum",
            "$4,157.53",
            "ETH -0.33%",
        ),
        ("Dow", "44,175.61", "+0.5%", "Nasdaq", "21,450.02", "-0.3%", "S&P 500", "6,389.45", "+0.1%"),
    ),
    counterexamples=(
        (
            "The index rose 2% on Monday.",
            "Analysts expected a smaller gain after weak data.",
            "Oil fell 1% to $80.",
            "Gold was flat.",
            "The dollar rose against the yen.",
            "Bonds were steady.",
        ),
    ),
)

_NAME_WORD = r"(?:[A-ZÀ-Þ][\w.'’\-]*|de|van|von|der|den|da|di|du|la|le|del|bin|al|ter)"
_NAME = rf"[A-ZÀ-Þ][\w.'’\-]*(?:\s+{_NAME_WORD}){{0,3}}"
BYLINE = re.compile(
    r"^(?i:by|written by|words by|story by|posted by|author:?|von|par|por|di|door|av|af)\s+"
    rf"(?P<name>{_NAME}(?:\s+(?:and|&|und|et|y|e)\s+{_NAME}){{0,2}})"
    r"(?:\s*[,|–—-]\s*(?P<role>[^|]{0,60}))?$",
)
"""'By Jane Doe' (optionally ', Staff Writer'): the byline names the author and leaves the body."""

AGENCY_MARK = re.compile(r"^(?:[A-ZÀ-Þ][\w.,'’ /-]{0,60}\s)?\((?P<site>[A-Z][\w.&' -]{0,30}?)\)\s*[-–—]")
"""'(Reuters) -' or 'WASHINGTON (AP) —' at the start of the first paragraph: the line stays, the
site is noted.
"""

AUTHOR_SITE_MARK = re.compile(
    rf"^\((?P<author>{_NAME}),\s*(?P<site>[A-Z0-9][\w.&'’-]*(?:\s[A-Z0-9][\w.&'’-]*){{0,3}})\)\s+\S"
)
"""'(Dave DeCamp, Antiwar.com) President ...': author and site open the first paragraph; the line stays."""

POST_FOOTER = re.compile(r"^the post (?P<title>.+) (?:appeared|was published) first on (?P<site>.+?)\.?$", _I)
"""WordPress RSS footer: gives the title and the site."""

APPEARED_FOOTER = re.compile(
    r"^(?:this|the) (?:article|story|post|piece) (?:was )?(?:originally |first )?(?:appeared|published|posted"
    r"|ran)"
    r" (?:at|on|in|by) (?P<site>.+?)\.?$",
    _I,
)
"""'This article originally appeared at SITE.': gives the site."""


_BULLET = re.compile(r"^[o+*\-•◦]\s+")
"""A list bullet a converter left in front of a marker (inscriptis nests lists as "*", "+", "o")."""


@dataclass(frozen=True, slots=True)
class SectionRule:
    """A rule that finds a section of the page by the markers that recur in it (a comment thread) and
    drops the section as a whole, the text between the markers included."""

    name: str
    why: str
    markers: tuple[tuple[str, re.Pattern[str]], ...]
    """(kind, pattern) pairs; a line (at most `max_marker_words` words) is a marker of the first kind that
    matches."""
    max_marker_words: int
    min_markers: int
    min_kinds: int
    max_gap: int
    """Markers at most this many lines apart belong to one section."""
    tail: int
    """Lines after the last marker that still belong to the section (the last comment's text)."""
    name_before: re.Pattern[str] | None = None
    """A line matching this just before a `stamp` marker is a commenter's name (a marker of kind `name`):
    comment themes that print no "says:" show the name above the timestamp. Names count only when a
    section holds at least two different ones (a live blog repeats one author or none)."""
    examples: tuple[tuple[str, ...], ...] = field(default=())
    counterexamples: tuple[tuple[str, ...], ...] = field(default=())

    def marker(self, line: str) -> str | None:
        if len(line.split()) > self.max_marker_words:
            return None
        line = _BULLET.sub("", line)
        for kind, pattern in self.markers:
            if pattern.match(line):
                return kind
        return None


_TIME = r"\d{1,2}[:.]\d\d\s*(?:[ap]\.?m\.?)?"
COMMENT_SECTION = SectionRule(
    "comment_section",
    'A reader comment thread: each comment carries the same furniture ("NAME says:", a timestamp, a reply '
    "or report control, a score, the commenter's name above the timestamp), so three or more such markers of "
    "at least two kinds close together mark "
    "the thread, and the comments' own text between them goes with it. A live blog repeats timestamps only "
    "(one kind), and a thread that is the whole page (no article prose before it) is kept.",
    markers=(
        (
            "control",
            _rx(
                r"^(?:reply|reply to (?:this|comment|this comment)|reply to this share"
                r"|report(?: comment| abuse| this)?|flag(?: as inappropriate)?|permalink|quote"
                r"|(?:\d+\s+)?(?:likes?|upvotes?|votes?))"
                r"\W*$"
            ),
        ),
        (
            "says",
            _rx(
                r"^(?:by\s+)?[\w.'’@ ()-]{1,60}?\s(?:says|said|wrote|writes|commented)\s*:?\s*$"
                r"|^by\s+\S[^:]{0,60}?\s(?:writes|wrote):"
                r"|^by\s+\S[^()]{0,60}?\(\s*\d{5,}\s*\)"
            ),
        ),
        ("score", _rx(r"^.{0,100}\(\s*score:\s*-?\d+[^)]*\)\s*$")),
        (
            "stamp",
            _rx(
                rf"^[\w,./ -]{{0,30}}\b(?:19|20)\d\d\b[\w,./ -]{{0,6}}(?:at|@|,|-)?\s*{_TIME}\s*$"
                r"|^\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago\W*$"
            ),
        ),
    ),
    max_marker_words=14,
    min_markers=3,
    min_kinds=2,
    max_gap=8,
    tail=3,
    name_before=_rx(r"^(?:\d{1,4}[.)]\s+)?@?[^\W\d][\w.'’-]*(?: [^\W\d][\w.'’-]*){0,3}$"),
    examples=(
        (
            "Jane Roe says:",
            "July 14, 2015 at 3:53 pm",
            "Great recipe, I tried it last week and it worked.",
            "Reply",
            "John Doe says:",
            "July 17, 2015 at 8:28 am",
            "Thanks for sharing this.",
            "Reply",
        ),
        (
            "Emma",
            "December 18, 2025, 9:59 pm",
            "I know what you mean; I fell in love with the book despite the changes.",
            "Max Battcher",
            "December 18, 2025, 10:02 pm",
            "The sequel is the only good one and it is best to pretend the film does not exist.",
        ),
        (
            "1. Emma",
            "December 18, 2025, 9:59 pm",
            "I know what you mean; I fell in love with the book despite the changes.",
            "2. Max Battcher",
            "December 18, 2025, 10:02 pm",
            "The sequel is the only good one and it is best to pretend the film does not exist.",
        ),
    ),
    counterexamples=(
        (
            "1. Jane Roe",
            "December 18, 2025, 10:02 am",
            "The minister arrived at the summit.",
            "2. Jane Roe",
            "December 18, 2025, 10:15 am",
            "Talks began behind closed doors.",
        ),
        (
            "10:02 am",
            "The minister arrived at the summit.",
            "10:15 am",
            "Talks began behind closed doors.",
            "10:40 am",
            "Protesters gathered outside.",
        ),
        (
            "Jane Roe",
            "December 18, 2025, 10:02 am",
            "The minister arrived at the summit.",
            "Jane Roe",
            "December 18, 2025, 10:15 am",
            "Talks began behind closed doors.",
        ),
    ),
)
