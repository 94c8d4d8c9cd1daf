"""HTML to main text and metadata with trafilatura: the extraction step that ties the HTML modules together.

The page is parsed and repaired first (`page`). Trafilatura finds the article container and reads author,
date, site name and canonical URL from the page's metadata; a second, recall-oriented trafilatura pass, the
learned block filter (`block_filter`) and the recall step (`recall`) decide the main text; the headline is
chosen from the page's title candidates (`title`). The text then goes through the same plain-text cleaner as
scraped text, because newsletter boxes and share prompts often sit inside the article container.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import trafilatura
from lxml.html import HtmlElement
from trafilatura.metadata import extract_metadata
from trafilatura.settings import Document as TrafilaturaDocument
from trafilatura.settings import set_date_params
from trafilatura.utils import load_html

from ingest.config import ExtractConfig
from ingest.document import Document
from ingest.extract.block_filter import filter_blocks
from ingest.extract.link_density import install as ask_linked_elements_only
from ingest.extract.losses import PageLosses, page_removals
from ingest.extract.page import parse_page
from ingest.extract.readability_gate import install as skip_readability_where_it_cannot_win
from ingest.extract.recall import RecallTrace, recover_blocks
from ingest.extract.recall_pass import SharedCleaning, cleaning_shared, recall_extraction, recall_options
from ingest.extract.recall_pass import install as share_cleaning
from ingest.extract.title import choose_title, page_title_candidates, split_leading_headline, squash
from ingest.extract.xpaths import install as use_python_xpaths

use_python_xpaths()  # trafilatura's costliest XPath expressions as Python tests: the same elements, faster
ask_linked_elements_only()  # trafilatura's link-density pruning skips, in C, the elements without a link
skip_readability_where_it_cannot_win()  # trafilatura's comparison, where readability's text is too short
share_cleaning()  # the recall pass starts from the tree the default pass cleaned (`recall_pass`)

_AUTHOR_LABEL = re.compile(r"^(?:author|written by|by)\b\s*:?\s*(?=\S)", re.I)
"""'Author Jane Roe', 'Written by: Jane Roe': trafilatura keeps the byline's label in the name."""


def _as_list(value: object) -> list[str] | None:
    if not value:
        return None
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:  # trafilatura passes a keywords meta through as one comma-separated string
        out += [squash(part) for part in str(item).split(",") if squash(part) and squash(part) not in out]
    return out or None


def recall_result(
    page: str | HtmlElement, config: ExtractConfig, shared: SharedCleaning | None = None
) -> TrafilaturaDocument | None:
    """Result of a second, recall-oriented pass (trafilatura's favor_recall, without its fallback
    extractors). On a page whose article container trafilatura's default pass cuts short (a list article
    split into sections, a body interrupted by a widget), this pass finds more of it, so the step keeps
    the longer of the two texts; it costs a second trafilatura run per page and almost no precision.
    `page` may be the parsed tree: trafilatura works on a copy and leaves it as it was. `shared`, when
    the default pass on the same page left it usable, saves the pass its cleaning (`recall_pass`)."""
    if shared is not None and shared.usable and not config.include_comments:
        return recall_extraction(shared, recall_options(config.include_comments, config.include_tables))
    tree = load_html(page)
    if tree is None:
        return None
    return trafilatura.bare_extraction(
        tree,
        fast=True,
        favor_recall=True,
        with_metadata=False,
        include_comments=config.include_comments,
        include_tables=config.include_tables,
    )


def recall_text(page: str | HtmlElement, config: ExtractConfig) -> str:
    """Main text of the recall pass (`recall_result`)."""
    result = recall_result(page, config)
    return result.text if result is not None and result.text else ""


