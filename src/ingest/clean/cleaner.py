"""Boilerplate removal for plain text: keep the article, drop the page around it, on any site.

Order of work, each removed line recorded in `removed` with its rule name:
1. layout: markdown syntax, indentation and hard wrapping are undone (`clean_lines`), so the rules judge
   paragraphs, not the fragments a converter left;
2. line rules (`default.toml`, then the config's `rules_files`): precise, short-line-only patterns
   for what a line *does* (asks to subscribe, counts comments, credits a photo);
3. block rules: runs of short lines carrying prices, percentages and scores (`rules.PRICE_WIDGET`);
4. the article classifier (`clean_model`): a small additive logistic model over line, block and position
   statistics decides the lines no rule decided (`classifier:low_article_score`); trained on the dev set only
   (see `training/`);
5. metadata: headline -> `title`, byline -> `author`, agency marks and syndication footers -> `site`; the
   headline and byline leave the body, an in-text mark such as "(Reuters) -" stays;
6. repeated paragraphs (`clean_repeats`): a paragraph that re-appears nearly verbatim inside a longer one
   (pull quotes, teasers) is dropped, keeping the copy that stands in context.
Where the evidence is weak the line stays: losing article text costs more than a stray line.

Text an extractor already cut from HTML takes the precise second pass instead (`clean_extracted`: steps 2
and 6 only, no layout rewriting, never emptied); steps 1, 3 and 4 are built for whole pages.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from ingest.clean.classifier import load_model
from ingest.clean.cut import cut_at_paragraph
from ingest.clean.features import model_columns
from ingest.clean.lines import Para, paragraphs
from ingest.clean.linestats import SHORT_TOKENS, cached_text_table, prose_column
from ingest.clean.normalize import normalize_text
from ingest.clean.repeats import drop_repeats
from ingest.clean.rules.engine import (
    AGENCY_MARK,
    APPEARED_FOOTER,
    AUTHOR_SITE_MARK,
    BYLINE,
    COMMENT_SECTION,
    DEFAULT_RULES,
    POST_FOOTER,
    PRICE_WIDGET,
    WIDGET_LABEL,
    WIDGET_VALUE,
    RuleSet,
    rules_for,
)
from ingest.clean.tokens import WORD
from ingest.config import CleanConfig
from ingest.document import Removal

CLASSIFIER_RULE = "classifier:low_article_score"
_LINE_CACHE = 8192
"""Entries of each per-line memo (rule hits, widget kinds, repeat tokens): bounded so a long-running worker
does not grow."""
_EXTRACTED_REPEAT_MIN_WORDS = 20
"""In an extractor's main text only paragraphs this long are judged as repeats (pull quotes, teasers);
shorter ones are list items and table cells that legitimately recur (dev HTML: 0.9393 -> 0.9397 shingle F1
with the limit, 0.9377 without)."""
_LIST_NUMBER = re.compile(r"^\d{1,4}[.)]\s+")
"""A numbered thread's item number ("3. Emma"): names are compared without it."""
_DATE_ONLY = re.compile(
    r"^(?:(?:published|updated|posted|last updated|date)\s*:?\s*)?(?:on\s+)?[\w,./: -]{0,12}"
    r"\b(?:19|20)\d\d\b[\w,./: -]{0,20}$|^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$",
    re.IGNORECASE,
)


@dataclass(slots=True)
class CleanResult:
    """The article body (paragraphs joined by newlines), every removed line with its rule, and metadata
    the cleaner found in the text (None where the text does not state it)."""

    text: str
    removed: list[Removal] = field(default_factory=list)
    title: str | None = None
    author: str | None = None
    site: str | None = None
    published: str | None = None


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


@lru_cache(maxsize=_LINE_CACHE)
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


def _merge(first: CleanResult, second: CleanResult) -> CleanResult:
    """The result of cleaning `first.text` again, with what the first pass found kept."""
    return CleanResult(
        text=second.text,
        removed=first.removed + second.removed,
        title=first.title or second.title,
        author=first.author or second.author,
        site=first.site or second.site,
        published=first.published or second.published,
    )


