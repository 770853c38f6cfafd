"""Work in processes that can be killed: a timeout that really stops a query, a memory cap, and
a crash that costs one request instead of the server.

Oxigraph cannot interrupt a running query from Python, and a thread cannot be killed. So every
piece of query work (checks, evaluation, writing the answer) runs in a small pool of processes
forked after the data is loaded (the store's memory is shared copy-on-write, nothing is
reloaded). The serving process only sends the request's text and relays the answer's bytes;
when a worker overruns its deadline it is killed, when it dies (a stack overflow in the parser,
its memory cap) the request gets a 503 saying why, and either way a fresh fork replaces it while
the event loop keeps serving.

Framing: each worker talks over its own socket pair. A request is nine length-prefixed UTF-8
fields (`Job.fields`); an answer is a fixed header (status, flags, media type length, body
length, the whole body's size), the media type, then the body as written. The serving process
reads it with asyncio streams (`readexactly`), so an answer of any size arrives whole on any
event loop (uvloop leaves a descriptor it watches non-blocking, which broke `Connection.recv` of
multi-chunk answers), and the body stays one `bytes` object end to end: one round trip per
request, nothing pickled.

Written straight to the client: with a request the serving process may pass the client's
socket (SCM_RIGHTS) and the start of a response head (`Job.head`). A handler that answers with
a whole HTTP head of its own (`Answer.head`) then has the worker send head and body to the
client itself, without blocking: the answer back to the serving process carries only what the
socket did not take (`Answer.direct`), to be written after it. A request then costs three
process wake-ups instead of four, and its answer's bytes cross no second socket. Before its
first byte to the client the worker marks its shared `writing` byte: a worker that dies or is
killed past that point may have sent part of an answer, so its connection can only be closed
(`AnswerCut`), never answered again with a 503.

Lent: when the request says so (`Job.lease_head`, the connection's reads paused by the serving
process), the worker keeps the client's socket after a whole direct answer and answers the
connection's next queries itself (`learningcity.server.lease`), until the lease ends; it then
sends a second message (`LEASE_END_HEAD`: what the socket did not take of the last answer,
what it read and did not answer, the repeat that ended it) and is free again. Each lent request
has the kernel's deadline (SIGALRM); the serving process recalls a lease through the worker's
recall pipe when it needs the worker, and the shared state byte (`lease.IDLE`, `ANSWERING`,
`WRITING`) says what a worker lost was doing.
"""

from __future__ import annotations

import array
import asyncio
import contextlib
import gc
import mmap
import os
import resource
import signal
import socket
import struct
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from learningcity.host import die_with_parent, timeout_at
from learningcity.server import lease
from learningcity.server.lease import (
    ANSWERING,
    IDLE,
    WRITING,
    Lease,
    LeaseEnd,
    ReaderOf,
    write_out,
)

#: Request head: byte lengths of the query, the Accept header, the format override, the page
#: language, the protocol's default and named graphs, whether the client takes gzip, and the
#: start of a response head to write to the client's socket passed along (or nothing), and the
#: headers after `Date` of the answers on a lent connection (nothing: not lent).
REQUEST_HEAD = struct.Struct("!IIIIIIIII")
#: Answer head: HTTP status, flags (TRUNCATED, RETIRE, GZIPPED, DIRECT, LEASED), media type length,
#: length of the body that follows, and the size of the whole body (for the access log).
ANSWER_HEAD = struct.Struct("!HBHQQ")
TRUNCATED = 1
RETIRE = 2  # the worker exits after this answer (it ran out of memory): replace it
GZIPPED = 4  # the body is gzip-encoded
DIRECT = 8  # head and body went to the client's socket; what follows is what it did not take
LEASED = 16  # the worker kept the connection: a LEASE_END_HEAD message follows when it ends
#: Lease end: flags (RETIRE), lengths of the unsent and the unread bytes that follow, and the
#: hash of the repeated job that ended it (0: none).
LEASE_END_HEAD = struct.Struct("!BQQq")
MIB = 1024 * 1024
#: Seconds to wait for a worker whose socket closed to be reaped, before killing it.
EXIT_GRACE_S = 1.0
REAP_INTERVAL_S = 0.05
#: Bytes the stream buffers before pausing the socket: large answers arrive in few wake-ups.
STREAM_LIMIT = 8 * MIB


