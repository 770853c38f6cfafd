"""Uvicorn's HTTP protocols, guarded against hostile clients and with coalesced writes.

Guarded: uvicorn bounds neither the size of a request head under httptools (one 40 MB header
held the event loop for 31 s and took 1 GB) nor the time a client may take to send it (1,100
sockets each trickling a head kept them all open for ever). Here, in both the httptools and
the h11 protocol, every connection is held to these limits, decided once below:
- the request head (request line and headers) is at most `MAX_HEAD_BYTES`: the bytes are
  counted as they arrive, before the parser buffers them, and one byte over is answered 431
  and the connection closed;
- the whole request (head and body) must arrive within `REQUEST_READ_TIMEOUT_S` of its first
  byte or of the connection: else 408 and close (an idle keep-alive connection is closed by
  uvicorn after `timeout_keep_alive`);
- at most `MAX_PIPELINED` requests may wait behind the one being answered (h11 reads one
  request at a time by itself);
- a serving process holds at most `MAX_CONNECTIONS`: one more closes the connection that has
  waited longest while idle or still sending its request, and when every one has an answer
  being computed uvicorn answers 503 (`limit_concurrency`).
Every response, including those uvicorn and this module write before the application runs,
carries `RESPONSE_HEADERS` (uvicorn's `headers` setting is the one place they are decided).

Direct: an application may have a response written to the connection's socket by another
process (a SPARQL query worker, which gets the descriptor): the scope of a request on the
httptools protocol carries a `Direct` (`DIRECT_KEY`) that says whether the connection allows
it, gives the descriptor and the head every response starts with, and mutes uvicorn's writes
of the response the application then passes through its layers (they log it; nothing of it
goes to the client a second time).

Coalesced: uvicorn writes a response's head as soon as the application starts the response and
the body when it comes, and uvloop sends each write at once: two system calls and two TCP
segments per small response. Profiling `learningcity serve` under load showed those two writes
taking more than half of the serving process's time (on loopback a send also runs the
receiver's TCP stack). Here writes are gathered and sent together at the end of the event
loop's turn, which for every response small enough to be produced in one turn (all of ours but
streamed ones) means one system call and one segment. Closing flushes first, and flow control
still sees every byte (a turn's writes are at most one response).
"""

from __future__ import annotations

import asyncio
import contextlib
import http
import logging
import resource
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

#: Bytes a request head (request line and headers, with their line ends) may take; beyond: 431.
#: Ours are a few hundred bytes; 64 KiB is what common proxies allow (nginx: 4 x 8 KiB lines).
MAX_HEAD_BYTES = 64 * 1024
#: Seconds a client has to send a whole request (head and body, at most 64 KiB) from its first
#: byte or from the connection; beyond: 408 and the connection is closed.
REQUEST_READ_TIMEOUT_S = 10.0
#: Requests a client may send ahead of their answers (HTTP/1.1 pipelining): httptools parses a
#: whole read at once, and uvicorn queued every request of it (20 connections of tiny pipelined
#: GETs took 1.5 GB and held another client 17 s). Beyond: the connection is closed.
MAX_PIPELINED = 32
#: Connections one serving process holds; beyond, the longest idle one is closed (see above).
MAX_CONNECTIONS = 1000
#: Open files a serving process needs besides its connections (data, pipes, logs).
SPARE_FILES = 64
#: Headers on every response: a plain-text error body must never be sniffed as HTML.
RESPONSE_HEADERS = [("X-Content-Type-Options", "nosniff")]

LOGGER = logging.getLogger("learningcity.access")


class CoalescingTransport:
    """Wraps a transport: `write` collects, one real write per loop turn; the rest delegates.
    While `muted`, writes are dropped (`Direct.muted`)."""

    __slots__ = ("_loop", "_pending", "_transport", "muted")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []
        self.muted = False

    def write(self, data: bytes) -> None:
        if self.muted:
            return
        if not self._pending:
            self._loop.call_soon(self.flush)
        self._pending.append(data)

    def writelines(self, chunks: list[bytes]) -> None:
        for chunk in chunks:
            self.write(chunk)

    def flush(self) -> None:
        if not self._pending:
            return
        data = b"".join(self._pending) if len(self._pending) > 1 else self._pending[0]
        self._pending.clear()
        if not self._transport.is_closing():
            self._transport.write(data)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + sum(map(len, self._pending))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