def clean_text(text: str, config: CleanConfig = CleanConfig(), *, second_pass: bool = False) -> CleanResult:  # noqa: B008 (frozen, immutable)
    """Keep the article body of a whole-page text; raises on no string (property-tested with hypothesis).

    There is deliberately no catch-all here: a bug that slipped past the tests surfaces as the document's
    `internal_error` rejection (the pipeline's per-document guard, error in `detail`, counted in the run
    summary) instead of an uncleaned page passing as clean.

    `second_pass`: the text is already an extractor's main text (trafilatura on HTML), so only the precise
    rules run (see `clean_extracted`): the layout, classifier and position judgements are built for whole
    pages, and on a main text they cost more article than noise.

    The result is a fixpoint of what the pipeline stores: its text is in the normalized form
    (`normalize.normalize_text`) and cleaning it again removes and changes nothing. The passes first read
    the text as it came (runs of spaces still lay out table columns, a converter's spacing still shows),
    then, once that changes nothing, once more as it will be stored: the repair deletes control and
    zero-width characters, fixes mojibake, splits at Unicode line separators and collapses runs of
    spaces, and the rules, the widget blocks and the classifier may read such a line differently (a table
    row padded to 60 columns is no short widget line once collapsed). Were that pass left to the next run,
    the stored text would change on every re-read.
    """
    if not isinstance(text, str):
        text = ""
    text, cut = cut_at_paragraph(text, config.max_chars)  # recorded in `removed`, rule `max_chars`
    if second_pass:
        result = _as_stored(clean_extracted(text, config), config)
    else:
        result, quiet = _clean(text, config)
        stored = False
        for _ in range(config.max_passes - 1):
            again, quiet = _clean(result.text, config, quiet)
            if stored:
                again.text = normalize_text(again.text)
            if not again.removed and again.text == result.text:
                normalized = normalize_text(result.text)
                if normalized == result.text:
                    break
                result.text, stored = normalized, True
                continue
            result = _merge(result, again)
    if cut is not None:
        result.removed.append(cut)
    return result


def _as_stored(result: CleanResult, config: CleanConfig) -> CleanResult:
    """An extractor's main text cleaned again in its stored form until that changes nothing (see
    `clean_text`); one pass of `clean_extracted` is a fixpoint of the text as it reads it."""
    for _ in range(config.max_passes - 1):
        normalized = normalize_text(result.text)
        if normalized == result.text:
            break
        again = clean_extracted(normalized, config)
        again.text = normalize_text(again.text)
        result = _merge(result, again)
    return result


def clean_extracted(text: str, config: CleanConfig = CleanConfig()) -> CleanResult:  # noqa: B008 (frozen, immutable)
    """Second pass over an extractor's main text: drop what the keyword rules name and repeated paragraphs.

    The extractor already removed the page around the article; what it misses are calls to action, comment
    prompts, share strips and syndication footers inside the article container, which the keyword rules
    name precisely. Lines are taken as they are (no markdown or list-number rewriting: "1." belongs to a
    numbered list the article keeps), and a text the rules would empty is returned whole, since a page
    whose every line looks like noise is one the rules misread. One pass is a fixpoint: no rule reads
    another line, and repeats are judged among kept lines only.
    """
    texts = _plain_lines(text[: config.max_chars])
    if not config.enabled or not texts:
        return CleanResult(text="\n".join(texts))
    rules = rules_for(config)
    reasons = [rule_hit(t, rules=rules) for t in texts]
    if config.drop_repeats:
        drop_repeats(texts, reasons, [1.0] * len(texts), min_words=_EXTRACTED_REPEAT_MIN_WORDS)
    if all(r is not None for r in reasons):
        return CleanResult(text="\n".join(texts))
    result = CleanResult(text="")
    if config.extract_metadata:
        _footer_metadata(texts, reasons, result)
    result.removed = [Removal(t, r) for t, r in zip(texts, reasons, strict=True) if r is not None]
    result.text = "\n".join(t for t, r in zip(texts, reasons, strict=True) if r is None)
    return result


def _plain_lines(text: str) -> list[str]:
    """Non-blank lines, stripped; nothing else rewritten."""
    return [s for s in (line.strip() for line in text.splitlines()) if s]


