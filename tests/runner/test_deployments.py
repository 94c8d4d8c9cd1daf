"""The deployment definitions are valid: entrypoint loads, schedule parses, parameters fit the flow."""

import asyncio
import inspect
import itertools
from datetime import UTC, datetime, timedelta

import yaml
from conftest import ROOT
from prefect.cli.deploy._models import PrefectYamlModel  # private, but the schema `prefect deploy` uses
from prefect.flows import load_flow_from_entrypoint
from prefect.server.schemas.schedules import CronSchedule

from flows.ingest_flow import ingest_flow
from flows.serve import DEFAULT_CRON, DEPLOYMENT_NAME, build_deployment

PARAMETERS = {"raw", "out", "config", "wait", "dask_workers", "dask_address"}


def next_runs(cron: str, timezone: str, n: int) -> list[datetime]:
    """The next `n` run times as Prefect's scheduler computes them."""
    dates = CronSchedule(cron=cron, timezone=timezone).get_dates(n, start=datetime(2026, 1, 1, tzinfo=UTC))
    return asyncio.run(dates) if inspect.isawaitable(dates) else dates  # sync or async, by call context


def test_serve_deployment_is_daily_with_parameters() -> None:
    deployment = build_deployment(raw="/data/raw", out="/data/clean", config="/etc/ingest.toml")
    assert deployment.name == DEPLOYMENT_NAME
    assert deployment.flow_name == "ingest"
    (schedule,) = deployment.schedules
    assert schedule.schedule.cron == DEFAULT_CRON
    runs = next_runs(schedule.schedule.cron, schedule.schedule.timezone or "UTC", 3)
    assert [(r.hour, r.minute) for r in runs] == [(3, 0)] * 3
    assert {(b - a).days for a, b in itertools.pairwise(runs)} == {1}
    assert deployment.parameters == {
        "raw": "/data/raw",
        "out": "/data/clean",
        "config": "/etc/ingest.toml",
        "wait": True,
        "dask_workers": 0,
        "dask_address": None,
    }
    ingest_flow.validate_parameters(deployment.parameters)
    assert deployment.concurrency_limit == 1
    assert deployment.concurrency_options.collision_strategy == "ENQUEUE"
    dask = build_deployment(dask_address="tcp://scheduler:8786")
    ingest_flow.validate_parameters(dask.parameters)
    assert dask.parameters["dask_address"] == "tcp://scheduler:8786"


def test_prefect_yaml_deployment_is_valid() -> None:
    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    PrefectYamlModel.model_validate(spec)  # the schema `prefect deploy` reads the file with
    (deployment,) = spec["deployments"]
    assert deployment["name"] != DEPLOYMENT_NAME  # `prefect deploy` must not overwrite the served one
    flow = load_flow_from_entrypoint(str(ROOT / deployment["entrypoint"]))
    assert flow.name == "ingest"
    assert set(deployment["parameters"]) == PARAMETERS
    flow.validate_parameters(deployment["parameters"])
    assert deployment["concurrency_limit"] == {"limit": 1, "collision_strategy": "ENQUEUE"}
    (schedule,) = deployment["schedules"]
    runs = next_runs(schedule["cron"], schedule["timezone"], 2)
    assert [(r.hour, r.minute, r.tzinfo.utcoffset(r)) for r in runs] == [(3, 0, timedelta(0))] * 2
    assert deployment["work_pool"]["name"]
