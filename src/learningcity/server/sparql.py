"""The SPARQL 1.1 Protocol at /sparql: GET, POST form and POST direct, read-only, time-bounded.

A query is checked in the server process first (`learningcity.query.inspect_query`: updates and
SERVICE refused, syntax errors with their position), so only a well-formed read-only query
reaches a worker process; the worker's answer is already serialized.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from learningcity.errors import InputError
from learningcity.namespaces import prefixes
from learningcity.query import UPDATE_KEYWORDS, inspect_query
from learningcity.server.conneg import choose_media_type
from learningcity.server.representations import HTML_MEDIA_TYPE, SERVED_SYNTAXES
from learningcity.server.results import RESULT_MEDIA_TYPES, term_from_json, term_text
from learningcity.server.workers import Job, PoolBusy, QueryPool, QueryTimeout

FORM_TYPE = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"

#: media type -> writer name, for SELECT and ASK; the first is the default.
RESULT_OFFERS: dict[str, str] = {
    **{media: name for name, media in RESULT_MEDIA_TYPES.items()},
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
    HTML_MEDIA_TYPE: "html",
}
#: media type -> syntax name, for CONSTRUCT and DESCRIBE; Turtle is the default.
GRAPH_OFFERS: dict[str, str] = {
    **{s.media_type: s.name for s in SERVED_SYNTAXES},
    "application/json": "jsonld",
    "application/xml": "xml",
    "text/xml": "xml",
    HTML_MEDIA_TYPE: "html",
}
#: `format=`/`output=` values clients send (SPARQLWrapper sends `format=json`).
RESULT_NAMES = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv", "html": "html"}
GRAPH_NAMES = {
    **{s.name: s.name for s in SERVED_SYNTAXES},
    **{alias: s.name for s in SERVED_SYNTAXES for alias in s.aliases},
    "json": "jsonld",
    "json-ld": "jsonld",
    "n3": "turtle",
    "html": "html",
}


Cell = ox.NamedNode | ox.BlankNode | ox.Literal | None


class ProtocolError(Exception):
    """A request the protocol cannot answer; `status` and a one-line message for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class SparqlRequest:
    query: str | None
    format: str | None


async def read_request(request: Request, max_bytes: int) -> SparqlRequest:
    """The query and a format override from a GET, a form POST or a direct POST."""
    params = {k: v for k, v in parse_qs(request.url.query).items()}
    if request.method == "POST":
        body = await _bounded_body(request, max_bytes)
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type == FORM_TYPE:
            params.update(parse_qs(body.decode("utf-8", errors="replace")))
        elif media_type == QUERY_TYPE:
            params["query"] = [body.decode("utf-8", errors="replace")]
        else:
            raise ProtocolError(
                415, f"POST a query as {QUERY_TYPE} or as a {FORM_TYPE} form (query=...)"
            )
    for name in ("default-graph-uri", "named-graph-uri", "using-graph-uri", "update"):
        if name in params:
            raise ProtocolError(
                400,
                f"{name} is not supported: this endpoint is read-only and queries its one dataset",
            )
    queries = params.get("query", [])
    if len(queries) > 1:
        raise ProtocolError(400, "give exactly one query parameter")
    query = queries[0] if queries else None
    if query is not None and len(query.encode()) > max_bytes:
        raise ProtocolError(413, f"the query is longer than {max_bytes} bytes")
    overrides = params.get("format") or params.get("output") or [None]
    return SparqlRequest(query, overrides[0])


