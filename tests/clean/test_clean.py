"""Cleaner behaviour: the seeds exactly, golden pages, layout handling, and properties on arbitrary text.

Golden files live in tests/clean/golden/: `<name>.txt` is the input, `<name>.json` the expected
CleanResult. After a deliberate change of behaviour (new rules, a retrained model) regenerate them with
`UPDATE_GOLDEN=1 uv run pytest tests/clean/test_clean.py` and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ingest.clean.classifier import CLASSIFIER_RULE, load_model
from ingest.clean.cleaner import CleanConfig, clean_text
from ingest.clean.lines import paragraphs
from ingest.clean.marks import strip_markdown
from ingest.clean.rules.engine import COMMENT_SECTION
from ingest.clean.wrap import unwrap, wrap_width

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
EXPECTED = json.loads((HERE.parent / "seeds_expected.json").read_text(encoding="utf-8"))["documents"]


def fold(text: str) -> str:
    return " ".join(text.split())


def seed_text(name: str) -> str:
    return (GOLDEN / f"seed_{name}").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_body_lines_survive_and_noise_goes(name: str) -> None:
    expected = EXPECTED[name]
    result = clean_text(seed_text(name))
    body = {fold(line) for line in result.text.split("\n")}
    for item in expected["body"]:
        assert fold(item["text"]) in body, item["text"]
    for item in expected["dropped"] + expected["metadata_lines"]:
        assert fold(item["text"]) not in body, item["text"]
    removed = {fold(r.text) for r in result.removed}
    for item in expected["dropped"] + expected["metadata_lines"]:
        assert fold(item["text"]) in removed, item["text"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_fields(name: str) -> None:
    fields = EXPECTED[name]["fields"]
    result = clean_text(seed_text(name))
    for key in ("title", "author", "site"):
        if fields[key] is not None:
            assert getattr(result, key) == fields[key], key


def _as_json(result) -> dict:
    return {
        "title": result.title,
        "author": result.author,
        "site": result.site,
        "published": result.published,
        "text": result.text.split("\n"),
        "removed": [[r.rule, r.text] for r in result.removed],
    }


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*.txt")), ids=lambda p: p.stem)
def test_golden(path: Path) -> None:
    actual = _as_json(clean_text(path.read_text(encoding="utf-8")))
    target = path.with_suffix(".json")
    if os.environ.get("UPDATE_GOLDEN"):
        target.write_text(json.dumps(actual, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert actual == json.loads(target.read_text(encoding="utf-8"))


def test_news_page_layouts_agree() -> None:
    """The same page with blank lines, without them, and hard-wrapped at 72 columns keeps the same body."""
    bodies = [
        clean_text((GOLDEN / f"{name}.txt").read_text(encoding="utf-8")).text
        for name in ("news_page", "news_page_wrapped")
    ]
    assert bodies[0] == bodies[1]
    assert "Harbour towns along the northern coast" in bodies[0]
    assert "Ferry routes cancelled" not in bodies[0]


def test_every_removed_line_is_recorded() -> None:
    text = (GOLDEN / "news_page.txt").read_text(encoding="utf-8")
    result = clean_text(text)
    kept = result.text.split("\n")
    lines = [p.text for p in paragraphs(text)]
    assert sorted(kept + [r.text for r in result.removed]) == sorted(lines)
    assert all(r.rule for r in result.removed)


def test_model_ships_and_loads() -> None:
    model = load_model()
    assert model is not None and 0.0 < model.threshold < 1.0


def test_classifier_can_be_switched_off() -> None:
    text = (GOLDEN / "news_page.txt").read_text(encoding="utf-8")
    result = clean_text(text, CleanConfig(use_classifier=False))
    assert all(r.rule != CLASSIFIER_RULE for r in result.removed)
    assert "World" in result.text.split("\n")


def test_disabled_keeps_everything() -> None:
    result = clean_text("Menu\n\nSubscribe\nA sentence.", CleanConfig(enabled=False))
    assert result.text == "Menu\nSubscribe\nA sentence." and result.removed == []


def test_strip_markdown() -> None:
    assert strip_markdown("## **Heading** here") == ("Heading here", False, True)
    assert strip_markdown("  * [Home](https://example.com/)".strip()) == ("Home", True, False)
    assert strip_markdown("[![Engine icon](/i.svg)Compute Engine](/engine)") == (
        "Compute Engine",
        False,
        False,
    )
    assert strip_markdown("![A flooded quay](https://example.com/q.jpg)") == ("", False, False)
    assert strip_markdown("1\\. Step one") == ("1. Step one", True, False)
    assert strip_markdown("__") == ("", False, False)


def test_text_browser_bullets_are_list_marks_to_any_depth() -> None:
    """lynx and inscriptis mark nested items with `*`, `+`, `o`; w3m with `•`, `□`, `○`. Every leading mark
    goes, so the stripped text has none left for a second reading; a capital O starts a sentence."""
    assert strip_markdown("o Icon") == ("Icon", True, False)
    assert strip_markdown("□ Privacy policy") == ("Privacy policy", True, False)
    assert strip_markdown("* o + Nested item") == ("Nested item", True, False)
    assert strip_markdown("O Brasil venceu a Copa.") == ("O Brasil venceu a Copa.", False, False)
    assert strip_markdown("o") == ("o", False, False)
    assert strip_markdown("\\- Any topic") == ("Any topic", False, False)  # escaped: not a list item


def test_unwrap_rejoins_hard_wrapped_paragraphs() -> None:
    paragraph = (
        "The national weather service said the combination of a spring tide and strong onshore winds "
        "would raise water levels by up to 1.8 metres above normal, enough to flood quays."
    )
    import textwrap

    lines = textwrap.fill(paragraph, 72).split("\n") * 3
    width = wrap_width([*lines, "", "Short line"])
    assert width is not None and 60 <= width <= 72
    joined = unwrap(textwrap.fill(paragraph, 72).split("\n"), width)
    assert joined == [paragraph]


def test_unwrapped_text_is_not_rewrapped() -> None:
    def words(n: int) -> str:
        return ("word " * n)[: n - 1] + "."

    assert wrap_width([words(300), words(40), *(words(70) for _ in range(5))]) is None


def test_wrapped_paragraphs_without_blank_lines_between_are_unwrapped() -> None:
    """Where the converter puts no blank line between paragraphs, a paragraph's last full line is followed
    by a line that would have fitted after it; a quarter of such breaks still reads as hard-wrapped."""
    import textwrap

    from ingest.clean.wrap import _GREEDY_SHARE, _greedy_breaks

    paragraph = (
        "The national weather service said the combination of a spring tide and strong onshore winds would "
        "raise water levels by up to 1.8 metres above normal in the harbour area, and that the flood would "
        "peak at night."
    )
    standalone = ["Residents of the lower town were asked to move their cars.", "A shelter is open."]
    menu = [f"Section number {i} of the site menu" for i in range(30)]
    lines = menu + (textwrap.fill(paragraph, 72).split("\n") + standalone) * 4
    assert _GREEDY_SHARE <= _greedy_breaks(lines, 72) < 0.8
    width = wrap_width(lines)
    assert width is not None and 60 <= width <= 72
    assert any(p.text.startswith(paragraph) for p in paragraphs("\n".join(lines)))


def test_hard_wrapped_page_with_an_unbreakable_url_is_still_unwrapped() -> None:
    """A wrapper leaves a token longer than the width (a URL) on a line of its own: that line says nothing
    about the width and must not rule wrapping out."""
    import textwrap

    paragraph = (
        "The national weather service said the combination of a spring tide and strong onshore winds "
        "would raise water levels by up to 1.8 metres above normal, enough to flood quays."
    )
    url = "https://example.org/" + "very-long-path-segment/" * 6
    lines = [*textwrap.fill(paragraph, 72).split("\n"), "", url, ""] * 3
    width = wrap_width(lines)
    assert width is not None and 60 <= width <= 72
    assert paragraph in [p.text for p in paragraphs("\n".join(lines))]


def test_markdown_page_wrapped_at_78_with_whole_menu_and_image_lines_is_unwrapped() -> None:
    """html2text's default output: paragraphs wrapped at 78, but list items and image/link lines left
    whole, far longer than the width; a link's text broken across lines. Those lines do not rule wrapping
    out, and the rejoined paragraph loses its link syntax."""
    import textwrap

    menu = [
        f"  * [Section {i} of the menu](https://example.org/sections/{i}/with/a/long/path/to/it/)"
        for i in range(8)
    ]
    image = "![A photograph of the flooded harbour at night](https://cdn.example.org/images/2025/harbour-flood-night.jpg)"
    paragraph = (
        "The national weather service said the combination of a spring tide and strong onshore winds "
        "would raise water levels by up to 1.8 metres above normal, enough to flood most of the old "
        "[old harbour quays](https://example.org/harbour) before midnight on Tuesday."
    )
    wrapped = textwrap.fill(paragraph, 78, break_long_words=False).split("\n")
    assert any("[old harbour" in line and "](" not in line for line in wrapped)  # the link is split
    lines = [*menu, "", image, ""] + [*wrapped, ""] * 10
    assert wrap_width(lines) in range(70, 79)
    texts = [p.text for p in paragraphs("\n".join(lines))]
    assert (
        texts.count(
            paragraph.replace("[old harbour quays](https://example.org/harbour)", "old harbour quays")
        )
        == 10
    )
    assert "Section 3 of the menu" in texts


def test_lynx_page_wrapped_with_its_link_numbers_is_unwrapped_without_them() -> None:
    """`lynx -dump` wraps lines with the link numbers in them; once the numbers go, the lines no longer
    end near the width, so the wrap is read from the lines as lynx printed them."""
    import textwrap

    sentence = (
        "The [{}]council said the [{}]harbour works would start in [{}]spring and last two years, and "
        "that the ferry would keep running from the [{}]old quay."
    )
    numbers = iter(range(1, 1000))
    paragraph = " ".join(sentence.format(*(next(numbers) for _ in range(4))) for _ in range(3))
    lines = [f"   {line}" for line in textwrap.fill(paragraph, 74).split("\n")] + [""]
    page = "\n".join(lines * 3)
    texts = [p.text for p in paragraphs(page)]
    plain = " ".join(sentence.replace("[{}]", "") for _ in range(3))
    assert texts == [plain] * 3


def test_quoted_paragraph_wrapped_with_a_mark_on_every_line_is_rejoined_without_marks() -> None:
    """html2text (and e-mail) quote a paragraph with `> ` on every wrapped line: the paragraph comes back
    whole, with no mark left inside it."""
    import textwrap

    paragraph = (
        "The national weather service said the combination of a spring tide and strong onshore winds "
        "would raise water levels by up to 1.8 metres above normal, enough to flood quays."
    )
    plain = textwrap.fill(paragraph, 76).split("\n")
    quoted = [f"> {line}" for line in textwrap.fill(paragraph, 74).split("\n")] + [">"]
    page = "\n".join([*plain, "", *quoted, "", *plain, "", *quoted, "", *plain])
    assert [p.text for p in paragraphs(page)] == [paragraph] * 5


def test_text_browser_link_numbers_are_removed_but_footnote_marks_stay() -> None:
    """`lynx -dump` numbers every link in page order, glued to the link text; footnote marks follow a word
    and are not glued to the next one, and a page with few numbered brackets is left alone."""
    from ingest.clean.marks import strip_link_numbers

    page = "\n".join(
        [
            "   [1]Home [2]World [3]Politics",
            "   The minister told [4]Reuters that the [5]budget vote would go ahead, despite the",
            "   [6]protests of Tuesday.",
        ]
    )
    assert (
        strip_link_numbers(page).split("\n")[1]
        == "   The minister told Reuters that the budget vote would go ahead, despite the"
    )
    footnotes = "The law passed in 1998.[1] It was amended twice.[2] Critics [3] objected.[4] See [5], [6]."
    assert strip_link_numbers(footnotes) == footnotes
    assert strip_link_numbers("[1]One [2]two") == "[1]One [2]two"
    descending = " ".join(f"[{n}]x" for n in range(9, 0, -1))
    assert strip_link_numbers(descending) == descending
    unglued = page + "\n   [7]\n   Want to know how it works?[8] Learn more.[[9]3]"
    assert strip_link_numbers(unglued).split("\n")[3:] == [
        "   ",
        "   Want to know how it works? Learn more.[3]",
    ]


def test_text_browser_image_placeholders_are_removed() -> None:
    from ingest.clean.marks import strip_image_placeholders

    assert strip_image_placeholders("[pinterest.png] Share [Photo-12.JPG]") == " Share "
    assert strip_image_placeholders("See [the report.pdf] and [1]") == "See [the report.pdf] and [1]"


def test_text_node_dump_is_rejoined_into_sentences() -> None:
    """A page printed one text node per line (BeautifulSoup's get_text("\\n")): inline links cut the
    sentence, the commas after them start lines. The sentences come back whole; a page without such
    cuts is returned unchanged."""
    from ingest.clean.fragments import join_inline_fragments

    sentence = [
        "*** Follow me on ",
        "Instagram",
        ", ",
        "YouTube",
        ", ",
        "X",
        " or ",
        "Facebook",
        " for more ***",
    ]
    source_break = ["\t\tThe service call includes troubleshooting and", "\t\t\tminor adjustments."]
    lines = ["Menu", "", *sentence, "", "The hotel opened in ", "1904", ".", "", *sentence, "", *source_break]
    joined = join_inline_fragments(lines)
    assert "\t\tThe service call includes troubleshooting and minor adjustments." in joined
    assert "*** Follow me on Instagram, YouTube, X or Facebook for more ***" in joined
    assert "The hotel opened in 1904." in joined
    assert joined[0] == "Menu"
    plain = ["Home", "News", "", "The minister said on Tuesday that the vote would go ahead.", "Sport"]
    assert join_inline_fragments(plain) == plain


def test_text_node_dump_is_told_by_text_after_links_and_joins_after_open_brackets() -> None:
    """A dump whose links are followed by words, not punctuation, is told by its lines that start with one
    space and go on in lower case; a node that ends in an opening bracket continues in the next one. A
    node of spaces alone stays a line break: menus print one between their links."""
    from ingest.clean.fragments import join_inline_fragments

    sentence = ["Read the ", "report", " published by the council on Tuesday (", "PDF", " format) today"]
    lines = ["Home", " ", "About", "", *[*sentence, ""] * 5]
    joined = join_inline_fragments(lines)
    assert joined.count("Read the report published by the council on Tuesday (PDF format) today") == 5
    assert joined[:3] == ["Home", "", "About"]


def test_column_table_rows_are_neither_wrapped_prose_nor_joined() -> None:
    """w3m and lynx lay a table out in columns wider than the page's wrap width: its rows do not rule
    hard wrapping out, and no row is joined to the wrapped paragraph next to it."""
    import textwrap

    paragraph = (
        "The national weather service said the combination of a spring tide and strong onshore winds "
        "would raise water levels by up to 1.8 metres above normal, enough to flood quays."
    )
    cells = ("value {i}", "another value", "a third cell {i}", "a fourth cell", "last cell {i}", "x")
    table = [f"Row {i}       " + "        ".join(cells).format(i=i) for i in range(3)]
    assert all(len(row) > 72 + 25 for row in table)
    lines = [*[*textwrap.fill(paragraph, 72).split("\n"), ""] * 24, *table, "Afterwards a short line."]
    assert wrap_width(lines) is not None
    texts = [p.text for p in paragraphs("\n".join(lines))]
    assert texts.count(paragraph) == 24
    assert texts[-1] == "Afterwards a short line."
    assert sum(t.startswith("Row ") for t in texts) == 3


def test_wrapped_page_with_a_wide_table_is_still_unwrapped() -> None:
    """pandoc and w3m print a table at its own width, rules included, far wider than the page's wrap
    column; when its rows are over a twentieth of the page's lines they would set the width, so they are
    left out of the test."""
    import textwrap

    paragraph = (
        "The national weather service said the combination of a spring tide and strong onshore winds "
        "would raise water levels by up to 1.8 metres above normal, enough to flood quays."
    )
    rule = "  " + "-" * 12 + " " + "-" * 20 + " " + "-" * 90
    rows = [f"  Row {i:<8} value {i:<14} " + "a long cell of text " * 4 for i in range(5)]
    lines = [*[*textwrap.fill(paragraph, 72).split("\n"), ""] * 8, rule, *rows, rule]
    assert sum(len(line) > 120 for line in lines) > 0.05 * len(lines)
    assert wrap_width(lines) is not None
    assert [p.text for p in paragraphs("\n".join(lines))].count(paragraph) == 8


def test_paragraph_broken_by_the_html_source_is_rejoined() -> None:
    """markdownify keeps the line breaks of hand-wrapped HTML source, whose widths follow the tags and
    link targets, not a wrapper: a long line that stops mid-sentence goes on into a lower-case line. Short
    lines (menus), sentence ends and list items are left alone."""
    page = "\n".join(
        [
            "* Very occasionally people have lost access to their Google",
            "  accounts. For example, by [forgetting",
            "  your password](https://example.org/a/very/long/link/target/that/pushes/the/line/out) or by",
            "  being mistaken for a fake account.",
            "",
            "home",
            "about us",
            "",
            "The archive holds every letter the council received during the years,",
            "and every reply.",
            "The second paragraph starts here with a capital letter.",
        ]
    )
    texts = [p.text for p in paragraphs(page)]
    assert texts[0] == (
        "Very occasionally people have lost access to their Google accounts. For example, by forgetting "
        "your password or by being mistaken for a fake account."
    )
    assert texts[1:3] == ["home", "about us"]
    assert texts[3] == (
        "The archive holds every letter the council received during the years, and every reply."
    )
    assert texts[4] == "The second paragraph starts here with a capital letter."


def test_page_laid_out_in_two_columns_is_read_one_column_after_the_other() -> None:
    """w3m prints a layout table's cells side by side: the article's wrapped lines with a sidebar's list
    to their right. The left column's paragraph comes back whole (the column is unwrapped by its own
    width) and the sidebar follows it, with its width; a data table of short cells stays as it is."""
    import textwrap

    from ingest.clean.columns import split_columns
    from ingest.clean.wrap import _UNWRAPPED

    paragraph = (
        "The national weather service said the combination of a spring tide and strong onshore winds "
        "would raise water levels by up to 1.8 metres above normal, enough to flood the quays of the old "
        "harbour before midnight on Tuesday, and that residents of the lower town should move their cars."
    )
    left = textwrap.fill(f"{paragraph} {paragraph}", 60).split("\n")
    months = [f"  - Month {i} ({i + 20})" for i in range(len(left))]
    rows = [f"{a:<64}{b}" for a, b in zip(left, months, strict=True)]
    page = ["A heading that spans the whole width of the page, above both columns", "", *rows, "", "Footer"]
    split, widths = split_columns(page)
    assert split[:3] == [page[0], "", f"{paragraph} {paragraph}"]  # wrapped prose: unwrapped in place
    assert widths[2] == _UNWRAPPED
    sidebar = [k for k, line in enumerate(split) if "Month" in line]
    assert [split[k] for k in sidebar] == [m.strip() for m in months]
    assert {widths[k] for k in sidebar} == {max(len(m.strip()) for m in months)}
    assert f"{paragraph} {paragraph}" in [p.text for p in paragraphs("\n".join(page))]
    table = [f"Label {i}      Yes        No         Maybe" for i in range(10)]
    assert split_columns(table) == (table, [None] * len(table))


def test_crlf_and_non_latin() -> None:
    text = (
        "Главная\r\nНовости\r\n\r\n"
        + "Это длинный абзац статьи, в котором говорится о важных событиях дня. " * 4
    )
    result = clean_text(text)
    assert "\r" not in result.text
    assert "важных событиях" in result.text


@pytest.mark.parametrize(
    "text", ["", "\n\n\n", " ", "x", "no newline at all in this text", "\r\n\r", "*" * 5000]
)
def test_edge_inputs(text: str) -> None:
    result = clean_text(text)
    assert isinstance(result.text, str)


def test_huge_input() -> None:
    page = (GOLDEN / "news_page.txt").read_text(encoding="utf-8")
    result = clean_text(page * 200)
    assert "Harbour towns along the northern coast" in result.text


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=3000))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    result = clean_text(text)
    assert isinstance(result.text, str)
    assert all(isinstance(r.rule, str) for r in result.removed)


_LINES = st.lists(
    st.one_of(
        st.text(min_size=0, max_size=120),
        st.sampled_from(
            [
                "Subscribe to our newsletter",
                "Home",
                "Share",
                "12 Comments",
                "$4,157.53",
                "BTC 0.10%",
                "The council said on Monday that the new bridge would open in the spring, two years late.",
                "“We did what we could,” the mayor said, adding that the cost had doubled since 2020.",
                "Related Articles",
                "By Jane Doe",
                "Advertisement",
                "",
            ]
        ),
    ),
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(_LINES)
@example(["0(", ":*_0("])  # markup under markup: one pass strips `*`, the next `_`
def test_idempotent(lines: list[str]) -> None:
    """Cleaning the cleaned text removes nothing."""
    once = clean_text("\n".join(lines))
    twice = clean_text(once.text)
    assert twice.removed == []
    assert twice.text == once.text


_CONVERTER_LINES = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "",
                " ",
                ", ",
                ".",
                "[12]Home [13]World",
                "   [4]Reuters reported that the [5]budget vote",
                "1\\. High-Protein Meals Are Here to Stay",
                "\\+ \\+ Limited-Time Deals \\+ \\+",
                "  * o + Nested item",
                "o Icon",
                "□ Privacy policy",
                "## 2. A numbered heading",
                "References",
                "  12. https://example.com/news/2025/story/",
                "tel:(800) 677-7887",
                "Follow me on ",
                " always feature ",
                "lower-case continuation of a sentence",
                "[Order",
                "Now](https://example.com/signup)",
                "The minister said on Tuesday that the budget vote would go ahead despite the protests,",
                "and that the coalition would survive the night, according to two officials who spoke.",
            ]
        ),
        st.text(alphabet=" ,.[]()*_\\+#o1aA:\t", max_size=12),
    ),
    max_size=50,
)


@settings(max_examples=300, deadline=None)
@given(_CONVERTER_LINES)
def test_idempotent_on_converter_layout(lines: list[str]) -> None:
    """Cleaning the cleaned text changes nothing, for the layout the converters leave (escapes, nested
    bullets, link numbers, text-node fragments, wrapped links), where each layout step's page-level gate
    could otherwise judge the cleaned text differently from the page."""
    once = clean_text("\n".join(lines))
    twice = clean_text(once.text)
    assert (twice.text, twice.removed) == (once.text, [])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_idempotent_on_seeds(name: str) -> None:
    once = clean_text(seed_text(name))
    assert clean_text(once.text).removed == []


def test_deterministic() -> None:
    text = (GOLDEN / "news_page.txt").read_text(encoding="utf-8")
    assert _as_json(clean_text(text)) == _as_json(clean_text(text))


_EXTRACTED = [
    "The council voted 7-2 on Tuesday to extend the tram line to the harbour, ending a decade of debate.",
    "1. The first stage opens in 2027.",
    "2. The second stage depends on federal money.",
    "**Note:** fares stay the same.",
    "Sign up for our newsletter",
    "Share this article",
    "The extension will cost 240 million dollars, most of it paid by the state, the mayor said.",
]


def test_second_pass_drops_prompts_and_rewrites_nothing() -> None:
    """On an extractor's main text only the keyword rules act; list numbers and markup stay as they are."""
    result = clean_text("\n".join(_EXTRACTED), second_pass=True)
    assert result.text.split("\n") == [_EXTRACTED[i] for i in (0, 1, 2, 3, 6)]
    assert [(r.text, r.rule) for r in result.removed] == [
        ("Sign up for our newsletter", "newsletter_prompt"),
        ("Share this article", "share_strip"),
    ]


