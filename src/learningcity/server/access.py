"""An access log line per request: client, method, path, status, bytes and milliseconds.

Uvicorn's own access log has neither sizes nor timings, which are what an operator looks at.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOGGER = logging.getLogger("learningcity.access")


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

        async def observe(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, observe)
        finally:
            client = scope.get("client") or ("-", 0)
            query = scope.get("query_string", b"")
            path = scope["path"] + ("?" + query.decode("latin-1") if query else "")
            LOGGER.info(
                '%s "%s %s" %d %d %.1fms',
                client[0],
                scope["method"],
                path,
                status,
                size,
                (time.perf_counter() - start) * 1000,
            )
