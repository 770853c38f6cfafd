"""A cache of whole responses in front of the application: a repeat is replayed, not recomputed.

The data cannot change while the server runs, so the answer to a GET is a function of the
request alone: its method, path, query string and the headers the answer varies on (`Accept`,
`Accept-Language`, `Accept-Encoding` for gzip, `Origin` for CORS, `Host`). Profiling showed
that for a document or a repeated query, routing, negotiation, header assembly and four
middleware layers cost several times what writing the answer costs; a hit here skips all of
it and sends the very bytes (head and body) the full stack produced the first time.

Only plain reads are cached: GET and HEAD without preconditions (`If-None-Match`,
`If-Modified-Since`, `If-Match`, `If-Unmodified-Since`, `Range`: those go the full way, so 304
and 412 stay exact) or credentials, and
only complete answers whose status is 200 or 303 and which do not say `no-store` (`/health`
does). Errors, timeouts (503) and streamed bodies are never cached. Memory is bounded by a
byte budget, least recently used first. A repeated SPARQL GET is replayed here too: the
endpoint after this layer (`sparql.SparqlEndpoint`) sends each answer whole.
"""

from __future__ import annotations

from collections import OrderedDict

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Request headers the answers vary on: part of the cache key.
KEYED = frozenset({b"accept", b"accept-language", b"accept-encoding", b"origin", b"host"})
#: Request headers that make a request personal or conditional: never served from the cache.
BYPASS = frozenset(
    {
        b"if-none-match",
        b"if-modified-since",
        b"if-match",
        b"if-unmodified-since",
        b"range",
        b"if-range",
        b"authorization",
        b"cookie",
    }
)
CACHED_STATUSES = frozenset({200, 303})
CACHED_PREFIXES = ("/doc/", "/id/", "/sparql", "/.well-known/void")

Key = tuple[object, ...]
Entry = tuple[int, list[tuple[bytes, bytes]], bytes]


class ResponseCacheMiddleware:
    """Replays cached responses to repeated plain reads of the dataset's pages and answers."""

    def __init__(self, app: ASGIApp, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[Key, Entry] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = self._key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
            status, headers, body = entry
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await self._fill(key, scope, receive, send)

    @staticmethod
    def _key(scope: Scope) -> Key | None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return None
        path = scope["path"]
        if not (path == "/" or path.startswith(CACHED_PREFIXES)):
            return None
        keyed: list[tuple[bytes, bytes]] = []
        for name, value in scope["headers"]:
            if name in KEYED:
                keyed.append((name, value))
            elif name in BYPASS:
                return None
        keyed.sort()
        return (scope["method"], path, scope["query_string"], *keyed)

    async def _fill(self, key: Key, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the application, passing its messages on and keeping a copy if cacheable."""
        status = 0
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []
        cacheable = True

        async def capture(message: Message) -> None:
            nonlocal status, headers, cacheable
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                cacheable = status in CACHED_STATUSES and not any(
                    name.lower() == b"cache-control" and b"no-store" in value.lower()
                    for name, value in headers
                )
            elif message["type"] == "http.response.body" and cacheable:
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    cacheable = False  # streamed: not worth keeping
            await send(message)

        await self.app(scope, receive, capture)
        if cacheable and status:
            self._store(key, (status, headers, b"".join(chunks)))

    def _store(self, key: Key, entry: Entry) -> None:
        cost = len(entry[2]) + sum(len(n) + len(v) for n, v in entry[1]) + 256
        if cost > self.max_bytes // 10 or key in self._entries:
            return
        self._entries[key] = entry
        self.size += cost
        while self.size > self.max_bytes:
            _, (_, old_headers, old_body) = self._entries.popitem(last=False)
            self.size -= len(old_body) + sum(len(n) + len(v) for n, v in old_headers) + 256