#: The scope key of a request's `Direct`.
DIRECT_KEY = "learningcity.direct"


class Direct:
    """One request's connection, for a response written to its socket past uvicorn.

    Allowed when the response would be the next bytes on the connection and the connection
    stays open after it: HTTP/1.1 keep-alive, nothing pending in the transport, not closing.
    The writer sends the whole response (`head()` starts it); then the application passes a
    stand-in response through its layers inside `muted()`, which completes uvicorn's cycle
    (keep-alive, the next pipelined request) without a byte written.

    Lent (`lend`): the connection's reads stop until `give_back`, so that the writer (a query
    worker, `learningcity.server.lease`) may read and answer the next requests itself; it
    returns what it read and did not answer, which is parsed here as if it had just arrived.
    Allowed when nothing of a next request has been read yet. Shutting the server down recalls
    the connection.
    """

    __slots__ = ("_cycle", "_lent", "_protocol")

    def __init__(self, protocol: _Guarded, cycle: Any) -> None:
        self._protocol = protocol
        self._cycle = cycle
        self._lent = False

    def ready(self) -> bool:
        transport = self._protocol.transport
        return (
            self._cycle.keep_alive
            and not self._cycle.response_started
            and self._cycle.scope.get("http_version") == "1.1"
            and not transport.is_closing()
            and transport.get_write_buffer_size() == 0
        )

    def descriptor(self) -> int | None:
        """The socket's descriptor while the response may still be written to it (`ready`)."""
        if not self.ready():
            return None
        return int(self._protocol.transport.get_extra_info("socket").fileno())

    def head(self) -> str:
        """The status line of a 200 and the headers every response gets (`Date`, ...)."""
        lines = [b"HTTP/1.1 200 OK\r\n"]
        lines += [n + b": " + v + b"\r\n" for n, v in self._protocol._default_headers()]
        return b"".join(lines).decode("latin-1")

    def lease_head(self) -> str:
        """The headers every response gets after `Date` (which a lent connection's writer
        makes itself, as uvicorn does, once a second), when the connection may be lent; ""
        when it may not: uvicorn's `Date` is off or not first, or no header follows it (an
        empty text would say "not lent"; `RESPONSE_HEADERS` always follow)."""
        headers = self._protocol._default_headers()
        if not headers or headers[0][0] != b"date":
            return ""
        return b"".join(n + b": " + v + b"\r\n" for n, v in headers[1:]).decode("latin-1")

    def lend(self, recall: Callable[[], None]) -> bool:
        """Stop reading the connection for a lease, unless bytes of a next request have been
        read already; `recall` asks for it back (the server shutting down calls it)."""
        protocol = self._protocol
        if self._lent or not self.ready() or protocol._reading() or protocol._queued():
            return False
        protocol.transport.pause_reading()
        protocol.recall = recall
        self._lent = True
        return True

    def give_back(self, unread: bytes = b"") -> None:
        """End a lease: read the connection again, `unread` first (nothing if not lent)."""
        if not self._lent:
            return
        self._lent = False
        protocol = self._protocol
        protocol.recall = None
        if protocol.transport.is_closing():
            return
        protocol.transport.resume_reading()
        if unread:
            protocol.data_received(unread)

    def write(self, data: bytes) -> None:
        """Bytes of the response the socket did not take from the other writer, in order."""
        if data:
            self._protocol.transport.write(data)

    def close(self) -> None:
        """End the connection (part of a response may have been written)."""
        self._protocol.transport.close()

    @contextlib.contextmanager
    def muted(self) -> Iterator[None]:
        transport = self._protocol.transport
        transport.muted = True
        try:
            yield
        finally:
            transport.muted = False


#: Per running server (its uvicorn ServerState): its guarded connections, oldest first.
_ORDERS: weakref.WeakKeyDictionary[Any, OrderedDict[_Guarded, None]] = weakref.WeakKeyDictionary()


