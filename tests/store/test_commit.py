"""The commit protocol under crashes: an unsealed run is discarded, a sealed one is finished by recovery,
and readers only ever see whole committed versions."""

import os
from pathlib import Path

import pyarrow.parquet as pq
from test_write import NOW, docs, sources, write_run

from ingest.store.commit import (
    CURRENT,
    READY,
    SUMMARY,
    VERSIONS,
    apply,
    carry_over,
    recover,
    seal,
    staging_dir,
)
from ingest.store.manifest import FileState, load_manifest
from ingest.store.write import prepare_staging, route_spill, spill_documents


def stage(out: Path, run_id: str, rows, superseded: frozenset = frozenset()) -> Path:
    staging = prepare_staging(out, run_id)
    spill_documents(rows, staging, NOW)
    route_spill(staging, None, 1000, run_id)
    carry_over(out, staging, set(superseded), None, run_id)
    return staging


def test_unsealed_staging_is_discarded(tmp_path: Path) -> None:
    write_run(docs(3, "a"), tmp_path, "r1")
    stage(tmp_path, "r2", docs(3, "b"))  # the run died before sealing
    assert recover(tmp_path) == []
    assert not staging_dir(tmp_path, "r2").exists()
    assert sources(tmp_path) == ["a0.txt", "a1.txt"]


def test_sealed_run_is_finished_by_recovery(tmp_path: Path) -> None:
    write_run(docs(3, "a"), tmp_path, "r1")
    staging = stage(tmp_path, "r2", docs(3, "b"))
    seal(staging, "r2", {"run_id": "r2", "note": "from staging"}, [FileState("b0.txt", 1, 2, "h", "r2")])
    assert recover(tmp_path) == ["r2"]
    assert sources(tmp_path) == ["a0.txt", "a1.txt", "b0.txt", "b1.txt"]
    assert (tmp_path / "_runs" / "r2.json").read_text().count("from staging") == 1
    assert list(load_manifest(tmp_path)) == ["b0.txt"]
    assert not staging_dir(tmp_path, "r2").exists()


def test_recovery_after_the_data_moved_finishes_the_switch(tmp_path: Path) -> None:
    write_run(docs(3, "a"), tmp_path, "r1")
    staging = stage(tmp_path, "r2", docs(3, "b"))
    seal(staging, "r2", {"run_id": "r2"}, [])
    version = tmp_path / VERSIONS / "r2"
    version.mkdir()
    os.rename(staging / "documents", version / "documents")  # step 1 half done, then killed
    assert sources(tmp_path) == ["a0.txt", "a1.txt"]  # readers still see r1, whole
    assert sources(tmp_path, "rejected") == ["a2.txt"]
    recover(tmp_path)
    assert sources(tmp_path) == ["a0.txt", "a1.txt", "b0.txt", "b1.txt"]
    assert sources(tmp_path, "rejected") == ["a2.txt", "b2.txt"]


def test_apply_twice_is_harmless(tmp_path: Path) -> None:
    staging = stage(tmp_path, "r1", docs(3, "a"))
    seal(staging, "r1", {"run_id": "r1"}, [])
    apply(staging, tmp_path)
    assert recover(tmp_path) == []
    assert pq.read_table(tmp_path / "documents").num_rows == 2


def test_ready_left_without_its_summary_does_not_block_later_runs(tmp_path: Path) -> None:
    """A deletion cut off in directory order (an older version's rmtree) could leave READY without
    summary.json: recovery removes such a folder instead of failing on it forever."""
    write_run(docs(3, "a"), tmp_path, "r1")
    staging = stage(tmp_path, "r2", docs(3, "b"))
    seal(staging, "r2", {"run_id": "r2"}, [])
    apply(staging, tmp_path)
    leftover = staging_dir(tmp_path, "r2")
    leftover.mkdir()
    (leftover / READY).write_text('{"run_id": "r2"}')
    assert not (leftover / SUMMARY).exists()
    assert recover(tmp_path) == []
    assert not leftover.exists()
    write_run(docs(2, "c"), tmp_path, "r3")
    assert sources(tmp_path) == ["a0.txt", "a1.txt", "b0.txt", "b1.txt", "c0.txt", "c1.txt"]


def test_dataset_folders_hold_parquet_files_only(tmp_path: Path) -> None:
    import duckdb
    import polars as pl

    write_run(docs(3, "a"), tmp_path, "r1")
    write_run(docs(3, "b"), tmp_path, "r2")
    for kind in ("documents", "rejected"):
        names = os.listdir(tmp_path / kind)
        assert names and all(n.endswith(".parquet") for n in names), names
    assert (tmp_path / "documents").is_symlink()
    assert os.readlink(tmp_path / CURRENT) == f"{VERSIONS}/r2"
    assert pq.read_table(tmp_path / "documents").num_rows == 4
    assert pl.read_parquet(tmp_path / "documents").height == 4
    assert pl.scan_parquet(tmp_path / "rejected").collect().height == 2
    sql = f"SELECT count(*) FROM read_parquet('{tmp_path}/documents/*.parquet')"
    assert duckdb.connect().execute(sql).fetchone()[0] == 4


def test_a_part_losing_rows_is_written_under_a_new_name(tmp_path: Path) -> None:
    write_run(docs(3, "a"), tmp_path, "r1")
    before = {n: (tmp_path / "documents" / n).stat().st_ino for n in os.listdir(tmp_path / "documents")}
    write_run(docs(3, "b"), tmp_path, "r2", superseded=frozenset({"a0.txt"}))
    after = set(os.listdir(tmp_path / "documents"))
    assert not set(before) & after  # the r1 part changed content, so it changed name
    assert "part-r1-00000-r2.parquet" in after
    assert sources(tmp_path) == ["a1.txt", "b0.txt", "b1.txt"]
    assert pq.read_table(tmp_path / "documents" / "part-r1-00000-r2.parquet").num_rows == 1


def test_only_the_current_and_the_previous_versions_are_kept(tmp_path: Path) -> None:
    for i in range(4):
        write_run(docs(2, f"x{i}"), tmp_path, f"r{i}")
    assert sorted(os.listdir(tmp_path / VERSIONS)) == ["r2", "r3"]
    assert sources(tmp_path) == [f"x{i}{j}.txt" for i in range(4) for j in range(2)]


def test_an_older_layout_with_real_folders_is_taken_over(tmp_path: Path) -> None:
    write_run(docs(3, "a"), tmp_path, "r1")
    for kind in ("documents", "rejected"):  # make it look like the layout of folders swapped in place
        link = tmp_path / kind
        real = Path(os.path.realpath(link))
        link.unlink()
        os.rename(real, link)
        (link / "_run_id").write_text("r1")
    (tmp_path / CURRENT).unlink()
    write_run(docs(3, "b"), tmp_path, "r2")
    assert (tmp_path / "documents").is_symlink()
    assert sources(tmp_path) == ["a0.txt", "a1.txt", "b0.txt", "b1.txt"]
    assert sources(tmp_path, "rejected") == ["a2.txt", "b2.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".") and p.name != ".lock"]
