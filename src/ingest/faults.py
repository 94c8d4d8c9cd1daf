"""Named fault points, for the fault-injection tests: a run can be killed at an exact step of its commit.

`checkpoint("apply:current")` does nothing unless the environment variable `INGEST_FAULT` names that point
(`INGEST_FAULT=apply:current`, or `apply:current@3` for its third passage); then the process kills itself
with SIGKILL there, as the OOM killer or `kill -9` would. Production runs never set the variable: the cost
is one dictionary lookup per point, a handful of points per run.
"""

from __future__ import annotations

import os
import signal

_passes: dict[str, int] = {}


def checkpoint(name: str) -> None:
    """Die here (SIGKILL to this process only) if INGEST_FAULT asks for this point and passage."""
    wanted = os.environ.get("INGEST_FAULT")
    if not wanted:
        return
    point, _, nth = wanted.partition("@")
    if point != name:
        return
    _passes[name] = _passes.get(name, 0) + 1
    if _passes[name] == int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
