"""What the HTML path drops is in `removed`, under the rule of the step that dropped it
(`ingest.extract.losses`): the consent screen, the block filter, the recall step's rejections, and the page
text trafilatura left out; bounded per rule; never a line of the kept text."""

import gzip
from pathlib import Path

import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st
from samples import PAGE

from ingest.config import ExtractConfig, IngestConfig, RunConfig
from ingest.document import Document
from ingest.extract.html import extract_html
from ingest.extract.losses import MAX_CHARS, MAX_ENTRIES, summary
from ingest.extract.page import parse_page
from ingest.runner.pipeline import run

# a real page of the WCXB benchmark's development split (CC-BY-4.0), shared with tests/hostile
REAL_PAGE = Path(__file__).resolve().parents[1] / "hostile" / "samples" / "wcxb0183.html.gz"
LEFT_OUT = ("html:not_main_content", "html:recall_rejected")


def _real_page() -> str:
    return gzip.decompress(REAL_PAGE.read_bytes()).decode("utf-8")


def _by_rule(doc: Document) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in doc.removed:
        out.setdefault(r.rule, []).append(r.text)
    return out


def test_a_real_page_records_its_consent_banner_filtered_blocks_and_navigation() -> None:
    """A software company's blog post: a cookie banner (Webflow consent markup), form messages and the
    byline the block filter drops from trafilatura's text, and the site's menus trafilatura leaves out."""
    doc = extract_html(Document(source_path="a.html", html=_real_page()), ExtractConfig())
    rules = _by_rule(doc)
    assert "Deny cookies" in rules["html:consent_banner"]
    assert any(t.startswith("Welcome to FullStack. We use cookies") for t in rules["html:consent_banner"])
    assert "Oops! Something went wrong while submitting the form." in rules["html:block_filter"]
    assert "Written by" in rules["html:block_filter"]
    assert {"Golang", "Ruby on Rails", "Product Design"} <= set(rules["html:not_main_content"])
    assert "FullStack can accelerate your projects with 350+ technologies." in rules["html:recall_rejected"]
    lines = set(doc.raw_text.split("\n"))
    assert not [r for r in doc.removed if r.rule in LEFT_OUT and r.text in lines]
    html_texts = [r.text for r in doc.removed if r.rule.startswith("html:")]
    assert len(html_texts) == len(set(html_texts))  # each text once
    assert all(len(texts) <= MAX_ENTRIES + 1 for texts in rules.values())


def test_the_consent_screen_records_what_a_reader_sees_not_its_scripts() -> None:
    banner = (
        '<div id="onetrust-banner-sdk"><p>We use cookies to personalise content.</p>'
        '<div class="ot-sdk-row"><a>Cookie settings</a></div></div>'
        '<script id="cookie-notice-front-js">var cnArgs = {"ajaxUrl": "/wp-admin"};</script>'
    )
    dropped: list[str] = []
    tree = parse_page(PAGE.replace("<article>", banner + "<article>"), dropped)
    assert tree is not None and "cookies" not in tree.find("body").text_content()
    assert dropped == ["We use cookies to personalise content.", "Cookie settings"]


def test_without_the_learned_steps_what_trafilatura_left_out_is_still_recorded() -> None:
    config = ExtractConfig(filter_blocks=False, recover_blocks=False)
    doc = extract_html(Document(source_path="a.html", html=_real_page()), config)
    rules = _by_rule(doc)
    assert "html:block_filter" not in rules and "html:recall_rejected" not in rules
    assert "Golang" in rules["html:not_main_content"]
    assert "Written by" not in rules["html:not_main_content"]  # trafilatura kept it: it is in the text
    lines = set(doc.raw_text.split("\n"))
    assert not [r for r in doc.removed if r.rule in LEFT_OUT and r.text in lines]


