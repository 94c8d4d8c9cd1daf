import gzip
import threading
from pathlib import Path

import pytest
import trafilatura
import trafilatura.core
from lxml import etree, html
from trafilatura.settings import set_date_params

from ingest.config import ExtractConfig
from ingest.document import Document
from ingest.extract import html as extract_html
from ingest.extract import recall_pass
from ingest.extract.link_density import code_digest
from ingest.extract.page import parse_page

_DEV = Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "dev" / "raw-html"
_PARAGRAPH = "<p>" + "A sentence of the article that goes on for a while, as articles do. " * 4 + "</p>"


def _default_pass(tree: html.HtmlElement, enabled: bool = True) -> recall_pass.SharedCleaning:
    """trafilatura's default pass as the extraction step runs it, keeping what it prepared."""
    with recall_pass.cleaning_shared(enabled) as shared:
        trafilatura.bare_extraction(
            tree,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            date_extraction_params=set_date_params(False),
        )
    return shared


def _outcome(result: trafilatura.settings.Document | None) -> tuple[str, bytes] | None:
    return None if result is None else (result.text, etree.tostring(result.body))


def _both_ways(tree: html.HtmlElement) -> tuple[recall_pass.SharedCleaning, object, object]:
    """(what the default pass left, the plain recall pass, the recall pass from the shared cleaning)."""
    config = ExtractConfig()
    shared = _default_pass(tree)
    plain = extract_html.recall_result(tree, config)
    return shared, _outcome(plain), _outcome(extract_html.recall_result(tree, config, shared))


def test_installed_over_trafilatura_and_guarded_by_its_code() -> None:
    assert recall_pass.installed()  # importing the extraction step installs it
    assert trafilatura.core._prepare_tree is recall_pass._prepare_tree
    for name, fn in recall_pass.FOLLOWED.items():
        assert code_digest(fn).startswith(recall_pass.DIGESTS[name]), name
    recall_pass.uninstall()
    try:
        assert trafilatura.core._prepare_tree is recall_pass.ORIGINAL_PREPARE
        tree = html.fromstring(f"<html><body><article>{_PARAGRAPH}</article></body></html>")
        assert not _default_pass(tree).usable  # nothing is kept while it is not installed
    finally:
        assert recall_pass.install()


def test_a_changed_trafilatura_function_keeps_trafilatura_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    recall_pass.uninstall()
    try:
        monkeypatch.setitem(recall_pass.DIGESTS, "htmlprocessing.convert_tags", "0000")
        assert not recall_pass.install()
        assert trafilatura.core._prepare_tree is recall_pass.ORIGINAL_PREPARE
    finally:
        monkeypatch.undo()
        assert recall_pass.install()


def test_same_recall_text_and_tree_from_the_shared_cleaning() -> None:
    page = (
        "<html><head><title>T</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>Headline</h1>{_PARAGRAPH * 3}<ul><li>one point</li><li>two</li></ul>"
        "<div class='comments'><p>A reader comment that is not the article.</p></div></article>"
        "<footer><p>Copyright</p></footer></body></html>"
    )
    shared, plain, ours = _both_ways(html.fromstring(page))
    assert shared.usable and shared.cleaned is None  # the recall pass used it up
    assert plain is not None and "A sentence of the article" in plain[0]
    assert ours == plain


def test_the_baseline_rescue_when_the_recall_extraction_finds_too_little() -> None:
    """The article body only in the page's JSON-LD: trafilatura's baseline finds it on the pruned raw tree."""
    body = "A sentence of the article body kept in JSON only, as some sites do. " * 5
    page = (
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", "articleBody": "'
        f'{body}"}}</script></head><body><div><span>Menu</span></div><article><p>Short lead.</p></article>'
        "</body></html>"
    )
    shared, plain, ours = _both_ways(html.fromstring(page))
    assert shared.usable
    assert plain is not None and plain[0].startswith("A sentence of the article body kept in JSON")
    assert ours == plain


def test_a_page_the_recall_focus_would_restore_takes_the_plain_pass() -> None:
    """The cleaning deletes every paragraph (all inside an <aside>): the recall focus puts the page back,
    so its start differs from the default pass's and nothing is shared."""
    page = f"<html><body><aside>{_PARAGRAPH * 3}</aside><div>Some loose text.</div></body></html>"
    shared, plain, ours = _both_ways(html.fromstring(page))
    assert not shared.usable and shared.cleaned is None
    assert plain is not None and "A sentence of the article" in plain[0]
    assert ours == plain


def test_nothing_is_kept_when_disabled_or_outside_the_block() -> None:
    tree = html.fromstring(f"<html><body><article>{_PARAGRAPH}</article></body></html>")
    assert not _default_pass(tree, enabled=False).usable
    with recall_pass.cleaning_shared() as outer:
        inner = _default_pass(tree)  # a nested block keeps its own, then the outer one is open again
        assert inner.usable and outer.pruned is None
        seen: list[recall_pass.SharedCleaning] = []
        thread = threading.Thread(target=lambda: seen.append(_default_pass(tree, enabled=False)))
        thread.start()
        thread.join()
        assert outer.pruned is None  # another thread's pass does not fill this thread's slot
    with pytest.raises(ValueError, match="no usable cleaned tree"):
        recall_pass.recall_extraction(outer, recall_pass.recall_options(False, True))


@pytest.mark.skipif(not _DEV.is_dir(), reason="../shared/eval not beside the repo")
def test_same_recall_pass_on_dev_pages() -> None:
    """The recall pass both ways on 60 dev pages: the same text and the same output tree."""
    shared_pages = 0
    for path in sorted(_DEV.iterdir())[:60]:
        tree = parse_page(gzip.decompress(path.read_bytes()).decode("utf-8", "replace"))
        assert tree is not None
        shared, plain, ours = _both_ways(tree)
        assert ours == plain, path.name
        shared_pages += shared.usable
    assert shared_pages >= 55


@pytest.mark.parametrize("setting", [{"include_comments": True}, {"favor_precision": True}])
def test_other_options_take_the_plain_recall_pass(setting: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    """With comments or another focus the two passes do not start alike: nothing is shared."""

    def refuse(*_: object) -> None:
        raise AssertionError("the shared cleaning was used")

    monkeypatch.setattr(extract_html, "recall_extraction", refuse)
    page = f"<html><body><article><h1>Headline</h1>{_PARAGRAPH * 3}</article></body></html>"
    doc = Document(source_path="a.html", html=page)
    done = extract_html.extract_html(doc, ExtractConfig(**setting))
    assert not done.rejected and "A sentence of the article" in (done.raw_text or "")
