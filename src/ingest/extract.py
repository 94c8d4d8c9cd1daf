"""HTML to main text and metadata with trafilatura.

Trafilatura finds the article container and reads title, author, date, site name and canonical URL from
the page's metadata. Its text then goes through the same plain-text cleaner as scraped text, because
newsletter boxes and share prompts often sit inside the article container.
"""

from __future__ import annotations

import re

import trafilatura

from ingest.config import ExtractConfig
from ingest.records import Document, Removal

_TITLE_SEPARATORS = re.compile(r"^\s*[|\-\u2013\u2014:\u00b7\u2022»]")


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def is_headline(line: str, title: str) -> bool:
    """The line repeats the page title, or the title is the line plus a ` | Site name` style suffix."""
    line_f, title_f = _fold(line), _fold(title)
    if not line_f or not title_f:
        return False
    if line_f == title_f:
        return True
    return title_f.startswith(line_f) and bool(_TITLE_SEPARATORS.match(title_f[len(line_f) :]))


def split_leading_headline(text: str, title: str | None) -> tuple[str, list[Removal]]:
    """Trafilatura often keeps the page's <h1> as the first line; the body must not start with the title."""
    if not title:
        return text, []
    lines = text.split("\n")
    for i, line in enumerate(lines[:3]):
        if is_headline(line, title):
            return "\n".join(lines[:i] + lines[i + 1 :]), [Removal(line.strip(), "title")]
    return text, []


def extract_html(doc: Document, config: ExtractConfig) -> Document:
    """Fill `raw_text` and metadata from `doc.html`; reject the document when no main text is found."""
    if doc.rejected or doc.html is None:
        return doc
    try:
        result = trafilatura.bare_extraction(
            doc.html,
            with_metadata=True,
            include_comments=config.include_comments,
            include_tables=config.include_tables,
            favor_precision=config.favor_precision,
        )
    except Exception as exc:  # trafilatura and lxml raise many types on hostile markup
        return doc.reject("extract_error", f"{type(exc).__name__}: {exc}")
    doc.html = None
    if result is None or not (result.text or "").strip():
        return doc.reject("no_article", "trafilatura found no main text")
    doc.title = result.title or None
    doc.raw_text, doc.removed = split_leading_headline(result.text, doc.title)
    doc.author = result.author or None
    doc.published = result.date or None
    doc.site = result.sitename or None
    doc.url = result.url or None
    return doc
