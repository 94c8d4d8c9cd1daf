"""Size limits that keep hostile inputs cheap: work units sized by bytes, the cleaner's recorded cut."""

from __future__ import annotations

import json
from pathlib import Path

from warc_util import archive, http_response

from ingest.clean import CleanConfig, clean_text
from ingest.clean_cut import cut_at_paragraph
from ingest.config import IngestConfig, RunConfig
from ingest.units import work_units


def units(tmp_path: Path, name: str, data: bytes, run: RunConfig) -> list[int]:
    """Records per work unit of one large file (the units are built, not run)."""
    raw = tmp_path / "raw"
    raw.mkdir(exist_ok=True)
    (raw / name).write_bytes(data)
    config = IngestConfig(run=run)
    found = list(work_units([raw / name], raw, config, workers=2))
    assert all(not unit.paths for unit in found)
    assert [u.n_files for u in found] == [0] * (len(found) - 1) + [1]  # the last unit completes the file
    return [len(unit.records) for unit in found]


def test_many_tiny_records_go_out_in_few_units(tmp_path: Path) -> None:
    records = [{"text": f"Post number {i} of the export."} for i in range(20_000)]
    data = json.dumps(records).encode()
    sizes = units(tmp_path, "posts.json", data, RunConfig(stream_file_bytes=1000))
    assert sizes == [4096] * 4 + [20_000 - 4 * 4096]  # not 625 units of 32


def test_large_records_go_out_by_bytes(tmp_path: Path) -> None:
    pages = [(f"http://x/{i}", http_response(b"<p>" + b"word " * 20_000 + b"</p>")) for i in range(30)]
    sizes = units(tmp_path, "c.warc", archive(pages), RunConfig(stream_file_bytes=1000, task_bytes=500_000))
    assert sizes == [5] * 6 + [0]  # 100 KB pages, 500 KB per unit; the last unit only completes the file


def test_cut_falls_on_a_paragraph_boundary_and_is_recorded() -> None:
    paragraphs = [f"Paragraph {i} says something complete." for i in range(1000)]
    text = "\n\n".join(paragraphs)
    kept, removal = cut_at_paragraph(text, 10_000)
    assert len(kept) <= 10_000 and kept.endswith("complete.")
    assert text.startswith(kept) and text[len(kept) :].startswith("\n\n")
    assert removal is not None and removal.rule == "max_chars"
    assert removal.text.startswith(f"[{len(text) - len(kept)} characters cut past clean.max_chars=10000]")
    assert cut_at_paragraph(text, len(text)) == (text, None)


def test_cut_without_paragraphs_falls_on_a_space_or_hard() -> None:
    kept, _ = cut_at_paragraph("word " * 1000, 999)
    assert kept.endswith("word") and len(kept) <= 999
    kept, removal = cut_at_paragraph("x" * 1000, 100)
    assert kept == "x" * 100 and removal is not None


def test_cleaner_records_the_cut_in_removed() -> None:
    text = "\n\n".join(
        f"The council in Lyon approved plan number {i} after a long debate." for i in range(400)
    )
    config = CleanConfig(max_chars=5000)
    for second_pass in (False, True):
        result = clean_text(text, config, second_pass=second_pass)
        assert [r.rule for r in result.removed].count("max_chars") == 1
        assert len(result.text) <= 5000 and result.text.endswith("debate.")
        again = clean_text(result.text, config, second_pass=second_pass)
        assert "max_chars" not in [r.rule for r in again.removed]
