"""An access log line per request: client, request, status, bytes, milliseconds, referer, agent.

Uvicorn's own access log has neither sizes nor timings, which are what an operator looks at.
Every field a client chooses (the path once percent-decoded, the query, the headers, even the
client address, which uvicorn takes from `X-Forwarded-For` of a trusted proxy) is written
through `printable`: a `%0d%0a` in a path must not start a forged line, nor an ANSI escape
rewrite the operator's terminal, nor a quote end the field early.
"""

from __future__ import annotations

import logging
import time

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from learningcity.errors import printable as escape_unprintable

LOGGER = logging.getLogger("learningcity.access")
#: Logged when the client went away before its request was read (nginx's code): no one is left
#: to answer, so it is no server error and no traceback.
CLIENT_CLOSED = 499
#: Longest header value logged, in characters (the request head itself may be 64 KiB).
MAX_LOGGED_HEADER = 256
#: A body message's count of body bytes written to the client past the messages (a query
#: worker wrote them to the socket: `learningcity.server.sparql`), logged as sent.
WRITTEN = "learningcity.written"
#: A body message's seconds the answer took, when it was sent later than it was answered (the
#: first answer on a connection lent to a query worker, `lease`, whose message comes when the
#: lease ends): logged instead of the time until the message.
ELAPSED = "learningcity.elapsed"


def printable(text: str) -> str:
    """`text` as one log field on one line that reads back unambiguously: the backslash and the
    double quote escaped, then every control, format or other non-printable character as a
    Python escape (`\\r`, `\\x1b`, `\\u202e`) by `learningcity.errors.printable`."""
    if text.isprintable() and '"' not in text and "\\" not in text:
        return text
    return escape_unprintable(text.replace("\\", "\\\\").replace('"', '\\"'))


def start_logging() -> None:
    """Log each request as one line of its own (`log_request`), on stderr, from INFO.

    A line is its message alone, so the logging module is told not to look up what no line
    shows (the caller's file and line, thread and process names: the optimizations of Python's
    logging HOWTO): ~10 -> ~5 µs a line, paid on every request a query worker answers."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging._srcfile = None  # the HOWTO's own switch for it
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False


def log_request(
    client: str,
    method: str,
    target: str,
    status: int,
    size: int,
    seconds: float,
    referer: str | None,
    agent: str | None,
) -> None:
    """The line of one answered request, wherever it was answered (this middleware, or a query
    worker on a lent connection, `lease`): one format, every client-chosen field printable."""
    LOGGER.info(
        '%s "%s %s" %d %d %.1fms "%s" "%s"',
        printable(client),
        printable(method),
        printable(target),
        status,
        size,
        seconds * 1000,
        _header(referer),
        _header(agent),
    )


def _header(value: str | None) -> str:
    if value is None:
        return "-"
    if len(value) > MAX_LOGGED_HEADER:
        value = value[:MAX_LOGGED_HEADER] + "..."
    return printable(value)


def _first(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


class AccessLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500
        size = 0
        elapsed: float | None = None

        async def observe(message: Message) -> None:
            nonlocal status, size, elapsed
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b"")) + message.get(WRITTEN, 0)
                elapsed = message.get(ELAPSED, elapsed)
            await send(message)

        try:
            await self.app(scope, receive, observe)
        except ClientDisconnect:
            status = CLIENT_CLOSED
        finally:
            client = scope.get("client") or ("-", 0)
            query = scope.get("query_string", b"")
            path = scope["path"] + ("?" + query.decode("latin-1") if query else "")
            log_request(
                str(client[0]),
                scope["method"],
                path,
                status,
                size,
                time.perf_counter() - start if elapsed is None else elapsed,
                _first(scope, b"referer"),
                _first(scope, b"user-agent"),
            )
