"""The public API: `from ingest import run, Config, load_config, Document`, imported lazily."""

import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq


def test_import_ingest_loads_nothing_heavy() -> None:
    code = "import sys, ingest; print(sorted(m for m in sys.modules if m.startswith(('ingest.', 'pyarrow'))))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_run_from_the_public_names(seeds_raw: Path, tmp_path: Path) -> None:
    from ingest import Config, Document, RunSummary, load_config, run

    assert load_config(None) == Config()
    assert Document(source_path="a.txt").rejected is False
    summary = run(seeds_raw, tmp_path / "out", Config())
    assert isinstance(summary, RunSummary) and summary.documents_kept == 5
    assert pq.read_table(tmp_path / "out" / "documents").num_rows == 5
