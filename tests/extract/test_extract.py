import gzip
import math
from pathlib import Path

import pytest
from samples import PAGE, PARAGRAPHS

from ingest.config import ExtractConfig
from ingest.document import Document
from ingest.extract.html import extract_html
from ingest.extract.page import parse_page, repair_mojibake


def test_main_text_and_metadata() -> None:
    doc = extract_html(Document(source_path="p.html", html=PAGE), ExtractConfig())
    assert not doc.rejected
    for paragraph in PARAGRAPHS:
        assert paragraph in doc.raw_text
    assert "Sport" not in doc.raw_text
    assert "All rights reserved" not in doc.raw_text
    assert doc.title == "Council backs tram extension"
    assert doc.author == "Jane Roe"
    assert doc.site == "Harbour Gazette"
    assert doc.published == "2024-03-05"
    assert doc.url == "https://gazette.example/news/tram"


def test_page_without_article_is_rejected() -> None:
    doc = extract_html(
        Document(source_path="p.html", html="<html><body><script>var a = 1;</script></body></html>"),
        ExtractConfig(),
    )
    assert doc.reason == "no_article"


def test_plain_text_passes_untouched() -> None:
    doc = Document(source_path="a.txt", raw_text="Just text.")
    assert extract_html(doc, ExtractConfig()).raw_text == "Just text."


def test_headline_leaves_the_body() -> None:
    doc = extract_html(Document(source_path="p.html", html=PAGE), ExtractConfig())
    assert doc.raw_text.split("\n")[0] == PARAGRAPHS[0]
    assert [(r.text, r.rule) for r in doc.removed] == [
        ("Council backs tram extension", "title"),
        ("Copyright 2024 Harbour Gazette. All rights reserved.", "html:recall_rejected"),
        ("Home News Sport", "html:not_main_content"),  # the <nav> trafilatura left out
    ]


def test_is_headline_allows_a_site_suffix() -> None:
    from ingest.extract.title import is_headline

    assert is_headline("Council backs tram", "Council backs tram | Harbour Gazette")
    assert is_headline("COUNCIL BACKS  TRAM", "Council backs tram")
    assert not is_headline("Council backs", "Council backs tram")
    assert not is_headline("", "Council")


def test_strip_site_name() -> None:
    from ingest.extract.title import strip_site_name

    assert (
        strip_site_name("Council backs tram | Harbour Gazette", "Harbour Gazette", None)
        == "Council backs tram"
    )
    assert (
        strip_site_name("Council backs tram - gazette.example", None, "www.gazette.example")
        == "Council backs tram"
    )
    assert strip_site_name("Council backs the tram extension – Gazette", None, None) == (
        "Council backs the tram extension"
    )
    assert strip_site_name("Tram: what it means", "Harbour Gazette", None) == "Tram: what it means"


def test_choose_title_prefers_the_agreeing_h1() -> None:
    from ingest.extract.title import choose_title

    metas = ["Council backs tram extension after three-year debate | Harbour Gazette"]
    assert choose_title(
        ["Council backs tram extension after three-year debate"], metas, "Harbour Gazette", None
    ) == ("Council backs tram extension after three-year debate")
    # an <h1> that is only the site's name (a logo) is not the headline
    assert choose_title(["Harbour Gazette"], metas, "Harbour Gazette", None) == (
        "Council backs tram extension after three-year debate"
    )
    # no <h1>: the metadata title without its site suffix
    assert (
        choose_title([], metas, "Harbour Gazette", None)
        == "Council backs tram extension after three-year debate"
    )


def test_title_from_h1_when_title_tag_has_a_site_suffix() -> None:
    page = PAGE.replace(
        "<title>Council backs tram extension</title>", "<title>Tram extension | Harbour Gazette</title>"
    )
    doc = extract_html(Document(source_path="p.html", html=page), ExtractConfig())
    assert doc.title == "Council backs tram extension"
    assert doc.raw_text.split("\n")[0] == PARAGRAPHS[0]


