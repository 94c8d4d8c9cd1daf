"""Flow overhead and Dask scale-out, measured side by side in one run.

    uv run python benchmarks/flow/run.py [--docs 10000] [--source DIR ...] [--skip-dask]

Builds a raw folder of N plain-text pages (copies of the dev renderings in ../shared/eval/dev, each given a
unique first line so none is an exact duplicate), then times on the same folder:
  1. the library run (`ingest.runner.pipeline.run`, what `python -m ingest` does), one process per core;
  2. the Prefect flow (default runner: batch tasks in threads, their work in a forkserver process pool) on a
     local test server, plus the server start;
  3. the flow on a Dask LocalCluster with 1 worker process, then with 2.
Prints a markdown table (with the load average before and after, since this 2-core machine is shared and
absolute seconds are noisy; the ratios come from runs made back to back on the same input) and writes it to
--results FILE when given (RESULTS.md collects the runs worth keeping, with notes).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
DEV = ROOT.parent / "shared" / "eval" / "dev"
RENDERINGS = ("raw-html-text", "raw-inscriptis", "raw-html2text")


def build_raw(folder: Path, n_docs: int, sources: list[Path]) -> None:
    pages = sorted(p for source in sources for p in source.glob("*.txt"))
    if not pages:
        sys.exit(f"no .txt pages under {', '.join(map(str, sources))}")
    folder.mkdir(parents=True)
    for i in range(n_docs):
        page = pages[i % len(pages)]
        body = page.read_text(encoding="utf-8")
        (folder / f"{i:07d}.txt").write_text(f"Copy {i} of {page.stem}\n{body}", encoding="utf-8")


def timed(label: str, fn) -> tuple[str, float, dict]:
    start = time.perf_counter()
    summary = fn()
    seconds = time.perf_counter() - start
    print(f"{label}: {seconds:.1f} s", file=sys.stderr)
    return label, seconds, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--source", type=Path, action="append", help="folder of .txt pages (repeatable)")
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--results", type=Path, help="also write the table to this file")
    args = parser.parse_args()
    sources = args.source or [DEV / r for r in RENDERINGS]
    if not all(s.is_dir() for s in sources):
        print(f"skipped: {', '.join(map(str, sources))} not found (needs ../shared/eval)")
        return

    from prefect.testing.utilities import prefect_test_harness

    from flows.ingest_flow import dask_runner, ingest_flow
    from ingest.config import IngestConfig
    from ingest.runner.pipeline import run

    work = Path(tempfile.mkdtemp(prefix="ingest-flow-bench-"))
    try:
        raw = work / "raw"
        build_raw(raw, args.docs, sources)
        load_before = os.getloadavg()
        rows = [
            timed("library run (python -m ingest)", lambda: run(raw, work / "lib", IngestConfig()).to_dict())
        ]
        start = time.perf_counter()
        with prefect_test_harness(server_startup_timeout=120):
            server_start = time.perf_counter() - start
            print(f"server start: {server_start:.1f} s", file=sys.stderr)
            rows.append(timed("flow, default runner", lambda: ingest_flow(str(raw), str(work / "flow"))))
            if not args.skip_dask:
                for n in (1, 2):
                    flow = ingest_flow.with_options(task_runner=dask_runner(n_workers=n))
                    rows.append(
                        timed(
                            f"flow, Dask {n} worker(s)", lambda f=flow, n=n: f(str(raw), str(work / f"d{n}"))
                        )
                    )
        load_after = os.getloadavg()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    lib_seconds = rows[0][1]
    kept = {label: summary["documents_kept"] for label, _, summary in rows}
    lines = [
        f"{args.docs} documents, {os.cpu_count()} cores; "
        f"server start {server_start:.1f} s (not in the flow times)",
        "",
        f"load average (1/5/15 min) before {' / '.join(f'{x:.1f}' for x in load_before)}, "
        f"after {' / '.join(f'{x:.1f}' for x in load_after)}",
        "",
        "| run | seconds | docs/s | vs library | minus library | kept |",
        "|---|---|---|---|---|---|",
    ]
    for label, seconds, _ in rows:
        ratio = seconds / lib_seconds
        lines.append(
            f"| {label} | {seconds:.1f} | {args.docs / seconds:.0f} | {ratio:.2f}x "
            f"| {seconds - lib_seconds:+.1f} s | {kept[label]} |"
        )
    dask = {label: s for label, s, _ in rows if "Dask" in label}
    if len(dask) == 2:
        one, two = dask.values()
        lines.append("")
        lines.append(f"Dask speedup, 2 workers vs 1: {one / two:.2f}x")
    table = "\n".join(lines)
    print(table)
    if args.results:
        args.results.write_text(table + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
