import time
from pathlib import Path

import pytest
from samples import hold_lock

from ingest.store.lock import LockBusy, run_lock


def test_second_run_is_refused_with_the_holder_pid(tmp_path: Path) -> None:
    holder = hold_lock(tmp_path, 30)
    try:
        with pytest.raises(LockBusy, match=f"pid {holder.pid}"), run_lock(tmp_path):
            pass
    finally:
        holder.kill()
        holder.wait()


def test_wait_blocks_until_the_holder_finishes(tmp_path: Path) -> None:
    holder = hold_lock(tmp_path, 1.0)
    start = time.monotonic()
    with run_lock(tmp_path, wait=True):
        waited = time.monotonic() - start
    holder.wait()
    assert waited > 0.3


def test_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    holder = hold_lock(tmp_path, 30)
    holder.kill()
    holder.wait()
    with run_lock(tmp_path):
        pass
