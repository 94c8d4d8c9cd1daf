"""Recall step over the whole page: paragraphs trafilatura left out of the article container it chose.

The page is cut into text segments (`segment`: the text of one block element up to its next block child,
such as a paragraph, a list item, a heading, a cell, a div's own text). A segment whose word shingles are
mostly absent from trafilatura's text is a candidate; a small tree model over site-independent signals
(length, punctuation, link density, page ancestors, distance in the page from the text trafilatura kept,
how much of that text lies before and after it, whether it sits in a reader-comment thread, how many
classed siblings repeat its structure) says whether it is article text. Candidates it keeps are inserted
into trafilatura's output tree next to the trafilatura block that precedes them in the page, so the text
stays in document order. No site names and no words of the text; the only class/id vocabulary is that of
comment threads (comment, disqus, reply, respond), general web markup that trafilatura's own comment
selectors use too.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml.etree import _Element
from trafilatura.xml import xmltotxt

from ingest.extract.block_filter import leaf_blocks, load_model
from ingest.extract.segment import Segment, hidden, segments, shingles, token_coverage
from ingest.extract.trees import article_scores

MODEL = Path(__file__).resolve().parent / "models" / "html_recall_gbt.json"

_WORD = re.compile(r"\w+")
_COMMENT = re.compile(r"comment|disqus|repl(?:y|ies)|respond", re.I)
"""Class/id vocabulary of reader-comment threads (general web markup, as trafilatura's own comment
selectors use: no site names)."""


MIN_WORDS = 5
"""Shorter segments are not candidates: their few words match gold text by chance and they carry little."""
COVERED = 0.5
"""A segment with at least this share of its shingles in trafilatura's text is already there."""
OWNER_TAGS = ("p", "div", "li", "td", "h", "blockquote", "pre", "dd", "section", "article", "span")
ANCESTOR_TAGS = (
    *("aside", "footer", "nav", "header", "form", "figure", "figcaption", "li", "a", "table", "blockquote"),
    *("section", "article", "main", "ul", "ol", "dl", "strong", "em"),
)
_TERMINAL = re.compile(r"[.!?:;\"\u201d\u2019)]$")
_OWNER_KEYS = tuple((g, f"own_{g}") for g in OWNER_TAGS)
_ANCESTOR_KEYS = tuple((g, f"anc_{g}") for g in ANCESTOR_TAGS)
"""Feature names, formatted once instead of once per candidate."""


def _owner_tag(tag: str) -> str:
    return "h" if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit() else tag


def _good(words: int, text: str, ld: float) -> bool:
    """Running text: a long, link-free sentence-ending segment."""
    return words >= 25 and ld < 0.2 and bool(_TERMINAL.search(text))


