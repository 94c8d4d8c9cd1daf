"""trafilatura's XPath expressions evaluated in Python (`ingest.extract.xpaths`) select the same elements."""

import gzip
from pathlib import Path

import pytest
import trafilatura
import trafilatura.xpaths as trafilatura_xpaths
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml.html import fromstring

import ingest.extract.html  # noqa: F401  (importing the step installs the translations)
from ingest.config import ExtractConfig
from ingest.document import Document
from ingest.extract import xpaths
from ingest.extract.html import extract_html

_DEV_HTML = Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "dev" / "raw-html"


def current(t: xpaths.Translation) -> object:
    """What is now in the place of the expression `t` stands for."""
    place = getattr(t.module, t.name)
    return place if t.index is None else place[t.index]


def originals() -> list[tuple[xpaths.Translation, etree.XPath]]:
    out = []
    for t in xpaths.TRANSLATIONS:
        now = current(t)
        out.append((t, now.original if isinstance(now, xpaths.Translated) else now))
    return out


def same(a: list, b: list) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


def test_every_translation_is_in_place_for_the_pinned_trafilatura() -> None:
    """Importing the extraction step installs all of them; if this fails after a trafilatura upgrade, its
    expressions changed: translate the new text (the old translation is not used meanwhile)."""
    assert xpaths.installed() == [t.label for t in xpaths.TRANSLATIONS]
    assert "BASIC_CLEAN_XPATH" in xpaths.installed()  # a module attribute (trafilatura.baseline's)
    for t in xpaths.TRANSLATIONS:
        slot = current(t)
        assert isinstance(slot, xpaths.Translated) and slot.path == slot.original.path


def test_a_changed_expression_keeps_trafilaturas_own() -> None:
    expressions = trafilatura_xpaths.TEASER_DISCARD_XPATH
    translated = expressions[0]
    changed = etree.XPath(".//*[self::div][contains(@class, 'teaser-box')]")
    try:
        expressions[0] = changed
        assert "TEASER_DISCARD_XPATH[0]" not in xpaths.install()
        assert expressions[0] is changed
    finally:
        expressions[0] = translated


def test_uninstall_gives_the_expressions_back() -> None:
    try:
        xpaths.uninstall()
        assert xpaths.installed() == []
        assert all(isinstance(current(t), etree.XPath) for t in xpaths.TRANSLATIONS)
    finally:
        xpaths.install()
    assert len(xpaths.installed()) == len(xpaths.TRANSLATIONS)


# Attribute values built from the expressions' own vocabulary, in both cases, with near misses.
_TOKENS = (
    *("comment", "Comments", "commentary", "comol", "disqus_thread", "dsq-comments", "article-comments"),
    *("hidden", "hide-x", "x-hide-y", "display:none", "display: none", "reply-", "x-reply-y", "akismet"),
    *(
        "nav",
        "Nav",
        "NAVIGATION",
        "menu",
        "sidebar",
        "share",
        "Share",
        "share-",
        "shareit",
        "cookie",
        "Cookie",
    ),
    *("ad-", " ad ", "x-ad-y", "widget", "meta", "byline", "related", "premium", "teaser", "Teaser"),
    *("caption", "Caption", "post", "entry", "articleBody", "articleContent", "article-body", "post_content"),
    *("story", "story-body", "primary", "FullText", "text", "content", "Main-Content", "main-content"),
    *(
        "Page-Content",
        "content-main",
        "contentBody",
        "main",
        "mainpage",
        "infinite-scroll",
        "mvp-post-add-box",
    ),
    *("elementor-share-buttons", "comments-title", "true", "article", "MostPopularStories", "x", ""),
    *("author", "Author", "author-name", "AuthorName", "author name", "AuthorCard", "byl", "BBL", "username"),
    *(
        "writer",
        "screenname",
        "comments",
        "title",
        "date",
        "quote",
        "Figure",
        "zuozhe",
        "row",
        "tag",
        "postmeta",
    ),
    *("jp-relatedposts", "entry-utility", "entry-meta", "topics", "tags-links", "post-info", "postpath-1"),
    *("post-category", "cat-links", "/tag/x/", "/category/y/"),
    *("footer", "site-Footer", "Cookie-Banner", "cookie_notice", "OneTrust", "cmplz-x", "consent-sdk"),
)
_ATTRS = (
    "id",
    "class",
    "style",
    "role",
    "aria-hidden",
    "itemprop",
    "data-component",
    "data-lp-replacement-content",
)
_TAGS = ("div", "p", "span", "section", "article", "main", "aside", "ul", "ol", "li", "details", "h1", "a")
_TAGS += ("footer", "svg", "template", "style")

_values = st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=3).map(" ".join)
_attributes = st.lists(st.tuples(st.sampled_from(_ATTRS), _values), max_size=4, unique_by=lambda kv: kv[0])


@st.composite
def html_trees(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(st.sampled_from(_TAGS))
    attrs = "".join(f' {k}="{v}"' for k, v in draw(_attributes))
    children = draw(st.lists(html_trees(depth + 1), max_size=0 if depth >= 3 else 3))
    text = draw(st.sampled_from(("t", "me")))
    return f"<{tag}{attrs}>{text}{''.join(children)}</{tag}>"


@settings(deadline=None)
@given(st.lists(html_trees(), min_size=1, max_size=4))
@example(['<aside class="x elementor-share-buttons"><div id="reply-1" class="hidden">t</div></aside>'])
@example(
    ['<div class="row"><p><a href="/tag/x/">t</a></p></div><span class="cat-links"><a href="x">t</a></span>']
)
@example(
    [
        '<div class="post-meta"><a href="/c/">t</a></div>'
        '<footer class="entry-meta"><a href="z">t</a><a>t</a></footer>'
    ]
)
@example(['<div class="tags-links"><div class="topics"><a href="1">t</a></div></div><p><rel>me</rel></p>'])
@example(['<span><rel>me</rel></span><author>t</author><a rel="author" class="x">t</a>'])
@example(
    ['<div id="footer" class="x"><p class="cookie-banner">t</p></div><div class="a" id="footer">t</div>']
)
@example(['<div class="reply-x" id="hidden"><section style="x" id="reply-">t</section></div>'])
def test_translations_select_what_the_expressions_select(parts: list[str]) -> None:
    """On generated pages, from every element as the context node, each translation returns the same
    elements in the same order as trafilatura's expression."""
    root = fromstring(f"<html><body>{''.join(parts)}</body></html>")
    for t, original in originals():
        whole_document = original.path.lstrip().startswith("//")  # the context node does not matter
        for context in [root] if whole_document else root.iter(etree.Element):
            assert same(t.run(context), original(context)), (t.name, t.index, etree.tostring(context)[:300])


@pytest.mark.slow
@pytest.mark.skipif(not _DEV_HTML.is_dir(), reason="../shared/eval not beside the repo")
def test_trafilatura_sees_the_same_elements_on_dev_pages() -> None:
    """Every fifth development page through the extraction step and through trafilatura with its defaults
    (comments on), every translated expression evaluated both ways on the very tree trafilatura holds at
    that moment: `check` raises on the first difference."""
    pages = sorted(_DEV_HTML.glob("*.html.gz"))[::5]
    assert len(pages) > 100
    try:
        xpaths.install(check=True)
        for path in pages:
            html = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
            doc = extract_html(Document(source_path=path.name, html=html), ExtractConfig())
            assert doc.reason != "extract_error", (path.name, doc.detail)
            trafilatura.bare_extraction(html, include_comments=True)
    finally:
        xpaths.uninstall()
        xpaths.install()
