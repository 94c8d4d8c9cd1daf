"""The real CLI on one raw folder of hostile and malformed files beside good ones: every file gets its row
and reason, the run exits 0 with bounded memory and time, the good files are all ingested, nothing outside
the raw folder is read, and what could not be read is tried again by the next run.

The CLI runs under a small wrapper that measures its peak RSS (largest process, workers included) and,
when the tests run as root, drops the process's capabilities so that a folder with mode 000 really cannot
be listed (root reads any folder otherwise).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import ROOT
from hostile_files import SECRET, article, build

pytestmark = pytest.mark.slow

CONFIG = """
[clean]
max_chars = 100000

[read]
max_document_seconds = 8

[run]
workers = 2
parallel_min_files = 1
stream_file_bytes = 100000
"""
"""Workers on, and every file over 100 KB read by the main process and split into tasks: the pool path,
the heavier of the two. `clean.max_chars` lowered so a text over it is quick to build."""

WRAPPER = r"""
import ctypes, json, os, resource, subprocess, sys

def drop_capabilities():
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in range(64):
        libc.prctl(24, cap, 0, 0, 0)  # PR_CAPBSET_DROP: the exec'd CLI gets no capability

result = subprocess.run(sys.argv[1:], preexec_fn=drop_capabilities if os.geteuid() == 0 else None,
                        capture_output=True, text=True)
sys.stderr.write(result.stderr)
print(json.dumps({"rc": result.returncode, "stdout": result.stdout,
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""

GOOD_KEPT = 10
"""Documents the eight sample files of raw/ give (one more WARC record is an unsupported image)."""
PEAK_RSS_MIB = 1024
"""Bound on any process of the run: the bombs decompress to 10 GiB and more."""


def run_cli(raw: Path, out: Path, config: Path) -> tuple[dict, float]:
    command = [sys.executable, "-m", "ingest", "--raw", str(raw), "--out", str(out), "--config", str(config)]
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", WRAPPER, *command], capture_output=True, text=True, timeout=600, cwd=ROOT
    )
    seconds = time.monotonic() - start
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["rc"] == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return report, seconds


def rows(out: Path) -> list[dict]:
    kept = pq.read_table(out / "documents").to_pylist()
    rejected = pq.read_table(out / "rejected").to_pylist()
    return [dict(r, outcome="kept") for r in kept] + [dict(r, outcome=r["reason"]) for r in rejected]


def test_every_hostile_file_gets_its_row_and_the_run_goes_on(tmp_path: Path) -> None:
    raw, out, config = tmp_path / "raw", tmp_path / "out", tmp_path / "ingest.toml"
    raw.mkdir()
    config.write_text(CONFIG, encoding="utf-8")
    shutil.copytree(ROOT / "raw", raw / "good")
    expected = build(raw, tmp_path / "outside")
    (raw / "locked").chmod(0)
    try:
        report, seconds = run_cli(raw, out, config)
    finally:
        (raw / "locked").chmod(0o755)
    print(f"first run: {seconds:.1f} s, peak RSS {report['peak_rss_mib']:.0f} MiB\n{report['stdout']}")
    assert report["peak_rss_mib"] < PEAK_RSS_MIB
    assert seconds < 300

    found = rows(out)
    by_path: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for row in found:
        by_path[row["source_path"]].append((row["source_record"], row["outcome"]))
    good = {p: v for p, v in by_path.items() if p.startswith("good/")}
    assert sum(o == "kept" for v in good.values() for _, o in v) == GOOD_KEPT
    assert [o for v in good.values() for _, o in v if o != "kept"] == ["unsupported"]
    hostile = {p: sorted(v) for p, v in by_path.items() if not p.startswith("good/")}
    assert hostile == {p: sorted(v) for p, v in expected.items()}

    row = {(r["source_path"], r["source_record"]): r for r in found}
    everything = json.dumps(found, default=str, ensure_ascii=False)
    assert SECRET not in everything and "root:x:0:0" not in everything  # nothing outside RAW was read
    assert "\ufffd" in row["surrogate-url.jsonl", 0]["url"]
    assert "then the rest" in row["surrogate-html.jsonl", 0]["text"]  # the paragraph is not cut
    for lang, word in {"fr": "débat", "de": "Straße", "ru": "бюджет"}.items():
        doc = row[f"truncated-utf8-{lang}.txt", 0]
        assert (doc["encoding"], word in doc["text"]) == ("utf-8", True)
    for codec in ("base64", "hex", "rot13", "zip", "uu", "quopri", "undefined"):
        assert "Café" in row[f"meta-{codec}.html", 0]["text"]
    cut = row["over-max-chars.txt", 0]
    assert [r["rule"] for r in cut["removed"]].count("max_chars") == 1
    assert len(cut["text"]) <= 100_000 and cut["text"].endswith(").")  # whole sentences only
    assert article("link-target").split(".")[0] in row["linked.txt", 0]["text"]
    swallowed_page = article("swallow1").split(".")[0]
    assert swallowed_page not in everything
    assert "WARC record" in row["swallow.warc", 0]["detail"]
    assert "FIFO" in row["pipe.txt", 0]["detail"] and "socket" in row["sock", 0]["detail"]
    assert "cannot be listed" in row["locked", 0]["detail"]
    assert "outside the raw folder" in row["passwd.txt", 0]["detail"]

    # The next run reads only what could not be read: the folder now listable (its file is new), and the
    # broken links and the page that timed out (retried).
    report, seconds = run_cli(raw, out, config)
    print(f"second run: {seconds:.1f} s, peak RSS {report['peak_rss_mib']:.0f} MiB\n{report['stdout']}")
    assert re.search(r"\b4 files read\b.*\n.*\b1 new\b.*\b3 retried\b", report["stdout"]), report["stdout"]
    again = {(r["source_path"], r["source_record"]): r["outcome"] for r in rows(out)}
    assert again["locked/inside.txt", 0] == "kept"
    assert again["dangling.txt", 0] == again["loop.txt", 0] == "unreadable"
