"""Worker processes for batch work (validating and publishing at network scale), decided once.

Three things `multiprocessing.Pool` gets wrong for a command a person waits on:
- a worker killed outright (the kernel's out-of-memory killer, `kill -9`) loses its task and the
  pool waits for it forever; here the wait also watches each worker's sentinel, so the loss ends
  the command at once with one line (`WorkerLost`, exit code 5);
- its task feeder runs ahead of the workers; here each worker holds one task at a time, so the
  parts waiting to be sent stay in the caller's iterator, not in memory;
- Ctrl-C reaches every worker of the terminal's process group and each prints a traceback; here
  workers ignore SIGINT and the caller, which handles it, stops them.

Workers come from a fork server, never from the caller (large, and with threads: forking it
would copy gigabytes and can deadlock), and are stopped when the `WorkerPool` block is left,
normally or not, so none writes anything once the caller has moved on. A worker asks the kernel
to end it if the fork server, its parent, ends (Linux; see `host.die_with_parent`).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection, wait
from types import TracebackType
from typing import Any, Generic, TypeVar

from learningcity.errors import ExitCode, LearningCityError
from learningcity.host import die_with_parent

Item = TypeVar("Item")
Result = TypeVar("Result")
#: How long a stopped worker is given to end on SIGTERM before it is killed.
STOP_GRACE_SECONDS = 2.0


class WorkerLost(LearningCityError):
    """A worker process ended while it held a task: killed (out of memory?) or crashed."""

    exit_code = ExitCode.RESOURCES


class _Worker:
    """One worker process and the caller's end of the pipe to it."""

    def __init__(self, process: multiprocessing.process.BaseProcess, pipe: Connection) -> None:
        self.process = process
        self.pipe = pipe


class WorkerPool(Generic[Item, Result]):
    """`workers` processes, each started by `start(*start_args)`, then running `task` on items.

    `start` and `task` must be module-level functions (they are sent by name). An exception
    raised in a worker is raised again in the caller, as `Pool` does.
    """

    def __init__(
        self,
        workers: int,
        start: Callable[..., None],
        start_args: tuple[Any, ...],
        task: Callable[[Item], Result],
    ) -> None:
        self._workers: list[_Worker] = []
        context = multiprocessing.get_context("forkserver")
        try:
            for _ in range(max(1, workers)):
                pipe, worker_end = context.Pipe()
                process = context.Process(
                    target=_serve, args=(worker_end, start, start_args, task), daemon=True
                )
                worker = _Worker(process, pipe)
                self._workers.append(worker)
                try:
                    process.start()  # sends `start_args`: a dying worker breaks the pipe
                except OSError:
                    raise _lost(worker) from None
                finally:
                    worker_end.close()
        except BaseException:
            self.stop()
            raise

    def __enter__(self) -> WorkerPool[Item, Result]:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def results(self, items: Iterable[Item]) -> Iterator[Result]:
        """`task(item)` for every item, in the order they are done; items are taken from
        `items` only as workers become free."""
        pending = iter(items)
        idle = list(self._workers)
        busy: dict[Connection, _Worker] = {}
        exhausted = False
        while True:
            while idle and not exhausted:
                item = next(pending, _END)
                if item is _END:
                    exhausted = True
                    break
                worker = idle.pop()
                try:
                    worker.pipe.send(item)
                except OSError:  # it died before this task reached it
                    worker.process.join(STOP_GRACE_SECONDS)
                    raise _lost(worker) from None
                busy[worker.pipe] = worker
            if not busy:
                return
            sentinels = {w.process.sentinel: w for w in busy.values()}
            ready = wait([*busy, *sentinels])
            answered = [busy.pop(r) for r in ready if isinstance(r, Connection) and r in busy]
            for worker in answered:
                idle.append(worker)
                yield self._answer(worker)
            for sentinel, worker in sentinels.items():
                if sentinel in ready and worker.pipe in busy:
                    raise _lost(worker)

    def _answer(self, worker: _Worker) -> Result:
        try:
            outcome, value = worker.pipe.recv()
        except (EOFError, OSError):
            worker.process.join(STOP_GRACE_SECONDS)
            raise _lost(worker) from None
        if outcome == "error":
            raise value
        result: Result = value
        return result

    def stop(self) -> None:
        """End every worker (SIGTERM, then SIGKILL after a grace period) and wait for it."""
        started = [w for w in self._workers if w.process.pid is not None]
        for worker in self._workers:
            worker.pipe.close()
        for worker in started:
            if worker.process.is_alive():
                worker.process.terminate()
        for worker in started:
            worker.process.join(STOP_GRACE_SECONDS)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
        self._workers = []


_END = object()


def _lost(worker: _Worker) -> WorkerLost:
    """The one-line error for a worker that ended while holding a task."""
    return worker_lost(worker.process.exitcode if worker.process.pid is not None else None)


def worker_lost(code: int | None, doing: str = "working") -> WorkerLost:
    """The one-line error for a worker process that ended, with exit code `code` (negative: the
    signal; None: it never started), while `doing` its task."""
    if code is None:
        how = "ended as it started"
    elif code < 0:
        how = f"was killed by {signal.Signals(-code).name}"
    else:
        how = f"ended with exit code {code}"
    return WorkerLost(
        f"a worker process {how} while {doing} (out of memory?); nothing was replaced; "
        "run it again with more memory free"
    )


def _serve(
    pipe: Connection,
    start: Callable[..., None],
    start_args: tuple[Any, ...],
    task: Callable[[Any], Any],
) -> None:
    """A worker's life: start, then answer each item with ("ok", result) or ("error", exc)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(signal.SIGTERM, os.getppid())
    failed: BaseException | None = None
    try:
        start(*start_args)
    except Exception as error:  # sent with the first task's answer, raised by the caller
        failed = error
    while True:
        try:
            item = pipe.recv()
        except (EOFError, OSError):
            return
        if failed is not None:
            _send(pipe, ("error", failed))
            continue
        try:
            answer: tuple[str, Any] = ("ok", task(item))
        except Exception as error:
            answer = ("error", error)
        _send(pipe, answer)


def _send(pipe: Connection, answer: tuple[str, Any]) -> None:
    """Send an answer; an exception that cannot be pickled goes as a RuntimeError naming it."""
    try:
        pipe.send(answer)
    except (TypeError, AttributeError, ValueError) as unpicklable:
        if answer[0] != "error":
            raise
        pipe.send(("error", RuntimeError(f"{answer[1]!r} (not picklable: {unpicklable})")))
