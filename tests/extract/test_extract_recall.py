import gzip
import math
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from lxml.html import fromstring
from trafilatura.xml import xmltotxt

from ingest.config import ExtractConfig
from ingest.document import Document
from ingest.extract.html import extract_html
from ingest.extract.recall import insert_segments, recall_features, recover_blocks
from ingest.extract.segment import segments, shingles

PROSE = (
    "The council said the new line would cut commuting times for thousands of residents in the eastern "
    "districts, and that construction would begin next spring."
)


def test_segments_split_at_block_children_and_join_inline_pieces() -> None:
    tree = fromstring(
        "<html><body><div>Lead <b>bold</b> text<p>First <a href='/x'>linked</a> para.</p>tail of div"
        "<script>var x = 1;</script><ul><li>One</li><li>Two <span>words</span></li></ul></div></body></html>"
    )
    segs = segments(tree)
    assert [s.text for s in segs] == [
        "Lead bold text",
        "First linked para.",
        "tail of div",
        "One",
        "Two words",
    ]
    assert [s.owner.tag for s in segs] == ["div", "p", "div", "li", "li"]
    assert segs[1].link_chars == len("linked")


def test_candidates_are_the_segments_trafilatura_left_out() -> None:
    other = "Opponents warned about the cost overruns seen on earlier projects and asked for an audit first."
    tree = fromstring(f"<html><body><p>{PROSE}</p><p>Short one.</p><p>{other}</p></body></html>")
    segs = segments(tree)
    candidates, cover, features = recall_features(segs, "Some other text. " + PROSE)
    assert cover[0] == 1.0
    assert candidates == [2]  # the short one is too short, the first is already there
    assert features[0]["dist_prev_kept"] == 2.0 and features[0]["kept_before"] == 1.0


def test_comment_threads_and_repeated_classed_siblings_are_features() -> None:
    other = "Opponents warned about the cost overruns seen on earlier projects and asked for an audit first."
    reply = "I live there and the buses are already full every morning, so this cannot come soon enough."
    tree = fromstring(
        f"<html><body><article><p>{PROSE}</p><p>{other}</p></article><ol id='comments'>"
        f"<li class='c'><p>{reply}</p></li><li class='c'><p>{reply} Yes.</p></li>"
        "<li class='c'><p>Me too.</p></li></ol></body></html>"
    )
    segs = segments(tree)
    candidates, _, features = recall_features(segs, PROSE)
    by_text = {segs[i].text: f for i, f in zip(candidates, features, strict=True)}
    assert by_text[other]["comment_like"] == 0.0 and by_text[other]["repeats"] == 0.0
    assert by_text[reply]["comment_like"] == 1.0
    assert by_text[reply]["repeats"] == pytest.approx(math.log1p(3))


def test_inserted_segments_follow_the_block_before_them_in_the_page() -> None:
    texts = ["Alpha beta gamma delta epsilon.", "New one two three four.", "Zeta eta theta iota kappa."]
    body = etree.fromstring(
        "<body><p>Alpha beta gamma delta epsilon.</p><p>Zeta eta theta iota kappa.</p></body>"
    )
    insert_segments(body, texts, [True, False, True], [1])
    assert xmltotxt(body, False).split("\n") == texts


def test_nothing_added_returns_none() -> None:
    tree = fromstring(f"<html><body><p>{PROSE}</p></body></html>")
    body = etree.fromstring(f"<body><p>{PROSE}</p></body>")
    assert recover_blocks(body, tree, PROSE) is None


_DEV_HTML = Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "dev" / "raw-html"


@pytest.mark.skipif(
    not (_DEV_HTML / "wcxb0113.html.gz").exists(), reason="../shared/eval not beside the repo"
)
def test_recall_step_adds_the_paragraphs_trafilatura_dropped_in_page_order() -> None:
    """A real dev page: trafilatura keeps the sidebar's calls to action and only part of the article;
    the recall step (`[extract] recover_blocks`) adds the article's paragraphs, where they stand in the
    page, and takes nothing away."""
    html = gzip.decompress((_DEV_HTML / "wcxb0113.html.gz").read_bytes()).decode("utf-8", "replace")
    on = extract_html(Document(source_path="a.html", html=html), ExtractConfig()).raw_text.split("\n")
    off = extract_html(
        Document(source_path="a.html", html=html), ExtractConfig(recover_blocks=False)
    ).raw_text.split("\n")
    definition = next(i for i, line in enumerate(on) if line.startswith("An online course can be defined"))
    question = next(
        i for i, line in enumerate(on) if line.startswith("But what exactly is an online course?")
    )
    assert question < definition
    assert not any(line.startswith("An online course can be defined") for line in off)
    kept = iter(on)
    assert all(line in kept for line in off)  # `off` is a subsequence of `on`


def test_segments_before_every_output_block_keep_their_order() -> None:
    texts = ["First one two three four.", "Second one two three four.", "Alpha beta gamma delta epsilon."]
    body = etree.fromstring("<body><p>Alpha beta gamma delta epsilon.</p></body>")
    insert_segments(body, texts, [False, False, True], [0, 1])
    assert xmltotxt(body, False).split("\n") == texts


def test_a_control_the_parser_wrapped_around_the_page_is_read() -> None:
    """libxml2 nests the rest of the page in a `<button>` the markup never closed; its paragraphs are
    still segments, while a plain button's label is not."""
    tree = fromstring(
        f"<html><body><button>Menu</button><button><span>Open</span><main><p>{PROSE}</p></main>"
        "</button></body></html>"
    )
    assert [s.text for s in segments(tree)] == ["Open", PROSE]


@given(st.lists(st.sampled_from(["a", "b", "c", "word", "x1", "-", " ", "\n"]), max_size=30).map("".join))
def test_shingles_are_runs_of_four_words(text: str) -> None:
    tokens = re.findall(r"\w+", text)
    expected = {tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3)} if len(tokens) >= 4 else set()
    if 0 < len(tokens) < 4:
        expected = {tuple(tokens)}
    assert shingles(text) == expected
