"""The cleaner's line rules: data in TOML files, checked when loaded, matched fast.

A line rule names one kind of paragraph that is not article text (a share strip, a cookie notice). The
defaults live in `default.toml` beside this module, one `[[rule]]` table each (the file's header says
what every field means); a user's `[clean] rules_files` add more in the same format, after the defaults,
and `[clean] disable_rules` switches rules off by name. The first rule in order that matches a line names
it in `removed`.

A rule set is checked as it is loaded, so a bad rule stops a run before any work: names are unique, every
pattern compiles, every example matches its rule and no counterexample does. The error is one line naming
the file, the rule and the failing example (`RuleError`).

Matching is the cleaner's hot loop (every short line of every page), so a rule set is compiled into
screens (`rules_screen`): start-anchored alternatives by the line's first character, the others only where
the line holds one of the rule's `keys`, and for a whole page the keys are found in the page's text at once
(`RuleSet.first_rules`). The rules that judge several lines together, and the metadata patterns, are code
in `rules_page` and re-exported here.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ingest.clean.rules.line import LineRule, RuleError, parse_rules
from ingest.clean.rules.page import (  # noqa: F401  (re-exported: the cleaner reads them from here)
    AGENCY_MARK,
    APPEARED_FOOTER,
    AUTHOR_SITE_MARK,
    BYLINE,
    COMMENT_SECTION,
    POST_FOOTER,
    PRICE_WIDGET,
    WIDGET_LABEL,
    WIDGET_VALUE,
    BlockRule,
    SectionRule,
)
from ingest.clean.rules.screen import StartScreen, top_level_alternatives  # noqa: F401

DEFAULT_FILE = "default.toml"
_MEMO = 8192
"""Lines remembered per rule set (see `RuleSet.hits`): bounded so a long-running worker does not grow."""


class RuleSet:
    """Line rules in order, compiled for matching, with a memo of the lines already judged."""

    def __init__(self, rules: tuple[LineRule, ...]) -> None:
        self.rules = rules
        self.longest = max((rule.max_words for rule in rules), default=0)
        """No rule judges a paragraph longer than this: running text is never looked up."""
        self._screens = tuple((r.name, r.max_words, r.start, r.anywhere, r.keys) for r in rules)
        self._start = StartScreen([alt for rule in rules for alt in rule.starts])
        self._all_loose_keyed = all(r.keys for r in rules if r.anywhere is not None)
        """Only when every rule with unanchored alternatives has keys can a line holding no key skip the
        rule loop."""
        self._memo: dict[str, str | None] = {}

    def first_rule(self, line: str, n_words: int) -> str | None:
        """Name of the first rule whose `matches` is true for the line, or None: the same tests, unrolled
        over precomputed tables (method and cache lookups cost more than the regexes)."""
        lower = line.lower()
        any_start = self._start.matches(line)
        for name, max_words, start, anywhere, keys in self._screens:
            if n_words > max_words:
                continue
            if any_start and start is not None and start.match(line):
                return name
            if anywhere is None or (keys and not any(key in lower for key in keys)):
                continue
            if anywhere.search(line) is not None:
                return name
        return None

    def first_rules(self, lines: list[str], n_words: list[int]) -> list[str | None]:
        """`first_rule` of every line of a page at once: the keys are looked for in the page's lower-cased
        text, key by key, so a line holding no key whose start alternatives do not match (nearly every
        line) is decided without entering the rule loop."""
        out: list[str | None] = [None] * len(lines)
        candidates = [i for i, words in enumerate(n_words) if words <= self.longest]
        if not candidates:
            return out
        keyed = self._lines_holding_keys([lines[i].lower() for i in candidates])
        holding: set[int] = set().union(*keyed.values())
        for k, i in enumerate(candidates):
            line = lines[i]
            any_start = self._start.matches(line)
            if not any_start and k not in holding and self._all_loose_keyed:
                continue
            for name, max_words, start, anywhere, keys in self._screens:
                if n_words[i] > max_words:
                    continue
                if any_start and start is not None and start.match(line):
                    out[i] = name
                    break
                if anywhere is None or (keys and k not in keyed[name]):
                    continue
                if anywhere.search(line) is not None:
                    out[i] = name
                    break
        return out

    def _lines_holding_keys(self, lowers: list[str]) -> dict[str, set[int]]:
        """For each rule with keys, the lines (indices into `lowers`) holding one of them. Keys hold no
        newline, so an occurrence in the joined text lies inside one line."""
        page = "\n".join(lowers)
        starts, at = [], 0
        for text in lowers:
            starts.append(at)
            at += len(text) + 1
        found: dict[str, set[int]] = {}
        out: dict[str, set[int]] = {}
        for name, _, _, _, keys in self._screens:
            if keys:
                for key in keys:
                    if key not in found:
                        found[key] = _occurrences(page, key, starts)
                out[name] = set().union(*(found[key] for key in keys))
        return out

    def hit(self, text: str, n_words: int | None = None) -> str | None:
        """Name of the first rule that matches the paragraph, or None; remembered per line."""
        if n_words is not None:
            return None if n_words > self.longest else self.first_rule(text, n_words)
        return self.hits([text])[0]

    def hits(self, texts: list[str]) -> list[str | None]:
        """`hit` of every line of a page, remembered per line (the fixpoint passes re-read the same lines,
        and a site's boilerplate recurs across its documents); lines not seen before are judged together
        (`first_rules`). Threads may share the memo: the answer is assembled from this call's lookups."""
        unseen = object()
        found: dict[str, object] = {t: self._memo.get(t, unseen) for t in texts}
        missing = [t for t, hit in found.items() if hit is unseen]
        if missing:
            if len(self._memo) + len(missing) > _MEMO:
                self._memo.clear()
            judged = self.first_rules(missing, [len(t.split()) for t in missing])
            for text, hit in zip(missing, judged, strict=True):
                found[text] = self._memo[text] = hit
        return [found[t] for t in texts]  # type: ignore[misc]


def _occurrences(page: str, key: str, starts: list[int]) -> set[int]:
    """Lines of `page` (by their start offsets) holding `key`."""
    lines: set[int] = set()
    at = page.find(key)
    while at >= 0:
        line = bisect_right(starts, at) - 1
        lines.add(line)
        at = page.find(key, starts[line + 1] if line + 1 < len(starts) else len(page))
    return lines


def read_rule_file(path: Path | str) -> tuple[LineRule, ...]:
    """The rules of one TOML rule file, each checked on its own (`rules_check.parse_rules`)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RuleError(f"rules file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"cannot read rules file {path}: {exc}") from None
    return parse_rules(text, str(path))


def _default_rules() -> tuple[LineRule, ...]:
    text = resources.files("ingest.clean.rules").joinpath(DEFAULT_FILE).read_text(encoding="utf-8")
    return parse_rules(text, DEFAULT_FILE, verify=False)  # verified by tests/clean/test_rules.py


@lru_cache(maxsize=16)
def load_rules(files: tuple[str, ...] = (), disabled: tuple[str, ...] = ()) -> RuleSet:
    """The default rules, then those of `files` in order, without the `disabled` ones. Raises `RuleError`
    on a bad file, a name used twice, or a disabled name no rule has."""
    sourced = [(rule, DEFAULT_FILE) for rule in _default_rules()]
    for path in files:
        sourced += [(rule, str(path)) for rule in read_rule_file(path)]
    seen: dict[str, str] = {}
    for rule, source in sourced:
        if rule.name in seen:
            raise RuleError(f"{source}: rule {rule.name!r}: the name is already used (in {seen[rule.name]})")
        seen[rule.name] = source
    for name in disabled:
        if name not in seen:
            raise RuleError(f"disable_rules: no rule is named {name!r} (known: {', '.join(seen)})")
    return RuleSet(tuple(rule for rule, _ in sourced if rule.name not in disabled))


def rules_for(clean: Any) -> RuleSet:
    """The rule set a `CleanConfig` asks for (its `rules_files` and `disable_rules`), loaded again when a
    rule file changed on disk: a long-running process (a scheduled flow) picks up edited rules."""
    if not clean.rules_files:
        return load_rules((), tuple(clean.disable_rules))
    return _load_versions(tuple(_version(f) for f in clean.rules_files), tuple(clean.disable_rules))


def _version(path: str) -> tuple[str, int, int]:
    """(path, modification time, size): what tells a changed rule file."""
    try:
        stat = Path(path).stat()
    except OSError:
        return path, -1, -1
    return path, stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=16)
def _load_versions(versions: tuple[tuple[str, int, int], ...], disabled: tuple[str, ...]) -> RuleSet:
    return load_rules.__wrapped__(tuple(path for path, _, _ in versions), disabled)


def resolve_rule_files(files: tuple[str, ...], base: Path) -> tuple[str, ...]:
    """Rule files named relative to `base` (the config file's folder), as absolute paths: worker processes
    and later runs find them wherever they start."""
    return tuple(str((base / f).absolute()) for f in files)


DEFAULT_RULES = load_rules((), ())  # the arguments `rules_for` passes: one cache entry, compiled once
LINE_RULES = DEFAULT_RULES.rules
first_rule = DEFAULT_RULES.first_rule
first_rules = DEFAULT_RULES.first_rules