def recall_features(segs: list[Segment], text: str) -> tuple[list[int], list[float], list[dict[str, float]]]:
    """(indexes of the candidate segments, every segment's coverage by `text`, one feature dict per
    candidate). `text` is trafilatura's main text before any block filter."""
    texts = [s.text for s in segs]
    tokens = [_WORD.findall(t) for t in texts]
    words = [len(tok) for tok in tokens]
    lds = [min(1.0, s.link_chars / max(1, len(t))) for s, t in zip(segs, texts, strict=True)]
    cover = token_coverage(tokens, text)
    covered = [c >= COVERED for c in cover]
    good = [_good(w, t, d) for w, t, d in zip(words, texts, lds, strict=True)]
    n = len(segs)
    chars = [len(t) for t in texts]
    kept_total = sum(c for c, k in zip(chars, covered, strict=True) if k) or 1
    page_total = sum(chars) or 1
    # the deepest page element holding half the covered text: trafilatura's container
    weight: dict[_Element, int] = {}
    for s, c, k in zip(segs, chars, covered, strict=True):
        if k:
            for anc in (s.owner, *s.owner.iterancestors()):
                weight[anc] = weight.get(anc, 0) + c
    depth_of = {el: sum(1 for _ in el.iterancestors()) for el, w in weight.items() if w >= 0.5 * kept_total}
    container = max(depth_of, key=lambda el: depth_of[el]) if depth_of else None
    container_depth = depth_of[container] if container is not None else 0
    # running sums for before/after
    kept_before = [0] * (n + 1)
    good_before = [0] * (n + 1)
    for i in range(n):
        kept_before[i + 1] = kept_before[i] + (chars[i] if covered[i] else 0)
        good_before[i + 1] = good_before[i] + (chars[i] if good[i] else 0)
    prev_kept = [-1] * n
    last = -1
    for i in range(n):
        prev_kept[i] = last
        if covered[i] and words[i] >= 3:
            last = i
    next_kept = [-1] * n
    last = -1
    for i in range(n - 1, -1, -1):
        next_kept[i] = last
        if covered[i] and words[i] >= 3:
            last = i
    in_comments: dict[_Element, bool] = {}

    def comment_like(el: _Element | None) -> bool:
        """The element or an ancestor has a comment-thread class or id (walked up without recursion, so
        a deeply nested page cannot exhaust the stack)."""
        path: list[_Element] = []
        found = False
        while el is not None and isinstance(el.tag, str):
            if el in in_comments:
                found = in_comments[el]
                break
            path.append(el)
            if _COMMENT.search(f"{el.get('class') or ''} {el.get('id') or ''}"):
                found = True
                break
            el = el.getparent()
        for seen in path:
            in_comments[seen] = found
        return found

    sibling_counts: dict[_Element, dict[tuple[str, str], int]] = {}

    def repeats(el: _Element) -> int:
        """How many siblings of `el` (itself included) share its tag and class; 0 without a class."""
        cls = el.get("class") or ""
        parent = el.getparent()
        if not cls or parent is None:
            return 0
        if parent not in sibling_counts:
            counts: dict[tuple[str, str], int] = {}
            for child in parent:
                if isinstance(child.tag, str):
                    key = (child.tag, child.get("class") or "")
                    counts[key] = counts.get(key, 0) + 1
            sibling_counts[parent] = counts
        return sibling_counts[parent].get((el.tag, cls), 0)

    kept_parents = {segs[i].owner.getparent() for i in range(n) if covered[i]}
    kept_owners = {segs[i].owner for i in range(n) if covered[i]}
    candidates, feats = [], []
    for i in range(n):
        if covered[i] or words[i] < MIN_WORDS:
            continue
        seg, t = segs[i], texts[i]
        owner = seg.owner
        ancestors = list(owner.iterancestors())
        tags = {a.tag for a in ancestors if isinstance(a.tag, str)}
        tok = tokens[i]
        own = _owner_tag(owner.tag)
        f: dict[str, float] = {key: float(own == g) for g, key in _OWNER_KEYS}
        for g, key in _ANCESTOR_KEYS:
            f[key] = float(g in tags)
        f["hidden"] = float(hidden(owner))
        f["comment_like"] = float(comment_like(owner))
        f["repeats"] = math.log1p(max((repeats(a) for a in (owner, *ancestors[:6])), default=0))
        f["nwords"] = float(words[i])
        f["log_words"] = math.log1p(words[i])
        f["ld"] = lds[i]
        f["cover"] = cover[i]
        f["term_punct"] = float(bool(_TERMINAL.search(t)))
        f["good"] = float(good[i])
        f["cap_share"] = sum(w[:1].isupper() for w in tok) / len(tok)
        f["digit_share"] = sum(1 for w in tok if not w.isalpha() and any(c.isdigit() for c in w)) / len(tok)
        f["has_at"] = float("@" in t)
        f["has_copy"] = float("\u00a9" in t or "(c)" in t.lower())
        f["has_pipe"] = float("|" in t)
        p, q = prev_kept[i], next_kept[i]
        f["dist_prev_kept"] = float(min(i - p, 60)) if p >= 0 else 99.0
        f["dist_next_kept"] = float(min(q - i, 60)) if q >= 0 else 99.0
        f["kept_before"] = kept_before[i] / kept_total
        f["kept_after"] = (kept_before[n] - kept_before[i + 1]) / kept_total
        f["good_before"] = good_before[i] / page_total
        f["good_after"] = (good_before[n] - good_before[i + 1]) / page_total
        inside = container is not None and (owner is container or container in ancestors)
        f["in_container"] = float(inside)
        f["depth_rel"] = float(len(ancestors) - container_depth)
        up = 0
        if container is not None and not inside:
            chain = {a: k for k, a in enumerate((container, *container.iterancestors()))}
            up = next((chain[a] for a in (owner, *ancestors) if a in chain), 60)
        f["up_to_common"] = float(up)
        f["sibling_of_kept"] = float(owner.getparent() in kept_parents)
        f["owner_kept"] = float(owner in kept_owners)
        f["prev_tag_same"] = float(p >= 0 and segs[p].owner.tag == owner.tag)
        f["next_tag_same"] = float(q >= 0 and segs[q].owner.tag == owner.tag)
        lo, hi = max(0, i - 2), min(n, i + 3)
        f["good_win"] = sum(good[lo:hi]) - float(good[i])
        f["covered_win"] = float(sum(covered[lo:hi]))
        f["ld_prev"] = lds[i - 1] if i > 0 else -1.0
        f["ld_next"] = lds[i + 1] if i + 1 < n else -1.0
        f["words_prev"] = float(words[i - 1]) if i > 0 else -1.0
        f["words_next"] = float(words[i + 1]) if i + 1 < n else -1.0
        f["kept_share_page"] = kept_total / page_total
        f["log_kept"] = math.log1p(kept_total)
        f["rel_pos"] = i / max(1, n - 1)
        candidates.append(i)
        feats.append(f)
    return candidates, cover, feats


