"""Re-reading what the pipeline stores changes nothing: cleaning is idempotent, and clean -> normalize is a
fixpoint, on random text and on converter-like text.

Converter-like inputs are lines of real renderings (the dev set's html-text, inscriptis and html2text pages
when `../shared/eval` is beside the repo, the seeds and golden pages always), taken as a window, a sample or
a mix of pages, then damaged the way scraped text is: control characters, zero-width and bidi marks, CR,
CRLF and Unicode line separators, tabs and odd spaces, markdown marks, mojibake. The example budget is
fixed on the `ci` profile and grows with the profile's `max_examples` (`nightly`: see
docs/development/fuzzing.md). Every failure found is kept as an `@example`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ingest.clean import clean_text
from ingest.config import CleanConfig
from ingest.normalize import normalize_text

ROOT = Path(__file__).resolve().parents[1]
_DEV = ROOT.parent / "shared" / "eval" / "dev"
_RENDERINGS = ("raw-html-text", "raw-inscriptis", "raw-html2text")


@cache
def _pages() -> tuple[tuple[str, ...], ...]:
    """Every page's lines: the seeds and golden inputs, and the dev renderings where present."""
    paths = [*sorted(ROOT.glob("raw/*.txt")), *sorted((ROOT / "tests" / "golden").glob("*.txt"))]
    for rendering in _RENDERINGS:
        paths += sorted((_DEV / rendering).glob("*.txt"))
    return tuple(tuple(p.read_text(encoding="utf-8").split("\n")) for p in paths)


def _budget(ci_examples: int) -> int:
    """This test's example budget: `ci_examples` under a profile of 100 `max_examples` (ci, default),
    scaled by the loaded profile's `max_examples` otherwise (nightly)."""
    return max(1, ci_examples * settings().max_examples // 100)


_FUZZ = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}

_CONTROL = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0))]
_INVISIBLE = list("\u00ad\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e")
_INVISIBLE += list("\u2060\u2062\u2066\u2067\u2068\u2069\u206a\ufeff\ufffc")
_BREAKS = ["\r", "\r\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1e", "\n\n"]
_SPACES = ["\t", "\u00a0", "\u2009", "\u202f", "\u3000", "  ", "   "]
_MARKS = ["* ", "# ", "> ", "**", "__", "\\", "[", "](http://x.example/a)", "1. ", "---", "|", "&amp;", "<"]
_INJECTIONS = st.sampled_from([*_CONTROL, *_INVISIBLE, *_BREAKS, *_SPACES, *_MARKS])


@st.composite
def converter_text(draw: st.DrawFn) -> str:
    """Lines of real converter output, a window of one page, a sample of it or a mix of pages, with a few
    characters injected and the line breaks sometimes changed."""
    pages = _pages()
    page = draw(st.sampled_from(pages))
    shape = draw(st.sampled_from(["window", "sample", "mixed"]))
    if shape == "window":
        start = draw(st.integers(0, len(page) - 1))
        lines = list(page[start : start + draw(st.integers(1, 60))])
    elif shape == "sample":
        lines = draw(st.lists(st.sampled_from(page), min_size=1, max_size=40))
    else:
        lines = [draw(st.sampled_from(draw(st.sampled_from(pages)))) for _ in range(draw(st.integers(1, 30)))]
    text = draw(st.sampled_from(["\n", "\n", "\n", "\r\n", "\u2028", "\n\n"])).join(lines)
    for at, insert in draw(st.lists(st.tuples(st.integers(0, 1 << 20), _INJECTIONS), max_size=8)):
        at %= len(text) + 1
        text = text[:at] + insert + text[at:]
    if draw(st.booleans()) and text:  # a stretch decoded with the wrong codec
        start = draw(st.integers(0, len(text) - 1))
        end = min(len(text), start + draw(st.integers(1, 200)))
        text = text[:start] + text[start:end].encode("utf-8").decode("cp1252", errors="replace") + text[end:]
    return text


