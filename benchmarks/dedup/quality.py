"""Duplicate-detection quality on ../shared/eval/dedup-dev (or another set built the same way).

    uv run python benchmarks/dedup/quality.py [--set ../shared/eval/dedup-dev] [--out /tmp/dedup-dev-out]

Runs the whole pipeline (`python -m ingest`) on SET/raw with default settings, then the shared scorer
`score_dedup.py` on the output, and prints precision, recall, groups_exact, false drops, missed and lost.
No setting is tuned to the dev files: a held-out set is scored with the same command.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--set", type=Path, default=ROOT.parent / "shared" / "eval" / "dedup-dev")
    parser.add_argument("--out", type=Path, default=Path("/tmp/dedup-dev-out"))
    parser.add_argument("--config", type=Path, default=None)
    args = parser.parse_args()
    scorer = args.set.parent / "score_dedup.py"
    command = [
        sys.executable,
        "-m",
        "ingest",
        "--raw",
        str(args.set / "raw"),
        "--out",
        str(args.out),
        "--quiet",
    ]
    if args.config:
        command += ["--config", str(args.config)]
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    result = subprocess.run(
        [sys.executable, str(scorer), str(args.set / "truth.json"), str(args.out), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    scores = json.loads(result.stdout)
    scores["pipeline_seconds"] = round(seconds, 1)
    print(json.dumps(scores, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
