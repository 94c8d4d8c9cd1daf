"""The run report's charts, drawn by matplotlib as SVG text: one figure per chart, nothing fetched.

matplotlib is imported here, inside the functions, and only the report step calls them: `import ingest`,
the command line's `--help` and the per-document path never load it. Figures are built with
`matplotlib.figure.Figure` (no pyplot, so no global figure state and no GUI backend) and saved as SVG with
text kept as `<text>` in a generic sans-serif family (readable, searchable, small, and no font file to
load), no metadata and a fixed hash salt: the same data draws the same bytes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

KEPT_COLOR = "#2f6f9f"
REJECTED_COLOR = "#c8553d"
NEUTRAL_COLOR = "#6b7f8e"
_STYLE = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"],
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
_NO_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


def _svg(figure: Any, key: str, label: str) -> str:
    """`figure` as an `<svg>` element to inline in HTML: no XML prologue or DTD, labelled for screen
    readers (`role="img"`, `aria-label`)."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": key}):
        figure.savefig(buffer, format="svg", metadata=_NO_METADATA)
    text = _PROLOGUE.sub("", buffer.getvalue(), count=1)
    label = label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return text.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


def _figure(width: float, height: float, left: float = 0.6, bottom: float = 0.5, top: float = 0.15) -> Any:
    """A figure with fixed margins, in inches (`left` for the y labels, `bottom` for the x labels, `top`
    for a legend): a
    layout engine would measure every text twice, which costs more than drawing the chart."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height))
    figure.subplots_adjust(
        left=left / width, right=1 - 0.3 / width, bottom=bottom / height, top=1 - top / height
    )
    return figure


def bar_chart(
    key: str, label: str, rows: Sequence[tuple[str, int]], xlabel: str, colors: Sequence[str] | None = None
) -> str:
    """Horizontal bars, largest first from the top, each with its count written at its end."""
    import matplotlib

    names = [name for name, _ in rows]
    values = [n for _, n in rows]
    with matplotlib.rc_context(_STYLE):
        labels = [_short(name, 40) for name in names]
        figure = _figure(
            7.5, 0.8 + 0.3 * max(len(rows), 2), left=0.3 + 0.075 * max(map(len, labels), default=1)
        )
        axes = figure.add_subplot()
        positions = range(len(rows))
        bars = axes.barh(positions, values, color=list(colors) if colors else KEPT_COLOR, height=0.7)
        axes.set_yticks(list(positions), labels)
        axes.invert_yaxis()
        axes.bar_label(bars, labels=[f"{n:,}" for n in values], padding=3, fontsize=9)
        axes.set_xlabel(xlabel)
        axes.set_xlim(0, max(values, default=1) * 1.15 or 1)
        axes.xaxis.get_major_locator().set_params(integer=True)
        return _svg(figure, key, label)


def histogram_chart(key: str, label: str, buckets: Sequence[dict[str, Any]]) -> str:
    """The length histogram: one bar per word bucket (the summary's `kept_words_histogram`)."""
    import matplotlib

    names = [bucket_name(b) for b in buckets]
    values = [b["documents"] for b in buckets]
    with matplotlib.rc_context(_STYLE):
        figure = _figure(7.5, 3.2, left=0.75, bottom=0.85)
        axes = figure.add_subplot()
        bars = axes.bar(range(len(values)), values, color=KEPT_COLOR, width=0.8)
        axes.set_xticks(range(len(values)), names, rotation=30, ha="right", rotation_mode="anchor")
        axes.bar_label(bars, labels=[f"{n:,}" if n else "" for n in values], padding=2, fontsize=9)
        axes.set_xlabel("words per document")
        axes.set_ylabel("documents kept")
        axes.set_ylim(0, max(values, default=1) * 1.15 or 1)
        axes.yaxis.get_major_locator().set_params(integer=True)
        return _svg(figure, key, label)


def trend_chart(key: str, label: str, runs: Sequence[dict[str, Any]]) -> str:
    """Documents kept and rejected per run, oldest to newest (the report's `trend_rows`)."""
    import matplotlib

    with matplotlib.rc_context(_STYLE):
        figure = _figure(7.5, 3.6, left=0.75, bottom=0.95, top=0.45)
        axes = figure.add_subplot()
        positions = list(range(len(runs)))
        for field, color, name in (("kept", KEPT_COLOR, "kept"), ("rejected", REJECTED_COLOR, "rejected")):
            axes.plot(positions, [r[field] for r in runs], marker="o", color=color, label=name)
        step = max(1, len(runs) // 10)
        ticks = positions[::step]
        axes.set_xticks(
            ticks, [runs[i]["when"] for i in ticks], rotation=30, ha="right", rotation_mode="anchor"
        )
        axes.set_xlim(-0.5, max(len(runs) - 0.5, 0.5))
        axes.set_ylim(bottom=0)
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.set_ylabel("documents")
        axes.legend(loc="lower left", bbox_to_anchor=(0, 1.02), frameon=False, ncols=2, borderaxespad=0)
        return _svg(figure, key, label)


def bucket_name(bucket: dict[str, Any]) -> str:
    high = bucket["max_words"]
    return f"{bucket['min_words']:,}+" if high is None else f"{bucket['min_words']:,}–{high:,}"


def _short(name: str, limit: int) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"