def test_second_pass_never_empties_and_is_idempotent() -> None:
    only_noise = "Subscribe\nShare\nAdvertisement"
    result = clean_text(only_noise, second_pass=True)
    assert (result.text, result.removed) == (only_noise, [])
    once = clean_text("\n".join(_EXTRACTED), second_pass=True)
    assert clean_text(once.text, second_pass=True).removed == []


def test_second_pass_keeps_short_repeats_drops_long_ones() -> None:
    """List items recur legitimately in extracted text; a repeated long paragraph is a pull quote."""
    quote = (
        "The tram will carry twenty thousand people a day by 2030, "
        "more than any bus line in the city does now."
    )
    text = "\n".join(
        ["- Price: $10", quote, "- Price: $10", f"{quote} The mayor said so on Tuesday.", "End."]
    )
    result = clean_text(text, second_pass=True)
    assert [(r.text, r.rule) for r in result.removed] == [(quote, "repeated_paragraph")]
    assert result.text.count("- Price: $10") == 2


@given(st.text(max_size=300))
def test_second_pass_never_raises(text: str) -> None:
    assert isinstance(clean_text(text, second_pass=True).text, str)


def _reference_line_stats(text: str) -> dict[str, float]:
    """The line statistics computed the plain way, one line at a time with str methods and per-line
    regexes: what `text_columns` must equal, value for value."""
    import math

    from ingest.clean.linestats import _DATE, _SEPARATORS, _URLISH
    from ingest.clean.tokens import STOPWORDS, WORD

    words = text.split()
    n_words, n_chars = len(words), len(text)
    tokens = WORD.findall(text.lower())
    letters, digits = sum(map(str.isalpha, text)), sum(map(str.isdigit, text))
    uppers, spaces = sum(map(str.isupper, text)), text.count(" ")
    last = text[-1] if text else ""
    if last in "\"'”’»)]*" and len(text) > 1:
        last = text.rstrip("\"'”’»)]* ")[-1:] or last
    caps = sum(1 for w in words if w[:1].isupper())
    return {
        "log_chars": math.log1p(n_chars),
        "n_words": float(min(n_words, 200)),
        "mean_word_len": (n_chars - spaces) / n_words if n_words else 0.0,
        "ends_sentence": float(last != "" and last in ".!?…。！？"),
        "ends_colon": float(last == ":"),
        "ends_comma_or_word": float(last.isalnum() or last == ","),
        "n_sentences": float(min(text.count(". ") + text.count("? ") + text.count("! ") + 1, 30)),
        "stop_share": sum(t in STOPWORDS for t in tokens) / (len(tokens) or 1),
        "cap_share": caps / n_words if n_words else 0.0,
        "digit_share": digits / n_chars if n_chars else 0.0,
        "symbol_share": (n_chars - letters - digits - spaces) / n_chars if n_chars else 0.0,
        "upper_share": uppers / letters if letters else 0.0,
        "separators": float(min(len(_SEPARATORS.findall(text)), 10)),
        "has_date": float(digits > 0 and _DATE.search(text) is not None),
        "has_url": float(_URLISH.search(text) is not None),
        "first_char_lower": float(text[:1].islower()),
        "starts_quote": float(text != "" and text[:1] in "\"“'‘«„"),
        "ends_ellipsis": float(text.endswith(("...", "…", "…»", "...)"))),
    }


