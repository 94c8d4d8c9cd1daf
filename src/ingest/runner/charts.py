"""The run report's charts, written as SVG text by hand: horizontal bars, a histogram and a trend line.

The charts are simple (bars, integer axis ticks, labels, two polylines), so they are composed here from
a handful of SVG elements instead of a plotting library: drawing all six takes milliseconds and imports
nothing but the standard library, where matplotlib cost most of a second of CPU per run (import and six
figures) and the light SVG chart libraries either lack what the charts show (a count at the end of each
bar, slanted tick labels) or emit a script and random ids that would have to be stripped again.

Conventions, so the output is small, readable and the same bytes for the same data:
- sizes are CSS pixels in a `viewBox`, so the page scales a chart down to its column (`max-width:100%`);
- coordinates are written with at most one decimal (`_num`);
- text stays `<text>` in a generic sans-serif family (searchable, and no font to fetch); margins are sized
  from an average glyph width (`CHAR_WIDTH`) since there are no font metrics without a renderer;
- every piece of text, labels included (host and rule names come from the data), goes through `_esc`:
  markup characters are escaped and characters XML forbids are replaced, so the SVG is well-formed XML
  both inline in the HTML page and as a standalone `data:image/svg+xml` image in the flow's markdown;
- each bar and point carries a `<title>` (its full name and count): a tooltip without any script.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from typing import Any

KEPT_COLOR = "#2f6f9f"
REJECTED_COLOR = "#c8553d"
TEXT_COLOR = "#1d2730"
AXIS_COLOR = "#44525e"
GRID_COLOR = "#e3e8ec"
WIDTH = 720
"""Every chart's width in CSS pixels (7.5 inches at 96 per inch)."""
FONT_SIZE = 13
CHAR_WIDTH = 0.6 * FONT_SIZE
"""Average advance of a sans-serif glyph, to size the label margins."""
LABEL_LIMIT = 40
"""Longer bar labels are cut with an ellipsis (the full name is in the bar's tooltip and the table)."""
_FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def bar_chart(
    label: str, rows: Sequence[tuple[str, int]], xlabel: str, colors: Sequence[str] | None = None
) -> str:
    """Horizontal bars in the order given (largest first, from the top), each with its name on the left and
    its count written at its end; `colors` gives one color per row (default: all `KEPT_COLOR`)."""
    names = [_short(name, LABEL_LIMIT) for name, _ in rows]
    counts = [f"{n:,}" for _, n in rows]
    ticks = _ticks(max((n for _, n in rows), default=0))
    row_height, top = 24, 8
    left = 12 + CHAR_WIDTH * max(map(len, names), default=1)
    right = WIDTH - 10 - CHAR_WIDTH * max(map(len, counts), default=1)
    bottom = top + row_height * max(len(rows), 1)
    x = _scale(0, ticks[-1], left, right)
    body = _x_axis(ticks, x, top, bottom)
    for i, ((name, n), short, count) in enumerate(zip(rows, names, counts, strict=True)):
        y = top + i * row_height
        middle = y + row_height / 2
        color = colors[i] if colors else KEPT_COLOR
        title = f"{name}: {count}"
        body.append(_rect(title, left, y + 0.15 * row_height, x(n) - left, 0.7 * row_height, color))
        body.append(_text(left - 6, middle, short, anchor="end"))
        body.append(_text(x(n) + 4, middle, count, size=FONT_SIZE - 1))
    body.append(_text((left + right) / 2, bottom + 36, xlabel, anchor="middle"))
    return _svg(label, bottom + 48, body)


def histogram_chart(label: str, buckets: Sequence[dict[str, Any]]) -> str:
    """The length histogram: one column per word bucket (the summary's `kept_words_histogram`), each
    with its count above it, the bucket names slanted under the columns."""
    names = [bucket_name(b) for b in buckets]
    values = [int(b["documents"]) for b in buckets]
    left, right, top, bottom = 72.0, WIDTH - 12.0, 22.0, 214.0
    ticks = _ticks(max(values, default=0))
    y = _scale(0, ticks[-1], bottom, top)
    slot = (right - left) / max(len(values), 1)
    body = _y_axis(ticks, y, left, right, "documents kept")
    for i, (name, n) in enumerate(zip(names, values, strict=True)):
        middle = left + (i + 0.5) * slot
        title = f"{name} words: {n:,}"
        body.append(_rect(title, middle - 0.4 * slot, y(n), 0.8 * slot, bottom - y(n), KEPT_COLOR))
        if n:
            body.append(_text(middle, y(n) - 9, f"{n:,}", anchor="middle", size=FONT_SIZE - 1))
        body.append(_slanted(middle, bottom + 14, name))
    body.append(_text((left + right) / 2, bottom + 82, "words per document", anchor="middle"))
    return _svg(label, bottom + 94, body)


