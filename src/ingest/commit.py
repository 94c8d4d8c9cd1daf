"""Crash-safe commits: a run stages its whole next state, seals it, then applies it; recovery finishes
sealed runs and discards unsealed ones.

A run builds, in OUT/.staging-<run_id>/:
- documents/ and rejected/: the previous parts hard-linked (parts holding superseded rows rewritten without
  them) plus this run's new parts, and a `_run_id` marker file (readers skip names starting with `_`);
- index/ (this run's duplicate-index entries), state/manifest.parquet and summary.json.
Writing the READY marker seals the run: from that moment it is committed, and whichever process gets there
first (this run, or the next run's recovery after a crash) applies it, step by idempotent step:
1. documents/, then rejected/, are swapped into place with an atomic exchange (skipped when OUT's copy
   already carries this run's marker);
2. the manifest replaces OUT/_state/manifest.parquet and the index folder moves under OUT/_index/runs/;
3. the summary is written to OUT/_runs/<run_id>.json: the commit record, written last;
4. the staging folder, which now holds the previous documents/ and rejected/, is removed.
A staging folder without READY belongs to a run that died before committing: recovery deletes it, and since
its files never reached the manifest, the next run processes them again. Readers of OUT/documents see the
previous state or the new one, never a half-written one; between the two swaps of step 1 documents/ is
already new while rejected/ is still old, for the time of one rename.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ingest.dedup_index import commit_run_index
from ingest.state import MANIFEST, FileState, write_manifest
from ingest.write import (
    DOCUMENTS_SCHEMA,
    OUTPUTS,
    REJECTED_SCHEMA,
    STAGING_PREFIX,
    move_into_place,
    write_json_atomic,
)

READY = "READY"
RUN_MARKER = "_run_id"
SUMMARY = "summary.json"
STAGED_MANIFEST = Path("state") / "manifest.parquet"
SCHEMAS = {"documents": DOCUMENTS_SCHEMA, "rejected": REJECTED_SCHEMA}


def staging_dir(out: Path, run_id: str) -> Path:
    return out / f"{STAGING_PREFIX}{run_id}"


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def carry_over(out: Path, staging: Path, superseded: set[str]) -> int:
    """Put the previous parts into the staged outputs, without rows whose source file was superseded.

    Untouched parts are hard-linked (no data copied); a part holding superseded rows is rewritten without
    them. Returns the number of rows superseded."""
    dropped = 0
    for name in OUTPUTS:
        target = staging / name
        target.mkdir(parents=True, exist_ok=True)
        for part in sorted((out / name).glob("*.parquet")) if (out / name).is_dir() else []:
            if superseded:
                sources = pq.read_table(part, columns=["source_path"]).column("source_path")
                hit = pc.is_in(sources, value_set=pa.array(sorted(superseded), pa.string()))
                n_hit = pc.sum(hit).as_py() or 0
                if n_hit:
                    dropped += n_hit
                    kept = pq.read_table(part).filter(pc.invert(hit))
                    if kept.num_rows:
                        pq.write_table(kept, target / part.name, compression="zstd")
                    continue
            _link_or_copy(part, target / part.name)
    return dropped


def seal(staging: Path, run_id: str, summary: dict[str, Any], manifest: Iterable[FileState]) -> None:
    """Finish the staged state and write READY: after this the run is committed."""
    for name in OUTPUTS:
        folder = staging / name
        folder.mkdir(parents=True, exist_ok=True)
        if not any(folder.glob("*.parquet")):
            # An empty dataset is still a dataset: one part with the schema and no rows.
            pq.write_table(
                SCHEMAS[name].empty_table(), folder / f"part-{run_id}-00000.parquet", compression="zstd"
            )
        (folder / RUN_MARKER).write_text(run_id, encoding="utf-8")
    write_manifest(staging / STAGED_MANIFEST, manifest)
    write_json_atomic(staging / SUMMARY, summary)
    write_json_atomic(staging / READY, {"run_id": run_id})


def is_sealed(staging: Path) -> bool:
    """True once `seal` has written READY: the run is committed and its staging must not be discarded."""
    return (staging / READY).exists()


def _in_place(out: Path, name: str, run_id: str) -> bool:
    marker = out / name / RUN_MARKER
    return marker.exists() and marker.read_text(encoding="utf-8") == run_id


def apply(staging: Path, out: Path) -> dict[str, Any]:
    """Carry a sealed run's state into OUT (module docstring, steps 1-4); safe to repeat after a crash."""
    run_id = json.loads((staging / READY).read_text(encoding="utf-8"))["run_id"]
    for name in OUTPUTS:
        if not _in_place(out, name, run_id):
            move_into_place(staging / name, out / name, staging / f"previous-{name}")
    if (staging / STAGED_MANIFEST).exists():
        (out / MANIFEST).parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / STAGED_MANIFEST, out / MANIFEST)
    commit_run_index(staging / "index", out, run_id)
    summary = json.loads((staging / SUMMARY).read_text(encoding="utf-8"))
    write_json_atomic(out / "_runs" / f"{run_id}.json", summary)
    shutil.rmtree(staging, ignore_errors=True)
    return summary


def recover(out: Path) -> list[str]:
    """Finish every sealed run left in OUT and delete unsealed staging folders; the run ids finished.

    Call with OUT's run lock held."""
    finished = []
    for staging in sorted(out.glob(f"{STAGING_PREFIX}*")):
        if (staging / READY).exists():
            finished.append(apply(staging, out)["run_id"])
        else:
            shutil.rmtree(staging, ignore_errors=True)
    return finished
