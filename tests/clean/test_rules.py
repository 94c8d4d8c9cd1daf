"""The line rules as data: every rule's own examples match and its counterexamples do not; the fast screens
decide as the plain patterns do; user rule files load, are checked, and act in a run; metadata patterns pull
the right fields."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ingest.clean.cleaner import CleanConfig, clean_text
from ingest.clean.reasons import rule_hit, widget_runs
from ingest.clean.rules.engine import (
    AGENCY_MARK,
    APPEARED_FOOTER,
    AUTHOR_SITE_MARK,
    BYLINE,
    DEFAULT_RULES,
    LINE_RULES,
    POST_FOOTER,
    PRICE_WIDGET,
    first_rule,
    rules_for,
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
    screen = DEFAULT_RULES._start
    assert screen.matches(line) == (screen.combined.match(line) is not None), line
    words = len(line.split())
    expected = next((r.name for r in LINE_RULES if r.matches(line, words)), None)
    assert first_rule(line, words) == expected, line


@given(
    st.lists(st.one_of(st.sampled_from(_STARTS), st.text(max_size=8)), max_size=6).map(" ".join), st.data()
)
def test_page_of_lines_gets_the_rules_of_each_line(line: str, data: st.DataObject) -> None:
    """`first_rules` (the rules' keys found in the whole page at once) names, for every line, what
    `first_rule` names for it alone."""
    from ingest.clean.rules.engine import first_rules

    examples = [t for rule in LINE_RULES for t in (*rule.examples, *rule.counterexamples)]
    page = [line, *data.draw(st.lists(st.sampled_from([*examples, "", "x", "Reply", "Log in"]), max_size=8))]
    page = data.draw(st.permutations(page))
    words = [len(t.split()) for t in page]
    assert first_rules(page, words) == [first_rule(t, w) for t, w in zip(page, words, strict=True)]


# --- rules as data: the default file, user files, checks, the docs page --------------------------------

ZEBRA = """\
[[rule]]
name = "zebra_promo"
why = "Our scraper's sites print a weekly promo line."
pattern = '(?i)^zebra deals of the week\\b'
examples = ["Zebra deals of the week: 20% off"]
counterexamples = ["Zebras were seen crossing the road."]
"""

PAGE = "\n\n".join(
    [
        "Council approves the new bridge",
        "The city council voted on Tuesday to build a new bridge over the river, ending a decade of debate "
        "about how to connect the two halves of the town.",
        "Zebra deals of the week: 20% off",
        "Share this article",
        "Construction is expected to start next spring and to take about three years, the mayor said after "
        "the vote, adding that the old ferry would keep running until then.",
    ]
)


def test_first_chars_reads_only_what_it_understands() -> None:
    from ingest.clean.rules.screen import first_chars

    assert first_chars(r"(?:additional )?(?:reporting|writing) by") == frozenset("arw")
    assert first_chars(r"\((?:a|b)") == frozenset("(")
    assert first_chars(r"\d[\d.,]*k?") == frozenset("0123456789")
    assert first_chars(r"[a-c]x|y") is not None
    assert first_chars(r"(?!x)ab") == frozenset("a")
    for unsure in (r"[\W_]{0,3}x", r"[^.]x", r".x", r"\w+", r"(?i:a)", r"a?", r"(?:a|)", r"x{0,2}", r"\s*x"):
        assert first_chars(unsure) is None, unsure


@given(st.from_regex(r"[a-c(\d ]{0,3}", fullmatch=True), st.text(alphabet="abc(1 x.-", max_size=6))
@example("", "")
def test_start_screen_of_a_small_rule_set(prefix: str, rest: str) -> None:
    """A screen built from alternatives of every construct the reader knows decides as their combined
    pattern, on any line."""
    from ingest.clean.rules.screen import StartScreen

    alternatives = [r"(?:a|b)?c", r"\(\d+\)", r"[a-b][x-]", r"(?:1 )?x", r"\W*a", r"(?=a)ab|b{2,}"]
    screen = StartScreen([(f"(?i:{a})", a) for a in alternatives])
    line = prefix + rest
    assert screen.matches(line) == (screen.combined.match(line) is not None)


def test_default_file_is_a_valid_rule_file() -> None:
    """Every check a user's rule file passes, patterns and examples included: the pipeline loads the
    default file without them (`parse_rules(verify=False)`), so this test is where they run."""
    from ingest.clean.rules.engine import DEFAULT_FILE, read_rule_file

    rules = read_rule_file(Path(__file__).parents[2] / "src" / "ingest" / "clean" / "rules" / DEFAULT_FILE)
    assert [r.name for r in rules] == [r.name for r in LINE_RULES]


def test_user_rule_removes_lines_with_its_name(tmp_path: Path) -> None:
    (tmp_path / "zebra.toml").write_text(ZEBRA, encoding="utf-8")
    default = clean_text(PAGE)
    assert "zebra_promo" not in [r.rule for r in default.removed]
    config = CleanConfig(rules_files=(str(tmp_path / "zebra.toml"),))
    result = clean_text(PAGE, config)
    assert ("Zebra deals of the week: 20% off", "zebra_promo") in [(r.text, r.rule) for r in result.removed]
    assert "Zebra" not in result.text and "new bridge over the river" in result.text
    assert rule_hit("Zebras were seen crossing the road.") is None


def test_disabled_rule_no_longer_names_lines() -> None:
    assert ("Share this article", "share_strip") in [(r.text, r.rule) for r in clean_text(PAGE).removed]
    result = clean_text(PAGE, CleanConfig(disable_rules=("share_strip",)))
    assert all(r.rule != "share_strip" for r in result.removed)


def test_rule_files_in_a_config_are_relative_to_it_and_act_in_a_run(tmp_path: Path) -> None:
    """A real run from the command line: the config names its rule file relatively and runs from another
    folder; the user rule's name lands in the written `removed` column."""
    import pyarrow.parquet as pq

    settings = tmp_path / "settings"
    settings.mkdir()
    (settings / "zebra.toml").write_text(ZEBRA, encoding="utf-8")
    (settings / "c.toml").write_text(
        '[clean]\nrules_files = ["zebra.toml"]\ndisable_rules = ["share_strip"]\n', encoding="utf-8"
    )
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "story.txt").write_text(PAGE, encoding="utf-8")
    result = _ingest(
        "--raw", str(raw), "--out", str(tmp_path / "o"), "--config", "settings/c.toml", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    removed = pq.read_table(tmp_path / "o" / "documents").column("removed").to_pylist()[0]
    assert {"text": "Zebra deals of the week: 20% off", "rule": "zebra_promo"} in removed
    assert all(r["rule"] != "share_strip" for r in removed)


BAD_RULES = [
    (
        ZEBRA.replace("20% off", "20% off", 1).replace('examples = ["Zebra', 'examples = ["Giraffe'),
        "does not match",
    ),
    (ZEBRA.replace("Zebras were seen", "Zebra deals of the week were seen"), "counterexample matches"),
    (ZEBRA.replace('name = "zebra_promo"', 'name = "share_strip"'), "already used"),
    (ZEBRA.replace('name = "zebra_promo"', 'name = "markup"'), "reserved"),
    (ZEBRA.replace('name = "zebra_promo"', 'name = "Zebra Promo"'), "'name' must be"),
    (ZEBRA + 'colour = "red"\n', "unknown field 'colour'"),
    (ZEBRA.replace("week\\b'", "week\\b('"), "does not compile"),
    (ZEBRA.replace("(?i)^zebra", "(?P<z>z)|(?i)^zebra"), "does not compile"),
    (ZEBRA.replace("(?i)^zebra", "(?i)^(?P<z>zebra)"), "named groups"),
    (ZEBRA.replace('examples = ["Zebra deals of the week: 20% off"]', "examples = []"), "at least one"),
    (ZEBRA + "max_words = 3\n", "over max_words = 3"),
    (
        ZEBRA.replace("pattern = '(?i)^zebra", 'keys = ["lion"]\npattern = \'(?i)zebra'),
        "none of the rule's keys",
    ),
    (ZEBRA.replace("[[rule]]", "[rules]"), "unknown table or key 'rules'"),
    ("[[rule]\n", "not valid TOML"),
]


@pytest.mark.parametrize(("text", "message"), BAD_RULES, ids=[m for _, m in BAD_RULES])
def test_bad_rule_file_is_a_one_line_error_naming_the_rule(tmp_path: Path, text: str, message: str) -> None:
    from ingest.clean.rules.engine import RuleError, load_rules

    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleError) as error:
        load_rules((str(path),))
    assert message in str(error.value) and "\n" not in str(error.value)
    assert str(path) in str(error.value)
    if (
        "rule 1" not in str(error.value)
        and "TOML" not in str(error.value)
        and "table" not in str(error.value)
    ):
        assert "rule '" in str(error.value)


