"""kill -9 at random moments: the dataset stays readable, and the next run completes the work with no
document lost or doubled (compared with runs that were never interrupted)."""

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
from samples import article

COLUMNS = ["doc_id", "source_path", "source_record", "text", "title", "language"]


def add_files(raw: Path, start: int, stop: int) -> None:
    raw.mkdir(parents=True, exist_ok=True)
    for i in range(start, stop):
        (raw / f"{i // 20:02d}" / f"doc-{i:04d}.txt").parent.mkdir(exist_ok=True)
        (raw / f"{i // 20:02d}" / f"doc-{i:04d}.txt").write_text(article(i), encoding="utf-8")
    (raw / "empty.txt").write_bytes(b"")


def start_run(raw: Path, out: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    args = [sys.executable, "-m", "ingest", "--raw", str(raw), "--out", str(out), "--quiet", "--wait"]
    return subprocess.Popen(
        args, start_new_session=True, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def complete_run(raw: Path, out: Path) -> float:
    start = time.monotonic()
    proc = start_run(raw, out)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()
    return time.monotonic() - start


def table(out: Path, kind: str):
    return pq.read_table(out / kind).select(COLUMNS).sort_by("doc_id")


def assert_readable_and_whole(out: Path) -> None:
    if not (out / "documents").exists():
        return
    docs, rejected = table(out, "documents"), table(out, "rejected")
    ids = docs.column("doc_id").to_pylist() + rejected.column("doc_id").to_pylist()
    assert len(ids) == len(set(ids)), "a document appears twice"


def test_kill_minus_nine_at_random_moments(tmp_path: Path) -> None:
    rng = random.Random(20261123)
    reference_raw, crash_raw = tmp_path / "raw-ref", tmp_path / "raw-crash"
    reference_out, crash_out = tmp_path / "ref", tmp_path / "crash"
    kills = 0
    for start, stop in ((0, 60), (60, 120)):
        add_files(reference_raw, start, stop)
        add_files(crash_raw, start, stop)
        duration = complete_run(reference_raw, reference_out)
        for _ in range(6):
            proc = start_run(crash_raw, crash_out)
            time.sleep(rng.uniform(0.1, 0.95) * duration)
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                kills += 1
            proc.wait()
            assert_readable_and_whole(crash_out)
        complete_run(crash_raw, crash_out)
        for kind in ("documents", "rejected"):
            assert table(crash_out, kind).equals(table(reference_out, kind)), kind
    # a kill after a run committed meets a run with nothing left to do, which ends at once: not every
    # attempt kills, but most must, or the test proves nothing
    assert kills >= 6, "the runs finished before they could be killed: make the input larger"
    assert not list(crash_out.glob(".staging-*"))
    assert table(crash_out, "documents").num_rows == 120
    shutil.rmtree(tmp_path, ignore_errors=True)