def test_json_ld_headline_and_metadata_fields() -> None:
    page = PAGE.replace(
        "</head>",
        '<meta name="description" content="The tram grows."><meta name="keywords" content="trams, council">'
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"headline": "Council backs tram extension"}</script></head>',
    ).replace("<title>Council backs tram extension</title>", "")
    doc = extract_html(Document(source_path="p.html", html=page), ExtractConfig())
    assert doc.title == "Council backs tram extension"
    assert doc.description == "The tram grows."
    assert doc.tags == ["trams", "council"]


def test_recall_pass_keeps_the_longer_text() -> None:
    doc_on = extract_html(Document(source_path="p.html", html=PAGE), ExtractConfig(recall_pass=True))
    doc_off = extract_html(Document(source_path="p.html", html=PAGE), ExtractConfig(recall_pass=False))
    assert len(doc_on.raw_text) >= len(doc_off.raw_text)
    for paragraph in PARAGRAPHS:
        assert paragraph in doc_on.raw_text


def test_container_metadata_is_kept_where_the_page_has_none() -> None:
    page = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</article></body></html>"
    doc = Document(source_path="a.warc", html=page, url="https://fetched.example/x", title="From the feed")
    doc = extract_html(doc, ExtractConfig())
    assert (doc.url, doc.title) == ("https://fetched.example/x", "From the feed")


def test_heading_text_joins_inline_pieces_and_splits_blocks() -> None:
    from lxml.html import fragment_fromstring

    from ingest.extract.title import heading_text

    assert heading_text(fragment_fromstring("<h1>Planning C<span>ycle</span> &amp;#8211; now</h1>")) == (
        "Planning Cycle \u2013 now"
    )
    assert (
        heading_text(fragment_fromstring("<h1>Tram plans<br>What changes</h1>")) == "Tram plans What changes"
    )
    assert heading_text(fragment_fromstring("<h1><!-- logo -->Tram plans</h1>")) == "Tram plans"
    assert heading_text(fragment_fromstring("<h1>Tram plans<span>What changes</span></h1>")) == (
        "Tram plans What changes"
    )


def test_choose_title_rules() -> None:
    from ingest.extract.title import choose_title

    headline = "Council backs tram extension after debate"
    metas = [f"{headline} | Harbour Gazette"]
    # capitals are styling: the metadata title's casing and words win
    assert choose_title([headline.upper() + " TODAY"], [headline], None, None) == headline
    # a date or a 'Blog:' label before the headline, a byline or a domain after it
    assert choose_title([f"Dec 18 2025 {headline}"], metas, "Harbour Gazette", None) == headline
    assert choose_title([f"Blog: {headline}"], metas, "Harbour Gazette", None) == headline
    assert choose_title([f"{headline} Posted on May 1 by Jane"], metas, "Harbour Gazette", None) == headline
    assert choose_title([f"{headline} (gazette.example)"], metas, "Harbour Gazette", None) == headline
    # but a subtitle after a colon belongs to the <h1>
    assert choose_title([f"{headline}: what it means"], metas, "Harbour Gazette", None) == (
        f"{headline}: what it means"
    )
    # an <h1> that is the blog's name beside 'Name: Headline' metadata is a logo
    assert choose_title(["Gazette Blog"], [f"Gazette Blog: {headline}"], None, None) == headline
    # an <h1> that agrees with nothing the metadata says is not the headline
    assert choose_title(["A message from our sponsor about trams"], metas, None, None) == headline
    # a list article's count
    assert choose_title(["Recent Trends in Trams"], ["8 Recent Trends in Trams - Gazette"], None, None) == (
        "8 Recent Trends in Trams"
    )
    # ' | Section' tails go
    assert choose_title([f"{headline} | Opinion"], [f"{headline} | Opinion | Gazette"], None, None) == (
        headline
    )


def test_site_name_that_is_the_headline_does_not_hide_the_h1() -> None:
    from ingest.extract.title import choose_title

    title = "Planting vs. Ordinary Planting"
    assert choose_title([title], [f"{title} \u2022 Gardenary"], title, "gardenary.com") == title


def test_author_without_its_byline_label() -> None:
    page = PAGE.replace('content="Jane Roe"', 'content="Written by: Jane Roe"')
    doc = extract_html(Document(source_path="p.html", html=page), ExtractConfig())
    assert doc.author == "Jane Roe"
    page = PAGE.replace('content="Jane Roe"', 'content="Byron Roe"')
    assert extract_html(Document(source_path="p.html", html=page), ExtractConfig()).author == "Byron Roe"


