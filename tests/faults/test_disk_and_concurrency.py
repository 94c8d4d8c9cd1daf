"""A full disk, two runs at once, and readers querying the dataset while runs commit."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from pathlib import Path

import duckdb
import pyarrow.dataset as ds
import pytest
from fault_harness import add_articles, assert_settled, complete, dataset, start, write_config

pytestmark = pytest.mark.slow


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 6 MiB tmpfs (CI runs as root); skipped where mounting is not allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {result.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_disk_full_fails_in_one_line_and_loses_nothing(tmp_path: Path, small_disk: Path) -> None:
    raw, out = tmp_path / "raw", small_disk / "out"
    config = write_config(tmp_path)
    add_articles(raw, 0, 20)
    complete(raw, out, config)
    before = dataset(out)
    filler = small_disk / "filler"
    free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
    filler.write_bytes(b"\0" * max(0, free - 150_000))  # leave about 150 KB
    add_articles(raw, 20, 400)
    proc = start(raw, out, config)
    _, err = proc.communicate(timeout=300)
    message = err.decode().strip()
    assert proc.returncode == 2, message
    assert message.count("\n") == 0 and message.startswith("ingest: error:"), message
    assert "No space left" in message
    assert dataset(out) == before
    filler.unlink()
    complete(raw, out, config)
    assert len(dataset(out)["documents"]) == 400
    assert_settled(out)


def test_two_runs_started_at_once_never_both_write(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    config = write_config(tmp_path)
    add_articles(raw, 0, 60)
    first, second = start(raw, out, config), start(raw, out, config)
    results = [(p.wait(timeout=300), p.stderr.read().decode()) for p in (first, second)]
    codes = sorted(code for code, _ in results)
    assert codes in ([0, 0], [0, 2]), results
    if codes == [0, 2]:
        assert any("another run is writing to" in err for _, err in results)
    assert len(dataset(out)["documents"]) == 60
    assert (
        len(list((out / "_runs").glob("*.json"))) == 1
    )  # one of them committed, the other had nothing to do
    assert_settled(out)


def test_readers_only_ever_see_committed_states(tmp_path: Path) -> None:
    """DuckDB and pyarrow read OUT/documents and OUT/rejected in a loop during ten commits: every count
    they see is one a run's summary reports, and no read fails."""
    raw, out = tmp_path / "raw", tmp_path / "out"
    config = write_config(tmp_path)
    add_articles(raw, 0, 10)
    (raw / "empty.txt").write_text("")
    complete(raw, out, config)
    seen: set[tuple[str, int]] = set()
    errors: list[str] = []
    stop = threading.Event()

    def read_loop() -> None:
        con = duckdb.connect()
        while not stop.is_set():
            for kind in ("documents", "rejected"):
                try:
                    n = con.execute(
                        f"SELECT count(*) FROM read_parquet('{out}/{kind}/*.parquet')"
                    ).fetchone()[0]
                    seen.add((kind, n))
                    seen.add((kind, ds.dataset(out / kind, format="parquet").count_rows()))
                except Exception as exc:  # any failure to read is a finding
                    errors.append(f"{kind}: {type(exc).__name__}: {exc}")

    reader = threading.Thread(target=read_loop)
    reader.start()
    try:
        for step in range(10):
            add_articles(raw, 10 + 3 * step, 13 + 3 * step)
            (raw / f"empty-{step}.txt").write_text("")
            complete(raw, out, config)
    finally:
        stop.set()
        reader.join()
    assert not errors, errors[:3]
    committed: set[tuple[str, int]] = set()
    documents = rejected = 0
    for summary_path in sorted((out / "_runs").glob("*.json")):
        summary = json.loads(summary_path.read_text())
        documents += summary["documents_kept"]
        rejected += summary["documents_rejected"]
        committed |= {("documents", documents), ("rejected", rejected)}
    assert seen <= committed, sorted(seen - committed)
    assert len({n for kind, n in seen if kind == "documents"}) >= 3  # the readers did see commits happen
