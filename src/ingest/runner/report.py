"""Run summaries rendered for people: markdown and tables (published as Prefect artifacts by the flow)."""

from __future__ import annotations

from typing import Any


def _count_rows(counts: dict[str, int], key: str) -> list[dict[str, Any]]:
    return [{key: name, "count": n} for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def summary_tables(summary: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Counts per stage, rejects by reason and removed lines by rule, as rows."""
    stages = [
        {"stage": "files read", "count": summary["files_read"]},
        {"stage": "documents kept", "count": summary["documents_kept"]},
        {"stage": "documents rejected", "count": summary["documents_rejected"]},
    ]
    return {
        "stages": stages,
        "rejected_by_reason": _count_rows(summary.get("rejected_by_reason", {}), "reason"),
        "lines_removed_by_rule": _count_rows(summary.get("lines_removed_by_rule", {}), "rule"),
    }


def _markdown_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "_none_"
    header = list(rows[0])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(row[h]) for h in header) + " |" for row in rows]
    return "\n".join(lines)


def summary_markdown(summary: dict[str, Any]) -> str:
    tables = summary_tables(summary)
    parts = [
        f"# ingest run {summary['run_id']}",
        f"`{summary['raw']}` → `{summary['out']}` in {summary['seconds']:.2f} s "
        f"(pipeline {summary['pipeline_version']})",
        "## Counts",
        _markdown_table(tables["stages"]),
        "## Rejected by reason",
        _markdown_table(tables["rejected_by_reason"]),
        "## Lines removed by rule",
        _markdown_table(tables["lines_removed_by_rule"]),
    ]
    return "\n\n".join(parts) + "\n"
