"""A learned filter over the blocks of trafilatura's main text: drops related-article lists, author boxes,
consent text and similar boilerplate that sits inside the article container trafilatura chose.

Trafilatura's output tree (`result.body`) holds one element per block (paragraph, heading, list item,
table row, quote, code). Each leaf block is matched back to the element of the original page it came from
(same text), and described by site-independent signals only: its tag, length, final punctuation, share of
its text inside links on the page, the page elements around it (<aside>, <footer>, <nav>, <li>, <a>, ...),
whether it lies inside the page element that holds most of the extracted text, its position from the end
of the text, and how much link-free running text follows it. No class or id names, no words.

The model (`models/html_blocks_gbt.json`) is a small gradient-boosted tree ensemble trained on the dev
pages by `training/html_train.py`; its trees are walked by `trees.article_scores` (numpy, deterministic).
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from pathlib import Path

from lxml.etree import _Element
from trafilatura.xml import xmltotxt

from ingest.extract.page_index import norm_space, source_index
from ingest.extract.trees import article_scores

MODEL = Path(__file__).resolve().parent / "models" / "html_blocks_gbt.json"
UNIT_TAGS = frozenset({"p", "head", "item", "row", "quote", "code", "graphic", "table", "list"})
"""Block tags of trafilatura's output tree; a leaf block is one with no block inside it."""
TAGS = ("p", "head", "item", "row", "quote", "code", "graphic", "table", "list")
ANCESTOR_TAGS = (
    *("aside", "footer", "nav", "header", "form", "figure", "figcaption", "li", "a", "table", "blockquote"),
    *("section", "article", "main", "ul", "ol", "dl", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em"),
)
_IS_KEYS = tuple((t, f"is_{t}") for t in TAGS)
_ANCESTOR_KEYS = tuple((t, f"anc_{t}") for t in ANCESTOR_TAGS)
"""Feature names, formatted once instead of once per block."""
_WORD = re.compile(r"\w+")
_TERMINAL = re.compile(r"[.!?:;\"\u201d\u2019)]$")


def leaf_blocks(body: _Element) -> list[_Element]:
    """Blocks of trafilatura's output tree with no block inside them, in document order."""
    return [
        el
        for el in body.iter()
        if el.tag in UNIT_TAGS and not any(d.tag in UNIT_TAGS for d in el.iterdescendants())
    ]


def _match(index: dict[str, _Element], short: list[tuple[str, _Element]], text: str) -> _Element | None:
    if text in index:
        return index[text]
    prefix = text[:60]
    if len(prefix) < 15:
        return None
    best: tuple[str, _Element] | None = None
    for key, el in short:
        if prefix in key and (best is None or len(key) < len(best[0])):
            best = (key, el)
    return best[1] if best and len(best[0]) < 3 * len(text) + 200 else None


def _link_density(el: _Element) -> float:
    if any(a.tag == "a" for a in el.iterancestors()):
        return 1.0
    total = len(norm_space(el.text_content())) or 1
    return min(1.0, sum(len(norm_space(a.text_content())) for a in el.iter("a")) / total)


def block_features(
    body: _Element, tree: _Element
) -> tuple[list[_Element], list[str], list[dict[str, float]]]:
    """(leaf blocks, their texts, one feature dict per block)."""
    blocks = leaf_blocks(body)
    texts = [norm_space(" ".join(b.itertext())) for b in blocks]
    index = source_index(tree)
    short = [(k, el) for k, el in index.items() if len(k) < 5000]
    sources = [_match(index, short, t) if t else None for t in texts]
    # the page element holding at least half of the matched text, the deepest such one
    matched_chars = sum(len(t) for t, s in zip(texts, sources, strict=True) if s is not None) or 1
    weight: dict[_Element, int] = {}
    for t, s in zip(texts, sources, strict=True):
        if s is not None:
            for anc in (s, *s.iterancestors()):
                weight[anc] = weight.get(anc, 0) + len(t)
    depth_of = {
        el: sum(1 for _ in el.iterancestors()) for el, w in weight.items() if w >= 0.5 * matched_chars
    }
    container = max(depth_of, key=lambda el: depth_of[el]) if depth_of else None
    container_depth = depth_of[container] if container is not None else 0

    base: list[dict[str, float]] = []
    for block, text, source in zip(blocks, texts, sources, strict=True):
        words = _WORD.findall(text)
        tag = block.tag
        f: dict[str, float] = {key: float(tag == t) for t, key in _IS_KEYS}
        block_ancestors = list(block.iterancestors())
        f["in_table"] = float(block.tag == "row" or any(a.tag in ("table", "row") for a in block_ancestors))
        f["in_list"] = float(block.tag == "item" or any(a.tag == "list" for a in block_ancestors))
        f["in_quote"] = float(any(a.tag == "quote" for a in block_ancestors))
        f["matched"] = float(source is not None)
        f["ld"] = _link_density(source) if source is not None else -1.0
        f["nwords"] = float(len(words))
        f["nchars"] = float(len(text))
        f["term_punct"] = float(bool(_TERMINAL.search(text)))
        f["cap_share"] = sum(w[:1].isupper() for w in words) / len(words) if words else 0.0
        digits = sum(1 for w in words if not w.isalpha() and any(c.isdigit() for c in w))
        f["digit_share"] = digits / len(words) if words else 0.0
        f["has_at"] = float("@" in text)
        f["has_copy"] = float("\u00a9" in text or "(c)" in text.lower())
        f["has_pipe"] = float("|" in text)
        tags: set[str] = set()
        if source is not None:
            ancestors = [source, *source.iterancestors()]
            tags = {a.tag for a in ancestors if isinstance(a.tag, str)}
            inside = container is not None and (source is container or container in ancestors)
            f["in_container"] = float(inside)
            f["depth_rel"] = float(len(ancestors) - 1 - container_depth)
        else:
            f["in_container"], f["depth_rel"] = -1.0, 0.0
        for t, key in _ANCESTOR_KEYS:
            f[key] = float(t in tags)
        base.append(f)
    return blocks, texts, _context(blocks, base)


def _context(blocks: list[_Element], base: list[dict[str, float]]) -> list[dict[str, float]]:
    """Position and neighbourhood: what follows a block (running text, links) tells a tail box apart."""
    n = len(base)
    nch = [f["nchars"] for f in base]
    ld = [max(f["ld"], 0.0) for f in base]
    good = [float(f["nwords"] >= 25 and f["term_punct"] == 1.0 and f["ld"] < 0.2) for f in base]
    total = sum(nch) or 1.0
    after = [0.0] * n
    good_after = [0.0] * n
    good_after_n = [0.0] * n
    ld_chars_after = [0.0] * n  # sum of chars * link density from i on
    for i in range(n - 2, -1, -1):
        after[i] = after[i + 1] + nch[i + 1]
        good_after[i] = good_after[i + 1] + good[i + 1] * nch[i + 1]
        good_after_n[i] = good_after_n[i + 1] + good[i + 1]
    acc = 0.0
    for i in range(n - 1, -1, -1):
        acc += nch[i] * ld[i]
        ld_chars_after[i] = acc
    good_before = 0.0
    last_head = -100
    out = []
    for i, f in enumerate(base):
        f = dict(f)
        if blocks[i].tag == "head":
            last_head = i
        f["since_head"] = float(min(i - last_head, 50))
        f["rel_pos"] = i / max(1, n - 1)
        f["from_end"] = float(min(n - 1 - i, 50))
        f["chars_after"] = after[i] / total
        f["good_after_chars"] = good_after[i] / total
        f["good_after_n"] = min(good_after_n[i], 20.0)
        f["good_before_chars"] = good_before / total
        good_before += good[i] * nch[i]
        f["ld_prev"] = ld[i - 1] if i > 0 else -1.0
        f["ld_next"] = ld[i + 1] if i + 1 < n else -1.0
        f["ld_suffix"] = ld_chars_after[i] / ((nch[i] + after[i]) or 1.0)
        lo, hi = max(0, i - 2), min(n, i + 3)
        window = sum(nch[lo:hi])
        f["ld_win"] = sum(c * d for c, d in zip(nch[lo:hi], ld[lo:hi], strict=True)) / (window or 1.0)
        f["words_win"] = math.log1p(window / (hi - lo))
        f["next_is_item"] = float(i + 1 < n and blocks[i + 1].tag == "item")
        f["prev_is_head"] = float(i > 0 and blocks[i - 1].tag == "head")
        f["n_units"] = float(min(n, 300))
        f["page_chars"] = math.log1p(total)
        f["log_words"] = math.log1p(f["nwords"])
        out.append(f)
    return out


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL) -> dict:
    """A JSON tree model (this filter's, or another that `article_scores` walks), read once per path."""
    return json.loads(path.read_text(encoding="utf-8"))


def drop_blocks(body: _Element, blocks: list[_Element], keep: list[bool]) -> None:
    """Remove the blocks not kept from `body` (in place), keeping any loose text after them."""
    for block, kept in zip(blocks, keep, strict=True):
        if kept:
            continue
        parent = block.getparent()
        if parent is None:
            continue
        if block.tail and block.tail.strip():
            previous = block.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + block.tail
            else:
                parent.text = (parent.text or "") + block.tail
        parent.remove(block)


def filter_blocks(
    body: _Element, tree: _Element, model: dict | None = None, dropped: list[str] | None = None
) -> str | None:
    """The main text without the blocks the model calls boilerplate, or None when it keeps every block
    (the caller keeps trafilatura's text as it was). Modifies `body`; the texts of the blocks it drops are
    appended to `dropped` when given."""
    model = model or load_model()
    blocks, texts, features = block_features(body, tree)
    if not blocks:
        return None
    keep = [s >= model["threshold"] for s in article_scores(features, model)]
    if all(keep):
        return None
    drop_blocks(body, blocks, keep)
    if dropped is not None:
        dropped += [t for t, kept in zip(texts, keep, strict=True) if not kept and t]
    return xmltotxt(body, False)
