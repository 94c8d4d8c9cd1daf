"""Position-dependent block-filter threshold (stricter near the end of the page), on `html_filter_exp.py`'s
cached pages: the shipped features' out-of-fold filter scores and recall additions (seed 0), scored on the
extracted text. Tried, did not help (benchmarks/quality/HTML.md).

Run: OMP_NUM_THREADS=1 uv run --group training python training/html_filter_exp_position.py
"""

from __future__ import annotations

from html_filter_exp import NEW, final_text, load, oof_scores
from html_train import _scorer, prf


def main() -> None:
    scorer = _scorer()
    cases, pages = load()
    golds = [c["text"] for c in cases]
    names = sorted({n for p in pages for f in p["x"] for n in f if n not in NEW})
    scores = oof_scores(pages, names, 0)
    rnames = sorted({n for p in pages for f in p["rx"] for n in f})
    rscores = oof_scores(pages, rnames, 0, "rx", "ry")
    adds = [
        [i for i, s in zip(p["candidates"], r, strict=True) if s >= 0.5]
        for p, r in zip(pages, rscores, strict=True)
    ]

    def run(label: str, thr) -> None:  # type: ignore[no-untyped-def]
        preds = []
        for p, s, a in zip(pages, scores, adds, strict=True):
            n = len(s)
            preds.append(final_text(p, [s[j] >= thr(j, n) for j in range(n)], a))
        pr, rc, f1 = prf(scorer, preds, golds)
        print(f"{label}: P {pr:.4f} R {rc:.4f} F1 {f1:.4f}", flush=True)

    run("flat 0.35", lambda j, n: 0.35)
    for t0, t1 in ((0.3, 0.5), (0.3, 0.6), (0.35, 0.6), (0.3, 0.7), (0.25, 0.6)):
        run(f"linear in position {t0} -> {t1}", lambda j, n, t0=t0, t1=t1: t0 + (t1 - t0) * j / max(1, n - 1))
    for t1, k in ((0.6, 3), (0.7, 5), (0.6, 10)):
        run(f"last {k} blocks at {t1}", lambda j, n, t1=t1, k=k: t1 if n - 1 - j < k and n > k else 0.35)


if __name__ == "__main__":
    main()
