"""Train the HTML recall step (`src/ingest/extract/recall.py`): writes models/html_recall_gbt.json.

Data: the 709 dev pages (`../shared/eval/dev/raw-html`, WCXB development split, CC-BY-4.0) and their gold
text; nothing from held-out sets. Each page goes through trafilatura as `extract.main_text` runs it (default
pass and recall pass, the longer kept); the page is cut into segments (`segments`) and every
segment of at least MIN_WORDS words that trafilatura's text does not already hold is one example, with
`extract_recall.recall_features`. Label: article when at least half of its word 4-shingles occur in the gold
text (`html_train._label`). Weight: its word count.

Model: scikit-learn HistGradientBoostingClassifier with html_train.PARAMS (depth 3, at most 150 trees, early
stopping on but it keeps all 150, learning rate 0.1), fitted html_train.BAG = 5 times with early-stopping
seeds 0-4 and shipped as their mean log-odds (`html_train.export_bag`); a segment is added when its
article probability is at least THRESHOLD.

Evaluation printed: 5-fold cross-validation grouped by site (URL host) on the extracted text (no headline
removal, no plain-text cleaner), the recall step's held-out predictions applied after the shipped block
filter (which saw these pages: the absolute level is optimistic, the difference is the point), for several
thresholds and early-stopping seeds; and the oracle (gold labels). The honest number is the whole pipeline's
`html_cv_pipeline.py`, where both models are cross-validated.

Run: uv run --group training python training/html_recall_train.py   (~4 min, needs ../shared)
"""

from __future__ import annotations

from copy import deepcopy
from urllib.parse import urlsplit

import numpy as np
from html_train import (
    PARAMS,
    _label,
    _scorer,
    dev_examples,
    export_bag,
    extracted_page,
    fit_bag,
    prf,
    write_checked,
)
from lxml import etree
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import GroupKFold
from trafilatura.xml import xmltotxt

from ingest.extract import block_filter as extract_filter
from ingest.extract import recall as extract_recall
from ingest.extract.segment import segments
from ingest.extract.trees import article_scores

OUT = extract_recall.MODEL
THRESHOLD = 0.5
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)
SEEDS = (0, 1, 2)


def page_examples(case: dict) -> dict:
    """One page: trafilatura's text and output tree (XML), the shipped filter's choices, the page's
    segment texts, which of them trafilatura's text covers, and one example per candidate segment."""
    tree, text, body = extracted_page(case)
    segs = segments(tree)
    candidates, cover, features = extract_recall.recall_features(segs, text)
    texts = [s.text for s in segs]
    gold_tokens = extract_filter._WORD.findall(case["text"])
    gold_shingles = {tuple(gold_tokens[i : i + 4]) for i in range(len(gold_tokens) - 3)}
    gold_joined = f" {' '.join(gold_tokens)} "
    page = {
        "id": case["id"],
        "host": urlsplit(case["url"]).hostname,
        "text": text,
        "body": None,
        "keep": None,
        "texts": texts,
        "covered": [c >= extract_recall.COVERED for c in cover],
        "candidates": candidates,
        "x": features,
        "y": [_label(texts[i], gold_shingles, gold_joined) for i in candidates],
    }
    if body is not None:
        page["body"] = etree.tostring(body, encoding="unicode")
        model = extract_filter.load_model()
        _, _, block_features = extract_filter.block_features(deepcopy(body), tree)
        scores = article_scores(block_features, model)
        page["keep"] = [s >= model["threshold"] for s in scores]
    return page


def recall_examples() -> tuple[list[dict], list[dict], list[str]]:
    """(gold cases, candidate examples of every dev page, feature names)."""
    return dev_examples(page_examples)


def training_arrays(pages: list[dict], names: list[str]) -> tuple[np.ndarray, ...]:
    """(features, labels, weights, page number, host) of every candidate of `pages`."""
    rows = [(k, f, y) for k, page in enumerate(pages) for f, y in zip(page["x"], page["y"], strict=True)]
    x = np.array([[f[n] for n in names] for _, f, _ in rows]).reshape(len(rows), len(names))
    y = np.array([label >= 0.5 for _, _, (label, _) in rows], dtype=int)
    w = np.array([max(1, n) for _, _, (_, n) in rows], dtype=float)
    page_of = np.array([k for k, _, _ in rows], dtype=int)
    hosts = np.array([pages[k]["host"] for k, _, _ in rows])
    return x, y, w, page_of, hosts


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, seed: int = 0) -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(**{**PARAMS, "random_state": seed}).fit(x, y, sample_weight=w)


def recovered_text(page: dict, add: list[int]) -> str:
    """The page's extracted text after the shipped filter, with segments `add` inserted."""
    if page["body"] is None:
        return page["text"]
    body = etree.fromstring(page["body"])
    if not all(page["keep"]):
        extract_filter.drop_blocks(body, extract_filter.leaf_blocks(body), page["keep"])
    if add:
        extract_recall.insert_segments(body, page["texts"], page["covered"], add)
    return xmltotxt(body, False)


def main() -> None:
    scorer = _scorer()
    cases, pages, names = recall_examples()
    x, y, w, page_of, hosts = training_arrays(pages, names)
    share = float((w * y).sum() / w.sum())
    print(f"{len(pages)} pages, {len(y)} candidates, {y.mean():.3f} article ({share:.3f} of words)")
    golds = [case["text"] for case in cases]
    p, r, f1 = prf(scorer, [recovered_text(page, []) for page in pages], golds)
    print(f"filtered text, no recall step: shingle P {p:.4f} R {r:.4f} F1 {f1:.4f}")
    oracle = []
    for page in pages:
        labels = zip(page["candidates"], page["y"], strict=True)
        oracle.append(recovered_text(page, [i for i, (label, _) in labels if label >= 0.5]))
    p, r, f1 = prf(scorer, oracle, golds)
    print(f"oracle (gold labels): shingle P {p:.4f} R {r:.4f} F1 {f1:.4f}")
    for seed in SEEDS:
        oof = np.zeros(len(y))
        for train, test in GroupKFold(5).split(x, y, hosts):
            oof[test] = fit(x[train], y[train], w[train], seed).predict_proba(x[test])[:, 1]
        for threshold in THRESHOLDS:
            preds = []
            for k, page in enumerate(pages):
                scores = oof[page_of == k]
                add = [i for i, s in zip(page["candidates"], scores, strict=True) if s >= threshold]
                preds.append(recovered_text(page, add))
            p, r, f1 = prf(scorer, preds, golds)
            added = int((oof >= threshold).sum())
            print(f"  seed {seed} threshold {threshold:.2f}: {added} added, P {p:.4f} R {r:.4f} F1 {f1:.4f}")
    models = fit_bag(x, y, w)
    exported = {**export_bag(models, names), "threshold": THRESHOLD}
    exported["about"] = "HTML recall step, see training/html_recall_train.py"
    write_checked(models, exported, [dict(zip(names, row, strict=True)) for row in x[:5000]], x, OUT)


if __name__ == "__main__":
    main()
