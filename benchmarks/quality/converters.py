"""The cleaner on converters the dev renderings do not have: does it generalize beyond html-text, inscriptis
and html2text-without-wrapping?

Issue 3's held-out set is "other sites and other converters", hard-wrapped text included. The dev set has
three renderings of its 709 pages; this script renders the same pages (`../shared/eval/dev/raw-html`) with
other common HTML-to-text converters and scores `clean_text` on each with the metrics of
`../shared/eval/score.py`, beside keeping every line:
- `lynx`: `lynx -dump -nolist -width=80` (text browser dump: hard-wrapped at 80, indented, `*` bullets);
- `lynx-refs`: `lynx -dump -width=80`, link numbers `[12]` inline and a `References` list of URLs at the end;
- `w3m`: `w3m -dump -cols 80` (text browser dump, hard-wrapped, tables laid out in columns);
- `html2text-78`: html2text with its default `body_width=78` (markdown, hard-wrapped, links wrapped inside);
- `soup`: BeautifulSoup `get_text("\\n")` of the body without script/style (every text node on its own line,
  inline links and emphasis split from their sentence, as naive scrapers save pages).
- `pandoc-plain`: `pandoc -f html -t plain --columns=72` (plain text wrapped at 72, tables drawn with rules);
- `markdownify`: markdownify of the body without script/style (markdown, unwrapped, as LLM pipelines save
  pages).
The classifier was trained on the dev pages (other renderings of them), so the numbers are optimistic in
absolute terms; what they show is how much a converter the model never saw costs against the dev
renderings (0.921-0.924 shingle F1 for the same pages).

Renderings are cached under `--cache` (default /tmp/ingest-converters). lynx, w3m and pandoc come from Debian
(`apt-get install lynx w3m pandoc`); a converter that is not installed is skipped with a message.

Run: uv run --group bench python benchmarks/quality/converters.py [--limit N] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import DEV, load_scorer, score_texts
from run import RENDERINGS as DEV_RENDERINGS

from ingest.clean.cleaner import clean_text

HERE = Path(__file__).resolve().parent


def _run(cmd: list[str], html: bytes) -> str:
    done = subprocess.run(cmd, input=html, capture_output=True, timeout=60, check=False)
    return done.stdout.decode("utf-8", errors="replace")


def lynx(html: bytes) -> str:
    return _run(["lynx", "-dump", "-nolist", "-width=80", "-assume_charset=utf-8",
                 "-display_charset=utf-8", "-stdin"], html)  # fmt: skip


def lynx_refs(html: bytes) -> str:
    return _run(["lynx", "-dump", "-width=80", "-assume_charset=utf-8", "-display_charset=utf-8",
                 "-stdin"], html)  # fmt: skip


def w3m(html: bytes) -> str:
    return _run(["w3m", "-dump", "-cols", "80", "-T", "text/html", "-I", "utf-8", "-O", "utf-8"], html)


def html2text_78(html: bytes) -> str:
    import html2text

    converter = html2text.HTML2Text()
    converter.body_width = 78
    return converter.handle(html.decode("utf-8", errors="replace"))


def soup(html: bytes) -> str:
    from bs4 import BeautifulSoup

    doc = BeautifulSoup(html, "lxml")
    for el in doc(["script", "style", "noscript", "template"]):
        el.decompose()
    return (doc.body or doc).get_text("\n")


def pandoc_plain(html: bytes) -> str:
    return _run(["pandoc", "-f", "html", "-t", "plain", "--columns=72"], html)


def markdownify_md(html: bytes) -> str:
    from bs4 import BeautifulSoup
    from markdownify import markdownify

    doc = BeautifulSoup(html, "lxml")
    for el in doc(["script", "style", "noscript", "template"]):
        el.decompose()
    return markdownify(str(doc.body or doc))


CONVERTERS: dict[str, tuple[Callable[[bytes], str], str | None]] = {
    "lynx": (lynx, "lynx"),
    "lynx-refs": (lynx_refs, "lynx"),
    "w3m": (w3m, "w3m"),
    "html2text-78": (html2text_78, None),
    "soup": (soup, None),
    "pandoc-plain": (pandoc_plain, "pandoc"),
    "markdownify": (markdownify_md, None),
}


def _render_one(args: tuple[str, str, Path]) -> None:
    name, case_id, target = args
    html = gzip.decompress((DEV / "raw-html" / f"{case_id}.html.gz").read_bytes())
    try:
        text = CONVERTERS[name][0](html)
    except Exception as exc:  # a converter failing on one page is that page's empty rendering
        text = f"[converter error: {type(exc).__name__}]"
    target.write_text(text, encoding="utf-8")


def render(name: str, ids: list[str], cache: Path) -> dict[str, str]:
    """Rendered text per page id, converted once (two processes) and cached; a dev rendering's name
    (`raw-html-text`, ...) reads the dev set's own files, for the side-by-side rows."""
    if name in DEV_RENDERINGS:
        return {i: (DEV / name / f"{i}.txt").read_text(encoding="utf-8") for i in ids}
    folder = cache / name
    folder.mkdir(parents=True, exist_ok=True)
    todo = [(name, i, folder / f"{i}.txt") for i in ids if not (folder / f"{i}.txt").exists()]
    if todo:
        with ProcessPoolExecutor(2) as pool:
            list(pool.map(_render_one, todo, chunksize=8))
    return {i: (folder / f"{i}.txt").read_text(encoding="utf-8") for i in ids}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="first N dev pages only")
    parser.add_argument("--only", nargs="*", default=None, help="converters to run (default all)")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/ingest-converters"))
    parser.add_argument("--results", action="store_true", help="write CONVERTERS.md and per-doc CSVs")
    args = parser.parse_args()
    if not DEV.exists():
        print(f"skipped: {DEV} not found")
        return
    score = load_scorer()
    cases = [json.loads(line) for line in (DEV / "gold.jsonl").open(encoding="utf-8")][: args.limit]
    ids = [c["id"] for c in cases]
    rows = []
    for name in args.only or [*DEV_RENDERINGS, *CONVERTERS]:
        tool = CONVERTERS[name][1] if name in CONVERTERS else None
        if tool and shutil.which(tool) is None:
            print(f"{name}: skipped, {tool} not installed")
            continue
        raws = render(name, ids, args.cache)
        start = time.process_time()
        cleaned = {i: clean_text(t) for i, t in raws.items()}
        seconds = time.process_time() - start
        every = {
            i: {"text": "\n".join(s for s in (x.strip() for x in t.splitlines()) if s)}
            for i, t in raws.items()
        }
        base, _ = score_texts(score, cases, every)
        ours, per_doc = score_texts(
            score, cases, {i: {"text": r.text, "title": r.title} for i, r in cleaned.items()}
        )
        rows.append((name, base, ours, len(raws) / seconds))
        print(
            f"{name:14s} keep-all F1 {base['shingle_f1']:.4f}  clean_text P {ours['shingle_precision']:.4f} "
            f"R {ours['shingle_recall']:.4f} F1 {ours['shingle_f1']:.4f} "
            f"must-drop {ours['without_rate']:.3f} "
            f"({len(raws) / seconds:.0f} docs/s)",
            flush=True,
        )
        if args.results and name not in DEV_RENDERINGS:  # run.py writes the dev renderings' rows
            with (HERE / f"per_doc_conv-{name}.csv").open("w", newline="", encoding="utf-8") as fh:
                writer = csv.DictWriter(fh, fieldnames=list(per_doc[0]))
                writer.writeheader()
                writer.writerows(
                    sorted(per_doc, key=lambda r: float(r["shingle_p"] or 1) + float(r["shingle_r"] or 1))
                )
    if args.results:
        lines = [
            "| converter | keep-all F1 | clean_text P | R | F1 | bow F1 | must-keep | must-drop |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for name, base, ours, _ in rows:
            lines.append(
                f"| {name} | {base['shingle_f1']:.4f} | {ours['shingle_precision']:.4f} | "
                f"{ours['shingle_recall']:.4f} | {ours['shingle_f1']:.4f} | {ours['bow_f1']:.4f} | "
                f"{ours['with_rate']:.4f} | {ours['without_rate']:.4f} |"
            )
        (HERE / "CONVERTERS.md").write_text(
            "# Cleaner on other converters\n\nReproduce: `uv run --group bench python "
            "benchmarks/quality/converters.py --results` (needs lynx, w3m and pandoc). The converters and "
            "their options are in the script's docstring; `keep-all` keeps every non-blank line; the first "
            "three rows are the dev set's own renderings. Per-page rows: `per_doc_conv-NAME.csv`.\n\n"
            + "\n".join(lines)
            + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
