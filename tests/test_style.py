"""The code base stays ruff-clean: checked by the same command that runs the tests."""

import subprocess
import sys

from conftest import ROOT


def test_ruff_is_clean() -> None:
    paths = [p for p in ("src", "tests", "flows", "benchmarks") if (ROOT / p).exists()]
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
