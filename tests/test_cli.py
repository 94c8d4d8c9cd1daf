"""`python -m ingest` as a user runs it: a real subprocess, real folders."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

from ingest import __version__


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
    from samples import hold_lock

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


def test_version_and_help_import_no_heavy_module(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from ingest.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = {'trafilatura', 'prefect', 'numpy', 'pyarrow', 'lxml', 'langdetect', 'ftfy',\n"
        "         'ingest.runner.pipeline'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout + result.stderr
    version = ingest("--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.strip() == f"ingest {__version__}"


def test_print_config_is_toml_that_loads_back_to_the_same_config(tmp_path: Path) -> None:
    from ingest.config import load_config

    (tmp_path / "my.toml").write_text("[dedup]\nthreshold = 0.7\n")
    result = ingest("--config", "my.toml", "--workers", "3", "--print-config", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (tmp_path / "effective.toml").write_text(result.stdout)
    config = load_config(tmp_path / "effective.toml")
    assert (config.dedup.threshold, config.run.workers) == (0.7, 3)
    assert not (tmp_path / "clean").exists()


def test_dry_run_lists_what_a_run_would_do_and_writes_nothing(seeds_raw: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert ingest("--raw", str(seeds_raw), "--out", str(out), "--quiet", cwd=tmp_path).returncode == 0
    (seeds_raw / "new.txt").write_text("A new story about the river and the bridge.\n")
    before = sorted(p.name for p in out.iterdir())
    result = ingest("--raw", str(seeds_raw), "--out", str(out), "--dry-run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "1 files to process: 1 new, 0 changed, 0 retried; 5 unchanged, 0 missing"
    assert lines[1:] == ["new      new.txt"]
    assert sorted(p.name for p in out.iterdir()) == before
    again = ingest(
        "--raw", str(seeds_raw), "--out", str(out), "--reprocess", "all", "--dry-run", cwd=tmp_path
    )
    assert again.stdout.splitlines()[0].startswith("6 files to process: 1 new, 5 changed")


def test_a_run_loads_with_the_collector_off_then_freezes(seeds_raw: Path, tmp_path: Path) -> None:
    code = (
        "import gc, sys\n"
        "from ingest import cli\n"
        "from ingest.runner import units\n"
        "from ingest.steps import document\n"
        "seen = []\n"
        "warm_up, spill_units = document.warm_up, units.spill_units\n"
        "def loading(config):\n"
        "    seen.append(('loading', gc.isenabled(), gc.get_freeze_count()))\n"
        "    warm_up(config)\n"
        "def running(*args):\n"
        "    seen.append(('running', gc.isenabled(), gc.get_freeze_count()))\n"
        "    return spill_units(*args)\n"
        "document.warm_up, units.spill_units = loading, running\n"
        "assert cli.main(['--raw', sys.argv[1], '--out', sys.argv[2], '--quiet']) == 0\n"
        "seen.append(('after', gc.isenabled(), gc.get_freeze_count()))\n"
        "assert cli.main(['--raw', sys.argv[1], '--out', sys.argv[2], '--quiet']) == 0\n"  # nothing to do
        "seen.append(('nothing to do', gc.isenabled(), gc.get_freeze_count()))\n"
        "print(seen)\n"
    )
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-c", code, str(seeds_raw), str(out)], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    seen = ast.literal_eval(result.stdout.strip().splitlines()[-1])
    assert [s[0] for s in seen] == ["loading", "running", "after", "nothing to do"]
    assert seen[0][1:] == (False, 0), "the collector is off while the pipeline loads"
    assert seen[1][1] is True and seen[1][2] > 50_000, "on, and the loaded objects frozen, for the run"
    assert seen[2][1:] == (True, 0) and seen[3][1:] == (True, 0), "the caller's collector as it was"
    assert (out / "documents").is_dir()
