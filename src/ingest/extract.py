"""HTML to main text and metadata with trafilatura.

Trafilatura finds the article container and reads title, author, date, site name and canonical URL from
the page's metadata. Its text then goes through the same plain-text cleaner as scraped text, because
newsletter boxes and share prompts often sit inside the article container.
"""

from __future__ import annotations

import trafilatura

from ingest.config import ExtractConfig
from ingest.records import Document


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
    doc.raw_text = result.text
    doc.title = result.title or None
    doc.author = result.author or None
    doc.published = result.date or None
    doc.site = result.sitename or None
    doc.url = result.url or None
    return doc
