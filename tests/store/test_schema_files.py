"""What the part files say about themselves (schema version, column descriptions), their row groups, the
columns a run fills in (`run_id`, `host`, `published`), and parts of an older schema upgraded on carry-over.
Read back with pyarrow, DuckDB and polars."""

from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
from store.test_write import NOW, docs, write_run

from ingest.dedup.keys import assign_ids
from ingest.document import Document
from ingest.store import write
from ingest.store.migrate import part_schema_version
from ingest.store.schema import DOCUMENTS_SCHEMA, REJECTED_SCHEMA, SCHEMA_VERSION, SPILL_SCHEMA
from ingest.store.write import prepare_staging, route_spill, spill_documents


def parts(out: Path, kind: str = "documents") -> list[Path]:
    return sorted((out / kind).glob("*.parquet"))


def test_every_column_has_a_description() -> None:
    for schema in (DOCUMENTS_SCHEMA, REJECTED_SCHEMA, SPILL_SCHEMA):
        for field in schema:
            assert field.metadata and field.metadata[b"description"].strip(), field.name


def test_parts_carry_the_schema_version_and_descriptions(tmp_path: Path) -> None:
    write_run(docs(6), tmp_path, "r1")
    for kind, schema in (("documents", DOCUMENTS_SCHEMA), ("rejected", REJECTED_SCHEMA)):
        (part,) = parts(tmp_path, kind)
        metadata = pq.ParquetFile(part).metadata.metadata
        assert metadata[b"ingest.schema_version"] == SCHEMA_VERSION.encode()
        assert metadata[b"ingest.table"] == kind.encode()
        read = pq.read_schema(part)
        assert read.names == schema.names
        for field in schema:
            assert read.field(field.name).metadata[b"description"] == field.metadata[b"description"]


def test_rows_of_many_small_batches_go_into_one_large_row_group(tmp_path: Path) -> None:
    staging = prepare_staging(tmp_path, "r1")
    rows = docs(900)
    for batch in range(10):  # ten batches of 90 files, as the workers spill them
        spill_documents(rows[batch * 90 : (batch + 1) * 90], staging, NOW, batch)
    route_spill(staging, None, rows_per_file=100_000, run_id="r1")
    part = pq.ParquetFile(staging / "documents" / "part-r1-00000.parquet")
    assert part.metadata.num_rows == 600 and part.metadata.num_row_groups == 1


def test_row_groups_stop_at_the_row_limit_and_parts_at_rows_per_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(write, "ROW_GROUP_ROWS", 100)
    staging = prepare_staging(tmp_path, "r1")
    spill_documents(docs(900), staging, NOW)
    route_spill(staging, None, rows_per_file=250, run_id="r1")
    files = sorted((staging / "documents").glob("*.parquet"))
    groups = [[pq.ParquetFile(f).metadata.row_group(i).num_rows for i in range(3)] for f in files[:2]]
    assert groups == [[100, 100, 50], [100, 100, 50]]
    assert sum(pq.ParquetFile(f).metadata.num_rows for f in files) == 600


def dated(prefix: str, n: int) -> list[Document]:
    out = []
    for i in range(n):
        doc = Document(
            source_path=f"{prefix}{i}.txt",
            text=f"Text number {i} of {prefix}.",
            n_words=4,
            url=f"https://WWW.Site{i}.example:8443/story/{i}" if i else None,
            published="March 3, 2025 9:14 am" if i % 2 else "2024-12-31",
        )
        out.append(assign_ids(doc))
    return out


def test_run_id_host_and_published_are_filled_in(tmp_path: Path) -> None:
    write_run(dated("a", 3), tmp_path, "r1")
    rows = pq.read_table(tmp_path / "documents").to_pylist()
    assert [r["run_id"] for r in rows] == ["r1"] * 3
    assert [r["host"] for r in rows] == [None, "site1.example", "site2.example"]
    assert [r["published"] for r in rows] == [date(2024, 12, 31), date(2025, 3, 3), date(2024, 12, 31)]
    assert pq.read_schema(parts(tmp_path)[0]).field("published").type == pa.date32()


def test_rows_carried_over_keep_the_run_that_wrote_them(tmp_path: Path) -> None:
    write_run(dated("a", 3), tmp_path, "r1")
    write_run(dated("b", 2), tmp_path, "r2", superseded=frozenset({"a1.txt"}))
    names = [p.name for p in parts(tmp_path)]
    assert names == ["part-r1-00000-r2.parquet", "part-r2-00000.parquet"]  # r1's part rewritten by r2
    rows = pq.read_table(tmp_path / "documents").to_pylist()
    assert {r["source_path"]: r["run_id"] for r in rows} == {
        "a0.txt": "r1",
        "a2.txt": "r1",
        "b0.txt": "r2",
        "b1.txt": "r2",
    }


def downgrade_to_version_1(out: Path) -> None:
    """Rewrite every part as ingest wrote them before schema version 2: no host, run_id or
    duplicate_method, `published` the string the source gave, `duplicate_count`, no metadata."""
    for kind in ("documents", "rejected"):
        for part in parts(out, kind):
            table = pq.read_table(part).replace_schema_metadata(None)
            table = table.drop_columns(
                [c for c in ("host", "run_id", "duplicate_method") if c in table.schema.names]
            )
            raw = ["March 3, 2025 9:14 am" if p else None for p in table.column("published").to_pylist()]
            table = table.set_column(
                table.schema.get_field_index("published"), "published", pa.array(raw, pa.string())
            )
            if "duplicates_in_run" in table.schema.names:
                table = table.rename_columns(
                    ["duplicate_count" if n == "duplicates_in_run" else n for n in table.schema.names]
                )
            table = pa.Table.from_arrays(table.columns, names=table.schema.names)  # no field metadata
            part.unlink()
            pq.write_table(table, part, compression="zstd")
            assert part_schema_version(part) == "1"


def test_parts_of_an_older_schema_are_upgraded_by_the_next_run(tmp_path: Path) -> None:
    write_run(dated("a", 3), tmp_path, "r1")
    downgrade_to_version_1(tmp_path)
    write_run(dated("b", 2), tmp_path, "r2")
    for kind in ("documents", "rejected"):
        for part in parts(tmp_path, kind):
            assert part_schema_version(part) == SCHEMA_VERSION, part.name
            assert (
                pq.read_schema(part).names
                == (DOCUMENTS_SCHEMA if kind == "documents" else REJECTED_SCHEMA).names
            )
    rows = ds.dataset(tmp_path / "documents").to_table().sort_by("source_path").to_pylist()
    assert [(r["source_path"], r["run_id"], r["host"]) for r in rows] == [
        ("a0.txt", "r1", None),
        ("a1.txt", "r1", "site1.example"),
        ("a2.txt", "r1", "site2.example"),
        ("b0.txt", "r2", None),
        ("b1.txt", "r2", "site1.example"),
    ]
    assert [r["published"] for r in rows][:3] == [date(2025, 3, 3)] * 3
    assert [r["duplicates_in_run"] for r in rows] == [0] * 5
    glob = str(tmp_path / "documents" / "*.parquet")
    assert duckdb.sql(f"SELECT count(DISTINCT run_id) FROM read_parquet('{glob}')").fetchall() == [(2,)]
    assert pl.scan_parquet(tmp_path / "documents").select(pl.col("host").n_unique()).collect().item() == 3
