"""Train the cleaner's article classifier and write it to src/ingest/clean/models/article_lr.json.

Model: two stacked additive logistic regressions (a GAM in one-hot form). Every feature of
`clean_features.FEATURES` is cut into quantile bins, each bin gets one weight, so the model can learn that
*both* very short and boilerplate-typical lengths are bad without hand-made interactions, and inference is a
bisect and a sum per feature in pure Python (no numpy at run time).
- stage 1 reads the line's own, block and position features;
- stage 2 adds the stage-1 scores of the neighbourhood (previous/next line, windows of 3 and 8, and whether
  the line lies inside the page's densest run of article-like lines), the context jusText uses by hand.
Stage-2 training uses out-of-fold stage-1 scores so it never sees scores of lines the stage-1 model
trained on.

Evaluation: GroupKFold by site (URL host), all three renderings of a page in the same fold; the printed
numbers are held-out-fold numbers (a token-weighted proxy of the benchmark: per page precision and recall of
kept article tokens, averaged, then F1). Data provenance and labelling: see dataset.py.

Run: uv run --group training python training/dataset.py /tmp/clean_dataset.jsonl
     uv run --group training python training/train.py /tmp/clean_dataset.jsonl [OUT.json]
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from ingest.clean.classifier import CONTEXT_FEATURES, context_features
from ingest.clean.features import FEATURES

OUT = Path(__file__).resolve().parents[1] / "src" / "ingest" / "models" / "article_lr.json"
N_BINS = 10
C = 0.5


def load(path: Path) -> dict[str, np.ndarray]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]
    return {
        "x": np.array([r["x"] for r in rows], dtype=float),
        "y": np.array([r["y"] for r in rows], dtype=int),
        "n": np.array([r["n_tokens"] for r in rows], dtype=float),
        "rule": np.array([r["rule"] for r in rows], dtype=bool),
        "page": np.array([f"{r['rendering']}/{r['doc']}" for r in rows]),
        "site": np.array([r["site"] for r in rows]),
    }


def bin_edges(x: np.ndarray) -> list[list[float]]:
    """Quantile cut points per column (unique, so binary features get one cut)."""
    edges = []
    for j in range(x.shape[1]):
        qs = np.unique(np.quantile(x[:, j], np.linspace(0, 1, N_BINS + 1)[1:-1]))
        edges.append([float(q) for q in qs])
    return edges


def one_hot(x: np.ndarray, edges: list[list[float]]) -> sparse.csr_matrix:
    rows, cols = [], []
    offset = 0
    index = np.arange(x.shape[0])
    for j, e in enumerate(edges):
        rows.append(index)
        cols.append(offset + np.searchsorted(np.array(e), x[:, j], side="right"))
        offset += len(e) + 1
    r, c = np.concatenate(rows), np.concatenate(cols)
    return sparse.csr_matrix((np.ones(len(r)), (r, c)), shape=(x.shape[0], offset))


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[list[list[float]], LogisticRegression]:
    edges = bin_edges(x)
    model = LogisticRegression(C=C, max_iter=2000)
    model.fit(one_hot(x, edges), y, sample_weight=w)
    return edges, model


def predict(edges: list[list[float]], model: LogisticRegression, x: np.ndarray) -> np.ndarray:
    return model.predict_proba(one_hot(x, edges))[:, 1]


def stage2_inputs(x: np.ndarray, p1: np.ndarray, pages: np.ndarray, log_chars: np.ndarray) -> np.ndarray:
    """Append the context features the shipped model computes from stage-1 scores, page by page."""
    ctx = np.zeros((x.shape[0], len(CONTEXT_FEATURES)))
    start = 0
    while start < len(pages):
        end = start
        while end < len(pages) and pages[end] == pages[start]:
            end += 1
        rows = context_features(list(p1[start:end]), list(log_chars[start:end]))
        ctx[start:end] = np.array([[r[k] for k in CONTEXT_FEATURES] for r in rows])
        start = end
    return np.hstack([x, ctx])


def prose_mask(x: np.ndarray) -> np.ndarray:
    """Same test as clean_features.is_prose, on the feature matrix."""
    col = {name: x[:, FEATURES.index(name)] for name in ("n_words", "ends_sentence", "stop_share")}
    return (col["n_words"] >= 15) & (col["ends_sentence"] == 1.0) & (col["stop_share"] >= 0.15)


def page_f1(keep: np.ndarray, y: np.ndarray, n: np.ndarray, pages: np.ndarray) -> tuple[float, float, float]:
    """Token-weighted per-page precision and recall of kept article text, averaged over pages."""
    stats: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for k, yy, nn, pg in zip(keep, y, n, pages, strict=True):
        s = stats[pg]
        s[0] += nn * (k and yy)
        s[1] += nn * k
        s[2] += nn * yy
    ps = [s[0] / s[1] for s in stats.values() if s[1] > 0]
    rs = [s[0] / s[2] for s in stats.values() if s[2] > 0]
    p, r = float(np.mean(ps)), float(np.mean(rs))
    return p, r, 2 * p * r / (p + r)


def main() -> None:
    data = load(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/clean_dataset.jsonl"))
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else OUT
    x, y, n, pages, sites = data["x"], data["y"], data["n"], data["page"], data["site"]
    w = np.sqrt(n + 1.0)
    log_chars = x[:, FEATURES.index("log_chars")]
    folds = list(GroupKFold(n_splits=5).split(x, y, groups=sites))
    p1_oof = np.zeros(len(y))
    for tr, te in folds:
        edges, model = fit(x[tr], y[tr], w[tr])
        p1_oof[te] = predict(edges, model, x[te])
    x2 = stage2_inputs(x, p1_oof, pages, log_chars)
    p2_oof = np.zeros(len(y))
    for tr, te in folds:
        edges, model = fit(x2[tr], y[tr], w[tr])
        p2_oof[te] = predict(edges, model, x2[te])
    rule = data["rule"]
    print("held-out folds (grouped by site), token-weighted page P/R/F1 of kept lines:")
    print("  keep all       P={:.4f} R={:.4f} F1={:.4f}".format(*page_f1(np.ones(len(y), bool), y, n, pages)))
    print("  rules only     P={:.4f} R={:.4f} F1={:.4f}".format(*page_f1(~rule, y, n, pages)))
    for t in np.arange(0.2, 0.75, 0.1):
        r1 = page_f1((p1_oof >= t) & ~rule, y, n, pages)
        r2 = page_f1((p2_oof >= t) & ~rule, y, n, pages)
        print(
            f"  t={t:.2f} stage1 P={r1[0]:.4f} R={r1[1]:.4f} F1={r1[2]:.4f}"
            f" | stage2 P={r2[0]:.4f} R={r2[1]:.4f} F1={r2[2]:.4f}"
        )
    prose = prose_mask(x)
    raw = np.array(["+" not in p.split("/")[0] and not p.startswith("gold/") for p in pages])
    best = (0.0, 0.5, 0.5)
    for t in np.arange(0.3, 0.65, 0.05):
        for tp in np.arange(0.1, t + 0.01, 0.05):
            keep = np.where(prose, p2_oof >= tp, p2_oof >= t) & ~rule
            f1 = page_f1(keep[raw], y[raw], n[raw], pages[raw])[2]
            best = max(best, (f1, float(t), float(tp)))
    print(
        f"best stage-2 thresholds on the plain renderings: other {best[1]:.2f}, prose {best[2]:.2f} "
        f"(held-out F1 {best[0]:.4f})"
    )
    keep_all = np.where(prose, p2_oof >= best[2], p2_oof >= best[1]) & ~rule
    for rendering in sorted(set(r.split("/")[0] for r in pages)):
        m = np.char.startswith(pages.astype(str), rendering + "/")
        print(
            f"  {rendering:24s} P={{:.4f}} R={{:.4f}} F1={{:.4f}}".format(
                *page_f1(keep_all[m], y[m], n[m], pages[m])
            )
        )
    edges1, model1 = fit(x, y, w)
    p1_all = predict(edges1, model1, x)
    x2_all = stage2_inputs(x, p1_all, pages, log_chars)
    edges2, model2 = fit(x2_all, y, w)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "about": "Article-line classifier of ingest.clean; trained by training/train.py on dev only.",
                "threshold": round(best[1], 3),
                "prose_threshold": round(best[2], 3),
                "stage1": export(FEATURES, edges1, model1),
                "stage2": export(FEATURES + CONTEXT_FEATURES, edges2, model2),
            },
            indent=0,
        ),
        encoding="utf-8",
    )
    print(f"wrote {out} ({out.stat().st_size} bytes)")


def export(names: tuple[str, ...], edges: list[list[float]], model: LogisticRegression) -> dict:
    coef = model.coef_[0]
    out, k = {}, 0
    for name, e in zip(names, edges, strict=True):
        out[name] = {
            "edges": [round(v, 6) for v in e],
            "weights": [round(float(c), 5) for c in coef[k : k + len(e) + 1]],
        }
        k += len(e) + 1
    return {"bias": round(float(model.intercept_[0]), 5), "features": out}


if __name__ == "__main__":
    main()
