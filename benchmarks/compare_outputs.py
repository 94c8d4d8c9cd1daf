"""Run two commits of this repository side by side on the dev inputs and compare their output rows.

A refactoring must not change what the pipeline writes. This script checks that: it checks each commit out
into a temporary `git worktree`, installs it (`uv sync --locked`, a few seconds with a warm cache), runs
`python -m ingest` on every chosen input with each, and compares the rows of `documents/` and `rejected/`
(`doc_id`, `text`, `removed`, `reason`, `title`, `author`, `published`, `language`, `language_score`),
matched by `(source_path, source_record)`. It prints, per input, the rows compared and the rows that differ
(with the first few differences), and exits 1 if any row differs or exists on one side only, 0 otherwise.

    uv run --locked python benchmarks/compare_outputs.py --old main --new HEAD
    uv run --locked python benchmarks/compare_outputs.py --old main --new my-branch --inputs raw-html seeds
    uv run --locked python benchmarks/compare_outputs.py --baseline-dir /work/baseline --new HEAD

`--old-dir`/`--baseline-dir` and `--new-dir` reuse output folders already written (one sub-folder per input,
named as in `INPUTS`) instead of running that side. The inputs are read from `../shared` beside the
repository (the CI layout: the shared data sits next to the clone). Both sides read the same absolute input
paths, so their `source_path` columns agree.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
INPUTS: dict[str, Path] = {
    "raw-html": SHARED / "eval" / "dev" / "raw-html",
    "raw-html-text": SHARED / "eval" / "dev" / "raw-html-text",
    "raw-inscriptis": SHARED / "eval" / "dev" / "raw-inscriptis",
    "raw-html2text": SHARED / "eval" / "dev" / "raw-html2text",
    "seeds": SHARED / "seeds" / "raw",
}
COLUMNS = ("doc_id", "text", "removed", "reason", "title", "author", "published", "language")
COLUMNS += ("language_score",)
TABLES = ("documents", "rejected")
SHOW = 3
"""Differences printed per input."""

Key = tuple[str, str, object]
"""(table, source_path, source_record): one output row."""


def checkout(commit: str, into: Path) -> Path:
    """A detached worktree of `commit` at `into`, with its own virtual environment; returns its python."""
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--quiet", "--detach", str(into), commit], check=True
    )
    subprocess.run(["uv", "sync", "--locked", "--quiet"], cwd=into, check=True)
    return into / ".venv" / "bin" / "python"


def run_ingest(python: Path, tree: Path, raw: Path, out: Path) -> None:
    """One batch run of the commit checked out at `tree` (fresh output folder, fixed hash seed)."""
    env = {**os.environ, "PYTHONHASHSEED": "0", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    cmd = [str(python), "-m", "ingest", "--raw", str(raw), "--out", str(out), "--quiet"]
    subprocess.run(cmd, cwd=tree, env=env, check=True)


def read_rows(out: Path, columns: tuple[str, ...] = COLUMNS) -> dict[Key, tuple]:
    """Every row of `documents/` and `rejected/` under `out`, keyed by table and source, as the compared
    `columns` (`reason` is None in `documents/`, which has no such column)."""
    import pyarrow.dataset as ds

    rows: dict[Key, tuple] = {}
    for table in TABLES:
        folder = out / table
        if not folder.exists():
            continue
        data = ds.dataset(folder, format="parquet")
        names = ["source_path", "source_record", *(c for c in columns if c in data.schema.names)]
        for row in data.to_table(columns=names).to_pylist():
            key = (table, row["source_path"], row["source_record"])
            if key in rows:
                raise SystemExit(f"{out}: two rows for {key}")
            rows[key] = tuple(row.get(c) for c in columns)
    return rows


def compare(old: dict[Key, tuple], new: dict[Key, tuple], columns: tuple[str, ...] = COLUMNS) -> list[str]:
    """One line per differing row: missing on a side, or which columns differ."""
    out = []
    for key in sorted(old.keys() | new.keys(), key=repr):
        if key not in new:
            out.append(f"{key}: only in old")
        elif key not in old:
            out.append(f"{key}: only in new")
        elif old[key] != new[key]:
            cols = [c for c, a, b in zip(columns, old[key], new[key], strict=True) if a != b]
            out.append(f"{key}: {', '.join(cols)} differ")
    return out


def side_outputs(
    commit: str | None, reuse: Path | None, names: list[str], work: Path, label: str
) -> dict[str, Path]:
    """Output folder of each input for one side: reused, or written by running `commit`."""
    if reuse is not None:
        return {name: reuse / name for name in names}
    assert commit is not None
    tree = work / f"tree-{label}"
    python = checkout(commit, tree)
    outs = {}
    for name in names:
        outs[name] = work / f"out-{label}" / name
        print(f"{label} ({commit}): {name} ...", file=sys.stderr, flush=True)
        run_ingest(python, tree, INPUTS[name], outs[name])
    return outs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--old", default="main", help="reference commit (default: main)")
    parser.add_argument("--new", default="HEAD", help="commit under test (default: HEAD)")
    parser.add_argument("--inputs", nargs="+", choices=list(INPUTS), default=list(INPUTS))
    parser.add_argument(
        "--old-dir", "--baseline-dir", type=Path, default=None, help="reuse these outputs for the old side"
    )
    parser.add_argument("--new-dir", type=Path, default=None, help="reuse these outputs for the new side")
    parser.add_argument("--keep", action="store_true", help="keep the temporary worktrees and outputs")
    parser.add_argument(
        "--columns",
        nargs="+",
        default=list(COLUMNS),
        help=f"columns to compare (default: {' '.join(COLUMNS)}); e.g. leave out `removed` when a change "
        "is meant to record more of what is removed",
    )
    args = parser.parse_args(argv)
    columns = tuple(args.columns)

    work = Path(tempfile.mkdtemp(prefix="compare-outputs-"))
    try:
        old = side_outputs(args.old, args.old_dir, args.inputs, work, "old")
        new = side_outputs(args.new, args.new_dir, args.inputs, work, "new")
        failed = False
        for name in args.inputs:
            old_rows, new_rows = read_rows(old[name], columns), read_rows(new[name], columns)
            if not old_rows and not new_rows:
                print(f"{name}: no rows on either side ({old[name]}, {new[name]})")
                failed = True
                continue
            diffs = compare(old_rows, new_rows, columns)
            print(f"{name}: {len(old_rows | new_rows)} rows compared, {len(diffs)} differing")
            for line in diffs[:SHOW]:
                print(f"  {line}")
            failed |= bool(diffs)
        return 1 if failed else 0
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            for tree in work.glob("tree-*"):
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False
                )
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
