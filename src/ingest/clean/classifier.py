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
from itertools import chain
from operator import itemgetter
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).with_name("models") / "article_lr.json"
CLASSIFIER_RULE = "classifier:low_article_score"
"""The removal reason of a line the classifier scores below its threshold."""

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

    def score_columns(self, columns: dict[str, np.ndarray], n: int) -> list[float]:
        """`score_rows` over feature columns (one array of n values per feature name)."""
        return _score_columns(self, columns, n)


def _score_columns(stage: Stage, columns: dict[str, np.ndarray], n: int) -> list[float]:
    """`Stage.score` of n lines given as columns. `edges.searchsorted` rather than `np.searchsorted`: the
    function's Python dispatch costs a microsecond a call, and a page pass makes 85 of them."""
    z = np.empty(n, dtype=np.float64)
    z.fill(stage.bias)
    for name, edges, weights in stage.arrays:
        z += weights[edges.searchsorted(columns[name], side="right")]
    return _logistics(z)


def _logistics(z: np.ndarray) -> list[float]:
    """`_logistic` of every value: the clamp `max(-30, min(30, z))` as `np.fmax(np.fmin(z, 30), -30)`
    (the same choice of bound or value, NaN included: `fmin` returns the bound as `min(30.0, nan)` does),
    the exponential still `math.exp` one by one, since numpy's vectorized exp may differ in the last bit."""
    exp = math.exp
    return [1.0 / (1.0 + exp(-v)) for v in np.fmax(np.fmin(z, 30.0), -30.0).tolist()]


def _logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


class ArticleModel:
    """Both stages and the decision threshold chosen on held-out folds."""

    def __init__(self, spec: dict) -> None:
        self.threshold: float = float(spec["threshold"])
        self.prose_threshold: float = float(spec.get("prose_threshold", spec["threshold"]))
        self.stage1 = Stage(spec["stage1"])
        self.stage2 = Stage(spec["stage2"])
        names = dict.fromkeys(name for name, _, _ in self.stage1.table)
        names.update(dict.fromkeys(n for n, _, _ in self.stage2.table if n not in CONTEXT_FEATURES))
        self.feature_names: tuple[str, ...] = tuple(names)
        """Line features either stage reads (context features excluded), in a fixed order."""
        first = {name: edges for name, edges, _ in self.stage1.arrays}
        self.shared_bins: frozenset[str] = frozenset(
            name
            for name, edges, _ in self.stage2.arrays
            if name not in CONTEXT_FEATURES and name in first and np.array_equal(first[name], edges)
        )
        """Line features whose bin edges are the same in both stages (all 38 in the shipped model): stage 2
        reuses stage 1's bin of each line instead of searching again."""

    def scores(self, features: list[dict[str, float]]) -> list[float]:
        """Stage-2 scores of every line. Columns instead of merged row dicts: the feature values are read
        once into a matrix, the context features are built as columns, and both stages add the same weights
        in the same order as `score_rows` would, so the scores are the same doubles."""
        if not features:
            return []
        n = len(features)
        names = self.feature_names
        matrix = np.fromiter(
            chain.from_iterable(map(itemgetter(*names), features)), dtype=np.float64, count=n * len(names)
        ).reshape(n, len(names))
        columns: dict[str, np.ndarray] = {name: matrix[:, k] for k, name in enumerate(names)}
        return self._score(columns, [f["log_chars"] for f in features], n)

    def scores_columns(self, features: dict[str, list[float]]) -> list[float]:
        """`scores` of a page given as feature columns (`features.page_columns`)."""
        n = len(features.get("log_chars", ()))
        if n == 0:
            return []
        columns = {name: np.asarray(features[name], dtype=np.float64) for name in self.feature_names}
        return self._score(columns, features["log_chars"], n)

    def scores_arrays(self, columns: dict[str, np.ndarray]) -> list[float]:
        """`scores_columns` of feature arrays (`features.model_columns`), with no list conversions."""
        log_chars = columns["log_chars"]
        if len(log_chars) == 0:
            return []
        return self._score(dict(columns), log_chars, len(log_chars))

    def _score(
        self, columns: dict[str, np.ndarray], log_chars: list[float] | np.ndarray, n: int
    ) -> list[float]:
        bins: dict[str, np.ndarray] = {}
        z = np.empty(n, dtype=np.float64)
        z.fill(self.stage1.bias)
        for name, edges, weights in self.stage1.arrays:
            found = bins[name] = edges.searchsorted(columns[name], side="right")
            z += weights[found]
        p1 = _logistics(z)
        columns.update(context_arrays(p1, log_chars))
        z = np.empty(n, dtype=np.float64)
        z.fill(self.stage2.bias)
        shared = self.shared_bins
        for name, edges, weights in self.stage2.arrays:
            found = bins[name] if name in shared else edges.searchsorted(columns[name], side="right")
            z += weights[found]
        return _logistics(z)


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
    columns = context_columns(p1, log_chars)
    return [dict(zip(CONTEXT_FEATURES, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def context_columns(p1: list[float], log_chars: list[float] | np.ndarray) -> dict[str, list[float]]:
    """`context_features` as one list per feature (in `CONTEXT_FEATURES` order), the same values.

    Sums run left to right (`np.cumsum` is sequential), so every value is the double the plain loop gives."""
    if len(p1) == 0:
        return {name: [] for name in CONTEXT_FEATURES}
    return {name: values.tolist() for name, values in context_arrays(p1, log_chars).items()}


def context_arrays(p1: list[float], log_chars: list[float] | np.ndarray) -> dict[str, np.ndarray]:
    """`context_columns` as arrays (what stage 2 reads), for a non-empty page."""
    n = len(p1)
    out: dict[str, np.ndarray] = {}
    scores = np.asarray(p1, dtype=np.float64)
    chars = np.asarray(log_chars, dtype=np.float64)
    lo, hi = _max_subarray(((scores - 0.5) * (chars + 0.5)).tolist())
    mass = scores * chars
    running = mass.cumsum()
    total = float(running[-1]) or 1.0
    before = np.concatenate(([0.0], running[:-1]))
    prefix = np.concatenate(([0.0], scores.cumsum()))
    at = np.arange(n)
    out["ctx_p_self"] = scores
    out["ctx_p_prev"] = np.concatenate(([0.0], scores[:-1]))
    out["ctx_p_next"] = np.concatenate((scores[1:], [0.0]))
    out["ctx_mean3"] = _window(prefix, scores, at, 3)
    out["ctx_mean8"] = _window(prefix, scores, at, 8)
    out["ctx_in_main"] = ((at >= lo) & (at <= hi)).astype(np.float64)
    out["ctx_dist_main"] = np.minimum(np.maximum(np.maximum(lo - at, at - hi), 0), 30).astype(np.float64)
    out["ctx_mass_before"] = before / total
    out["ctx_mass_after"] = (total - before - mass) / total
    return out


def _window(prefix: np.ndarray, scores: np.ndarray, at: np.ndarray, k: int) -> np.ndarray:
    """Mean score of the k lines on each side (the line itself left out)."""
    lo, hi = np.maximum(0, at - k), np.minimum(len(scores), at + k + 1)
    return (prefix[hi] - prefix[lo] - scores) / np.maximum(1, hi - lo - 1)


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
