"""Trafilatura's comparison with readability, skipped on pages where readability's text cannot be chosen.

After its own extraction, trafilatura's default pass runs readability on a copy of the page
(`compare_extraction`) and takes readability's text instead of its own only in these cases
(`_prefer_readability`, balanced focus): its own text is empty; readability's is more than twice as long;
or readability's is longer than twice the minimum extracted size and its own output has no paragraph text
or more tables than paragraphs. Readability costs about a tenth of the extraction step.

Readability's text can only be shorter than the page's: it drops scripts and styles, picks one container
with some of its siblings, drops elements from it, moves loose text into new paragraphs (moves, never
copies) and replaces a video iframe's content by the word VIDEO. Its result is serialized as XML and parsed
again as HTML, where the text of a raw-text element (`xmp`, `noembed`, `noframes`) keeps the entities the
serializer wrote (`&amp;` for `&`: up to five characters for one), and where everything after a
`plaintext` start tag is text (a page with one is never bounded). So the length of the page's text
without scripts and styles, whitespace runs counted as one character, plus six per iframe (a word and a
space) and four per character of raw-text elements, bounds the length of readability's text
(`text_bound`). Where twice trafilatura's own text reaches that bound and its own output has paragraph text
and no more tables than paragraphs, readability cannot be chosen: `_extract_and_compare` then does only
the rest of `compare_extraction` (the justext check), and the output is the same as with readability run.

The bound is tried cheaply first (`raw_text_bound`: characters of the page's text nodes, whitespace
included, in C), then exactly (`text_bound`) when the cheap one is too loose. Installed only while
trafilatura's functions are those this follows (`DIGESTS`), as in `recall_pass`.
"""

from __future__ import annotations

import sys

import trafilatura.core as core
import trafilatura.external as external
import trafilatura.readability_lxml as readability
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.settings import Extractor

from ingest.extract.link_density import code_digest

ORIGINAL = core._extract_and_compare
FOLLOWED = {
    "core._extract_and_compare": ORIGINAL,
    "external.compare_extraction": external.compare_extraction,
    "external._prefer_readability": external._prefer_readability,
    "external.try_readability": external.try_readability,
    "external.justext_rescue": external.justext_rescue,
    "readability.Document.summary": readability.Document.summary,
    "readability.Document.get_article": readability.Document.get_article,
    "readability.Document.sanitize": readability.Document.sanitize,
    "readability.Document.transform_misused_divs_into_paragraphs": (
        readability.Document.transform_misused_divs_into_paragraphs
    ),
    "readability.Document.remove_unlikely_candidates": readability.Document.remove_unlikely_candidates,
}
"""The trafilatura functions the bound and the shortened comparison rely on."""
DIGESTS = {
    "core._extract_and_compare": "3647ce926f3a9419",
    "external.compare_extraction": "5421542ae100ffdd",
    "external._prefer_readability": "9d5c57f4583d2ee2",
    "external.try_readability": "5ac76bd2a514fd7b",
    "external.justext_rescue": "c08b7e55ba816842",
    "readability.Document.summary": "03b474dc6b08aada",
    "readability.Document.get_article": "db40cab0966c3098",
    "readability.Document.sanitize": "6beb54e5a094a05f",
    "readability.Document.transform_misused_divs_into_paragraphs": "0a0425a4e54651d1",
    "readability.Document.remove_unlikely_candidates": "ce8758288c83c9ef",
}
"""First hex digits of `code_digest` of each of `FOLLOWED` in the release this follows (trafilatura 2.3.1)."""

DROPPED = ("script", "style")
"""Elements readability drops before anything else (with `fencedframe`, whose text the bound keeps)."""
RAW_TEXT = ("xmp", "noembed", "noframes", "noscript")
"""Elements whose text the HTML parser may read raw (`noscript` only with scripting on): entities written
by the XML serializer stay as they are."""
VIDEO = len(" VIDEO")
"""An iframe's new text: the word, and the whitespace run around it now split in two."""
UNBOUNDED = sys.maxsize
"""The bound of a page with a `plaintext` element: the parser reads everything after its start tag as
text, so after the round trip the serialized end tags of its ancestors are text too."""


def _margin(tree: HtmlElement) -> int:
    """What readability's round trip can add: a word and a space per iframe, four per character of
    raw-text elements (`UNBOUNDED` with a `plaintext` element)."""
    if next(tree.iter("plaintext"), None) is not None:
        return UNBOUNDED
    margin = VIDEO * sum(1 for _ in tree.iter("iframe"))
    for el in tree.iter(*RAW_TEXT):
        margin += 4 * len(etree.tostring(el, method="text", encoding=str, with_tail=False))
    return margin


