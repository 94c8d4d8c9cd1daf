"""Fast cross-validated comparison of block-filter variants on the extracted text (filter and recall step
both out of fold, `html_cv_pipeline.py`'s folds; no headline removal, no plain-text cleaner).

Every dev page is extracted once (cached in CACHE); each variant then trains the filter on a feature
subset, and the recall model, per fold, and scores the held-out pages' extracted text with score.py's
shingle metric. Use it to pick variants; the number to quote is `html_cv_pipeline.py`'s.

Run: OMP_NUM_THREADS=1 uv run --group training python training/html_filter_exp.py [SEED] [VARIANT ...]
(~1 min a variant after a ~2 min first extraction; OMP_NUM_THREADS=1 matters on a loaded 2-core machine,
where scikit-learn's OpenMP threads otherwise slow the fits many times over). HTML_EXP_CACHE overrides the
cache path; delete the cache after changing `block_features`.
"""

from __future__ import annotations

import os
import pickle
import sys
from copy import deepcopy
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
from html_train import PARAMS, _label, _scorer, dev_examples, extracted_page, prf
from lxml import etree
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import GroupKFold
from trafilatura.xml import xmltotxt

from ingest.extract import block_filter as extract_filter
from ingest.extract import recall as extract_recall
from ingest.extract.segment import segments

CACHE = Path(os.environ.get("HTML_EXP_CACHE", "/tmp/html_filter_exp.pkl"))
NEW = (  # candidate features of `extract_filter.block_features` (tried at 4f9ca5e; absent ones are skipped)
    *("link_dup_href", "link_article", "text_is_anchor", "n_links", "before_h1", "after_container"),
    *("ellipsis", "head_link_prev", "linked_heads_after", "link_article_prev", "link_article_win"),
)


def page_examples(case: dict) -> dict:
    tree, text, body = extracted_page(case)
    gold_tokens = extract_filter._WORD.findall(case["text"])
    gold_shingles = {tuple(gold_tokens[i : i + 4]) for i in range(len(gold_tokens) - 3)}
    gold_joined = f" {' '.join(gold_tokens)} "
    segs = segments(tree)
    candidates, cover, rfeatures = extract_recall.recall_features(segs, text)
    texts = [s.text for s in segs]
    page = {
        "id": case["id"],
        "host": urlsplit(case["url"]).hostname,
        "text": text,
        "body": None,
        "x": [],
        "y": [],
        "btexts": [],
        "texts": texts,
        "covered": [c >= extract_recall.COVERED for c in cover],
        "candidates": candidates,
        "rx": rfeatures,
        "ry": [_label(texts[i], gold_shingles, gold_joined) for i in candidates],
    }
    if body is not None:
        page["body"] = etree.tostring(body, encoding="unicode")
        _, btexts, features = extract_filter.block_features(deepcopy(body), tree)
        page["x"] = features
        page["btexts"] = btexts
        page["y"] = [_label(t, gold_shingles, gold_joined) for t in btexts]
    return page


def load() -> tuple[list[dict], list[dict]]:
    if CACHE.exists():
        return pickle.loads(CACHE.read_bytes())
    cases, pages, _ = dev_examples(page_examples)
    CACHE.write_bytes(pickle.dumps((cases, pages)))
    return cases, pages


def final_text(page: dict, keep: list[bool] | None, add: list[int]) -> str:
    if page["body"] is None:
        return page["text"]
    body = etree.fromstring(page["body"])
    text = page["text"]
    if keep is not None and not all(keep):
        extract_filter.drop_blocks(body, extract_filter.leaf_blocks(body), keep)
        filtered = xmltotxt(body, False)
        if filtered.strip():
            text = filtered
        else:
            return text
    if add:
        extract_recall.insert_segments(body, page["texts"], page["covered"], add)
        recovered = xmltotxt(body, False)
        if recovered.strip():
            text = recovered
    return text


def matrix(pages: list[dict], idx, names: list[str], key: str = "x", ykey: str = "y"):  # type: ignore[no-untyped-def]
    rows = [(f, y) for k in idx for f, y in zip(pages[k][key], pages[k][ykey], strict=True)]
    x = np.array([[f[n] for n in names] for f, _ in rows]).reshape(len(rows), len(names))
    y = np.array([label >= 0.5 for _, (label, _) in rows], dtype=int)
    w = np.array([max(1, n) for _, (_, n) in rows], dtype=float)
    return x, y, w


def oof_scores(
    pages: list[dict],
    names: list[str],
    seed: int,
    key: str = "x",
    ykey: str = "y",
    params: dict | None = None,
    bag: int = 1,
) -> list:
    """Out-of-fold scores of every page's rows (site-grouped 5 folds): the mean probability of `bag`
    models with early-stopping seeds seed..seed+bag-1 and `params` over html_train.PARAMS."""
    hosts = np.array([p["host"] for p in pages])
    out: list = [np.zeros(len(p[key])) for p in pages]
    for train, test in GroupKFold(5).split(np.zeros(len(pages)), groups=hosts):
        x, y, w = matrix(pages, train, names, key, ykey)
        models = [
            HistGradientBoostingClassifier(**{**PARAMS, **(params or {}), "random_state": s}).fit(
                x, y, sample_weight=w
            )
            for s in range(seed, seed + bag)
        ]
        for k in test:
            if pages[k][key]:
                xt, _, _ = matrix(pages, [k], names, key, ykey)
                out[k] = np.mean([m.predict_proba(xt)[:, 1] for m in models], axis=0)
    return out


def main() -> None:
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    scorer = _scorer()
    cases, pages = load()
    golds = [c["text"] for c in cases]
    all_names = sorted({n for p in pages for f in p["x"] for n in f})
    base = [n for n in all_names if n not in NEW]
    rnames = sorted({n for p in pages for f in p["rx"] for n in f})
    rscores = oof_scores(pages, rnames, seed, "rx", "ry")
    adds = [
        [i for i, s in zip(p["candidates"], sc, strict=True) if s >= 0.5]
        for p, sc in zip(pages, rscores, strict=True)
    ]
    variants = {"shipped": base, "all new": all_names}
    variants["link"] = [*base, *(n for n in NEW[:6] if n in all_names)]
    variants["teaser"] = [*base, *(n for n in NEW[6:] if n in all_names)]
    for n in (n for n in NEW if n in all_names):
        variants[f"+{n}"] = [*base, n]
    for label in sys.argv[2:] or variants:
        names = variants[label]
        scores = oof_scores(pages, names, seed)
        for t in (0.3, 0.35, 0.4):
            preds = [final_text(p, list(sc >= t), a) for p, sc, a in zip(pages, scores, adds, strict=True)]
            p_, r_, f1 = prf(scorer, preds, golds)
            print(f"{label:>20} seed {seed} t {t:.2f}: P {p_:.4f} R {r_:.4f} F1 {f1:.4f}", flush=True)


if __name__ == "__main__":
    main()
