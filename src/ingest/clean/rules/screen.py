"""Fast screens for the line rules, read from the patterns' text (no private `re` API).

The cleaner asks every short line of every page which rule names it, and nearly every line is article text
that no rule names. Two cheap tests decide most lines before a rule's regex runs:
- a rule's alternatives anchored at the line start (`^...`) are joined into one pattern per first character
  of the line (`StartScreen`): a line starting with "T" is only tried against the alternatives that can
  begin with "t" or "T";
- the other alternatives are only searched when the line holds one of the rule's `keys` (see `rules.py`).

The first characters an alternative can begin with are read from its text by a small, conservative reader
(`first_chars`): whatever it does not fully understand (`.`, `\\w`, negated classes, flags inside the
pattern) makes the answer "anything", and such an alternative is tried on every line. Being conservative it
can only make the screen let more through, never fewer: the screen decides exactly as the one combined
pattern does (tests check this on generated text).
"""

from __future__ import annotations

import re
from functools import cached_property

_DIGITS = frozenset("0123456789")
_QUANTIFIER = re.compile(r"[?*+]|\{(\d*)(?:,(\d*))?\}")
_MAX_RANGE = 512
"""A class range wider than this (`[^-￿]`) is not expanded: its first characters are "anything"."""


def top_level_alternatives(pattern: str) -> list[str]:
    """Split a regex at its top-level `|` (outside groups and character classes)."""
    parts, start, depth, i = [], 0, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            end = _class_end(pattern, i)
            i = (len(pattern) if end is None else end) + 1
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


def first_chars(alternative: str) -> frozenset[str] | None:
    """The characters a match of `alternative` (a start-anchored alternative, its `^` removed) can begin
    with, or None when that cannot be read off safely or the alternative can match the empty string."""
    found, empty = _branches(alternative)
    return None if found is None or empty else found


def _sequence(text: str) -> tuple[frozenset[str] | None, bool]:
    """(first characters of a sequence of atoms, whether all of it can match empty)."""
    chars: set[str] = set()
    at = 0
    while at < len(text):
        found, empty, at = _atom(text, at)
        if found is None:
            return None, False
        chars |= found
        if not empty:
            return frozenset(chars), False
    return frozenset(chars), True


def _atom(text: str, at: int) -> tuple[frozenset[str] | None, bool, int]:
    """(first characters, can be empty, position after it and its quantifier) of the atom at `at`."""
    ch = text[at]
    if ch == "(":
        end = _closing(text, at)
        if end is None:
            return None, False, at
        found, empty = _group(text[at + 1 : end])
        after = end + 1
    elif ch == "[":
        end = _class_end(text, at)
        if end is None:
            return None, False, at
        found, empty, after = _class(text[at + 1 : end]), False, end + 1
    elif ch == "\\" and at + 1 < len(text):
        found, empty, after = _escape(text[at + 1]), text[at + 1] in "bBA", at + 2
    elif ch == "^":
        found, empty, after = frozenset(), True, at + 1
    elif ch in ".$|)*+?{\\":
        return None, False, at
    else:
        found, empty, after = frozenset(ch), False, at + 1
    quantifier = _QUANTIFIER.match(text, after)
    if quantifier:
        low = quantifier.group(1)
        empty = empty or quantifier.group(0) in ("?", "*") or (low is not None and low in ("", "0"))
        after = quantifier.end()
        if after < len(text) and text[after] in "?+":
            after += 1
    return found, empty, after


def _group(body: str) -> tuple[frozenset[str] | None, bool]:
    """A group's first characters: lookarounds are zero-width; a group that sets flags or names a
    condition is not read."""
    if body.startswith(("?=", "?!", "?<=", "?<!")):
        return frozenset(), True
    if body.startswith("?:"):
        body = body[2:]
    elif body.startswith("?P<"):
        body = body[body.find(">") + 1 :]
    elif body.startswith("?"):
        return None, False
    return _branches(body)


def _branches(text: str) -> tuple[frozenset[str] | None, bool]:
    """First characters of an alternation: the union of its branches'."""
    chars: set[str] = set()
    empty = False
    for branch in top_level_alternatives(text):
        found, can_be_empty = _sequence(branch)
        if found is None:
            return None, False
        chars |= found
        empty |= can_be_empty
    return frozenset(chars), empty


