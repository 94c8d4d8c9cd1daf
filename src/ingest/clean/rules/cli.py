"""`python -m ingest rules ...`: check a rule file, or list the rules (as the docs' rule table).

python -m ingest rules check my_rules.toml      exit 0 and one line "OK", or exit 2 and the error
python -m ingest rules list                     name, max_words and why of every rule in effect
python -m ingest rules list --markdown          docs/concepts/rules.md, generated from the data
python -m ingest rules list my_rules.toml       the defaults followed by the file's rules
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ingest.clean.rules.engine import DEFAULT_FILE, RuleError, RuleSet, load_rules, read_rule_file

FIELDS = (
    ("name", "the reason written to `removed`: lower-case letters, digits and `_`, unique"),
    ("why", "what the line is and why it is not article text"),
    (
        "pattern` or `patterns",
        "a Python regular expression, or a list of them (any one matching is enough); a leading flag such "
        "as `(?i)` (ignore case) applies to its own expression; no named groups or back references",
    ),
    ("max_words", "the rule judges only paragraphs of at most this many words (default 12)"),
    (
        "keys",
        "optional speed-up: lower-case substrings one of which every alternative not anchored with `^` holds",
    ),
    ("examples", "lines the rule must remove (at least one)"),
    ("counterexamples", "lines it must not remove"),
)
FIELD_TABLE = "| field | meaning |\n| --- | --- |\n" + "".join(f"| `{k}` | {v} |\n" for k, v in FIELDS)
DOC_HEADER = f"""\
# Line rules

<!-- Generated from src/ingest/clean/rules/{DEFAULT_FILE} by `python -m ingest rules list --markdown`;
do not edit. -->

The cleaner removes a paragraph when one of these rules matches it, and records the rule's name in the
`removed` column. Rules are tried in this order and the first match wins. A rule only judges paragraphs of
at most *max words* words: the same keyword inside a long sentence is article text. Where unsure, a rule
does not fire and the line goes on to the statistical judgement (the article classifier).

## Adding and switching off rules

Rules are data: the defaults live in `src/ingest/clean/rules/{DEFAULT_FILE}`, and a configuration can add
its own rule files (applied after the defaults, same format, paths relative to the config file) and switch
rules off by name:

```toml
[clean]
rules_files = ["my_rules.toml"]
disable_rules = ["share_strip"]
```

A rule file holds one `[[rule]]` table per rule:

```toml
[[rule]]
name = "zebra_promo"
why = "Our scraper's sites print a weekly promo line."
pattern = '(?i)^zebra deals of the week\\b'
examples = ["Zebra deals of the week: 20% off"]
counterexamples = ["Zebras were seen crossing the road."]
```

{FIELD_TABLE}
Every rule set is checked when it is loaded: names are unique, patterns compile, every example is removed
and no counterexample is. A run whose configuration names a bad rule file, or a rule to disable that does
not exist, stops before any work with a one-line error (exit status 2). Check a file on its own with
`python -m ingest rules check my_rules.toml`.

Besides these line rules, the cleaner's other steps write their own names to `removed`: `markup`,
`price_widget`, `comment_section`, `classifier:low_article_score`, `repeated_paragraph`,
`repeated_article_copy` and `cross_document_boilerplate`; those names are reserved.

## Default rules

"""


def markdown(rules: RuleSet) -> str:
    """The docs page: how rules work, then one section per rule (why, limit, patterns, examples)."""
    parts = [DOC_HEADER, "| rule | max words | what it removes |\n| --- | --- | --- |\n"]
    parts += [f"| [`{r.name}`](#{r.name}) | {r.max_words} | {_prose(r.why)} |\n" for r in rules.rules]
    for rule in rules.rules:
        parts.append(
            f"\n### {rule.name}\n\n{_prose(rule.why)}\n\nAt most {rule.max_words} words. Patterns:\n\n"
        )
        parts += [f"- `` {p} ``\n" for p in rule.patterns]
        parts.append("\nRemoves:\n\n" + "".join(f"- {_quote(e)}\n" for e in rule.examples))
        if rule.counterexamples:
            parts.append("\nKeeps:\n\n" + "".join(f"- {_quote(e)}\n" for e in rule.counterexamples))
    return "".join(parts)


def _prose(text: str) -> str:
    """Text safe in a markdown paragraph or table cell (no HTML tags, no cell breaks)."""
    return text.replace("<", "&lt;").replace("|", "\\|")


def _quote(text: str) -> str:
    """An example as inline code (a text holding a backtick gets a double-backtick fence)."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest rules", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="check a rule file (exit 0: OK, 2: the error, one line)")
    check.add_argument("file", type=Path)
    listing = sub.add_parser("list", help="list the default rules, then those of the files given")
    listing.add_argument("files", type=Path, nargs="*")
    listing.add_argument(
        "--markdown", action="store_true", help="print the docs page (docs/concepts/rules.md)"
    )
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            rules = read_rule_file(args.file)
            load_rules((str(args.file),))
            print(f"{args.file}: OK, {len(rules)} rules")
            return 0
        rule_set = load_rules(tuple(str(f) for f in args.files))
    except RuleError as exc:
        print(f"ingest rules: error: {exc}", file=sys.stderr)
        return 2
    if args.markdown:
        sys.stdout.write(markdown(rule_set))
    else:
        for rule in rule_set.rules:
            print(f"{rule.name:24} {rule.max_words:4}  {rule.why}")
    return 0