_LINE = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("aZ9_ .?!:,|•·/›»>\"“'‘«„…@-İΣσß١𝐀😀\u00a0\u2028\t")),
        st.characters(codec="utf-8"),
    ),
    max_size=60,
).map(lambda t: t.replace("\n", " "))


@example(["İstanbul x", "ΟΔΟΣ.", "a\u2028b", "10:30\nam"[:5]])
@example(["www.x.com", "3 min read", "a | b", ""])
@given(st.lists(_LINE, max_size=12))
def test_page_statistics_equal_line_by_line_statistics(lines: list[str]) -> None:
    """`text_columns` reads a whole page at once (lookup tables, one regex pass): every value must be the
    same double the plain per-line computation gives, for any characters (astral, case-changing,
    separators)."""
    from ingest.clean.linestats import (
        LINE_STATS,
        N_TOKENS,
        SHORT_TOKENS,
        cached_text_columns,
        cached_text_table,
        text_columns,
    )
    from ingest.clean.tokens import WORD

    expected = [_reference_line_stats(t) for t in lines]
    for columns in (text_columns(lines), cached_text_columns(lines)):
        assert list(columns) == list(LINE_STATS)
        for i, row in enumerate(expected):
            assert {name: columns[name][i] for name in LINE_STATS} == row
    table = cached_text_table(lines)
    assert list(table) == [*LINE_STATS, N_TOKENS, SHORT_TOKENS]
    assert table[N_TOKENS] == [float(len(WORD.findall(t.lower()))) for t in lines]
    tokens = [tuple(WORD.findall(t.lower())) for t in lines]
    assert table[SHORT_TOKENS] == [w if 0 < len(w) <= 40 else () for w in tokens]
    assert {name: table[name] for name in LINE_STATS} == text_columns(lines)


