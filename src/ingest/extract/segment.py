"""The page cut into text segments, the unit the recall step judges.

A segment is the text of one block element up to its next block child: a paragraph, a list item, a
heading, a cell, a div's own text. Walking the page this way (rather than taking each element's whole
`text_content()`) gives every piece of visible text exactly one owner, so a paragraph trafilatura left out
can be found, scored and inserted on its own without dragging the text of its children along. Also here:
the word 4-shingles that measure how much of a segment trafilatura's text already covers, and the test for
text the page hides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml.etree import _Element

BLOCK = frozenset(
    {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "blockquote", "pre", "section"}
    | {"article", "main", "header", "footer", "aside", "nav", "ul", "ol", "dl", "dt", "dd", "table"}
    | {"tbody", "thead", "tfoot", "tr", "figure", "figcaption", "form", "address", "center", "body"}
    | {"html", "fieldset", "details", "summary", "hr", "caption", "legend", "menu"}
)
SKIP = frozenset(
    {"script", "style", "noscript", "template", "svg", "iframe", "button", "select", "option", "input"}
    | {"textarea", "head", "title", "meta", "link", "object", "embed", "canvas", "video", "audio", "map"}
)
_WORD = re.compile(r"\w+")
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)

_CONTROLS = frozenset({"button", "select", "textarea"})


def _wraps_page(el: _Element) -> bool:
    """A form control that holds paragraphs: the parser nested the rest of the page inside a control
    the markup never closed (`<button>` ... `<main>`), which a browser does not; its text is read."""
    return el.tag in _CONTROLS and el.find(".//p") is not None


@dataclass(slots=True)
class Segment:
    """One run of text of a block element (`owner`), in page order."""

    owner: _Element
    pieces: list[str] = field(default_factory=list)
    link_chars: int = 0
    text: str = ""
    """The pieces joined, whitespace runs made one space and the ends trimmed; set once the page is cut
    (`segments`), since the recall step reads it several times."""


def segments(tree: _Element) -> list[Segment]:
    """The page's text segments in document order (empty ones left out)."""
    out: list[Segment] = []
    body = tree.find(".//body")
    root = body if body is not None else tree
    stack = [Segment(root)]
    try:
        _walk(root, False, stack, out)
    except RecursionError:
        return []
    last = stack.pop()
    if last.pieces:
        out.append(last)
    kept = []
    for seg in out:
        if seg.pieces:
            seg.text = " ".join("".join(seg.pieces).split())
            if seg.text:
                kept.append(seg)
    return kept


def _walk(el: _Element, in_link: bool, stack: list[Segment], out: list[Segment]) -> None:
    """`segments` of `el`'s subtree: its text goes to the open segment (`stack[-1]`), a block child closes
    it and opens its own; finished segments go to `out`. An empty segment is not kept, so it is reused. A
    module function rather than a closure: a closure that calls itself is a reference cycle, which would
    keep the segments and the page's elements alive until the cyclic garbage collector came by."""
    text = el.text
    if text:
        seg = stack[-1]
        seg.pieces.append(text)
        if in_link:
            seg.link_chars += len(text.strip())
    for child in el:
        tag = child.tag
        if isinstance(tag, str) and (tag not in SKIP or _wraps_page(child)):
            if tag in BLOCK:
                before = stack[-1]
                if before.pieces:
                    out.append(before)
                    stack[-1] = Segment(before.owner)
                stack.append(Segment(child))
                _walk(child, in_link, stack, out)
                last = stack.pop()
                if last.pieces:
                    out.append(last)
            else:
                _walk(child, in_link or tag == "a", stack, out)
        tail = child.tail
        if tail:
            seg = stack[-1]
            seg.pieces.append(tail)
            if in_link:
                seg.link_chars += len(tail.strip())


def shingles(text: str) -> set[tuple[str, ...]]:
    """The text's word 4-shingles (runs of four consecutive `\\w+` tokens); a text of one to three words
    is its own single shingle."""
    return token_shingles(_WORD.findall(text))


def token_shingles(tokens: list[str]) -> set[tuple[str, ...]]:
    """`shingles` of a text already split into its `\\w+` tokens."""
    if len(tokens) < 4:
        return {tuple(tokens)} if tokens else set()
    return set(zip(tokens, tokens[1:], tokens[2:], tokens[3:], strict=False))


def coverage(texts: list[str], text: str) -> list[float]:
    """Share of each segment text's word 4-shingles (`shingles`) that `text` holds: how much of a page
    segment an extracted text already has (0.0 for a segment without words)."""
    return token_coverage([_WORD.findall(t) for t in texts], text)


def token_coverage(tokens: list[list[str]], text: str) -> list[float]:
    """`coverage` of texts already split into their `\\w+` tokens (the recall step splits each segment
    once for all its uses)."""
    kept = shingles(text)
    out = []
    for words in tokens:
        sh = token_shingles(words)
        out.append(len(sh & kept) / len(sh) if sh else 0.0)  # shingles are sets: the same count
    return out


def hidden(el: _Element) -> bool:
    """The element or an ancestor is hidden with an attribute or an inline style."""
    for node in (el, *el.iterancestors()):
        get = node.get
        if get("hidden") is not None or get("aria-hidden") == "true" or _HIDDEN.search(get("style") or ""):
            return True
    return False