def _clean(
    text: str, config: CleanConfig, quiet: Counter[str] | None = None
) -> tuple[CleanResult, Counter[str] | None]:
    """One pass of the cleaner, and the kept lines among which `drop_repeats` found nothing (None when it
    found something or did not run). `quiet`: that multiset from the pass before (`_repeats_unchanged`)."""
    if len(text) > config.max_chars:
        text = text[: config.max_chars]
    paras = paragraphs(text)
    if not config.enabled or not paras:
        return CleanResult(text="\n".join(p.text for p in paras)), None
    n = len(paras)
    texts = [p.text for p in paras]
    reasons = rule_reasons(paras, rules_for(config))
    scores = [1.0] * n
    model = load_model() if config.use_classifier else None
    if model is not None:
        stats = cached_text_table(texts)
        prose = prose_column(stats)
        hits = [r is not None for r in reasons]
        scores = model.scores_arrays(model_columns(paras, hits, stats, prose, stats[SHORT_TOKENS]))
        threshold = model.threshold if config.threshold is None else config.threshold
        prose_threshold = min(threshold, model.prose_threshold)
        for i, s in enumerate(scores):
            limit = prose_threshold if prose[i] else threshold
            if reasons[i] is None and s < limit:
                reasons[i] = CLASSIFIER_RULE
        _continue_prose(reasons, scores, prose, config.continuation_floor)
        _sentence_runs(texts, reasons, stats)
        _never_empty(
            reasons, [p or w >= LONG_PARAGRAPH_WORDS for p, w in zip(prose, stats["n_words"], strict=True)]
        )
    else:
        stats = cached_text_table(texts)
        prose = prose_column(stats)
    _comment_sections(texts, reasons, prose, stats["n_words"])
    result = CleanResult(text="")
    if config.extract_metadata:
        _metadata(paras, reasons, result)
    kept_now: Counter[str] | None = None
    if config.drop_repeats:
        kept_now = Counter(t for t, r in zip(texts, reasons, strict=True) if r is None)
        if not _repeats_unchanged(kept_now, quiet):
            before = list(reasons)
            drop_repeats(texts, reasons, scores)
            if reasons != before:
                kept_now = None
    result.removed = [Removal(t, r) for t, r in zip(texts, reasons, strict=True) if r is not None]
    result.text = "\n".join(t for t, r in zip(texts, reasons, strict=True) if r is None)
    return result, kept_now


def _repeats_unchanged(kept: Counter[str], quiet: Counter[str] | None) -> bool:
    """Whether `drop_repeats` is sure to change nothing: the kept lines are a sub-multiset of lines among
    which it changed nothing (the pass before, whose output this pass re-reads).

    Why that suffices: every decision of `drop_repeats` is a property of the kept lines' texts, never of
    their neighbours. An identical pair here was an identical pair there; a containment (shared trigrams of
    two texts, their lengths) is the same pair of texts there, and a probe here was a probe there since the
    longest kept line can only have gone. The fixpoint passes spend a third of their time on repeats that
    the first pass already ruled out (tested against running `drop_repeats` in tests/clean/test_clean.py)."""
    return quiet is not None and not kept - quiet


def _continue_prose(reasons: list[str | None], scores: list[float], prose: list[bool], floor: float) -> None:
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


@lru_cache(maxsize=_LINE_CACHE)
def _comment_marker(text: str) -> str | None:
    """`COMMENT_SECTION.marker`, memoized like `rule_hit` (every pass asks again for the same lines)."""
    return COMMENT_SECTION.marker(text)


def _comment_marks(texts: list[str], n_words: list[float] | None = None) -> list[tuple[int, str]]:
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


def _comment_sections(
    texts: list[str], reasons: list[str | None], prose: list[bool], n_words: list[float] | None = None
) -> None:
    """Drop reader comment threads as a whole (`rules.COMMENT_SECTION`): a cluster of comment markers
    (bylines with "says:", timestamps, reply controls, scores) of at least two kinds, close together, after
    some kept running text. Every kept line from the first marker to the last comment's text goes."""
    rule = COMMENT_SECTION
    marks = _comment_marks(texts, n_words)
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


SENTENCE_RUN = 5
"""Consecutive one-sentence paragraphs that make a run of article text (see `_sentence_runs`)."""


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


def _sentence_runs(texts: list[str], reasons: list[str | None], stats: dict[str, list[float]]) -> None:
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
"""A paragraph this long counts as running text for `_never_empty` even without a sentence-final mark: a
scraped article saved as one line, or cut off mid-sentence, is still the article."""


def _never_empty(reasons: list[str | None], prose: list[bool]) -> None:
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


