from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ingest.dedup import assign_ids
from ingest.records import Document, Removal
from ingest.write import DOCUMENTS_SCHEMA, REJECTED_SCHEMA, write_dataset

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def docs(n: int, prefix: str = "d") -> list[Document]:
    out = []
    for i in range(n):
        doc = assign_ids(
            Document(
                source_path=f"{prefix}{i}.txt",
                text=f"Text number {i}.",
                n_words=3,
                removed=[Removal("Subscribe now", "newsletter_prompt")],
            )
        )
        if i % 3 == 2:
            doc.reject("too_short", "test")
        out.append(doc)
    return out


def read_dir(folder: Path):
    return pq.read_table(folder)


def test_rows_land_in_documents_and_rejected(tmp_path: Path) -> None:
    result = write_dataset(docs(6), tmp_path, "r1", NOW, rows_per_file=1000)
    assert (result.kept, result.rejected) == (4, 2)
    kept, rejected = read_dir(tmp_path / "documents"), read_dir(tmp_path / "rejected")
    assert kept.schema.equals(DOCUMENTS_SCHEMA, check_metadata=False)
    assert rejected.schema.equals(REJECTED_SCHEMA, check_metadata=False)
    assert kept.column("source_path").to_pylist() == ["d0.txt", "d1.txt", "d3.txt", "d4.txt"]
    assert rejected.column("reason").to_pylist() == ["too_short", "too_short"]
    assert kept.column("removed").to_pylist()[0] == [{"text": "Subscribe now", "rule": "newsletter_prompt"}]
    assert kept.column("ingested_at").to_pylist()[0] == NOW
    assert (
        pq.read_metadata(next((tmp_path / "documents").glob("*.parquet"))).row_group(0).column(0).compression
        == "ZSTD"
    )


def test_parts_roll_over(tmp_path: Path) -> None:
    write_dataset(docs(10), tmp_path, "r1", NOW, rows_per_file=3)
    parts = sorted(p.name for p in (tmp_path / "documents").glob("*.parquet"))
    assert parts == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    assert read_dir(tmp_path / "documents").num_rows == 7


def test_empty_run_writes_readable_empty_dataset(tmp_path: Path) -> None:
    write_dataset([], tmp_path, "r1", NOW, rows_per_file=10)
    assert read_dir(tmp_path / "documents").num_rows == 0
    assert read_dir(tmp_path / "rejected").num_rows == 0


def test_failed_run_leaves_previous_dataset_intact(tmp_path: Path) -> None:
    write_dataset(docs(4, "old"), tmp_path, "r1", NOW, rows_per_file=1)

    def dying():
        yield from docs(5, "new")
        raise RuntimeError("killed half way")

    with pytest.raises(RuntimeError):
        write_dataset(dying(), tmp_path, "r2", NOW, rows_per_file=1)
    kept = read_dir(tmp_path / "documents").column("source_path").to_pylist()
    assert sorted(kept) == ["old0.txt", "old1.txt", "old3.txt"]
    assert not list(tmp_path.glob(".staging-*"))


def test_leftover_staging_of_a_killed_run_is_removed(tmp_path: Path) -> None:
    (tmp_path / ".staging-dead" / "documents").mkdir(parents=True)
    write_dataset(docs(2), tmp_path, "r2", NOW, rows_per_file=10)
    assert not (tmp_path / ".staging-dead").exists()


def test_rerun_replaces_not_appends(tmp_path: Path) -> None:
    write_dataset(docs(6, "a"), tmp_path, "r1", NOW, rows_per_file=2)
    write_dataset(docs(2, "b"), tmp_path, "r2", NOW, rows_per_file=2)
    assert read_dir(tmp_path / "documents").column("source_path").to_pylist() == ["b0.txt", "b1.txt"]


def test_spilled_rows_route_with_duplicate_columns(tmp_path: Path) -> None:
    from ingest.write import commit_staging, prepare_staging, route_spill, spill_documents

    staging = prepare_staging(tmp_path, "r1")
    assert spill_documents(docs(6), staging, NOW) == 6
    result = route_spill(staging, None, rows_per_file=4)
    commit_staging(staging, tmp_path)
    assert (result.kept, result.rejected) == (4, 2)
    kept, rejected = read_dir(tmp_path / "documents"), read_dir(tmp_path / "rejected")
    assert kept.schema.equals(DOCUMENTS_SCHEMA, check_metadata=False)
    assert rejected.schema.equals(REJECTED_SCHEMA, check_metadata=False)
    assert kept.column("duplicate_count").to_pylist() == [0, 0, 0, 0]
    assert "duplicate_count" not in rejected.column_names
    assert rejected.column("similarity").to_pylist() == [None, None]
    assert kept.column("source_path").to_pylist() == ["d0.txt", "d1.txt", "d3.txt", "d4.txt"]
    assert not list(tmp_path.glob(".staging-*"))