def _escape(ch: str) -> frozenset[str] | None:
    if ch == "d":
        return _DIGITS
    if ch in "bBA":
        return frozenset()
    if not ch.isalnum() and not ch.isspace():
        return frozenset(ch)
    return None


def _class(body: str) -> frozenset[str] | None:
    """Members of a character class body; None for a negated class or one holding a category other
    than `\\d`."""
    if body.startswith("^"):
        return None
    chars: set[str] = set()
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            if i + 1 >= len(body):
                return None
            found = _escape(body[i + 1])
            if not found:
                return None
            chars |= found
            i += 2
            continue
        if i + 2 < len(body) and body[i + 1] == "-" and body[i + 2] != "\\":
            low, high = ord(ch), ord(body[i + 2])
            if high - low > _MAX_RANGE:
                return None
            chars |= {chr(c) for c in range(low, high + 1)}
            i += 3
            continue
        chars.add(ch)
        i += 1
    return frozenset(chars)


def _class_end(text: str, at: int) -> int | None:
    """Index of the `]` closing the class opened at `at`."""
    i = at + 1
    if i < len(text) and text[i] == "^":
        i += 1
    if i < len(text) and text[i] == "]":
        i += 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == "]":
            return i
        i += 1
    return None


def _closing(text: str, at: int) -> int | None:
    """Index of the `)` closing the group opened at `at`."""
    depth, i = 0, at
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            end = _class_end(text, i)
            if end is None:
                return None
            i = end + 1
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def _ascii_folds(x: str) -> frozenset[str]:
    """ASCII characters that match the character `x` ignoring case, asked of `re` itself. Case is always
    ignored here: that can only let more through, and it covers `(?i)` wherever it is set."""
    pattern = re.compile(re.escape(x), re.IGNORECASE)
    return frozenset(chr(c) for c in range(0x80) if pattern.fullmatch(chr(c)))


class StartScreen:
    """Whether any of a set of start-anchored alternatives matches at a line's start, cheaper than the
    combined pattern: a line starting with an ASCII character is matched against only the alternatives
    that can begin with it; the rest of the lines (empty, non-ASCII first character) take the combined
    pattern. `alternatives` are (regex text without the `^`, wrapped in its rule's flags; the same text
    unwrapped, read for its first characters)."""

    def __init__(self, alternatives: list[tuple[str, str]]) -> None:
        self._combined = "|".join(wrapped for wrapped, _ in alternatives) or "(?!)"
        screened: list[tuple[str, frozenset[str]]] = []
        always: list[str] = []
        folds: dict[str, frozenset[str]] = {}
        for wrapped, bare in alternatives:
            firsts = first_chars(bare)
            if firsts is None:
                always.append(wrapped)
                continue
            ascii_firsts: set[str] = set()
            for x in firsts:
                if x not in folds:
                    folds[x] = _ascii_folds(x)
                ascii_firsts |= folds[x]
            screened.append((wrapped, frozenset(ascii_firsts)))
        self.always = re.compile("|".join(always)) if always else None
        compiled: dict[tuple[str, ...], re.Pattern[str]] = {}
        self.by_char: dict[str, re.Pattern[str] | None] = {}
        for code in range(0x80):
            ch = chr(code)
            chosen = tuple(wrapped for wrapped, firsts in screened if ch in firsts)
            if chosen and chosen not in compiled:
                compiled[chosen] = re.compile("|".join(chosen))
            self.by_char[ch] = compiled[chosen] if chosen else None

    @cached_property
    def combined(self) -> re.Pattern[str]:
        """Every alternative in one pattern, for the lines the screen does not cover; compiled the first
        time such a line comes (English news seldom has one)."""
        return re.compile(self._combined)

    def matches(self, line: str) -> bool:
        """`self.combined.match(line) is not None`, screened by the line's first character."""
        first = line[:1]
        if not first or first >= "\x80":
            return self.combined.match(line) is not None
        screened = self.by_char[first]
        if screened is not None and screened.match(line) is not None:
            return True
        return self.always is not None and self.always.match(line) is not None
