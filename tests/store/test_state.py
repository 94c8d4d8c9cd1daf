import os
from pathlib import Path

from ingest.runner.plan import compare_files as plan_run
from ingest.store.manifest import MANIFEST, FileState, load_manifest, write_manifest


def make(raw: Path, rel: str, text: str, mtime: int | None = None) -> Path:
    path = raw / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if mtime is not None:
        os.utime(path, ns=(mtime, mtime))
    return path


def commit(raw: Path, out: Path, run_id: str) -> None:
    plan = plan_run(sorted(raw.rglob("*.txt")), raw, load_manifest(out), run_id)
    write_manifest(out / MANIFEST, plan.states.values())


def test_first_run_processes_everything(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    paths = [make(raw, "a.txt", "A"), make(raw, "sub/b.txt", "B")]
    plan = plan_run(paths, raw, {}, "r1")
    assert plan.to_process == paths
    assert plan.unchanged == plan.missing == plan.superseded == []
    assert {s.run_id for s in plan.states.values()} == {"r1"}


def test_rerun_with_nothing_new_does_nothing(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    make(raw, "a.txt", "A")
    commit(raw, out, "r1")
    plan = plan_run(sorted(raw.rglob("*.txt")), raw, load_manifest(out), "r2")
    assert plan.to_process == []
    assert plan.unchanged == ["a.txt"]


def test_new_changed_touched_and_missing(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    make(raw, "keep.txt", "same", mtime=1_000_000_000)
    make(raw, "touch.txt", "same bytes", mtime=1_000_000_000)
    make(raw, "edit.txt", "old text", mtime=1_000_000_000)
    make(raw, "gone.txt", "bye")
    commit(raw, out, "r1")
    (raw / "gone.txt").unlink()
    make(raw, "touch.txt", "same bytes", mtime=2_000_000_000)
    make(raw, "edit.txt", "longer new text", mtime=1_000_000_000)  # same mtime, other size: changed
    make(raw, "new.txt", "fresh")
    plan = plan_run(sorted(raw.rglob("*.txt")), raw, load_manifest(out), "r2")
    assert [p.name for p in plan.new] == ["new.txt"]
    assert [p.name for p in plan.changed] == ["edit.txt"]
    assert plan.superseded == ["edit.txt"]
    assert sorted(plan.unchanged) == ["keep.txt", "touch.txt"]
    assert plan.missing == ["gone.txt"]
    assert plan.states["touch.txt"].run_id == "r1"
    assert plan.states["touch.txt"].mtime_ns == 2_000_000_000
    assert plan.states["edit.txt"].run_id == "r2"
    assert plan.states["gone.txt"].run_id == "r1"


def test_manifest_round_trip(tmp_path: Path) -> None:
    states = [FileState("b.txt", 2, 3, "h2", "r1"), FileState("a.txt", 1, 2, "h1", "r1")]
    write_manifest(tmp_path / MANIFEST, states)
    assert load_manifest(tmp_path) == {s.source_path: s for s in states}
