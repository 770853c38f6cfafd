"""HTTP validators and caching: strong ETags from the data, Last-Modified, 304, 412, gzip-aware
tags.

The data never changes while the server runs, so one hash of its N-Quads, computed as it is
loaded, validates every representation; each representation's tag adds its variant (format,
language). A gzip-encoded body is a different representation, so its tag gets `-gzip`
(as Apache does) and either form is accepted back in `If-Match` and `If-None-Match`.
The preconditions are evaluated here, in RFC 9110 §13.2.2's order: `If-Match` (else
`If-Unmodified-Since`) failing is 412, then `If-None-Match` (else `If-Modified-Since`) holding
is 304.
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
    return _listed(header, etag, weak=True)


def precondition_failed(request: Request, etag: str, last_modified: datetime | None) -> bool:
    """`If-Match` names no current representation (strong comparison, RFC 9110 §13.1.1; `*`
    names any, and this one exists), or, without it, the representation changed after
    `If-Unmodified-Since` (§13.1.4): the request must be answered 412, whatever its method.
    These were ignored, so a client asking "only if it is still this version" got whatever
    there was."""
    header = request.headers.get("if-match")
    if header:
        return header.strip() != "*" and _listed(header, etag, weak=False) is None
    since = _date(request.headers.get("if-unmodified-since"))
    return since is not None and last_modified is not None and _seconds(last_modified) > since


def _listed(header: str, etag: str, *, weak: bool) -> str | None:
    """The tag of a list of entity tags (`If-Match`, `If-None-Match`) that names this
    representation, in either encoding's form; a weak tag (`W/"..."`) counts only in the weak
    comparison."""
    forms = (etag, etag[:-1] + GZIP_SUFFIX + '"')
    for candidate in header.split(","):
        tag = candidate.strip()
        if weak:
            tag = tag.removeprefix("W/")
        if tag in forms:
            return tag
    return None


def _date(header: str | None) -> datetime | None:
    """An HTTP date header's moment; None if absent or not a date (then ignored, §13.1.3)."""
    if header is None:
        return None
    try:
        return parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None


def _seconds(moment: datetime) -> datetime:
    """`moment` to the second, as `Last-Modified` sends it."""
    return moment.replace(microsecond=0)


def not_modified_since(request: Request, last_modified: datetime | None) -> bool:
    """`If-Modified-Since` holds: only asked when `If-None-Match` is absent (RFC 9110 §13.2.2)."""
    if last_modified is None or "if-none-match" in request.headers:
        return False
    since = _date(request.headers.get("if-modified-since"))
    return since is not None and _seconds(last_modified) <= since


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
