"""docs/usage/reading.md: every query on the page runs against the output of two real incremental runs, and
its result equals what pyarrow computes directly; every reader the page names reads the folders.

The queries are taken from the page's fenced blocks (each starts with a `query: <name>` comment), so the
page and this test cannot drift apart. Spark blocks need `pyspark` (the `spark` dependency group) and a
`java` binary; without them they are skipped, saying which is missing.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pytest
from conftest import ROOT, SEED_NAMES, SEEDS_RAW

from ingest.config import IngestConfig, RunConfig
from ingest.runner.pipeline import run

PAGE = ROOT / "docs" / "usage" / "reading.md"
BLOCK = re.compile(r"^```(sql|python)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks() -> list[tuple[str, str, str]]:
    """(name, engine, code) of every query block of the page."""
    found = []
    for language, code in BLOCK.findall(PAGE.read_text(encoding="utf-8")):
        name = re.match(r"(?:--|#) query: (\S+)", code)
        assert name, f"a {language} block of {PAGE.name} does not start with a `query:` comment:\n{code}"
        if language == "sql":
            engine = "duckdb"
        elif "spark" in code:
            engine = "spark"
        elif "pl." in code and "pd." not in code:
            engine = "polars"
        elif "pd." in code and "pl." not in code:
            engine = "pandas"
        else:
            engine = "python"
        found.append((name[1], engine, code))
    return found


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`clean/` after two runs: seeds, a JSON export and an exact copy first; then HTML, WARC, an exact copy
    of a document the first run kept, and a near copy of one (a paragraph less)."""
    base = tmp_path_factory.mktemp("reading")
    raw, out = base / "raw", base / "clean"
    raw.mkdir()
    for name in [*SEED_NAMES, "sample-export.jsonl"]:
        shutil.copy(SEEDS_RAW / name, raw / name)
    shutil.copy(SEEDS_RAW / SEED_NAMES[0], raw / "copy-in-run.txt")
    config = IngestConfig(run=RunConfig(workers=1))
    assert run(raw, out, config).committed
    for name in ("sample-page.html", "sample-crawl.warc.gz"):
        shutil.copy(SEEDS_RAW / name, raw / name)
    shutil.copy(SEEDS_RAW / SEED_NAMES[1], raw / "copy-later.txt")
    lines = (SEEDS_RAW / SEED_NAMES[2]).read_text(encoding="utf-8").splitlines()
    del lines[7]  # a paragraph less: the same story, another hash
    (raw / "near-copy.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run(raw, out, config).committed
    return out


@pytest.fixture
def in_dataset(dataset: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(dataset.parent)
    return dataset


def table(out: Path, name: str) -> list[dict[str, Any]]:
    return ds.dataset(out / name).to_table().to_pylist()


def plain(value: Any) -> Any:
    """One engine's cell as a plain Python value: NaN, NaT and NA as None, numpy numbers as Python ones."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if type(value).__name__ in ("NaTType", "NAType"):
        return None
    if isinstance(value, datetime):
        return value.date()
    return value


def rows(result: Any) -> list[dict[str, Any]]:
    """A query's result (DuckDB relation, polars, pandas or Spark frame) as a list of plain dicts."""
    kind = type(result).__module__.split(".")[0]
    if kind == "duckdb":
        records = [dict(zip(result.columns, row, strict=True)) for row in result.fetchall()]
    elif kind == "polars":
        records = (result.collect() if hasattr(result, "collect") else result).to_dicts()
    elif kind == "pandas":
        records = result.to_dict("records")
    elif kind == "pyspark":
        records = [r.asDict() for r in result.collect()]
    else:
        return result
    return [{k: plain(v) for k, v in record.items()} for record in records]


def expected(name: str, out: Path) -> Any:
    """What each query must return, computed with pyarrow over the part files."""
    documents, rejected = table(out, "documents"), table(out, "rejected")
    if name == "open" or name == "spark-open":
        return len(documents)
    if name == "per_host_day":
        return Counter((d["host"], d["published"]) for d in documents)
    if name == "languages":
        counts = Counter(d["language"] for d in documents)
        words = Counter()
        for d in documents:
            words[d["language"]] += d["n_words"]
        return {lang: (n, words[lang] / n) for lang, n in counts.items()}
    if name == "removed_by_rule":
        return Counter(line["rule"] for d in documents for line in d["removed"] or [])
    if name == "rejected_reasons":
        return Counter((r["reason"], r["duplicate_method"]) for r in rejected)
    if name == "copies":
        kept = {d["doc_id"] for d in documents}
        copies: dict[str, list[float]] = {}
        for r in rejected:
            if r["duplicate_of"] in kept:
                copies.setdefault(r["duplicate_of"], []).append(r["similarity"])
        return {doc_id: (len(sims), min(sims)) for doc_id, sims in copies.items()}
    if name == "metadata":
        return None
    raise AssertionError(f"no expectation for query {name!r}")


def check(name: str, result: Any, out: Path) -> None:
    want = expected(name, out)
    got = rows(result)
    if name in ("open", "spark-open"):
        assert got == [want] * len(got) and want > 0
    elif name == "per_host_day":
        assert Counter({(r["host"], r["day"]): r["documents"] for r in got}) == want
        assert sum(want.values()) == len(table(out, "documents"))
    elif name == "languages":
        assert {r["language"]: r["documents"] for r in got} == {k: v[0] for k, v in want.items()}
        for r in got:
            assert abs(r["mean_words"] - want[r["language"]][1]) <= 0.5 + 1e-9
    elif name == "removed_by_rule":
        assert Counter({r["rule"]: r["lines"] for r in got}) == want and want
    elif name == "rejected_reasons":
        key = "count" if got and "count" in got[0] else "documents"
        assert Counter({(r["reason"], r["duplicate_method"]): r[key] for r in got}) == want
    elif name == "copies":
        assert {r["doc_id"]: (r["copies"], r["lowest_similarity"]) for r in got} == want and want
    elif name == "metadata":
        assert got[0] == "2" and "host" in got[1]


def run_block(code: str, spark: Any = None) -> Any:
    if code.lstrip().startswith("--"):
        import duckdb

        return duckdb.sql(code)
    namespace: dict[str, Any] = {"spark": spark} if spark is not None else {}
    exec(compile(code, str(PAGE), "exec"), namespace)
    return namespace["result"]


LOCAL = [b for b in blocks() if b[1] != "spark"]
SPARK = [b for b in blocks() if b[1] == "spark"]


def test_the_page_has_every_query_for_every_engine() -> None:
    engines: dict[str, set[str]] = {}
    for name, engine, _ in blocks():
        engines.setdefault(name, set()).add(engine)
    for name in ("per_host_day", "languages", "removed_by_rule", "rejected_reasons", "copies"):
        assert engines[name] == {"duckdb", "polars", "pandas", "spark"}, name


def test_the_dataset_holds_two_runs_and_every_kind_of_duplicate(dataset: Path) -> None:
    documents, rejected = table(dataset, "documents"), table(dataset, "rejected")
    assert len({d["run_id"] for d in documents}) == 2
    assert {r["duplicate_method"] for r in rejected if r["duplicate_of"]} >= {"exact"}
    assert any(r["reason"] == "near_duplicate" for r in rejected)
    runs = {p.stem for p in (dataset / "_runs").glob("*.json")}
    assert {d["run_id"] for d in documents} == runs
    assert any(isinstance(d["published"], date) for d in documents)


@pytest.mark.parametrize(("name", "engine", "code"), LOCAL, ids=[f"{b[0]}-{b[1]}" for b in LOCAL])
def test_query(name: str, engine: str, code: str, in_dataset: Path) -> None:
    check(name, run_block(code), in_dataset)


@pytest.fixture(scope="module")
def spark_session(dataset: Path):
    """One small local Spark session for every Spark query (its start-up costs seconds). Its JVM resolves
    relative paths against the folder it started in, so it starts beside the dataset's `clean/`."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        pytest.skip("pyspark is not installed: `uv sync --group spark` installs it")
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if java is None or not Path(java).exists():
        pytest.skip("no `java` binary (on PATH or under JAVA_HOME): Spark needs Java 17 or newer")
    probe = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"`java -version` failed: {probe.stderr.strip()[:200]}")
    here = Path.cwd()
    os.chdir(dataset.parent)
    try:
        session = _start_spark(SparkSession)
    finally:
        os.chdir(here)
    yield session
    session.stop()


def _start_spark(spark_session_class: Any) -> Any:
    session = (
        spark_session_class.builder.master("local[1]")
        .appName("ingest-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "512m")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")
@pytest.mark.parametrize(("name", "engine", "code"), SPARK, ids=[f"{b[0]}-{b[1]}" for b in SPARK])
def test_spark_query(name: str, engine: str, code: str, in_dataset: Path, spark_session) -> None:
    check(name, run_block(code, spark_session), in_dataset)


FOLDER_READERS = {
    "pandas": lambda p: len(__import__("pandas").read_parquet(p)),
    "polars read": lambda p: __import__("polars").read_parquet(p).height,
    "polars scan": lambda p: __import__("polars").scan_parquet(p).collect().height,
    "pyarrow.dataset": lambda p: ds.dataset(p.removesuffix("*.parquet")).count_rows(),
}


@pytest.mark.parametrize("folder", ["documents", "rejected"])
@pytest.mark.parametrize("form", ["clean/{}", "clean/{}/", "clean/{}/*.parquet"])
@pytest.mark.parametrize("reader", sorted(FOLDER_READERS))
def test_readers_read_the_folder(reader: str, form: str, folder: str, in_dataset: Path) -> None:
    if reader == "pandas" and "*" in form:
        pytest.skip("pandas takes a folder or a file, not a glob")
    want = len(table(in_dataset, folder))
    assert FOLDER_READERS[reader](form.format(folder)) == want


def test_duckdb_reads_the_folder(in_dataset: Path) -> None:
    import duckdb

    for folder in ("documents", "rejected"):
        count = duckdb.sql(f"SELECT count(*) FROM read_parquet('clean/{folder}/*.parquet')").fetchall()
        assert count == [(len(table(in_dataset, folder)),)]
