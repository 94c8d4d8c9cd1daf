"""Worker processes for batch tasks that an orchestrator runs in threads (the Prefect flow's default).

Why not Prefect's ProcessPoolTaskRunner: its workers are spawned fresh, import Prefect (about 2.5 s of CPU
each) and run Prefect's task engine for every task (another ~0.1-0.5 s of CPU per task, API calls
included), and the pool takes seconds to shut down. Profiled on 800 and 2,000 documents, that start-up alone
delayed the first batch by 6-11 s on this 2-core machine. Here the task runs in a thread of the flow
process, which already holds Prefect, and only the CPU work goes to a process: workers fork from a
forkserver that imported the pipeline once, so a worker is ready in milliseconds. The forkserver starts in
a clean process (no threads of the flow process are forked).

`run_batch` is what a batch task calls: in a process where a pool is open (the flow's process, via
`batch_pool`) the unit goes to the pool; anywhere else (a Dask worker) it runs in place. Workers die with
the fork server, which dies with the flow process, and a worker that crashes costs the documents it crashed
on, not the flow: the unit is retried file by file in processes of their own (`units.rescue_unit`).
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from multiprocessing import forkserver
from typing import TypeVar

from ingest.runner.pool import new_pool
from ingest.runner.units import Job, SpillPart, WorkUnit, rescue_unit, spill_unit

T = TypeVar("T")
PRELOAD = ["ingest.runner.units"]


class BatchPool:
    """A process pool safe to submit to from several threads; a pool broken by a killed worker is replaced
    (the failing call still raises, so the task's retry runs on the new pool)."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._lock = threading.Lock()
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        forkserver.ensure_running()  # start importing now, while the flow plans the run
        self._context = context
        self._pool = new_pool(self.workers, context)

    def run(self, fn: Callable[..., T], *args: object) -> T:
        with self._lock:
            pool = self._pool
        try:
            return pool.submit(fn, *args).result()
        except BrokenProcessPool:
            with self._lock:
                if self._pool is pool:
                    pool.shutdown(wait=False, cancel_futures=True)
                    self._pool = new_pool(self.workers, self._context)
            raise

    @property
    def context(self) -> multiprocessing.context.BaseContext:
        return self._context

    def close(self) -> None:
        with self._lock:
            self._pool.shutdown(wait=True, cancel_futures=True)


_active: BatchPool | None = None


@contextmanager
def batch_pool(workers: int) -> Iterator[BatchPool]:
    """Open a pool of `workers` processes for `run_batch` calls made in this process, closed on exit."""
    global _active
    previous, pool = _active, BatchPool(workers)
    _active = pool
    try:
        yield pool
    finally:
        _active = previous
        pool.close()


def run_batch(unit: WorkUnit, job: Job) -> SpillPart:
    """`units.spill_unit` in this process's open pool, or in place when none is open. A unit whose worker
    died is rescued: retried item by item, each in a process of its own."""
    pool = _active
    if pool is None:
        return spill_unit(unit, job)
    try:
        return pool.run(spill_unit, unit, job)
    except BrokenProcessPool:
        return rescue_unit(unit, job, pool.context)
