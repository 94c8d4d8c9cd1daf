"""One line rule: its data, its compiled patterns, and the checks a rule file passes when it is loaded.

A rule file is TOML, one `[[rule]]` table per rule (`default.toml` is the reference and its header
describes every field). `parse_rules` reads one file and checks each rule on its own: known fields of the
right types, a name the cleaner's other steps do not use, patterns that compile and can be combined with
other rules' (no back references or named groups, whose numbers and names would clash), every example
matching and no counterexample matching. Each failure is one line naming the file, the rule and the cause.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from ingest.clean.rules.page import COMMENT_SECTION, PRICE_WIDGET
from ingest.clean.rules.screen import top_level_alternatives

DEFAULT_MAX_WORDS = 12
FIELDS = ("name", "why", "pattern", "patterns", "max_words", "keys", "examples", "counterexamples")
RESERVED = frozenset(
    {
        "markup",
        PRICE_WIDGET.name,
        COMMENT_SECTION.name,
        "cross_document_boilerplate",
        "repeated_paragraph",
        "repeated_article_copy",
    }
)
"""Names the cleaner's other steps write to `removed`: a line rule may not take them."""
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_LEADING_FLAGS = re.compile(r"\(\?([aimsu]+)\)")
_BACKREFERENCE = re.compile(r"(?<!\\)(?:\\\\)*\\[1-9]|\(\?P=")


class RuleError(ValueError):
    """A rule file that cannot be used; the message is one line naming the file, the rule and the cause."""


@dataclass(frozen=True, slots=True)
class LineRule:
    """A rule that judges one paragraph on its own. `patterns` are Python regular expressions (any one
    matching is enough; a leading inline flag such as `(?i)` applies to its own expression); `keys` are
    lower-case substrings one of which every alternative not anchored with `^` contains."""

    name: str
    why: str
    patterns: tuple[str, ...]
    max_words: int = DEFAULT_MAX_WORDS
    examples: tuple[str, ...] = ()
    counterexamples: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()
    combined: str = field(init=False, repr=False, compare=False)
    """All of `patterns` in one regex (each in its own group with its flags)."""
    starts: tuple[tuple[str, str], ...] = field(init=False, repr=False, compare=False)
    """Start-anchored alternatives as (wrapped in their flags, bare), their `^` removed."""
    start: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    anywhere: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        every, starts, loose = [], [], []
        for entry in self.patterns:
            flags = _LEADING_FLAGS.match(entry)
            body = entry[flags.end() :] if flags else entry
            wrap = f"(?{flags.group(1)}:{{}})" if flags else "(?:{})"
            every.append(wrap.format(body))
            for alt in top_level_alternatives(body):
                if alt.startswith("^"):
                    starts.append((wrap.format(alt[1:]), alt[1:]))
                else:
                    loose.append(wrap.format(alt))
        set_ = object.__setattr__
        set_(self, "combined", "|".join(every))
        set_(self, "starts", tuple(starts))
        set_(self, "start", re.compile("|".join(w for w, _ in starts)) if starts else None)
        set_(self, "anywhere", re.compile("|".join(loose)) if loose else None)

    @property
    def pattern(self) -> re.Pattern[str]:
        """All of `patterns` in one: what `matches` decides, without the screens. Compiled when asked
        (the checks and the rules tools ask; the cleaner runs the screens)."""
        return re.compile(self.combined)

    def matches(self, line: str, n_words: int | None = None, lower: str | None = None) -> bool:
        """True when the line is short enough for this rule and its pattern is found (screened by keys)."""
        words = n_words if n_words is not None else len(line.split())
        if words > self.max_words:
            return False
        if self.start is not None and self.start.match(line):
            return True
        if self.anywhere is None:
            return False
        low = lower if lower is not None else line.lower()
        if self.keys and not any(key in low for key in self.keys):
            return False
        return self.anywhere.search(line) is not None


