"""What the HTML extraction left out of a page, as `removed` entries naming the step that decided it.

The plain-text cleaner records every line it removes; the HTML path decides most of what a document loses
before the cleaner sees any text, so it records that here, with rules named like the cleaner's
(`classifier:low_article_score`):

- `html:consent_banner`: the text of the consent-manager elements the page screen removed
  (`page.drop_consent_banners`), one entry per text segment;
- `html:block_filter`: each block of trafilatura's text that the learned block filter dropped;
- `html:recall_rejected`: each page segment trafilatura left out that the recall step judged and did not
  add back (5 words or more, see `recall.MIN_WORDS`);
- `html:not_main_content`: every other visible page segment trafilatura left out of its text (menus,
  teasers, footers, short labels). A segment is left out when under half of its word 4-shingles are in
  trafilatura's text (`recall.COVERED`, the recall step's own test), it is not a line of the extracted
  text, it is not the headline (which became `title`), and, when it is 1 to 3 words, those words do not
  stand together between spaces in the extracted text (a kept table row holds its short cells).

Entries are the page's text segments (`segment.segments`: a paragraph, list item, heading, cell, a div's
own text) and the filter's blocks, whitespace-folded, in page order, each text once per document. Text
the page hides (a `hidden` or `aria-hidden` attribute, an inline `display: none` or `visibility: hidden`)
and the page's <head>, scripts, styles and form controls are not recorded. Per rule at most `MAX_ENTRIES`
entries of at most `MAX_CHARS` characters are kept; the rest is counted in one last entry of that rule
(`summary`), so a huge page does not bloat its row.

Reuses what the steps computed: the segments and their coverage from the recall step when it ran (else
one walk of the already parsed tree), the filter's block texts and the screen's removed segments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml.etree import _Element

from ingest.document import Removal
from ingest.extract.recall import COVERED, RecallTrace
from ingest.extract.segment import coverage, segments

CONSENT_RULE = "html:consent_banner"
FILTER_RULE = "html:block_filter"
RECALL_RULE = "html:recall_rejected"
NOT_MAIN_RULE = "html:not_main_content"
RULES = (CONSENT_RULE, FILTER_RULE, RECALL_RULE, NOT_MAIN_RULE)

MAX_ENTRIES = 40
"""Entries per rule and document before the rest is only counted (`summary`)."""
MAX_CHARS = 400
"""Characters of one entry's text; a longer text is cut at a word boundary and ends with ' […]'."""

_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


@dataclass(slots=True)
class PageLosses:
    """What the steps of one page's extraction dropped, filled in as they run (`html.main_text`)."""

    consent: list[str] = field(default_factory=list)
    """Text segments of the consent-manager elements the page screen removed."""
    filtered: list[str] = field(default_factory=list)
    """Blocks of trafilatura's text the block filter dropped (empty when its text stood as it was)."""
    extracted: str = ""
    """Trafilatura's main text before the block filter: what is not in it, trafilatura left out."""
    trace: RecallTrace | None = None
    """The recall step's segments and decisions, when it ran."""


def summary(count: int, chars: int) -> str:
    """The last entry of a rule with more than `MAX_ENTRIES` texts: how many more, and their size."""
    return f"[{count} more blocks not listed, {chars} characters]"


def _bounded(text: str) -> str:
    if len(text) <= MAX_CHARS:
        return text
    cut = text[:MAX_CHARS].rsplit(" ", 1)[0] or text[:MAX_CHARS]
    return f"{cut} […]"


def hidden_elements(tree: _Element) -> set[_Element]:
    """Every element the page hides (`segment.hidden`: a `hidden` or `aria-hidden="true"` attribute, an
    inline `display: none` or `visibility: hidden`, on it or an ancestor). One XPath query for the few
    attributes that can hide (about half the cost of a walk over the page's elements), then the
    subtrees of the elements that carry them, rather than a walk up from every segment."""
    roots = []
    for value in tree.xpath("//@hidden | //@aria-hidden | //@style"):
        name = value.attrname
        if name == "hidden" or (value == "true" if name == "aria-hidden" else bool(_HIDDEN.search(value))):
            roots.append(value.getparent())
    return {el for root in roots for el in root.iter()}


def left_out(tree: _Element, losses: PageLosses, text: str, title: str | None) -> list[tuple[str, str]]:
    """(rule, text) of every visible page segment trafilatura left out of `losses.extracted` and that
    is not in the extraction's final `text`: `RECALL_RULE` for those the recall step rejected, else
    `NOT_MAIN_RULE`. Segments the recall step added back are not listed."""
    trace = losses.trace
    if trace is None:
        segs = segments(tree)
        trace = RecallTrace(segs, coverage([s.text for s in segs], losses.extracted))
    added, rejected = set(trace.added), set(trace.rejected)
    lines = {" ".join(line.split()) for line in text.split("\n")}
    lines.add(" ".join((title or "").split()))
    words = text.split()
    vocabulary, padded = set(words), f" {' '.join(words)} "

    def in_text(t: str) -> bool:
        """A text of 1 to 3 words occurs between spaces in `text` (a set lookup rules most out first)."""
        parts = t.split(" ")
        return len(parts) < 4 and all(w in vocabulary for w in parts) and f" {t} " in padded

    hidden = hidden_elements(tree)
    out = []
    for i, (seg, cover) in enumerate(zip(trace.segments, trace.cover, strict=True)):
        if cover >= COVERED or i in added:
            continue
        t = seg.text
        if t in lines or (t.count(" ") < 3 and in_text(t)) or seg.owner in hidden:
            continue
        out.append((RECALL_RULE if i in rejected else NOT_MAIN_RULE, t))
    return out


def page_removals(tree: _Element, losses: PageLosses, text: str, title: str | None) -> list[Removal]:
    """The `removed` entries of one page's extraction (module docstring): consent text, filtered blocks,
    rejected and left-out segments, each text once, at most `MAX_ENTRIES` per rule plus a `summary`."""
    found = [(CONSENT_RULE, t) for t in losses.consent]
    found += [(FILTER_RULE, t) for t in losses.filtered]
    found += left_out(tree, losses, text, title)
    seen: set[str] = set()
    kept: dict[str, list[Removal]] = {rule: [] for rule in RULES}
    over: dict[str, tuple[int, int]] = {}
    for rule, t in found:
        if not t or t in seen:
            continue
        seen.add(t)
        if len(kept[rule]) < MAX_ENTRIES:
            kept[rule].append(Removal(_bounded(t), rule))
        else:
            count, chars = over.get(rule, (0, 0))
            over[rule] = (count + 1, chars + len(t))
    out: list[Removal] = []
    for rule in RULES:
        out += kept[rule]
        if rule in over:
            out.append(Removal(summary(*over[rule]), rule))
    return out
