"""`--reprocess` redoes ingested files on purpose; `--dry-run`'s preview changes nothing."""

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from samples import article

from ingest.config import IngestConfig, RunConfig
from ingest.runner.pipeline import RunError, run
from ingest.runner.plan import preview

SERIAL = IngestConfig(run=RunConfig(workers=1))


def make_raw(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(article(1))
    (raw / "b.txt").write_text(article(1))  # an exact copy: rejected
    (raw / "c.txt").write_text("")  # empty: rejected
    return raw


def test_reprocess_all_redoes_every_file_and_keeps_one_row_each(tmp_path: Path) -> None:
    raw, out = make_raw(tmp_path), tmp_path / "out"
    first = run(raw, out, SERIAL)
    again = run(raw, out, SERIAL, reprocess="all")
    assert (again.files_read, again.rows_superseded) == (3, 3)
    assert again.documents_kept == first.documents_kept == 1
    sources = sorted(pq.read_table(out / "rejected").column("source_path").to_pylist())
    assert sources == ["b.txt", "c.txt"]


def test_reprocess_rejected_redoes_only_files_with_a_rejected_row(tmp_path: Path) -> None:
    raw, out = make_raw(tmp_path), tmp_path / "out"
    run(raw, out, SERIAL)
    again = run(raw, out, SERIAL, reprocess="rejected")
    assert (again.files_read, again.files_unchanged) == (2, 1)
    assert run(raw, out, SERIAL, reprocess="internal_error").committed is False  # none failed


def test_an_unknown_reprocess_mode_is_an_error(tmp_path: Path) -> None:
    raw, out = make_raw(tmp_path), tmp_path / "out"
    run(raw, out, SERIAL)
    with pytest.raises(RunError, match="expected one of all, rejected, internal_error"):
        run(raw, out, SERIAL, reprocess="everything")


def test_preview_lists_new_changed_and_missing_without_writing(tmp_path: Path) -> None:
    raw, out = make_raw(tmp_path), tmp_path / "out"
    run(raw, out, SERIAL)
    (raw / "a.txt").write_text(article(2))
    (raw / "d.txt").write_text(article(3))
    (raw / "c.txt").unlink()
    before = sorted(p.name for p in out.iterdir())
    plan = preview(raw, out, SERIAL)
    assert [p.name for p in plan.new] == ["d.txt"]
    assert [p.name for p in plan.changed] == ["a.txt"]
    assert plan.missing == ["c.txt"] and plan.unchanged == ["b.txt"]
    assert sorted(p.name for p in out.iterdir()) == before
