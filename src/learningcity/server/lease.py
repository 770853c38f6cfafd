"""A keep-alive connection lent to a query worker, which answers its next queries itself.

Why: a distinct query cost two Python processes on its path, the serving process (uvicorn,
the middleware, the hand-off: ~230-300 µs of CPU per request, measured under wrk) and its
worker (~230 µs), where Oxigraph's own server spends ~150 µs on the whole request; the hand-off
alone could not reach half of Oxigraph's rate. A client that sends query after query on one
connection (SPARQLWrapper, Comunica, a notebook, wrk) now has its connection lent to the worker
that answered the first one: the worker reads, answers and logs the next requests itself, with
one process and no Python HTTP stack on their path.

What the worker answers on a lent connection is narrow on purpose: a GET or a POST (its body
of a declared length, no chunks) of `/sparql` on HTTP/1.1, alone in its read, that is no
upgrade, has no `Expect` and no proxy headers, whose request the endpoint's own reading
(`ReaderOf`, the function the serving process uses) turns into a query new to this worker, and
whose answer is a 200 written whole. Anything else (another path or method, a repeat, a refused
or failed query, pipelined requests, a request over `MAX_REQUEST_BYTES`, one not whole within
`PARTIAL_S`) ends the lease: the bytes read go back
to the serving process unanswered, whose parser takes them as if it had read them, so every
guard, route, cache and error page stays decided in one place. The lease also ends when the
connection is idle for `IDLE_S`, when its client closes it, and when the serving process
recalls it (it needs the worker for another connection, or is shutting down).

Every request has its access log line (`access.log_request`, the same format): the worker
writes those of the requests it answered, and the serving process that of the first when the
lease ends (it logs each request it read, once answered), so that one comes after them, with
its own duration.

A lent request's deadline is the kernel's: an interval timer whose SIGALRM (left at its default
action in the worker) kills the worker at `--timeout`; the serving process, which never stops
holding the connection, answers 503 for it. The shared state byte says how far a request got
(`IDLE`, `ANSWERING`, `WRITING`), so that a worker lost between requests costs nothing, one lost
while answering a 503, and one lost while writing a closed connection.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import select
import signal
import socket
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from email.utils import formatdate
from typing import Generic, Protocol, TypeVar

import httptools

from learningcity.server.access import log_request
from learningcity.server.protocol import MAX_HEAD_BYTES

#: What a request's state byte says (shared by the worker and the serving process).
IDLE = 0  # between requests: nothing read, nothing owed
ANSWERING = 1  # a request is being read or answered: a 503 is owed if the worker is lost
WRITING = 2  # bytes of an answer may have reached the client: only closing is left
#: Seconds a lent connection may stay idle before it goes back to the serving process (which
#: then keeps it alive for uvicorn's keep-alive time).
IDLE_S = 1.0
#: Seconds a request may take to arrive whole on a lent connection; then it goes back (and the
#: serving process's own read deadline applies from there).
PARTIAL_S = 0.5
#: Queries a worker remembers having answered: a repeat goes back, to be cached and replayed by
#: the serving process (its caches), as a repeat on an unlent connection is.
SEEN = 16_384
#: Request headers that send a request back: a proxy's (uvicorn reads the client's address and
#: scheme from them), `Expect` (uvicorn answers it) and `Transfer-Encoding` (a chunked body).
HANDED_BACK_HEADERS = frozenset(
    {b"expect", b"transfer-encoding", b"x-forwarded-for", b"x-forwarded-proto", b"forwarded"}
)
#: Bytes of a request (head and body) a worker reads before it gives the request back: a head
#: may take `MAX_HEAD_BYTES` and a query as much again (`server.Limits.max_request_bytes`); the
#: serving process refuses more, with its statuses.
MAX_REQUEST_BYTES = 2 * MAX_HEAD_BYTES
READ_SIZE = 65_536
METHODS = (b"GET", b"POST")


class Answered(Protocol):
    """What the worker's handler gives for a job (`workers.Answer`)."""

    @property
    def status(self) -> int: ...

    @property
    def head(self) -> bytes: ...

    @property
    def body(self) -> bytes: ...

    @property
    def retire(self) -> bool: ...


