"""Metadata the text states: headline -> `title`, byline -> `author`, agency marks and footers -> `site`,
a date line above the body -> `published`.

The headline is the heading-like line just above the article's first running text, the byline a "By ..."
line near it; both leave the body once taken. A date line is only taken when another rule has removed it
already; it is then recorded under the rule `published` (the raw line, as the page wrote it: the stored
`published` column holds the parsed date). Syndication footers ("The post T appeared first on S") name
the title and site. An in-text agency mark such as "(Reuters) -" names the site and stays in the text.
"""

from __future__ import annotations

import re

from ingest.clean.classifier import CLASSIFIER_RULE
from ingest.clean.lines import Para
from ingest.clean.result import CleanResult
from ingest.clean.rules.engine import AGENCY_MARK, APPEARED_FOOTER, AUTHOR_SITE_MARK, BYLINE, POST_FOOTER
from ingest.clean.tokens import WORD

_DATE_ONLY = re.compile(
    r"^(?:(?:published|updated|posted|last updated|date)\s*:?\s*)?(?:on\s+)?[\w,./: -]{0,12}"
    r"\b(?:19|20)\d\d\b[\w,./: -]{0,20}$|^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$",
    re.IGNORECASE,
)


def extract_metadata(paras: list[Para], reasons: list[str | None], result: CleanResult) -> None:
    """Fill title, author, site (and published) from the text; headline and byline leave the body."""
    texts = [p.text for p in paras]
    footer_metadata(texts, reasons, result)
    first = _first_prose(texts, reasons)
    if first is None:
        return
    head_start = max(0, first - 8)
    for i in range(head_start, min(len(texts), first + 2)):
        byline = BYLINE.match(texts[i]) if len(texts[i]) <= 80 else None
        if byline and _looks_like_name(byline["name"]):
            result.author = result.author or byline["name"].strip()
            reasons[i] = "byline"
        elif _DATE_ONLY.match(texts[i]) and i < first and reasons[i] is not None and not result.published:
            result.published = texts[i]
            reasons[i] = "published"
    mark = AUTHOR_SITE_MARK.match(texts[first])
    if mark:
        result.author = result.author or mark["author"].strip()
        result.site = result.site or mark["site"].strip()
    else:
        agency = AGENCY_MARK.match(texts[first])
        if agency:
            result.site = result.site or agency["site"].strip()
    title_at = _headline(texts, reasons, first)
    if title_at is not None:
        result.title = texts[title_at] if result.title is None else result.title
        reasons[title_at] = "title"


def footer_metadata(texts: list[str], reasons: list[str | None], result: CleanResult) -> None:
    """Syndication footers name the title and site ("The post T appeared first on S"); the footer leaves
    the body. Both footer patterns begin "the " or "this " (any case): lines not starting with t, h are
    passed over without a regex (no other character matches t or h under IGNORECASE, see
    tests/clean/test_clean.py)."""
    for i, t in enumerate(texts):
        if (
            t[:1] in "Tt"
            and t[1:2] in "Hh"
            and reasons[i] in ("syndication_footer", None, CLASSIFIER_RULE)
            and len(t) < 400
        ):
            post = POST_FOOTER.match(t)
            if post:
                result.title = result.title or post["title"].strip()
                result.site = result.site or post["site"].strip()
                reasons[i] = "syndication_footer"
                continue
            appeared = APPEARED_FOOTER.match(t)
            if appeared and reasons[i] is not None:
                result.site = result.site or appeared["site"].strip()


def _first_prose(texts: list[str], reasons: list[str | None]) -> int | None:
    """Index of the first kept paragraph that reads as running text (the start of the article body)."""
    fallback = None
    for i, t in enumerate(texts):
        if reasons[i] is None:
            if fallback is None:
                fallback = i
            if len(t) >= 80 and t.rstrip("\"'”’)")[-1:] in ".!?…:":
                return i
    return fallback


def _heading_like(text: str) -> bool:
    words = text.split()
    return (
        2 <= len(words) <= 30
        and text[-1:] not in ".,;"
        and not _DATE_ONLY.match(text)
        and any(ch.isalpha() for ch in text)
    )


def _headline(texts: list[str], reasons: list[str | None], first: int) -> int | None:
    """The headline: the heading-like line just above the body, preferring one echoed by the page's
    first line.

    Lines between it and the body may be bylines, dates or other removed noise, but not kept text: a kept
    heading right above the body that is not the page title is an article subheading only when the page
    title echoes another line further up.
    """
    page_title = set(WORD.findall(texts[0].lower())) if first > 0 else set()
    candidates = []
    for i in range(first - 1, max(-1, first - 9), -1):
        if reasons[i] in ("byline", "title"):
            continue
        if _heading_like(texts[i]) and reasons[i] in (None, CLASSIFIER_RULE):
            candidates.append(i)
        elif reasons[i] is None:
            break
    candidates = [i for i in candidates if any(r is not None for r in reasons[:i]) or _title_case(texts[i])]
    if not candidates:
        return None
    for i in candidates:
        words = WORD.findall(texts[i].lower())
        if i > 0 and page_title and words and sum(w in page_title for w in words) >= 0.6 * len(words):
            return i
    nearest = candidates[0]
    if reasons[nearest] is None or first - nearest <= 2:
        return nearest
    return next((i for i in candidates if len(texts[i].split()) >= 4), None)


def _title_case(text: str) -> bool:
    """Most longer words capitalised: a headline style. Used where nothing before a line was removed (text
    that is already clean, or a second pass), so a sentence-case first line of the body is not taken."""
    words = [w for w in text.split() if len(w) > 3 and w[:1].isalpha()]
    return bool(words) and sum(w[:1].isupper() for w in words) >= 0.7 * len(words)


def _looks_like_name(name: str) -> bool:
    words = name.split()
    return 1 <= len(words) <= 12 and sum(w[:1].isupper() for w in words) >= max(1, len(words) // 2)
