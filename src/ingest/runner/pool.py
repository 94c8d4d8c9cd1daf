"""Worker processes: an ordered process pool that survives crashed workers and never outlives its parent.

Three promises a scheduled pipeline needs from its workers, each kept here:
- A worker never outlives the run. Workers ask the kernel for SIGKILL when their parent dies
  (`PR_SET_PDEATHSIG`), so `kill -9` of the main process, the OOM killer or a container stop takes the workers
  with it within milliseconds, instead of leaving orphans that sleep on forever.
- A worker never holds the run lock: every process forked while it is held closes its copy of the lock's
  descriptor at once (`ingest.store.lock`).
- A crashed worker costs one document, not the run. When a worker dies (a segfault in a C extension, the OOM
  killer), `ProcessPoolExecutor` fails every task in flight with `BrokenProcessPool`. Each of those tasks is
  then retried once, split into single items each run in a process of its own (`run_isolated`); an item
  whose process dies again is handed to the caller's `on_crash` (the pipeline rejects it as
  `worker_crashed`, with the signal), and the run goes on with a fresh pool.
Ctrl-C and SIGTERM reach the main process only (workers ignore SIGINT): the pool is then torn down at once,
its workers killed, instead of waiting for the tasks in flight.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")
PR_SET_PDEATHSIG = 1
YOUNG_GC_THRESHOLD = 10_000
"""Allocations between two collections of a worker's youngest generation (Python's default is 700)."""


def die_with_parent(parent_pid: int | None) -> None:
    """Ask the kernel to SIGKILL this process when its parent dies; exit now if it already has.

    The parent check closes the race where the parent dies between the fork and the `prctl` call.
    `parent_pid` None skips it (a child of a fork server, whose parent is the server)."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is not None:
        libc = ctypes.CDLL(libc_name, use_errno=True)
        if hasattr(libc, "prctl"):
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)


def tune_gc() -> None:
    """Set up a worker's cyclic garbage collector for the work it does.

    A worker inherits from its parent about 140,000 objects that live as long as it does (modules, models,
    rules, language profiles), and Python's collector walked all of them again and again as documents
    came and went: about 5 ms of every page's 80. Frozen (`gc.freeze`), they are out of its sight, and
    its collections no longer write to their memory pages, which the parent shares with the worker until
    they are written. A document makes tens of thousands of short-lived objects (lxml proxies, strings,
    feature dicts); collecting the youngest generation every `YOUNG_GC_THRESHOLD` allocations instead of
    every 700 lets most of them die by reference count first (the extraction's page walks make no
    reference cycles, so a collection finds little to do)."""
    gc.freeze()
    gc.set_threshold(YOUNG_GC_THRESHOLD, *gc.get_threshold()[1:])


def worker_init(parent_pid: int | None) -> None:
    """Initializer of every worker process: die with the parent; leave interrupts to the parent; tune the
    garbage collector (`tune_gc`)."""
    die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    tune_gc()


def describe_exit(exitcode: int | None) -> str:
    """A worker's exit code in words: 'killed by SIGSEGV (signal 11)' or 'exited with status 3'."""
    if exitcode is None:
        return "did not finish"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"killed by {name} (signal {-exitcode})"
    return f"exited with status {exitcode}"


@dataclass
class Isolated(Generic[R]):
    """What `run_isolated` gives back: the result, or how the process died (`crash`)."""

    result: R | None = None
    crash: str | None = None


def _isolated_child(conn: Any, fn: Callable[..., Any], args: tuple) -> None:
    try:
        conn.send((True, fn(*args)))
    except BaseException as exc:  # reported to the parent, which decides
        conn.send((False, f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def run_isolated(fn: Callable[..., R], args: tuple, context: BaseContext | None = None) -> Isolated[R]:
    """`fn(*args)` in a process of its own. A process that dies before answering gives `crash`, the way it
    died; an exception inside `fn` is raised here as a RuntimeError with its message."""
    ctx = context or multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_isolated_child, args=(sender, fn, args), daemon=True)
    proc.start()
    sender.close()
    try:
        ok, value = receiver.recv()
    except EOFError:
        proc.join()
        return Isolated(crash=describe_exit(proc.exitcode))
    finally:
        receiver.close()
    proc.join()
    if not ok:
        raise RuntimeError(value)
    return Isolated(result=value)


def terminate(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: cancel what is queued and kill the workers (no waiting for tasks in flight)."""
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        if proc.is_alive():
            proc.kill()
    for proc in processes:
        proc.join(timeout=5)


def new_pool(workers: int, context: BaseContext | None = None) -> ProcessPoolExecutor:
    """A process pool whose workers die with this process and ignore Ctrl-C."""
    ctx = context or multiprocessing.get_context("fork")
    parent = os.getpid() if ctx.get_start_method() == "fork" else None
    return ProcessPoolExecutor(workers, mp_context=ctx, initializer=worker_init, initargs=(parent,))


def run_ordered(
    fn: Callable[[T], R],
    items: Iterable[T],
    workers: int,
    on_broken: Callable[[T], R],
    done: Callable[[T, R], None] | None = None,
) -> Iterator[R]:
    """`fn(item)` for every item in worker processes, results in the items' order.

    At most two items per worker are in flight, so memory stays bounded however many items there are. When
    a worker dies, every item in flight is passed to `on_broken` instead (in order, in this process, which
    retries it in isolation: module docstring) and a fresh pool takes the remaining items. `done(item,
    result)` is called as each result is handed out (progress)."""
    in_flight: deque[tuple[T, Future[R]]] = deque()
    pool = new_pool(workers)
    clean_exit = False
    try:
        for item in items:
            in_flight.append((item, _submit(pool, fn, item)))
            while len(in_flight) > workers * 2 or (in_flight and in_flight[0][1].done()):
                pool = yield from _collect(in_flight, pool, workers, on_broken, done)
        while in_flight:
            pool = yield from _collect(in_flight, pool, workers, on_broken, done)
        clean_exit = True
    finally:
        if clean_exit:
            pool.shutdown(wait=True)
        else:
            terminate(pool)


def _submit(pool: ProcessPoolExecutor, fn: Callable[[T], R], item: T) -> Future[R]:
    """`pool.submit(fn, item)`; when a worker died since the last result was handed out, the pool refuses
    new work (`BrokenProcessPool`): the item then gets a future holding that error, so that it is retried
    with the items in flight, in order, when the broken pool is found (`_collect`)."""
    try:
        return pool.submit(fn, item)
    except BrokenProcessPool as exc:
        refused: Future[R] = Future()
        refused.set_exception(exc)
        return refused


def _collect(
    in_flight: deque[tuple[T, Future[R]]],
    pool: ProcessPoolExecutor,
    workers: int,
    on_broken: Callable[[T], R],
    done: Callable[[T, R], None] | None,
) -> Iterator[R]:
    """Hand out the oldest result; on a broken pool, retry everything in flight and renew the pool."""
    item, future = in_flight[0]
    try:
        result = future.result()
    except BrokenProcessPool:
        terminate(pool)
        pending = [it for it, _ in in_flight]
        in_flight.clear()
        for it in pending:
            result = on_broken(it)
            if done:
                done(it, result)
            yield result
        return new_pool(workers)
    in_flight.popleft()
    if done:
        done(item, result)
    yield result
    return pool