#: A job (`workers.Job`): what a worker's handler answers, hashed to know a repeat.
J = TypeVar("J", bound=Hashable)
#: The endpoint's reading of a request: (method, query string, headers by lower-case name, first
#: of a repeated one, body, and the start of a 200's head) -> the job, with the head it must be
#: sent with; any exception sends the request back.
ReaderOf = Callable[[str, str, dict[bytes, str], bytes, str], J]
HandlerOf = Callable[[J], Answered]


@dataclass(frozen=True)
class LeaseEnd:
    """How a lease ended: bytes of the last answer the client's socket did not take (to be
    written after it), bytes read but not answered (to be parsed), the hash of the repeated
    job that ended it (0: none), and whether the worker must be replaced."""

    unsent: bytes = b""
    unread: bytes = b""
    repeat: int = 0
    retire: bool = False


class _Request:
    """One request as httptools' callbacks give it: `messages` counts the requests begun, and
    `plain` says, once its head is complete, whether it is one this worker may answer (the
    parser says it only then)."""

    __slots__ = ("body", "complete", "headers", "messages", "method", "parser", "plain", "url")

    def __init__(self) -> None:
        self.url = b""
        self.headers: dict[bytes, str] = {}
        self.messages = 0
        self.complete = False
        self.body = b""
        self.method = b""
        self.plain = False
        self.parser = httptools.HttpRequestParser(self)

    def on_message_begin(self) -> None:
        self.messages += 1

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        name = name.lower()
        if name not in self.headers:
            self.headers[name] = value.decode("latin-1")

    def on_headers_complete(self) -> None:
        parser = self.parser
        self.method = parser.get_method()
        self.plain = (
            self.method in METHODS
            and parser.get_http_version() == "1.1"
            and parser.should_keep_alive()
            and not parser.should_upgrade()
            and HANDED_BACK_HEADERS.isdisjoint(self.headers)
        )

    def on_body(self, body: bytes) -> None:
        self.body += body

    def on_message_complete(self) -> None:
        self.complete = True

    def take(self, data: bytes, size: int) -> bool:
        """Parse the next `data` of the request (`size` bytes so far); False once it is not
        one this worker answers (see the module). Each byte is parsed once: the request is
        fed as it comes, not read again from its start at every chunk."""
        if size > MAX_REQUEST_BYTES:
            return False
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            return False
        return self.messages <= 1 and (self.plain or not self.complete)


