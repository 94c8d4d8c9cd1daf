import json
from pathlib import Path

import ftfy
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.clean.normalize import (
    _TYPOGRAPHY,
    FTFY_CONFIG,
    fix_unicode,
    normalize_field,
    normalize_text,
    normalize_whitespace,
)


def test_mojibake_is_repaired_and_quotes_kept() -> None:
    assert normalize_text("The Timesâ€™ report said â€œnoâ€\x9d.") == "The Times’ report said “no”."


def test_one_paragraph_per_line() -> None:
    raw = "  First   paragraph.  \n\n\n\tSecond\u00a0one.\u200b \n \n"
    assert normalize_whitespace(raw) == "First paragraph.\nSecond one."


def test_cjk_punctuation_is_left_alone() -> None:
    assert normalize_text("北京，今天。") == "北京，今天。"


def test_fields_are_single_line_or_none() -> None:
    assert normalize_field("  Jane \n Roe ") == "Jane Roe"
    assert normalize_field("   ") is None
    assert normalize_field(None) is None


@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert "\n\n" not in once
    assert all(line == line.strip() for line in once.split("\n"))


def test_a_remembered_fixpoint_is_returned_as_computed() -> None:
    from ingest.clean import normalize

    text = "Caf\u00c3\u00a9 menu.\nSecond   line."
    fixed = normalize_text(text)
    assert fixed == "Caf\u00e9 menu.\nSecond line."
    assert normalize_text(fixed) == fixed  # computed, then remembered as a fixpoint
    assert fixed in normalize._FIXPOINTS and text not in normalize._FIXPOINTS
    assert normalize_text(fixed) is fixed
    for i in range(10):  # the memory stays small
        normalize_text(f"line {i}")
    assert len(normalize._FIXPOINTS) <= normalize._FIXPOINTS_KEPT


_LINES = st.lists(
    st.one_of(
        st.text(max_size=30),
        st.sampled_from(
            (
                "plain ascii line",
                "Caf\u00c3\u00a9 au lait",  # mojibake
                "Tom &amp; Jerry",
                "a <b> tag &lt;",
                "tab\there",
                "bell\x07 and \x1b[31mred\x1b[0m",
                "line\r",
                "\u2028split",
                "\ufb01ne ligature",
                "\u201cquoted\u201d \u2014 dash",
                "e\u0301 decomposed",
                "",
            )
        ),
    ),
    max_size=8,
).map("\n".join)


@given(_LINES)
def test_fix_unicode_equals_ftfy(text: str) -> None:
    """`fix_unicode` skips ftfy only on lines ftfy leaves as they are: the result is ftfy's, also when a
    line with `<` turns HTML unescaping off for the lines after it."""
    assert fix_unicode(text) == ftfy.fix_text(text, FTFY_CONFIG)


_NEAR_MOJIBAKE = (
    "abc XYZ 019 .,;:!?'\"()-/<>&#"
    + _TYPOGRAPHY
    # what ftfy's badness patterns are made of: accented capitals and small letters, currency, numeric,
    # box-drawing and C1 characters, the ligature, the Windows-1251/1253 and MacRoman lead characters
    + "\u00c2\u00c3\u00ce\u00d0\u00d8\u00d9\u00e0\u00e9\u00c9"
    + "\u00a3\u20ac\u00b0\u00b2\u00d7\u00ae\u00a9\u00bb\u00ab"
    + "\u0153\u0152\u2500\u0080\u0099\u221a\u2248\u201a\u0412\u0413\u03b2\u0392\u00a1\u2122\u00ad\u00b4"
)


_MOJIBAKE_PIECES = (
    "\u00c3\u00a9",
    "\u00e2\u20ac\u2122",
    "\u00c2\u00a0",
    "\u00c3 ",
    "\u00e2\u20ac\u201d",
    "\u00c2\u00b7",
)
"""UTF-8 read as Windows-1252: 'é', '’', a no-break space, 'à', '—' and '·' as mojibake."""
_TOKENS = st.one_of(st.sampled_from(_NEAR_MOJIBAKE), st.sampled_from(_MOJIBAKE_PIECES))


@given(st.lists(st.lists(_TOKENS, max_size=12).map("".join), max_size=6).map("\n".join))
def test_fix_unicode_equals_ftfy_near_the_typography(text: str) -> None:
    """Lines that mix the typography `fix_unicode` passes through (`_TYPOGRAPHY`) with the characters
    ftfy's mojibake patterns look for, and with real mojibake: wherever ftfy would change a line,
    `fix_unicode` calls it."""
    assert fix_unicode(text) == ftfy.fix_text(text, FTFY_CONFIG)


@given(st.text(alphabet="abc XYZ 019 .,;:!?'\"()-/" + _TYPOGRAPHY, max_size=40))
def test_typography_lines_are_ftfy_fixpoints(line: str) -> None:
    """A line of printable ASCII and the typography is one ftfy returns unchanged: the fast path's claim."""
    assert ftfy.fix_text(line, FTFY_CONFIG) == line


_DEV = Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "dev"


@pytest.mark.skipif(not _DEV.is_dir(), reason="../shared/eval not beside the repo")
def test_fix_unicode_equals_ftfy_on_the_dev_texts() -> None:
    texts = [json.loads(line)["text"] for line in (_DEV / "gold.jsonl").read_text().splitlines()[:300]]
    texts += [
        p.read_text(encoding="utf-8", errors="replace") for p in sorted(_DEV.glob("raw-*text*/*"))[:300]
    ]
    assert len(texts) > 300
    for text in texts:
        assert fix_unicode(text) == ftfy.fix_text(text, FTFY_CONFIG)
