"""HTTP validators and caching: strong ETags from the data, Last-Modified, 304, gzip-aware tags.

The data never changes while the server runs, so one hash of its N-Quads, computed as it is
loaded, validates every representation; each representation's tag adds its variant (format,
language). A gzip-encoded body is a different representation, so its tag gets `-gzip`
(as Apache does) and either form is accepted back in `If-None-Match`.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterable
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

import pyoxigraph as ox
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from learningcity.serialize import sorted_lines

GZIP_SUFFIX = "-gzip"
CACHE_CONTROL = "public, max-age=300"
#: Bodies from this size on are gzip-encoded for a client that takes it (and vary on
#: Accept-Encoding), at this level: the GZipMiddleware settings, and the SPARQL workers'.
GZIP_MINIMUM_SIZE = 1024
GZIP_LEVEL = 6


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether a client's Accept-Encoding takes gzip, by Starlette's GZipMiddleware's rule (the
    word appears), so that every response of the server decides it alike."""
    return "gzip" in (accept_encoding or "")


def gzipped(body: bytes) -> bytes:
    """`body` gzip-encoded, the same bytes for the same body (no time stamp in the header)."""
    return gzip.compress(body, GZIP_LEVEL, mtime=0)


def text_digest() -> hashlib.blake2b:
    """The hash behind every ETag (12 bytes of BLAKE2b), fed the data's N-Quads as they were
    read (`learningcity.server.served`): the same input gives the same tag across restarts and
    any change to the data changes it. Hashing the N-Quads as read, not sorted, is ~20x quicker
    at a million statements; a file rewritten with the same statements in another order gets
    another tag, which costs a client one download."""
    return hashlib.blake2b(digest_size=12)


def dataset_hash(*datasets: Iterable[ox.Quad]) -> str:
    """A short hash of datasets, each in canonical N-Quads, equal across restarts: the tag of
    the vocabulary's documents (the ontology, the shapes), and of data with blank nodes, whose
    labels differ from one parse to the next."""
    digest = text_digest()
    for dataset in datasets:
        digest.update(sorted_lines(dataset, ox.RdfFormat.N_QUADS) + b"\0")
    return digest.hexdigest()


def http_date(moment: datetime) -> str:
    return format_datetime(moment, usegmt=True)


def matching_tag(request: Request, etag: str) -> str | None:
    """The tag of `If-None-Match` that names this representation (weak comparison), if any."""
    header = request.headers.get("if-none-match")
    if not header:
        return None
    if header.strip() == "*":
        return etag
    for candidate in header.split(","):
        tag = candidate.strip().removeprefix("W/")
        if tag in (etag, etag[:-1] + GZIP_SUFFIX + '"'):
            return tag
    return None


def not_modified_since(request: Request, last_modified: datetime | None) -> bool:
    """`If-Modified-Since` holds: only asked when `If-None-Match` is absent (RFC 9110 §13.2.2)."""
    header = request.headers.get("if-modified-since")
    if header is None or last_modified is None or "if-none-match" in request.headers:
        return False
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return False
    return since is not None and last_modified.replace(microsecond=0) <= since


class GzipETagMiddleware:
    """Sits outside GZipMiddleware: a compressed body's strong tag gets `-gzip`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def tag(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                etag = headers.get("etag")
                if etag and headers.get("content-encoding") == "gzip":
                    headers["etag"] = etag[:-1] + GZIP_SUFFIX + '"'
            await send(message)

        await self.app(scope, receive, tag)
