from __future__ import annotations

import os

os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the same examples every time (HYPOTHESIS_PROFILE=ci in .ci/run): a red build is then a change's
# doing, not a new random draw. Local runs keep drawing new examples, which is how bugs get found.
settings.register_profile("ci", derandomize=True, print_blob=True)
# Nightly (HYPOTHESIS_PROFILE=nightly, docs/development/fuzzing.md): fresh draws and many more examples for
# the fuzzing suites (readers in tests/test_readers_fuzz.py, cleaner in tests/test_fixpoint.py, which scales
# its budget with the profile). Every failure it finds becomes an explicit example in the ordinary suite.
settings.register_profile("nightly", max_examples=20_000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parents[1]
SEEDS_RAW = ROOT / "raw"
SEEDS_EXPECTED = json.loads((Path(__file__).parent / "seeds_expected.json").read_text(encoding="utf-8"))
SEED_NAMES = sorted(SEEDS_EXPECTED["documents"])


@pytest.fixture
def seeds_raw(tmp_path: Path) -> Path:
    """A raw folder holding exactly the five seed files."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in SEED_NAMES:
        shutil.copy(SEEDS_RAW / name, raw / name)
    return raw