def test_recall_pass_alone_keeps_the_page_and_its_metadata(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import trafilatura

    real = trafilatura.bare_extraction

    def default_pass_finds_nothing(*args, **kwargs):  # type: ignore[no-untyped-def]
        return None if kwargs.get("with_metadata") else real(*args, **kwargs)

    monkeypatch.setattr(trafilatura, "bare_extraction", default_pass_finds_nothing)
    doc = extract_html(Document(source_path="p.html", html=PAGE), ExtractConfig())
    assert not doc.rejected
    assert PARAGRAPHS[1] in doc.raw_text
    assert (doc.title, doc.author) == ("Council backs tram extension", "Jane Roe")
    assert doc.site == "Harbour Gazette"
    assert doc.url == "https://gazette.example/news/tram"
    off = extract_html(Document(source_path="p.html", html=PAGE), ExtractConfig(recall_pass=False))
    assert off.reason == "no_article"


def test_body_does_not_start_with_the_h1_when_the_title_comes_from_metadata() -> None:
    h1 = "<h1>COUNCIL BACKS TRAM EXTENSION TODAY</h1>"
    page = PAGE.replace("<h1>Council backs tram extension</h1>", h1)
    doc = extract_html(Document(source_path="p.html", html=page), ExtractConfig())
    assert doc.title == "Council backs tram extension"
    assert doc.raw_text.split("\n")[0] == PARAGRAPHS[0]
    assert ("COUNCIL BACKS TRAM EXTENSION TODAY", "title") in [(r.text, r.rule) for r in doc.removed]


def test_block_filter_keeps_the_article_and_is_deterministic():

    body = " ".join(
        f"<p>{i}. This is a sentence of the article that goes on for a while, as articles do.</p>"
        for i in range(8)
    )
    links = "".join(
        f'<li><a href="/r{i}">Related story number {i} about something else</a></li>' for i in range(6)
    )
    page = (
        "<html><head><title>A long headline for the test</title></head><body><article>"
        f"<h1>A long headline for the test</h1>{body}<h3>Related</h3><ul>{links}</ul></article></body></html>"
    )
    runs = [
        extract_html(Document(source_path="p.html", html=page), ExtractConfig()).raw_text for _ in range(2)
    ]
    assert runs[0] == runs[1]
    assert "as articles do." in runs[0] and "7. This is a sentence" in runs[0]
    plain = extract_html(
        Document(source_path="p.html", html=page), ExtractConfig(filter_blocks=False)
    ).raw_text
    assert len(runs[0]) <= len(plain)


def test_block_filter_tree_walk():
    from ingest.extract.trees import article_scores

    model = {
        "features": ["a"],
        "baseline": 0.0,
        "threshold": 0.5,
        "trees": [[[0, 1.0, 1, 2, 1, 0], [-1, 0, 0, 0, 0, -2.0], [-1, 0, 0, 0, 0, 2.0]]],
    }
    low, high, missing = article_scores([{"a": 0.5}, {"a": 3.0}, {"a": float("nan")}], model)
    assert low < 0.5 < high and missing == low


_DEV_HTML = Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "dev" / "raw-html"


@pytest.mark.skipif(
    not (_DEV_HTML / "wcxb0094.html.gz").exists(), reason="../shared/eval not beside the repo"
)
def test_block_filter_drops_a_photo_credit_the_extractor_keeps() -> None:
    """A real dev page: trafilatura keeps an image credit line inside the article; the block filter
    (`[extract] filter_blocks`) drops it and keeps the article's paragraphs."""
    html = gzip.decompress((_DEV_HTML / "wcxb0094.html.gz").read_bytes()).decode("utf-8", "replace")
    on = extract_html(Document(source_path="a.html", html=html), ExtractConfig()).raw_text.split("\n")
    off = extract_html(
        Document(source_path="a.html", html=html), ExtractConfig(filter_blocks=False)
    ).raw_text.split("\n")
    credit = "Credit: Andriy Onufriyenko / Getty Images"
    assert credit in off and credit not in on
    assert set(on) <= set(off)  # the filter only drops lines
    paragraphs = [line for line in off if len(line.split()) >= 20]
    assert len(paragraphs) >= 10 and all(line in on for line in paragraphs)


def test_content_after_a_premature_end_tag_is_read() -> None:
    """A template that prints `</body></html>` before the article: libxml2 makes the rest a second root,
    browsers show it in the body, and so must the extraction."""
    head, _, rest = PAGE.partition("<article>")
    tail = rest.replace("</body></html>", "")
    page = f"{head}</body></html>\n<div class='post'><article>{tail}</div></body></html>"
    tree = parse_page(page)
    assert tree is not None and all(len(el) == 0 for el in tree.itersiblings())
    assert PARAGRAPHS[0] in tree.find("body").text_content()
    doc = extract_html(Document(source_path="p.html", html=page), ExtractConfig())
    for paragraph in PARAGRAPHS:
        assert paragraph in doc.raw_text
    assert parse_page(PAGE) is not None and len(parse_page(PAGE)) == 2  # a regular page: head and body


COOKIE_TABLE = (
    '<div id="cookie-law-info-bar"><span>We use cookies on our website to give you the most relevant '
    "experience.</span></div>"
    '<table class="cookielawinfo-row-cat-table"><tr><th>Cookie</th><th>Duration</th><th>Description</th></tr>'
    + "".join(
        f"<tr><td>cookielawinfo-checkbox-{kind}</td><td>11 months</td><td>This cookie is set by GDPR Cookie "
        f'Consent plugin to store the user consent for the cookies in the category "{kind}".</td></tr>'
        for kind in ("analytics", "functional", "necessary", "others", "performance", "advertisement")
    )
    + "</table>"
)


def test_consent_manager_banners_and_cookie_tables_are_dropped_before_extraction() -> None:
    """A consent plugin's cookie table sits in the article container on some sites and reads as one line of
    100+ words, past the cleaner's short-line rules: it goes with the markup that names the plugin."""
    page = PAGE.replace(f"<p>{PARAGRAPHS[-1]}</p>", f"<p>{PARAGRAPHS[-1]}</p>{COOKIE_TABLE}")
    assert COOKIE_TABLE in page
    tree = parse_page(page)
    assert tree is not None and "cookielawinfo" not in tree.find("body").text_content()
    doc = extract_html(Document(source_path="p.html", html=page), ExtractConfig())
    assert "cookie" not in doc.raw_text.lower()
    for paragraph in PARAGRAPHS:
        assert paragraph in doc.raw_text


def test_a_post_tagged_with_a_consent_word_and_a_wrapper_holding_the_article_are_kept() -> None:
    """Only class tokens and ids that start with a consent manager's prefix count, and never on an element
    holding the headline or the <article>: a WordPress taxonomy class or a marked page wrapper stays."""
    page = PAGE.replace("<article>", '<div class="cookie-consent-shown"><article>')
    page = page.replace("</h1>", '</h1><div class="entry-content tag-cookie-bar">')
    page = page.replace("</article>", "</div></article></div>")
    assert page.count("<p>") == len(PARAGRAPHS)
    tree = parse_page(page)
    assert tree is not None
    body = tree.find("body").text_content()
    assert all(paragraph in body for paragraph in PARAGRAPHS)


def test_mojibake_the_site_published_is_repaired_before_extraction() -> None:
    """UTF-8 its CMS had read as latin-1 ('doesnâ\\x80\\x99t'): trafilatura drops the C1 characters that
    make it repairable, so the page is repaired first; the output then passes ftfy unchanged."""
    broken = "The mayor said the plan doesn’t add costs — “none at all” — for 2025."
    mojibake = broken.encode("utf-8").decode("latin-1")
    page = PAGE.replace(PARAGRAPHS[1], f"{PARAGRAPHS[1]} {mojibake}")
    doc = extract_html(Document(source_path="p.html", html=page), ExtractConfig())
    assert broken in doc.raw_text
    assert "\u00e2" not in doc.raw_text
    assert parse_page(PAGE) is not None and repair_mojibake(PAGE) == PAGE  # clean pages pass untouched


def _tree_value(nodes: list[list], x: list[float]) -> float:
    """The reference walk of one row down one tree, for `article_scores`'s vectorized one."""
    i = 0
    while True:
        feature, threshold, left, right, missing_left, value = nodes[i]
        if feature < 0:
            return value
        v = x[feature]
        i = (left if missing_left else right) if math.isnan(v) else (left if v <= threshold else right)


def test_block_filter_vectorized_walk_equals_the_plain_walk() -> None:
    """`article_scores` walks all rows through all trees at once; random trees of uneven depth, missing
    values and thresholds hit exactly must give the plain per-row walk's probabilities."""
    import random

    from ingest.extract.trees import article_scores

    rng = random.Random(7)

    def tree(depth: int) -> list[list]:
        nodes: list[list] = []

        def grow(d: int) -> int:
            i = len(nodes)
            nodes.append([])
            if d == 0 or rng.random() < 0.3:
                nodes[i] = [-1, 0, 0, 0, 0, rng.uniform(-2, 2)]
            else:
                feature, threshold = rng.randrange(3), float(rng.choice([0, 1, 2]))
                left, right = grow(d - 1), grow(d - 1)
                nodes[i] = [feature, threshold, left, right, rng.randrange(2), 0]
            return i

        grow(depth)
        return nodes

    model = {
        "features": ["a", "b", "c"],
        "baseline": 0.3,
        "trees": [tree(rng.randrange(5)) for _ in range(40)],
    }
    rows = [
        {n: rng.choice([float("nan"), 0.0, 1.0, 2.0, rng.uniform(-1, 3)]) for n in "abc"} for _ in range(200)
    ]
    plain = [
        1 / (1 + math.exp(-(0.3 + sum(_tree_value(t, [r[n] for n in "abc"]) for t in model["trees"]))))
        for r in rows
    ]
    assert max(abs(a - b) for a, b in zip(article_scores(rows, model), plain, strict=True)) < 1e-12
    assert article_scores([], model) == []


def test_source_index_matches_reading_every_element() -> None:
    """The one-pass page index equals normalizing each element's `text_content()` on its own: words split
    across tags join, whitespace at tag boundaries becomes one space, comments are not text, scripts are
    text of their ancestors but never keys, and the deepest element with a text wins."""
    from lxml.html import fromstring

    from ingest.extract.page_index import norm_space as _norm
    from ingest.extract.page_index import source_index as _source_index

    page = fromstring(
        "<html><body> <div>\n<p>Hel<b>lo</b> <i> wor</i>ld<!-- hidden --> again </p><p>  </p>"
        "<section><div><p>Same text</p></div></section><script>var x = 1;</script>tail\u00a0words"
        f"<div><p>{'long words ' * 2500}</p><span>short</span></div></div></body></html>"
    )
    expected: dict = {}
    for el in page.iter():
        if isinstance(el.tag, str) and el.tag not in ("script", "style", "noscript", "template"):
            text = _norm(el.text_content())
            if 0 < len(text) < 20000:
                expected[text] = el
    index = _source_index(page)
    assert list(index) == list(expected)
    assert all(index[k] is expected[k] for k in expected)
    assert index["Hello world again"].tag == "p" and index["Same text"].tag == "p"
    assert "short" in index and not any(k.startswith("long words") and len(k) > 20000 for k in index)


def test_parsed_pages_keep_lxml_html_element_classes() -> None:
    """The C-level lookup on trafilatura's parser gives every element the class lxml.html's own lookup
    gives it (form tags included), in the parsed tree and in copies of it."""
    from copy import deepcopy

    import lxml.html

    html = (
        "<html><body><form><input name='q'><select><option>a</option></select><textarea>t</textarea>"
        "<label>l</label></form><!-- note --><p>text</p></body></html>"
    )
    ours = parse_page(html)
    assert ours is not None
    reference = lxml.html.document_fromstring(html, parser=lxml.html.HTMLParser(remove_comments=False))
    classes = [type(el) for el in reference.iter() if not isinstance(el, lxml.html.HtmlComment)]
    assert [type(el) for el in ours.iter()] == classes
    assert [type(el) for el in deepcopy(ours).iter()] == classes
    assert type(ours.find(".//form")) is lxml.html.FormElement
    assert type(ours.find(".//p")) is lxml.html.HtmlElement
