"""Train the HTML block filter (`src/ingest/extract/block_filter.py`): writes models/html_blocks_gbt.json.

Data: the 709 dev pages (`../shared/eval/dev/raw-html`, WCXB development split, CC-BY-4.0) and their gold
text; nothing from held-out sets. Each page goes through our extraction as `extract.main_text` runs it
(trafilatura default pass and recall pass, the longer kept), without the filter; every leaf block of
trafilatura's output tree is one example, with `extract_filter.block_features`.
Label: a block is article when at least half of its word 4-shingles occur in the gold text (a block of
fewer than four words: when its words occur in that order in the gold text). Weight: its word count.

Model: scikit-learn HistGradientBoostingClassifier, depth 3, at most 150 trees (scikit-learn's early stopping
keeps about 60-70), learning rate 0.1, fitted BAG = 5 times with early-stopping seeds 0-4 and shipped as
their mean log-odds (`export_bag`: the bag removes the 0.001 that the seed alone moves the CV score),
exported tree by tree to JSON (inference: `article_scores`, a numpy walk).
A block is dropped when its article probability is below THRESHOLD.

Evaluation: 5-fold cross-validation grouped by site (URL host): the printed shingle P/R/F1 (score.py's
metric) is of held-out pages' extracted text (no plain-text cleaner), for several thresholds; the shipped
threshold was chosen in the flat middle of that curve.

Run: uv run --group training python training/html_train.py   (~5 min, needs ../shared)
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import math
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from copy import deepcopy
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import trafilatura
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import GroupKFold
from trafilatura.xml import xmltotxt

from ingest.config import ExtractConfig
from ingest.extract import block_filter as extract_filter
from ingest.extract.html import recall_result
from ingest.extract.page import parse_page
from ingest.extract.trees import article_scores

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "eval" / "dev"
OUT = extract_filter.MODEL
THRESHOLD = 0.35
THRESHOLDS = (0.0, 0.2, 0.3, 0.35, 0.4, 0.5)
PARAMS = {"max_depth": 3, "max_iter": 150, "learning_rate": 0.1, "random_state": 0}
BAG = 5
"""Shipped models are the mean of this many fits with early-stopping seeds 0..BAG-1 (`export_bag`)."""


def _scorer():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("score", DEV.parent / "score.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _label(text: str, gold_shingles: set, gold_joined: str) -> tuple[float, int]:
    tokens = extract_filter._WORD.findall(text)
    if len(tokens) >= 4:
        shingles = [tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3)]
        return sum(s in gold_shingles for s in shingles) / len(shingles), len(tokens)
    if not tokens:
        return 1.0, 0
    return float(f" {' '.join(tokens)} " in gold_joined), len(tokens)


def extracted_page(case: dict) -> tuple[object, str, object]:
    """A dev page's parsed tree, and the text and output tree of trafilatura's longer pass (default or
    recall), as `ingest.extract.html` picks them before its block filter."""
    html = gzip.decompress((DEV / "raw-html" / f"{case['id']}.html.gz").read_bytes()).decode(
        "utf-8", "replace"
    )
    tree = parse_page(html)
    result = trafilatura.bare_extraction(
        tree, with_metadata=False, include_comments=False, include_tables=True
    )
    text = result.text if result is not None and result.text else ""
    body = result.body if result is not None and text else None
    other = recall_result(tree, ExtractConfig())
    if other is not None and other.text and len(other.text) > len(text):
        text, body = other.text, other.body
    return tree, text, body


def page_examples(case: dict) -> dict:
    """One page: its unfiltered text, its output tree (XML string) and one example per leaf block."""
    tree, text, body = extracted_page(case)
    page = {
        "id": case["id"],
        "host": urlsplit(case["url"]).hostname,
        "text": text,
        "body": None,
        "x": [],
        "y": [],
    }
    if body is None:
        return page
    from lxml import etree

    page["body"] = etree.tostring(body, encoding="unicode")
    _, texts, features = extract_filter.block_features(deepcopy(body), tree)
    gold_tokens = extract_filter._WORD.findall(case["text"])
    gold_shingles = {tuple(gold_tokens[i : i + 4]) for i in range(len(gold_tokens) - 3)}
    gold_joined = f" {' '.join(gold_tokens)} "
    page["x"] = features
    page["y"] = [_label(t, gold_shingles, gold_joined) for t in texts]
    return page


def filtered_text(page: dict, keep: list[bool]) -> str:
    if page["body"] is None or all(keep):
        return page["text"]
    from lxml import etree

    body = etree.fromstring(page["body"])
    extract_filter.drop_blocks(body, extract_filter.leaf_blocks(body), keep)
    return xmltotxt(body, False)


def prf(scorer, preds: list[str], golds: list[str]) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    precisions, recalls = [], []
    for pred, gold in zip(preds, golds, strict=True):
        tp, fp, fn = scorer.shingle_counts(pred, gold)
        if tp + fp > 0:
            precisions.append(1.0 if fp == fn == 0 else tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(1.0 if fp == fn == 0 else tp / (tp + fn))
    p, r = float(np.mean(precisions)), float(np.mean(recalls))
    return p, r, 2 * p * r / (p + r)


def export(model: HistGradientBoostingClassifier, names: list[str]) -> dict:
    trees = []
    for (predictor,) in model._predictors:
        nodes = []
        for node in predictor.nodes:
            if node["is_leaf"]:
                nodes.append([-1, 0, 0, 0, 0, round(float(node["value"]), 8)])
            else:
                nodes.append(
                    [
                        int(node["feature_idx"]),
                        float(node["num_threshold"]),
                        int(node["left"]),
                        int(node["right"]),
                        int(node["missing_go_to_left"]),
                        0,
                    ]
                )
        trees.append(nodes)
    return {
        "about": "HTML block filter, see training/html_train.py",
        "features": names,
        "threshold": THRESHOLD,
        "baseline": float(np.ravel(model._baseline_prediction)[0]),
        "trees": trees,
    }


def export_bag(models: list[HistGradientBoostingClassifier], names: list[str]) -> dict:
    """Several models (early-stopping seeds) as one: the mean of their log-odds, i.e. every tree with its
    leaf values divided by the number of models, and the mean baseline. Inference is unchanged."""
    parts = [export(model, names) for model in models]
    trees = [
        [[*node[:5], round(node[5] / len(parts), 8)] for node in tree]
        for part in parts
        for tree in part["trees"]
    ]
    return {**parts[0], "baseline": sum(p["baseline"] for p in parts) / len(parts), "trees": trees}


def fit_bag(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> list[HistGradientBoostingClassifier]:
    """BAG models that differ only in the early-stopping seed (0, 1, ...), for `export_bag`."""
    return [
        HistGradientBoostingClassifier(**{**PARAMS, "random_state": seed}).fit(x, y, sample_weight=w)
        for seed in range(BAG)
    ]


def write_checked(
    models: list[HistGradientBoostingClassifier], exported: dict, rows: list[dict], x: np.ndarray, out: Path
) -> None:
    """Write the exported trees only if our walk (`article_scores`) gives scikit-learn's
    probabilities (of the mean log-odds, for a bag) on the first 5000 training rows (feature dicts `rows`,
    matrix `x`)."""
    check = article_scores(rows[:5000], exported)
    raw = np.mean([model.decision_function(x[:5000]) for model in models], axis=0)
    diff = np.abs(np.array(check) - 1.0 / (1.0 + np.exp(-raw))).max()
    print(f"exported model vs scikit-learn: max |dp| {diff:.2e} on {min(5000, len(rows))} rows")
    if diff > 1e-6 or not math.isfinite(diff):
        sys.exit("export mismatch")
    out.write_text(json.dumps(exported, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size} bytes, {len(exported['trees'])} trees)")


def dev_examples(
    examples: Callable[[dict], dict] = page_examples,
) -> tuple[list[dict], list[dict], list[str]]:
    """(gold cases, examples of every dev page, feature names), the pages read in 2 processes; `examples`
    turns one case into its page's examples (this script's blocks, or `html_recall_train`'s candidates)."""
    cases = [
        json.loads(line) for line in (DEV / "gold.jsonl").read_text(encoding="utf-8").split("\n") if line
    ]
    with ProcessPoolExecutor(2) as pool:
        pages = list(pool.map(examples, cases, chunksize=8))
    return cases, pages, sorted({name for page in pages for f in page["x"] for name in f})


