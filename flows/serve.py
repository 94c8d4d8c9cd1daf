"""Serve the daily `ingest` deployment from this host (no work pool needed).

    python flows/serve.py [--raw raw] [--out clean] [--config FILE] [--cron "0 3 * * *"]
                          [--dask-workers N | --dask-address URL]

Needs a Prefect API (`prefect server start` in another terminal, and PREFECT_API_URL pointing at it). The
process stays up, runs the flow on schedule, and runs ad-hoc runs triggered from the UI or with
`prefect deployment run 'ingest/ingest-daily-served'`. Its name differs from the work-pool deployment in
prefect.yaml (`ingest-daily-pool`), so registering one never overwrites the other. Overlapping runs (a
manual run during the scheduled one) queue: the deployment allows one run at a time and enqueues the rest.
"""

from __future__ import annotations

import os

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as `python flows/serve.py`: make `flows` importable from the repo root
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from prefect import serve
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.deployments.runner import RunnerDeployment

from flows.ingest_flow import ingest_flow

DEPLOYMENT_NAME = "ingest-daily-served"
DEFAULT_CRON = "0 3 * * *"  # daily at 03:00
DEFAULT_TIMEZONE = "UTC"
ONE_AT_A_TIME = ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE)
"""Runs of the deployment that would overlap wait in Prefect's queue (state AwaitingConcurrencySlot)
instead of starting and failing on the output folder's lock."""


def build_deployment(
    cron: str = DEFAULT_CRON,
    raw: str = "raw",
    out: str = "clean",
    config: str | None = None,
    dask_workers: int = 0,
    dask_address: str | None = None,
) -> RunnerDeployment:
    """The deployment `serve` registers: the flow, its daily schedule, one run at a time, its parameters."""
    return ingest_flow.to_deployment(
        name=DEPLOYMENT_NAME,
        cron=cron,
        concurrency_limit=ONE_AT_A_TIME,
        parameters={
            "raw": raw,
            "out": out,
            "config": config,
            "wait": True,
            "dask_workers": dask_workers,
            "dask_address": dask_address,
        },
        description="Daily raw/ → clean/ run of the ingest pipeline (served from one host).",
        tags=["ingest"],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw", default="raw", help="raw folder (default: raw)")
    parser.add_argument("--out", default="clean", help="output folder (default: clean)")
    parser.add_argument("--config", default=None, help="TOML config file (default: built-in defaults)")
    parser.add_argument("--cron", default=DEFAULT_CRON, help=f"schedule (default {DEFAULT_CRON!r}, UTC)")
    dask = parser.add_mutually_exclusive_group()
    dask.add_argument(
        "--dask-workers", type=int, default=0, help="run the batch tasks on a local Dask cluster"
    )
    dask.add_argument("--dask-address", default=None, help="run the batch tasks on this Dask scheduler")
    args = parser.parse_args()
    serve(build_deployment(args.cron, args.raw, args.out, args.config, args.dask_workers, args.dask_address))


if __name__ == "__main__":
    main()