@dataclass(frozen=True)
class Job:
    """One request's text, as the client sent it: the query, its Accept header (or ""), its
    `format=` override (or ""), the language of an HTML results page, and the graph IRIs of
    `default-graph-uri` and `named-graph-uri` (checked IRIs: none holds a newline), and whether
    the client takes gzip (the worker compresses, off the serving process's event loop)."""

    query: str
    accept: str = ""
    format: str = ""
    language: str = ""
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    gzip: bool = False
    #: The status line and the headers every response gets, when the answer is to be written
    #: to the client's socket by the worker ("": sent back). Not part of what is asked (the
    #: `Date` in it changes every second): the answers cache ignores it.
    head: str = field(default="", compare=False)
    #: The headers after `Date` of every answer on the connection, when it is lent to the
    #: worker after this answer (`lease`); "": it is not.
    lease_head: str = field(default="", compare=False)

    def fields(self) -> tuple[str, ...]:
        """The request as the text fields it is framed in, graph IRIs one per line."""
        graphs = ("\n".join(self.default_graphs), "\n".join(self.named_graphs))
        return (
            self.query,
            self.accept,
            self.format,
            self.language,
            *graphs,
            "1" * self.gzip,
            self.head,
            self.lease_head,
        )

    @classmethod
    def from_fields(cls, fields: list[str]) -> Job:
        query, accept, format_name, language, default_graphs, named_graphs, gzip, *heads = fields
        return cls(
            query,
            accept,
            format_name,
            language,
            _lines(default_graphs),
            _lines(named_graphs),
            gzip == "1",
            *heads,
        )


def _signal_of(status: int | None) -> int | None:
    """The signal that ended a process, from its wait status (None: it exited, or is unknown)."""
    return os.WTERMSIG(status) if status is not None and os.WIFSIGNALED(status) else None


def _lines(text: str) -> tuple[str, ...]:
    return tuple(text.split("\n")) if text else ()


@dataclass(frozen=True)
class Answer:
    """A status, the media type of `body` (the bytes to send), whether rows were cut, whether
    the worker must be replaced, and whether `body` is gzip-encoded.

    `head`: the whole HTTP response head, when the handler made one for a job with a `head`:
    the worker then writes head and body to the client itself. `direct`: they were (the
    serving process's copy): `body` holds what the client's socket did not take, to be written
    after them as it is, and `size` is the whole body's length. After a lease (`lease`), `body`
    is what the socket did not take of its last answer, `unread` the bytes read and not
    answered (for the serving process's parser), `repeat` the hash of the repeated job that
    ended it (0: none), and `seconds` how long the first answer took."""

    status: int
    media_type: str
    body: bytes
    truncated: bool = False
    retire: bool = False
    gzipped: bool = False
    head: bytes = b""
    direct: bool = False
    size: int = 0
    unread: bytes = b""
    repeat: int = 0
    seconds: float = 0.0


Handler = Callable[[Job], Answer]
#: The endpoint's reading of a request on a lent connection (`lease.ReaderOf`).
Reader = ReaderOf[Job]


class Client(Protocol):
    """The client's connection, as a worker may use it (`protocol.Direct`)."""

    def descriptor(self) -> int | None:
        """The socket's descriptor for a worker to write to, or None if it may not."""

    def lend(self, recall: Callable[[], None]) -> bool:
        """Stop reading the connection, so that a worker may (`Job.lease_head`); `recall` asks
        the worker to give it back. False: it cannot be lent now."""


class _Stopped(Exception):
    """A request its worker could not finish; `close`: it was on a lent connection, where the
    worker may have read more than that request, so the connection is closed after the
    answer."""

    def __init__(self, message: str = "", close: bool = False) -> None:
        super().__init__(message)
        self.close = close


class QueryTimeout(_Stopped):
    """The query ran past its deadline; its worker was killed."""


class PoolBusy(Exception):
    """No worker came free before the deadline."""


class WorkerLost(_Stopped):
    """The worker died while answering (a crash or its memory cap); the message says which."""


class AnswerCut(Exception):
    """The worker died or was stopped after it began writing to the client: the connection
    may hold part of an answer and must be closed."""


def memory_message(limit_mib: int) -> str:
    """What a client is told when a query needs more memory than its worker may take."""
    return (
        f"the query needed more than the {limit_mib} MiB a query worker may use "
        "(serve --memory-limit) and was stopped; narrow it down (LIMIT, more specific patterns)"
    )