def test_a_whole_article_on_one_line_without_final_stop_is_kept() -> None:
    """Single-line scrapes (one paragraph, no closing full stop, any language) must not be emptied."""
    line = (
        "Bei einem Unglück vor der Küste sind fünf Surfer ums Leben gekommen. Sie waren laut Polizei "
        "am Montag vor einem Strand bei starkem Wind im aufgewühlten Meer weggerissen worden. Zwei Surfer "
        "wurden am Abend aus der Nordsee geholt, sie konnten trotz Wiederbelebung nicht gerettet werden. "
        "Am Dienstag wurden drei weitere geborgen, sagte ein Sprecher der Küstenwache"
    )
    assert clean_text(line).text == line


_ARTICLE = [
    "The council voted on Tuesday to extend the tram line to the harbour, ending a decade of debate over "
    "the route and its cost to the city.",
    "The first stage opens in 2027 and the second depends on federal money, the mayor told reporters after "
    "the vote in the town hall.",
    "Opponents said the money would be better spent on buses, which carry twice as many people as the "
    "trams do today across the whole city.",
    "The extension will cost 240 million dollars, most of it paid by the state, according to figures the "
    "council published before the meeting.",
]


@pytest.mark.parametrize("example", range(len(COMMENT_SECTION.examples)))
def test_comment_thread_goes_as_a_section(example: int) -> None:
    """`rules.COMMENT_SECTION`: markers of two kinds (says, timestamp, reply, a commenter's name above a
    timestamp) mark the thread; the comments' text between them goes too, the article above stays."""
    from ingest.clean.rules.engine import COMMENT_SECTION

    thread = list(COMMENT_SECTION.examples[example])
    result = clean_text("\n\n".join(["Tram line to reach the harbour", *_ARTICLE, "2 Comments", *thread]))
    for line in _ARTICLE:
        assert line in result.text
    for line in thread:
        assert line not in result.text.split("\n")
    from ingest.clean.comments import comment_sections
    from ingest.clean.linestats import prose_column, text_columns

    lines = [*_ARTICLE, *thread]
    reasons: list[str | None] = [None] * len(lines)
    comment_sections(lines, reasons, prose_column(text_columns(lines)))
    assert reasons == [None] * len(_ARTICLE) + ["comment_section"] * len(thread)


