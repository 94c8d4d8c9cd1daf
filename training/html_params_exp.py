"""Cross-validated comparison of training settings for the two HTML models (block filter and recall step),
on the extracted text (both models out of fold, `html_filter_exp.py`'s cache and folds; no headline
removal, no plain-text cleaner).

Each variant is a set of HistGradientBoosting parameters, optionally averaged over several
early-stopping seeds (a bag), used for both models. Session 6, seed 0, filter 0.35 / recall 0.5,
cache at c8272f5: shipped 0.9454, bag of 5 0.9462, learning rate 0.05 with 300 trees 0.9459, depth 4
0.9462 (seeds 1 / 2: -0.0003 / +0.0002 against shipped: noise), min_samples_leaf 100 0.9456,
l2 1.0 0.9452, no early stopping 0.9453. The bag shipped (`html_train.BAG`), checked through the whole
pipeline with `html_cv_pipeline.py` (HTML_CV_BAG=5).

Run: OMP_NUM_THREADS=1 uv run --group training python training/html_params_exp.py [SEED] [VARIANT ...]
"""

from __future__ import annotations

import sys

from html_filter_exp import NEW, final_text, load, oof_scores
from html_train import _scorer, prf

VARIANTS: dict[str, tuple[dict, int]] = {
    "shipped": ({}, 1),
    "bag5": ({}, 5),
    "lr05": ({"learning_rate": 0.05, "max_iter": 300}, 1),
    "lr05-bag5": ({"learning_rate": 0.05, "max_iter": 300}, 5),
    "leaf100": ({"min_samples_leaf": 100}, 1),
    "l2": ({"l2_regularization": 1.0}, 1),
    "depth4": ({"max_depth": 4}, 1),
    "noes": ({"early_stopping": False, "max_iter": 100}, 1),
    "noes-lr05": ({"early_stopping": False, "max_iter": 200, "learning_rate": 0.05}, 1),
}


def main() -> None:
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    scorer = _scorer()
    cases, pages = load()
    golds = [c["text"] for c in cases]
    names = sorted({n for p in pages for f in p["x"] for n in f} - set(NEW))
    rnames = sorted({n for p in pages for f in p["rx"] for n in f})
    for label in sys.argv[2:] or VARIANTS:
        params, bag = VARIANTS[label]
        fscores = oof_scores(pages, names, seed, "x", "y", params, bag)
        rscores = oof_scores(pages, rnames, seed, "rx", "ry", params, bag)
        for t, rt in ((0.35, 0.5), (0.3, 0.5), (0.4, 0.5), (0.35, 0.4), (0.35, 0.6)):
            adds = [
                [i for i, s in zip(p["candidates"], sc, strict=True) if s >= rt]
                for p, sc in zip(pages, rscores, strict=True)
            ]
            preds = [final_text(p, list(sc >= t), a) for p, sc, a in zip(pages, fscores, adds, strict=True)]
            p_, r_, f1 = prf(scorer, preds, golds)
            print(
                f"{label:>12} seed {seed} t {t:.2f} rt {rt:.2f}: P {p_:.4f} R {r_:.4f} F1 {f1:.4f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
