"""What an entry of the raw folder is, and whether it may be read at all.

A raw folder is whatever a scraper, a crawler or a colleague left there. Before a byte is read (or hashed
for the manifest), every entry is checked:

- a symbolic link is followed only when its target, fully resolved, lies inside the raw folder; a link
  that leads out of it (`ln -s /etc/passwd raw/p.txt`, a link to `/dev/zero`) is rejected as
  `outside_raw`, and nothing outside the raw folder is ever opened;
- only regular files are read: a named pipe, a device, a socket is rejected as `unsupported` with its
  file type (opening a FIFO blocks forever, a device never ends);
- a folder the walk could not list is `unreadable`, the same reason as a file the OS would not read, so it
  stays out of the manifest and the next run tries it again.

A link that does not resolve (dangling, or a loop) is left to the reader, whose open fails: `unreadable`,
retried next run, since its target may yet appear. Hard links are regular files: whoever can make one
into the raw folder chose to put that file there.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from ingest.compression import file_kind

Problem = tuple[str, str]
"""(reason, detail) of an entry that is not read."""


def entry_problem(path: Path, raw_root: Path) -> Problem | None:
    """Why the raw-folder entry `path` must not be read, or None when it is a readable regular file (or its
    fault is one the reader's open reports, such as a missing file)."""
    try:
        own = path.lstat()
    except OSError:
        return None
    if stat.S_ISLNK(own.st_mode):
        try:
            target = path.resolve(strict=True)
            root = raw_root.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if not target.is_relative_to(root):
            return "outside_raw", f"symbolic link to {_shown(target)}, outside the raw folder"
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        try:
            with os.scandir(path) as entries:
                next(entries, None)
        except OSError as exc:
            return "unreadable", f"folder cannot be listed: {type(exc).__name__}: {exc.strerror or exc}"
        return "unsupported", "a folder, not a file"
    return "unsupported", f"not a regular file: {file_kind(mode)}"


def problem_digest(problem: Problem) -> str:
    """What the manifest records as the content hash of an entry that is not read: a hash of the verdict,
    so the entry is answered once and answered again only when the verdict changes (a link retargeted)."""
    reason, detail = problem
    return "entry:" + hashlib.blake2b(f"{reason}\x00{detail}".encode(), digest_size=16).hexdigest()


def raw_root_of(path: Path, source_path: str) -> Path:
    """The raw folder `path` was found in, given its `source_path` (its path relative to that folder);
    the file's own folder when `source_path` is not relative to any folder above it (a caller that names
    the file freely), which is stricter: a link then may not leave the file's own folder."""
    from ingest.discover import relative_source

    depth = source_path.count("/") + 1
    if len(path.parts) > depth:
        root = Path(*path.parts[: len(path.parts) - depth])
        if relative_source(path, root) == source_path:
            return root
    return path.parent


def _shown(path: Path) -> str:
    return os.fsencode(path).decode("utf-8", "backslashreplace")
