"""What a small incremental run costs on a large dataset: the cost of a run must grow with its new input,
not with the history.

Builds a raw folder of N small unique articles, ingests it once, then adds 10 files and runs again, and
does the same on a dataset of N/100 documents; prints CPU and wall seconds of each incremental run, and the
cost of syncing to disk (the same incremental run with INGEST_FSYNC=0).

    uv run python benchmarks/faults/incremental_cost.py --docs 100000 --work /tmp/inc
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

WORDS = [
    "council",
    "minister",
    "river",
    "market",
    "school",
    "harbour",
    "station",
    "report",
    "budget",
    "winter",
    "police",
    "museum",
]


def write_docs(raw: Path, start: int, stop: int) -> None:
    for i in range(start, stop):
        rng = random.Random(i)
        folder = raw / f"{i // 1000:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        words = " ".join(rng.choice(WORDS) for _ in range(60))
        (folder / f"d{i:07d}.txt").write_text(
            f"Story {i}\n\nThe {words} said on day {i}.\n", encoding="utf-8"
        )


def timed_run(raw: Path, out: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the run and its workers) of one `python -m ingest`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "ingest", "--raw", str(raw), "--out", str(out), "--quiet"],
        check=True,
        env={**os.environ, **(env or {})},
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/ingest-incremental"))
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    rows = []
    for n in (args.docs // 100, args.docs):
        raw, out = args.work / f"raw-{n}", args.work / f"out-{n}"
        write_docs(raw, 0, n)
        wall, cpu = timed_run(raw, out)
        rows.append((f"first run, {n} documents", wall, cpu))
        write_docs(raw, n, n + 10)
        wall, cpu = timed_run(raw, out)
        rows.append((f"+10 files on {n} documents", wall, cpu))
        write_docs(raw, n + 10, n + 20)
        wall, cpu = timed_run(raw, out, {"INGEST_FSYNC": "0"})
        rows.append((f"+10 files on {n} documents, fsync off", wall, cpu))
    print("| run | wall s | CPU s |\n|---|---|---|")
    for name, wall, cpu in rows:
        print(f"| {name} | {wall:.2f} | {cpu:.2f} |")


if __name__ == "__main__":
    main()
