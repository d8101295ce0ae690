"""Where a batch's work runs: in this process, in local worker processes, or on Dask.

A batch hands an executor pieces of work (a few children each) and takes the results
back as each piece finishes, in whatever order they finish. A piece is a pair
``(token, argument)``: the work runs on the argument, and the token (which never leaves
this process) comes back with the result. Only a few pieces per
worker are handed over at a time, so a batch of any size holds about the same amount in
memory. Every executor gives each child the same treatment; only where it runs differs.

- :class:`InlineExecutor` runs each piece in this process (``jobs=1``);
- :class:`LocalExecutor` runs pieces in worker processes on this machine;
- :class:`DaskExecutor` runs pieces on a Dask ``distributed`` cluster, either one
  already running (``scheduler="tcp://host:8786"``) or one it starts on this machine.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from .errors import EhcpKitError, MissingDependencyError

__all__ = [
    "EXECUTORS",
    "DaskExecutor",
    "ExecutorError",
    "InlineExecutor",
    "LocalExecutor",
    "make_executor",
]

logger = logging.getLogger("ehcp_kit")

EXECUTORS = ("local", "dask")
# Pieces of work waiting for each worker: enough to keep it busy, few enough to keep the
# batch's memory flat.
PENDING_PER_WORKER = 2

Work = Callable[[Any], Any]


class ExecutorError(EhcpKitError, ValueError):
    """An executor that cannot be used as asked; the message says why."""


def make_executor(
    name: str = "local",
    *,
    jobs: int = 1,
    scheduler: str | None = None,
    warm_up: Callable[[], None] | None = None,
):
    """The executor called ``name`` ("local" or "dask"), ready to run work.

    ``warm_up`` (a picklable callable) is run once in each local worker as it starts, so
    that what every piece of work needs is loaded before the first piece arrives.
    """
    if name not in EXECUTORS:
        raise ExecutorError(f"unknown executor {name!r}; choose from {', '.join(EXECUTORS)}")
    if scheduler and name != "dask":
        raise ExecutorError(f"a scheduler address ({scheduler!r}) needs --executor dask")
    if name == "dask":
        return DaskExecutor(scheduler=scheduler, jobs=jobs)
    return InlineExecutor() if jobs <= 1 else LocalExecutor(jobs, warm_up)


class InlineExecutor:
    """Run every piece of work here, one after another."""

    workers = 1

    def __enter__(self) -> InlineExecutor:
        return self

    def __exit__(self, *_exc: object) -> None:
        return None

    def run(self, work: Work, pieces: Iterable[tuple], failed: Callable[[Any, str], Any]):
        """Yield ``(token, result)`` for every piece, one after another."""
        for token, argument in pieces:
            yield token, work(argument)

    def stop_kernels(self) -> None:
        return None


class LocalExecutor:
    """Run pieces of work in ``jobs`` worker processes on this machine.

    A worker that dies (killed, or out of memory) breaks the pool: every piece caught in
    the crash is tried once more in a new pool, and a piece caught twice is failed.
    Workers are asked to stop if this process dies, so none is left behind.
    """

    def __init__(self, jobs: int, warm_up: Callable[[], None] | None = None) -> None:
        self.workers = jobs
        self._warm_up = warm_up
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> LocalExecutor:
        # Start the workers now, so they are ready by the time the first child is.
        pool = self._new_pool()
        if self._warm_up is not None:
            for _ in range(self.workers):
                pool.submit(self._warm_up)
        return self

    def __exit__(self, kind, *_rest: object) -> None:
        if kind is not None and self._pool is not None:
            # Stopped (Ctrl-C, SIGTERM, an error): do not wait for running children.
            for process in list(getattr(self._pool, "_processes", {}).values()):
                process.terminate()
        self._close()

    def _new_pool(self) -> ProcessPoolExecutor:
        self._close()
        # Spawned, not forked: a worker starts clean, without the batch's loaded plans
        # or the event loops and threads this process may already have.
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_started,
            initargs=_logging_of_this_process(),
        )
        return self._pool

    def _close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def run(self, work: Work, pieces: Iterable[tuple], failed: Callable[[Any, str], Any]):
        """Yield ``(token, result)`` for every piece, as each finishes.

        A piece caught in two crashes gets ``failed(token, reason)`` as its result.
        """
        source = iter(pieces)
        retry: list[tuple] = []
        crashes: dict[int, int] = {}
        pool = self._pool or self._new_pool()
        running: dict[Future, tuple] = {}
        limit = self.workers * PENDING_PER_WORKER
        while True:
            while len(running) < limit:
                piece = retry.pop() if retry else next(source, None)
                if piece is None:
                    break
                running[pool.submit(work, piece[1])] = piece
            if not running:
                return

            done, _ = wait(running, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                piece = running.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    broken = True
                    crashes[id(piece)] = crashes.get(id(piece), 0) + 1
                    if crashes[id(piece)] < 2:
                        retry.append(piece)
                        continue
                    result = failed(piece[0], "the worker process crashed twice")
                yield piece[0], result
            if broken:
                # A dead worker takes the whole pool with it: start again with the
                # pieces that had not finished.
                logger.warning("a worker process died; starting new workers")
                retry.extend(running.values())
                running.clear()
                pool = self._new_pool()

    def stop_kernels(self) -> None:
        """Nothing to do: each worker stops its kernels as it exits with the pool."""


def _logging_of_this_process() -> tuple[int, str | None]:
    """The package logger's level, and its log line format if it logs to a stream."""
    package_logger = logging.getLogger("ehcp_kit")
    for handler in package_logger.handlers:
        if isinstance(handler, logging.StreamHandler) and handler.formatter is not None:
            return package_logger.getEffectiveLevel(), handler.formatter._fmt
    return package_logger.getEffectiveLevel(), None


