"""Quality benchmark of the plain-text cleaner on the dev set (`../shared/eval/dev`).

For each of the three whole-page renderings (html-text, inscriptis, html2text) it
- runs `clean_text` alone over the 709 pages and times it (docs/s of the cleaner, one core);
- scores that output with the metrics of `../shared/eval/score.py` (shingle P/R/F1, bow F1, with/without
  snippet rates, title match), next to the baseline that keeps every line;
- unless `--no-pipeline`, runs the real pipeline (`python -m ingest --raw DIR --out DIR`) and scores its
  Parquet output with `score.py --json`: the number the project is judged by;
- writes per-document rows (`per_doc_<rendering>.csv`) for error analysis and the table to RESULTS.md.

Run: uv run python benchmarks/quality/run.py [--no-pipeline] [--limit N]
Skips with a message when ../shared is absent.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

from ingest.clean.cleaner import clean_text

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
EVAL = ROOT.parent / "shared" / "eval"
DEV = EVAL / "dev"
RENDERINGS = ("raw-html-text", "raw-inscriptis", "raw-html2text")


def load_scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score", EVAL / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def keep_every_line(text: str) -> str:
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


_C4_BAD = ("javascript", "lorem ipsum", "{", "cookie", "terms of use", "privacy policy")


def c4_lines(text: str) -> str:
    """C4's line rules (Raffel et al. 2020): keep lines that end in terminal punctuation, have at least five
    words, and carry none of its bad markers; the usual heuristic baseline for web text."""
    kept = []
    for line in (raw.strip() for raw in text.split("\n")):
        low = line.lower()
        if (
            line.endswith((".", "!", "?", '"', "”"))
            and len(line.split()) >= 5
            and not any(bad in low for bad in _C4_BAD)
        ):
            kept.append(line)
    return "\n".join(kept)


def score_texts(score: ModuleType, cases: list[dict], preds: dict[str, dict]) -> tuple[dict, list[dict]]:
    """The metrics of score.py over in-memory predictions ({id: {text, title}})."""
    precisions, recalls, bows, withs, withouts, titles, rows = [], [], [], [], [], [], []
    for case in cases:
        pred = preds.get(case["id"], {})
        text = pred.get("text") or ""
        tp, fp, fn = score.shingle_counts(text, case["text"])
        p = (1.0 if fp == fn == 0 else tp / (tp + fp)) if tp + fp > 0 else None
        r = (1.0 if fp == fn == 0 else tp / (tp + fn)) if tp + fn > 0 else None
        if p is not None:
            precisions.append(p)
        if r is not None:
            recalls.append(r)
        bows.append(score.bow_f1(text, case["text"]))
        w = score.snippet_rate(case.get("with", []), text)
        wo = score.snippet_rate(case.get("without", []), text)
        if w is not None:
            withs.append(w)
        if wo is not None:
            withouts.append(wo)
        if case.get("title"):
            titles.append(score.same(pred.get("title"), case["title"]))
        rows.append(
            {
                "id": case["id"],
                "shingle_p": _r(p),
                "shingle_r": _r(r),
                "bow_f1": round(bows[-1], 4),
                "with": _r(w),
                "without": _r(wo),
                "pred_chars": len(text),
                "gold_chars": len(case["text"]),
                "title_ok": titles[-1] if case.get("title") else "",
            }
        )
    mean = lambda xs: sum(xs) / len(xs) if xs else float("nan")  # noqa: E731
    p, r = mean(precisions), mean(recalls)
    return {
        "shingle_precision": p,
        "shingle_recall": r,
        "shingle_f1": 2 * p * r / (p + r) if p + r else 0.0,
        "bow_f1": mean(bows),
        "with_rate": mean(withs),
        "without_rate": mean(withouts),
        "title_match": mean(titles),
    }, rows


def _r(v: float | None) -> float | str:
    return "" if v is None else round(v, 4)


def run_cleaner(cases: list[dict], rendering: str) -> tuple[dict, dict, dict, float]:
    """Cleaner output, keep-every-line and C4-rules baselines per case, and the cleaner's docs/s."""
    raws = {c["id"]: (DEV / rendering / f"{c['id']}.txt").read_text(encoding="utf-8") for c in cases}
    start = time.perf_counter()
    results = {cid: clean_text(text) for cid, text in raws.items()}
    seconds = time.perf_counter() - start
    cleaned = {cid: {"text": r.text, "title": r.title} for cid, r in results.items()}
    baseline = {cid: {"text": keep_every_line(text)} for cid, text in raws.items()}
    c4 = {cid: {"text": c4_lines(text)} for cid, text in raws.items()}
    return cleaned, baseline, c4, len(raws) / seconds


