"""Every rule's own examples match and its counterexamples do not; metadata patterns pull the right fields."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ingest.clean import rule_hit, widget_runs
from ingest.rules import (
    AGENCY_MARK,
    APPEARED_FOOTER,
    AUTHOR_SITE_MARK,
    BYLINE,
    LINE_RULES,
    POST_FOOTER,
    PRICE_WIDGET,
    first_rule,
    top_level_alternatives,
)

EXAMPLES = [(rule.name, text) for rule in LINE_RULES for text in rule.examples]
COUNTEREXAMPLES = [(rule.name, text) for rule in LINE_RULES for text in rule.counterexamples]


def test_rules_are_documented_and_unique() -> None:
    names = [rule.name for rule in LINE_RULES]
    assert len(names) == len(set(names))
    for rule in LINE_RULES:
        assert re.fullmatch(r"[a-z_]+", rule.name), rule.name
        assert len(rule.why) > 30, rule.name
        assert rule.examples, f"{rule.name} has no examples"


@pytest.mark.parametrize(("name", "text"), EXAMPLES)
def test_rule_matches_its_examples(name: str, text: str) -> None:
    rule = next(r for r in LINE_RULES if r.name == name)
    assert rule.matches(text), text
    assert rule_hit(text) is not None


@pytest.mark.parametrize(("name", "text"), COUNTEREXAMPLES)
def test_rule_ignores_its_counterexamples(name: str, text: str) -> None:
    rule = next(r for r in LINE_RULES if r.name == name)
    assert not rule.matches(text), text


@pytest.mark.parametrize("rule", LINE_RULES, ids=lambda r: r.name)
def test_fast_path_equals_plain_search(rule) -> None:
    """The anchored/keyed split of a pattern decides exactly as a plain search of the whole pattern."""
    texts = [*rule.examples, *rule.counterexamples, *(t for r in LINE_RULES for t in r.examples)]
    for text in texts:
        words = len(text.split())
        plain = words <= rule.max_words and rule.pattern.search(text) is not None
        assert rule.matches(text) == plain, (rule.name, text)


def test_keyword_rules_leave_long_sentences_alone() -> None:
    sentence = (
        "Readers who subscribe to the newsletter were told on Tuesday that the print edition will close, "
        "and that comments, cookies and advertisement revenue had all fallen sharply over the past year "
        "as more people read the news on their phones instead of on paper."
    )
    assert rule_hit(sentence) is None


def test_top_level_alternatives() -> None:
    assert top_level_alternatives(r"^a|b(c|d)|[|]x") == ["^a", "b(c|d)", "[|]x"]


@pytest.mark.parametrize("run", PRICE_WIDGET.examples)
def test_price_widget_examples(run: tuple[str, ...]) -> None:
    assert all(widget_runs(list(run))[1:])


@pytest.mark.parametrize("run", PRICE_WIDGET.counterexamples)
def test_price_widget_counterexamples(run: tuple[str, ...]) -> None:
    assert not any(widget_runs(list(run)))


def test_widget_needs_a_run() -> None:
    assert not any(widget_runs(["Bitcoin", "$113,422.41", "The price rose sharply on Monday."]))


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("By Idrees Ali", "Idrees Ali"),
        ("By Jane Doe and John Smith", "Jane Doe and John Smith"),
        ("By Maria Jensen, Staff Writer", "Maria Jensen"),
        ("Von Anna Schmidt", "Anna Schmidt"),
    ],
)
def test_byline(line: str, name: str) -> None:
    match = BYLINE.match(line)
    assert match and match["name"] == name


def test_byline_ignores_sentences() -> None:
    assert BYLINE.match("By the end of the week, the water had risen by a metre.") is None


def test_agency_and_author_marks() -> None:
    assert AGENCY_MARK.match("(Reuters) -President Donald Trump said")["site"] == "Reuters"
    assert AGENCY_MARK.match("WASHINGTON (AP) — The Senate voted")["site"] == "AP"
    mark = AUTHOR_SITE_MARK.match("(Dave DeCamp, Antiwar.com) President Donald Trump has ordered")
    assert mark and mark["author"] == "Dave DeCamp" and mark["site"] == "Antiwar.com"
    assert AUTHOR_SITE_MARK.match("(The figures, which are provisional) show growth") is None


def test_syndication_footers() -> None:
    post = POST_FOOTER.match("The post Trump prepares US military: Report appeared first on TheBlaze.")
    assert post and post["title"] == "Trump prepares US military: Report" and post["site"] == "TheBlaze"
    assert APPEARED_FOOTER.match("This article originally appeared at Antiwar.com.")["site"] == "Antiwar.com"


def test_first_rule_agrees_with_matches() -> None:
    """The cleaner's unrolled lookup gives what the rules' own `matches` give, on every example."""
    lines = [t for rule in LINE_RULES for t in (*rule.examples, *rule.counterexamples)]
    for line in [*lines, "", "Share prices", "x", "Comments (12)"]:
        words = len(line.split())
        expected = next((r.name for r in LINE_RULES if r.matches(line, words)), None)
        assert first_rule(line, words) == expected, line


_STARTS = [t.split()[0] for rule in LINE_RULES for t in rule.examples if t.split()] + [
    "»",
    "›",
    "Home »",
    "(",
    "©",
    "1.2k",
    "12",
    " ",
    "*",
    "Ｓhare",
    "ſhare",
    "İ",
]


@given(st.lists(st.one_of(st.sampled_from(_STARTS), st.text(max_size=8)), max_size=6).map(" ".join))
@example("Home » News » World")
@example("News » World » Americas")
@example("")
def test_start_screen_equals_the_combined_start_pattern(line: str) -> None:
    """`first_rule` screens the start-anchored alternatives by the line's first character: the screen
    decides as the one combined pattern does, on any text."""
    from ingest.rules import _ANY_START, _any_start_matches

    assert _any_start_matches(line) == (_ANY_START.match(line) is not None), line
    words = len(line.split())
    expected = next((r.name for r in LINE_RULES if r.matches(line, words)), None)
    assert first_rule(line, words) == expected, line


@given(
    st.lists(st.one_of(st.sampled_from(_STARTS), st.text(max_size=8)), max_size=6).map(" ".join), st.data()
)
def test_page_of_lines_gets_the_rules_of_each_line(line: str, data: st.DataObject) -> None:
    """`first_rules` (the rules' keys found in the whole page at once) names, for every line, what
    `first_rule` names for it alone."""
    from ingest.rules import first_rules

    examples = [t for rule in LINE_RULES for t in (*rule.examples, *rule.counterexamples)]
    page = [line, *data.draw(st.lists(st.sampled_from([*examples, "", "x", "Reply", "Log in"]), max_size=8))]
    page = data.draw(st.permutations(page))
    words = [len(t.split()) for t in page]
    assert first_rules(page, words) == [first_rule(t, w) for t, w in zip(page, words, strict=True)]
