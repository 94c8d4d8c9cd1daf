"""What once poisoned the state of OUT: a superseded row's index entry, a lock file that is not a file, a
lock inherited by a forked child, RAW and OUT inside each other, a retry that was recorded as done."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from samples import article

from ingest.config import IngestConfig, RunConfig
from ingest.runner.pipeline import RunError, run
from ingest.store.lock import LockBusy, run_lock
from ingest.store.manifest import load_manifest

SERIAL = IngestConfig(run=RunConfig(workers=1))


def texts(out: Path) -> dict[str, str]:
    table = pq.read_table(out / "documents", columns=["source_path", "text"])
    return dict(zip(*(table.column(c).to_pylist() for c in ("source_path", "text")), strict=True))


def test_a_later_copy_of_a_superseded_text_is_kept(tmp_path: Path) -> None:
    """Run 1 ingests a.txt = T; run 2 changes a.txt to T2; run 3 adds b.txt = T. T must be in the dataset:
    the index entry of a.txt's first version went with its row."""
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    first, second = article(1), article(2)
    (raw / "a.txt").write_text(first)
    run(raw, out, SERIAL)
    text_of_first = texts(out)["a.txt"]
    (raw / "a.txt").write_text(second)
    assert run(raw, out, SERIAL).rows_superseded == 1
    (raw / "b.txt").write_text(first)
    summary = run(raw, out, SERIAL)
    assert summary.rejected_by_reason == {}
    kept = texts(out)
    assert set(kept) == {"a.txt", "b.txt"}
    assert kept["b.txt"] == text_of_first


def test_a_copy_of_a_live_document_is_still_caught_across_runs(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "a.txt").write_text(article(1))
    run(raw, out, SERIAL)
    (raw / "b.txt").write_text(article(1))
    assert run(raw, out, SERIAL).rejected_by_reason == {"exact_duplicate": 1}


@pytest.mark.parametrize(
    ("raw_name", "out_name"),
    [("raw", "raw/clean"), ("clean/documents", "clean"), ("same", "same"), ("raw", "raw/a/b")],
)
def test_raw_and_out_may_not_overlap(tmp_path: Path, raw_name: str, out_name: str) -> None:
    raw, out = tmp_path / raw_name, tmp_path / out_name
    raw.mkdir(parents=True, exist_ok=True)
    (raw / "keep.txt").write_text(article(3))
    with pytest.raises(RunError, match="overlap"):
        run(raw, out, SERIAL)
    assert (raw / "keep.txt").read_text() == article(3)  # never deleted, never ingested


def test_a_lock_file_that_is_a_folder_is_a_one_line_error(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "a.txt").write_text(article(4))
    (out / ".lock").mkdir(parents=True)
    with pytest.raises(RunError, match=r"\.lock is a folder"):
        run(raw, out, SERIAL)


def test_a_read_only_lock_file_still_locks(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "a.txt").write_text(article(5))
    out.mkdir()
    (out / ".lock").write_text("")
    (out / ".lock").chmod(0o444)
    assert run(raw, out, SERIAL).documents_kept == 1


CHILD_HOLDS = r"""
import os, sys, time
from pathlib import Path
from ingest.store.lock import run_lock
with run_lock(Path(sys.argv[1])):
    if os.fork() == 0:            # a worker forked while the lock is held
        os.write(1, b"child\n")   # one write each: the lines cannot interleave; the child's
                                  # after-fork hooks have run by now
        time.sleep(30)
        os._exit(0)
    os.write(1, b"forked\n")
    os._exit(0)                   # the parent dies; its child lives on
"""


def test_a_forked_child_does_not_inherit_the_lock(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD_HOLDS, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    assert sorted(proc.stdout.readline().strip() for _ in range(2)) == ["child", "forked"]
    proc.wait()
    try:
        with run_lock(tmp_path):  # the orphan is still sleeping, and OUT is free
            pass
    except LockBusy as exc:
        raise AssertionError("an orphaned child kept OUT locked") from exc
    finally:
        subprocess.run(["pkill", "-f", "a worker forked while the lock is held"], check=False)


def test_internal_errors_are_retried_by_the_next_run_not_stored_as_done(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "a.txt").write_text(article(6))
    (raw / "b.txt").write_text(article(7))
    env = os.environ.copy()
    os.environ["INGEST_FAULT"] = "never"  # no point of that name: documents are processed normally
    try:
        run(raw, out, SERIAL)
    finally:
        os.environ.clear()
        os.environ.update(env)
    manifest = load_manifest(out)
    assert {m.status for m in manifest.values()} == {"done"}
    # a file recorded for retry is processed again, and its earlier rows are replaced
    state = manifest["a.txt"]
    from dataclasses import replace

    from ingest.store.manifest import manifest_table

    pq.write_table(
        manifest_table([replace(state, status="retry"), manifest["b.txt"]]),
        out / "_state" / "manifest.parquet",
    )
    summary = run(raw, out, SERIAL)
    assert (summary.files_retried, summary.rows_superseded, summary.documents_kept) == (1, 1, 1)
    assert sorted(texts(out)) == ["a.txt", "b.txt"]
    assert load_manifest(out)["a.txt"].attempts == 2


def test_a_run_under_another_config_says_so_and_records_its_hash(tmp_path: Path) -> None:
    from ingest.config import FilterConfig, config_hash

    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "a.txt").write_text(article(8))
    first = run(raw, out, SERIAL)
    assert first.warnings == [] and first.config_hash == config_hash(SERIAL, output_only=True)
    assert load_manifest(out)["a.txt"].config_hash == first.config_hash
    other = IngestConfig(run=RunConfig(workers=1), filter=FilterConfig(min_words=3))
    (raw / "b.txt").write_text(article(9))
    second = run(raw, out, other)
    assert second.config_hash != first.config_hash
    (warning,) = second.warnings
    assert warning.startswith("1 unchanged files were ingested under another config")
    assert "warning: 1 unchanged files" in second.format()
    manifest = load_manifest(out)
    assert (manifest["a.txt"].config_hash, manifest["b.txt"].config_hash) == (
        first.config_hash,
        second.config_hash,
    )
    # back to the first config with two workers: only b.txt differs (the number of workers changes no row)
    (third,) = run(raw, out, IngestConfig(run=RunConfig(workers=2))).warnings
    assert third.startswith("1 unchanged files")
