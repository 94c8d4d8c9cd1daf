"""Find the raw files of a run: recursive, in a stable order, hidden files and folders skipped.

Every entry that could be input is returned, including the ones the reader will refuse (see
`readers_entry`): named pipes, devices and sockets, links that lead out of the raw folder, and folders the
walk could not list. Each of them gets a row in `rejected/` with its reason instead of vanishing silently.
Links to folders are not walked: a folder inside the raw folder is read at its own place (walking a link
to it would read its files twice, or forever in a loop), and a link to a folder outside the raw folder is
returned, to be rejected as `outside_raw`.
"""

from __future__ import annotations

import os
from pathlib import Path


def discover(raw_root: Path) -> list[Path]:
    """Entries under `raw_root` sorted by their relative POSIX path, so every run sees the same order.

    Hidden entries (a name starting with '.') are skipped: editors' swap files, `.DS_Store` and VCS folders
    are never input.
    """
    found: list[tuple[str, Path]] = []
    root = raw_root.resolve()

    def unlistable(exc: OSError) -> None:
        if exc.filename is not None:
            path = Path(exc.filename)
            found.append((relative_source(path, raw_root), path))

    for dirpath, dirnames, filenames in os.walk(raw_root, onerror=unlistable):
        for name in [d for d in dirnames if not d.startswith(".")]:
            path = Path(dirpath) / name
            if path.is_symlink() and not _inside(path, root):
                filenames.append(name)  # a link out of the raw folder: answered as `outside_raw`
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if not name.startswith("."):
                path = Path(dirpath) / name
                found.append((relative_source(path, raw_root), path))
    return [path for _, path in sorted(found)]


def _inside(link: Path, root: Path) -> bool:
    """Whether the link resolves to a place inside `root` (a link that does not resolve counts as inside:
    there is nothing to read behind it)."""
    try:
        return link.resolve(strict=True).is_relative_to(root)
    except (OSError, RuntimeError):
        return True


def relative_source(path: Path, raw_root: Path) -> str:
    """The path relative to the raw folder, as the POSIX string every output row names it by.

    A file name that is not valid UTF-8 (Python keeps its raw bytes as lone surrogates) is spelled with the
    bytes escaped, `caf\\xe9.txt`, so it can be hashed into an id and written to Parquet; the file itself
    is still opened by its real name.
    """
    text, root = os.fspath(path), os.fspath(raw_root)
    if os.sep == "/" and text.startswith(root + "/") and root not in (".", ""):
        rel = text[len(root) + 1 :]  # what relative_to gives, without its cost on 100,000 paths
    else:
        rel = path.relative_to(raw_root).as_posix()
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(rel).decode("utf-8", "backslashreplace")
    return rel
