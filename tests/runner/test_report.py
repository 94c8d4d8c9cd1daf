from ingest.runner.report import summary_markdown, summary_tables

SUMMARY = {
    "run_id": "r1", "raw": "raw", "out": "clean", "pipeline_version": "0.1.0", "seconds": 1.5,
    "files_read": 7, "documents_kept": 5, "documents_rejected": 2,
    "rejected_by_reason": {"empty": 1, "exact_duplicate": 1},
    "lines_removed_by_rule": {"price_widget": 48, "comment_form": 3},
}  # fmt: skip


def test_tables_sorted_by_count() -> None:
    tables = summary_tables(SUMMARY)
    assert tables["lines_removed_by_rule"] == [
        {"rule": "price_widget", "count": 48},
        {"rule": "comment_form", "count": 3},
    ]
    assert tables["stages"][0] == {"stage": "files read", "count": 7}


def test_markdown_has_every_count() -> None:
    text = summary_markdown(SUMMARY)
    assert "# ingest run r1" in text
    assert "| price_widget | 48 |" in text
    assert "| exact_duplicate | 1 |" in text
    assert "| documents kept | 5 |" in text