class _Guarded:
    """Mixin for a uvicorn HTTP protocol class: the limits above, and coalesced writes.

    The concrete class says where its parser is: `_in_head` (the next request's head is not
    complete) and `_reading` (a request has begun, or the connection is new, and is not yet
    wholly received).
    """

    loop: asyncio.AbstractEventLoop
    transport: Any
    connections: set[Any]
    server_state: Any
    cycle: Any
    client: tuple[str, int] | None

    #: Asks for the connection back while it is lent (`Direct.lend`).
    recall: Callable[[], None] | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        self.transport = CoalescingTransport(transport, self.loop)
        self._head_bytes = 0
        self._order()[self] = None
        self._deadline: asyncio.TimerHandle | None = None
        self._watch()
        self._evict_if_crowded()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_deadline()
        self._order().pop(self, None)
        super().connection_lost(exc)  # type: ignore[misc]

    def data_received(self, data: bytes) -> None:
        """Feed the parser, but no head byte beyond `MAX_HEAD_BYTES`: those are refused.
        (A whole read is fed as it is, uncopied, whenever it fits: nearly always.)"""
        start = 0
        while start < len(data) and not self.transport.is_closing():
            if not self._in_head():
                super().data_received(data[start:])  # type: ignore[misc]
                break
            room = MAX_HEAD_BYTES - self._head_bytes
            if room <= 0:
                self._refuse(431, "the request head is over 64 KiB; send shorter headers")
                return
            piece = data[start : start + room]
            start += len(piece)
            self._head_bytes += len(piece)
            super().data_received(piece)  # type: ignore[misc]
        self._watch()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        with contextlib.suppress(KeyError):
            self._order().move_to_end(self)
        self._watch()

    def send_400_response(self, msg: str) -> None:
        self._refuse(400, msg)

    def shutdown(self) -> None:
        """Stopping: a lent connection is recalled first, so that its request ends."""
        if self.recall is not None:
            self.recall()
        super().shutdown()  # type: ignore[misc]

    # -- the limits ------------------------------------------------------------------------

    def _in_head(self) -> bool:
        raise NotImplementedError

    def _reading(self) -> bool:
        raise NotImplementedError

    def _queued(self) -> bool:
        """Requests wait behind the one being answered (uvicorn's pipeline)."""
        return bool(getattr(self, "pipeline", None))

    def _head_done(self) -> None:
        """The head of a request is complete: the next head's bytes count from zero."""
        self._head_bytes = 0

    def _watch(self) -> None:
        """Arm the read deadline while a request is being received, cancel it once it is."""
        if self._reading() and not self.transport.is_closing():
            if self._deadline is None:
                self._deadline = self.loop.call_later(REQUEST_READ_TIMEOUT_S, self._timed_out)
        else:
            self._cancel_deadline()

    def _cancel_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _timed_out(self) -> None:
        self._deadline = None
        if self._reading():
            self._refuse(408, "the request did not arrive in time; send it at once")

    def _answerable(self) -> bool:
        """No response is under way on this connection: one may be written."""
        return self.cycle is None or self.cycle.response_complete or not self.cycle.response_started

    def _sheddable(self) -> bool:
        """Idle, or still sending its request: closing it costs no one a computed answer."""
        idle = self.cycle is None or self.cycle.response_complete
        return (idle or self._reading()) and not self.transport.is_closing()

    def _order(self) -> OrderedDict[_Guarded, None]:
        """This server's connections, the one connected or answered longest ago first."""
        return _ORDERS.setdefault(self.server_state, OrderedDict())

    def _evict_if_crowded(self) -> None:
        """Over `MAX_CONNECTIONS`, close the connection that has waited longest without an
        answer being computed for it (none: uvicorn answers the newcomer 503). The order makes
        it cheap: a scan skips only the connections whose answers are being computed."""
        if len(self.connections) <= MAX_CONNECTIONS:
            return
        order = self._order()
        victim = next((c for c in order if c is not self and c._sheddable()), None)
        if victim is not None:
            victim._drop(f"{MAX_CONNECTIONS} connections is the limit")
            order.pop(victim, None)
            self.connections.discard(victim)  # now, not when the loop reports it closed

    def _refuse(self, status: int, message: str) -> None:
        """Answer `status` with a one-line plain-text body unless a response is under way (a
        second one would corrupt it), then close the connection."""
        if self._answerable() and not self.transport.is_closing():
            body = f"{status} {http.HTTPStatus(status).phrase}: {message}\n".encode()
            head = [f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}\r\n".encode()]
            head += [name + b": " + value + b"\r\n" for name, value in self._default_headers()]
            head.append(
                b"content-type: text/plain; charset=utf-8\r\n"
                b"content-length: %d\r\nconnection: close\r\n\r\n" % len(body)
            )
            self.transport.write(b"".join(head) + body)
            LOGGER.info('%s "-" %d %d (%s)', self._host(), status, len(body), message)
        self._cancel_deadline()
        self.transport.close()

    def _drop(self, reason: str) -> None:
        """Close without an answer: one could be taken for the answer to another request."""
        LOGGER.info("%s closed: %s", self._host(), reason)
        self._cancel_deadline()
        self.transport.close()

    def _default_headers(self) -> list[tuple[bytes, bytes]]:
        return list(self.server_state.default_headers)

    def _host(self) -> str:
        return self.client[0] if self.client else "-"