def _raw_text_length(tree: HtmlElement) -> int:
    """Characters of the text nodes outside scripts and styles, whitespace included (in C)."""
    n = len(etree.tostring(tree, method="text", encoding=str))
    for el in tree.iter(*DROPPED):
        n -= len(el.text or "")  # the parser gives a script or style one text node and no children
    return n


def _pieces(el: HtmlElement, out: list[str]) -> None:
    if el.text:
        out.append(el.text)
    for child in el:
        if isinstance(child.tag, str) and child.tag not in DROPPED:  # a comment's text is not page text
            _pieces(child, out)
        if child.tail:
            out.append(child.tail)


def _text_length(tree: HtmlElement) -> int:
    """The length of the page's text outside scripts and styles, whitespace runs made one space and the
    ends trimmed, as trafilatura's `trim` measures readability's text."""
    pieces: list[str] = []
    _pieces(tree, pieces)
    return len(" ".join("".join(pieces).split()))


def raw_text_bound(tree: HtmlElement) -> int:
    """A quick upper bound on the length of readability's text for `tree`: the characters of its text
    nodes outside scripts and styles, whitespace included, plus `_margin`."""
    return _raw_text_length(tree) + _margin(tree)


def text_bound(tree: HtmlElement) -> int:
    """An upper bound on the length of readability's text for `tree`: the length of the page's text
    outside scripts and styles measured as `trim` measures it, plus `_margin`. Deleting parts of a text
    never makes it longer measured so, and readability only deletes and moves."""
    return _text_length(tree) + _margin(tree)


def readability_cannot_win(body: etree._Element, text: str, tree: HtmlElement, options: Extractor) -> bool:
    """Whether `_prefer_readability` is sure to keep trafilatura's own `text` (balanced focus only): the
    quick bound first, the exact one when the quick one is too loose (`raw_text_bound`, `text_bound`)."""
    if options.focus != "balanced" or not text:
        return False
    deficient = not body.xpath(".//p//text()") or len(body.findall(".//table")) > len(body.findall(".//p"))
    reach = 2 * len(text) if not deficient else min(2 * len(text), 2 * options.min_extracted_size)
    margin = _margin(tree)
    if margin > reach:
        return False
    if _raw_text_length(tree) + margin <= reach:
        return True
    try:
        return _text_length(tree) + margin <= reach
    except RecursionError:  # nested deeper than Python recurses: readability decides
        return False


def justext_check(
    cleaned_tree: HtmlElement, body: etree._Element, text: str, options: Extractor
) -> tuple[etree._Element, str]:
    """The end of `compare_extraction` when readability is not chosen: justext's text replaces an
    unclean or too short one when it is long enough."""
    len_text = len(text)
    unclean = bool(body.xpath(external.SANITIZED_XPATH))
    if unclean or len_text < options.min_extracted_size:
        body2, text2 = external.justext_rescue(cleaned_tree, options)
        len_text2 = len(text2)
        if unclean:
            accept = len_text <= external.JUSTEXT_OVERRIDE_RATIO * len_text2 and (
                len_text2 > len_text or not options.images or body.find(".//graphic") is None
            )
        else:
            accept = len_text < len_text2
        if text2 and accept:
            body, text = body2, text2
    return body, text


def _extract_and_compare(
    cleaned_tree: HtmlElement, cleaned_tree_backup: HtmlElement, tree: HtmlElement, options: Extractor
) -> tuple[etree._Element, str]:
    """trafilatura's `_extract_and_compare`, without readability where it cannot be chosen."""
    postbody, temp_text = core.extract_content(cleaned_tree, options)
    if options.fast:
        return postbody, temp_text
    if readability_cannot_win(postbody, temp_text, tree, options):
        return justext_check(cleaned_tree_backup, postbody, temp_text, options)
    return core.compare_extraction(cleaned_tree_backup, core.copy(tree), postbody, temp_text, options)


_extract_and_compare.__wrapped__ = ORIGINAL  # type: ignore[attr-defined]


def installed() -> bool:
    """Whether the gate is in place."""
    return core._extract_and_compare is _extract_and_compare


def install() -> bool:
    """Put the gate in trafilatura's place if every followed function is unchanged. Idempotent; returns
    whether it is in place."""
    if installed():
        return True
    if core._extract_and_compare is not ORIGINAL:
        return False
    if any(not code_digest(fn).startswith(DIGESTS[name]) for name, fn in FOLLOWED.items()):
        return False
    core._extract_and_compare = _extract_and_compare
    return True


def uninstall() -> None:
    """Give trafilatura its own `_extract_and_compare` back."""
    core._extract_and_compare = ORIGINAL
