"""Trafilatura's link-density pruning, asked only of the elements that hold a link.

`trafilatura.htmlprocessing.delete_by_link_density` removes link-heavy blocks (`div`, `list`, `p`) from the
tree trafilatura extracts from, twice per tag and per pass. It tests every element of the tag with
`link_density_test`, whose first step is to find the element's links and answer "keep" when it has none;
on news pages three quarters of the tested elements have none, and each of them still costs a Python call
and a search of its subtree. `delete_by_link_density` here has the same body, but iterates over the elements
of the tag that hold a link (`<ref>`, as trafilatura's converted tree names it), found by one XPath query in
C: the elements it skips are exactly those `link_density_test` keeps, and the rest are tested in the same
order, so the same elements are removed.

`install` swaps it in for trafilatura's function only while trafilatura's is the one it was written
against (compared by a digest of its compiled code).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from types import CodeType

import trafilatura.htmlprocessing as processing
import trafilatura.main_extractor as main_extractor
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.htmlprocessing import delete_element, link_density_test
from trafilatura.utils import trim

ORIGINAL = processing.delete_by_link_density
_DIGEST = "0f80539616ae3c2a"
"""First hex digits of `code_digest(trafilatura.htmlprocessing.delete_by_link_density)` in the release this
replacement follows (trafilatura 2.3.1)."""
_LINKED: dict[str, etree.XPath] = {}


def code_digest(fn: Callable) -> str:
    """SHA-256 of a function's bytecode, constants and names: changes when its source does."""
    return hashlib.sha256(_code_repr(fn.__code__).encode()).hexdigest()


def _code_repr(code: CodeType) -> str:
    consts = tuple(_code_repr(c) if isinstance(c, CodeType) else c for c in code.co_consts)
    return repr((code.co_code, consts, code.co_names))


def linked(subtree: HtmlElement, tagname: str) -> list[HtmlElement]:
    """The elements `subtree.iter(tagname)` yields (the subtree itself included) that have a <ref>
    descendant, in the same document order."""
    if tagname not in _LINKED:
        _LINKED[tagname] = etree.XPath(f"descendant-or-self::{tagname}[descendant::ref]")
    return _LINKED[tagname](subtree)


def delete_by_link_density(
    subtree: HtmlElement,
    tagname: str,
    backtracking: bool = False,
    favor_precision: bool = False,
) -> HtmlElement:
    """Determine the link density of elements with respect to their length,
    and remove the elements identified as boilerplate (trafilatura's function, over `linked` elements)."""
    deletions = []
    len_threshold = 200 if favor_precision else 100
    depth_threshold = 1 if favor_precision else 3

    for elem in linked(subtree, tagname):
        result, short_with_links = link_density_test(elem, favor_precision)
        if result or (
            backtracking
            and short_with_links
            and len(elem) >= depth_threshold
            and len(trim(elem.text_content())) < len_threshold
        ):
            parent = elem.getparent()
            if tagname == "p" and parent is not None and parent.tag in ("item", "td", "th"):
                continue
            deletions.append(elem)

    for elem in dict.fromkeys(deletions):
        delete_element(elem)

    return subtree


def install() -> bool:
    """Put `delete_by_link_density` where trafilatura's extractor calls it, if trafilatura's own function
    is still the one it replaces. Idempotent; returns whether it is in place."""
    if main_extractor.delete_by_link_density is delete_by_link_density:
        return True
    if not code_digest(ORIGINAL).startswith(_DIGEST) or main_extractor.delete_by_link_density is not ORIGINAL:
        return False
    main_extractor.delete_by_link_density = delete_by_link_density
    return True


def uninstall() -> None:
    """Give trafilatura's extractor its own function back."""
    main_extractor.delete_by_link_density = ORIGINAL
