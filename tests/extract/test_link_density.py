import gzip
from copy import deepcopy
from pathlib import Path

import pytest
import trafilatura.main_extractor
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree, html

from ingest.extract import html as extract_html
from ingest.extract import link_density
from ingest.extract.page import parse_page

_TAGS = ("div", "div", "list", "p", "p", "item", "td", "ref", "ref", "ref", "graphic", "hi", "head")
_WORDS = st.sampled_from(
    ("", "", " ", "a", "link", "short link", "a few words of text", "a longer sentence. " * 6, "x" * 120)
)


@st.composite
def _trees(draw: st.DrawFn, depth: int = 0) -> etree._Element:
    el = html.Element(draw(st.sampled_from(_TAGS)) if depth else "body")
    el.text = draw(_WORDS)
    if depth < 4:
        for _ in range(draw(st.integers(0, 4))):
            child = draw(_trees(depth + 1))
            child.tail = draw(_WORDS)
            el.append(child)
    return el


def _both(tree: etree._Element, tag: str, backtracking: bool, precision: bool) -> tuple[bytes, bytes]:
    ours, theirs = deepcopy(tree), deepcopy(tree)
    link_density.delete_by_link_density(ours, tag, backtracking, precision)
    link_density.ORIGINAL(theirs, tag, backtracking, precision)
    return etree.tostring(ours), etree.tostring(theirs)


@settings(max_examples=200)
@given(_trees(), st.sampled_from(("div", "list", "p", "head")), st.booleans(), st.booleans())
def test_removes_what_trafilatura_removes(
    tree: etree._Element, tag: str, back: bool, precision: bool
) -> None:
    ours, theirs = _both(tree, tag, back, precision)
    assert ours == theirs


def test_linked_elements_in_document_order_self_included() -> None:
    tree = etree.fromstring(
        "<div><p>x</p><div><ref>a</ref></div><div><div><p><ref>b</ref></p></div></div></div>"
    )
    found = link_density.linked(tree, "div")
    assert found == [e for e in tree.iter("div") if e.find(".//ref") is not None] and found[0] is tree
    assert len(found) == 4 and [len(link_density.linked(tree, t)) for t in ("p", "list")] == [1, 0]


def test_installed_over_trafilatura_and_guarded_by_its_code() -> None:
    assert extract_html.extract_html  # importing the extraction step installs it
    assert trafilatura.main_extractor.delete_by_link_density is link_density.delete_by_link_density
    assert link_density.code_digest(link_density.ORIGINAL).startswith(link_density._DIGEST)
    link_density.uninstall()
    try:
        assert trafilatura.main_extractor.delete_by_link_density is link_density.ORIGINAL
    finally:
        assert link_density.install()


_DEV = Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "dev" / "raw-html"


@pytest.mark.skipif(not _DEV.is_dir(), reason="../shared/eval not beside the repo")
def test_removes_what_trafilatura_removes_on_dev_pages() -> None:
    """The trees trafilatura prunes by link density on 40 dev pages, pruned both ways."""
    from trafilatura.htmlprocessing import convert_tags, tree_cleaning
    from trafilatura.settings import Extractor

    options = Extractor()
    compared = 0
    for path in sorted(_DEV.iterdir())[:40]:
        page = parse_page(gzip.decompress(path.read_bytes()).decode("utf-8", "replace"))
        assert page is not None
        converted = convert_tags(tree_cleaning(deepcopy(page), options), options)
        for tag, back in (("div", True), ("list", False), ("p", False)):
            ours, theirs = _both(converted, tag, back, False)
            assert ours == theirs
            compared += 1
    assert compared == 120
