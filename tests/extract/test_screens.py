import gzip
import re
from pathlib import Path

import pytest
import trafilatura.utils
from hypothesis import given
from hypothesis import strategies as st

from ingest.extract import screens
from ingest.extract.page import parse_page

_INVALID = re.compile(screens.INVALID_XML_CHARS)
_PIECE_TEXTS = (
    "plain text ",
    "\u00c3\u00a9",  # 'é' as mojibake
    "\u00e2\u20ac\u2122",  # '’' as mojibake
    "\u00c2\u0080",  # the ends of both ranges
    "\u00f4\u00bf",
    "\u00f4\u2122",
    "\u00c2\u201e",
    "\u00c1\u0080",  # just outside them
    "\u00f5\u00a9",
    "\u00c3\u007f",
    "\u00c3\u00c0",
    "\u00c3\u201f",
    "\u00c3\u2123",
    "\u00c3",
    "\x00",
    "\x08",
    "\x09\x0a\x0d",
    "\x0b",
    "\x0c",
    "\x0e",
    "\x1f\x20",
    "\ufffd",
    "\ufffe",
    "\uffff",
    "\U00010000",
    "\ud800",  # a lone surrogate, as a decoder with surrogateescape leaves it
    "caf\u00e9 \u201cquoted\u201d",
)
_PIECES = st.sampled_from(_PIECE_TEXTS)
_LONG = st.lists(_PIECES, max_size=4).map(lambda pieces: "x" * screens._SHORT + "".join(pieces))


@given(st.one_of(_LONG, st.lists(_PIECES, max_size=10).map("".join)))
def test_screens_answer_as_the_regular_expressions(text: str) -> None:
    assert screens.has_mojibake(text) == (screens.MOJIBAKE.search(text) is not None)
    assert screens.has_invalid_xml_chars(text) == (_INVALID.search(text) is not None)


@pytest.mark.parametrize("piece", _PIECE_TEXTS)
@pytest.mark.parametrize("long", [False, True])
def test_each_edge_alone(piece: str, long: bool) -> None:
    text = ("x" * screens._SHORT if long else "") + piece + " tail"
    assert screens.has_mojibake(text) == (screens.MOJIBAKE.search(text) is not None)
    assert screens.has_invalid_xml_chars(text) == (_INVALID.search(text) is not None)


@given(_LONG)
def test_the_stand_in_deletes_what_the_pattern_deletes(text: str) -> None:
    assert screens.ScreenedPattern(_INVALID).sub("", text) == _INVALID.sub("", text)


def test_the_stand_in_is_installed_in_trafilatura() -> None:
    assert isinstance(trafilatura.utils.INVALID_XML_CHARS, screens.ScreenedPattern)
    assert screens.install() is True  # idempotent
    page = "<html><body><p>a\x00b\x0bc" + "d" * screens._SHORT + "</p></body></html>"
    tree = parse_page(page)
    assert tree is not None and tree.find(".//p").text.startswith("abcd")


_DEV = Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "dev" / "raw-html"


@pytest.mark.skipif(not _DEV.is_dir(), reason="../shared/eval not beside the repo")
def test_screens_answer_as_the_regular_expressions_on_the_dev_pages() -> None:
    pages = [gzip.decompress(p.read_bytes()).decode("utf-8", "replace") for p in sorted(_DEV.iterdir())[:150]]
    assert sum(screens.has_mojibake(p) for p in pages) == sum(bool(screens.MOJIBAKE.search(p)) for p in pages)
    for page in pages:
        assert screens.has_mojibake(page) == (screens.MOJIBAKE.search(page) is not None)
        assert screens.has_invalid_xml_chars(page) == (_INVALID.search(page) is not None)