# uvicorn's protocols take connection_made(asyncio.Transport), as _Guarded does, where
# asyncio.BaseProtocol's stubs say BaseTransport: the two bases' stubs disagree, not the code.
class GuardedH11Protocol(_Guarded, H11Protocol):  # type: ignore[misc]
    """The pure-Python h11 protocol, guarded and coalesced (when httptools is not installed).

    h11 keeps its own state: the head is pending while the client is IDLE, the request is
    being read until the client is DONE.
    """

    conn: h11.Connection

    def _in_head(self) -> bool:
        return self.conn.their_state is h11.IDLE

    def _reading(self) -> bool:
        return self.conn.their_state in (h11.IDLE, h11.SEND_BODY)

    def handle_events(self) -> None:
        before = self.conn.their_state
        super().handle_events()
        if before is h11.IDLE and self.conn.their_state is not h11.IDLE:
            self._head_done()


def protocol_class() -> type[asyncio.Protocol]:
    """The fastest protocol available: httptools (uvicorn[standard]) if installed, else h11."""
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:
        return GuardedH11Protocol

    class GuardedHttpToolsProtocol(_Guarded, HttpToolsProtocol):  # type: ignore[misc]  # as above
        """The httptools protocol, guarded and coalesced. The parser's callbacks say where the
        request is; any byte between requests starts one (even the blank lines the parser
        skips without a callback, which must not keep a connection open)."""

        _head_pending = True
        _receiving = True

        def _in_head(self) -> bool:
            return self._head_pending

        def _reading(self) -> bool:
            return self._receiving

        def data_received(self, data: bytes) -> None:
            self._receiving = True
            super().data_received(data)

        def on_headers_complete(self) -> None:
            self._head_pending = False
            self._head_done()
            if self.transport.is_closing():
                return  # refused: the rest of this piece is parsed, nothing is kept
            if len(self.pipeline) >= MAX_PIPELINED:
                self._drop(f"more than {MAX_PIPELINED} requests sent ahead of their answers")
                return
            super().on_headers_complete()
            if self.cycle is not None and self.cycle.scope is self.scope:
                self.scope[DIRECT_KEY] = Direct(self, self.cycle)

        def on_message_complete(self) -> None:
            self._head_pending = True
            self._receiving = False
            super().on_message_complete()

    return GuardedHttpToolsProtocol


def uvicorn_settings() -> dict[str, Any]:
    """The `uvicorn.Config` settings that go with the guarded protocols (see above)."""
    _allow_open_files(MAX_CONNECTIONS + SPARE_FILES)
    return {
        "http": protocol_class(),
        "headers": RESPONSE_HEADERS,
        "limit_concurrency": MAX_CONNECTIONS + 1,
        "h11_max_incomplete_event_size": MAX_HEAD_BYTES,
    }


def _allow_open_files(needed: int) -> None:
    """Raise the soft limit on open files to `needed` when it is lower (often 1,024), so that
    the connection cap, not EMFILE (every client refused at accept), is what bites first."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
