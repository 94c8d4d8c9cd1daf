"""Find the raw files of a run: recursive, in a stable order, hidden files and folders skipped."""

from __future__ import annotations

import os
from pathlib import Path


def discover(raw_root: Path) -> list[Path]:
    """Files under `raw_root` sorted by their relative POSIX path, so every run sees the same order.

    Hidden entries (a name starting with '.') are skipped: editors' swap files, `.DS_Store` and VCS folders
    are never input.
    """
    found: list[tuple[str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(raw_root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if not name.startswith("."):
                path = Path(dirpath) / name
                found.append((relative_source(path, raw_root), path))
    return [path for _, path in sorted(found)]


def relative_source(path: Path, raw_root: Path) -> str:
    return path.relative_to(raw_root).as_posix()
