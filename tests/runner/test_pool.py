"""Worker processes of the pool: what each one sets up before its first item."""

import gc
import os
import signal
import time
from collections.abc import Iterator

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


def _killed_on_zero(item: int) -> tuple[str, int]:
    if item == 0:
        os.kill(os.getpid(), signal.SIGKILL)  # the worker dies as under the OOM killer or kill -9
    return "worker", item


def _rescued(item: int) -> tuple[str, int]:
    return "rescued", item


def _slow_items() -> Iterator[int]:
    """Item 0, then a pause in which its worker dies and the pool breaks, then the rest."""
    yield 0
    time.sleep(1.5)
    yield from (1, 2, 3)


def test_an_item_submitted_after_a_worker_died_is_retried_in_order() -> None:
    """The pool breaks between two submissions: the refused item is retried with the one in flight, in
    order, and a fresh pool takes the rest; the run does not stop on `BrokenProcessPool`."""
    results = list(run_ordered(_killed_on_zero, _slow_items(), 1, on_broken=_rescued))
    assert results == [("rescued", 0), ("rescued", 1), ("worker", 2), ("worker", 3)]
