"""Cross-validated score of the whole pipeline (`python -m ingest` steps) with the HTML block filter and
the recall step.

The shipped models are trained on every dev page, so the benchmark's number for them is in-sample. This
script scores the same pipeline with models that never saw the page they work on: 5 folds grouped by site
(URL host), as in `html_train.py`; each fold's pages run through every per-document step (decode,
extraction with the filter and the recall step, the plain-text cleaner's second pass, normalization) with
both models trained on the other folds, and all 709 pages are scored together with ../shared/eval/score.py.
It also scores, in the same process, the pipeline with the filter alone (`[extract] recover_blocks =
false`) and with neither (`filter_blocks = false` too), for the differences.

Run: uv run --group training python training/html_cv_pipeline.py [SEED]   (~10 min; SEED is the
early-stopping seed of both models, 0 by default; with HTML_CV_BAG=K each model is the mean of K models
with seeds SEED..SEED+K-1, as `html_train.export_bag` builds it; HTML_CV_THRESHOLD overrides the block
filter's threshold)
With HTML_CV_DUMP=FILE set, the filter-and-recall texts are also written to FILE (JSON lines), for
error analysis.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import replace
from functools import partial
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from html_recall_train import recall_examples, training_arrays
from html_train import DEV, PARAMS, THRESHOLD, _scorer, dev_examples, export_bag
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import GroupKFold

from ingest.config import IngestConfig
from ingest.extract import block_filter as extract_filter
from ingest.extract import html as extract
from ingest.extract import recall as extract_recall
from ingest.steps.document import process_file


def fit(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, params: dict, seed: int
) -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(**{**params, "random_state": seed}).fit(x, y, sample_weight=w)


def run_pages(paths: list[Path], config: IngestConfig) -> list[dict]:
    rows = []
    for path in paths:
        for doc in process_file(path, path.parent, config):
            rows.append(
                {"source_path": path.name, "text": doc.text, "title": doc.title, "author": doc.author}
            )
    return rows


def score(rows: list[dict], scorer) -> dict:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        (out / "documents").mkdir()
        pq.write_table(pa.Table.from_pylist(rows), out / "documents" / "part-00000.parquet")
        return scorer.score(DEV / "gold.jsonl", out)


def main() -> None:
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    bag = int(os.environ.get("HTML_CV_BAG", "1"))
    threshold = float(os.environ.get("HTML_CV_THRESHOLD", THRESHOLD))
    scorer = _scorer()
    cases, pages, names = dev_examples()
    _, recall_pages, recall_names = recall_examples()
    rx, ry, rw, r_page, _ = training_arrays(recall_pages, recall_names)
    hosts_of_page = np.array([page["host"] for page in pages])
    config = IngestConfig()
    filter_only = replace(config, extract=replace(config.extract, recover_blocks=False))
    paths = [DEV / "raw-html" / f"{case['id']}.html.gz" for case in cases]
    params = {**PARAMS, "random_state": seed}
    filtered: list[dict] = []
    recovered: list[dict] = []
    for train_pages, test_pages in GroupKFold(5).split(np.zeros(len(pages)), groups=hosts_of_page):
        rows = [(f, y) for k in train_pages for f, y in zip(pages[k]["x"], pages[k]["y"], strict=True)]
        x = np.array([[f[n] for n in names] for f, _ in rows])
        y = np.array([label >= 0.5 for _, (label, _) in rows], dtype=int)
        w = np.array([max(1, n) for _, (_, n) in rows], dtype=float)
        model = export_bag([fit(x, y, w, params, seed + j) for j in range(bag)], names)
        model["threshold"] = threshold
        extract.filter_blocks = partial(extract_filter.filter_blocks, model=model)  # type: ignore[assignment]
        train = np.isin(r_page, train_pages)
        recall_models = [fit(rx[train], ry[train], rw[train], params, seed + j) for j in range(bag)]
        recall = {
            **export_bag(recall_models, recall_names),
            "threshold": extract_recall.load_model(extract_recall.MODEL)["threshold"],
        }
        extract.recover_blocks = partial(extract_recall.recover_blocks, model=recall)  # type: ignore[assignment]
        fold_paths = [paths[k] for k in test_pages]
        filtered += run_pages(fold_paths, filter_only)
        recovered += run_pages(fold_paths, config)
    dump = os.environ.get("HTML_CV_DUMP")
    if dump:
        Path(dump).write_text("\n".join(json.dumps(r) for r in recovered) + "\n", encoding="utf-8")
    plain = run_pages(paths, replace(filter_only, extract=replace(filter_only.extract, filter_blocks=False)))
    for label, rows in (
        ("pipeline without the filter or the recall step", plain),
        (f"with the filter (t={threshold}), CV, seed {seed}, bag {bag}", filtered),
        (f"with the filter and the recall step, CV, seed {seed}, bag {bag}", recovered),
    ):
        r = score(rows, scorer)
        print(
            f"{label}: shingle P {r['shingle_precision']:.4f} R {r['shingle_recall']:.4f} "
            f"F1 {r['shingle_f1']:.4f}, bow F1 {r['bow_f1']:.4f}, title {r['title_match']:.4f}"
        )


if __name__ == "__main__":
    main()
