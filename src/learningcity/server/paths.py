"""Request paths the routes can be trusted with: none holding a control character.

Starlette matches a route with a regular expression ending in `$`, which in Python also matches
before a final newline: `/sparql%0A?query=...` was answered as `/sparql` without its query (the
service description), `/doc/city/kr-yongsan-gu%0A` as the page itself. No IRI we publish holds a
control character (C0 or DEL), so a path with one is refused before any route sees it: 400, and
a line naming the character. The one place both servers (`serve`, `preview`) decide it.
"""

from __future__ import annotations

import re

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
