"""Crash-safe commits: a run stages its whole next state, seals it, then applies it; recovery finishes
sealed runs and discards unsealed ones.

The dataset that readers see is a version folder, reached through symbolic links:
    OUT/documents -> _current/documents        OUT/rejected -> _current/rejected
    OUT/_current  -> _versions/<run_id>         (one link: both folders change in the same instant)
    OUT/_versions/<run_id>/documents/part-*.parquet, rejected/part-*.parquet
A part file is never rewritten under its name: parts are hard-linked from version to version, and a part
that loses superseded rows is written anew under a new name (`part-<run>-<n>-<rewriting run>.parquet`).
So a reader never meets a file name whose content changed, and documents/ and rejected/ always come from
one committed version. A reader that wants one version for a long job can read
`OUT/_versions/<run_id>/` directly: the previous version is kept until the next commit.

A run builds, in OUT/.staging-<run_id>/: documents/ and rejected/ (the previous parts hard-linked, minus
superseded rows, plus this run's new parts), index/ (this run's duplicate-index entries),
state/manifest.parquet, summary.json and the run's HTML report (report.html, when the run wrote one), each
synced to disk. Writing the READY marker (durably, last)
seals the run: from then on it is committed, and whichever process gets there first (this run, or the next
run's recovery after a crash) applies it, step by idempotent step:
1. documents/ and rejected/ move to OUT/_versions/<run_id>/;
2. OUT/_current is pointed at that version (one atomic rename of a link): readers now see the new state;
3. the manifest replaces OUT/_state/manifest.parquet, the index folder moves under OUT/_index/runs/, and
   the report moves to OUT/_runs/<run_id>.html, and the summary is written to OUT/_runs/<run_id>.json,
   the commit record, last;
4. the staging folder is removed (renamed aside first, so a crash mid-deletion cannot leave a READY beside
   a half-deleted folder), and versions older than the previous one are removed.
A staging folder without READY belongs to a run that died before committing: recovery deletes it, and its
files, never recorded in the manifest, are processed again by the next run.
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

from ingest.faults import checkpoint
from ingest.store.fs import (
    empty_trash,
    fsync_dir,
    fsync_tree,
    remove_tree,
    replace_durable,
    symlink_atomic,
    write_json_durable,
)
from ingest.store.manifest import MANIFEST, FileState, write_manifest
from ingest.store.migrate import is_current, upgrade
from ingest.store.schema import SCHEMAS
from ingest.store.write import OUTPUTS, STAGING_PREFIX, exchange, write_part

READY = "READY"
SUMMARY = "summary.json"
REPORT = "report.html"
"""The run's HTML report in its staging folder (written by `ingest.runner.report_page`), if any."""
CURRENT = "_current"
VERSIONS = "_versions"
STAGED_MANIFEST = Path("state") / "manifest.parquet"
INDEX_DIR = "_index"
INDEX_RUNS = Path(INDEX_DIR) / "runs"
"""Where committed runs' duplicate-index folders live: one per run, appearing whole or not at all."""


def staging_dir(out: Path, run_id: str) -> Path:
    return out / f"{STAGING_PREFIX}{run_id}"


def part_owner(name: str) -> str:
    """The run that wrote the rows of a part file: `part-<run>-<n>[-<rewriting run>].parquet`."""
    return name.split("-")[1]


def _rewritten_name(name: str, run_id: str) -> str:
    stem = name.removesuffix(".parquet").split("-")
    return "-".join([*stem[:3], run_id]) + ".parquet"


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:  # a file system without hard links: the same bytes, copied
        shutil.copyfile(src, dst)


def carry_over(
    out: Path, staging: Path, superseded: set[str], owners: set[str] | None = None, run_id: str = ""
) -> int:
    """Put the previous parts into the staged outputs, without rows whose source file was superseded.

    Untouched parts are hard-linked (no data copied; only the footer is read, for the schema version).
    Only parts written by `owners` (the runs whose rows of the superseded files are in the dataset; None:
    any run) are read, and one holding superseded rows is rewritten without them under a new name; its rows
    keep their `run_id`. A part of an older schema version is rewritten in the current one
    (`store.migrate`). Returns the number of rows superseded."""
    dropped = 0
    wanted = pa.array(sorted(superseded), pa.string())
    for name in OUTPUTS:
        target = staging / name
        target.mkdir(parents=True, exist_ok=True)
        for part in sorted((out / name).glob("*.parquet")) if (out / name).is_dir() else []:
            current = is_current(part)
            hit = None
            if superseded and (owners is None or part_owner(part.name) in owners):
                sources = pq.read_table(part, columns=["source_path"]).column("source_path")
                hit = pc.is_in(sources, value_set=wanted)
                n_hit = pc.sum(hit).as_py() or 0
                dropped += n_hit
                if not n_hit:
                    hit = None
            if hit is None and current:
                _link_or_copy(part, target / part.name)
                continue
            kept = pq.read_table(part)
            if hit is not None:
                kept = kept.filter(pc.invert(hit))
            if not current:
                kept = upgrade(kept, SCHEMAS[name], part_owner(part.name))
            if kept.num_rows:
                write_part(kept, target / _rewritten_name(part.name, run_id), SCHEMAS[name])
    return dropped