def main() -> None:
    scorer = _scorer()
    cases, pages, names = dev_examples()
    rows = [(k, f, y) for k, page in enumerate(pages) for f, y in zip(page["x"], page["y"], strict=True)]
    x = np.array([[f[n] for n in names] for _, f, _ in rows])
    y = np.array([label >= 0.5 for _, _, (label, _) in rows], dtype=int)
    w = np.array([max(1, n) for _, _, (_, n) in rows], dtype=float)
    page_of = np.array([k for k, _, _ in rows])
    hosts = np.array([pages[k]["host"] for k, _, _ in rows])
    print(f"{len(pages)} pages, {len(y)} blocks, {y.mean():.3f} article, {len(names)} features")
    oof = np.zeros(len(y))
    for train, test in GroupKFold(5).split(x, y, hosts):
        model = HistGradientBoostingClassifier(**PARAMS).fit(x[train], y[train], sample_weight=w[train])
        oof[test] = model.predict_proba(x[test])[:, 1]
    golds = [case["text"] for case in cases]
    print("held-out folds (grouped by site), extracted text without the plain-text cleaner:")
    for threshold in THRESHOLDS:
        preds = [filtered_text(page, list(oof[page_of == k] >= threshold)) for k, page in enumerate(pages)]
        p, r, f1 = prf(scorer, preds, golds)
        print(f"  threshold {threshold:.2f}: shingle P {p:.4f} R {r:.4f} F1 {f1:.4f}")
    oracle = [filtered_text(page, [label >= 0.5 for label, _ in page["y"]]) for page in pages]
    p, r, f1 = prf(scorer, oracle, golds)
    print(f"  oracle (gold labels): shingle P {p:.4f} R {r:.4f} F1 {f1:.4f}")
    models = fit_bag(x, y, w)
    write_checked(models, export_bag(models, names), [f for _, f, _ in rows[:5000]], x, OUT)


if __name__ == "__main__":
    main()