def main_text(
    tree: HtmlElement,
    result: TrafilaturaDocument | None,
    config: ExtractConfig,
    losses: PageLosses | None = None,
    shared: SharedCleaning | None = None,
) -> str:
    """The page's main text: the longer of the default pass (`result`) and the recall pass, without the
    blocks the learned block filter (`extract_filter`) calls boilerplate when `config.filter_blocks` is on,
    with the page paragraphs `extract_recall` finds outside trafilatura's text when `config.recover_blocks`
    is on. What the filter drops and what the recall step sees and decides go into `losses` when given.
    `shared` is what the default pass prepared (`recall_pass.cleaning_shared`), for the recall pass."""
    losses = losses if losses is not None else PageLosses()
    text = result.text if result is not None and result.text else ""
    body = result.body if result is not None and text else None
    if config.recall_pass:
        other = recall_result(tree, config, shared)
        other_text = other.text if other is not None and other.text else ""
        if len(other_text) > len(text):
            text, body = other_text, other.body if other is not None else None
    unfiltered = losses.extracted = text
    if config.filter_blocks and body is not None:
        dropped: list[str] = []
        filtered = filter_blocks(body, tree, dropped=dropped)
        if filtered is not None and filtered.strip():
            text, losses.filtered = filtered, dropped
        elif filtered is not None:  # the filter dropped every block: trafilatura's text stands as it was
            body = None
    if config.recover_blocks and body is not None:
        trace = losses.trace = RecallTrace()
        recovered = recover_blocks(body, tree, unfiltered, trace=trace)
        if recovered is not None and recovered.strip():
            text = recovered
        else:
            trace.added = []
    return text


def extract_html(doc: Document, config: ExtractConfig) -> Document:
    """Fill `raw_text` and metadata from `doc.html`; reject the document when no main text is found.

    Metadata a container already gave (a JSON record's title, a WARC record's URL) is kept where the page
    has none; the page's canonical URL wins over the fetch URL."""
    if doc.rejected or doc.html is None:
        return doc
    try:
        losses = PageLosses()
        tree = parse_page(doc.html, losses.consent)
        if tree is None:
            doc.html = None
            return doc.reject("no_article", "the HTML does not parse to a document")
        h1s, metas = page_title_candidates(tree)
        balanced = not (config.include_comments or config.favor_precision or config.favor_recall)
        with cleaning_shared(config.recall_pass and balanced) as shared:
            result = trafilatura.bare_extraction(
                tree,
                url=doc.url,
                with_metadata=True,
                include_comments=config.include_comments,
                include_tables=config.include_tables,
                favor_precision=config.favor_precision,
                favor_recall=config.favor_recall,
                date_extraction_params=set_date_params(config.date_extensive_search),
            )
        text = main_text(tree, result, config, losses, shared)
        if result is None and text.strip():  # only the recall pass found the article: its metadata alone
            result = extract_metadata(
                tree, default_url=doc.url, date_config=set_date_params(config.date_extensive_search)
            )
    except Exception as exc:  # trafilatura and lxml raise many types on hostile markup
        doc.html = None
        return doc.reject("extract_error", f"{type(exc).__name__}: {exc}")
    doc.html = None
    if result is None or not text.strip():
        return doc.reject("no_article", "trafilatura found no main text")
    site = result.sitename or None
    host = urlsplit(result.url or doc.url or "").hostname
    if result.title and not metas:
        metas.append(squash(result.title))
    doc.title = doc.title or choose_title(h1s, metas, site, host)
    lost = page_removals(tree, losses, text, doc.title)
    text, removed = split_leading_headline(text, doc.title)
    # the title came from metadata: the body must not start with the page's own headline either
    for headline in [result.title, *h1s[:2]] if not removed else []:
        text, removed = split_leading_headline(text, headline)
        if removed:
            break
    doc.raw_text, doc.removed = text, [*doc.removed, *removed, *lost]
    doc.author = doc.author or _AUTHOR_LABEL.sub("", result.author or "") or None
    doc.published = doc.published or result.date or None
    doc.site = doc.site or site
    doc.url = result.url or doc.url
    doc.description = squash(result.description) or None
    doc.categories = _as_list(result.categories)
    doc.tags = _as_list(result.tags)
    return doc
