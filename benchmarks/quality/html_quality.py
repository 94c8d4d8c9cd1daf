"""Quality benchmark of the HTML path on the dev pages (`../shared/eval/dev/raw-html`, 709 pages).

Rows, each scored by `../shared/eval/score.py` (shingle P/R/F1 as the Scrapinghub benchmark computes it,
title and author match):
- trafilatura 2.3 alone, default options, and with favor_precision: its text, title and author as they come;
- our extraction alone, called as a library (decode, trafilatura with the recall pass, title choice,
  headline removal, ftfy and whitespace normalization; no plain-text cleaner);
- `python -m ingest` with default settings: the same plus the cleaner's precise second pass over the main
  text (`clean_text(..., second_pass=True)`: keyword rules and long repeats only);
- `python -m ingest` with `[extract] clean_html = false`: the pipeline without the second pass.

Run: uv run python benchmarks/quality/html_quality.py [--limit N] [--workers 2]
Writes benchmarks/quality/HTML.md (the table; its "## Notes" section is kept) and, for error analysis,
per-document rows of trafilatura alone and of `python -m ingest` side by side (`per_doc_html.csv`: shingle
P/R per page, worst pages of ours first). Skips with a message when ../shared is absent.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import trafilatura
from run import load_scorer  # benchmarks/quality/run.py, beside this script

from ingest.clean.normalize import normalize_field, normalize_text
from ingest.config import ExtractConfig, ReadConfig
from ingest.extract.html import extract_html
from ingest.read.files import read_file

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
EVAL = ROOT.parent / "shared" / "eval"
DEV = EVAL / "dev"
RAW = DEV / "raw-html"
NOTES = "## Notes"
"""HTML.md keeps its hand-written section from this heading on when the table is regenerated."""


def _trafilatura_one(args: tuple[Path, bool]) -> dict:
    path, precision = args
    html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
    try:
        result = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, favor_precision=precision
        )
    except Exception:
        result = None
    return {
        "source_path": path.name,
        "text": (result.text if result else None) or "",
        "title": result.title if result else None,
        "author": result.author if result else None,
    }


def _extraction_one(path: Path) -> dict:
    """Our extraction alone: read (decode), extract (title choice, recall pass, headline removal), ftfy and
    whitespace normalization; no plain-text cleaner."""
    doc = next(read_file(path, path.name, ReadConfig()))
    doc = extract_html(doc, ExtractConfig())
    return {
        "source_path": path.name,
        "text": normalize_text(doc.raw_text or ""),
        "title": normalize_field(doc.title),
        "author": normalize_field(doc.author),
    }


def library_rows(fn, args: list, out: Path, workers: int) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        rows = list(pool.map(fn, args, chunksize=8))
    seconds = time.perf_counter() - start
    (out / "documents").mkdir(parents=True)
    (out / "rejected").mkdir()
    pq.write_table(pa.Table.from_pylist(rows), out / "documents" / "part-00000.parquet")
    return seconds


def ingest(raw: Path, out: Path, config_text: str, workers: int) -> float:
    config = out.parent / f"{out.name}.toml"
    config.write_text(f"[run]\nworkers = {workers}\nparallel_min_files = 1\n{config_text}", encoding="utf-8")
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "ingest",
            "--raw",
            str(raw),
            "--out",
            str(out),
            "--config",
            str(config),
            "--quiet",
        ],
        check=True,
        cwd=ROOT,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not RAW.is_dir():
        print(f"skipped: {RAW} not found")
        return
    scorer = load_scorer()
    paths = sorted(RAW.glob("*.html.gz"))
    if args.limit:
        paths = paths[: args.limit]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        raw = RAW
        gold = DEV / "gold.jsonl"
        if args.limit:
            raw = tmp / "raw"
            raw.mkdir()
            for p in paths:
                (raw / p.name).symlink_to(p)
            ids = {p.name.split(".")[0] for p in paths}
            gold = tmp / "gold.jsonl"
            cases = [
                json.loads(line) for line in DEV.joinpath("gold.jsonl").open(encoding="utf-8") if line.strip()
            ]
            gold.write_text("".join(json.dumps(c) + "\n" for c in cases if c["id"] in ids), encoding="utf-8")
        runs: list[tuple[str, Path, float]] = []
        for label, precision in (
            ("trafilatura 2.3 alone, default", False),
            ("trafilatura, favor_precision", True),
        ):
            out = tmp / label.replace(" ", "_").replace(",", "")
            runs.append(
                (
                    label,
                    out,
                    library_rows(_trafilatura_one, [(p, precision) for p in paths], out, args.workers),
                )
            )
        out = tmp / "extraction"
        runs.append(
            (
                "ingest extraction alone (no cleaner)",
                out,
                library_rows(_extraction_one, paths, out, args.workers),
            )
        )
        out = tmp / "ingest"
        runs.append(
            ("ingest, `python -m ingest` (extraction + cleaner)", out, ingest(raw, out, "", args.workers))
        )
        out = tmp / "ingest-no-second-pass"
        no_pass = "[extract]\nclean_html = false\n"
        runs.append(("ingest, `[extract] clean_html = false`", out, ingest(raw, out, no_pass, args.workers)))
        lines = [
            "# HTML path: quality on the dev pages",
            "",
            f"{len(paths)} pages of `../shared/eval/dev/raw-html`, scored with `../shared/eval/score.py`; "
            f"{args.workers} worker processes.",
            "Reproduce: `uv run python benchmarks/quality/html_quality.py`.",
            "",
            "| run | shingle P | shingle R | shingle F1 | bow F1 | title | author | found | seconds |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        per_doc: dict[str, Path] = {}
        for label, out, seconds in runs:
            per_doc[label] = tmp / f"{out.name}.csv"
            r = scorer.score(gold, out, per_doc[label])
            lines.append(
                f"| {label} | {r['shingle_precision']:.4f} | {r['shingle_recall']:.4f} | "
                f"{r['shingle_f1']:.4f} | {r['bow_f1']:.4f} | {r['title_match']:.4f} | "
                f"{r['author_match']:.4f} | {r['found']} | "
                f"{seconds:.0f} |"
            )
        if not args.limit:
            write_per_doc(per_doc[runs[0][0]], per_doc[runs[3][0]], HERE / "per_doc_html.csv")
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.limit:
        target = HERE / "HTML.md"
        notes = target.read_text(encoding="utf-8") if target.exists() else ""
        notes = notes[notes.index(NOTES) :] if NOTES in notes else ""
        target.write_text(text + ("\n" + notes if notes else ""), encoding="utf-8")


def _f1(row: dict) -> float:
    p, r = float(row["shingle_p"] or 0), float(row["shingle_r"] or 0)
    return 2 * p * r / (p + r) if p + r else 0.0


def write_per_doc(trafilatura_csv: Path, ours_csv: Path, out: Path) -> None:
    """One row per page: trafilatura alone and ours, worst pages of ours first."""
    with trafilatura_csv.open(encoding="utf-8") as f:
        theirs = {row["id"]: row for row in csv.DictReader(f)}
    with ours_csv.open(encoding="utf-8") as f:
        ours = list(csv.DictReader(f))
    ours.sort(key=_f1)
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "ingest_f1", "ingest_p", "ingest_r", "trafilatura_f1", "chars", "gold_chars"])
        for row in ours:
            scores = [f"{_f1(row):.4f}", row["shingle_p"], row["shingle_r"], f"{_f1(theirs[row['id']]):.4f}"]
            writer.writerow([row["id"], *scores, row["pred_chars"], row["gold_chars"]])


if __name__ == "__main__":
    main()