class SeenHashes:
    """The hashes of the last `limit` requests seen (a repeat's is moved to none): how the
    endpoint tells a query's first sight, and a worker the repeats on its lent connections."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._hashes: OrderedDict[int, None] = OrderedDict()

    def __contains__(self, key: int) -> bool:
        return key in self._hashes

    def add(self, key: int) -> None:
        self._hashes[key] = None
        if len(self._hashes) > self._limit:
            self._hashes.popitem(last=False)

    def first_sight(self, key: int) -> bool:
        """Whether `key` is new, remembering it."""
        if key in self._hashes:
            return False
        self.add(key)
        return True


#: The jobs this worker answered on lent connections.
SEEN_JOBS = SeenHashes(SEEN)


class _Dates:
    """The `Date` header line, made once per second as uvicorn makes its own."""

    def __init__(self) -> None:
        self._second = -1
        self._line = ""

    def line(self) -> str:
        now = time.time()
        if int(now) != self._second:
            self._second = int(now)
            self._line = f"date: {formatdate(now, usegmt=True)}\r\n"
        return self._line


DATES = _Dates()


@dataclass(frozen=True)
class Lease(Generic[J]):
    """A connection lent to this worker (`client`), and what answering on it takes: the
    descriptor that becomes readable when the serving process wants it back (`recall`), the
    endpoint's reading of a request, the worker's handler, the headers every response has
    after `Date`, the state byte shared with the serving process and each request's deadline
    (0: none)."""

    client: socket.socket
    recall: int
    reader: ReaderOf[J]
    handler: HandlerOf[J]
    head_rest: str
    state: mmap.mmap
    timeout: float

    def serve(self) -> LeaseEnd:
        """Answer requests until one goes back or the lease ends; its recalls are then
        forgotten (the pipe is non-blocking in the worker)."""
        try:
            return self._answer_all()
        finally:
            with contextlib.suppress(BlockingIOError):
                while os.read(self.recall, 64):
                    pass

    def _answer_all(self) -> LeaseEnd:
        client, recall, state = self.client, self.recall, self.state
        poller = select.poll()
        poller.register(client.fileno(), select.POLLIN)
        poller.register(recall, select.POLLIN)
        peer = _peer(client)
        buffer = bytearray()
        request = _Request()
        started = 0.0
        while True:
            wait = IDLE_S if not buffer else max(0.0, started + PARTIAL_S - time.monotonic())
            events = dict(poller.poll(wait * 1000))
            if recall in events or not events:
                return LeaseEnd(unread=bytes(buffer))
            try:
                data = client.recv(READ_SIZE)
            except BlockingIOError:
                continue
            except OSError:
                return LeaseEnd(unread=bytes(buffer))
            if not data:  # the client closed: the serving process sees the end too
                return LeaseEnd(unread=bytes(buffer))
            if not buffer:
                started = time.monotonic()
                state[0] = ANSWERING
            buffer += data
            if not request.take(data, len(buffer)):
                return LeaseEnd(unread=bytes(buffer))
            if not request.complete:
                if time.monotonic() > started + PARTIAL_S:  # a trickle, however steady
                    return LeaseEnd(unread=bytes(buffer))
                continue
            end = self._answer(bytes(buffer), request, peer, started)
            if end is not None:
                return end
            buffer.clear()
            request = _Request()
            state[0] = IDLE

    def _answer(self, raw: bytes, request: _Request, peer: str, started: float) -> LeaseEnd | None:
        """Answer and log one whole request (`raw`, begun at `started`), or say how the lease
        ends instead (None: answered)."""
        try:
            url = httptools.parse_url(request.url)
            if url.path != b"/sparql" or url.fragment:
                return LeaseEnd(unread=raw)
            head = "HTTP/1.1 200 OK\r\n" + DATES.line() + self.head_rest
            query_string = (url.query or b"").decode("latin-1")
            method = request.method.decode("ascii")
            job = self.reader(method, query_string, request.headers, request.body, head)
        except Exception:  # not a query this worker answers: the serving process decides
            return LeaseEnd(unread=raw)
        key = hash(job)
        if key in SEEN_JOBS:
            return LeaseEnd(unread=raw, repeat=key)
        if self.timeout > 0:
            signal.setitimer(signal.ITIMER_REAL, self.timeout)
        try:
            answer = self.handler(job)
        except MemoryError:  # the cap: the request goes back, to be refused by a fresh worker
            signal.setitimer(signal.ITIMER_REAL, 0)
            return LeaseEnd(unread=raw, retire=True)
        if answer.status != 200 or not answer.head or answer.retire:
            signal.setitimer(signal.ITIMER_REAL, 0)
            return LeaseEnd(unread=raw, retire=answer.retire)
        self.state[0] = WRITING
        unsent = write_out(self.client, answer.head, answer.body)
        signal.setitimer(signal.ITIMER_REAL, 0)
        SEEN_JOBS.add(key)
        headers = request.headers
        log_request(
            peer,
            method,
            request.url.decode("latin-1"),
            200,
            len(answer.body),
            time.monotonic() - started,
            headers.get(b"referer"),
            headers.get(b"user-agent"),
        )
        # a client that reads slowly: the serving process writes the rest, off the worker
        return LeaseEnd(unsent=unsent) if unsent else None


def write_out(client: socket.socket, head: bytes, body: bytes) -> bytes:
    """Send head and body to the client without waiting; what the socket did not take.

    An empty part is left out: sending nothing returns 0, which would never empty the list (an
    empty CONSTRUCT answer spun its worker until the request timed out)."""
    views = [memoryview(part) for part in (head, body) if part]
    try:
        while views:
            sent = client.sendmsg(views, [], socket.MSG_DONTWAIT | socket.MSG_NOSIGNAL)
            while sent and views:
                if sent >= len(views[0]):
                    sent -= len(views.pop(0))
                else:
                    views[0] = views[0][sent:]
                    sent = 0
    except OSError:  # full (the serving process writes the rest) or gone (it notices)
        pass
    return b"".join(views)


def _peer(client: socket.socket) -> str:
    """The client's address for the log, as uvicorn gives it ("-" where there is none)."""
    try:
        name = client.getpeername()
    except OSError:
        return "-"
    return str(name[0]) if isinstance(name, tuple) else "-"
