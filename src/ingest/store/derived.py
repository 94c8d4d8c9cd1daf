"""Columns derived from a document's fields when its row is written: `host` from `url`, and `published` as a
date from whatever the source stated.

Both are pure functions of one value, so a part written by an older schema can be upgraded to the current
one (`store.migrate`) with the same results a fresh run gives.
"""

from __future__ import annotations

import contextlib
import re
from datetime import date, datetime
from urllib.parse import urlsplit

from dateutil import parser as date_parser

_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:$|[T ])")
_LABEL = re.compile(r"^\s*(?:(?:last\s+)?updated|published|posted|date)\s*:?\s*(?:on\s+)?", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:1[89]|2\d)\d\d\b")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# A date inside a longer line ("October 11, 2023 by A. Writer", "Nov 08, 2025 7 min read",
# "Site - 2025/4/29"): month-name dates either way round, year-first and numeric dates; the first one wins.
_DATE_IN_LINE = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}"
    r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
    r"|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})\b",
    re.IGNORECASE,
)
# Two different fill-in defaults: a date the text does not state in full (no day, no month) comes out
# different under each, and is refused rather than completed with a guess.
_DEFAULTS = (datetime(2001, 1, 1), datetime(2002, 2, 2))


def host_of(url: str | None) -> str | None:
    """The host of `url`, lower-case, without a leading `www.` label: the site a page was published on.

    Ports, user info and a trailing dot are dropped; an internationalised name in punycode
    (`xn--bcher-kva.de`) is turned back into Unicode (`bücher.de`), so both spellings of one site group
    together. `www.` goes only as the first label (`www.bbc.co.uk` -> `bbc.co.uk`, but `wwwfoo.com` and
    `news.www.example` stay). None when there is no URL, it has no host (`/path`, `mailto:x`, `example.com`
    without a scheme), or it cannot be parsed.
    """
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.rstrip(".")
    if "xn--" in host:
        with contextlib.suppress(UnicodeError):  # not valid punycode: kept as written
            host = host.encode("ascii").decode("idna")
    host = host.lower()
    if host.startswith("www.") and len(host) > 4:
        host = host[4:]
    return host or None


def published_date(value: str | date | None) -> date | None:
    """The calendar date a publication date states, or None when it states none unambiguously.

    Sources give an ISO date (`2025-03-03`, JSON records, HTML metadata) or a date line from the page
    ("March 3, 2025 9:14 am", "Published: 3 March 2025", "Nov 08, 2025 7 min read": the first date in the
    line is taken). The time of day is dropped: pages rarely say which time zone they mean, and a day is
    what the sources agree on. Refused (None), never guessed:
    text without a year, a date missing its day or month ("March 2025"), and all-numeric dates that read
    differently day-first and month-first ("03/04/2025"); "13/04/2025" is unambiguous and parsed.
    Parsing is python-dateutil's, with fixed fill-in defaults, so the result never depends on today's date,
    and time zones ignored ("9:14 am ET": the day as the page wrote it; dateutil would otherwise warn about
    every zone name it does not know).
    """
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    iso = _ISO_DATE.match(value)
    if iso:
        try:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        except ValueError:
            return None
    text = _LABEL.sub("", value).strip()
    if not _YEAR.search(text) or len(text) > 80:
        return None
    found = _DATE_IN_LINE.search(text)
    return _one_reading(found[0] if found else text)


def _one_reading(text: str) -> date | None:
    """The date dateutil reads in `text` when every reading agrees (day-first or not, any fill-in)."""
    readings = set()
    for dayfirst in (False, True):
        for default in _DEFAULTS:
            try:
                readings.add(
                    date_parser.parse(text, default=default, dayfirst=dayfirst, ignoretz=True).date()
                )
            except (ValueError, OverflowError):
                return None
    return readings.pop() if len(readings) == 1 else None
