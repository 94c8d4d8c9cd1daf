"""HTML speed and WARC memory benchmark.

0. CPU milliseconds per page, side by side (`--cpu-only`, or first in a full run): each contender runs in
   its own fresh process on the same first `--pages` dev pages, in alternating rounds, and the process's
   whole CPU time (user + system, `RUSAGE_CHILDREN`) is divided by the pages; imports are included. The same
   contender on 1 page gives its fixed cost (interpreter, imports, models, output), so
   (CPU(N) - CPU(1)) / (N - 1) is the cost per page without imports. Contenders: `python -m ingest
   --workers 1` on a folder of the pages; `trafilatura.extract(html, with_metadata=True,
   output_format="json")`, the yardstick; `trafilatura.extract(html)`; a straight script (trafilatura, ftfy,
   seeded langdetect, datasketch MinHash, pyarrow; `benchmarks/html_contenders.py`); and a pure CPU loop
   as the machine control. Trust CPU time, not wall time, on a shared machine;
1. docs/s per core on news pages (`../shared/eval/dev/raw-html`): trafilatura alone (bare_extraction,
   metadata on) and our whole per-document path (read, decode, extract, clean, normalize, language), both
   in one process, the latter also without the second, recall-oriented trafilatura pass
   (`extract.recall_pass`), to show what that pass costs;
2. the speedup of `process_files` with 2 worker processes over 1, measured side by side in alternating
   rounds (the machine is shared: absolute numbers are noisy, ratios less so), beside a control measured
   in the same rounds: the 2-process speedup of a pure-Python CPU loop with no I/O and no shared state,
   which is what the machine's two cores give at that moment (other jobs, frequency, SMT siblings);
3. memory: a WARC.gz of about 1 GB uncompressed (the dev pages repeated with distinct URLs) is written to a
   temporary folder, then (a) read to the end with `read_file` and (b) run through `process_files` with 2
   workers for the first `--pipeline-records` records, sampling the main process's RSS as it goes.

Run: uv run --locked --group bench python benchmarks/html_speed.py --cpu-only --pages 100 (a few minutes)
     uv run --locked --group bench python benchmarks/html_speed.py [--pages 200] [--rounds 2]
     [--warc-mb 1000] [--pipeline-records 600] [--skip-speed | --skip-memory]
Prints a markdown table; the README quotes it.
"""

from __future__ import annotations

import argparse
import gzip
import multiprocessing
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import trafilatura

from ingest.config import ExtractConfig, IngestConfig, RunConfig
from ingest.read.files import read_file
from ingest.runner.units import process_files

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "eval" / "dev" / "raw-html"
sys.path.insert(0, str(ROOT / "tests"))
from warc_util import http_response, record  # noqa: E402


