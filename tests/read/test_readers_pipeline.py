"""The new readers through the whole pipeline: limits, streaming order across worker processes, and the
sample files in raw/ run end to end through `python -m ingest`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import ROOT
from warc_util import archive, http_response

from ingest.clean.cleaner import CleanConfig
from ingest.config import IngestConfig, ReadConfig, RunConfig
from ingest.document import Document
from ingest.runner.pipeline import run
from ingest.runner.units import process_files
from ingest.steps.document import DocumentTimeout, process_document, process_file, time_limit

NO_CLEAN = CleanConfig(enabled=False)  # these tests are about reading and extraction, not the cleaner
PARAGRAPH = (
    "The harbour authority said on Monday that the new ferry terminal would open in the spring, after two "
    "years of delays caused by flooding and a dispute with the contractor over the cost of the foundations."
)


def page(n: int) -> str:
    return (
        f"<html><head><title>Story {n} | Harbour News</title></head><body><nav>Home News Sport</nav>"
        f"<article><h1>Story {n}</h1><p>Story {n}. {PARAGRAPH}</p><p>{PARAGRAPH} Part two of {n}.</p>"
        "</article></body></html>"
    )


def test_time_limit_interrupts_a_slow_step() -> None:
    def slow(doc: Document) -> Document:
        time.sleep(5)
        return doc

    config = IngestConfig(read=ReadConfig(max_document_seconds=0.2))
    start = time.perf_counter()
    doc = process_document(Document(source_path="slow.txt", raw_text="x"), [slow], config)
    assert time.perf_counter() - start < 2
    assert doc.reason == "timeout"
    assert "max_document_seconds=0.2" in doc.detail
    assert doc.doc_id is not None


def test_tiny_time_limit_rejects_a_real_page_and_the_run_goes_on(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    big = (
        "<html><body>" + "".join(f"<div><p>{PARAGRAPH} {i}</p></div>" for i in range(3000)) + "</body></html>"
    )
    (raw / "big.html").write_text(big, encoding="utf-8")
    config = IngestConfig(read=ReadConfig(max_document_seconds=0.01), run=RunConfig(workers=1))
    summary = run(raw, tmp_path / "out", config)
    assert summary.rejected_by_reason == {"timeout": 1}


def test_time_limit_is_a_no_op_outside_the_main_thread() -> None:
    outcome: list[str] = []

    def worker() -> None:
        try:
            with time_limit(0.05):
                time.sleep(0.2)
            outcome.append("finished")
        except DocumentTimeout:
            outcome.append("timeout")

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert outcome == ["finished"]


def test_size_limit_applies_in_a_thread_too(tmp_path: Path) -> None:
    (tmp_path / "big.html").write_text(page(1) * 50, encoding="utf-8")
    config = IngestConfig(read=ReadConfig(max_document_bytes=1000))
    result: list[Document] = []
    thread = threading.Thread(
        target=lambda: result.extend(process_file(tmp_path / "big.html", tmp_path, config))
    )
    thread.start()
    thread.join()
    assert [d.reason for d in result] == ["too_large"]


def test_process_file_streams_a_warc(tmp_path: Path) -> None:
    path = tmp_path / "a.warc.gz"
    path.write_bytes(
        archive([(f"https://h.example/{i}", http_response(page(i).encode())) for i in range(50)], gz=True)
    )
    docs = process_file(path, tmp_path, IngestConfig(clean=NO_CLEAN))
    first = next(docs)  # a generator: the first document comes before the archive is read to the end
    assert (first.source_record, first.url, first.title) == (2, "https://h.example/0", "Story 0")
    assert first.text.startswith("Story 0.")
    assert len(list(docs)) == 49


def make_mixed_raw(raw: Path) -> None:
    raw.mkdir()
    lines = [json.dumps({"url": f"https://j.example/{i}", "html": page(100 + i)}) for i in range(7)]
    lines.insert(3, "{not json")
    (raw / "b-export.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    pages = [(f"https://h.example/{i}", http_response(page(i).encode())) for i in range(9)]
    (raw / "c-crawl.warc.gz").write_bytes(archive(pages, gz=True))
    (raw / "a-page.html").write_text(page(999), encoding="utf-8")
    (raw / "d-note.txt").write_text(PARAGRAPH + "\n", encoding="utf-8")


def test_split_files_across_workers_keep_discovery_order(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    make_mixed_raw(raw)
    paths = sorted(p for p in raw.iterdir())
    serial = list(process_files(paths, raw, IngestConfig(run=RunConfig(workers=1))))
    split = IngestConfig(
        run=RunConfig(workers=2, parallel_min_files=1000, stream_file_bytes=1, records_per_task=2)
    )
    seen: list[int] = []
    parallel = list(process_files(paths, raw, split, progress=seen.append))
    key = [(d.source_path, d.source_record, d.reason, d.text, d.doc_id) for d in serial]
    assert key == [(d.source_path, d.source_record, d.reason, d.text, d.doc_id) for d in parallel]
    assert sum(seen) == 4
    order = [(d.source_path, d.source_record) for d in serial]
    assert order == sorted(order)
    assert ("b-export.jsonl", 3) in {
        (d.source_path, d.source_record) for d in serial if d.reason == "corrupt"
    }
    assert len(serial) == 1 + 8 + 9 + 1


def test_raw_samples_run_end_to_end_through_the_cli(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "raw", raw)
    result = subprocess.run(
        [sys.executable, "-m", "ingest", "--raw", str(raw), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "8 files read, 10 documents kept, 1 rejected" in result.stdout
    kept = pq.read_table(tmp_path / "out" / "documents").to_pylist()
    by_key = {(r["source_path"], r["source_record"]): r for r in kept}
    html = by_key[("sample-page.html", 0)]
    assert html["title"] == "The 7 habits of highly ineffective agents"
    assert html["content_type"] == "text/html"
    assert html["n_words"] > 500
    warc = by_key[("sample-crawl.warc.gz", 2)]
    assert warc["url"] == "https://www.coryd.dev/posts/2021/a-brief-intro-to-git"
    assert warc["fetched_at"] is not None
    assert by_key[("sample-export.jsonl", 1)]["title"] == "Five Tips for Writing your College Essays"
    rejected = pq.read_table(tmp_path / "out" / "rejected").to_pylist()
    assert [(r["source_path"], r["reason"]) for r in rejected] == [("sample-crawl.warc.gz", "unsupported")]


@pytest.mark.parametrize("workers", [1, 2])
def test_html_metadata_columns_are_written(tmp_path: Path, workers: int) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "p.html").write_text(
        '<html><head><title>Tram line opens | Harbour Gazette</title><meta name="description" '
        'content="A new line."><meta property="og:site_name" content="Harbour Gazette"><meta name="keywords" '
        'content="trams, city"></head><body><article><h1>Tram line opens</h1>'
        f"<p>{PARAGRAPH}</p></article></body></html>",
        encoding="utf-8",
    )
    config = IngestConfig(clean=NO_CLEAN, run=RunConfig(workers=workers, parallel_min_files=1))
    run(raw, tmp_path / "out", config)
    (row,) = pq.read_table(tmp_path / "out" / "documents").to_pylist()
    assert (row["title"], row["site"], row["description"]) == (
        "Tram line opens",
        "Harbour Gazette",
        "A new line.",
    )
    assert row["text"] == PARAGRAPH


def test_clean_html_off_keeps_the_extracted_text(tmp_path: Path) -> None:
    from ingest.config import ExtractConfig

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "p.html").write_text(page(5), encoding="utf-8")
    config = IngestConfig(extract=ExtractConfig(clean_html=False), run=RunConfig(workers=1))
    (doc,) = process_file(raw / "p.html", raw, config)
    assert doc.text == f"Story 5. {PARAGRAPH}\n{PARAGRAPH} Part two of 5."
    assert [(r.text, r.rule) for r in doc.removed] == [
        ("Story 5", "title"),
        ("Home News Sport", "html:not_main_content"),  # the <nav> trafilatura left out
    ]