# -- the worker process ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Duties:
    """What a forked worker does and within which limits: its handler, the endpoint's reading
    of a request on a lent connection (None: it takes no lease), the memory cap, each lent
    request's deadline, the state byte it shares with the serving process and the read end
    of its recall pipe."""

    handler: Handler
    reader: Reader | None
    memory_limit_mib: int
    timeout: float
    state: mmap.mmap
    recall: int


def _worker_main(channel: socket.socket, duties: _Duties, parent: int) -> None:
    """A forked worker's whole life; it never returns into the serving process's code."""
    code = 0
    try:
        _detach((channel.fileno(), duties.recall), parent)
        os.set_blocking(duties.recall, False)
        _limit_memory(duties.memory_limit_mib)
        _serve(channel, duties)
    except Exception:  # a bug: say where in the server's log, the client gets a 503
        traceback.print_exc()
        code = 1
    except BaseException:  # a forked child must exit here, whatever happened
        code = 1
    finally:
        os._exit(code)


def _detach(keep: tuple[int, ...], parent: int) -> None:
    """Cut the worker loose from the serving process's machinery.

    It dies with its parent (even one killed by SIGKILL or a crash, where no cleanup runs);
    SIGINT and SIGTERM kill it (it inherited uvicorn's graceful handlers and uvloop's wakeup
    descriptor), and so does SIGALRM (a lent request's deadline, `lease`); it holds no
    descriptor but `keep` (its socket and recall pipe) and stdio, so neither another worker's
    socket nor the listening socket stays open because of it; no core dumps (a crash is
    answered, and a dump of the shared store would be gigabytes). `gc.freeze` keeps the
    inherited objects out of the collector: no finalizer of the parent's objects runs here, on
    descriptors now closed, and the copy-on-write pages are not written by the collector.
    """
    die_with_parent(signal.SIGKILL, parent)
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGALRM):
        signal.signal(number, signal.SIG_DFL)
    signal.set_wakeup_fd(-1)
    gc.freeze()
    start = 3
    for descriptor in sorted(keep):
        os.closerange(start, descriptor)
        start = descriptor + 1
    os.closerange(start, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _limit_memory(limit_mib: int) -> None:
    """Cap the address space at what the worker maps now plus `limit_mib` (0: no cap).

    The store shared copy-on-write with the serving process is mapped here too and counts
    towards RLIMIT_AS, hence relative to the current size. Only Linux says that size
    (/proc/self/statm) and enforces the limit; elsewhere the worker runs without a cap.
    """
    if limit_mib <= 0:
        return
    try:
        pages = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[0])
    except OSError:
        return
    mapped = pages * os.sysconf("SC_PAGE_SIZE")
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = mapped + limit_mib * MIB
    resource.setrlimit(
        resource.RLIMIT_AS, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard)
    )


def _serve(channel: socket.socket, duties: _Duties) -> None:
    """One request in, one answer out, until the socket closes or the worker must retire; a
    direct answer that may keep its connection is followed by the lease's requests."""
    while True:
        head, client = _receive_head(channel)
        if head is None:
            return
        try:
            lengths = REQUEST_HEAD.unpack(head)
            text = _receive(channel, sum(lengths))  # all fields at once: one system call
            if text is None:
                return
            fields, start = [], 0
            for length in lengths:
                fields.append(text[start : start + length].decode())
                start += length
            job = Job.from_fields(fields)
            try:
                answer = duties.handler(job)
            except MemoryError:
                message = memory_message(duties.memory_limit_mib).encode()
                answer = Answer(503, "text/plain", message, retire=True)
            rest, direct = answer.body, False
            if client is not None and answer.head:
                duties.state[0] = WRITING
                rest, direct = write_out(client, answer.head, answer.body), True
            lent = client is not None and _lends(job, answer, direct, rest, duties)
            if lent:  # written whole: from here a loss costs the client nothing
                duties.state[0] = IDLE
            _send(channel, _head(answer, direct, rest, lent), rest)
            if lent:
                assert client is not None and duties.reader is not None
                lease.SEEN_JOBS.add(hash(job))
                end = Lease(
                    client,
                    duties.recall,
                    duties.reader,
                    duties.handler,
                    job.lease_head,
                    duties.state,
                    duties.timeout,
                ).serve()
                _send(channel, _lease_end(end), end.unsent, end.unread)
                if end.retire:
                    return
        finally:
            if client is not None:
                client.close()
        if answer.retire:
            return


