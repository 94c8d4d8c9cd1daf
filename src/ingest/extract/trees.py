"""Inference for the gradient-boosted tree models of the extraction step (block filter and recall step).

The models are JSON exports of scikit-learn tree ensembles (`training/html_train.py`,
`training/html_recall_train.py`): a baseline and a list of trees, each a list of nodes. Scoring walks every
row down every tree; doing that one row and tree at a time in Python costs more than the rest of the block
filter, so the trees are packed once into flat numpy arrays and all rows walk all trees level by level.
The result is deterministic and equal to the plain walk up to the order of the floating-point sum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from operator import itemgetter

import numpy as np


@dataclass(frozen=True, slots=True)
class PackedTrees:
    """A tree model's nodes as flat arrays over all trees (child links are flat indexes, a leaf links to
    itself), so that all rows walk all trees level by level in a few numpy steps instead of one Python
    loop per row and tree."""

    feature: np.ndarray
    threshold: np.ndarray
    children: np.ndarray
    """Both child links of node i: right at 2 * i, left at 2 * i + 1, so that one gather indexed by
    `2 * node + go_left` takes every row one level down."""
    missing_left: np.ndarray
    value: np.ndarray
    roots: np.ndarray
    depth: int


def _depth(nodes: list[list], i: int = 0) -> int:
    feature, _, left, right, _, _ = nodes[i]
    return 0 if feature < 0 else 1 + max(_depth(nodes, int(left)), _depth(nodes, int(right)))


def pack(trees: list[list[list]]) -> PackedTrees:
    """The trees as `PackedTrees`."""
    offsets = np.cumsum([0] + [len(t) for t in trees[:-1]])
    nodes = np.array([node for t in trees for node in t], dtype=float)
    base = np.repeat(offsets, [len(t) for t in trees])
    own = np.arange(len(nodes))
    leaf = nodes[:, 0] < 0
    left = np.where(leaf, own, base + nodes[:, 2]).astype(np.intp)
    right = np.where(leaf, own, base + nodes[:, 3]).astype(np.intp)
    feature = np.where(leaf, 0, nodes[:, 0]).astype(np.intp)
    children = np.empty(2 * len(nodes), dtype=np.intp)
    children[0::2], children[1::2] = right, left
    return PackedTrees(
        feature,
        nodes[:, 1],
        children,
        nodes[:, 4] > 0,
        nodes[:, 5],
        offsets.astype(np.intp),
        max(_depth(t) for t in trees),
    )


_PACKED: dict[int, tuple[list, PackedTrees]] = {}


def _packed(trees: list) -> PackedTrees:
    """`pack` once per trees list (kept alive in the cache, so its id cannot be reused while cached)."""
    hit = _PACKED.get(id(trees))
    if hit is not None and hit[0] is trees:
        return hit[1]
    if len(_PACKED) >= 8:
        _PACKED.clear()
    packed = pack(trees)
    _PACKED[id(trees)] = (trees, packed)
    return packed


def article_scores(features: list[dict[str, float]], model: dict) -> list[float]:
    """Probability that each block is article text: the model's trees walked for all blocks at once,
    equal to walking each row down each tree in turn (tests/extract/test_extract.py's `_tree_value`) up to the
    order of the floating-point sum. Nodes: [feature, threshold, left, right, missing_left, value], or
    [-1, 0, 0, 0, 0, value] at a leaf."""
    if not features:
        return []
    packed = _packed(model["trees"])
    names = model["features"]
    get = itemgetter(*names)
    x = np.array([get(f) for f in features], dtype=float).reshape(len(features), len(names))
    flat = x.ravel()
    row_base = (np.arange(len(features)) * len(names))[:, None]
    missing = bool(np.isnan(flat).any())
    node = np.broadcast_to(packed.roots, (len(features), len(packed.roots)))
    for _ in range(packed.depth):  # `take` gathers from flat arrays faster than indexing with `[]`
        v = flat.take(row_base + packed.feature.take(node))
        go_left = v <= packed.threshold.take(node)  # False for a missing (NaN) value
        if missing:
            go_left |= np.isnan(v) & packed.missing_left.take(node)
        node = packed.children.take(2 * node + go_left)
    raw = model["baseline"] + packed.value[node].sum(axis=1)
    return [1.0 / (1.0 + math.exp(-r)) for r in raw.tolist()]
