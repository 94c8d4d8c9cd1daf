"""Planning a run: which raw files are new, changed, to retry, unchanged or missing, against the manifest.

Size and mtime decide cheaply (as rsync and make do: a rewrite that keeps both is not noticed); only a file
whose size or mtime moved is hashed, and one whose bytes turn out unchanged (touched, copied back) is not
reprocessed. An entry of the raw folder that is not read (a link out of RAW, a pipe, a device) is not
hashed either: its rejection row says why. The rules are in `ingest.store.manifest`'s docstring.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ingest.read.discover import relative_source
from ingest.read.entry import entry_problem, problem_digest
from ingest.store.manifest import DONE, RETRY, RETRY_LIMIT, FileState


@dataclass
class Plan:
    """What a run has to do, given the raw folder and the manifest."""

    new: list[Path]
    changed: list[Path]
    unchanged: list[str]
    missing: list[str]
    superseded: list[str]
    """Relative paths of the changed and retried files: their earlier rows are replaced by this run's."""
    states: dict[str, FileState]
    """The manifest as it will be once this run commits."""
    retried: list[Path] = field(default_factory=list)
    """Files an earlier run recorded for retry, processed again."""
    stale: list[str] = field(default_factory=list)
    """Unchanged files whose rows were made under another config hash or pipeline version."""

    @property
    def to_process(self) -> list[Path]:
        return sorted([*self.new, *self.changed, *self.retried])


def file_hash(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, lambda: hashlib.blake2b(digest_size=16)).hexdigest()


def plan_run(
    paths: Sequence[Path],
    raw_root: Path,
    manifest: dict[str, FileState],
    run_id: str,
    config_hash: str = "",
    version: str = "",
    redo: frozenset[str] = frozenset(),
) -> Plan:
    """Sort the raw files into new, changed, retried and unchanged against the manifest. Files named in
    `redo` (relative paths, `--reprocess`) count as changed even when their bytes are not."""
    new: list[Path] = []
    changed: list[Path] = []
    retried: list[Path] = []
    unchanged: list[str] = []
    stale: list[str] = []
    states: dict[str, FileState] = {}
    for path in paths:
        rel = relative_source(path, raw_root)
        known = manifest.get(rel)
        try:
            stat = path.stat()
            digest = None
            if not (known and (known.size, known.mtime_ns) == (stat.st_size, stat.st_mtime_ns)):
                # An entry that is not read (a pipe, a device, a link out of RAW) is not hashed either.
                problem = entry_problem(path, raw_root)
                digest = file_hash(path) if problem is None else problem_digest(problem)
        except OSError:
            # The reader will reject it as unreadable, and it is recorded for retry. An ingested file
            # that cannot be read now keeps its rows, like a missing one.
            if known is None:
                new.append(path)
                states[rel] = FileState(rel, -1, -1, "", run_id, DONE, 1, config_hash, version)
            elif known.status == RETRY:
                retried.append(path)
                states[rel] = replace(known, run_id=run_id, attempts=known.attempts + 1)
            continue
        fresh = FileState(
            rel, stat.st_size, stat.st_mtime_ns, digest or "", run_id, DONE, 1, config_hash, version
        )
        if known is None:
            new.append(path)
            states[rel] = fresh
        elif known.status == RETRY:
            retried.append(path)
            same = digest is None or digest == known.content_hash
            states[rel] = replace(
                fresh,
                content_hash=digest or known.content_hash,
                attempts=known.attempts + 1 if same else 1,
            )
        elif (digest is not None and known.content_hash != digest) or rel in redo:
            changed.append(path)
            states[rel] = replace(fresh, content_hash=digest or known.content_hash)
        else:
            unchanged.append(rel)
            states[rel] = replace(known, size=stat.st_size, mtime_ns=stat.st_mtime_ns)
            if (known.config_hash, known.pipeline_version) != (config_hash, version):
                stale.append(rel)
    seen = set(states)
    missing = sorted(rel for rel in manifest if rel not in seen)
    for rel in missing:
        states[rel] = manifest[rel]
    superseded = [relative_source(p, raw_root) for p in (*changed, *retried)]
    return Plan(new, changed, unchanged, missing, superseded, states, retried, stale)


def after_run(states: dict[str, FileState], retry: set[str]) -> list[FileState]:
    """The manifest once a run commits: files with a rejection that asks for a retry get status `retry`,
    until their RETRY_LIMIT-th attempt, whose rejection stands."""
    result = []
    for rel, state in states.items():
        if rel in retry:
            state = replace(state, status=RETRY if state.attempts < RETRY_LIMIT else DONE)
        result.append(state)
    return result