def _lends(job: Job, answer: Answer, direct: bool, rest: bytes, duties: _Duties) -> bool:
    """Whether the worker keeps the connection: it may (the job says, the worker reads), and
    the answer went to it whole and leaves the worker fit to go on."""
    fit = answer.status == 200 and not answer.retire
    return fit and bool(job.lease_head and duties.reader is not None and direct and not rest)


def _lease_end(end: LeaseEnd) -> bytes:
    flags = RETIRE if end.retire else 0
    return LEASE_END_HEAD.pack(flags, len(end.unsent), len(end.unread), end.repeat)


def _receive_head(channel: socket.socket) -> tuple[bytes | None, socket.socket | None]:
    """A request's head, and the client's socket when one came with it (SCM_RIGHTS)."""
    data, descriptors, _flags, _address = socket.recv_fds(channel, REQUEST_HEAD.size, 1)
    client = socket.socket(fileno=descriptors[0]) if descriptors else None
    if not data:
        if client is not None:
            client.close()
        return None, None
    rest = (
        _receive(channel, REQUEST_HEAD.size - len(data)) if len(data) < REQUEST_HEAD.size else b""
    )
    if rest is None:
        if client is not None:
            client.close()
        return None, None
    return data + rest, client


def _receive(channel: socket.socket, size: int) -> bytes | None:
    """Exactly `size` bytes from the blocking socket, or None when the serving side closed it."""
    buffer = bytearray(size)
    view = memoryview(buffer)
    while view:
        count = channel.recv_into(view)
        if not count:
            return None
        view = view[count:]
    return bytes(buffer)


def _head(answer: Answer, direct: bool, rest: bytes, lent: bool) -> bytes:
    media = answer.media_type.encode()
    flags = (
        (TRUNCATED if answer.truncated else 0)
        | (RETIRE if answer.retire else 0)
        | (GZIPPED if answer.gzipped else 0)
        | (DIRECT if direct else 0)
        | (LEASED if lent else 0)
    )
    size = len(answer.body)
    return ANSWER_HEAD.pack(answer.status, flags, len(media), len(rest), size) + media


def _send(channel: socket.socket, *parts: bytes) -> None:
    """All of `parts` with as few system calls as the socket allows (one for most answers)."""
    views = [memoryview(part) for part in parts if part]
    while views:
        sent = channel.sendmsg(views)
        while sent:
            if sent >= len(views[0]):
                sent -= len(views.pop(0))
            else:
                views[0] = views[0][sent:]
                sent = 0


# -- the serving process's side ----------------------------------------------------------------


