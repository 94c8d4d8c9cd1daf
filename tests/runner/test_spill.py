"""Batches spilled by separate workers (the flow's path): same dataset as the library's single stream, a
retried batch never doubles rows, and a failed run leaves nothing in OUT."""

import json
import os
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ingest.config import IngestConfig, RunConfig
from ingest.runner.batch_pool import batch_pool, run_batch
from ingest.runner.pipeline import commit_run, plan_run, run, run_staging
from ingest.runner.units import Job, WorkUnit, batch_size, batched, spill_unit
from ingest.store.schema import SPILL_SCHEMA
from ingest.store.write import STAGING_PREFIX, spill_part

SERIAL = IngestConfig(run=RunConfig(workers=1))
COMPARED = ["doc_id", "source_path", "source_record", "text", "title", "removed", "content_hash", "reason"]


def spilled_run(raw: Path, out: Path, size: int, retried: tuple[int, ...] = ()) -> dict:
    """A run as the flow makes it: each batch spilled on its own, `retried` batches spilled twice."""
    plan = plan_run(raw, out)
    with run_staging(out, plan) as staging:
        assert staging is not None
        parts = []
        job = Job(raw, SERIAL, staging, plan.started)
        for index, paths in enumerate(batched(plan.files.to_process, size)):
            part = spill_unit(WorkUnit(index, paths=paths), job)
            if index in retried:
                part = spill_unit(WorkUnit(index, paths=paths), job)
            parts.append(part)
        return commit_run(parts, raw, out, SERIAL, plan).to_dict()


def table(out: Path, kind: str):
    columns = [c for c in COMPARED if kind == "rejected" or c != "reason"]
    return pq.read_table(out / kind).select(columns)


def test_spilled_batches_give_the_library_rows_even_when_retried(seeds_raw: Path, tmp_path: Path) -> None:
    (seeds_raw / "empty.txt").write_bytes(b"")
    summary = spilled_run(seeds_raw, tmp_path / "spilled", size=2, retried=(0, 2))
    expected = run(seeds_raw, tmp_path / "lib", SERIAL).to_dict()
    for key in ("documents_kept", "documents_rejected", "rejected_by_reason", "lines_removed_by_rule"):
        assert summary[key] == expected[key], key
    for kind in ("documents", "rejected"):
        assert table(tmp_path / "spilled", kind).equals(table(tmp_path / "lib", kind)), kind
    assert not list((tmp_path / "spilled").glob(f"{STAGING_PREFIX}*"))


def test_a_crashed_attempt_leaves_only_a_skipped_temporary_file(seeds_raw: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    plan = plan_run(seeds_raw, out)
    with run_staging(out, plan) as staging:
        assert staging is not None
        target = spill_part(staging, 0)
        target.parent.mkdir()
        stale = target.with_name(f".{target.name}.123-dead.tmp")
        pq.write_table(SPILL_SCHEMA.empty_table(), stale)  # what a killed worker leaves behind
        part = spill_unit(
            WorkUnit(0, paths=plan.files.to_process), Job(seeds_raw, SERIAL, staging, plan.started)
        )
        summary = commit_run([part], seeds_raw, out, SERIAL, plan)
    assert summary.documents_kept == 5
    assert pq.read_table(out / "documents").num_rows == 5


def test_a_failed_batch_discards_the_staged_run(seeds_raw: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    plan = plan_run(seeds_raw, out)
    with pytest.raises(RuntimeError), run_staging(out, plan) as staging:
        assert staging is not None
        spill_unit(
            WorkUnit(0, paths=plan.files.to_process[:2]), Job(seeds_raw, SERIAL, staging, plan.started)
        )
        raise RuntimeError("batch 1 failed after its retries")
    assert not list(out.glob(f"{STAGING_PREFIX}*"))
    assert not (out / "documents").exists()
    assert run(seeds_raw, out, SERIAL).documents_kept == 5  # the next run does the whole work


def test_batch_size_gives_every_worker_several_tasks() -> None:
    config = IngestConfig()
    assert batch_size(800, 2, config) == 100
    assert batch_size(10_000, 2, config) == config.run.batch_files
    assert batch_size(3, 8, config) == 1


def _die() -> None:
    os._exit(1)  # a worker killed mid-batch (OOM killer, kill -9)


def test_batch_pool_runs_batches_and_survives_a_killed_worker(seeds_raw: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    plan = plan_run(seeds_raw, out)
    with run_staging(out, plan) as staging, batch_pool(2) as pool:
        assert staging is not None
        with pytest.raises(BrokenProcessPool):
            pool.run(_die)
        job = Job(seeds_raw, SERIAL, staging, plan.started)
        part = run_batch(WorkUnit(0, paths=plan.files.to_process), job)  # the retry
        assert part.rows == 5
        summary = commit_run([part], seeds_raw, out, SERIAL, plan)
    assert summary.documents_kept == 5


def test_library_workers_spill_their_own_parts_in_discovery_order(seeds_raw: Path, tmp_path: Path) -> None:
    """`run` with worker processes: small files in batches and a large JSON Lines file fanned out in record
    chunks, each unit spilled by its worker; the dataset equals the in-process run, row for row."""
    line = "The river rose again overnight and the council closed the lower bridge to traffic. "
    records = [{"url": f"https://example.org/{i}", "text": f"Record {i}. {line * 8}"} for i in range(7)]
    (seeds_raw / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "{broken\n")
    serial = run(seeds_raw, tmp_path / "serial", SERIAL).to_dict()
    config = IngestConfig(
        run=RunConfig(
            workers=2, parallel_min_files=1, batch_files=2, stream_file_bytes=5000, records_per_task=2
        )
    )
    assert (
        (seeds_raw / "feed.jsonl").stat().st_size
        > 5000
        > max(p.stat().st_size for p in seeds_raw.glob("*.txt"))
    )
    seen: list[int] = []
    parallel = run(seeds_raw, tmp_path / "parallel", config, progress=seen.append).to_dict()
    for kind in ("documents", "rejected"):
        columns = [c for c in COMPARED if kind == "rejected" or c != "reason"]
        a = pq.read_table(tmp_path / "serial" / kind).select(columns)
        b = pq.read_table(tmp_path / "parallel" / kind).select(columns)
        assert a.num_rows > 0
        assert a.equals(b), kind
    assert parallel["rejected_by_reason"] == serial["rejected_by_reason"]
    assert parallel["lines_removed_by_rule"] == serial["lines_removed_by_rule"]
    assert sum(seen) == len(list(seeds_raw.iterdir()))