def rss_mb() -> float:
    """Current resident set size of this process in MB (Linux /proc)."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * resource.getpagesize() / 1e6


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def trafilatura_alone(paths: list[Path]) -> float:
    """docs/s of trafilatura as released: importing ingest swaps some of trafilatura's XPath expressions for
    faster equivalents (`ingest.extract.xpaths`), so they are taken out while this runs."""
    from ingest.extract import xpaths

    xpaths.uninstall()
    try:
        start = time.perf_counter()
        for path in paths:
            html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
            trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
        return len(paths) / (time.perf_counter() - start)
    finally:
        xpaths.install()


def ours(paths: list[Path], workers: int, recall_pass: bool = True) -> tuple[float, int]:
    config = IngestConfig(
        run=RunConfig(workers=workers, parallel_min_files=1), extract=ExtractConfig(recall_pass=recall_pass)
    )
    start = time.perf_counter()
    n = sum(1 for _ in process_files(paths, DEV, config))
    return n / (time.perf_counter() - start), n


def spin(n: int) -> int:
    """A pure-Python CPU loop: no I/O, no allocation to speak of, nothing shared between processes."""
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def machine_speedup(units: int = 40, unit_size: int = 2_000_000) -> float:
    """Throughput of `spin` on 2 fresh worker processes over 1 process, pool start-up included as in
    `process_files`: the best 2-core scaling this machine offers right now, the control for ours."""
    start = time.perf_counter()
    for _ in range(units):
        spin(unit_size)
    one = time.perf_counter() - start
    start = time.perf_counter()
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        list(pool.map(spin, [unit_size] * units))
    return one / (time.perf_counter() - start)


def speed(n_pages: int, rounds: int) -> list[str]:
    paths = sorted(DEV.glob("*.html.gz"))[:n_pages]
    traf, one, no_recall, two, control = [], [], [], [], []
    for _ in range(rounds):
        traf.append(trafilatura_alone(paths))
        one.append(ours(paths, 1)[0])
        no_recall.append(ours(paths, 1, recall_pass=False)[0])
        two.append(ours(paths, 2)[0])
        control.append(machine_speedup())
    best = max  # the least disturbed round on a shared machine
    ratios = [b / a for a, b in zip(one, two, strict=True)]
    recall_cost = ", ".join(f"{b / a:.2f}x" for a, b in zip(one, no_recall, strict=True))
    relative = [r / c for r, c in zip(ratios, control, strict=True)]
    return [
        f"pages: {len(paths)} dev pages, {rounds} rounds, best round shown (all rounds: see below)",
        "",
        "| path | docs/s |",
        "|---|---|",
        f"| trafilatura alone, 1 process | {best(traf):.1f} |",
        f"| ingest per-document path, 1 process (docs/s per core) | {best(one):.1f} |",
        f"| the same without the recall pass (`[extract] recall_pass = false`) | {best(no_recall):.1f} |",
        f"| ingest `process_files`, 2 worker processes | {best(two):.1f} |",
        f"| speedup 2 processes / 1 (per round) | {', '.join(f'{r:.2f}x' for r in ratios)} |",
        f"| speedup 2 processes / 1, median of rounds | {statistics.median(ratios):.2f}x |",
        f"| control, a pure CPU loop: 2 processes / 1 | {', '.join(f'{c:.2f}x' for c in control)} |",
        f"| ours / the control (per round) | {', '.join(f'{r:.2f}' for r in relative)} |",
        f"| without / with the recall pass, 1 process (per round) | {recall_cost} |",
        "",
        f"all rounds: trafilatura {[round(x, 1) for x in traf]}, 1 process {[round(x, 1) for x in one]}, "
        f"1 process without recall pass {[round(x, 1) for x in no_recall]}, "
        f"2 processes {[round(x, 1) for x in two]}",
    ]


CPU_CONTENDERS = (
    ("ingest", "`python -m ingest --workers 1`"),
    ("trafilatura_metadata", '`trafilatura.extract(html, with_metadata=True, output_format="json")`'),
    ("trafilatura_plain", "`trafilatura.extract(html)` (no metadata)"),
    ("straight_script", "straight script: trafilatura, ftfy, langdetect, datasketch, pyarrow"),
    ("control", "control: pure CPU loop, 250k iterations per page"),
)


def child_cpu(cmd: list[str], cwd: Path = ROOT) -> float:
    """CPU seconds (user + system) of one child process run to the end, imports included."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, cwd=cwd, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def contender_cpu(name: str, paths: list[Path], tmp: Path) -> float:
    """Whole-process CPU seconds of contender `name` on `paths`, in a fresh process. `ingest@TREE` is
    `python -m ingest` of another checkout (its own `.venv`), to compare commits side by side."""
    work = Path(tempfile.mkdtemp(dir=tmp))
    if name.startswith("ingest"):
        tree = Path(name.partition("@")[2] or ROOT)
        python = tree / ".venv" / "bin" / "python" if name.partition("@")[2] else Path(sys.executable)
        raw = work / "raw"
        raw.mkdir()
        for path in paths:  # copies: a symbolic link out of the raw folder is rejected (`outside_raw`)
            shutil.copyfile(path, raw / path.name)
        cmd = [str(python), "-m", "ingest", "--raw", str(raw), "--out", str(work / "out")]
        return child_cpu([*cmd, "--workers", "1", "--quiet"], cwd=tree)
    listing = work / "pages.txt"
    listing.write_text("\n".join(str(p) for p in paths), encoding="utf-8")
    script = ROOT / "benchmarks" / "html_contenders.py"
    return child_cpu([sys.executable, str(script), name, str(listing), str(work)])