def seal(staging: Path, run_id: str, summary: dict[str, Any], manifest: Iterable[FileState]) -> None:
    """Finish the staged state, sync it to disk, and write READY: after this the run is committed."""
    for name in OUTPUTS:
        folder = staging / name
        folder.mkdir(parents=True, exist_ok=True)
        if not any(folder.glob("*.parquet")):
            # An empty dataset is still a dataset: one part with the schema and no rows.
            write_part(SCHEMAS[name].empty_table(), folder / f"part-{run_id}-00000.parquet", SCHEMAS[name])
        fsync_tree(folder)
    fsync_tree(staging / "index")
    write_manifest(staging / STAGED_MANIFEST, manifest)
    fsync_dir((staging / STAGED_MANIFEST).parent)
    write_json_durable(staging / SUMMARY, summary)
    checkpoint("seal:summary")
    write_json_durable(staging / READY, {"run_id": run_id})
    checkpoint("seal:ready")


def is_sealed(staging: Path) -> bool:
    """True once `seal` has written READY: the run is committed and its staging must not be discarded."""
    return (staging / READY).exists()


def current_version(out: Path) -> str | None:
    """The run id of the version readers see now (None before the first commit or in a legacy layout)."""
    try:
        return Path(os.readlink(out / CURRENT)).name
    except OSError:
        return None


def _point_links(out: Path) -> None:
    """Make OUT/documents and OUT/rejected links into `_current`. A folder left there by an older layout
    is exchanged for the link in one atomic step where the OS can, then removed."""
    for name in OUTPUTS:
        path = out / name
        if path.is_symlink():
            continue
        if not path.exists():
            symlink_atomic(f"{CURRENT}/{name}", path)
            continue
        link = out / f".{name}.link"
        link.unlink(missing_ok=True)
        os.symlink(f"{CURRENT}/{name}", link)
        if not exchange(link, path):
            aside = out / f".{name}.old"
            os.rename(path, aside)
            os.rename(link, path)
            link = aside
        fsync_dir(out)
        remove_tree(link)


def _collect_versions(out: Path, keep: set[str]) -> None:
    """Remove version folders other than `keep` (the current one and the one before it)."""
    versions = out / VERSIONS
    for folder in sorted(versions.iterdir()) if versions.is_dir() else []:
        if folder.name not in keep:
            remove_tree(folder)


def apply(staging: Path, out: Path) -> dict[str, Any]:
    """Carry a sealed run's state into OUT (module docstring, steps 1-4); safe to repeat after a crash."""
    run_id = json.loads((staging / READY).read_text(encoding="utf-8"))["run_id"]
    version = out / VERSIONS / run_id
    version.mkdir(parents=True, exist_ok=True)
    for name in OUTPUTS:
        if (staging / name).exists() and not (version / name).exists():
            os.rename(staging / name, version / name)
    fsync_dir(version)
    fsync_dir(version.parent)
    checkpoint("apply:moved")
    previous = current_version(out)
    if previous != run_id:
        symlink_atomic(f"{VERSIONS}/{run_id}", out / CURRENT)
    checkpoint("apply:switched")
    _point_links(out)
    checkpoint("apply:linked")
    if (staging / STAGED_MANIFEST).exists():
        (out / MANIFEST).parent.mkdir(parents=True, exist_ok=True)
        replace_durable(staging / STAGED_MANIFEST, out / MANIFEST)
    checkpoint("apply:manifest")
    if (staging / "index").is_dir():  # the run's duplicate-index entries (ingest.dedup.index)
        (out / INDEX_RUNS).mkdir(parents=True, exist_ok=True)
        replace_durable(staging / "index", out / INDEX_RUNS / run_id)
    checkpoint("apply:index")
    summary = json.loads((staging / SUMMARY).read_text(encoding="utf-8"))
    if (staging / REPORT).exists():
        (out / "_runs").mkdir(parents=True, exist_ok=True)
        replace_durable(staging / REPORT, out / "_runs" / f"{run_id}.html")
        checkpoint("apply:reported")
    write_json_durable(out / "_runs" / f"{run_id}.json", summary)
    checkpoint("apply:recorded")
    remove_tree(staging)
    checkpoint("apply:removed")
    keep = {run_id} | ({previous} if previous and previous != run_id else set())
    _collect_versions(out, keep)
    return summary


def recover(out: Path) -> list[str]:
    """Finish every sealed run left in OUT and delete unsealed staging folders; the run ids finished.

    A staging folder with READY but without its summary is one whose deletion was cut off after it had
    been applied (its summary is already under _runs/): it is removed. Call with OUT's run lock held."""
    empty_trash(out)
    empty_trash(out / VERSIONS)
    finished = []
    for staging in sorted(out.glob(f"{STAGING_PREFIX}*")):
        if _applicable(staging, out):
            finished.append(apply(staging, out)["run_id"])
        else:
            remove_tree(staging)
    return finished


def _applicable(staging: Path, out: Path) -> bool:
    """Sealed, and still holding what `apply` needs (a folder an older version half-deleted after
    applying it, READY left beside a missing summary or data, is not: it was committed already)."""
    if not is_sealed(staging) or not (staging / SUMMARY).exists():
        return False
    try:
        run_id = json.loads((staging / READY).read_text(encoding="utf-8"))["run_id"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    version = out / VERSIONS / run_id
    return all((staging / name).is_dir() or (version / name).is_dir() for name in OUTPUTS)
