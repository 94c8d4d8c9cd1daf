"""Give back article text the classifier dropped, where the page around the line shows it is article text.

The classifier judges each line from its statistics and its neighbourhood, and is least sure at the
article's ends, next to inserted boilerplate, on articles written one sentence per paragraph and on pages
it does not understand at all. Losing article text costs more than keeping a stray line, so these passes
undo `CLASSIFIER_RULE` decisions (never a rule's) where the evidence for text is plain.
"""

from __future__ import annotations

from ingest.clean.classifier import CLASSIFIER_RULE


def continue_prose(reasons: list[str | None], scores: list[float], prose: list[bool], floor: float) -> None:
    """Give back running text that continues kept running text, unless its score is very low.

    The article is one stretch of prose; the classifier is least sure at its ends and next to inserted
    boilerplate (an ad marker, a newsletter box). A prose paragraph whose nearest prose neighbour (at most
    three lines away, with nothing kept in between) is kept, is kept too when its score is above `floor`,
    walking outwards in both directions.
    """
    n = len(reasons)
    for step in (1, -1):
        order = range(n) if step == 1 else range(n - 1, -1, -1)
        for i in order:
            if reasons[i] != CLASSIFIER_RULE or not prose[i] or scores[i] < floor:
                continue
            j = i - step
            while 0 <= j < n and abs(i - j) <= 3 and not prose[j] and reasons[j] is not None:
                j -= step
            if 0 <= j < n and abs(i - j) <= 3 and prose[j] and reasons[j] is None:
                reasons[i] = None


SENTENCE_RUN = 5
"""Consecutive one-sentence paragraphs that make a run of article text (see `sentence_runs`)."""


def _sentence_lines(texts: list[str], stats: dict[str, list[float]]) -> list[bool]:
    """Paragraphs that are a complete sentence: capitalised start, function words, a sentence-final mark
    (not a teaser's ellipsis)."""
    return [
        ends == 1.0
        and ellipsis == 0.0
        and words >= 3
        and stops > 0.0
        and (t[:1].isupper() or t[:1] in "\"“‘'«")
        for t, ends, ellipsis, words, stops in zip(
            texts,
            stats["ends_sentence"],
            stats["ends_ellipsis"],
            stats["n_words"],
            stats["stop_share"],
            strict=True,
        )
    ]


def sentence_runs(texts: list[str], reasons: list[str | None], stats: dict[str, list[float]]) -> None:
    """Give back runs of short sentences the classifier dropped: an article written one sentence per
    paragraph has no long paragraph for the model's prose features, yet five or more complete sentences in a
    row are text, not a menu or a link list (whose lines have no sentence-final mark)."""
    n = len(texts)
    sentence = _sentence_lines(texts, stats)
    i = 0
    while i < n:
        j = i
        while j < n and reasons[j] in (None, CLASSIFIER_RULE) and sentence[j]:
            j += 1
        if j - i >= SENTENCE_RUN:
            for k in range(i, j):
                if reasons[k] == CLASSIFIER_RULE:
                    reasons[k] = None
        i = max(j, i + 1)


LONG_PARAGRAPH_WORDS = 40
"""A paragraph this long counts as running text for `never_empty` even without a sentence-final mark: a
scraped article saved as one line, or cut off mid-sentence, is still the article."""


def never_empty(reasons: list[str | None], prose: list[bool]) -> None:
    """When the classifier would leave no running text at all, keep the running text no rule named.

    A page whose every paragraph scores low is one the model does not understand (a language without the
    stop words it knows, an unusual layout, a whole article on one line): keeping its prose is safer than
    returning nothing.
    """
    if any(r is None and p for r, p in zip(reasons, prose, strict=True)):
        return
    for i, running in enumerate(prose):
        if running and reasons[i] == CLASSIFIER_RULE:
            reasons[i] = None
