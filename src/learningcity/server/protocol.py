"""Uvicorn's HTTP protocol with coalesced writes: one `send` per response instead of two.

Uvicorn writes a response's head as soon as the application starts the response and the body
when it comes, and uvloop sends each write at once: two system calls and two TCP segments per
small response. Profiling `learningcity serve` under load showed those two writes taking more
than half of the serving process's time (on loopback a send also runs the receiver's TCP
stack). Here writes are gathered and sent together at the end of the event loop's turn, which
for every response small enough to be produced in one turn (all of ours but streamed ones)
means one system call and one segment. Nothing else changes: closing flushes first, and flow
control still sees every byte (a turn's writes are at most one response).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol


class CoalescingTransport:
    """Wraps a transport: `write` collects, one real write per loop turn; the rest delegates."""

    __slots__ = ("_loop", "_pending", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def write(self, data: bytes) -> None:
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


class _Coalescing:
    """Mixin for a uvicorn HTTP protocol class: its transport becomes a CoalescingTransport."""

    loop: asyncio.AbstractEventLoop
    transport: Any

    def connection_made(self, transport: asyncio.Transport) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        self.transport = CoalescingTransport(transport, self.loop)


class CoalescingH11Protocol(_Coalescing, H11Protocol):
    """The pure-Python h11 protocol, coalesced (when httptools is not installed)."""


def protocol_class() -> type[asyncio.Protocol]:
    """The fastest protocol available: httptools (uvicorn[standard]) if installed, else h11."""
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:
        return CoalescingH11Protocol

    class CoalescingHttpToolsProtocol(_Coalescing, HttpToolsProtocol):
        """The httptools protocol, coalesced."""

    return CoalescingHttpToolsProtocol