@pytest.mark.parametrize("example", range(len(COMMENT_SECTION.counterexamples)))
def test_live_blog_timestamps_are_not_a_comment_thread(example: int) -> None:
    """Timestamps alone, or one author's name above each, are a live blog's entries, not comments."""
    from ingest.clean.comments import comment_sections
    from ingest.clean.linestats import prose_column, text_columns
    from ingest.clean.rules.engine import COMMENT_SECTION

    lines = _ARTICLE[:1] + list(COMMENT_SECTION.counterexamples[example])
    reasons: list[str | None] = [None] * len(lines)
    comment_sections(lines, reasons, prose_column(text_columns(lines)))
    assert reasons == [None] * len(lines)


def test_whole_article_pasted_as_one_line_is_the_copy_that_goes() -> None:
    """A republish box holding every paragraph as one line: the box goes, the paragraphs stay."""
    from ingest.clean.repeats import ARTICLE_COPY_RULE, drop_repeats

    blob = "<h1>Tram line</h1> " + " ".join(f"<p>{p}</p>" for p in _ARTICLE)
    texts = [*_ARTICLE, "Republish this story", blob]
    reasons: list[str | None] = [None] * len(texts)
    drop_repeats(texts, reasons, [1.0] * len(texts))
    assert reasons == [None, None, None, None, None, ARTICLE_COPY_RULE]


