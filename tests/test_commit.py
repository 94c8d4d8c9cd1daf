"""The commit protocol under crashes: an unsealed run is discarded, a sealed one is finished by recovery."""

from pathlib import Path

import pyarrow.parquet as pq
from test_write import NOW, docs, sources, write_run

from ingest.commit import RUN_MARKER, apply, carry_over, recover, seal, staging_dir
from ingest.state import FileState, load_manifest
from ingest.write import move_into_place, prepare_staging, route_spill, spill_documents


def stage(out: Path, run_id: str, rows) -> Path:
    staging = prepare_staging(out, run_id)
    spill_documents(rows, staging, NOW)
    route_spill(staging, None, 1000, run_id)
    carry_over(out, staging, set())
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


def test_recovery_after_the_first_swap_does_not_swap_back(tmp_path: Path) -> None:
    write_run(docs(3, "a"), tmp_path, "r1")
    staging = stage(tmp_path, "r2", docs(3, "b"))
    seal(staging, "r2", {"run_id": "r2"}, [])
    move_into_place(
        staging / "documents", tmp_path / "documents", staging / "previous-documents"
    )  # then killed
    assert (tmp_path / "documents" / RUN_MARKER).read_text() == "r2"
    recover(tmp_path)
    assert sources(tmp_path) == ["a0.txt", "a1.txt", "b0.txt", "b1.txt"]
    assert sources(tmp_path, "rejected") == ["a2.txt", "b2.txt"]


def test_apply_twice_is_harmless(tmp_path: Path) -> None:
    staging = stage(tmp_path, "r1", docs(3, "a"))
    seal(staging, "r1", {"run_id": "r1"}, [])
    apply(staging, tmp_path)
    assert recover(tmp_path) == []
    assert pq.read_table(tmp_path / "documents").num_rows == 2


def test_readers_ignore_the_marker_file(tmp_path: Path) -> None:
    import duckdb

    write_run(docs(3, "a"), tmp_path, "r1")
    assert (tmp_path / "documents" / RUN_MARKER).exists()
    assert pq.read_table(tmp_path / "documents").num_rows == 2
    n = (
        duckdb.connect()
        .execute(f"SELECT count(*) FROM read_parquet('{tmp_path}/documents/*.parquet')")
        .fetchone()[0]
    )
    assert n == 2
