"""Prefect flow for `ingest`: orchestration only. The flow runs the library's one run skeleton
(`ingest.runner.pipeline.run`) with its own executor: Prefect tasks over the same work units.

Tasks work on batches of files, never one document each: a Prefect task costs about 10 ms of client and
server CPU here, more than cleaning a document. Extraction, cleaning and language detection are CPU-bound:
by default the batch tasks run in threads of the flow process and hand their CPU work to a pool of worker
processes (`ingest.runner.batch_pool`, one per core or `run.workers`), so workers never import Prefect or
run its task engine; `--dask-*` runs the batch tasks themselves on Dask workers instead. Each batch task
spills its documents to the run's staging folder and returns a small handle: no document is pickled
between processes.
Run once with `python flows/ingest_flow.py [RAW OUT [CONFIG]] [--dask-workers N | --dask-address URL]`.
"""

from __future__ import annotations

import os

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

import argparse
import contextlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.task_runners import ThreadPoolTaskRunner

from ingest.config import IngestConfig, load_config
from ingest.runner.batch_pool import batch_pool, run_batch
from ingest.runner.pipeline import run
from ingest.runner.report import report_markdown, summary_markdown, summary_tables
from ingest.runner.units import Job, SpillPart, WorkUnit, work_units


@task(name="process-batch", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1)
def process_batch_task(unit: WorkUnit, job: Job) -> SpillPart:
    """One work unit processed and spilled by a worker process; only a small handle comes back."""
    return run_batch(unit, job)


def batch_tasks(paths: Sequence[Path], job: Job, progress: object = None) -> list[SpillPart]:
    """The flow's executor for the run skeleton (`ingest.runner.pipeline.Executor`): the run's work units,
    cut as the library cuts them, each a `process-batch` task; the spill parts in discovery order."""
    units = list(work_units(paths, job.raw_root, job.config, job.config.effective_workers()))
    futures = process_batch_task.map(units, unmapped(job))
    return [future.result() for future in futures]


# Two task threads per core: a batch is always queued in the worker pool while another task's Prefect
# bookkeeping runs. More workers than this (run.workers) would idle.
TASK_THREADS = 2 * (os.cpu_count() or 1)


def local_workers(settings: IngestConfig) -> contextlib.AbstractContextManager[object]:
    """The worker pool batch tasks use when they run in this process's threads (the default runner);
    nothing when another runner (Dask) runs them elsewhere."""
    context = FlowRunContext.get()
    if context is not None and isinstance(context.task_runner, ThreadPoolTaskRunner):
        return batch_pool(settings.effective_workers())
    return contextlib.nullcontext()


@flow(name="ingest", log_prints=False, task_runner=ThreadPoolTaskRunner(max_workers=TASK_THREADS))
def ingest_flow(raw: str = "raw", out: str = "clean", config: str | None = None, wait: bool = False) -> dict:
    """Raw folder in, Parquet dataset out; returns the run summary (also written under OUT/_runs/).

    The library's run skeleton (`ingest.runner.pipeline.run`) with the flow's executor: lock, plan, batch
    tasks, cross-document step, dedup and commit, as `python -m ingest` does them; `wait` queues behind a
    running job.
    """
    logger = get_run_logger()
    raw_path, out_path = Path(raw), Path(out)
    settings = load_config(config)
    with local_workers(settings):
        summary = run(raw_path, out_path, settings, wait=wait, executor=batch_tasks).to_dict()
    if not summary["committed"]:
        logger.info("nothing to do: no new or changed files in %s", raw_path)
        return summary
    logger.info(
        "%d files read, %d kept, %d rejected %s",
        summary["files_read"],
        summary["documents_kept"],
        summary["documents_rejected"],
        summary["rejected_by_reason"],
    )
    create_markdown_artifact(summary_markdown(summary), key="ingest-summary", description="run summary")
    for name, rows in summary_tables(summary).items():
        create_table_artifact(
            rows, key=f"ingest-{name.replace('_', '-')}", description=name.replace("_", " ")
        )
    publish_report(summary)
    return summary


def publish_report(summary: dict) -> None:
    """The run's report as artifacts: a link to its HTML page (`OUT/_runs/<run_id>.html`, a `file://` URL
    whose text is the absolute path: Prefect's UI drops `file:` links, so the path is what a reader copies)
    and a markdown artifact with the key numbers and the same charts, inline. Publishing never fails the
    flow: if the charts cannot be drawn, the tables go out alone. A summary of a run with nothing to do
    gets a short note."""
    if summary.get("report"):
        page = (Path(summary["out"]) / summary["report"]).resolve()
        create_link_artifact(
            page.as_uri(),
            link_text=str(page),
            key="ingest-report-link",
            description=f"HTML report of run {summary['run_id']}: charts and tables, no network needed",
        )
    try:
        markdown = report_markdown(summary)
    except Exception as exc:  # a report is never worth a run
        get_run_logger().warning("report charts not drawn: %r", exc)
        markdown = report_markdown(summary, charts=False)
    create_markdown_artifact(markdown, key="ingest-report", description="run report: key numbers and charts")


def dask_runner(address: str | None = None, n_workers: int = 2) -> Any:
    """Prefect's DaskTaskRunner (needs the `dask` extra): on the dask.distributed cluster at `address`, or
    on a LocalCluster of `n_workers` single-threaded worker processes. Every worker must see RAW and OUT
    at the same paths (a shared filesystem); near-duplicate detection and the write stay one global step."""
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": n_workers, "threads_per_worker": 1, "processes": True})


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="Run the ingest flow once (temporary local Prefect server).")
    parser.add_argument("raw", nargs="?", default="raw")
    parser.add_argument("out", nargs="?", default="clean")
    parser.add_argument("config", nargs="?", default=None, help="TOML config file")
    parser.add_argument("--wait", action="store_true", help="queue behind a run already writing to OUT")
    dask = parser.add_mutually_exclusive_group()
    dask.add_argument("--dask-address", help="run tasks on this dask.distributed scheduler (tcp://host:8786)")
    dask.add_argument("--dask-workers", type=int, help="run tasks on a local Dask cluster of N processes")
    args = parser.parse_args(argv)
    flow_ = ingest_flow
    if args.dask_address or args.dask_workers:
        flow_ = ingest_flow.with_options(task_runner=dask_runner(args.dask_address, args.dask_workers or 2))
    return flow_(args.raw, args.out, args.config, args.wait)


if __name__ == "__main__":
    main()
