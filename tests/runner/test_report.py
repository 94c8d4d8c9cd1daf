"""The run report: markdown for the flow's artifacts, and the HTML page a committed run writes under
OUT/_runs/, checked by parsing real reports of real runs of the sample inputs."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pyarrow.parquet as pq
import pytest
from fault_harness import assert_settled, complete, start
from lxml import etree

from ingest.config import IngestConfig, RunConfig
from ingest.runner.charts import LABEL_LIMIT
from ingest.runner.pipeline import run
from ingest.runner.report import report_markdown, summary_markdown, summary_tables
from ingest.runner.report_page import TREND_RUNS, load_trend, report_html

ROOT = Path(__file__).resolve().parents[2]
CHARTS = ("outcome", "lines-removed", "hosts", "languages", "lengths", "trend")
SUMMARY = {
    "run_id": "r1", "raw": "raw", "out": "clean", "pipeline_version": "0.1.0", "seconds": 1.5,
    "files_read": 7, "documents_kept": 5, "documents_rejected": 2,
    "rejected_by_reason": {"empty": 1, "exact_duplicate": 1},
    "lines_removed_by_rule": {"price_widget": 48, "comment_form": 3},
}  # fmt: skip
PROFILE = {
    "kept_by_host": {"example.com": 4, "(no url)": 1}, "kept_by_language": {"en": 5},
    "kept_words_histogram": [{"min_words": 0, "max_words": 49, "documents": 1},
                             {"min_words": 50, "max_words": None, "documents": 4}],
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


class Page(HTMLParser):
    """What a report page holds: its tags and attributes, its text, its table rows, and which sections
    (by `aria-labelledby`) draw an inline <svg>."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.title = ""
        self.rows: list[list[str]] = []
        self.drawn: dict[str, dict[str, str]] = {}
        self.headings: set[str] = set()
        self._section = self._stack_tag = ""
        self._in_svg = False  # an SVG <title> is a chart's tooltip, not the page's title
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = {k: v or "" for k, v in attrs}
        self.tags.append((tag, found))
        self._stack_tag = tag
        self._in_svg = self._in_svg or tag == "svg"
        if tag == "section":
            self._section = found.get("aria-labelledby", "")
        elif tag == "svg" and self._section and self._section not in self.drawn:
            self.drawn[self._section] = found
        elif tag == "h2":
            self.headings.add(found.get("id", ""))
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th") and self.rows:
            self.rows[-1].append("")

    def handle_data(self, data: str) -> None:
        if self._stack_tag == "title" and not self._in_svg:
            self.title += data
        elif self._stack_tag in ("td", "th") and self.rows and self.rows[-1]:
            self.rows[-1][-1] += data

    def handle_endtag(self, tag: str) -> None:
        self._stack_tag = ""
        self._in_svg = self._in_svg and tag != "svg"


def assert_self_contained(text: str, page: Page) -> None:
    """No script, stylesheet, image, frame or font to fetch, every link inside the page, and no URL at all
    but the SVG namespace names (which are never fetched)."""
    assert not {tag for tag, _ in page.tags} & {"script", "link", "img", "iframe", "object", "embed", "base"}
    for tag, attrs in page.tags:
        for name in ("src", "href", "xlink:href", "action", "data", "srcset"):
            assert attrs.get(name, "#").startswith("#"), (tag, name, attrs[name])
    without_namespaces = re.sub(r'xmlns(:\w+)?="http://www\.w3\.org/[^"]*"', "", text)
    assert not re.search(r"https?:|//[a-z]|@import|url\((?!#)", without_namespaces, re.IGNORECASE)


def expected_host(url: str | None, site: str | None) -> str:
    host = urlsplit(url).hostname if url else None
    if host:
        return host.removeprefix("www.")
    return site.lower() if site and site.strip() else "(no url)"


def table_rows(page: Page) -> set[tuple[str, ...]]:
    return {tuple(row) for row in page.rows}