class _Worker:
    """One forked worker: its process id, the serving end of its socket, the state byte it
    shares and the write end of its recall pipe."""

    def __init__(self, handler: Handler, reader: Reader | None, limits: tuple[int, float]) -> None:
        ours, theirs = socket.socketpair()
        recall, self._recall = os.pipe()
        os.set_blocking(self._recall, False)
        parent = os.getpid()
        #: How far the worker got with a request (`lease.IDLE`, `ANSWERING`, `WRITING`):
        #: shared, not copied, by the fork.
        self.state = mmap.mmap(-1, 1)
        duties = _Duties(handler, reader, *limits, self.state, recall)
        pid = os.fork()
        if pid == 0:
            _worker_main(theirs, duties, parent)
        theirs.close()
        os.close(recall)
        self.pid = pid
        self.socket = ours
        self.status: int | None = None  # the wait status, once reaped
        self.lent = False  # the job being answered came with its connection lent
        self.leased = False  # and the worker kept it after the first answer (`finish_lease`)
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def ask(self, job: Job, client: Client | None = None) -> Answer:
        """Send `job` (with the client's socket, when `client` still gives one) and read the
        whole answer (the first; `finish_lease` reads the rest of a lent connection's);
        IncompleteReadError when the worker died."""
        if self._streams is None:
            self._streams = await asyncio.open_unix_connection(sock=self.socket, limit=STREAM_LIMIT)
        reader, writer = self._streams
        self.state[0] = ANSWERING
        # Asked now, with no wait before the send: a descriptor read before waiting for a
        # worker could by now name another client's connection.
        descriptor = client.descriptor() if client is not None else None
        clear = writer.transport.get_write_buffer_size() == 0
        lendable = descriptor is not None and clear and bool(job.lease_head)
        self.lent = lendable and client is not None and client.lend(self.recall)
        if job.lease_head and not self.lent:
            job = replace(job, lease_head="")
        fields = [f.encode() for f in job.fields()]
        request = REQUEST_HEAD.pack(*map(len, fields)) + b"".join(fields)
        sent = 0
        if descriptor is not None and clear:
            # Past the transport, which cannot pass descriptors; nothing of it is pending, and
            # a socket buffer the worker has emptied takes a request whole, or refuses it.
            rights = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [descriptor]))]
            with contextlib.suppress(OSError):  # full, interrupted: sent the plain way below
                sent = self.socket.sendmsg([request], rights)
        if sent < len(request):  # (with no descriptor the worker answers, and lends nothing)
            writer.write(request[sent:])
        status, flags, media_length, body_length, size = ANSWER_HEAD.unpack(
            await reader.readexactly(ANSWER_HEAD.size)
        )
        media = (await reader.readexactly(media_length)).decode()
        body = await reader.readexactly(body_length)
        self.leased = bool(flags & LEASED)
        return Answer(
            status,
            media,
            body,
            bool(flags & TRUNCATED),
            bool(flags & RETIRE),
            bool(flags & GZIPPED),
            direct=bool(flags & DIRECT),
            size=size,
        )

    async def finish_lease(self, first: Answer) -> Answer:
        """The end of the lease that followed `first`: the answer to report for the connection;
        IncompleteReadError when the worker died."""
        assert self._streams is not None
        reader = self._streams[0]
        flags, unsent, unread, repeat = LEASE_END_HEAD.unpack(
            await reader.readexactly(LEASE_END_HEAD.size)
        )
        return replace(
            first,
            body=await reader.readexactly(unsent),
            unread=await reader.readexactly(unread),
            repeat=repeat,
            retire=bool(flags & RETIRE),
        )

    def recall(self) -> None:
        """Ask for the lent connection back (the worker ends its lease after its request)."""
        if self._recall >= 0:  # not closed: the number may name another file by now
            with contextlib.suppress(OSError):  # the pipe is full: a recall is pending already
                os.write(self._recall, b"R")

    def reap(self) -> bool:
        """Collect the exit status if the process has ended; True once it has."""
        if self.status is None:
            with contextlib.suppress(ChildProcessError):
                pid, status = os.waitpid(self.pid, os.WNOHANG)
                if not pid:
                    return False
                self.status = status
        return True

    async def exit_status(self) -> int | None:
        """The wait status of a worker whose socket closed (it is exiting), killed if slow."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + EXIT_GRACE_S
        while not self.reap() and loop.time() < deadline:
            await asyncio.sleep(REAP_INTERVAL_S)
        return self.status

    def stop(self) -> None:
        """Kill the process (reaped later, off the event loop's path) and close the socket."""
        if self.status is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        if self._recall >= 0:
            os.close(self._recall)
            self._recall = -1
        if self._streams is not None:
            self._streams[1].close()
        else:
            self.socket.close()


class QueryPool:
    """A fixed number of worker processes running `handler`; `run` gives each request at most
    `timeout` seconds (waiting for a free worker included) and each worker `memory_limit_mib`
    of memory beyond what it shares with the serving process. With `reader` (the endpoint's
    reading of a request, `lease.ReaderOf`) a worker may take a lent connection (`lease`)."""

    def __init__(
        self,
        handler: Handler,
        size: int,
        timeout: float,
        memory_limit_mib: int = 0,
        reader: Reader | None = None,
    ) -> None:
        self._handler = handler
        self._reader = reader
        self.timeout = timeout
        self.memory_limit_mib = memory_limit_mib
        self._workers: set[_Worker] = set()
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._dying: list[_Worker] = []
        #: Workers holding a lent connection, and whether each was recalled.
        self._lending: dict[_Worker, bool] = {}
        self._waiting = 0  # requests waiting for a free worker
        for _ in range(size):
            self._idle.put_nowait(self._spawn())

    @property
    def size(self) -> int:
        return len(self._workers)

    @property
    def pids(self) -> list[int]:
        """The worker processes' ids (an operator's `kill`, a test's)."""
        return sorted(worker.pid for worker in self._workers)

    async def run(self, job: Job, client: Client | None = None) -> Answer:
        """The answer to `job`; with `client` (the client's connection), the worker may write
        it there itself (`Answer.direct`), and with `job.lease_head` keep the connection for
        its next requests (`lease`): the answer then comes when the lease ends. QueryTimeout,
        PoolBusy or WorkerLost when there is none, AnswerCut when the worker had begun writing
        to the client."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        deadline = started + self.timeout
        worker = await self._acquire(deadline)
        healthy = False
        first: Answer | None = None
        try:
            async with timeout_at(deadline):
                answer = first = await worker.ask(job, client)
            if worker.leased:
                self._lending[worker] = False
                self._recall_for_waiters()
                answer = await worker.finish_lease(replace(first, seconds=loop.time() - started))
        except TimeoutError:
            raise self._stopped(worker, QueryTimeout(close=worker.lent)) from None
        except (asyncio.IncompleteReadError, ConnectionError):
            if worker.state[0] == IDLE:  # lent, and every answer it began was written whole
                stand_in = first or Answer(200, "", b"", direct=True)
                return replace(stand_in, body=b"", seconds=loop.time() - started)
            status = await worker.exit_status()
            if _signal_of(status) == signal.SIGALRM:  # a lent request's deadline (`lease`)
                raise self._stopped(worker, QueryTimeout(close=True)) from None
            raise self._stopped(worker, WorkerLost(self._death(status), worker.lent)) from None
        else:
            healthy = not answer.retire
            return answer
        finally:
            self._lending.pop(worker, None)
            self._release(worker, healthy)

    @staticmethod
    def _stopped(worker: _Worker, stopped: _Stopped) -> Exception:
        """What a request its worker did not finish raises: AnswerCut once it was writing."""
        return AnswerCut() if worker.state[0] == WRITING else stopped

    def _death(self, status: int | None) -> str:
        """Why a worker died under a query, in words for the client."""
        number = _signal_of(status)
        # Rust aborts when an allocation fails, which under RLIMIT_AS means the cap was hit.
        if number == signal.SIGABRT and self.memory_limit_mib > 0:
            return memory_message(self.memory_limit_mib)
        how = f"signal {signal.Signals(number).name}" if number else "an unexpected exit"
        return (
            f"the query crashed its worker process ({how}) and was stopped; "
            "a fresh worker took its place; simplify the query (less nesting, LIMIT)"
        )

    async def _acquire(self, deadline: float) -> _Worker:
        """A free worker that is still alive: one that died idle (killed from outside, say by
        the kernel's OOM killer) is replaced here rather than failing an innocent query. With
        none free, a worker holding a lent connection is recalled."""
        self._waiting += 1
        try:
            self._recall_for_waiters()
            async with timeout_at(deadline):
                worker = await self._idle.get()
        except TimeoutError:
            raise PoolBusy from None
        finally:
            self._waiting -= 1
        while worker.reap():
            self._release(worker, healthy=False)
            worker = self._idle.get_nowait()
        return worker

    def _recall_for_waiters(self) -> None:
        """Recall lent connections until each request waiting for a worker has one coming: a
        connection between requests first (its client loses nothing), then the longest lent."""
        coming = self._idle.qsize() + sum(self._lending.values())
        if coming >= self._waiting:
            return
        candidates = [worker for worker, recalled in self._lending.items() if not recalled]
        candidates.sort(key=lambda worker: worker.state[0] != IDLE)  # stable: oldest first
        for worker in candidates[: self._waiting - coming]:
            worker.recall()
            self._lending[worker] = True

    def _release(self, worker: _Worker, healthy: bool) -> None:
        """Back to the idle queue, or killed and replaced (synchronous: safe in the `finally`
        of a cancelled request)."""
        if not healthy:
            worker.stop()
            self._workers.discard(worker)
            self._dying.append(worker)
            self._reap_dying()
            worker = self._spawn()
        self._idle.put_nowait(worker)

    def _spawn(self) -> _Worker:
        worker = _Worker(self._handler, self._reader, (self.memory_limit_mib, self.timeout))
        self._workers.add(worker)
        return worker

    def _reap_dying(self) -> None:
        """Collect killed workers without blocking the loop (freeing gigabytes takes a while)."""
        self._dying = [w for w in self._dying if not w.reap()]
        if self._dying:
            asyncio.get_running_loop().call_later(REAP_INTERVAL_S, self._reap_dying)

    def close(self) -> None:
        for worker in self._workers:
            worker.stop()
        for worker in (*self._workers, *self._dying):
            with contextlib.suppress(ChildProcessError):
                os.waitpid(worker.pid, 0)
        self._workers.clear()
        self._dying.clear()
