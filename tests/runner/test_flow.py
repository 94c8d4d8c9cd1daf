"""One real Prefect flow run (local test server via prefect_test_harness), compared with the CLI's rows."""

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from prefect.testing.utilities import prefect_test_harness

from flows.ingest_flow import ingest_flow
from ingest.config import IngestConfig, RunConfig
from ingest.runner.pipeline import run

COMPARED = [
    "doc_id",
    "source_path",
    "source_record",
    "url",
    "title",
    "author",
    "published",
    "site",
    "language",
    "language_score",
    "text",
    "n_words",
    "removed",
    "content_hash",
    "pipeline_version",
]


@pytest.fixture(scope="session")
def prefect_harness():
    with prefect_test_harness(server_startup_timeout=120):
        yield


def test_flow_and_library_give_the_same_rows(prefect_harness, seeds_raw, tmp_path) -> None:
    (seeds_raw / "empty.txt").write_bytes(b"")
    config = tmp_path / "c.toml"
    config.write_text("[run]\nbatch_files = 2\n", encoding="utf-8")
    summary = ingest_flow(str(seeds_raw), str(tmp_path / "flow"), str(config))
    assert summary["files_read"] == 6
    assert summary["documents_kept"] == 5
    assert summary["rejected_by_reason"] == {"empty": 1}

    run(seeds_raw, tmp_path / "lib", IngestConfig(run=RunConfig(workers=1)))
    for kind in ("documents", "rejected"):
        from_flow = pq.read_table(tmp_path / "flow" / kind).select(COMPARED)
        from_lib = pq.read_table(tmp_path / "lib" / kind).select(COMPARED)
        assert from_flow.equals(from_lib), kind
    assert len(list((tmp_path / "flow" / "_runs").glob("*.json"))) == 1


def test_flow_publishes_summary_artifacts(prefect_harness, seeds_raw, tmp_path) -> None:
    from prefect.artifacts import Artifact

    summary = ingest_flow(str(seeds_raw), str(tmp_path / "flow"))
    markdown = Artifact.get("ingest-summary")
    assert markdown is not None
    assert f"# ingest run {summary['run_id']}" in markdown.data
    rules = Artifact.get("ingest-lines-removed-by-rule")
    assert rules is not None
    assert sum(row["count"] for row in json.loads(rules.data)) == sum(
        summary["lines_removed_by_rule"].values()
    )


def test_flow_on_a_dask_local_cluster_gives_the_same_rows(prefect_harness, seeds_raw, tmp_path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[run]\nbatch_files = 1\n", encoding="utf-8")
    # As a deployment selects it: a flow parameter, not code.
    summary = ingest_flow(str(seeds_raw), str(tmp_path / "dask"), str(config), dask_workers=2)
    assert summary["documents_kept"] == 5
    run(seeds_raw, tmp_path / "lib", IngestConfig(run=RunConfig(workers=1)))
    from_dask = pq.read_table(tmp_path / "dask" / "documents").select(COMPARED)
    assert from_dask.equals(pq.read_table(tmp_path / "lib" / "documents").select(COMPARED))


def test_flow_publishes_the_report_as_artifacts(prefect_harness, seeds_raw, tmp_path) -> None:
    import base64
    import re
    from urllib.parse import unquote, urlsplit

    from prefect.artifacts import Artifact

    summary = ingest_flow(str(seeds_raw), str(tmp_path / "flow"))
    page = (tmp_path / "flow" / "_runs" / f"{summary['run_id']}.html").resolve()
    assert summary["report"] == f"_runs/{summary['run_id']}.html" and page.is_file()
    link = Artifact.get("ingest-report-link")
    assert link is not None and link.type == "markdown"  # Prefect stores a link as a markdown link
    (text, url) = re.findall(r"\[([^\]]+)\]\((file://[^)]+)\)", link.data)[0]
    assert Path(unquote(urlsplit(url).path)) == page and text == str(page)
    report = Artifact.get("ingest-report")
    assert report is not None and f"# ingest run {summary['run_id']}" in report.data
    assert f"| documents kept | {summary['documents_kept']} |" in report.data
    images = re.findall(r"\(data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)\)", report.data)
    assert len(images) == 6
    assert all(base64.b64decode(i).startswith(b"<svg") for i in images)


def test_script_options_and_a_nothing_to_do_artifact(prefect_harness, seeds_raw, tmp_path) -> None:
    from prefect.artifacts import Artifact

    from flows.ingest_flow import main

    args = ["--raw", str(seeds_raw), "--out", str(tmp_path / "out")]
    first = main(args)
    assert first["committed"] and first["documents_kept"] == 5
    again = main(args)
    assert not again["committed"]
    markdown = Artifact.get("ingest-summary")
    assert markdown is not None
    assert f"# ingest run {again['run_id']}" in markdown.data
    assert "Nothing to do" in markdown.data and "5 unchanged" in markdown.data


def test_a_locked_output_says_how_to_queue(prefect_harness, seeds_raw, tmp_path) -> None:
    from samples import hold_lock

    from flows.ingest_flow import OutputBusyInFlow

    out = tmp_path / "out"
    holder = hold_lock(out, 60)
    try:
        with pytest.raises(OutputBusyInFlow, match="wait=true") as caught:
            ingest_flow(str(seeds_raw), str(out))
    finally:
        holder.kill()
        holder.wait()
    assert f"another run is writing to {out} (pid {holder.pid})" in str(caught.value)
    assert "ENQUEUE" in str(caught.value)