def test_pull_quote_inside_one_paragraph_is_still_the_repeat() -> None:
    from ingest.clean.repeats import drop_repeats

    quote = "Opponents said the money would be better spent on buses, which carry twice as many people"
    texts = [*_ARTICLE, quote]
    reasons: list[str | None] = [None] * len(texts)
    drop_repeats(texts, reasons, [1.0] * len(texts))
    assert reasons == [None, None, None, None, "repeated_paragraph"]


def test_one_sentence_paragraphs_are_kept_as_a_run() -> None:
    """An article of short one-sentence paragraphs has no long prose for the model, but is text."""
    sentences = [
        "Modern software rests on a fragile assumption.",
        "It assumes the network is always there.",
        "Trains lose their connection in tunnels.",
        "Factories work behind firewalls all day.",
        "Hospitals cut their systems off on purpose.",
        "Devices move, disconnect and fail.",
        "We still build apps that stop when the cloud is gone.",
    ]
    page = "\n\n".join(["Home", "About", "Subscribe", "The edge-first manifesto", *sentences, "Share"])
    text = clean_text(page).text
    for sentence in sentences:
        assert sentence in text


def test_indented_wrapped_page_with_short_paragraphs_is_unwrapped() -> None:
    """Hard wrapping detected from the full lines' greedy breaks when short paragraphs and menu lines
    outnumber the full lines, with the indentation counted as the wrapper counted it."""
    import textwrap

    menu = ["Home", "About us", "Our history and our people", "Contact the newsroom today"] * 6
    paras = [_ARTICLE[k % 4] + " " + _ARTICLE[(k + 1) % 4] for k in range(4)]
    body = [textwrap.fill(p, 80, initial_indent=" " * 24) for p in paras]
    result = clean_text("\n".join(menu) + "\n\n" + "\n\n".join(body))
    for p in paras:
        assert p in result.text.split("\n")


