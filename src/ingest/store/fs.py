"""File-system primitives the commit protocol is built on: durable writes, atomic swaps, crash-safe removal.

A rename is atomic, but it is only durable once the directory that holds it is synced, and a file's bytes
are only durable once the file itself is synced. So every step that the commit protocol relies on follows
the order SQLite's and Delta's writers use: write the file, fsync it, rename it into place, fsync the
directory. Without that order a power cut can leave a marker that says "done" beside empty files.

`INGEST_FSYNC=0` in the environment turns syncing off (for benchmarks of its cost, or throwaway outputs on a
machine where durability does not matter); crash safety against a killed process does not depend on it,
only durability against a power cut does.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

from ingest.faults import checkpoint

TRASH_PREFIX = ".trash-"


def _enabled() -> bool:
    return os.environ.get("INGEST_FSYNC", "1") != "0"


def fsync_file(path: Path) -> None:
    """Flush a file's bytes to stable storage."""
    if not _enabled():
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """Make the entries of a directory (files created, renamed or removed in it) durable."""
    if not _enabled():
        return
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(root: Path) -> None:
    """fsync every regular file under `root`, then every directory bottom-up (a freshly written folder)."""
    if not _enabled() or not root.exists():
        return
    for dirpath, _, filenames in os.walk(root, topdown=False):
        for name in filenames:
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                fsync_file(path)
        fsync_dir(Path(dirpath))


def write_bytes_durable(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically and durably: a temporary file, fsync, rename, fsync the folder.
    A reader (or a crash) sees the old content or the new one, never a prefix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            if _enabled():
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def write_json_durable(path: Path, data: dict[str, Any]) -> None:
    """`data` as indented, key-sorted JSON, written with `write_bytes_durable`."""
    write_bytes_durable(path, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode("utf-8"))


def replace_durable(src: Path, dst: Path) -> None:
    """Rename `src` over `dst` (atomic on one file system) and sync the folders of both names."""
    os.replace(src, dst)
    fsync_dir(dst.parent)
    if src.parent != dst.parent:
        fsync_dir(src.parent)


def symlink_atomic(target: str, link: Path) -> None:
    """Point the symbolic link `link` at `target`, replacing what `link` was in one rename: a reader
    resolving `link` finds the old target or the new one, never nothing."""
    tmp = link.with_name(f".{link.name}.{uuid.uuid4().hex}.link")
    os.symlink(target, tmp)
    try:
        os.replace(tmp, link)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(link.parent)


def remove_tree(path: Path) -> None:
    """Delete a folder so that a crash at any moment leaves it either whole or out of sight.

    The folder is first renamed to a `.trash-*` name beside it (one atomic step), then deleted; a kill in
    the middle of the deletion leaves a partial `.trash-*` folder, which `empty_trash` removes later, never
    a half-deleted folder under its own name (a staging folder that lost its summary but kept its READY
    marker would otherwise look committed and be applied)."""
    if not path.exists() and not path.is_symlink():
        return
    trash = path.with_name(f"{TRASH_PREFIX}{path.name}-{uuid.uuid4().hex[:8]}")
    os.rename(path, trash)
    fsync_dir(path.parent)
    checkpoint("remove:renamed")
    _rmtree_partly(trash)
    shutil.rmtree(trash, ignore_errors=True)


def _rmtree_partly(folder: Path) -> None:
    """Under INGEST_FAULT=remove:midway, delete part of `folder` and die, as a kill in the middle of a
    long deletion would (the case that once left READY without its summary)."""
    if os.environ.get("INGEST_FAULT", "").startswith("remove:midway"):
        first = sorted(folder.iterdir())[:1]
        for child in first:
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink()
        checkpoint("remove:midway")


def empty_trash(folder: Path) -> None:
    """Finish the deletions `remove_tree` started in `folder` before a crash."""
    for trash in folder.glob(f"{TRASH_PREFIX}*"):
        shutil.rmtree(trash, ignore_errors=True)
