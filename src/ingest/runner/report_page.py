"""The run report: a self-contained HTML page of charts and tables, `OUT/_runs/<run_id>.html`.

Each committed run writes one, beside its summary and as part of the same commit (`stage_report` writes it
into the staging folder before the run is sealed, and `ingest.store.commit.apply` moves it into place), so a
crashed run never leaves half a report. The page needs no network: the charts are inline SVG
(`runner.charts`), the style is inline, and nothing is linked. Every chart has a heading, a one-line text
alternative and its numbers as a table. The charts come from the run summary only (counts by reason and
rule, the kept documents' hosts, languages and lengths profiled by `runner.profile`) and from the previous
summaries under `OUT/_runs/` (the trend), so the flow's artifacts draw the same charts from the same data.

A report failure never fails a run: `stage_report` logs it and adds a warning to the summary.
"""

from __future__ import annotations

import html
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ingest.runner import charts
from ingest.runner.profile import profile_parts, run_parts
from ingest.runner.summary import RunSummary
from ingest.store.commit import REPORT
from ingest.store.fs import write_bytes_durable

TREND_RUNS = 30
"""Runs in the trend chart, this one included."""
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Chart:
    """One chart of the report: its heading, its text alternative, its numbers and its SVG ("" when there
    is nothing to draw)."""

    key: str
    title: str
    alt: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    svg: str = ""


def load_trend(runs_dir: Path, summary: dict[str, Any], limit: int = TREND_RUNS) -> list[dict[str, Any]]:
    """Documents kept and rejected per run for the last `limit` committed runs, oldest first, ending with
    `summary`'s run: read from the summaries in `runs_dir` (sorted by run id, which sorts by time)."""
    earlier = []
    for path in sorted(runs_dir.glob("*.json"), reverse=True) if runs_dir.is_dir() else []:
        if len(earlier) >= limit - 1:
            break
        if path.stem >= summary["run_id"]:
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("committed") and _trend_row(data, "%m-%d"):
            earlier.append(data)
    runs = [*reversed(earlier), summary]
    rows = [row for s in runs if (row := _trend_row(s, "%m-%d %H:%M"))]
    if len({r["when"] for r in rows}) < len(rows):  # runs in the same minute: tell them apart by the second
        rows = [row for s in runs if (row := _trend_row(s, "%m-%d %H:%M:%S"))]
    return rows


def _trend_row(summary: dict[str, Any], when_format: str) -> dict[str, Any] | None:
    """A run's point of the trend; None for a summary that does not hold one (edited by hand, say)."""
    try:
        when = datetime.fromisoformat(summary["started_at"]).strftime(when_format)
    except (KeyError, TypeError, ValueError):
        when = str(summary.get("run_id"))
    try:
        return {
            "run_id": str(summary["run_id"]),
            "when": when,
            "kept": int(summary.get("documents_kept", 0)),
            "rejected": int(summary.get("documents_rejected", 0)),
        }
    except (KeyError, TypeError, ValueError):
        return None


def key_numbers(summary: dict[str, Any]) -> list[tuple[str, int]]:
    """The run's main counts, as (label, count) rows: files by kind, documents kept and rejected."""
    dedup = summary.get("dedup") or {}
    return [
        ("files read", summary.get("files_read", 0)),
        ("files new", summary.get("files_new", 0)),
        ("files changed", summary.get("files_changed", 0)),
        ("files retried", summary.get("files_retried", 0)),
        ("files unchanged (skipped)", summary.get("files_unchanged", 0)),
        ("files missing", summary.get("files_missing", 0)),
        ("documents kept", summary.get("documents_kept", 0)),
        ("documents rejected", summary.get("documents_rejected", 0)),
        ("earlier rows superseded", summary.get("rows_superseded", 0)),
        ("lines removed", sum(summary.get("lines_removed_by_rule", {}).values())),
        *((f"dedup: {k.replace('_', ' ')}", int(v)) for k, v in sorted(dedup.items()) if k != "seconds"),
    ]