def parse_rules(text: str, source: str, verify: bool = True) -> tuple[LineRule, ...]:
    """The rules of a rule file's text, each checked (`_rule`); `source` names the file in errors. Without
    `verify`, the checks that compile every pattern alone and run every example are skipped: the default
    file, which ships with the package, is verified by the test suite instead of in every process."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{source}: not valid TOML: {exc}") from None
    extra = sorted(set(data) - {"rule"})
    if extra:
        raise RuleError(f"{source}: unknown table or key {extra[0]!r} (rules are [[rule]] tables)")
    entries = data.get("rule", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise RuleError(f"{source}: 'rule' must be [[rule]] tables")
    return tuple(_rule(entry, f"{source}: rule {i + 1}", verify) for i, entry in enumerate(entries))


def _rule(entry: dict[str, Any], where: str, verify: bool = True) -> LineRule:
    """One `[[rule]]` table as a checked `LineRule`; `where` locates it until its name is known."""
    name = entry.get("name")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise RuleError(f"{where}: 'name' must be lower-case letters, digits and _ (got {name!r})")
    where = f"{where.rsplit(': rule ', 1)[0]}: rule {name!r}"
    unknown = sorted(set(entry) - set(FIELDS))
    if unknown:
        raise RuleError(f"{where}: unknown field {unknown[0]!r} (known: {', '.join(FIELDS)})")
    if name in RESERVED:
        raise RuleError(f"{where}: the name is reserved for another step of the cleaner")
    why = entry.get("why")
    if not isinstance(why, str) or not why.strip():
        raise RuleError(f"{where}: 'why' must say what the line is and why it is not article text")
    if ("pattern" in entry) == ("patterns" in entry):
        raise RuleError(f"{where}: give exactly one of 'pattern' (a string) or 'patterns' (a list)")
    patterns = [entry["pattern"]] if "pattern" in entry else entry["patterns"]
    if not isinstance(patterns, list) or not patterns or not all(isinstance(p, str) and p for p in patterns):
        raise RuleError(f"{where}: 'patterns' must be a non-empty list of non-empty strings")
    max_words = entry.get("max_words", DEFAULT_MAX_WORDS)
    if not isinstance(max_words, int) or isinstance(max_words, bool) or max_words < 1:
        raise RuleError(f"{where}: 'max_words' must be a whole number of at least 1 (got {max_words!r})")
    keys = _strings(entry, "keys", where)
    if any(not key or key != key.lower() or "\n" in key for key in keys):
        raise RuleError(f"{where}: 'keys' must be non-empty lower-case strings without newlines")
    examples = _strings(entry, "examples", where)
    if not examples:
        raise RuleError(f"{where}: 'examples' must list at least one line the rule removes")
    for i, pattern in enumerate(patterns if verify else ()):
        _check_pattern(pattern, f"{where}: pattern {i + 1}")
    rule = LineRule(
        name,
        why.strip(),
        tuple(patterns),
        max_words,
        examples,
        _strings(entry, "counterexamples", where),
        keys,
    )
    if verify:
        _check_examples(rule, where)
    return rule


def _strings(entry: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleError(f"{where}: {key!r} must be a list of strings")
    return tuple(value)


def _check_pattern(pattern: str, where: str) -> None:
    """The pattern compiles alone and once wrapped in its own group (as rule sets combine them)."""
    try:
        compiled = re.compile(pattern)
        flags = _LEADING_FLAGS.match(pattern)
        re.compile(f"(?{flags.group(1)}:{pattern[flags.end() :]})" if flags else f"(?:{pattern})")
    except re.error as exc:
        raise RuleError(f"{where} does not compile ({exc}): {pattern!r}") from None
    if compiled.groupindex or _BACKREFERENCE.search(pattern):
        raise RuleError(f"{where}: named groups and back references cannot be combined with other rules")


def _check_examples(rule: LineRule, where: str) -> None:
    """Every example is removed by the rule as the cleaner runs it (length limit and keys included);
    no counterexample is."""
    for example in rule.examples:
        words = len(example.split())
        if words > rule.max_words:
            raise RuleError(
                f"{where}: example has {words} words, over max_words = {rule.max_words}: {example!r}"
            )
        if rule.pattern.search(example) is None:
            raise RuleError(f"{where}: example does not match: {example!r}")
        if not rule.matches(example):
            raise RuleError(f"{where}: example matches, but holds none of the rule's keys: {example!r}")
    for counterexample in rule.counterexamples:
        if rule.matches(counterexample):
            raise RuleError(f"{where}: counterexample matches: {counterexample!r}")