def test_bad_rule_file_in_a_config_stops_the_run_before_any_work(tmp_path: Path) -> None:
    (tmp_path / "zebra.toml").write_text(ZEBRA.replace('examples = ["Zebra', 'examples = ["Giraffe'), "utf-8")
    (tmp_path / "c.toml").write_text('[clean]\nrules_files = ["zebra.toml"]\n', encoding="utf-8")
    (tmp_path / "raw").mkdir()
    result = _ingest("--config", "c.toml", "--out", str(tmp_path / "o"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "zebra_promo" in result.stderr and "Giraffe" in result.stderr
    assert not (tmp_path / "o").exists()

    (tmp_path / "d.toml").write_text('[clean]\ndisable_rules = ["no_such_rule"]\n', encoding="utf-8")
    unknown = _ingest("--config", "d.toml", cwd=tmp_path)
    assert unknown.returncode == 2 and "no_such_rule" in unknown.stderr
    assert unknown.stderr.strip().count("\n") == 0


def test_rules_check_command(tmp_path: Path) -> None:
    (tmp_path / "zebra.toml").write_text(ZEBRA, encoding="utf-8")
    ok = _ingest("rules", "check", "zebra.toml", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip().count("\n") == 0 and "OK" in ok.stdout
    (tmp_path / "bad.toml").write_text(
        ZEBRA.replace("Zebras were seen", "Zebra deals of the week were"), "utf-8"
    )
    bad = _ingest("rules", "check", "bad.toml", cwd=tmp_path)
    assert bad.returncode == 2
    assert bad.stderr.strip().count("\n") == 0 and "counterexample matches" in bad.stderr
    missing = _ingest("rules", "check", "nope.toml", cwd=tmp_path)
    assert missing.returncode == 2 and "not found" in missing.stderr


def test_docs_rule_page_is_generated_from_the_data() -> None:
    """docs/concepts/rules.md is `python -m ingest rules list --markdown`; regenerate it after changing
    the rules."""
    from ingest.clean.rules.cli import markdown

    page = Path(__file__).parents[2] / "docs" / "concepts" / "rules.md"
    assert page.read_text(encoding="utf-8") == markdown(DEFAULT_RULES), "regenerate docs/concepts/rules.md"
    for rule in LINE_RULES:
        assert f"### {rule.name}" in page.read_text(encoding="utf-8")


def _ingest(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ingest", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_an_edited_rule_file_is_loaded_again(tmp_path: Path) -> None:
    """A long-running process (a scheduled flow) picks up a rule file changed on disk."""
    import os

    from ingest.clean.rules.engine import rules_for

    path = tmp_path / "zebra.toml"
    path.write_text(ZEBRA, encoding="utf-8")
    config = CleanConfig(rules_files=(str(path),))
    assert rules_for(config).hit("Zebra deals of the week: 20% off") == "zebra_promo"
    path.write_text(ZEBRA.replace("zebra_promo", "zebra_offer"), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    assert rules_for(config).hit("Zebra deals of the week: 20% off") == "zebra_offer"


def test_default_config_uses_the_rule_set_compiled_at_import() -> None:
    """The default rules are compiled once per process (about 1,400 patterns, a few tenths of a second):
    the set a default `CleanConfig` asks for is the very object built at import."""
    assert rules_for(CleanConfig()) is DEFAULT_RULES