async def _bounded_body(request: Request, max_bytes: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise ProtocolError(413, f"the request body is larger than {max_bytes} bytes")
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise ProtocolError(413, f"the request body is larger than {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def check_query(query: str) -> str:
    """The query form; an update, SERVICE or a syntax error is a 400 with the parser's words."""
    form = _quick_form(query)
    if form is not None:
        return form
    form_or_error = _inspect(query)
    if isinstance(form_or_error, InputError):
        raise ProtocolError(400, str(form_or_error))
    return form_or_error


#: Words whose presence anywhere in a query sends it to the full check (tokens, positions).
_FULL_CHECK_WORDS = tuple(word.lower() for word in (*UPDATE_KEYWORDS, "SERVICE"))
_EMPTY_STORE = ox.Store()
_DEFAULT_PREFIXES = prefixes()


def _quick_form(query: str) -> str | None:
    """SELECT or ASK for a query that certainly passes the full check, else None.

    The full check (`inspect_query`) tokenizes the query twice in Python to find update
    keywords and SERVICE with their positions, then parses it; profiling put it at about
    0.8 ms, three times the cost of answering a 10-row SELECT, and on the serving process's
    event loop. A query in which none of those words occurs even as a substring, and which
    Oxigraph parses (as `inspect_query` does: over an empty store, with the same prefixes),
    passes that check for certain; its form is read off the result's type. Anything else
    (a CONSTRUCT or DESCRIBE, a suspicious word, a syntax error) takes the full check, which
    words the message.
    """
    lowered = query.lower()
    if any(word in lowered for word in _FULL_CHECK_WORDS):
        return None
    try:
        result = _EMPTY_STORE.query(query, prefixes=_DEFAULT_PREFIXES)
    except (SyntaxError, RuntimeError, ValueError):
        return None
    if isinstance(result, ox.QuerySolutions):
        return "SELECT"
    if isinstance(result, ox.QueryBoolean):
        return "ASK"
    return None


@lru_cache(maxsize=1024)
def _inspect(query: str) -> str | InputError:
    """Checking a query costs a tokenizer pass and a parse; clients repeat their queries."""
    try:
        return inspect_query(query, allow_service=False)
    except InputError as error:
        return error


def choose_format(form: str, accept: str | None, override: str | None) -> tuple[str, str]:
    """(writer name, media type) for the query form, from `format=` or else `Accept`."""
    graph = form in ("CONSTRUCT", "DESCRIBE")
    offers = GRAPH_OFFERS if graph else RESULT_OFFERS
    if override:
        names = GRAPH_NAMES if graph else RESULT_NAMES
        name = names.get(override.strip().lower())
        if name is None and override in offers:
            name = offers[override]
        if name is None:
            raise ProtocolError(
                400, f"format={override}: a {form} answer is one of {', '.join(sorted(names))}"
            )
        return name, next(media for media, n in offers.items() if n == name)
    media = choose_media_type(accept, list(offers))
    if media is None:
        raise ProtocolError(406, f"a {form} answer is offered as: {', '.join(offers)}")
    return offers[media], media


class ResultCache:
    """Serialized answers of successful queries, by (query text, format, row cap).

    The data cannot change while the server runs, so an answer once computed stays right, and
    clients (dashboards, embeds, the example queries) repeat the same queries; a repeat then
    costs no round trip to a worker process. Memory is bounded by a byte budget: the least
    recently used answers go first, and an answer larger than a tenth of it is not kept.
    Timeouts and errors are never cached.
    """

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._answers: OrderedDict[tuple[str, str, int], tuple[bytes, bool]] = OrderedDict()

    def get(self, key: tuple[str, str, int]) -> tuple[bytes, bool] | None:
        found = self._answers.get(key)
        if found is not None:
            self._answers.move_to_end(key)
        return found

    def put(self, key: tuple[str, str, int], value: tuple[bytes, bool]) -> None:
        cost = len(value[0]) + len(key[0])
        if cost > self.max_bytes // 10 or key in self._answers:
            return
        self._answers[key] = value
        self.size += cost
        while self.size > self.max_bytes:
            (query, _, _), (body, _) = self._answers.popitem(last=False)
            self.size -= len(body) + len(query)


async def answer(
    pool: QueryPool, query: str, name: str, max_rows: int, cache: ResultCache | None = None
) -> tuple[bytes, bool]:
    """Run the query in the pool: (body, truncated); timeouts and bad queries as ProtocolError.

    A repeated query is answered from `cache` when one is given.
    """
    key = (query, name, max_rows)
    if cache is not None:
        cached = cache.get(key)
        if cached is not None:
            return cached
    try:
        result = await pool.run(Job(query, name, max_rows))
    except QueryTimeout:
        raise ProtocolError(
            503,
            f"the query ran longer than {pool.timeout:g} s and was stopped; "
            "narrow it down (LIMIT, more specific patterns)",
        ) from None
    except PoolBusy:
        raise ProtocolError(
            503, f"every query worker stayed busy for {pool.timeout:g} s; try again shortly"
        ) from None
    if result.error:
        raise ProtocolError(400, result.error)
    if cache is not None:
        cache.put(key, (result.body, result.truncated))
    return result.body, result.truncated


def error_response(error: ProtocolError) -> Response:
    headers = {"Retry-After": "5"} if error.status == 503 else {}
    return PlainTextResponse(str(error), status_code=error.status, headers=headers)


def json_rows(
    body: bytes,
) -> tuple[list[str], list[list[ox.NamedNode | ox.BlankNode | ox.Literal | None]]]:
    """Rows of a SPARQL JSON document as terms (for the HTML table); ASK gives one cell."""
    document = json.loads(body)
    if "boolean" in document:
        return ["ASK"], [[ox.Literal(str(document["boolean"]).lower())]]
    variables = document["head"]["vars"]
    rows = [
        [_term(binding.get(v)) for v in variables] for binding in document["results"]["bindings"]
    ]
    return variables, rows


def _term(cell: dict[str, object] | None) -> Cell:
    """A cell of the HTML table; a triple term is shown as its text, `<<( s p o )>>`."""
    if cell is None:
        return None
    term = term_from_json(cell)
    return ox.Literal(term_text(term)) if isinstance(term, ox.Triple) else term
