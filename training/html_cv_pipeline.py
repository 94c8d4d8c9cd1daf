"""Cross-validated score of the whole pipeline (`python -m ingest` steps) with the HTML block filter.

The shipped model is trained on every dev page, so the benchmark's number for it is in-sample. This script
scores the same pipeline with models that never saw the page they filter: 5 folds grouped by site (URL
host), as in `html_train.py`; each fold's pages run through every per-document step (decode, extraction
with the filter, the plain-text cleaner's second pass, normalization) with a model trained on the other
folds, and all 709 pages are scored together with ../shared/eval/score.py. It also scores the pipeline
without the filter (`[extract] filter_blocks = false`) in the same process, for the difference.

Run: uv run --group training python training/html_cv_pipeline.py   (~6 min, one process after the dataset)
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from functools import partial
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from html_train import DEV, PARAMS, THRESHOLD, _scorer, dev_examples, export
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import GroupKFold

from ingest import extract, extract_filter
from ingest.config import IngestConfig
from ingest.pipeline import process_file


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
    scorer = _scorer()
    cases, pages, names = dev_examples()
    hosts_of_page = np.array([page["host"] for page in pages])
    config = IngestConfig()
    paths = [DEV / "raw-html" / f"{case['id']}.html.gz" for case in cases]
    filtered: list[dict] = []
    for train_pages, test_pages in GroupKFold(5).split(np.zeros(len(pages)), groups=hosts_of_page):
        rows = [(f, y) for k in train_pages for f, y in zip(pages[k]["x"], pages[k]["y"], strict=True)]
        x = np.array([[f[n] for n in names] for f, _ in rows])
        y = np.array([label >= 0.5 for _, (label, _) in rows], dtype=int)
        w = np.array([max(1, n) for _, (_, n) in rows], dtype=float)
        model = export(HistGradientBoostingClassifier(**PARAMS).fit(x, y, sample_weight=w), names)
        extract.filter_blocks = partial(extract_filter.filter_blocks, model=model)  # type: ignore[assignment]
        filtered += run_pages([paths[k] for k in test_pages], config)
    plain = run_pages(paths, replace(config, extract=replace(config.extract, filter_blocks=False)))
    for label, rows in (
        ("pipeline without the filter", plain),
        (f"with the filter (t={THRESHOLD}), CV", filtered),
    ):
        r = score(rows, scorer)
        print(
            f"{label}: shingle P {r['shingle_precision']:.4f} R {r['shingle_recall']:.4f} "
            f"F1 {r['shingle_f1']:.4f}, bow F1 {r['bow_f1']:.4f}, title {r['title_match']:.4f}"
        )


if __name__ == "__main__":
    main()
