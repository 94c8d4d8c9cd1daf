"""Writing a run's rows into staging and committing them (write.py with commit.py), read back with pyarrow."""

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ingest.dedup.keys import assign_ids
from ingest.document import Document, Removal
from ingest.store.commit import apply, carry_over, seal
from ingest.store.schema import DOCUMENTS_SCHEMA, REJECTED_SCHEMA
from ingest.store.write import prepare_staging, route_spill, spill_documents

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def docs(n: int, prefix: str = "d") -> list[Document]:
    out = []
    for i in range(n):
        doc = assign_ids(
            Document(
                source_path=f"{prefix}{i}.txt",
                text=f"Text number {i} of {prefix}.",
                n_words=3,
                removed=[Removal("Subscribe now", "newsletter_prompt")],
            )
        )
        if i % 3 == 2:
            doc.reject("too_short", "test")
        out.append(doc)
    return out


def write_run(
    rows: Iterable[Document],
    out: Path,
    run_id: str,
    rows_per_file: int = 1000,
    superseded: frozenset = frozenset(),
):
    """What commit_run does, without duplicate decisions: stage, carry over, seal, apply."""
    staging = prepare_staging(out, run_id)
    spill_documents(rows, staging, NOW)
    result = route_spill(staging, None, rows_per_file, run_id)
    carry_over(out, staging, set(superseded), None, run_id)
    seal(staging, run_id, {"run_id": run_id}, [])
    apply(staging, out)
    return result


def sources(out: Path, kind: str = "documents") -> list[str]:
    return sorted(pq.read_table(out / kind).column("source_path").to_pylist())


def test_rows_land_in_documents_and_rejected(tmp_path: Path) -> None:
    result = write_run(docs(6), tmp_path, "r1")
    assert (result.kept, result.rejected) == (4, 2)
    kept, rejected = pq.read_table(tmp_path / "documents"), pq.read_table(tmp_path / "rejected")
    assert kept.schema.equals(DOCUMENTS_SCHEMA, check_metadata=False)
    assert rejected.schema.equals(REJECTED_SCHEMA, check_metadata=False)
    assert kept.column("source_path").to_pylist() == ["d0.txt", "d1.txt", "d3.txt", "d4.txt"]
    assert rejected.column("reason").to_pylist() == ["too_short", "too_short"]
    assert kept.column("removed").to_pylist()[0] == [{"text": "Subscribe now", "rule": "newsletter_prompt"}]
    assert kept.column("ingested_at").to_pylist()[0] == NOW
    assert kept.column("duplicates_in_run").to_pylist() == [0, 0, 0, 0]
    assert rejected.column("similarity").to_pylist() == [None, None]
    part = next((tmp_path / "documents").glob("*.parquet"))
    assert part.name == "part-r1-00000.parquet"
    assert pq.read_metadata(part).row_group(0).column(0).compression == "ZSTD"
    assert not list(tmp_path.glob(".staging-*"))


def test_parts_roll_over(tmp_path: Path) -> None:
    write_run(docs(10), tmp_path, "r1", rows_per_file=3)
    parts = sorted(p.name for p in (tmp_path / "documents").glob("*.parquet"))
    assert parts == ["part-r1-00000.parquet", "part-r1-00001.parquet", "part-r1-00002.parquet"]
    assert pq.read_table(tmp_path / "documents").num_rows == 7


def test_empty_run_writes_readable_empty_dataset(tmp_path: Path) -> None:
    write_run([], tmp_path, "r1")
    assert pq.read_table(tmp_path / "documents").num_rows == 0
    assert pq.read_table(tmp_path / "rejected").num_rows == 0


def test_runs_append_and_supersede(tmp_path: Path) -> None:
    write_run(docs(3, "a"), tmp_path, "r1")
    write_run(docs(2, "b"), tmp_path, "r2")
    assert sources(tmp_path) == ["a0.txt", "a1.txt", "b0.txt", "b1.txt"]
    assert sources(tmp_path, "rejected") == ["a2.txt"]
    changed = [assign_ids(Document(source_path="a1.txt", text="A new version.", n_words=3))]
    write_run(changed, tmp_path, "r3", superseded=frozenset({"a1.txt", "a2.txt"}))
    table = pq.read_table(tmp_path / "documents")
    assert sorted(table.column("source_path").to_pylist()) == ["a0.txt", "a1.txt", "b0.txt", "b1.txt"]
    assert "A new version." in table.column("text").to_pylist()
    assert sources(tmp_path, "rejected") == []


def test_failed_run_leaves_previous_dataset_intact(tmp_path: Path) -> None:
    write_run(docs(4, "old"), tmp_path, "r1", rows_per_file=1)

    def dying():
        yield from docs(5, "new")
        raise RuntimeError("killed half way")

    with pytest.raises(RuntimeError):
        write_run(dying(), tmp_path, "r2", rows_per_file=1)
    assert sources(tmp_path) == ["old0.txt", "old1.txt", "old3.txt"]
