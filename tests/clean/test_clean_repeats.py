"""Repeated paragraphs: the trigram-number search finds exactly the holders the plain definition names."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ingest.clean.repeats import (
    _CONTAINED,
    _LONGER,
    _PROBE_MIN_TOKENS,
    ARTICLE_COPY_RULE,
    REPEATED_RULE,
    _holders,
    _quotable,
    drop_repeats,
    norm_tokens,
)


def _plain_holders(texts: list[str], reasons: list[str | None]) -> dict[int, list[int]]:
    """The definition, pair by pair: j holds i when j is more than 1.2x longer, kept, and has at least
    80% of i's distinct word trigrams."""
    kept = [i for i, r in enumerate(reasons) if r is None]
    tokens = {i: norm_tokens(texts[i]) for i in kept}
    grams = {i: {t[k : k + 3] for k in range(len(t) - 2)} for i, t in tokens.items()}
    largest = max((len(t) for t in tokens.values()), default=0)
    found: dict[int, list[int]] = {}
    for i in kept:
        size = len(tokens[i])
        if size < _PROBE_MIN_TOKENS or size * _LONGER >= largest or not _quotable(texts[i], size):
            continue
        holders = [
            j
            for j in kept
            if len(tokens[j]) > size * _LONGER and len(grams[i] & grams[j]) >= _CONTAINED * len(grams[i])
        ]
        if holders:
            found[i] = holders
    return found


_WORDS = st.sampled_from(
    ["the", "budget", "city", "council", "said", "on", "monday", "that", "it", "would", "spend", "more."]
)


@st.composite
def _page(draw: st.DrawFn) -> list[str]:
    """Paragraphs of a small vocabulary, some of them slices of others with a few words changed, so that
    partial containment around the 80% line is common."""
    base = draw(st.lists(st.lists(_WORDS, min_size=3, max_size=40), min_size=1, max_size=5))
    page = [list(words) for words in base]
    for _ in range(draw(st.integers(1, 5))):
        source = draw(st.sampled_from(base))
        start = draw(st.integers(0, max(0, len(source) - 6)))
        piece = list(source[start : start + draw(st.integers(6, 20))])
        for _ in range(draw(st.integers(0, 2))):
            piece[draw(st.integers(0, len(piece) - 1))] = draw(_WORDS)
        page.insert(draw(st.integers(0, len(page))), piece)
    return [" ".join(words) + draw(st.sampled_from(["", "."])) for words in page]


@given(_page(), st.data())
def test_holders_are_those_the_definition_names(texts: list[str], data: st.DataObject) -> None:
    reasons: list[str | None] = [data.draw(st.sampled_from([None, None, "menu"])) for _ in texts]
    kept = [i for i, r in enumerate(reasons) if r is None]
    tokens = {i: norm_tokens(texts[i]) for i in kept}
    sizes = {i: len(t) for i, t in tokens.items()}
    largest = max(sizes.values(), default=0)
    probes = [
        i
        for i in kept
        if sizes[i] >= _PROBE_MIN_TOKENS and sizes[i] * _LONGER < largest and _quotable(texts[i], sizes[i])
    ]
    assert _holders(kept, probes, tokens, sizes, reasons) == _plain_holders(texts, reasons)


def test_pull_quote_goes_and_republish_box_goes() -> None:
    article = [
        "The city council approved the new tram line on Monday after a long debate about its cost.",
        "Opponents said the money would be better spent on buses, which carry twice as many people.",
        "Supporters argued that the tram would draw new riders and cut traffic in the old town.",
        "Construction is due to start next spring and should take three years to finish.",
    ]
    quote = "Opponents said the money would be better spent on buses."
    box = " ".join(article)
    texts = [*article, quote, "Republish this story", box]
    reasons: list[str | None] = [None] * len(texts)
    drop_repeats(texts, reasons, [1.0] * len(texts))
    assert reasons == [None, None, None, None, REPEATED_RULE, None, ARTICLE_COPY_RULE]


@given(_page(), st.data())
def test_nothing_found_among_lines_means_nothing_found_among_fewer(
    texts: list[str], data: st.DataObject
) -> None:
    """`clean._repeats_unchanged` skips `drop_repeats` on a later fixpoint pass: where it changed nothing on
    a page's kept lines, it changes nothing on any sub-multiset of them, in any order, with any scores."""
    from collections import Counter

    from ingest.clean.cleaner import _repeats_unchanged

    page = texts + data.draw(st.lists(st.sampled_from(texts), max_size=3))
    reasons: list[str | None] = [None] * len(page)
    drop_repeats(page, reasons, data.draw(st.lists(st.floats(0, 1), min_size=len(page), max_size=len(page))))
    quiet = Counter(page) if all(r is None for r in reasons) else None
    fewer = data.draw(st.permutations(page))[: data.draw(st.integers(0, len(page)))]
    fewer_reasons: list[str | None] = [None] * len(fewer)
    drop_repeats(
        fewer, fewer_reasons, data.draw(st.lists(st.floats(0, 1), min_size=len(fewer), max_size=len(fewer)))
    )
    if _repeats_unchanged(Counter(fewer), quiet):
        assert fewer_reasons == [None] * len(fewer)
    if quiet is None:
        assert not _repeats_unchanged(Counter(fewer), quiet)
