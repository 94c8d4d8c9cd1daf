"""Find the raw files of a run: recursive, in a stable order, hidden files and folders skipped."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path


def discover(raw_root: Path) -> Iterator[Path]:
    """Yield files under `raw_root` sorted by their relative POSIX path, so every run sees the same order.

    Hidden entries (a name starting with '.') are skipped: editors' swap files, `.DS_Store` and VCS folders
    are never input.
    """
    for dirpath, dirnames, filenames in os.walk(raw_root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name


def relative_source(path: Path, raw_root: Path) -> str:
    return path.relative_to(raw_root).as_posix()