_RANDOM_TEXT = st.lists(
    st.one_of(st.text(max_size=20), _INJECTIONS, st.sampled_from(["\n", " ", "a", ".", "Home"])), max_size=60
).map("".join)
_CONFIGS = st.sampled_from(
    [
        CleanConfig(),
        CleanConfig(use_classifier=False),
        CleanConfig(drop_repeats=False, extract_metadata=False),
        CleanConfig(enabled=False),
    ]
)


def _assert_fixpoint(text: str, config: CleanConfig, second_pass: bool = False) -> None:
    """Cleaning the cleaned text removes and changes nothing, the cleaned text is in normalized form, and
    clean -> normalize over its own output gives it back."""
    once = clean_text(text, config, second_pass=second_pass)
    twice = clean_text(once.text, config, second_pass=second_pass)
    assert (twice.text, twice.removed) == (once.text, [])
    stored = normalize_text(once.text)
    assert normalize_text(clean_text(stored, config, second_pass=second_pass).text) == stored
    assert stored == once.text


@settings(max_examples=_budget(25), **_FUZZ)
@given(converter_text(), _CONFIGS)
# A control character hid a skip link from its rule; the stored text has none, and a re-read dropped it.
@example(
    "Top 10 IT Security Best Practices for 2025: Protect Your Business\n\n\x00Skip to main content",
    CleanConfig(use_classifier=False),
)
# Control characters and a narrow no-break space inside words changed the classifier's word statistics.
@example(
    "Associate Degree in Accounting\nBusiness Administration Undergraduate Certifi\x07cate\n"
    "Associate Degree in Digital \x81Marketing\n"
    "Bachelor \u202fof \x02Science in Business Administration with Concentration in Digital Marketing",
    CleanConfig(),
)
def test_converter_text_is_a_fixpoint(text: str, config: CleanConfig) -> None:
    _assert_fixpoint(text, config)


@settings(max_examples=_budget(60), **_FUZZ)
@given(_RANDOM_TEXT, _CONFIGS)
@example("0\x1b\n0\U00018cd6", CleanConfig())  # kept with its escape character, dropped without
def test_random_text_is_a_fixpoint(text: str, config: CleanConfig) -> None:
    _assert_fixpoint(text, config)


@settings(max_examples=_budget(40), **_FUZZ)
@given(st.one_of(converter_text(), _RANDOM_TEXT))
# A line separator in mojibake: repaired, it splits off a skip link, which a re-read drops.
@example(
    "4 Best Book Subscriptions, Tested by Bibliophiles | Taste of Home\u00e2\u20ac\u00a8Skip to main content"
)
def test_extracted_text_is_a_fixpoint(text: str) -> None:
    """The second-pass cleaner of an extractor's main text (HTML documents) holds the same properties."""
    _assert_fixpoint(text, CleanConfig(), second_pass=True)


_DEV_PAGES = [
    "raw-inscriptis/wcxb0002",  # a table padded into columns: short widget rows once the padding collapses
    "raw-html-text/wcxb0187",  # zero-width spaces inside short lines ("CEO: \u200b\u200b...Sam Altman")
    "raw-html2text/wcxb4116",  # lines of nothing but a zero-width joiner: blank once stored
    "raw-html-text/wcxb4517",  # mojibake ("Earth\u00e2\u0080\u0099s"): other words once repaired
]


@pytest.mark.skipif(not _DEV.exists(), reason="../shared/eval not beside the repo")
@pytest.mark.parametrize("page", _DEV_PAGES)
def test_dev_pages_that_changed_on_a_re_read_are_fixpoints(page: str) -> None:
    """Real pages whose stored text changed when the pipeline read it again (31 of the 2,127 dev
    renderings did), one per cause."""
    _assert_fixpoint((_DEV / f"{page}.txt").read_text(encoding="utf-8"), CleanConfig())
