"""Worker processes of the pool: what each one sets up before its first item."""

import gc
import os

from ingest.runner.pool import YOUNG_GC_THRESHOLD, run_ordered


def _gc_state(_: int) -> tuple[int, int, int]:
    return os.getpid(), gc.get_freeze_count(), gc.get_threshold()[0]


def _never(_: int) -> tuple[int, int, int]:
    raise AssertionError("no worker died")


def test_workers_freeze_what_they_inherit_and_collect_young_objects_less_often() -> None:
    parent_threshold = gc.get_threshold()
    inherited = len(gc.get_objects())
    results = list(run_ordered(_gc_state, range(4), 2, on_broken=_never))
    assert len(results) == 4
    for pid, frozen, threshold in results:
        assert pid != os.getpid()
        assert frozen >= inherited // 2  # the objects the worker inherited from this process
        assert threshold == YOUNG_GC_THRESHOLD
    assert gc.get_threshold() == parent_threshold, "the parent process's collector is left as it was"
