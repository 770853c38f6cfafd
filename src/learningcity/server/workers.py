"""SPARQL evaluation in worker processes that can be killed: a timeout that really stops a query.

Oxigraph cannot interrupt a running query from Python, and a thread cannot be killed. So queries
run in a small pool of processes forked after the data is loaded (the store's memory is shared
copy-on-write, nothing is reloaded); when a query overruns its deadline, its worker is killed
and replaced by a fresh fork, and the event loop, which only waits on a pipe, keeps serving.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import time
from dataclasses import dataclass
from itertools import islice
from multiprocessing.connection import Connection

import pyoxigraph as ox

from learningcity.formats import syntax_named
from learningcity.load import position_message
from learningcity.serialize import serialize
from learningcity.server.results import WRITERS

_FORK = multiprocessing.get_context("fork")
GRAPH_VARIABLES = ("subject", "predicate", "object")


@dataclass(frozen=True)
class Job:
    """A checked query, and how to write its answer (a results format, an RDF syntax or html).

    For `html` the worker writes capped SPARQL JSON, which the page renders as a table.
    """

    query: str
    format: str
    max_rows: int


@dataclass(frozen=True)
class Answer:
    body: bytes = b""
    truncated: bool = False
    error: str | None = None  # a message for the client: the query is wrong (400)


class QueryTimeout(Exception):
    """The query ran past its deadline; its worker was killed."""


class PoolBusy(Exception):
    """No worker came free before the deadline."""


def evaluate(store: ox.Store, namespaces: dict[str, str], job: Job) -> Answer:
    """Run one query and write its answer, at most `job.max_rows` rows or triples."""
    try:
        result = store.query(job.query, prefixes=namespaces)
    except SyntaxError as error:
        return Answer(error=position_message("query", error))
    except (RuntimeError, ValueError, OSError) as error:
        return Answer(error=f"the query failed: {error}")
    try:
        return _write(result, namespaces, job)
    except (RuntimeError, ValueError, OSError) as error:
        return Answer(error=f"the query failed: {error}")


def _write(
    result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples,
    namespaces: dict[str, str],
    job: Job,
) -> Answer:
    results_format = "json" if job.format == "html" else job.format
    if isinstance(result, ox.QueryBoolean):
        return Answer(WRITERS[results_format]([], None, bool(result)))
    rows = list(islice(result, job.max_rows + 1))
    truncated = len(rows) > job.max_rows
    rows = rows[: job.max_rows]
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        table = [[solution[name] for name in variables] for solution in rows]
        return Answer(WRITERS[results_format](variables, table, None), truncated)
    if job.format == "html":
        table = [[t.subject, t.predicate, t.object] for t in rows]
        return Answer(WRITERS["json"](GRAPH_VARIABLES, table, None), truncated)
    quads = [ox.Quad(t.subject, t.predicate, t.object) for t in rows]
    return Answer(serialize(quads, syntax_named(job.format), namespaces), truncated)


def _serve(connection: Connection, store: ox.Store, namespaces: dict[str, str]) -> None:
    """A worker's loop: one job in, one answer out, until the pipe closes."""
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        connection.send(evaluate(store, namespaces, job))


class _Worker:
    def __init__(self, store: ox.Store, namespaces: dict[str, str]) -> None:
        self.connection, child = _FORK.Pipe()
        self.process = _FORK.Process(
            target=_serve, args=(child, store, namespaces), daemon=True, name="sparql-worker"
        )
        self.process.start()
        child.close()

    def stop(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


class QueryPool:
    """A fixed number of query processes; `run` gives each query at most `timeout` seconds."""

    def __init__(
        self, store: ox.Store, namespaces: dict[str, str], size: int, timeout: float
    ) -> None:
        self._store = store
        self._namespaces = namespaces
        self.timeout = timeout
        self._idle: list[_Worker] = [_Worker(store, namespaces) for _ in range(size)]
        self._workers: set[_Worker] = set(self._idle)
        self._freed = asyncio.Condition()

    @property
    def size(self) -> int:
        return len(self._workers)

    async def run(self, job: Job) -> Answer:
        deadline = time.monotonic() + self.timeout
        worker = await self._acquire(deadline)
        healthy = False
        try:
            worker.connection.send(job)
            await self._readable(worker.connection, deadline)
            answer = worker.connection.recv()
            healthy = True
            return answer
        finally:
            await self._release(worker, healthy)

    async def _acquire(self, deadline: float) -> _Worker:
        async with self._freed:
            try:
                await asyncio.wait_for(
                    self._freed.wait_for(lambda: bool(self._idle)),
                    max(deadline - time.monotonic(), 0),
                )
            except asyncio.TimeoutError:
                raise PoolBusy from None
            return self._idle.pop()

    async def _release(self, worker: _Worker, healthy: bool) -> None:
        if not healthy:
            worker.stop()
            self._workers.discard(worker)
            worker = _Worker(self._store, self._namespaces)
            self._workers.add(worker)
        async with self._freed:
            self._idle.append(worker)
            self._freed.notify()

    async def _readable(self, connection: Connection, deadline: float) -> None:
        loop = asyncio.get_running_loop()
        ready = loop.create_future()
        descriptor = connection.fileno()

        def wake() -> None:
            if not ready.done():
                ready.set_result(None)

        loop.add_reader(descriptor, wake)
        try:
            await asyncio.wait_for(ready, max(deadline - time.monotonic(), 0))
        except asyncio.TimeoutError:
            raise QueryTimeout from None
        finally:
            loop.remove_reader(descriptor)

    def close(self) -> None:
        for worker in self._workers:
            with contextlib.suppress(OSError):
                worker.stop()
        self._workers.clear()
        self._idle.clear()
