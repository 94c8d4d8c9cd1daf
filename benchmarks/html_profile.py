"""Where the HTML path's CPU time goes: CPU timers around each per-document step and each part of the
extraction step, on the first `--pages` dev pages in one process (models loaded first, as `warm_up` does).

    uv run --locked python benchmarks/html_profile.py --pages 100 [--start 100] [--cprofile 40]

Prints CPU ms per page for each timed part (nested parts are indented; a parent includes its children).
`--cprofile N` also prints cProfile's N most expensive functions by cumulative time over the same pages.
The timers wrap module attributes at run time; nothing in `src/` is changed.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import trafilatura

from ingest.config import IngestConfig
from ingest.extract import html as extract_html_module
from ingest.read.files import read_file
from ingest.steps import document as steps_module

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "eval" / "dev" / "raw-html"
SPENT: dict[str, float] = defaultdict(float)
CALLS: dict[str, int] = defaultdict(int)


def timed(name: str, fn: Callable) -> Callable:
    """`fn` with its CPU time added to SPENT[name]."""

    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        start = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            SPENT[name] += time.process_time() - start
            CALLS[name] += 1

    return wrapper


def main_or_recall(fn: Callable) -> Callable:
    """trafilatura's bare_extraction, timed as the main pass or the recall pass (`fast=True`)."""
    main = timed("extract/trafilatura main pass", fn)
    recall = timed("extract/recall_result/bare_extraction", fn)
    return lambda *a, **k: (recall if k.get("fast") else main)(*a, **k)


def instrument() -> None:
    m = extract_html_module
    parts = ("parse_page", "page_title_candidates", "filter_blocks", "recover_blocks", "extract_metadata")
    for name in parts:
        if hasattr(m, name):
            setattr(m, name, timed(f"extract/{name}", getattr(m, name)))
    if hasattr(m, "recall_result"):
        m.recall_result = timed("extract/recall_result", m.recall_result)
    if hasattr(m, "recall_extraction"):  # the recall pass from the default pass's cleaning
        m.recall_extraction = timed("extract/recall_result/recall_extraction", m.recall_extraction)
    if hasattr(m, "load_html"):
        m.load_html = timed("extract/recall_result/load_html", m.load_html)
    trafilatura.bare_extraction = main_or_recall(trafilatura.bare_extraction)


def run(paths: list[Path], config: IngestConfig) -> None:
    steps = [timed(f"step {getattr(s, 'func', s).__name__}", s) for s in steps_module.document_steps(config)]
    for path in paths:
        start = time.process_time()
        docs = list(read_file(path, path.name, config.read, decode=False))
        SPENT["read_file"] += time.process_time() - start
        CALLS["read_file"] += 1
        for doc in docs:
            steps_module.process_document(doc, steps, config)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--start", type=int, default=0, help="skip this many dev pages first")
    parser.add_argument("--cprofile", type=int, default=0, help="also print the top N functions")
    args = parser.parse_args()
    paths = sorted(DEV.glob("*.html.gz"))[args.start : args.start + args.pages]
    config = IngestConfig()
    steps_module.warm_up(config)
    instrument()
    start = time.process_time()
    run(paths, config)
    total = time.process_time() - start
    n = len(paths)
    print(f"{n} pages, {1000 * total / n:.1f} CPU ms/page in all (after imports and models)\n")
    print("| part | CPU ms/page | share | calls |\n|---|---|---|---|")
    for name in sorted(SPENT):
        label = "&nbsp;&nbsp;" * name.count("/") + name
        print(f"| {label} | {1000 * SPENT[name] / n:.1f} | {SPENT[name] / total:.1%} | {CALLS[name]} |")
    if args.cprofile:
        SPENT.clear()
        profile = cProfile.Profile()
        profile.runcall(run, paths, config)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.cprofile)


if __name__ == "__main__":
    main()
