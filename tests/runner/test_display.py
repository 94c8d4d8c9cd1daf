"""Progress while a run works: worker ticks counted across real processes, the log lines a run without a
terminal writes, and the bar a terminal gets (a real pseudo-terminal)."""

from __future__ import annotations

import multiprocessing
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

from samples import article

from ingest.runner.ticks import DOCUMENT, FILE, TickCounter, tick


def _worker(n: int) -> None:
    for _ in range(n):
        tick(DOCUMENT)
    tick(FILE)


def test_ticks_of_forked_processes_are_counted() -> None:
    context = multiprocessing.get_context("fork")
    with TickCounter() as counter:
        procs = [context.Process(target=_worker, args=(n,)) for n in (3, 5, 7)]
        for proc in procs:
            proc.start()
        for proc in procs:
            proc.join()
    assert (counter.documents, counter.files) == (15, 3)
    tick(DOCUMENT)  # no counter open: nothing happens, nothing raises


def _articles(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"a{i:03d}.txt").write_text(article(i), encoding="utf-8")
    return folder


def _env() -> dict[str, str]:
    return {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "COLUMNS": "140"}


def test_without_a_terminal_a_line_every_few_seconds(tmp_path: Path) -> None:
    raw = _articles(tmp_path / "raw", 120)
    args = ["--raw", str(raw), "--out", str(tmp_path / "out"), "--progress-every", "0.05"]
    result = subprocess.run(
        [sys.executable, "-m", "ingest", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=_env(),
    )
    assert result.returncode == 0, result.stderr
    assert "\r" not in result.stderr  # a log, not a redrawn bar
    lines = result.stderr.splitlines()
    stamp = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ingest: "
    counts = [re.match(stamp + r"processing (\d+)/120 files \(\d+%\), (\d+) documents", x) for x in lines]
    assert any(counts), lines
    assert all(re.match(stamp, line) for line in lines), lines
    phases = [line.split("ingest: ")[1] for line in lines if "processing" not in line]
    assert phases == ["recurring lines", "duplicates", "committing"]
    assert "120 files read" in result.stdout


def test_on_a_terminal_the_bar_moves_per_document(tmp_path: Path) -> None:
    raw = _articles(tmp_path / "raw", 200)
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ingest", "--raw", str(raw), "--out", str(tmp_path / "out")],
        stdout=subprocess.PIPE,
        stderr=follower,
        env=_env(),
    )
    os.close(follower)
    screen = b""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.5)
        if ready:
            try:
                data = os.read(leader, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            screen += data
        elif proc.poll() is not None:
            break
    out, _ = proc.communicate(timeout=60)
    os.close(leader)
    assert proc.returncode == 0, screen.decode(errors="replace")
    text = screen.decode("utf-8", errors="replace")
    assert "200 files read" in out.decode()
    done = [int(m) for m in re.findall(r"(\d+)/200", text)]
    assert done and max(done) == 200
    # Work units of this run hold 25 files: a bar fed per unit shows multiples of 25 only.
    assert len({n for n in done if n % 25}) >= 2, sorted(set(done))
    assert "done" in text and "docs/s" in text
