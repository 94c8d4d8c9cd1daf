"""kill -9 of the main process only (not its group), at every step of a run and its commit, over an
incremental history with new and changed files; then kills of a worker, SIGTERM and SIGINT.

After each kill: every process of the run is gone within seconds (workers die with their parent, and no
orphan keeps OUT locked), the dataset is readable and holds no row twice, and the next run, started
without --wait, succeeds. At the end the dataset equals that of a run that was never interrupted."""

from __future__ import annotations

import os
import random
import shutil
import signal
import time
from pathlib import Path

import pytest
from fault_harness import (
    add_articles,
    assert_group_gone,
    assert_settled,
    assert_whole,
    child_pids,
    complete,
    dataset,
    start,
    write_config,
)

pytestmark = pytest.mark.slow

# Named points of a run (ingest.faults.checkpoint), in the order a run passes them.
KILL_POINTS = [
    "run:unit@1",
    "run:unit@3",
    "run:processed",
    "run:recurring",
    "run:deduplicated",
    "run:carried",
    "run:reported",
    "seal:summary",
    "seal:ready",
    "apply:moved",
    "apply:switched",
    "apply:linked",
    "apply:manifest",
    "apply:index",
    "apply:reported",
    "apply:recorded",
    "remove:renamed",
    "remove:midway",
    "apply:removed",
]


def mutate(raw: Path, step: int) -> None:
    """One step of an incremental history: four new files, and one earlier file changed."""
    add_articles(raw, 40 + 4 * step, 44 + 4 * step)
    add_articles(raw, step, step + 1, version=step + 1)


def test_kill_minus_nine_of_the_main_process_at_every_step(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    config = write_config(tmp_path)
    add_articles(raw, 0, 40)
    complete(raw, out, config)
    rng = random.Random(18)
    survived = 0
    points = [*KILL_POINTS, "random", "random", "random"]
    for step, point in enumerate(points):
        mutate(raw, step)
        before = dataset(out)
        if point == "random":
            proc = start(raw, out, config)
            time.sleep(rng.uniform(0.3, 2.5))
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)  # the main process only, as the OOM killer does
        else:
            proc = start(raw, out, config, env={"INGEST_FAULT": point})
        proc.wait(timeout=300)
        assert_group_gone(proc.pid)
        if proc.returncode == -signal.SIGKILL:
            survived += 1
            after = dataset(out)
            assert_whole(out)
            # the commit is all or nothing: readers see the state before the run or the state after it
            assert after == before or len(after["documents"]) > len(before["documents"])
        elif point != "random":
            raise AssertionError(f"the run never reached {point}: {proc.stderr.read().decode()}")
        complete(raw, out, config)  # without --wait: no lock was left behind
        assert_settled(out)
    assert survived >= len(KILL_POINTS)
    reference = tmp_path / "reference"
    complete(raw, reference, config)
    assert dataset(out) == dataset(reference)
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_a_killed_worker_costs_nothing(tmp_path: Path) -> None:
    """kill -9 of one worker mid-run: the units in flight are retried, the run completes, nothing lost."""
    raw, out = tmp_path / "raw", tmp_path / "out"
    config = write_config(tmp_path)
    add_articles(raw, 0, 120)
    proc = start(raw, out, config)
    deadline = time.monotonic() + 60
    killed = False
    while time.monotonic() < deadline and proc.poll() is None and not killed:
        workers = child_pids(proc.pid)
        if len(workers) >= 2:
            time.sleep(0.3)
            os.kill(workers[0], signal.SIGKILL)
            killed = True
        time.sleep(0.02)
    _, err = proc.communicate(timeout=300)
    assert killed, "the run finished before a worker could be killed"
    assert proc.returncode == 0, err.decode()
    reference = tmp_path / "reference"
    complete(raw, reference, config)
    assert dataset(out) == dataset(reference)
    assert_settled(out)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_sigint_stop_the_run_and_its_workers_quickly(tmp_path: Path, signum: int) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    config = write_config(tmp_path)
    add_articles(raw, 0, 30)
    complete(raw, out, config)
    before = dataset(out)
    add_articles(raw, 30, 400)
    proc = start(raw, out, config, interruptible=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(child_pids(proc.pid)) < 2:
        time.sleep(0.05)
    time.sleep(0.5)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    sent = time.monotonic()
    os.kill(proc.pid, signum)
    _, err = proc.communicate(timeout=60)
    took = time.monotonic() - sent
    assert proc.returncode == (143 if signum == signal.SIGTERM else 130), err.decode()
    assert "interrupted" in err.decode() or "terminated" in err.decode()
    assert took < 10, f"stopping took {took:.1f} s"  # about 2 s on an idle machine; generous under load
    assert_group_gone(proc.pid)
    assert dataset(out) == before
    complete(raw, out, config)
    assert len(dataset(out)["documents"]) == 400


def test_a_document_that_kills_its_worker_is_rejected_and_the_run_completes(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    config = write_config(tmp_path)
    add_articles(raw, 0, 12)
    fault = {"INGEST_FAULT": "document:00/doc-0005.txt"}  # kills every process that processes it
    summary = complete(raw, out, config, env=fault)
    assert summary == ""  # --quiet
    data = dataset(out)
    assert len(data["documents"]) == 11
    (crashed,) = data["rejected"]
    assert crashed[0] == "00/doc-0005.txt"
    import pyarrow.parquet as pq

    row = pq.read_table(out / "rejected").to_pylist()[0]
    assert row["reason"] == "worker_crashed"
    assert "SIGKILL" in row["detail"]
    complete(raw, out, config, env=fault)  # the next run is not blocked by it
    assert_settled(out)
