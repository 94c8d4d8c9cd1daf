"""The per-document steps: pure functions `Document -> Document`, applied in order to every document a
reader yields. A rejected document skips the remaining steps but keeps flowing to the writer, so nothing
vanishes; a step that raises rejects only its document (`internal_error`), and a document that takes too
long is stopped (`timeout`).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from ingest.clean.cleaner import clean_text
from ingest.clean.normalize import normalize_field, normalize_text
from ingest.config import IngestConfig
from ingest.dedup.keys import assign_ids, minhash_step
from ingest.document import Document
from ingest.extract.html import extract_html
from ingest.faults import checkpoint
from ingest.read.discover import relative_source
from ingest.read.files import decode_document, read_file
from ingest.steps.language import detect_language

Step = Callable[[Document], Document]


def clean_step(doc: Document, config: IngestConfig) -> Document:
    """Cleaner over the plain text; metadata the page declared wins over what the text suggests. For HTML
    this is the second pass over trafilatura's main text (precise rules only, see `clean_extracted`),
    unless `extract.clean_html` is off."""
    extracted = doc.content_type == "text/html"
    if extracted and not config.extract.clean_html:
        doc.text, doc.raw_text = doc.raw_text or "", None
        return doc
    result = clean_text(doc.raw_text or "", config.clean, second_pass=extracted)
    doc.raw_text = None
    doc.text = result.text
    doc.removed = [*doc.removed, *result.removed]
    doc.title = doc.title or result.title
    doc.author = doc.author or result.author
    doc.site = doc.site or result.site
    doc.published = doc.published or result.published
    return doc


def normalize_step(doc: Document, config: IngestConfig) -> Document:
    doc.text = normalize_text(doc.text or "")
    doc.title, doc.author, doc.site = (normalize_field(v) for v in (doc.title, doc.author, doc.site))
    return doc


def length_step(doc: Document, config: IngestConfig) -> Document:
    doc.n_words = len((doc.text or "").split())
    if doc.n_words == 0:
        return doc.reject("no_text", "nothing left after cleaning")
    if doc.n_words < config.filter.min_words:
        return doc.reject("too_short", f"{doc.n_words} words < filter.min_words={config.filter.min_words}")
    return doc


def language_step(doc: Document, config: IngestConfig) -> Document:
    doc.language, doc.language_score = detect_language(doc.text or "", config.language)
    allowed = config.language.allowed
    if allowed and doc.language not in allowed:
        return doc.reject("language", f"{doc.language} not in language.allowed={list(allowed)}")
    return doc


class DocumentTimeout(BaseException):
    """Raised by the timer in the middle of a document's steps. A BaseException, so that the broad
    `except Exception` inside trafilatura and lxml callbacks cannot swallow it."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise DocumentTimeout in this thread after `seconds` of wall time.

    A SIGALRM interval timer: it works in the main thread of a process (the CLI, and every worker process of
    the pool), interrupting Python code (trafilatura's tree walks, the cleaner's regexes between lines) but
    not a single long C call. In any other thread (Prefect runs tasks in threads) signals cannot be used,
    and there is no time limit; the size limit `read.max_document_bytes` still bounds the work.
    """
    usable = seconds > 0 and hasattr(signal, "setitimer")
    if not usable or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise DocumentTimeout

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def document_steps(config: IngestConfig) -> list[Step]:
    """The per-document steps in order. Each takes and returns one Document."""
    return [
        partial(decode_document, config=config.read),
        partial(extract_html, config=config.extract),
        partial(clean_step, config=config),
        partial(normalize_step, config=config),
        partial(length_step, config=config),
        partial(language_step, config=config),
        partial(minhash_step, config=config.dedup),
    ]


def process_document(doc: Document, steps: Sequence[Step], config: IngestConfig) -> Document:
    """One document through every step, within `read.max_document_seconds`. Never raises for bad input."""
    limit = config.read.max_document_seconds
    checkpoint(f"document:{doc.source_path}")
    try:
        with time_limit(limit):
            for step in steps:
                if doc.rejected:
                    break
                try:
                    doc = step(doc)
                except Exception as exc:  # a bug on one document must not kill the run
                    doc.reject("internal_error", f"{type(exc).__name__}: {exc}")
    except DocumentTimeout:
        doc.text = None
        doc.reject("timeout", f"processing took longer than read.max_document_seconds={limit}")
    doc.html = doc.raw_text = doc.data = None
    return assign_ids(doc)


def process_file(path: Path, raw_root: Path, config: IngestConfig) -> Iterator[Document]:
    """Every document of one raw file, through every per-document step, as a stream: a multi-record file
    (WARC, JSON Lines) is read one record at a time and never held in memory whole."""
    steps = document_steps(config)
    for doc in read_file(path, relative_source(path, raw_root), config.read, decode=False):
        yield process_document(doc, steps, config)


def warm_up(config: IngestConfig) -> None:
    """Load once what the steps otherwise load on their first document: the language profiles, the
    cleaner's and the HTML models, the rule set, pyarrow's optional pandas support, the public-suffix
    table trafilatura's metadata reads a page's host with. Called before any
    document's timer starts, so a worker's first document is not charged for it (nor stopped by
    `read.max_document_seconds` half-way through a loader that swallows the interrupt); called in the
    parent before workers fork, they share it all."""
    import pyarrow as pa
    from courlan.urlutils import get_tldinfo

    from ingest.clean import classifier as clean_model
    from ingest.clean.rules.engine import rules_for
    from ingest.extract import block_filter as extract_filter
    from ingest.extract import recall as extract_recall
    from ingest.steps import language

    # pyarrow imports pandas, when it is installed, the first time it builds an array from a Python list
    # (to check for pandas types): about 0.4 s, paid here once instead of again in every worker
    pa.array([0])
    language._factory()
    clean_model.load_model()
    extract_filter.load_model()
    extract_filter.load_model(extract_recall.MODEL)
    rules_for(config.clean)
    # tld parses its bundled public-suffix list (no network, about 0.05 s) the first time trafilatura's
    # metadata asks courlan for a host its quick pattern does not read
    get_tldinfo("https://www.example.co.uk/")
