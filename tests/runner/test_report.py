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

from ingest.config import IngestConfig, RunConfig
from ingest.runner.pipeline import run
from ingest.runner.report import report_markdown, summary_markdown, summary_tables
from ingest.runner.report_page import TREND_RUNS, load_trend

ROOT = Path(__file__).resolve().parents[2]
CHARTS = ("outcome", "lines-removed", "hosts", "languages", "lengths", "trend")
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
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = {k: v or "" for k, v in attrs}
        self.tags.append((tag, found))
        self._stack_tag = tag
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
        if self._stack_tag == "title":
            self.title += data
        elif self._stack_tag in ("td", "th") and self.rows and self.rows[-1]:
            self.rows[-1][-1] += data

    def handle_endtag(self, tag: str) -> None:
        self._stack_tag = ""


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
    """matplotlib unimportable (a broken or slimmed install): the run commits, says why it has no report."""
    out = tmp_path / "out"
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "from pathlib import Path\n"
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


def test_only_drawing_imports_matplotlib() -> None:
    """The run skeleton, the executors and the report's markdown tables load no matplotlib: only drawing
    a chart does (the per-document path and `--help` stay light)."""
    code = (
        "import sys\n"
        "import ingest.runner.pipeline, ingest.runner.units, ingest.runner.batch_pool\n"
        "from ingest.runner.report import report_markdown\n"
        "s = {'run_id': 'r', 'raw': 'a', 'out': 'b', 'seconds': 0, 'pipeline_version': 'v'}\n"
        "s['committed'] = True\n"
        "report_markdown(s, [], charts=False)\n"
        "print('matplotlib' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
