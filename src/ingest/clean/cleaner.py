"""Boilerplate removal for plain text: keep the article, drop the page around it, on any site.

Order of work, each removed line recorded in `removed` with its rule name:
1. layout: markdown syntax, indentation and hard wrapping are undone (`lines`), so the rules judge
   paragraphs, not the fragments a converter left;
2. line rules (`default.toml`, then the config's `rules_files`): precise, short-line-only patterns
   for what a line *does* (asks to subscribe, counts comments, credits a photo);
3. block rules: runs of short lines carrying prices, percentages and scores (`rules.PRICE_WIDGET`);
   steps 2 and 3 are `reasons`;
4. the article classifier (`classifier`, over `features`): a small additive logistic model over line and
   position statistics decides the lines no rule decided (`classifier:low_article_score`); trained on the
   dev set only (see `training/`); running text it dropped is given back where the page shows it is text
   (`rescue`), and reader comment threads go as a whole (`comments`);
5. metadata (`metadata`): headline -> `title`, byline -> `author`, agency marks and syndication footers
   -> `site`; the headline and byline leave the body, an in-text mark such as "(Reuters) -" stays;
6. repeated paragraphs (`repeats`): a paragraph that re-appears nearly verbatim inside a longer one
   (pull quotes, teasers) is dropped, keeping the copy that stands in context.
Where the evidence is weak the line stays: losing article text costs more than a stray line.

Text an extractor already cut from HTML takes the precise second pass instead (`clean_extracted`: steps 2
and 6 only, no layout rewriting, never emptied); steps 1, 3 and 4 are built for whole pages.
"""

from __future__ import annotations

from collections import Counter

from ingest.clean.classifier import CLASSIFIER_RULE, load_model
from ingest.clean.comments import comment_sections
from ingest.clean.cut import cut_at_paragraph
from ingest.clean.features import model_columns
from ingest.clean.lines import paragraphs
from ingest.clean.linestats import SHORT_TOKENS, cached_text_table, prose_column
from ingest.clean.metadata import extract_metadata, footer_metadata
from ingest.clean.normalize import normalize_text
from ingest.clean.reasons import page_rule_hits, rule_reasons
from ingest.clean.repeats import drop_repeats
from ingest.clean.rescue import LONG_PARAGRAPH_WORDS, continue_prose, never_empty, sentence_runs
from ingest.clean.result import CleanResult, merge
from ingest.clean.rules.engine import rules_for
from ingest.config import CleanConfig
from ingest.document import Removal

_EXTRACTED_REPEAT_MIN_WORDS = 20
"""In an extractor's main text only paragraphs this long are judged as repeats (pull quotes, teasers);
shorter ones are list items and table cells that legitimately recur."""


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
            result = merge(result, again)
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
        result = merge(result, again)
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
    reasons = page_rule_hits(texts, rules)  # one look for the keys over the whole text, not one per line
    if config.drop_repeats:
        drop_repeats(texts, reasons, [1.0] * len(texts), min_words=_EXTRACTED_REPEAT_MIN_WORDS)
    if all(r is not None for r in reasons):
        return CleanResult(text="\n".join(texts))
    result = CleanResult(text="")
    if config.extract_metadata:
        footer_metadata(texts, reasons, result)
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
        continue_prose(reasons, scores, prose, config.continuation_floor)
        sentence_runs(texts, reasons, stats)
        never_empty(
            reasons, [p or w >= LONG_PARAGRAPH_WORDS for p, w in zip(prose, stats["n_words"], strict=True)]
        )
    else:
        stats = cached_text_table(texts)
        prose = prose_column(stats)
    comment_sections(texts, reasons, prose, stats["n_words"])
    result = CleanResult(text="")
    if config.extract_metadata:
        extract_metadata(paras, reasons, result)
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
