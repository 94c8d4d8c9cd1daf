"""The page's elements indexed by their visible text, so that a block of trafilatura's output can be traced
back to the page element it came from (the block filter's features describe that element).

`source_index` maps the whitespace-normalized `text_content()` of every page element to the deepest element
with that text. It is built in one bottom-up pass over the page: an element's text is joined from its
children's already normalized texts rather than read and normalized again at every level.
"""

from __future__ import annotations

from lxml.etree import _Element

_SKIP = frozenset({"script", "style", "noscript", "template"})


def norm_space(text: str) -> str:
    """Runs of whitespace made one space, the ends trimmed."""
    return " ".join(text.split())


_INDEX_LIMIT = 20000
"""Page elements with this much normalized text or more are not indexed (no block is that long)."""
_Piece = tuple[str, bool, bool]
"""A run of text, normalized ("a b"), and whether it starts and ends with whitespace."""
_TOO_LONG: _Piece = ("", False, False)
"""Marks an element whose normalized text reaches `_INDEX_LIMIT`, and so every ancestor's (by identity)."""


def _piece(text: str) -> _Piece:
    return norm_space(text), text[:1].isspace(), text[-1:].isspace()


_BLANK: _Piece = ("", True, True)
"""`_piece` of a run of whitespace only (the indentation between tags), without computing it."""


def _joined(pieces: list[_Piece]) -> str:
    """`_norm` of the concatenated runs, from the runs' normalized forms: whitespace at a boundary (or a
    run of whitespace only) becomes one space, no whitespace there joins the words."""
    out: list[str] = []
    space = False
    for core, lead, trail in pieces:
        if not core:
            space = True
            continue
        if out:
            out.append(" " if space or lead else "")
        out.append(core)
        space = trail
    return "".join(out)


def _element_texts(tree: _Element) -> list[tuple[_Element, str | None]]:
    """(element, `norm_space(el.text_content())`) for every element in document order, the text None where it
    reaches `_INDEX_LIMIT`. One bottom-up pass: an element's text is built from its children's normalized
    texts instead of read and normalized again at every level, and nothing is built above an element
    whose text is already too long (the texts of its ancestors contain it). Comment text is not page text
    (as in `text_content`); a comment's tail is."""
    order: list[tuple[_Element, str | None]] = []
    _walk(tree, order)
    return order


def _walk(el: _Element, order: list[tuple[_Element, str | None]]) -> _Piece | None:
    """`_element_texts` for `el`'s subtree, appended to `order`; returns `el`'s normalized run. A module
    function rather than a closure: a closure that calls itself is a reference cycle, which would keep
    `order` and the page's elements alive until the cyclic garbage collector came by."""
    position = len(order)
    order.append((el, None))
    text = el.text
    pieces = [_BLANK if text.isspace() else _piece(text)] if text else []
    too_long = False
    for child in el:
        if isinstance(child.tag, str):
            sub = _walk(child, order)
            if sub is not None:
                too_long = too_long or sub is _TOO_LONG
                pieces.append(sub)
        tail = child.tail
        if tail:
            pieces.append(_BLANK if tail.isspace() else _piece(tail))
    if too_long:
        return _TOO_LONG
    if not pieces:
        order[position] = (el, "")
        return None
    text = pieces[0][0] if len(pieces) == 1 else _joined(pieces)  # one run: already normalized
    if len(text) >= _INDEX_LIMIT:
        return _TOO_LONG
    order[position] = (el, text)
    first, last = pieces[0], pieces[-1]
    return text, first[1] or not first[0], last[2] or not last[0]


def source_index(tree: _Element) -> dict[str, _Element]:
    """Whitespace-normalized visible text of every page element -> the deepest element with that text."""
    try:
        texts = _element_texts(tree)
    except RecursionError:  # a page nested deeper than Python recurses: each element read on its own
        texts = [(el, norm_space(el.text_content())) for el in tree.iter() if isinstance(el.tag, str)]
    index: dict[str, _Element] = {}
    for el, text in texts:
        if text and el.tag not in _SKIP and len(text) < _INDEX_LIMIT:
            index[text] = el  # document order: a descendant with the same text comes later and wins
    return index
