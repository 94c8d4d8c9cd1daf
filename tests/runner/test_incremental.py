"""Incremental runs: finished work is never redone, new files are processed alone, changed files replace
their earlier rows."""

import os
import shutil
from pathlib import Path

import pyarrow.parquet as pq
from conftest import SEED_NAMES, SEEDS_RAW

from ingest.config import IngestConfig, RunConfig
from ingest.runner.pipeline import run

SERIAL = IngestConfig(run=RunConfig(workers=1))


def snapshot(out: Path) -> dict[str, float]:
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


def test_rerun_with_nothing_new_writes_nothing(seeds_raw: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run(seeds_raw, out, SERIAL)
    assert first.committed and first.files_new == 5
    before = snapshot(out)
    again = run(seeds_raw, out, SERIAL)
    assert not again.committed
    assert (again.files_read, again.files_unchanged) == (0, 5)
    assert "nothing to do" in again.format()
    after = snapshot(out)
    after.pop(".lock", None), before.pop(".lock", None)
    assert after == before


def test_new_file_is_processed_alone(seeds_raw: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (seeds_raw / SEED_NAMES[4]).rename(tmp_path / "held-back.txt")
    run(seeds_raw, out, SERIAL)
    (seeds_raw / "later").mkdir()
    shutil.move(tmp_path / "held-back.txt", seeds_raw / "later" / "new.txt")
    summary = run(seeds_raw, out, SERIAL)
    assert (summary.files_read, summary.files_new, summary.files_unchanged) == (1, 1, 4)
    table = pq.read_table(out / "documents")
    assert sorted(table.column("source_path").to_pylist()) == sorted([*SEED_NAMES[:4], "later/new.txt"])
    assert len(list((out / "_runs").glob("*.json"))) == 2


def test_changed_file_supersedes_its_old_rows(seeds_raw: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(seeds_raw, out, SERIAL)
    target = seeds_raw / SEED_NAMES[1]
    old_text = {r["source_path"]: r["text"] for r in pq.read_table(out / "documents").to_pylist()}[
        SEED_NAMES[1]
    ]
    text = target.read_text(encoding="utf-8")
    first_break = text.index("\n\n", text.index("President Donald Trump"))
    added = "\n\nOfficials said on Saturday that further talks with Mexico would take place next week."
    target.write_text(text[:first_break] + added + text[first_break:], encoding="utf-8")
    summary = run(seeds_raw, out, SERIAL)
    assert (summary.files_changed, summary.rows_superseded, summary.files_read) == (1, 1, 1)
    rows = [r for r in pq.read_table(out / "documents").to_pylist() if r["source_path"] == SEED_NAMES[1]]
    assert len(rows) == 1
    assert rows[0]["text"] != old_text
    assert "further talks with Mexico" in rows[0]["text"]
    assert pq.read_table(out / "documents").num_rows == 5


def test_missing_file_keeps_its_rows(seeds_raw: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(seeds_raw, out, SERIAL)
    (seeds_raw / SEED_NAMES[0]).unlink()
    (seeds_raw / "extra.txt").write_bytes(
        (SEEDS_RAW / SEED_NAMES[0]).read_bytes()[:400] + b" Extra line here."
    )
    summary = run(seeds_raw, out, SERIAL)
    assert summary.files_missing == 1
    assert SEED_NAMES[0] in pq.read_table(out / "documents").column("source_path").to_pylist()


def test_unreadable_file_is_retried_by_the_next_run(seeds_raw: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    locked = seeds_raw / SEED_NAMES[3]
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):  # root reads anything: make the file a dangling link instead
            locked.chmod(0o644)
            saved = tmp_path / "saved.txt"
            shutil.move(locked, saved)
            locked.symlink_to(tmp_path / "not-there-yet.txt")
            first = run(seeds_raw, out, SERIAL)
            locked.unlink()
            shutil.move(saved, locked)
        else:
            first = run(seeds_raw, out, SERIAL)
            locked.chmod(0o644)
    finally:
        if locked.exists():
            locked.chmod(0o644)
    assert first.rejected_by_reason == {"unreadable": 1}
    second = run(seeds_raw, out, SERIAL)
    assert (second.files_retried, second.rows_superseded, second.documents_kept) == (1, 1, 1)
    assert pq.read_table(out / "rejected").num_rows == 0
    assert pq.read_table(out / "documents").num_rows == 5