def _ranked(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _top(rows: list[tuple[str, int]], n: int = 3) -> str:
    return ", ".join(f"{name} {count:,}" for name, count in rows[:n]) or "none"


def build_charts(summary: dict[str, Any], trend: list[dict[str, Any]], draw: bool = True) -> list[Chart]:
    """The report's charts, in page order, from the summary and the trend rows; `draw=False` gives their
    headings, text alternatives and numbers without drawing the SVG."""
    kept, rejected = summary.get("documents_kept", 0), summary.get("documents_rejected", 0)
    reasons = _ranked(summary.get("rejected_by_reason", {}))
    rules = _ranked(summary.get("lines_removed_by_rule", {}))
    hosts = _ranked(summary.get("kept_by_host", {}))
    languages = _ranked(summary.get("kept_by_language", {}))
    buckets = summary.get("kept_words_histogram", [])
    outcome = [("kept", kept), *(("rejected: " + r, n) for r, n in reasons)]
    colors = [charts.KEPT_COLOR] + [charts.REJECTED_COLOR] * len(reasons)
    lengths = [(charts.bucket_name(b), b["documents"]) for b in buckets]
    length_text = "; ".join(f"{name} words {n:,}" for name, n in lengths if n) or "none"
    removed = sum(n for _, n in rules)
    specs = [
        Chart("outcome", "Documents kept and rejected by reason",
              f"Documents kept: {kept:,}; rejected: {rejected:,}; main reasons: {_top(reasons)}.",
              ("outcome", "documents"), outcome),
        Chart("lines-removed", "Lines removed by rule",
              f"Lines removed: {removed:,}; main rules: {_top(rules)}.", ("rule", "lines"), rules),
        Chart("hosts", "Kept documents per host",
              f"Hosts listed: {len(hosts)}; most documents from: {_top(hosts)}.",
              ("host", "documents"), hosts),
        Chart("languages", "Kept documents per language",
              f"Languages: {len(languages)}; most documents in: {_top(languages)}.",
              ("language", "documents"), languages),
        Chart("lengths", "Length of kept documents (words)",
              f"Documents kept per length bucket: {length_text}.", ("words", "documents"), lengths),
        Chart("trend", "Trend over the last runs",
              f"Documents kept and rejected in each of the last {len(trend)} runs (at most {TREND_RUNS}), "
              "oldest first.",
              ("run", "kept", "rejected"), [(t["run_id"], t["kept"], t["rejected"]) for t in trend]),
    ]  # fmt: skip
    if not draw:
        return specs
    drawn = []
    for chart in specs:
        svg = ""
        if chart.key == "outcome" and (kept or rejected):
            svg = charts.bar_chart(chart.alt, outcome, "documents", colors)
        elif chart.key == "lengths" and any(b["documents"] for b in buckets):
            svg = charts.histogram_chart(chart.alt, buckets)
        elif chart.key == "trend" and trend:
            svg = charts.trend_chart(chart.alt, trend)
        elif chart.key in ("lines-removed", "hosts", "languages") and chart.rows:
            xlabel = "lines" if chart.key == "lines-removed" else "documents kept"
            svg = charts.bar_chart(chart.alt, chart.rows, xlabel)
        drawn.append(Chart(chart.key, chart.title, chart.alt, chart.columns, chart.rows, svg))
    return drawn


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1d2730;
background:#fff;margin:0;line-height:1.45}
main{max-width:62rem;margin:0 auto;padding:1.5rem}
h1{font-size:1.6rem;margin:.2rem 0 .4rem}
h2{font-size:1.2rem;margin:2rem 0 .5rem;border-bottom:1px solid #dde3e8}
.meta{color:#4b5b68;margin:0 0 1rem}code{font-size:.9em}
table{border-collapse:collapse;margin:.5rem 0}
th,td{padding:.2rem .8rem;border-bottom:1px solid #e6ebef;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:0}figure svg{max-width:100%;height:auto}figcaption{color:#4b5b68;font-size:.95em}
.warn{background:#fff4e5;border-left:4px solid #e08a00;padding:.5rem 1rem}
nav a{margin-right:1rem}details{margin:.3rem 0 1rem}
"""


def _cell(value: Any) -> str:
    if isinstance(value, int):
        return f'<td class="n">{value:,}</td>'
    return f"<td>{html.escape(str(value))}</td>"


def _table(columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in columns)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def report_html(summary: dict[str, Any], trend: list[dict[str, Any]]) -> str:
    """The whole report page for a committed run's summary and its trend rows (`load_trend`)."""
    run_id = html.escape(summary["run_id"])
    found = build_charts(summary, trend)
    parts = [
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>ingest run {run_id}</title><style>{_CSS}</style></head><body><main>",
        f"<h1>ingest run {run_id}</h1>",
        f'<p class="meta"><code>{html.escape(summary["raw"])}</code> → '
        f"<code>{html.escape(summary['out'])}</code>, "
        f"started {html.escape(summary.get('started_at', ''))}, {summary.get('seconds', 0):.2f} s, "
        f"pipeline {html.escape(summary.get('pipeline_version', ''))}, config "
        f"<code>{html.escape(summary.get('config_hash', '')[:12])}</code></p>",
    ]
    if summary.get("warnings"):
        items = "".join(f"<li>{html.escape(w)}</li>" for w in summary["warnings"])
        parts.append(f'<div class="warn" role="note"><strong>Warnings</strong><ul>{items}</ul></div>')
    parts.append(
        "<nav>" + "".join(f'<a href="#{c.key}">{html.escape(c.title)}</a>' for c in found) + "</nav>"
    )
    parts.append('<h2 id="numbers">Key numbers</h2>' + _table(("", "count"), key_numbers(summary)))
    for chart in found:
        parts.append(
            f'<section aria-labelledby="{chart.key}"><h2 id="{chart.key}">{html.escape(chart.title)}</h2>'
        )
        if chart.svg:
            parts.append(f"<figure>{chart.svg}<figcaption>{html.escape(chart.alt)}</figcaption></figure>")
            parts.append(f"<details><summary>Numbers</summary>{_table(chart.columns, chart.rows)}</details>")
        else:
            parts.append("<p>Nothing in this run.</p>")
        parts.append("</section>")
    parts.append("</main></body></html>\n")
    return "\n".join(parts)


def stage_report(summary: RunSummary, out: Path, staging: Path, enabled: bool = True) -> None:
    """Profile the run's kept documents into `summary` and, if `enabled`, write the report page into
    `staging`, to be committed with the run. Never raises: a failure is logged and recorded in
    `summary.warnings`, and the run goes on without (part of) its report."""
    started = time.process_time()
    try:
        profile = profile_parts(run_parts(staging / "documents", summary.run_id))
        summary.kept_by_host = profile["kept_by_host"]
        summary.kept_by_language = profile["kept_by_language"]
        summary.kept_words_histogram = profile["kept_words_histogram"]
    except Exception as exc:  # a report is never worth a run
        _warn(summary, f"the kept documents could not be profiled for the report: {exc!r}")
    if enabled:
        try:
            data = summary.to_dict()
            page = report_html(data, load_trend(out / "_runs", data))
            write_bytes_durable(staging / REPORT, page.encode("utf-8"))
            summary.report = f"_runs/{summary.run_id}.html"
        except Exception as exc:
            (staging / REPORT).unlink(missing_ok=True)
            _warn(summary, f"the run report could not be written: {exc!r}")
    summary.report_seconds = round(time.process_time() - started, 3)


def _warn(summary: RunSummary, message: str) -> None:
    log.warning("%s", message)
    summary.warnings.append(message)
