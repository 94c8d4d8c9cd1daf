"""Property: any configuration that validates runs a real (tiny) ingestion to the end, with every document
in `documents/` or in `rejected/` for a reason of the input, never `internal_error`.

Examples change one to four settings at a time to values near and past their bounds (0, -1, 1, the upper
bound and one above it, nan, 7.0, strings where numbers belong); those that validate are run on two seed
pages, a small HTML page and a JSON Lines file of two records, so the reader, extractor, cleaner, language,
dedup and writer settings all act on something."""

import json
import shutil
import tempfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import SEED_NAMES, SEEDS_RAW
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ingest.config import ConfigError, IngestConfig, config_from_dict
from ingest.config_check import walk
from ingest.runner.pipeline import run

PAGE = """<!doctype html><html><head><title>Harbour reopens</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Harbour reopens after storm</h1>
<p>The old harbour reopened on Tuesday after a week of repairs to the sea wall, the council said.</p>
<p>Fishing boats returned to their moorings by the afternoon, and the ferry will run from Friday.</p>
</article><footer>Subscribe to our newsletter</footer></body></html>"""

RECORDS = [
    {"metadata": {"url": "https://example.org/a"}, "html": PAGE, "title": "Harbour"},
    {"url": "https://example.org/b", "text": "A second report.\n\nIt says the ferry runs from Friday."},
]

LEAVES = [(key, value) for key, _, _, value in walk(IngestConfig())]

EDGES = [-1, 0, 1, 2, 3, 5, 48, 144, 4096, 4097, 1 << 30, (1 << 30) + 1]
INTS = st.sampled_from(EDGES) | st.integers(-2, 300)
FLOAT_EDGES = [-0.5, 0.0, 1e-6, 0.5, 1.0, 1.5, 7.0, 86400.0, float("nan"), float("inf")]
FLOATS = st.sampled_from(FLOAT_EDGES) | st.floats(-1, 2)
WORDS = st.sampled_from(["en", "de", "und", "english", "html", "text", "metadata.url", "a..b", "", "body"])
LISTS = st.lists(WORDS | st.integers(0, 3), max_size=3)
WRONG = st.sampled_from(["high", True, None, [1]])


def _value_for(default: object) -> st.SearchStrategy:
    if isinstance(default, bool):
        return st.booleans() | WRONG
    if isinstance(default, int):
        return INTS | WRONG
    if isinstance(default, float) or default is None:
        return FLOATS | WRONG
    return LISTS | WRONG


@st.composite
def overrides(draw: st.DrawFn) -> dict:
    chosen = draw(st.lists(st.sampled_from(LEAVES), min_size=1, max_size=4, unique_by=lambda kv: kv[0]))
    table: dict = {}
    for key, default in chosen:
        section, name = key.split(".")
        table.setdefault(section, {})[name] = draw(_value_for(default))
    return table


@pytest.fixture(scope="module")
def raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("raw")
    for name in SEED_NAMES[:2]:
        shutil.copy(SEEDS_RAW / name, folder / name)
    (folder / "page.html").write_text(PAGE, encoding="utf-8")
    (folder / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    return folder


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(data=overrides())
def test_any_valid_config_runs_without_internal_error(raw: Path, data: dict) -> None:
    try:
        config = config_from_dict(data)
    except ConfigError as exc:
        assert "\n" not in str(exc)
        assume(False)
        return
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        summary = run(raw, out, config)
        kept = pq.read_table(out / "documents").to_pylist()
        rejected = pq.read_table(out / "rejected").to_pylist()
    errors = [row["detail"] for row in rejected if row["reason"] == "internal_error"]
    assert not errors
    assert "internal_error" not in summary.rejected_by_reason
    sources = {row["source_path"] for row in kept + rejected}
    assert sources == {*SEED_NAMES[:2], "page.html", "feed.jsonl"}  # every file accounted for
