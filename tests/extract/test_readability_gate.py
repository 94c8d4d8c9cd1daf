import gzip
from copy import copy
from pathlib import Path

import pytest
import trafilatura
import trafilatura.core
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree, html
from trafilatura.external import try_readability
from trafilatura.settings import Extractor, set_date_params
from trafilatura.utils import trim

from ingest.extract import html as extract_html
from ingest.extract import readability_gate as gate
from ingest.extract.link_density import code_digest
from ingest.extract.page import parse_page

_DEV = Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "dev" / "raw-html"


def _readability_length(tree: html.HtmlElement) -> int:
    """The length of readability's text as `compare_extraction` measures it."""
    algo = try_readability(copy(tree))
    return len(trim(etree.tostring(algo, method="text", encoding="utf-8").decode("utf-8")))


def _bounds_hold(tree: html.HtmlElement) -> int:
    length = _readability_length(tree)
    assert gate.text_bound(tree) >= length
    assert gate.raw_text_bound(tree) >= gate.text_bound(tree)
    return length


_TAGS = ("p", "div", "div", "span", "a", "td", "li", "h2", "xmp", "noscript", "iframe", "script", "style")
_TAGS += ("p", "plaintext")
_READABILITY_WINS = ("wcxb0073", "wcxb0119", "wcxb0140", "wcxb0183", "wcxb0214", "wcxb0307")
"""Dev pages where trafilatura's default pass takes readability's text."""
_TEXTS = st.sampled_from(
    (
        "",
        " ",
        "\n  ",
        "a & b < c > d",
        "&&&&",
        "\u00a0\u2009x\u3000",
        "Words of a sentence, with commas, in it. ",
    )
)


@st.composite
def _pages(draw: st.DrawFn, depth: int = 0) -> str:
    if depth == 3:
        return ""
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        tag = draw(st.sampled_from(_TAGS))
        attrs = ' src="https://www.youtube.com/embed/x"' if tag == "iframe" and draw(st.booleans()) else ""
        inner = draw(_TEXTS) * draw(st.integers(1, 8))
        inner = inner.replace("&", "&amp;").replace("<", "&lt;") if tag not in ("script", "style") else inner
        parts.append(f"<{tag}{attrs}>{inner}{draw(_pages(depth + 1))}</{tag}>{draw(_TEXTS)}")
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(_pages(), _TEXTS)
def test_readability_text_is_never_longer_than_the_bound(body: str, title: str) -> None:
    tree = html.fromstring(f"<html><head><title>{title}</title></head><body>{body}</body></html>")
    _bounds_hold(tree)


def test_raw_text_elements_need_their_margin() -> None:
    """Readability's round trip writes `&amp;` inside <xmp>, which the HTML parser keeps as five
    characters: the bound counts them."""
    tree = html.fromstring(
        "<html><body><div><p>" + "Text, more text, " * 3 + "</p><xmp>&&&&</xmp></div></body></html>"
    )
    length = _bounds_hold(tree)
    page_text = len(" ".join(" ".join(t for t in tree.itertext()).split()))
    assert length > page_text  # readability's text is longer than the page's own here


def test_a_video_iframe_adds_a_word_and_a_space() -> None:
    page = (
        "<html><body><div><p>"
        + "Text, more text, " * 3
        + '</p><iframe src="https://www.youtube.com/embed/x"></iframe>'
    )
    tree = html.fromstring(page + "</div></body></html>")
    page_text = len(" ".join(" ".join(tree.itertext()).split()))
    assert _bounds_hold(tree) == page_text + len(" VIDEO")


def test_a_plaintext_element_leaves_the_page_unbounded() -> None:
    tree = html.fromstring(
        "<html><body><div><p>Text, text, text.</p><plaintext>a</plaintext></div></body></html>"
    )
    assert gate.text_bound(tree) >= gate.UNBOUNDED and gate.raw_text_bound(tree) >= gate.UNBOUNDED
    _bounds_hold(tree)


def test_installed_over_trafilatura_and_guarded_by_its_code(monkeypatch: pytest.MonkeyPatch) -> None:
    assert extract_html.extract_html  # importing the extraction step installs it
    assert gate.installed() and trafilatura.core._extract_and_compare is gate._extract_and_compare
    for name, fn in gate.FOLLOWED.items():
        assert code_digest(fn).startswith(gate.DIGESTS[name]), name
    gate.uninstall()
    try:
        assert trafilatura.core._extract_and_compare is gate.ORIGINAL
        monkeypatch.setitem(gate.DIGESTS, "readability.Document.sanitize", "0000")
        assert not gate.install() and not gate.installed()
    finally:
        monkeypatch.undo()
        assert gate.install()


def _default_pass(tree: html.HtmlElement) -> tuple[str, bytes] | None:
    result = trafilatura.bare_extraction(
        tree, with_metadata=True, include_comments=False, date_extraction_params=set_date_params(False)
    )
    return None if result is None else (result.text, etree.tostring(result.body))


@pytest.mark.skipif(not _DEV.is_dir(), reason="../shared/eval not beside the repo")
def test_same_default_pass_on_dev_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """trafilatura's default pass with and without the gate on 46 dev pages (six where readability's text
    is chosen): the same text and tree, and readability's text within both bounds."""
    skipped = []
    decide = gate.readability_cannot_win
    monkeypatch.setattr(gate, "readability_cannot_win", lambda *a: skipped.append(decide(*a)) or skipped[-1])
    wins = [_DEV / f"{name}.html.gz" for name in _READABILITY_WINS]
    for path in [*sorted(_DEV.iterdir())[:40], *wins]:
        tree = parse_page(gzip.decompress(path.read_bytes()).decode("utf-8", "replace"))
        assert tree is not None
        gated = _default_pass(tree)
        gate.uninstall()
        try:
            assert _default_pass(tree) == gated, path.name
        finally:
            assert gate.install()
        _bounds_hold(tree)
    assert len(skipped) >= 46 and 20 <= sum(skipped) < len(skipped)


def test_an_output_without_paragraph_text_lets_readability_win_when_it_is_long_enough() -> None:
    """trafilatura takes readability's text over an output without paragraph text (or with more tables
    than paragraphs) once readability has twice the minimum extracted size: the gate then runs it."""
    options = Extractor()
    own = "Own text. " * 33  # 330 characters
    page = "<html><body><div>" + "Page text. " * 50 + "</div></body></html>"  # 549 characters
    tree = html.fromstring(page)
    assert 2 * options.min_extracted_size < gate.text_bound(tree) <= 2 * len(own)
    with_p = etree.fromstring(f"<body><p>{own}</p></body>")
    with_table = etree.fromstring(f"<body><table><row><cell>{own}</cell></row></table></body>")
    assert gate.readability_cannot_win(with_p, own, tree, options)
    assert not gate.readability_cannot_win(with_table, own, tree, options)
    assert not gate.readability_cannot_win(with_p, "", tree, options)  # an empty own text: readability's wins
    recall = Extractor(recall=True)
    assert not gate.readability_cannot_win(with_p, own, tree, recall)  # other rules apply in recall focus
