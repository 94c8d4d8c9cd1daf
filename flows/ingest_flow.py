"""Prefect flow for `ingest`: orchestration only. The flow runs the library's one run skeleton
(`ingest.runner.pipeline.run`) with its own executor: Prefect tasks over the same work units.

Tasks work on batches of files, never one document each: a Prefect task costs about 10 ms of client and
server CPU here, more than cleaning a document. Extraction, cleaning and language detection are CPU-bound:
by default the batch tasks run in threads of the flow process and hand their CPU work to a pool of worker
processes (`ingest.runner.batch_pool`, one per core or `run.workers`), so workers never import Prefect or
run its task engine; `--dask-*` runs the batch tasks themselves on Dask workers instead. Each batch task
spills its documents to the run's staging folder and returns a small handle: no document is pickled
between processes.
Run once with `python flows/ingest_flow.py [--raw RAW] [--out OUT] [--config FILE] [--wait]
[--dask-workers N | --dask-address URL]` (the same options as `python -m ingest` and `flows/serve.py`).
"""

from __future__ import annotations

import os

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# The temporary server a one-off run starts needs 9-15 s here, over 20 s (Prefect's default limit) on a
# loaded machine: give it time rather than fail the run.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

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

from ingest.config import ConfigError, IngestConfig, load_config
from ingest.runner.batch_pool import batch_pool, run_batch
from ingest.runner.pipeline import OutputBusy, RunError, run
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


class OutputBusyInFlow(OutputBusy):
    """The output folder is locked by another run, said in a deployment's terms."""


def publish(summary: dict[str, Any], raw: Path) -> None:
    """The run summary as Prefect artifacts: markdown (`ingest-summary`) and tables; a run with nothing to
    do still leaves a short markdown artifact, so every scheduled run says what it did."""
    logger = get_run_logger()
    if not summary["committed"]:
        logger.info("nothing to do: no new or changed files in %s", raw)
        create_markdown_artifact(
            f"# ingest run {summary['run_id']}\n\nNothing to do: no new or changed files in `{raw}` "
            f"({summary['files_unchanged']} unchanged, {summary['files_missing']} missing).\n",
            key="ingest-summary",
            description="run summary (nothing to do)",
        )
        return
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


def run_and_publish(raw: str, out: str, config: str | None, wait: bool) -> dict:
    """The library's run skeleton with the flow's executor, then its artifacts."""
    raw_path, out_path = Path(raw), Path(out)
    settings = load_config(config)
    try:
        with local_workers(settings):
            summary = run(
                raw_path,
                out_path,
                settings,
                wait=wait,
                executor=batch_tasks,
                on_phase=lambda name: get_run_logger().info("phase: %s", name),
            ).to_dict()
    except OutputBusy as exc:
        raise OutputBusyInFlow(
            f"{exc}. Run the flow with the parameter wait=true to queue behind it; a deployment with "
            "concurrency_limit 1 and collision_strategy ENQUEUE (flows/serve.py and prefect.yaml set it) "
            "queues its own overlapping runs before they start"
        ) from None
    publish(summary, raw_path)
    return summary


@flow(name="ingest", log_prints=False, task_runner=ThreadPoolTaskRunner(max_workers=TASK_THREADS))
def ingest_flow(
    raw: str = "raw",
    out: str = "clean",
    config: str | None = None,
    wait: bool = False,
    dask_workers: int = 0,
    dask_address: str | None = None,
) -> dict:
    """Raw folder in, Parquet dataset out; returns the run summary (also written under OUT/_runs/).

    The library's run skeleton (`ingest.runner.pipeline.run`) with the flow's executor: lock, plan, batch
    tasks, cross-document step, dedup and commit, as `python -m ingest` does them. `wait` queues behind a
    run already writing to OUT instead of failing. `dask_workers` (a local Dask cluster of that many
    processes) or `dask_address` (an existing cluster) run the batch tasks on Dask, in a subflow
    `ingest-on-dask` (a flow's task runner is fixed when it starts).
    """
    if dask_workers or dask_address:
        on_dask = ingest_on_dask.with_options(task_runner=dask_runner(dask_address, dask_workers or 2))
        return on_dask(raw, out, config, wait)
    return run_and_publish(raw, out, config, wait)


@flow(name="ingest-on-dask", log_prints=False)
def ingest_on_dask(raw: str, out: str, config: str | None = None, wait: bool = False) -> dict:
    """The same run with the batch tasks on the Dask task runner `ingest_flow` gives it."""
    return run_and_publish(raw, out, config, wait)


def dask_runner(address: str | None = None, n_workers: int = 2) -> Any:
    """Prefect's DaskTaskRunner (needs the `dask` extra): on the dask.distributed cluster at `address`, or
    on a LocalCluster of `n_workers` single-threaded worker processes. Every worker must see RAW and OUT
    at the same paths (a shared filesystem); near-duplicate detection and the write stay one global step."""
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": n_workers, "threads_per_worker": 1, "processes": True})


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        description="Run the ingest flow once (on a temporary local Prefect server unless PREFECT_API_URL "
        "points at one)."
    )
    parser.add_argument("--raw", default="raw", help="folder of raw files (default: raw)")
    parser.add_argument("--out", default="clean", help="output folder (default: clean)")
    parser.add_argument("--config", default=None, help="TOML config file (default: built-in defaults)")
    parser.add_argument("--wait", action="store_true", help="queue behind a run already writing to OUT")
    dask = parser.add_mutually_exclusive_group()
    dask.add_argument("--dask-address", help="run tasks on this dask.distributed scheduler (tcp://host:8786)")
    dask.add_argument(
        "--dask-workers", type=int, default=0, help="run tasks on a local Dask cluster of N processes"
    )
    args = parser.parse_args(argv)
    try:
        return ingest_flow(args.raw, args.out, args.config, args.wait, args.dask_workers, args.dask_address)
    except (ConfigError, RunError) as exc:  # the flow run is marked failed; the terminal gets one line
        raise SystemExit(f"ingest flow: error: {exc}") from None


if __name__ == "__main__":
    main()
