"""End to end through the library: real files on disk, real Parquet read back with pyarrow and DuckDB."""

import gzip
import json
import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from conftest import SEED_NAMES, SEEDS_EXPECTED

from ingest.clean.normalize import normalize_text
from ingest.config import IngestConfig, LanguageConfig, RunConfig
from ingest.document import Document
from ingest.runner.pipeline import RunError, run
from ingest.steps.document import clean_step

SERIAL = IngestConfig(run=RunConfig(workers=1))


def rows(out: Path, kind: str = "documents") -> list[dict]:
    return pq.read_table(out / kind).to_pylist()


def by_source(out: Path, kind: str = "documents") -> dict[str, dict]:
    return {row["source_path"]: row for row in rows(out, kind)}


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import SEEDS_RAW

    raw = tmp_path_factory.mktemp("raw")
    for name in SEED_NAMES:
        shutil.copy(SEEDS_RAW / name, raw / name)
    out = tmp_path_factory.mktemp("out")
    run(raw, out, SERIAL)
    return out


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_matches_expected(seeds_out: Path, name: str) -> None:
    expected = SEEDS_EXPECTED["documents"][name]
    docs = by_source(seeds_out)
    assert name in docs, f"{name} was rejected: {by_source(seeds_out, 'rejected').get(name)}"
    row = docs[name]
    body_lines = set(row["text"].split("\n"))
    for line in expected["body"]:
        assert normalize_text(line["text"]) in body_lines, f"body line {line['line']} missing"
    for line in expected["dropped"] + expected["metadata_lines"]:
        assert normalize_text(line["text"]) not in body_lines, f"line {line['line']} should be gone"
    for key in ("title", "author", "site"):
        if expected["fields"][key] is not None:
            assert row[key] == expected["fields"][key]
    assert row["language"] == "en"
    assert row["language_score"] > 0.9
    assert row["n_words"] == len(row["text"].split())


def test_every_removed_line_has_a_rule(seeds_out: Path) -> None:
    removed = [r for row in rows(seeds_out) for r in row["removed"]]
    assert removed
    assert all(r["rule"] and r["text"] for r in removed)
    dropped = {name: len(SEEDS_EXPECTED["documents"][name]["dropped"]) for name in SEED_NAMES}
    per_doc = {row["source_path"]: len(row["removed"]) for row in rows(seeds_out)}
    assert all(per_doc[name] >= dropped[name] for name in SEED_NAMES)


def test_no_seed_is_rejected_and_summary_written(seeds_out: Path) -> None:
    assert rows(seeds_out, "rejected") == []
    summaries = list((seeds_out / "_runs").glob("*.json"))
    assert len(summaries) == 1
    summary = json.loads(summaries[0].read_text())
    assert summary["files_read"] == 5
    assert summary["documents_kept"] == 5
    assert sum(summary["lines_removed_by_rule"].values()) == sum(len(r["removed"]) for r in rows(seeds_out))


def test_duckdb_reads_the_dataset(seeds_out: Path) -> None:
    con = duckdb.connect()
    glob = f"{seeds_out}/documents/*.parquet"
    n, langs, words = con.execute(
        f"SELECT count(*), list(DISTINCT language), sum(n_words) FROM read_parquet('{glob}')"
    ).fetchone()
    assert (n, langs) == (5, ["en"])
    assert words > 2000
    rule_counts = dict(
        con.execute(
            f"SELECT r.rule, count(*) FROM (SELECT unnest(removed) AS r FROM read_parquet('{glob}')) "
            "GROUP BY 1"
        ).fetchall()
    )
    assert rule_counts
    assert sum(rule_counts.values()) == sum(len(r["removed"]) for r in rows(seeds_out))


