"""Request paths the routes can be trusted with: none holding a control character.

Starlette matches a route with a regular expression ending in `$`, which in Python also matches
before a final newline: `/sparql%0A?query=...` was answered as `/sparql` without its query (the
service description), `/doc/city/kr-yongsan-gu%0A` as the page itself. No IRI we publish holds a
control character (C0 or DEL), so a path with one is refused before any route sees it: 400, and
a line naming the character. The one place both servers (`serve`, `preview`) decide it, and
how a path stands in a header (`reference`), a redirect's `Location` among them.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from starlette.responses import RedirectResponse
from starlette.routing import Match, Router
from starlette.types import ASGIApp, Receive, Scope, Send

CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


def refusal(path: str) -> bytes | None:
    """The 400 answer's text for a path holding a control character, or None for a fine one."""
    found = CONTROL_CHARACTER.search(path)
    if found is None:
        return None
    code = f"%{ord(found.group()):02X}"
    return f"400 Bad Request: the path holds a control character ({code}); remove it\n".encode()


class ControlCharacterGuard:
    """Answers 400 to a request whose (percent-decoded) path holds a control character."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        text = refusal(scope["path"]) if scope["type"] == "http" else None
        if text is None:
            await self.app(scope, receive, send)
            return
        headers = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(text)).encode()),
        ]
        await send({"type": "http.response.start", "status": 400, "headers": headers})
        await send({"type": "http.response.body", "body": text})


def reference(path: str) -> str:
    """`path` (decoded, as the request gave it) as it may stand in a header: percent-encoded
    outside the characters a URI path keeps. A `Link`, `Content-Location` or `Location` built
    from the raw path failed for a character outside Latin-1 (`/%ea%b0%80`: HTTP 500) or a
    control character (`/x%00`: the connection dropped)."""
    return quote(path, safe="/.-_~!$&'()*+,;=:@")


def redirect_slashes_in_place(router: Router) -> None:
    """Make `router` redirect a path that matches no route only with its trailing slash
    added or removed, to a `Location` that is that path alone (and the query).

    Starlette's own redirect (`Router.redirect_slashes`) writes an absolute URL built from the
    request's `Host` header: `GET /sparql/` with `Host: evil.example` was `307 Location:
    http://evil.example/sparql`, and a POST followed it there with its body. A path alone
    resolves against the address the client asked, so the redirect keeps the served host,
    port and scheme whatever the headers say; a path that would start with `//` (another
    host, to a client) is never a redirect but the router's own 404.
    """
    not_found = router.default
    router.redirect_slashes = False

    async def default(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"] if scope["type"] == "http" else ""
        other = path.rstrip("/") if path.endswith("/") else path + "/"
        if other.startswith("/") and not other.startswith("//") and path != "/":
            moved = {**scope, "path": other}
            if any(route.matches(moved)[0] is not Match.NONE for route in router.routes):
                query = scope.get("query_string", b"").decode("latin-1")
                location = reference(other) + (f"?{query}" if query else "")
                await RedirectResponse(location, 307)(scope, receive, send)
                return
        await not_found(scope, receive, send)

    router.default = default