def _metadata(paras: list[Para], reasons: list[str | None], result: CleanResult) -> None:
    """Fill title, author, site (and published) from the text; headline and byline leave the body."""
    texts = [p.text for p in paras]
    _footer_metadata(texts, reasons, result)
    first = _first_prose(texts, reasons)
    if first is None:
        return
    head_start = max(0, first - 8)
    for i in range(head_start, min(len(texts), first + 2)):
        byline = BYLINE.match(texts[i]) if len(texts[i]) <= 80 else None
        if byline and _looks_like_name(byline["name"]):
            result.author = result.author or byline["name"].strip()
            reasons[i] = "byline"
        elif _DATE_ONLY.match(texts[i]) and i < first and reasons[i] is not None:
            result.published = result.published or texts[i]
    mark = AUTHOR_SITE_MARK.match(texts[first])
    if mark:
        result.author = result.author or mark["author"].strip()
        result.site = result.site or mark["site"].strip()
    else:
        agency = AGENCY_MARK.match(texts[first])
        if agency:
            result.site = result.site or agency["site"].strip()
    title_at = _headline(texts, reasons, first)
    if title_at is not None:
        result.title = texts[title_at] if result.title is None else result.title
        reasons[title_at] = "title"


def _footer_metadata(texts: list[str], reasons: list[str | None], result: CleanResult) -> None:
    """Syndication footers name the title and site ("The post T appeared first on S"); the footer leaves
    the body. Both footer patterns begin "the " or "this " (any case): lines not starting with t, h are
    passed over without a regex (no other character matches t or h under IGNORECASE, see
    tests/clean/test_clean.py)."""
    for i, t in enumerate(texts):
        if (
            t[:1] in "Tt"
            and t[1:2] in "Hh"
            and reasons[i] in ("syndication_footer", None, CLASSIFIER_RULE)
            and len(t) < 400
        ):
            post = POST_FOOTER.match(t)
            if post:
                result.title = result.title or post["title"].strip()
                result.site = result.site or post["site"].strip()
                reasons[i] = "syndication_footer"
                continue
            appeared = APPEARED_FOOTER.match(t)
            if appeared and reasons[i] is not None:
                result.site = result.site or appeared["site"].strip()


def _first_prose(texts: list[str], reasons: list[str | None]) -> int | None:
    """Index of the first kept paragraph that reads as running text (the start of the article body)."""
    fallback = None
    for i, t in enumerate(texts):
        if reasons[i] is None:
            if fallback is None:
                fallback = i
            if len(t) >= 80 and t.rstrip("\"'”’)")[-1:] in ".!?…:":
                return i
    return fallback


def _heading_like(text: str) -> bool:
    words = text.split()
    return (
        2 <= len(words) <= 30
        and text[-1:] not in ".,;"
        and not _DATE_ONLY.match(text)
        and any(ch.isalpha() for ch in text)
    )


def _headline(texts: list[str], reasons: list[str | None], first: int) -> int | None:
    """The headline: the heading-like line just above the body, preferring one echoed by the page's
    first line.

    Lines between it and the body may be bylines, dates or other removed noise, but not kept text: a kept
    heading right above the body that is not the page title is an article subheading only when the page
    title echoes another line further up.
    """
    page_title = set(WORD.findall(texts[0].lower())) if first > 0 else set()
    candidates = []
    for i in range(first - 1, max(-1, first - 9), -1):
        if reasons[i] in ("byline", "title"):
            continue
        if _heading_like(texts[i]) and reasons[i] in (None, CLASSIFIER_RULE):
            candidates.append(i)
        elif reasons[i] is None:
            break
    candidates = [i for i in candidates if any(r is not None for r in reasons[:i]) or _title_case(texts[i])]
    if not candidates:
        return None
    for i in candidates:
        words = WORD.findall(texts[i].lower())
        if i > 0 and page_title and words and sum(w in page_title for w in words) >= 0.6 * len(words):
            return i
    nearest = candidates[0]
    if reasons[nearest] is None or first - nearest <= 2:
        return nearest
    return next((i for i in candidates if len(texts[i].split()) >= 4), None)


def _title_case(text: str) -> bool:
    """Most longer words capitalised: a headline style. Used where nothing before a line was removed (text
    that is already clean, or a second pass), so a sentence-case first line of the body is not taken."""
    words = [w for w in text.split() if len(w) > 3 and w[:1].isalpha()]
    return bool(words) and sum(w[:1].isupper() for w in words) >= 0.7 * len(words)


def _looks_like_name(name: str) -> bool:
    words = name.split()
    return 1 <= len(words) <= 12 and sum(w[:1].isupper() for w in words) >= max(1, len(words) // 2)