def _worker_started(level: int = logging.WARNING, log_format: str | None = None) -> None:
    """In each worker: log as the batch does, stop when it dies, ignore Ctrl-C."""
    package_logger = logging.getLogger("ehcp_kit")
    package_logger.setLevel(level)
    if log_format is not None:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(log_format))
        package_logger.addHandler(handler)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM), 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() == 1:
        os._exit(1)


class DaskExecutor:
    """Run pieces of work on a Dask ``distributed`` cluster.

    With ``scheduler`` (an address such as ``tcp://10.0.0.5:8786``) the batch joins a
    cluster that is already running: its workers need ehcp-kit installed (and any
    notebook or Word template given as a path reachable at the same path), and must be
    able to write to the output folder at the same path as this machine. Without it, a
    cluster of ``jobs`` worker processes is started on this machine for the batch and
    shut down after it.
    """

    def __init__(self, scheduler: str | None = None, jobs: int = 2) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as error:
            raise MissingDependencyError(
                "--executor dask needs Dask: pip install 'ehcp-kit[dask]'"
            ) from error

        self._cluster = None
        if scheduler:
            self._client = Client(scheduler, timeout="30s")
        else:
            self._cluster = LocalCluster(
                n_workers=max(jobs, 1), threads_per_worker=1, processes=True,
                host="127.0.0.1", dashboard_address=None,
            )
            self._client = Client(self._cluster)
        self.workers = max(len(self._client.scheduler_info().get("workers", {})), 1)

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    def run(self, work: Work, pieces: Iterable[tuple], failed: Callable[[Any, str], Any]):
        """Yield ``(token, result)`` for every piece, as each finishes on the cluster."""
        from distributed import as_completed

        source = iter(pieces)
        limit = self.workers * PENDING_PER_WORKER
        running: dict[Any, tuple] = {}
        for piece in source:
            running[self._client.submit(work, piece[1], pure=False)] = piece
            if len(running) >= limit:
                break
        queue = as_completed(list(running))
        for future in queue:
            piece = running.pop(future)
            try:
                result = future.result()
            except Exception as error:  # noqa: BLE001 - a lost worker fails only its piece
                logger.warning("a piece of work failed on the cluster: %s", type(error).__name__)
                result = failed(piece[0], f"the cluster could not run it: {type(error).__name__}")
            future.release()
            yield piece[0], result
            following = next(source, None)
            if following is not None:
                new = self._client.submit(work, following[1], pure=False)
                running[new] = following
                queue.add(new)

    def stop_kernels(self) -> None:
        """Stop the kernel zygotes the batch left on the cluster's workers."""
        from ._workers import close_kernel_supplies

        self._client.run(close_kernel_supplies)