def test_a_huge_menu_is_bounded_and_counted() -> None:
    links = [f"Section number {i}" for i in range(MAX_ENTRIES + 25)]
    long = "Terms of use and more. " * 40
    menu = (
        "<nav><ul>" + "".join(f"<li><a href='/{i}'>{t}</a></li>" for i, t in enumerate(links)) + "</ul></nav>"
    )
    page = PAGE.replace("<article>", menu + "<article>").replace("<footer>", f"<footer><div>{long}</div>")
    doc = extract_html(Document(source_path="a.html", html=page), ExtractConfig())
    left = _by_rule(doc)["html:not_main_content"]
    expected = ["Home News Sport", *links]  # the sample page's own menu first, in page order
    assert left[:MAX_ENTRIES] == expected[:MAX_ENTRIES] and len(left) == MAX_ENTRIES + 1
    rest = expected[MAX_ENTRIES:]
    assert left[-1] == summary(len(rest), sum(len(t) for t in rest))
    cut = next(t for t in _by_rule(doc)["html:recall_rejected"] if t.startswith("Terms of use"))
    assert cut.endswith(" […]") and len(cut) <= MAX_CHARS + 4 and long.startswith(cut[:-4])


def test_removed_reaches_the_dataset_and_no_kept_line_is_listed_as_left_out(tmp_path: Path) -> None:
    """A real run: the `removed` column of documents/ holds the HTML rules, and the left-out entries are
    never a line of the row's final `text` (after the cleaner and normalization)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "real.html.gz").write_bytes(REAL_PAGE.read_bytes())
    (raw / "sample.html").write_text(PAGE, encoding="utf-8")
    run(raw, tmp_path / "out", IngestConfig(run=RunConfig(workers=1)))
    rows = pq.read_table(tmp_path / "out" / "documents").to_pylist()
    assert len(rows) == 2
    for row in rows:
        lines = set(row["text"].split("\n"))
        left = [r for r in row["removed"] if r["rule"] in LEFT_OUT]
        assert left and not [r for r in left if r["text"] in lines]
    real = next(r for r in rows if r["source_path"] == "real.html.gz")
    rules = {r["rule"] for r in real["removed"]}
    assert {"html:consent_banner", "html:block_filter", "html:not_main_content"} <= rules


_WORDS = st.sampled_from(
    [
        "tram",
        "council",
        "harbour",
        "vote",
        "budget",
        "news",
        "sport",
        "home",
        "about",
        "contact",
        "the",
        "a",
        "of",
    ]
)
_LABEL = st.lists(_WORDS, min_size=1, max_size=6).map(" ".join)


@settings(max_examples=30, deadline=None)
@given(
    nav=st.lists(_LABEL, max_size=60),
    aside=st.lists(_LABEL, max_size=8),
    footer=_LABEL,
    hide=st.booleans(),
)
def test_every_recorded_text_is_non_empty_and_left_out_is_never_a_kept_line(
    nav: list[str], aside: list[str], footer: str, hide: bool
) -> None:
    """Random menus, sidebars and footers around the sample article: every `removed` text is non-empty,
    an HTML rule lists each text once and at most `MAX_ENTRIES` (+1 count) times, what is listed as left
    out is never a line of the text, and a hidden menu is not listed."""
    style = " style='display: none'" if hide else ""
    menu = f"<nav{style}><ul>" + "".join(f"<li><a href='/x'>{t}</a></li>" for t in nav) + "</ul></nav>"
    side = "<aside>" + "".join(f"<p>{t}</p>" for t in aside) + "</aside>"
    page = PAGE.replace("<article>", menu + "<article>").replace("</article>", f"</article>{side}")
    page = page.replace("Copyright 2024 Harbour Gazette. All rights reserved.", footer)
    doc = extract_html(Document(source_path="a.html", html=page), ExtractConfig())
    assert all(r.text for r in doc.removed)
    lines = set(doc.raw_text.split("\n"))
    assert not [r for r in doc.removed if r.rule in LEFT_OUT and r.text in lines]
    html_texts = [r.text for r in doc.removed if r.rule.startswith("html:")]
    assert len(html_texts) == len(set(html_texts))
    for texts in _by_rule(doc).values():
        assert len(texts) <= MAX_ENTRIES + 1
    if hide:
        listed = {r.text for r in doc.removed if r.rule in LEFT_OUT}
        assert not (listed & set(nav) - set(aside) - {footer} - lines)