def test_rerun_gives_same_ids_and_text(seeds_raw: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    run(seeds_raw, first, SERIAL)
    run(seeds_raw, second, IngestConfig(run=RunConfig(workers=2, parallel_min_files=1, batch_files=2)))
    columns = ["doc_id", "source_path", "text", "title", "language", "language_score", "content_hash"]
    a = pq.read_table(first / "documents").select(columns)
    b = pq.read_table(second / "documents").select(columns)
    assert a.equals(b)


def make_bad_inputs(raw: Path) -> dict[str, str]:
    """Every kind of unusable file, and the reason each must be rejected with."""
    article = (raw / SEED_NAMES[0]).read_bytes()
    truncated = gzip.compress(article * 5)
    files = {
        "bad/empty.txt": (b"", "empty"),
        "bad/binary.bin": (bytes(range(256)) * 16, "unsupported"),
        "bad/invalid-utf8.txt": (
            bytes((i * 37 + 11) % 64 + 128 for i in range(3000)) + b"\x01\x02" * 500,
            "undecodable",
        ),
        "bad/truncated.txt.gz": (truncated[: len(truncated) // 2], "corrupt"),
        "bad/doc.pdf": (b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", "unsupported"),
    }
    for rel, (data, _) in files.items():
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        (raw / rel).write_bytes(data)
    return {rel: reason for rel, (_, reason) in files.items()}


def test_bad_input_is_rejected_with_reason_and_run_completes(seeds_raw: Path, tmp_path: Path) -> None:
    expected = make_bad_inputs(seeds_raw)
    summary = run(seeds_raw, tmp_path / "out", SERIAL)
    rejected = by_source(tmp_path / "out", "rejected")
    assert {k: rejected[k]["reason"] for k in expected} == expected
    assert all(rejected[k]["detail"] for k in expected)
    assert summary.files_read == 10
    assert summary.documents_kept == 5
    assert summary.rejected_by_reason == {"corrupt": 1, "empty": 1, "undecodable": 1, "unsupported": 2}


def test_exact_duplicate_goes_to_rejected_with_pointer(seeds_raw: Path, tmp_path: Path) -> None:
    original = seeds_raw / SEED_NAMES[2]
    (seeds_raw / "zz-copy.txt").write_bytes(original.read_bytes().replace(b"\n", b"\r\n"))
    run(seeds_raw, tmp_path / "out", SERIAL)
    kept, rejected = by_source(tmp_path / "out"), by_source(tmp_path / "out", "rejected")
    dup = rejected["zz-copy.txt"]
    assert dup["reason"] == "exact_duplicate"
    assert dup["duplicate_of"] == kept[SEED_NAMES[2]]["doc_id"]
    assert dup["text"] == kept[SEED_NAMES[2]]["text"]


def test_language_restriction_rejects_others(seeds_raw: Path, tmp_path: Path) -> None:
    config = IngestConfig(run=RunConfig(workers=1), language=LanguageConfig(allowed=("de",)))
    summary = run(seeds_raw, tmp_path / "out", config)
    assert summary.rejected_by_reason == {"language": 5}
    assert {r["language"] for r in rows(tmp_path / "out", "rejected")} == {"en"}


def test_html_input_goes_through_trafilatura(tmp_path: Path) -> None:
    from samples import PAGE, PARAGRAPHS

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "page.html.gz").write_bytes(gzip.compress(PAGE.encode()))
    run(raw, tmp_path / "out", SERIAL)
    (row,) = rows(tmp_path / "out")
    assert row["text"].split("\n") == PARAGRAPHS
    assert (row["title"], row["author"], row["site"]) == (
        "Council backs tram extension",
        "Jane Roe",
        "Harbour Gazette",
    )
    assert row["content_type"] == "text/html"


def test_html_main_text_gets_the_precise_second_pass_only() -> None:
    """Extracted HTML text keeps its list numbers; only keyword rules remove lines from it."""
    text = "1. Book the tickets early, the office said on Monday.\n2. Arrive before nine.\nShare this article"
    html = clean_step(Document("p.html", content_type="text/html", raw_text=text), IngestConfig())
    assert html.text == "1. Book the tickets early, the office said on Monday.\n2. Arrive before nine."
    assert [r.rule for r in html.removed] == ["share_strip"]
    plain = clean_step(Document("p.txt", content_type="text/plain", raw_text=text), IngestConfig())
    assert not (plain.text or "").startswith("1.")


def test_missing_raw_folder_is_a_run_error(tmp_path: Path) -> None:
    with pytest.raises(RunError, match="raw folder not found"):
        run(tmp_path / "nope", tmp_path / "out", SERIAL)


def test_a_step_that_raises_rejects_only_its_document_as_internal_error() -> None:
    """The cleaner has no catch-all of its own: a bug surfaces here, as the document's `internal_error`
    with the exception in `detail`, and the steps after it do not run; other documents are unaffected."""
    from ingest.steps.document import document_steps, process_document

    config = IngestConfig()
    calls: list[str] = []

    def broken(doc: Document) -> Document:
        calls.append(doc.source_path)
        if doc.source_path == "bad.txt":
            raise IndexError("list index out of range")
        return doc

    steps = [broken, *document_steps(config)]
    text = "The council voted on Tuesday to extend the tram line to the harbour, ending a decade of debate."
    bad = process_document(Document("bad.txt", content_type="text/plain", raw_text=text), steps, config)
    good = process_document(Document("good.txt", content_type="text/plain", raw_text=text), steps, config)
    assert (bad.reason, bad.detail) == ("internal_error", "IndexError: list index out of range")
    assert bad.text is None and bad.doc_id
    assert good.reason is None and good.text == text
    assert calls == ["bad.txt", "good.txt"]
