"""`python -m ingest` as a user runs it: a real subprocess, real folders."""

import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq


def ingest(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ingest", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_defaults_read_raw_and_write_clean(seeds_raw: Path) -> None:
    project = seeds_raw.parent
    result = ingest(cwd=project)
    assert result.returncode == 0, result.stderr
    assert "5 files read, 5 documents kept, 0 rejected" in result.stdout
    assert "lines removed by rule:" in result.stdout
    assert pq.read_table(project / "clean" / "documents").num_rows == 5


def test_options_and_config(seeds_raw: Path, tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[language]\nallowed = ["fr"]\n', encoding="utf-8")
    result = ingest(
        "--raw", str(seeds_raw), "--out", str(tmp_path / "o"), "--config", str(config), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "language" in result.stdout
    assert pq.read_table(tmp_path / "o" / "rejected").num_rows == 5


def test_help_explains(tmp_path: Path) -> None:
    result = ingest("--help", cwd=tmp_path)
    assert result.returncode == 0
    for word in ("--raw", "--out", "--config", "rejected", "Exit status"):
        assert word in result.stdout


def test_run_level_failures_exit_nonzero_with_one_line(tmp_path: Path) -> None:
    missing = ingest("--raw", str(tmp_path / "missing"), cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.strip().count("\n") == 0
    assert "raw folder not found" in missing.stderr

    (tmp_path / "raw").mkdir()
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    unwritable = ingest("--out", str(blocker / "out"), cwd=tmp_path)
    assert unwritable.returncode == 2
    assert "not writable" in unwritable.stderr

    bad_config = tmp_path / "bad.toml"
    bad_config.write_text("[nope]\n", encoding="utf-8")
    result = ingest("--config", str(bad_config), cwd=tmp_path)
    assert result.returncode == 2
    assert "unknown setting nope" in result.stderr


def test_read_only_output_folder(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        return  # root writes anywhere; the not-a-folder case above covers the error path
    (tmp_path / "raw").mkdir()
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o500)
    assert ingest("--out", str(out), cwd=tmp_path).returncode == 2


def test_second_run_on_same_out_exits_with_clear_message(seeds_raw: Path, tmp_path: Path) -> None:
    from test_lock import hold_lock

    out = tmp_path / "out"
    holder = hold_lock(out, 60)
    try:
        result = ingest("--raw", str(seeds_raw), "--out", str(out), cwd=tmp_path)
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 2
    assert f"another run is writing to {out} (pid {holder.pid})" in result.stderr
    assert not (out / "documents").exists()


def test_progress_bar_draws_counts_and_rate() -> None:
    import io

    from ingest.cli import Progress

    stream = io.StringIO()
    progress = Progress(stream, every=0.0)
    progress.set_total(4)
    progress.advance(1)
    progress.advance(3)
    progress.finish()
    lines = stream.getvalue().split("\r")
    assert "1/4 files  25%" in lines[1]
    assert lines[-1].startswith("[" + "#" * Progress.WIDTH + "] 4/4 files 100%")
    assert lines[-1].endswith("\n")
    quiet = io.StringIO()
    short = Progress(quiet, every=60.0)
    short.set_total(2)
    short.advance(2)
    short.finish()
    assert quiet.getvalue() == ""
