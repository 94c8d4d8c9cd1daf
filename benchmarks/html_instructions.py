"""Instructions per HTML page, counted by valgrind: a figure the machine's load does not move.

CPU seconds on this shared 2-core machine move by 10-30% from one run to the next, and more for a
process with a large working set than for a small one. `valgrind --tool=callgrind` counts the instructions
a process executes instead: the same count for the same program, input and environment whatever else the
machine runs (`PYTHONHASHSEED=0` keeps set and dict orders, and so the count, fixed). Instructions are not
time (a cache miss costs many), so this complements `html_speed.py`'s CPU time; it does not replace it.

Each contender runs twice under callgrind, on no page and on the first `--pages` dev pages, and the
difference divided by the pages is its cost per page without start-up:
- `ingest`: every per-document step of `python -m ingest` (read, decode, extract, clean, normalize,
  language, signature) in one process after `warm_up`, with the workers' collector settings
  (`runner.pool.tune_gc`); the run-level steps (dedup, commit, report) are not in it;
- `ingest@TREE`: the same for another checkout (its own `.venv`), to compare commits;
- `trafilatura`: `trafilatura.extract(html, with_metadata=True, output_format="json")`, the yardstick.

    uv run --locked python benchmarks/html_instructions.py [--pages 20] [--other-tree DIR]

A run takes a few minutes (valgrind is ~50x slower than the program). Prints a markdown table.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "eval" / "dev" / "raw-html"

INGEST = """
import sys
from pathlib import Path
from ingest.config import IngestConfig
from ingest.steps import document as D
cfg = IngestConfig()
D.warm_up(cfg)
try:
    from ingest.runner.pool import tune_gc
    tune_gc()
except ImportError:  # a checkout from before the collector settings
    pass
for root in sys.argv[1:]:
    for p in sorted(Path(root).glob('*')):
        for doc in D.process_file(p, Path(root), cfg):
            pass
"""
TRAFILATURA = """
import gzip, sys
from pathlib import Path
import trafilatura
for root in sys.argv[1:]:
    for p in sorted(Path(root).glob('*')):
        html = gzip.decompress(p.read_bytes()).decode('utf-8', errors='replace')
        trafilatura.extract(html, with_metadata=True, output_format='json')
"""


def instructions(python: Path, script: str, args: list[str], work: Path) -> int:
    """Instructions callgrind counts for `python -c script args` run to the end."""
    work.mkdir(parents=True, exist_ok=True)
    out = work / "callgrind.out"
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", str(python), "-c", script, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=work,
        check=True,
    )
    found = re.search(r"Collected : (\d+)", result.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{result.stderr[-2000:]}")
    return int(found.group(1))


def per_page(python: Path, script: str, pages: Path, n: int, work: Path) -> float:
    """(instructions on the pages - instructions on none) / pages; the two runs side by side."""
    with ThreadPoolExecutor(2) as pool:
        with_pages = pool.submit(instructions, python, script, [str(pages)], work / "with")
        without = pool.submit(instructions, python, script, [], work / "without")
        return (with_pages.result() - without.result()) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--other-tree", type=Path, action="append", default=[])
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pages = work / "pages"
        pages.mkdir()
        for path in sorted(DEV.glob("*.html.gz"))[: args.pages]:
            shutil.copyfile(path, pages / path.name)
        rows = [
            (
                '`trafilatura.extract(html, with_metadata=True, output_format="json")`',
                Path(sys.executable),
                TRAFILATURA,
            )
        ]
        rows.append(("ingest, every per-document step", Path(sys.executable), INGEST))
        rows += [(f"ingest at {tree}", tree / ".venv" / "bin" / "python", INGEST) for tree in args.other_tree]
        counts = {
            label: per_page(python, script, pages, args.pages, work / f"run{i}")
            for i, (label, python, script) in enumerate(rows)
        }
    base = counts[rows[0][0]]
    print(f"Instructions per page, {args.pages} dev pages, start-up excluded (valgrind --tool=callgrind)\n")
    print("| contender | million instructions per page | ratio |\n|---|---|---|")
    for label, count in counts.items():
        print(f"| {label} | {count / 1e6:.1f} | {count / base:.2f}x |")


if __name__ == "__main__":
    main()
