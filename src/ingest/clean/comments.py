"""Reader comment threads, dropped as a whole (`rules.COMMENT_SECTION`).

A comment thread is many short pieces (a commenter's name, "says:", a timestamp, reply and vote controls,
the comment's text) that no line rule can judge one by one: a comment's text reads like article prose.
The thread is told by a cluster of such markers of at least two kinds after the article's running text,
and everything kept from the first marker to the last comment goes.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.clean.classifier import CLASSIFIER_RULE
from ingest.clean.reasons import LINE_CACHE
from ingest.clean.rules.engine import COMMENT_SECTION

_LIST_NUMBER = re.compile(r"^\d{1,4}[.)]\s+")
"""A numbered thread's item number ("3. Emma"): names are compared without it."""


@lru_cache(maxsize=LINE_CACHE)
def _comment_marker(text: str) -> str | None:
    """`COMMENT_SECTION.marker`, memoized like `rule_hit` (every pass asks again for the same lines)."""
    return COMMENT_SECTION.marker(text)


def comment_marks(texts: list[str], n_words: list[float] | None = None) -> list[tuple[int, str]]:
    """(line, kind) of every comment marker, a commenter's name above a timestamp included. `n_words`:
    the lines' `n_words` statistic, when known: a line longer than `max_marker_words` is no marker, and is
    not looked up."""
    marks: list[tuple[int, str]] = []
    pattern = COMMENT_SECTION.name_before
    longest = COMMENT_SECTION.max_marker_words
    for i, text in enumerate(texts):
        if n_words is not None and n_words[i] > longest:
            continue
        kind = _comment_marker(text)
        if kind is None:
            continue
        above = texts[i - 1] if i else ""
        if (
            kind == "stamp"
            and pattern is not None
            and len(above) <= 40
            and pattern.match(above)
            and (not marks or marks[-1][0] != i - 1)
        ):
            marks.append((i - 1, "name"))
        marks.append((i, kind))
    return marks


def comment_sections(
    texts: list[str], reasons: list[str | None], prose: list[bool], n_words: list[float] | None = None
) -> None:
    """Drop reader comment threads as a whole (`rules.COMMENT_SECTION`): a cluster of comment markers
    (bylines with "says:", timestamps, reply controls, scores) of at least two kinds, close together, after
    some kept running text. Every kept line from the first marker to the last comment's text goes."""
    rule = COMMENT_SECTION
    marks = comment_marks(texts, n_words)
    if len(marks) < rule.min_markers:
        return
    clusters: list[list[tuple[int, str]]] = [[marks[0]]]
    for mark in marks[1:]:
        if mark[0] - clusters[-1][-1][0] <= rule.max_gap:
            clusters[-1].append(mark)
        else:
            clusters.append([mark])
    for cluster in clusters:
        if len({_LIST_NUMBER.sub("", texts[i]) for i, kind in cluster if kind == "name"}) < 2:
            cluster = [(i, kind) for i, kind in cluster if kind != "name"]
        if len(cluster) < rule.min_markers or len({kind for _, kind in cluster}) < rule.min_kinds:
            continue
        start, end = cluster[0][0], cluster[-1][0]
        if not any(reasons[i] is None and prose[i] for i in range(start)):
            continue
        for k in range(end + 1, min(len(texts), end + 1 + rule.tail)):
            if reasons[k] not in (None, CLASSIFIER_RULE):
                break
            end = k
        for k in range(start, end + 1):
            if reasons[k] is None:
                reasons[k] = rule.name