def test_heading_inside_a_table_of_contents_line_is_kept() -> None:
    """A short heading found inside a longer line (a table of contents run together) is the copy in
    context; only sentences and long stretches are judged as pull quotes."""
    from ingest.clean.repeats import drop_repeats

    heading = "How consumer behaviour is changing this year"
    toc = f"Contents: Market overview in brief {heading} Ingredients to watch and why"
    texts = [toc, heading, *_ARTICLE]
    reasons: list[str | None] = [None] * len(texts)
    drop_repeats(texts, reasons, [1.0] * len(texts))
    assert reasons[1] is None


def test_threads_sharing_the_line_memo_clean_as_one_thread_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dask runs tasks in worker threads of one process: with a memo small enough to be emptied while
    other threads are reading it, every page still cleans exactly as it does alone."""
    import sys
    from concurrent.futures import ThreadPoolExecutor

    from ingest.clean import linestats as clean_linestats
    from ingest.clean.rules import engine as rules

    pages = [
        "\n\n".join(
            ["Home", "News", f"Story {k}", *(f"{line} ({k}, {j})" for j, line in enumerate(_ARTICLE))]
        )
        for k in range(40)
    ]
    alone = [clean_text(page).text for page in pages]
    monkeypatch.setattr(clean_linestats, "_CACHE_LINES", 8)
    clean_linestats._cached_rows.clear()
    monkeypatch.setattr(rules, "_MEMO", 8)
    rules.DEFAULT_RULES._memo.clear()
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        with ThreadPoolExecutor(4) as pool:
            together = list(pool.map(lambda page: clean_text(page).text, pages * 5))
    finally:
        sys.setswitchinterval(interval)
    assert together == alone * 5


def test_markdown_screens_pass_every_character_the_patterns_start_with() -> None:
    """`strip_markdown` skips `_BULLET` and `_BARE_MARKUP` by the line's first character: every code point
    either pattern can start with must pass the screen."""
    from ingest.clean.marks import _BARE_MARKUP, _BULLET, _BULLET_FIRST, _MARKUP_CHARS

    for point in range(0x110000):
        c = chr(point)
        if _BULLET.match(f"{c} item"):
            assert c in _BULLET_FIRST, hex(point)
        if _BARE_MARKUP.match(c) and c:
            assert c.isspace() or c in _MARKUP_CHARS, hex(point)


@given(
    st.lists(
        st.sampled_from(
            [
                "Jane Roe says:",
                "July 14, 2015 at 3:53 pm",
                "Emma",
                "Reply",
                "3 days ago",
                "Great recipe, I tried it last week and it worked, and I would make it again for the family.",
                "By Max Battcher (123456) wrote: a long comment marker line with many words in it, fifteen",
            ]
        ),
        max_size=20,
    )
)
def test_comment_marks_skip_long_lines_by_word_count(lines: list[str]) -> None:
    """`comment_marks` passes over lines whose `n_words` exceeds the marker limit: the same marks."""
    from ingest.clean.comments import comment_marks
    from ingest.clean.linestats import text_columns

    assert comment_marks(lines, text_columns(lines)["n_words"] if lines else []) == comment_marks(lines)


def test_footer_screen_passes_every_line_the_footer_patterns_can_match() -> None:
    """`_footer_metadata` runs its patterns only on lines starting with t/T then h/H: both patterns begin
    so, and no other character matches t or h under IGNORECASE."""
    import re

    from ingest.clean.rules.engine import APPEARED_FOOTER, POST_FOOTER

    for pattern in (POST_FOOTER, APPEARED_FOOTER):
        assert pattern.flags & re.IGNORECASE and re.match(r"\^(?:\(\?:)?th", pattern.pattern), pattern.pattern
    for letter in "th":
        folded = re.compile(letter, re.IGNORECASE)
        assert [chr(c) for c in range(0x110000) if folded.fullmatch(chr(c))] == [letter.upper(), letter]


_DEV = Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "dev"


@pytest.mark.skipif(not _DEV.exists(), reason="../shared/eval not beside the repo")
@pytest.mark.parametrize("rendering", ["raw-html-text", "raw-inscriptis", "raw-html2text"])
def test_idempotent_on_real_pages(rendering: str) -> None:
    """Real converter output holds what random text rarely does (html2text's escaped `1\\.` and `\\+`,
    nested bullets, text-node fragments): cleaning the cleaned text of real pages changes nothing."""
    pages = sorted((_DEV / rendering).glob("*.txt"))[:40]
    assert len(pages) == 40
    for page in pages:
        once = clean_text(page.read_text(encoding="utf-8"))
        twice = clean_text(once.text)
        assert (twice.text, twice.removed) == (once.text, []), page.name


@given(st.lists(st.text(alphabet=" \t\u00a0\x0b,.;:!?)]x\u2028", max_size=6), max_size=30))
def test_fragment_gate_counts_lines_as_the_line_rule_does(lines: list[str]) -> None:
    """The text-node gate counts closing-punctuation lines and non-blank lines with two regexes over the
    joined page: the same counts as asking `_CLOSING_START` and `str.strip` line by line."""
    from ingest.clean.fragments import _CLOSING_LINE, _CLOSING_START, _NONBLANK_LINE

    joined = "\n".join(lines)
    assert len(_CLOSING_LINE.findall(joined)) == sum(
        1 for line in lines if _CLOSING_START.match(line.lstrip())
    )
    assert len(_NONBLANK_LINE.findall(joined)) == sum(1 for line in lines if line.strip())