def cpu_per_page(n_pages: int, rounds: int, other_trees: tuple[Path, ...] = ()) -> list[str]:
    """CPU ms per page of every contender, each in a fresh process, alternating in every round; the
    round with the least CPU is shown (other jobs on the machine only ever add to it). `other_trees`:
    checkouts of other commits whose `python -m ingest` runs beside this one's."""
    paths = sorted(DEV.glob("*.html.gz"))[:n_pages]
    contenders = [
        *((f"ingest@{t}", f"`python -m ingest --workers 1` at {t}") for t in other_trees),
        *CPU_CONTENDERS,
    ]
    whole: dict[str, list[float]] = {name: [] for name, _ in contenders}
    fixed: dict[str, list[float]] = {name: [] for name, _ in contenders}
    with tempfile.TemporaryDirectory(prefix="html-cpu-") as tmp_name:
        tmp = Path(tmp_name)
        for _ in range(rounds):
            for name, _label in contenders:
                whole[name].append(contender_cpu(name, paths, tmp))
                fixed[name].append(contender_cpu(name, paths[:1], tmp))
    n = len(paths)
    per_page = {k: 1000 * min(v) / n for k, v in whole.items()}
    marginal = {k: 1000 * (min(whole[k]) - min(fixed[k])) / max(1, n - 1) for k in whole}
    base, base_marginal = per_page["trafilatura_metadata"], marginal["trafilatura_metadata"]
    lines = [
        f"CPU per page: {n} dev pages, {rounds} rounds, each contender in a fresh process; least CPU of the "
        "rounds",
        "",
        "| contender | CPU ms/page, imports included | ratio | CPU ms/page without imports | ratio | "
        "fixed cost, 1 page (ms) |",
        "|---|---|---|---|---|---|",
    ]
    for name, label in contenders:
        lines.append(
            f"| {label} | {per_page[name]:.1f} | {per_page[name] / base:.2f}x | {marginal[name]:.1f} | "
            f"{marginal[name] / base_marginal:.2f}x | {1000 * min(fixed[name]):.0f} |"
        )
    rounds_ms = {k: [round(1000 * x / n, 1) for x in v] for k, v in whole.items()}
    lines += ["", f"all rounds, imports included (ms/page): {rounds_ms}"]
    return lines


def write_big_warc(path: Path, target_mb: int) -> tuple[int, int]:
    pages = [gzip.decompress(p.read_bytes()) for p in sorted(DEV.glob("*.html.gz"))]
    written = n = 0
    with path.open("wb") as out:
        out.write(gzip.compress(record("warcinfo", "", b"software: html_speed\r\n"), compresslevel=1))
        while written < target_mb * 1_000_000:
            body = pages[n % len(pages)]
            block = http_response(body)
            out.write(
                gzip.compress(record("response", f"https://bench.example/{n}", block, n=n), compresslevel=1)
            )
            written += len(block)
            n += 1
    return n, written


def memory(target_mb: int, pipeline_records: int) -> list[str]:
    tmp = Path(tempfile.mkdtemp(prefix="ingest-warc-"))
    try:
        path = tmp / "big.warc.gz"
        n_records, size = write_big_warc(path, target_mb)
        lines = [
            f"archive: {n_records} responses, {size / 1e6:.0f} MB uncompressed, "
            f"{path.stat().st_size / 1e6:.0f} MB on disk",
            "",
            "| stage | records | RSS of the main process (MB) |",
            "|---|---|---|",
        ]
        base = rss_mb()
        lines.append(f"| before reading | 0 | {base:.0f} |")
        start = time.perf_counter()
        checkpoints = {n_records // 4, n_records // 2, 3 * n_records // 4}
        for i, _ in enumerate(read_file(path, "big.warc.gz", IngestConfig().read, decode=False), 1):
            if i in checkpoints:
                lines.append(f"| read_file (streaming records) | {i} | {rss_mb():.0f} |")
        seconds = time.perf_counter() - start
        lines.append(f"| read_file, whole archive ({seconds:.0f} s) | {n_records} | {rss_mb():.0f} |")
        config = IngestConfig(run=RunConfig(workers=2))
        start = time.perf_counter()
        step = max(1, pipeline_records // 4)
        for i, _ in enumerate(process_files([path], tmp, config), 1):
            if i % step == 0:
                lines.append(f"| process_files, 2 workers | {i} | {rss_mb():.0f} |")
            if i >= pipeline_records:
                break
        seconds = time.perf_counter() - start
        lines.append("")
        lines.append(
            f"peak RSS of the main process over everything: {peak_rss_mb():.0f} MB; pipeline "
            f"{pipeline_records / seconds:.1f} docs/s on 2 workers while the main process reads the archive"
        )
        return lines
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--warc-mb", type=int, default=1000)
    parser.add_argument("--pipeline-records", type=int, default=600)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-speed", action="store_true", help="only the WARC memory part")
    parser.add_argument("--cpu-only", action="store_true", help="only the CPU ms/page comparison")
    parser.add_argument(
        "--other-tree",
        type=Path,
        action="append",
        default=[],
        help="a checkout of another commit (with its .venv) whose python -m ingest joins the CPU comparison",
    )
    args = parser.parse_args()
    if not DEV.is_dir():
        print(f"skipped: {DEV} not found")
        return
    if not args.skip_speed:
        print("\n".join(cpu_per_page(args.pages, args.rounds, tuple(args.other_tree))), flush=True)
        if args.cpu_only:
            return
        print()
        print("\n".join(speed(args.pages, args.rounds)))
    if not args.skip_memory:
        print()
        print("\n".join(memory(args.warc_mb, args.pipeline_records)))


if __name__ == "__main__":
    main()
