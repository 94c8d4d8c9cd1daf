"""Serve the daily `ingest` deployment from this host (no work pool needed).

    python flows/serve.py [--cron "0 3 * * *"] [--raw raw] [--out clean] [--config FILE]

Needs a Prefect API (`prefect server start` in another terminal, and PREFECT_API_URL pointing at it). The
process stays up, runs the flow on schedule, and runs ad-hoc runs triggered from the UI or with
`prefect deployment run 'ingest/ingest-daily'`.
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
from prefect.deployments.runner import RunnerDeployment

from flows.ingest_flow import ingest_flow

DEPLOYMENT_NAME = "ingest-daily"
DEFAULT_CRON = "0 3 * * *"  # daily at 03:00
DEFAULT_TIMEZONE = "UTC"


def build_deployment(
    cron: str = DEFAULT_CRON, raw: str = "raw", out: str = "clean", config: str | None = None
) -> RunnerDeployment:
    """The deployment `serve` registers: the flow, its daily schedule and its parameters."""
    return ingest_flow.to_deployment(
        name=DEPLOYMENT_NAME,
        cron=cron,
        parameters={"raw": raw, "out": out, "config": config},
        description="Daily raw/ → clean/ run of the ingest pipeline.",
        tags=["ingest"],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cron", default=DEFAULT_CRON, help=f"schedule (default {DEFAULT_CRON!r}, UTC)")
    parser.add_argument("--raw", default="raw", help="raw folder (default: raw)")
    parser.add_argument("--out", default="clean", help="output folder (default: clean)")
    parser.add_argument("--config", default=None, help="TOML config file (default: built-in defaults)")
    args = parser.parse_args()
    serve(build_deployment(args.cron, args.raw, args.out, args.config))


if __name__ == "__main__":
    main()