def trend_chart(label: str, runs: Sequence[dict[str, Any]]) -> str:
    """Documents kept and rejected per run, oldest to newest (the rows of `report_page.load_trend`): two
    lines with a dot per run, a legend above, and at most about ten slanted run times under the axis."""
    left, right, top, bottom = 72.0, WIDTH - 12.0, 40.0, 244.0
    ticks = _ticks(max((max(r["kept"], r["rejected"]) for r in runs), default=0))
    y = _scale(0, ticks[-1], bottom, top)
    slot = (right - left) / max(len(runs), 1)
    body = _y_axis(ticks, y, left, right, "documents")
    for field, color, legend_x in (("kept", KEPT_COLOR, left), ("rejected", REJECTED_COLOR, left + 80)):
        points = [(left + (i + 0.5) * slot, y(r[field])) for i, r in enumerate(runs)]
        path = " ".join(f"{_num(px)},{_num(py)}" for px, py in points)
        body.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for (px, py), run in zip(points, runs, strict=True):
            body.append(
                f"<g><title>{_esc(run['when'])}: {run[field]:,} {field}</title>"
                f'<circle cx="{_num(px)}" cy="{_num(py)}" r="3.5" fill="{color}"/></g>'
            )
        body.append(_line(legend_x, 14, legend_x + 22, 14, color, width=2))
        body.append(f'<circle cx="{_num(legend_x + 11)}" cy="14" r="3.5" fill="{color}"/>')
        body.append(_text(legend_x + 28, 14, field))
    step = max(1, len(runs) // 10)
    for i in range(0, len(runs), step):
        body.append(_slanted(left + (i + 0.5) * slot, bottom + 14, runs[i]["when"]))
    return _svg(label, bottom + 70, body)


def bucket_name(bucket: dict[str, Any]) -> str:
    """A length bucket's name: "100–200", or "6,400+" for the open last one."""
    high = bucket["max_words"]
    return f"{bucket['min_words']:,}+" if high is None else f"{bucket['min_words']:,}–{high:,}"


def _svg(label: str, height: float, body: list[str]) -> str:
    """The `<svg>` element to inline in HTML (no XML prologue), labelled for screen readers."""
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{_esc(label)}" '
        f'width="{WIDTH}" height="{_num(height)}" viewBox="0 0 {WIDTH} {_num(height)}" '
        f'font-family="{_FONT}" font-size="{FONT_SIZE}" fill="{TEXT_COLOR}">'
    )
    return "\n".join([head, *body, "</svg>"])


def _x_axis(ticks: list[int], x: Any, top: float, bottom: float) -> list[str]:
    """Vertical grid lines, the axis line and the tick labels of a horizontal value axis."""
    parts = [_line(x(0), bottom, x(ticks[-1]), bottom, AXIS_COLOR)]
    for tick in ticks:
        parts.append(_line(x(tick), top, x(tick), bottom + 4, GRID_COLOR if tick else AXIS_COLOR))
        parts.append(_text(x(tick), bottom + 16, f"{tick:,}", anchor="middle", size=FONT_SIZE - 1))
    return parts


def _y_axis(ticks: list[int], y: Any, left: float, right: float, name: str) -> list[str]:
    """Horizontal grid lines, the axis lines, the tick labels and the turned name of a vertical value axis."""
    parts = []
    for tick in ticks:
        parts.append(_line(left - 4, y(tick), right, y(tick), GRID_COLOR if tick else AXIS_COLOR))
        parts.append(_text(left - 7, y(tick), f"{tick:,}", anchor="end", size=FONT_SIZE - 1))
    top, bottom = y(ticks[-1]), y(0)
    parts.append(_line(left, top, left, bottom, AXIS_COLOR))
    middle = (top + bottom) / 2
    parts.append(_text(14, middle, name, anchor="middle", transform=f"rotate(-90 14 {_num(middle)})"))
    return parts


def _line(x1: float, y1: float, x2: float, y2: float, color: str, width: float = 1) -> str:
    """A straight line (an axis, a grid line, a legend's sample)."""
    thickness = f' stroke-width="{_num(width)}"' if width != 1 else ""
    return (
        f'<line x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}" stroke="{color}"{thickness}/>'
    )


def _rect(title: str, x: float, y: float, width: float, height: float, color: str) -> str:
    """A bar, with its `title` (name and count) as the tooltip."""
    return (
        f'<g><title>{_esc(title)}</title><rect x="{_num(x)}" y="{_num(y)}" width="{_num(width)}" '
        f'height="{_num(height)}" fill="{color}"/></g>'
    )


def _text(
    x: float, y: float, text: str, anchor: str = "start", size: int = FONT_SIZE, transform: str = ""
) -> str:
    """A line of text whose middle sits on `y` (`dy=".35em"`), anchored at `x` by its start, middle or end."""
    attributes = f' text-anchor="{anchor}"' if anchor != "start" else ""
    attributes += f' font-size="{size}"' if size != FONT_SIZE else ""
    attributes += f' transform="{transform}"' if transform else ""
    return f'<text x="{_num(x)}" y="{_num(y)}" dy=".35em"{attributes}>{_esc(text)}</text>'


def _slanted(x: float, y: float, text: str) -> str:
    """A tick label under a column, turned 30 degrees and ending at the column's middle."""
    return _text(x, y, text, anchor="end", size=FONT_SIZE - 1, transform=f"rotate(-30 {_num(x)} {_num(y)})")


def _ticks(highest: int, most: int = 6) -> list[int]:
    """Integer ticks from 0 up to at least `highest`, at most about `most` of them, spaced 1, 2 or 5
    times a power of ten (counts are whole: no tick at 2.5 documents)."""
    highest = max(int(highest), 1)
    rough = highest / (most - 1)
    power = 10 ** max(0, math.floor(math.log10(rough))) if rough >= 1 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    return list(range(0, step * math.ceil(highest / step) + 1, step))


def _scale(low: float, high: float, start: float, end: float) -> Any:
    """The linear map from data values [low, high] to pixels [start, end] (end < start turns it upward)."""
    return lambda value: start + (value - low) * (end - start) / ((high - low) or 1)


def _num(value: float) -> str:
    """A coordinate with at most one decimal, no trailing zero: "12", "12.5", never "-0"."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _esc(text: str) -> str:
    """Text safe in SVG content and attribute values: characters XML forbids (control characters, lone
    surrogates) become U+FFFD, then `&`, `<`, `>` and both quotes are escaped."""
    return html.escape(_NOT_XML.sub("\ufffd", str(text)), quote=True)


def _short(name: str, limit: int) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"
