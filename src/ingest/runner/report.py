"""Run summaries rendered for people: markdown and tables (published as Prefect artifacts by the flow).

The HTML report page is `report_page`; `report_markdown` gives the same charts and numbers as markdown.
"""

from __future__ import annotations

import base64
from pathlib import Path
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


def report_markdown(
    summary: dict[str, Any], trend: list[dict[str, Any]] | None = None, charts: bool = True
) -> str:
    """The run report as markdown, for the flow's artifact: the key numbers, then each chart of the HTML
    report (`runner.report_page`) as an inline `data:image/svg+xml` image (Prefect's UI shows data images
    in markdown) followed by its numbers; `charts=False` gives the tables alone. `trend` defaults to the
    summaries under `OUT/_runs/` (`report_page.load_trend`). A run with nothing to do gets a short note
    instead (no report page is written for it)."""
    from ingest.runner.report_page import build_charts, key_numbers, load_trend

    if not summary.get("committed"):
        return (
            f"# ingest: nothing to do\n\n{summary.get('files_unchanged', 0)} files already ingested, "
            f"none new or changed; `{summary['out']}` left as it was ({summary.get('seconds', 0):.2f} s).\n"
        )
    parts = [
        f"# ingest run {summary['run_id']}",
        f"`{summary['raw']}` → `{summary['out']}` in {summary['seconds']:.2f} s "
        f"(pipeline {summary['pipeline_version']})"
        + (f"; report: `{Path(summary['out']) / summary['report']}`" if summary.get("report") else ""),
        *(f"> warning: {w}" for w in summary.get("warnings", [])),
        "## Key numbers",
        _markdown_table([{"": label, "count": n} for label, n in key_numbers(summary)]),
    ]
    if trend is None:
        trend = load_trend(Path(summary["out"]) / "_runs", summary)
    for chart in build_charts(summary, trend, draw=charts):
        parts.append(f"## {chart.title}")
        if chart.svg:
            data = base64.b64encode(chart.svg.encode("utf-8")).decode("ascii")
            alt = chart.alt.replace("[", "(").replace("]", ")")
            parts.append(f"![{alt}](data:image/svg+xml;base64,{data})")
        parts.append(_markdown_table([dict(zip(chart.columns, row, strict=True)) for row in chart.rows]))
    return "\n\n".join(parts) + "\n"
