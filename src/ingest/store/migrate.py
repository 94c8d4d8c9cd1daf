"""Parts written under an older schema, upgraded to the current one when a run carries them over.

Readers of a folder want one schema: polars and Spark refuse (or silently drop columns of) parts whose
columns differ, DuckDB needs `union_by_name`, and pyarrow.dataset takes the first file's schema. So the
dataset never mixes schema versions: the first committed run after an upgrade of `ingest` rewrites every
older part under a new name (`commit.carry_over`, the usual rule that a part's content never changes under
its name), and the version it commits is uniform again. Until that run commits, readers see the old
version, uniform too.

What an older part lacks is derived as a fresh run would: `host` from `url`, `published` parsed from the
stored string (an unparseable value becomes null; the date line it came from is still in `removed`),
`run_id` from the part's name (the run that wrote its rows), `duplicate_method` `exact` for exact
duplicates (the method of an older near duplicate is not recorded and stays null), and `duplicate_count`
becomes `duplicates_in_run` (what it always counted).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ingest.store.derived import host_of, published_date
from ingest.store.schema import SCHEMA_VERSION, SCHEMA_VERSION_KEY


def part_schema_version(part: Path) -> str:
    """The `ingest.schema_version` a part file was written with ("1" for parts that predate the key)."""
    metadata = pq.read_schema(part).metadata or {}
    return metadata.get(SCHEMA_VERSION_KEY, b"1").decode()


def is_current(part: Path) -> bool:
    return part_schema_version(part) == SCHEMA_VERSION


def upgrade(table: pa.Table, schema: pa.Schema, run_id: str) -> pa.Table:
    """`table` (a part of an older schema, written by run `run_id`) in `schema`: missing columns derived
    as the module docstring says, the rest cast."""
    n = table.num_rows
    columns = {name: table.column(name) for name in table.column_names}
    if "duplicate_count" in columns and "duplicates_in_run" not in columns:
        columns["duplicates_in_run"] = columns.pop("duplicate_count")
    if "host" not in columns:
        columns["host"] = pa.array([host_of(u) for u in columns["url"].to_pylist()], pa.string())
    published = columns.get("published")
    if published is not None and not pa.types.is_date32(published.type):
        columns["published"] = pa.array([published_date(v) for v in published.to_pylist()], pa.date32())
    if "run_id" not in columns:
        columns["run_id"] = pa.array([run_id] * n, pa.string())
    if "duplicate_method" in schema.names and "duplicate_method" not in columns:
        reasons = columns["reason"].to_pylist()
        columns["duplicate_method"] = pa.array(
            ["exact" if r == "exact_duplicate" else None for r in reasons], pa.string()
        )
    arrays = [columns[f.name] if f.name in columns else pa.nulls(n, f.type).cast(f.type) for f in schema]
    return pa.Table.from_arrays([a.cast(f.type) for a, f in zip(arrays, schema, strict=True)], schema=schema)
