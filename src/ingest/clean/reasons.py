"""The rule decisions for every paragraph of a page, before the classifier: line rules, markup, widgets.

Line rules (`rules/`) name what a single line does (asks to subscribe, counts comments); a line that is
nothing but markup goes as `markup`; and a run of short label and value lines that together form a price,
ticker, score or weather widget goes as `PRICE_WIDGET`, though no line of it would be judged on its own.
These reasons are final, and the classifier reads them as features (`rule_any`, `rule_near`).
"""

from __future__ import annotations

from functools import lru_cache

from ingest.clean.lines import Para
from ingest.clean.rules.engine import DEFAULT_RULES, PRICE_WIDGET, WIDGET_LABEL, WIDGET_VALUE, RuleSet

LINE_CACHE = 8192
"""Entries of each per-line memo (rule hits, widget kinds, repeat tokens): bounded so a long-running worker
does not grow."""


def rule_hit(text: str, n_words: int | None = None, rules: RuleSet = DEFAULT_RULES) -> str | None:
    """Name of the first line rule (in the rule set's order) that matches the paragraph, or None."""
    return rules.hit(text, n_words)


def page_rule_hits(texts: list[str], rules: RuleSet = DEFAULT_RULES) -> list[str | None]:
    """`rule_hit` of every line of a page, remembered per line and judged together (`RuleSet.hits`)."""
    return rules.hits(texts)


def widget_runs(texts: list[str]) -> list[bool]:
    """Mark runs of short lines that together form a price, ticker, score or weather widget.

    A run is a maximal stretch of short lines (labels or values); it is a widget when it is long enough and a
    large enough share of it are values. Labels alone ('Bitcoin') would never be judged noise on their own.
    """
    n = len(texts)
    marks = [False] * n
    kinds = [_widget_kind(t) for t in texts]
    is_value = [k[0] for k in kinds]
    is_short = [k[1] for k in kinds]
    i = 0
    while i < n:
        if not is_short[i]:
            i += 1
            continue
        j = i
        while j < n and is_short[j]:
            j += 1
        values = sum(is_value[i:j])
        if j - i >= PRICE_WIDGET.min_run and values >= PRICE_WIDGET.min_value_share * (j - i):
            lo, hi = i, j
            while lo < hi and not is_value[lo] and not _label_of_value(texts, lo, is_value):
                lo += 1
            for k in range(lo, hi):
                marks[k] = True
        i = j
    return marks


@lru_cache(maxsize=LINE_CACHE)
def _widget_kind(text: str) -> tuple[bool, bool]:
    """(the line is a widget value, the line is a value or a short label); memoized like `rule_hit`."""
    if len(text) > 40:
        return False, False
    value = WIDGET_VALUE.match(text) is not None
    return value, value or WIDGET_LABEL.match(text) is not None


def _label_of_value(texts: list[str], i: int, is_value: list[bool]) -> bool:
    """A leading label belongs to the widget when a value follows within two lines."""
    return any(is_value[k] for k in range(i + 1, min(len(texts), i + 3)))


def rule_reasons(paras: list[Para], rules: RuleSet = DEFAULT_RULES) -> list[str | None]:
    """The rule decisions for every paragraph before the classifier: keyword rules, markup, widget blocks."""
    hits = page_rule_hits([p.text for p in paras], rules)
    reasons: list[str | None] = [
        hit or ("markup" if p.markup else None) for hit, p in zip(hits, paras, strict=True)
    ]
    for i, is_widget in enumerate(widget_runs([p.text for p in paras])):
        if is_widget and reasons[i] is None:
            reasons[i] = PRICE_WIDGET.name
    return reasons
