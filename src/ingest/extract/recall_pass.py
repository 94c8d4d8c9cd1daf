"""Trafilatura's recall-oriented second pass, started from the tree its default pass has already cleaned.

The extraction step runs trafilatura twice on each page: the default pass (with metadata) and a second
pass with `favor_recall` and `fast` (`html.recall_result`). Both passes begin the same way: copy the page,
prune appended articles, share strips and comment sections from the raw tree, then copy it again, delete
the unwanted elements (`tree_cleaning`) and convert the tags to trafilatura's own (`convert_tags`). Only
after that do they differ (`extract_content` with the recall focus, no external comparison). On a news
page that common start is about a third of the second pass.

So while the default pass runs, `cleaning_shared` keeps what it prepared: the pruned raw tree and a copy
of the cleaned, converted tree, taken before the extraction changes it (`_prepare_tree`, wrapped). The
second pass (`recall_extraction`) then does only the part that differs, the way `bare_extraction` does
it for these options. The two starts are the same tree when:

- the default pass has the balanced focus and no comments (then neither pass prunes differently: both
  prune comment sections unless the page is a forum thread, and neither extracts comments);
- the recall focus would not undo the cleaning. `tree_cleaning` with the recall focus puts the page back
  as it was when the deletions leave no paragraph of a page that had one; such a page takes the plain
  second pass.

The shortcut is installed only while trafilatura's functions are those it follows (compared by a digest
of their compiled code, `DIGESTS`); otherwise, and for any other options, the second pass is trafilatura's
own `bare_extraction`. `tests/extract/test_recall_pass.py` checks both give the same text and tree on the
development pages.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from copy import copy
from dataclasses import dataclass
from functools import cache

import trafilatura.core as core
import trafilatura.htmlprocessing as processing
from lxml.html import HtmlElement
from trafilatura.baseline import baseline
from trafilatura.main_extractor import extract_content
from trafilatura.settings import Document, Extractor
from trafilatura.xml import xmltotxt

from ingest.extract.link_density import code_digest

FOLLOWED: dict[str, Callable] = {
    "core.bare_extraction": core.bare_extraction,
    "core.trafilatura_sequence": core.trafilatura_sequence,
    "core._prepare_tree": core._prepare_tree,
    "core._extract_and_compare": inspect.unwrap(core._extract_and_compare),  # trafilatura's, wrapped or not
    "htmlprocessing.tree_cleaning": processing.tree_cleaning,
    "htmlprocessing.prune_html": processing.prune_html,
    "htmlprocessing.convert_tags": processing.convert_tags,
    "settings.Extractor.__init__": Extractor.__init__,
}
"""The trafilatura functions whose steps `recall_extraction` and the sharing rely on."""
DIGESTS = {
    "core.bare_extraction": "82ece6200095bac0",
    "core.trafilatura_sequence": "b55002d81c0fc9b5",
    "core._prepare_tree": "9bd9f5713dd5306a",
    "core._extract_and_compare": "3647ce926f3a9419",
    "htmlprocessing.tree_cleaning": "d39c6c3a095a7efa",
    "htmlprocessing.prune_html": "e590ff167d72cae7",
    "htmlprocessing.convert_tags": "fd1e7f6f4ee65f28",
    "settings.Extractor.__init__": "f94ee5bed8f45515",
}
"""First hex digits of `code_digest` of each of `FOLLOWED` in the release this follows (trafilatura 2.3.1)."""
ORIGINAL_PREPARE = core._prepare_tree


@dataclass(slots=True)
class SharedCleaning:
    """What the default pass prepared: the raw tree after its prunes (`pruned`) and a copy of the cleaned,
    converted tree (`cleaned`); `usable` once both are there and the recall focus would not clean the
    page differently."""

    pruned: HtmlElement | None = None
    cleaned: HtmlElement | None = None
    usable: bool = False


_slot = threading.local()
"""The `SharedCleaning` being filled on this thread, if any (Prefect runs tasks in threads)."""


def _prepare_tree(tree: HtmlElement, options: Extractor, url: str | None) -> tuple[HtmlElement, HtmlElement]:
    """trafilatura's `_prepare_tree`; inside `cleaning_shared`, its first call (the default pass's own,
    before any recall retry) also leaves its input and a copy of its result in the open slot."""
    cleaned, backup = ORIGINAL_PREPARE(tree, options, url)
    shared = getattr(_slot, "shared", None)
    if shared is not None and shared.pruned is None:
        shared.pruned = tree
        # tree_cleaning with the recall focus restores the page when the deletions leave no paragraph
        shared.usable = backup.find(".//p") is not None or tree.find(".//p") is None
        shared.cleaned = copy(cleaned) if shared.usable else None
    return cleaned, backup


def installed() -> bool:
    """Whether trafilatura's functions are the ones followed here and the sharing is in place."""
    return core._prepare_tree is _prepare_tree


def install() -> bool:
    """Wrap trafilatura's `_prepare_tree` if every followed function is unchanged. Idempotent; returns
    whether the sharing is in place."""
    if installed():
        return True
    if core._prepare_tree is not ORIGINAL_PREPARE:
        return False
    if any(not code_digest(fn).startswith(DIGESTS[name]) for name, fn in FOLLOWED.items()):
        return False
    core._prepare_tree = _prepare_tree
    return True


def uninstall() -> None:
    """Give trafilatura its own `_prepare_tree` back."""
    core._prepare_tree = ORIGINAL_PREPARE


@contextmanager
def cleaning_shared(enabled: bool = True) -> Iterator[SharedCleaning]:
    """Keep what the default pass run inside this block prepares, for `recall_extraction`. With `enabled`
    false, or when the sharing is not installed, nothing is kept (the slot stays unusable)."""
    shared = SharedCleaning()
    if not enabled or not installed():
        yield shared
        return
    previous = getattr(_slot, "shared", None)
    _slot.shared = shared
    try:
        yield shared
    finally:
        _slot.shared = previous


@cache
def recall_options(include_comments: bool, include_tables: bool) -> Extractor:
    """The options `bare_extraction(fast=True, favor_recall=True, with_metadata=False, ...)` builds."""
    return Extractor(
        output_format="python",
        fast=True,
        recall=True,
        comments=include_comments,
        tables=include_tables,
    )


def recall_extraction(shared: SharedCleaning, options: Extractor) -> Document | None:
    """What `bare_extraction` returns for the recall pass (`options`, from `recall_options`, comments off),
    computed from the default pass's prepared trees: the recall extraction (the fast mode skips the
    external comparison), the baseline when that finds too little, trafilatura's size checks, the text.
    Uses up `shared.cleaned`."""
    if not shared.usable or shared.cleaned is None or shared.pruned is None or options.comments:
        raise ValueError("the default pass left no usable cleaned tree")
    cleaned, shared.cleaned = shared.cleaned, None
    try:
        postbody, text = extract_content(cleaned, options)
        if len(text) < options.min_extracted_size:  # the rescue on the uncleaned tree (recall focus)
            b_body, b_text, b_len = baseline(shared.pruned)
            if b_len > len(text):
                postbody, text = b_body, b_text
        if options.max_tree_size and len(postbody) > options.max_tree_size:
            processing.strip_tags(postbody, "hi")
            if len(postbody) > options.max_tree_size:
                return None
        if len(text) < options.min_output_size and options.min_output_comm_size > 0:  # 0 comment chars
            return None
    except (TypeError, ValueError):
        return None
    document = Document()
    document.text = xmltotxt(postbody, options.formatting)
    document.raw_text = document.text
    document.body = postbody
    return document
