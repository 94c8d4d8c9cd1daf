"""`python -m ingest`: one batch run, no Prefect server needed."""

from __future__ import annotations

import argparse
import gc
import signal
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ingest import __version__
from ingest.config import REPROCESS_MODES, ConfigError, IngestConfig, config_to_toml, load_config

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from ingest.runner.summary import RunSummary
    from ingest.runner.units import Job, SpillPart


DESCRIPTION = """\
Read the raw scraped news files in RAW that OUT does not hold yet (plain text, HTML, JSON Lines or JSON
exports, WARC; optionally gzip, bzip2, xz or zstd compressed), strip everything that is not the article,
normalize the text, label the language, drop exact and near duplicates (also of earlier runs), and add the
result to a Parquet dataset:
  OUT/documents/  kept documents
  OUT/rejected/   documents that could not be used, with `reason` and `detail` (duplicates: `duplicate_of`)
  OUT/_runs/      per run: a summary (JSON) and a report with charts (HTML)
Runs are incremental: files already ingested are skipped, changed files replace their earlier rows, and a
run with nothing new writes nothing. A run commits atomically: killed at any moment, it leaves the previous
dataset readable, and the next run completes or redoes its work.
Files a run could not finish (unreadable, internal_error, timeout) are retried by the next runs.
Exit status: 0 when the run completed (even if some inputs were rejected), 2 for a run-level failure (bad
config, missing RAW, RAW and OUT overlapping, OUT locked or not writable, disk full), 130 on Ctrl-C and 143
on SIGTERM (workers stopped at once, the dataset as the last committed run left it).
`python -m ingest rules check FILE` checks a file of cleaning rules; `rules list` lists the rules."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ingest", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--raw", type=Path, default=Path("raw"), help="folder of raw files (default: ./raw)")
    parser.add_argument("--out", type=Path, default=Path("clean"), help="output folder (default: ./clean)")
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="TOML settings over the defaults (docs/usage/configuration.md); default: built-in defaults",
    )
    parser.add_argument(
        "--wait",
        action="store_true",
        help="if another run is writing to OUT, wait for it to finish instead of exiting with an error",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="worker processes (default: run.workers from the config, 0 there meaning one per core)",
    )
    parser.add_argument(
        "--reprocess",
        choices=REPROCESS_MODES,
        default=None,
        help="process ingested files again even though they did not change: all of them, those with a row "
        "in rejected/, or those with a document the pipeline failed on (internal_error, timeout, "
        "worker_crashed); their rows are replaced",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="list the files a run would process (new, changed, retried) and those missing, change nothing",
    )
    parser.add_argument(
        "--print-config",
        action="store_true",
        help="print the effective configuration (defaults, then --config, then --workers) as TOML and exit",
    )
    parser.add_argument(
        "--progress-every",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="when stderr is not a terminal (cron, nohup, a service), log a progress line every SECONDS "
        "(default 5); on a terminal a progress bar is drawn instead",
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors (no progress either)")
    parser.add_argument("--version", action="version", version=f"ingest {__version__}")
    return parser


class Terminated(KeyboardInterrupt):
    """SIGTERM (a service manager's stop, Prefect's cancellation), handled like Ctrl-C."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated


def main(argv: list[str] | None = None) -> int:
    """The command line. Without `argv` it is the program (`python -m ingest`, the `ingest` script) and
    reads `sys.argv`; with `argv` it is called from Python (tests, a notebook) and leaves the process's
    garbage collector as it found it (see `_loaded`)."""
    program = argv is None
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["rules"]:
        from ingest.clean.rules.cli import main as rules_main

        return rules_main(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.progress_every > 0:
        parser.error("--progress-every must be a positive number of seconds")
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return _main(args, program)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _main(args: argparse.Namespace, program: bool = False) -> int:
    gc.disable()  # until the pipeline is loaded (`_loaded`)
    try:
        return _main_body(args)
    finally:
        if not program:  # a caller that goes on gets its collector back as it was; the program exits, and
            gc.unfreeze()  # its final collection skips what stays frozen (0.1 s)
        gc.enable()


def _spill_loaded(paths: Sequence[Path], job: Job, progress: Callable[[int], None] | None) -> list[SpillPart]:
    """The run's executor (`units.spill_units`), once what every document needs is loaded and frozen
    (`_loaded`); a run with nothing to do loads nothing."""
    from ingest.runner.units import spill_units

    _loaded(job.config)
    return spill_units(paths, job, progress)


def _loaded(config: IngestConfig) -> None:
    """Load what every document needs (`warm_up`), then freeze it.

    Importing the pipeline and loading its models and rules makes about 140,000 objects that live as long
    as the process, and Python's cyclic collector, running every 700 allocations, walked them over and over
    while they were made (about 0.08 s of a run's start). So the collector stays off until they are loaded,
    and they are then frozen (`gc.freeze`): later collections, in this process and in the workers it
    forks, skip them. The few cycles the imports left behind stay with them."""
    from ingest.steps.document import warm_up

    warm_up(config)
    gc.freeze()
    gc.enable()


def _main_body(args: argparse.Namespace) -> int:
    from ingest.runner.pipeline import (  # the pipeline's imports are heavy: not for --help or --version
        OutputBusy,
        RunError,
    )

    try:
        config = load_config(args.config)
        if args.workers is not None:
            config = replace(config, run=replace(config.run, workers=args.workers))
        if args.print_config:
            print(config_to_toml(config), end="")
            return 0
        if args.dry_run:
            print(_dry_run(args, config))
            return 0
        summary = _run(args, config)
    except OutputBusy as exc:
        print(f"ingest: error: {exc}; try again later or pass --wait", file=sys.stderr)
        return 2
    except (ConfigError, RunError) as exc:
        print(f"ingest: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        what = "terminated" if isinstance(exc, Terminated) else "interrupted"
        print(f"ingest: {what}; workers stopped, the dataset holds the last committed run", file=sys.stderr)
        return 143 if isinstance(exc, Terminated) else 130
    if not args.quiet:
        print(summary.format())
    return 0


def _run(args: argparse.Namespace, config: IngestConfig) -> RunSummary:
    from ingest.runner.display import BarDisplay, LogDisplay, RunDisplay
    from ingest.runner.pipeline import run

    if args.quiet:
        return run(
            args.raw, args.out, config, wait=args.wait, reprocess=args.reprocess, executor=_spill_loaded
        )
    display: RunDisplay = (
        BarDisplay(sys.stderr) if sys.stderr.isatty() else LogDisplay(sys.stderr, args.progress_every)
    )
    with display:
        return run(
            args.raw,
            args.out,
            config,
            on_files=display.files,
            on_phase=display.phase,
            wait=args.wait,
            reprocess=args.reprocess,
            executor=_spill_loaded,
        )


def _dry_run(args: argparse.Namespace, config: IngestConfig) -> str:
    from ingest.read.discover import relative_source
    from ingest.runner.plan import preview

    plan = preview(args.raw, args.out, config, args.reprocess)
    lines = [
        f"{len(plan.to_process)} files to process: {len(plan.new)} new, {len(plan.changed)} changed, "
        f"{len(plan.retried)} retried; {len(plan.unchanged)} unchanged, {len(plan.missing)} missing"
    ]
    for label, paths in (("new", plan.new), ("changed", plan.changed), ("retried", plan.retried)):
        lines += [f"{label:<8} {relative_source(p, args.raw)}" for p in paths]
    lines += [f"missing  {rel}" for rel in plan.missing]
    if plan.stale:
        lines.append(f"note: {len(plan.stale)} unchanged files were ingested under another config or version")
    return "\n".join(lines)