@pytest.mark.slow
def test_runs_write_a_self_contained_report_and_its_trend(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    samples = sorted(p for p in (ROOT / "raw").iterdir() if p.is_file())
    for path in samples[:-1]:
        shutil.copy(path, raw / path.name)
    config = IngestConfig(run=RunConfig(workers=1))
    first = run(raw, out, config)
    assert first.report == f"_runs/{first.run_id}.html"
    text = (out / first.report).read_text(encoding="utf-8")
    page = Page(text)
    assert page.title == f"ingest run {first.run_id}"
    assert set(CHARTS) <= page.headings
    assert set(page.drawn) == set(CHARTS), "every chart is drawn as inline SVG"
    assert all(svg.get("role") == "img" and svg.get("aria-label") for svg in page.drawn.values())
    assert_self_contained(text, page)
    # The counts, as text: the key numbers, each rejection reason, rule, host and language.
    rows = table_rows(page)
    assert ("documents kept", str(first.documents_kept)) in rows
    assert ("documents rejected", str(first.documents_rejected)) in rows
    assert {(f"rejected: {r}", str(n)) for r, n in first.rejected_by_reason.items()} <= rows
    assert {(r, str(n)) for r, n in first.lines_removed_by_rule.items()} <= rows
    assert {(h, str(n)) for h, n in first.kept_by_host.items()} <= rows
    # The profile is the run's own rows, counted independently here from the Parquet it wrote.
    kept = pq.read_table(out / "documents", columns=["url", "site", "language", "n_words"]).to_pylist()
    assert len(kept) == first.documents_kept > 0
    assert first.kept_by_host == dict(Counter(expected_host(r["url"], r["site"]) for r in kept))
    assert first.kept_by_language == dict(Counter(r["language"] or "(none)" for r in kept))
    assert sum(b["documents"] for b in first.kept_words_histogram) == len(kept)
    assert [r["run_id"] for r in load_trend(out / "_runs", first.to_dict())] == [first.run_id]

    shutil.copy(samples[-1], raw / samples[-1].name)
    second = run(raw, out, config)
    page = Page((out / second.report).read_text(encoding="utf-8"))
    trend = {row for row in table_rows(page) if row and row[0] in (first.run_id, second.run_id)}
    assert trend == {
        (first.run_id, str(first.documents_kept), str(first.documents_rejected)),
        (second.run_id, str(second.documents_kept), str(second.documents_rejected)),
    }
    assert "last 2 runs" in page.drawn["trend"]["aria-label"]
    # Only the second run's rows are profiled, not the whole dataset.
    assert sum(second.kept_by_host.values()) == second.documents_kept < first.documents_kept + 1
    assert (out / first.report).is_file(), "earlier reports stay"

    nothing = run(raw, out, config)
    assert not nothing.committed and nothing.report == ""
    assert sorted(p.name for p in (out / "_runs").glob("*.html")) == [
        f"{first.run_id}.html",
        f"{second.run_id}.html",
    ]
    assert report_markdown(nothing.to_dict()).startswith("# ingest: nothing to do")


@pytest.mark.slow
def test_report_off_still_profiles_the_run(seeds_raw: Path, tmp_path: Path) -> None:
    summary = run(seeds_raw, tmp_path / "out", IngestConfig(run=RunConfig(workers=1, report=False)))
    assert summary.committed and summary.report == ""
    assert not list((tmp_path / "out" / "_runs").glob("*.html"))
    assert sum(summary.kept_by_language.values()) == summary.documents_kept == 5


@pytest.mark.slow
def test_a_report_that_cannot_be_drawn_never_fails_the_run(seeds_raw: Path, tmp_path: Path) -> None:
    """A chart that cannot be drawn (a bug in the drawing code, stood in for by a chart function that
    raises): the run commits, and says why it has no report."""
    out = tmp_path / "out"
    code = (
        "from pathlib import Path\n"
        "from ingest.runner import charts\n"
        "def broken(*args, **kwargs): raise ValueError('cannot draw')\n"
        "charts.histogram_chart = broken\n"
        "from ingest.config import IngestConfig, RunConfig\n"
        "from ingest.runner.pipeline import run\n"
        f"s = run(Path({str(seeds_raw)!r}), Path({str(out)!r}), IngestConfig(run=RunConfig(workers=1)))\n"
        "print(s.committed, s.documents_kept)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["True", "5"]
    assert "the run report could not be written" in result.stderr  # logged
    (summary_file,) = (out / "_runs").glob("*.json")
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    assert summary["report"] == "" and any("report could not be written" in w for w in summary["warnings"])
    assert summary["kept_by_language"] == {"en": 5}
    assert not list((out / "_runs").glob("*.html")) and not list((out / "_runs").glob(".*"))


@pytest.mark.slow
@pytest.mark.parametrize("point", ["run:reported", "apply:reported"])
def test_a_run_killed_around_its_report_never_leaves_half_a_report(
    seeds_raw: Path, tmp_path: Path, point: str
) -> None:
    out = tmp_path / "out"
    proc = start(seeds_raw, out, env={"INGEST_FAULT": point})
    proc.communicate(timeout=300)
    assert proc.returncode == -9
    complete(seeds_raw, out)  # recovers (apply:reported) or redoes (run:reported) the killed run
    assert_settled(out)
    reports = sorted((out / "_runs").glob("*.html"))
    assert len(reports) == len(list((out / "_runs").glob("*.json"))) == 1
    assert reports[0].read_text(encoding="utf-8").endswith("</html>\n")


def test_trend_takes_the_last_runs_and_skips_unreadable_summaries(tmp_path: Path) -> None:
    runs = tmp_path / "_runs"
    runs.mkdir()
    for i in range(40):
        data = {"run_id": f"r{i:03d}", "committed": True, "documents_kept": i, "documents_rejected": 1}
        (runs / f"r{i:03d}.json").write_text(json.dumps(data), encoding="utf-8")
    (runs / "r039.json").write_text('{"run_id": "r039", "committed": true, "documents_kept": "many"}')
    (runs / "r038.json").write_text("{not json")
    (runs / "r037.html").write_text("<html></html>")
    current = {"run_id": "r100", "committed": True, "documents_kept": 7, "documents_rejected": 0}
    trend = load_trend(runs, current)
    assert len(trend) == TREND_RUNS
    assert [t["run_id"] for t in trend] == [*(f"r{i:03d}" for i in range(9, 38)), "r100"]
    assert trend[-1]["kept"] == 7


def test_report_markdown_inlines_every_chart_as_svg(tmp_path: Path) -> None:
    summary = {
        **SUMMARY, "out": str(tmp_path), "committed": True, "run_id": "20260101T000000000000Z",
        "started_at": "2026-01-01T00:00:00+00:00", "report": "_runs/20260101T000000000000Z.html",
        "kept_by_host": {"example.com": 4, "(no url)": 1}, "kept_by_language": {"en": 5},
        "kept_words_histogram": [{"min_words": 0, "max_words": None, "documents": 5}],
    }  # fmt: skip
    text = report_markdown(summary)
    images = re.findall(r"!\[([^\]]+)\]\(data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)\)", text)
    assert len(images) == len(CHARTS)
    for _, data in images:
        svg = base64.b64decode(data).decode("utf-8")
        assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "| example.com | 4 |" in text and "| price_widget | 48 |" in text
    assert "data:image" not in report_markdown(summary, charts=False)


def test_drawing_the_report_imports_only_the_standard_library() -> None:
    """The charts are SVG text written by `ingest.runner.charts`, which needs nothing outside the standard
    library, and drawing a whole report page loads no further module (no plotting library): the report's
    cost is drawing, not importing (its CPU time is measured by the benchmarks, not asserted here)."""
    code = (
        "import sys\n"
        "outside = lambda names: sorted({m.split('.')[0] for m in names} - set(sys.stdlib_module_names))\n"
        "before = set(sys.modules)\n"
        "import ingest.runner.charts\n"
        "print(outside(set(sys.modules) - before))\n"
        "from ingest.runner.report_page import report_html\n"
        f"summary = {dict(SUMMARY, started_at='2026-01-01T00:00:00+00:00', **PROFILE)!r}\n"
        "trend = [{'run_id': f'r{i}', 'when': f'01-{i + 1:02d} 10:00', 'kept': i, 'rejected': 30 - i}"
        " for i in range(30)]\n"
        "before = set(sys.modules)\n"
        "page = report_html(summary, trend)\n"
        "print(outside(set(sys.modules) - before))\n"
        "print(page.count('<svg'))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    charts_imports, page_imports, drawn = result.stdout.splitlines()
    assert (charts_imports, page_imports) == ("['ingest']", "[]")
    assert int(drawn) == len(CHARTS)


def chart_svgs(page: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", page, re.DOTALL)


def test_chart_labels_from_the_data_are_escaped_and_every_svg_is_xml() -> None:
    """Host, rule and reason names come from the data: markup characters in them stay text (escaped, in
    labels, tooltips and the text alternative), characters XML forbids are replaced, long names are cut
    for the label, and every chart is a well-formed SVG document on its own (as the flow's markdown
    embeds it). The same data draws the same bytes."""
    nasty = "<script>alert(\"x\")</script> & 'quoted' \x0c"
    long_name = "a-very-long-host-name-" * 4 + ".example"
    summary = {
        **SUMMARY, **PROFILE, "started_at": "2026-01-01T00:00:00+00:00",
        "lines_removed_by_rule": {nasty: 3, "price_widget": 48},
        "rejected_by_reason": {"a&b<c>": 2},
        "kept_by_host": {nasty: 2, long_name: 1, "example.com": 4},
    }  # fmt: skip
    trend = [{"run_id": "r0", "when": '<then> & "now"', "kept": 1, "rejected": 0}]
    page = report_html(summary, trend)
    assert page == report_html(summary, trend)
    svgs = chart_svgs(page)
    assert len(svgs) == len(CHARTS)
    texts = []
    for svg in svgs:
        root = etree.fromstring(svg.encode("utf-8"))  # raises on anything not well-formed
        assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("role") == "img"
        assert not root.xpath("//*[local-name()='script' or local-name()='foreignObject']")
        texts += [t.text for t in root.iter("{*}text", "{*}title")]
    assert "<script>alert(\"x\")</script> & 'quoted' \ufffd" in texts
    assert "rejected: a&b<c>" in texts and '<then> & "now"' in texts
    assert long_name not in texts and long_name[: LABEL_LIMIT - 1] + "…" in texts
    assert any(long_name in t for t in texts), "the full name stays in the bar's tooltip"
    assert "<script" not in page.replace("&lt;script", "")
    page_parsed = Page(page)
    assert_self_contained(page, page_parsed)
    assert (nasty, "3") in table_rows(page_parsed)