_WRAPPERS = frozenset({"list", "table", "row", "item", "quote", "cell"})


def _positions(blocks: list[_Element], texts: list[str], covered: list[bool]) -> list[int]:
    """Page position (segment index) of each output block: the covered segment sharing most shingles with
    it (the first of those); a block with none takes its predecessor's."""
    first: dict[tuple[str, ...], int] = {}
    for i, (t, c) in enumerate(zip(texts, covered, strict=True)):
        if c:
            for sh in shingles(t):
                first.setdefault(sh, i)
    out, last = [], -1
    for block in blocks:
        hits: dict[int, int] = {}
        for sh in shingles(" ".join(block.itertext())):
            if sh in first:
                hits[first[sh]] = hits.get(first[sh], 0) + 1
        last = max(hits, key=lambda i: (hits[i], -i)) if hits else last
        out.append(last)
    return out


def insert_segments(body: _Element, texts: list[str], covered: list[bool], add: list[int]) -> None:
    """Insert the page segments `add` (indexes into `texts`) into trafilatura's output tree `body` as <p>
    elements, each after the output block that precedes it in the page (before the first one if none
    does); a block inside a list or table stands for the whole list or table. Modifies `body`."""
    blocks = leaf_blocks(body)
    positions = _positions(blocks, texts, covered)
    last_inserted: dict[int, _Element] = {}  # output block -> the last segment inserted after it
    for i in sorted(add):
        p = body.makeelement("p", {})
        p.text = texts[i]
        before = [k for k, pos in enumerate(positions) if 0 <= pos < i]
        k = before[-1] if before else -1
        anchor = last_inserted.get(k)
        if anchor is None and k < 0:  # before every output block: at the start of the text
            first = next(iter(body), None)
            if first is None:
                body.append(p)
            else:
                first.addprevious(p)
            last_inserted[k] = p
            continue
        if anchor is None:
            anchor = blocks[k]
            while (
                anchor.getparent() is not None
                and anchor.getparent() is not body
                and (anchor.getparent().tag in _WRAPPERS or anchor.tag in ("item", "row", "cell"))
            ):
                anchor = anchor.getparent()
        anchor.addnext(p)
        last_inserted[k] = p


@dataclass(slots=True)
class RecallTrace:
    """What one run of the recall step saw and decided, for the record of what the page lost
    (`extract.losses`): the page's segments, each one's coverage by trafilatura's text, and the candidates
    the model added and those it rejected (indexes into `segments`)."""

    segments: list[Segment] = field(default_factory=list)
    cover: list[float] = field(default_factory=list)
    added: list[int] = field(default_factory=list)
    rejected: list[int] = field(default_factory=list)


def recover_blocks(
    body: _Element, tree: _Element, text: str, model: dict | None = None, trace: RecallTrace | None = None
) -> str | None:
    """The main text with the page segments the model calls article text inserted in page order, or None
    when it adds none (the caller keeps its text). `body` is trafilatura's output tree (after the block
    filter, if any), `tree` the page, `text` trafilatura's main text before the filter: what it dropped is
    not a candidate. Modifies `body`; fills `trace` when given."""
    model = model or load_model(MODEL)
    segs = segments(tree)
    candidates, cover, features = recall_features(segs, text)
    if trace is not None:
        trace.segments, trace.cover = segs, cover
    if not candidates:
        return None
    scores = article_scores(features, model)
    add = [i for i, s in zip(candidates, scores, strict=True) if s >= model["threshold"]]
    if trace is not None:
        trace.added = add
        trace.rejected = [i for i, s in zip(candidates, scores, strict=True) if s < model["threshold"]]
    if not add:
        return None
    insert_segments(body, [s.text for s in segs], [c >= COVERED for c in cover], add)
    return xmltotxt(body, False)