def run_pipeline(rendering: str, cases: list[dict]) -> dict | None:
    """Score the real pipeline's output with score.py, or None when the pipeline cannot run here."""
    with tempfile.TemporaryDirectory() as tmp:
        raw, out = Path(tmp) / "raw", Path(tmp) / "out"
        raw.mkdir()
        for case in cases:
            (raw / f"{case['id']}.txt").write_bytes((DEV / rendering / f"{case['id']}.txt").read_bytes())
        run = subprocess.run(
            [sys.executable, "-m", "ingest", "--raw", str(raw), "--out", str(out)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        if run.returncode != 0:
            print(f"  pipeline failed ({run.returncode}): {run.stderr.strip()[-300:]}")
            return None
        gold = Path(tmp) / "gold.jsonl"
        ids = {c["id"] for c in cases}
        gold.write_text(
            "".join(
                line + "\n"
                for line in (DEV / "gold.jsonl").read_text(encoding="utf-8").split("\n")
                if line.strip() and json.loads(line)["id"] in ids
            ),
            encoding="utf-8",
        )
        scored = subprocess.run(
            [sys.executable, str(EVAL / "score.py"), str(gold), str(out), "--json"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        if scored.returncode != 0:
            print(f"  score.py failed: {scored.stderr.strip()[-300:]}")
            return None
        return json.loads(scored.stdout)


def fmt(name: str, m: dict, speed: float | None = None) -> str:
    return (
        f"| {name} | {m['shingle_precision']:.4f} | {m['shingle_recall']:.4f} | {m['shingle_f1']:.4f} "
        f"| {m['bow_f1']:.4f} | {m['with_rate']:.4f} | {m['without_rate']:.4f} "
        f"| {m.get('title_match', float('nan')):.3f} | {f'{speed:.0f}' if speed else ''} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-pipeline", action="store_true", help="score clean_text only")
    parser.add_argument("--limit", type=int, default=0, help="first N cases only (quick checks)")
    args = parser.parse_args()
    if not (EVAL / "score.py").exists() or not DEV.exists():
        print(f"skipped: {EVAL} is absent (the quality benchmark needs ../shared/eval)")
        return
    score = load_scorer()
    cases = [
        json.loads(line)
        for line in (DEV / "gold.jsonl").read_text(encoding="utf-8").split("\n")
        if line.strip()
    ]
    if args.limit:
        cases = cases[: args.limit]
    header = (
        "| run | shingle P | shingle R | shingle F1 | bow F1 | with | without | title | docs/s |\n"
        "|---|---|---|---|---|---|---|---|---|"
    )
    lines = [header]
    for rendering in RENDERINGS:
        cleaned, baseline, c4, speed = run_cleaner(cases, rendering)
        m_clean, rows = score_texts(score, cases, cleaned)
        m_base, _ = score_texts(score, cases, baseline)
        m_c4, _ = score_texts(score, cases, c4)
        lines.append(fmt(f"{rendering}: baseline keep every line", m_base))
        lines.append(fmt(f"{rendering}: baseline C4 line rules", m_c4))
        lines.append(fmt(f"{rendering}: clean_text", m_clean, speed))
        if not args.no_pipeline:
            m_pipe = run_pipeline(rendering, cases)
            if m_pipe:
                lines.append(fmt(f"{rendering}: pipeline + score.py", m_pipe))
        with (HERE / f"per_doc_{rendering}.csv").open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        print("\n".join(lines[-4:] if not args.no_pipeline else lines[-3:]), flush=True)
    table = "\n".join(lines)
    print(table)
    note = (
        f"Dev set: {len(cases)} pages per rendering (`../shared/eval/dev`). `clean_text` rows score the "
        "cleaner's own output (body text, title separately) with score.py's functions; `pipeline + score.py` "
        "rows run `python -m ingest` and `score.py --json` on its Parquet output. docs/s: cleaner alone, "
        "one core. The classifier was trained on this dev set: these are training-set numbers; see "
        "training/README.md for held-out-fold (site-grouped) numbers.\n"
    )
    (HERE / "RESULTS.md").write_text(
        "# Cleaner quality on the dev set\n\nReproduce: `uv run python benchmarks/quality/run.py`\n\n"
        + table
        + "\n\n"
        + note,
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
