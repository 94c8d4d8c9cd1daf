"""The article classifier at run time: a two-stage additive logistic model read from a small JSON file.

Each feature is cut into bins and each bin carries a weight (trained by `training/train.py` on the dev set);
a line's score is the logistic of the bias plus one weight per feature. Stage 1 judges a line by itself, its
block and its position; stage 2 also reads the stage-1 scores around it (see `context_features`), which is how
a short heading between two paragraphs survives while the same heading in a footer menu does not. Loading
needs no network; scoring a page is one numpy binary search per feature.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_right
from functools import cache
from operator import itemgetter
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).with_name("models") / "article_lr.json"

CONTEXT_FEATURES: tuple[str, ...] = (
    "ctx_p_self",
    "ctx_p_prev",
    "ctx_p_next",
    "ctx_mean3",
    "ctx_mean8",
    "ctx_in_main",
    "ctx_dist_main",
    "ctx_mass_before",
    "ctx_mass_after",
)


class Stage:
    """One additive logistic stage: per-feature bin edges and weights."""

    __slots__ = ("arrays", "bias", "row_values", "table")

    def __init__(self, spec: dict) -> None:
        self.bias: float = float(spec["bias"])
        self.table: list[tuple[str, list[float], list[float]]] = [
            (name, list(f["edges"]), list(f["weights"])) for name, f in spec["features"].items()
        ]
        self.arrays: list[tuple[str, np.ndarray, np.ndarray]] = [
            (name, np.asarray(edges, dtype=np.float64), np.asarray(weights, dtype=np.float64))
            for name, edges, weights in self.table
        ]
        self.row_values = itemgetter(*(name for name, _, _ in self.table))

    def score(self, features: dict[str, float]) -> float:
        z = self.bias
        for name, edges, weights in self.table:
            z += weights[bisect_right(edges, features[name])]
        return _logistic(z)

    def score_rows(self, rows: list[dict[str, float]]) -> list[float]:
        """`score` of every row at once: one binary search per feature over the whole page instead of one
        per line. The same additions in the same order on doubles, so each score equals `score(row)`."""
        matrix = np.array([self.row_values(row) for row in rows], dtype=np.float64).reshape(len(rows), -1)
        z = np.full(len(rows), self.bias, dtype=np.float64)
        for k, (_, edges, weights) in enumerate(self.arrays):
            z += weights[np.searchsorted(edges, matrix[:, k], side="right")]
        return [_logistic(v) for v in z.tolist()]


def _logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


class ArticleModel:
    """Both stages and the decision threshold chosen on held-out folds."""

    def __init__(self, spec: dict) -> None:
        self.threshold: float = float(spec["threshold"])
        self.prose_threshold: float = float(spec.get("prose_threshold", spec["threshold"]))
        self.stage1 = Stage(spec["stage1"])
        self.stage2 = Stage(spec["stage2"])

    def scores(self, features: list[dict[str, float]]) -> list[float]:
        if not features:
            return []
        p1 = self.stage1.score_rows(features)
        ctx = context_features(p1, [f["log_chars"] for f in features])
        return self.stage2.score_rows([f | c for f, c in zip(features, ctx, strict=True)])


@cache
def load_model(path: str = str(MODEL_PATH)) -> ArticleModel | None:
    """The shipped model, or None when the file is missing or unreadable (the cleaner then uses rules
    only).
    """
    try:
        return ArticleModel(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def context_features(p1: list[float], log_chars: list[float]) -> list[dict[str, float]]:
    """Neighbourhood of each line in stage-1 scores: neighbours, windows, and the page's main run.

    The main run is the stretch of lines with the largest sum of (score - 0.5) weighted by length (a maximum
    subarray): the article is usually one contiguous stretch, so being inside it or far from it is evidence.
    """
    n = len(p1)
    if n == 0:
        return []
    gains = [(p - 0.5) * (lc + 0.5) for p, lc in zip(p1, log_chars, strict=True)]
    lo, hi = _max_subarray(gains)
    mass = [p * lc for p, lc in zip(p1, log_chars, strict=True)]
    total = sum(mass) or 1.0
    prefix = [0.0]
    for v in p1:
        prefix.append(prefix[-1] + v)
    out = []
    before = 0.0
    for i in range(n):
        a3, b3 = max(0, i - 3), min(n, i + 4)
        a8, b8 = max(0, i - 8), min(n, i + 9)
        dist = 0 if lo <= i <= hi else (lo - i if i < lo else i - hi)
        out.append(
            {
                "ctx_p_self": p1[i],
                "ctx_p_prev": p1[i - 1] if i > 0 else 0.0,
                "ctx_p_next": p1[i + 1] if i + 1 < n else 0.0,
                "ctx_mean3": (prefix[b3] - prefix[a3] - p1[i]) / max(1, b3 - a3 - 1),
                "ctx_mean8": (prefix[b8] - prefix[a8] - p1[i]) / max(1, b8 - a8 - 1),
                "ctx_in_main": float(lo <= i <= hi),
                "ctx_dist_main": float(min(dist, 30)),
                "ctx_mass_before": before / total,
                "ctx_mass_after": (total - before - mass[i]) / total,
            }
        )
        before += mass[i]
    return out


def _max_subarray(values: list[float]) -> tuple[int, int]:
    best, best_lo, best_hi = -math.inf, 0, -1
    current, start = 0.0, 0
    for i, v in enumerate(values):
        if current <= 0:
            current, start = v, i
        else:
            current += v
        if current > best:
            best, best_lo, best_hi = current, start, i
    return best_lo, best_hi
