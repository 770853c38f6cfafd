"""The SPARQL 1.1 Protocol at /sparql: GET, POST form and POST direct, read-only, time-bounded.

The query operation is complete: `query`, `default-graph-uri` and `named-graph-uri` (they pick
graphs of the served dataset; a graph it does not hold is empty, as in Oxigraph and Fuseki),
and the answer's format by `Accept` or `format=`/`output=`. The update operation is refused
(`update`, `using-graph-uri`, `using-named-graph-uri`, `application/sparql-update`): 400.

Two halves. The serving process reads the request (`read_request`), looks the answer up in its
cache, and otherwise hands the text to a worker process (`answer`), relaying the status and
bytes it gets back. Everything that parses or evaluates the query runs in that worker
(`respond`): the check (`learningcity.query.check_query`: updates and SERVICE refused, syntax
errors with their position), content negotiation on the query form, the evaluation and the
writing of the answer. So a query that overflows the parser's stack, runs long or takes all
memory costs its worker, cut by `--timeout` and `--memory-limit`, never the serving process.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import islice
from typing import Protocol
from urllib.parse import parse_qs

import pyoxigraph as ox
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Receive, Scope, Send

from learningcity.blanknodes import TangledBlankNodes
from learningcity.errors import InputError, printable
from learningcity.formats import (
    RESULTS_FORMAT_NAMES,
    RESULTS_FORMATS,
    format_for,
    media_types,
    syntax_named,
)
from learningcity.query import CheckedQuery, check_query, evaluate
from learningcity.query.lexer import MAX_QUERY_NESTING
from learningcity.rendering.representations import HTML_MEDIA_TYPE, SERVED_SYNTAXES, served_syntax
from learningcity.serialize import serialize, turtle_of_ntriples
from learningcity.server.access import ELAPSED, WRITTEN
from learningcity.server.caching import GZIP_MINIMUM_SIZE, accepts_gzip, gzipped
from learningcity.server.conneg import choose_media_type
from learningcity.server.lease import SeenHashes
from learningcity.server.protocol import DIRECT_KEY, Direct
from learningcity.server.results import (
    Term,
    capped_ntriples,
    capped_tsv,
    from_tsv,
    rows_of,
    term_text,
    write_boolean,
    write_solutions,
)
from learningcity.server.workers import (
    Answer,
    AnswerCut,
    Client,
    Job,
    PoolBusy,
    QueryPool,
    QueryTimeout,
    WorkerLost,
)

FORM_TYPE = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
#: Parameters of the update operation: refused, this endpoint never changes its data.
UPDATE_PARAMETERS = ("update", "using-graph-uri", "using-named-graph-uri")
HTML = "html"
_CHARSET = re.compile(r"""charset\s*=\s*["']?([^"';\s]*)""", re.IGNORECASE)

#: media type -> writer name, for SELECT and ASK; the first is the default.
RESULT_OFFERS: dict[str, str] = {
    **{media: f.name for f in RESULTS_FORMATS for media in media_types(f)},
    HTML_MEDIA_TYPE: HTML,
}
#: media type -> syntax name, for CONSTRUCT and DESCRIBE; Turtle is the default.
GRAPH_OFFERS: dict[str, str] = {
    **{media: s.name for s in SERVED_SYNTAXES for media in media_types(s)},
    HTML_MEDIA_TYPE: HTML,
}


Cell = ox.NamedNode | ox.BlankNode | ox.Literal | None


class ProtocolError(Exception):
    """A request the protocol cannot answer; `status` and a one-line message for the client;
    `close`: the connection is closed after the answer (a lent one, `lease`, lost its worker)."""

    def __init__(self, status: int, message: str, close: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.close = close


@dataclass(frozen=True)
class SparqlRequest:
    """One query operation: the query, the `format=`/`output=` values (comma-joined, first
    recognised wins: SPARQLWrapper sends `format=rdf+xml&format=application/rdf+xml`), and the
    protocol's dataset: the graphs merged into the default graph and the named graphs."""

    query: str | None
    format: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


def read_request(
    method: str, query_string: str, content_type: str, body: bytes, max_bytes: int
) -> SparqlRequest:
    """The query operation of a GET, a form POST or a direct POST (whose other parameters are in
    the URL; `body` is the POST's, read within `max_bytes`), or a ProtocolError with its status
    and one line."""
    params = _parameters(query_string, "the URL's query string")
    if method == "POST":
        media_type, _, parameters = content_type.partition(";")
        media_type = media_type.strip().lower()
        _check_charset(parameters)
        if media_type == FORM_TYPE:
            params.update(_parameters(_utf8(body, "the form"), "the form"))
        elif media_type == QUERY_TYPE:
            params["query"] = [_utf8(body, "the query").removeprefix("\ufeff")]
        elif media_type == UPDATE_TYPE:
            raise ProtocolError(400, f"{UPDATE_TYPE}: {_READ_ONLY}")
        else:
            raise ProtocolError(
                415, f"POST a query as {QUERY_TYPE} or as a {FORM_TYPE} form (query=...)"
            )
    for name in UPDATE_PARAMETERS:
        if name in params:
            raise ProtocolError(400, f"{name}= is a SPARQL Update parameter: {_READ_ONLY}")
    queries = params.get("query", [])
    if len(queries) > 1:
        raise ProtocolError(400, "give exactly one query parameter")
    query = queries[0] if queries else None
    if query is not None and len(query.encode()) > max_bytes:
        raise ProtocolError(413, f"the query is longer than {max_bytes} bytes")
    overrides = [*params.get("format", []), *params.get("output", [])]
    return SparqlRequest(
        query,
        ",".join(overrides) if overrides else None,
        _graph_iris(params, "default-graph-uri"),
        _graph_iris(params, "named-graph-uri"),
    )


def job_of(
    site: SparqlSite,
    method: str,
    query_string: str,
    headers: dict[bytes, str],
    body: bytes,
    head: str = "",
) -> tuple[SparqlRequest, Job]:
    """The query operation of a request and the job a worker answers it with (`head`: the
    start of the response head it writes, `Job.head`): the one reading of a request, for the
    endpoint and for a worker answering a lent connection (`lease`). ProtocolError for a
    refused one, _NotAQuery for a GET without a query (a page)."""
    limit = site.limits.max_request_bytes
    protocol = read_request(method, query_string, headers.get(b"content-type", ""), body, limit)
    if protocol.query is None:
        if method != "POST":
            raise _NotAQuery
        raise ProtocolError(400, "no query given; send query=...")
    lang = _lang_parameter(query_string)
    job = Job(
        protocol.query,
        headers.get(b"accept", ""),
        protocol.format or "",
        site.page_language(lang, headers.get(b"accept-language")),
        protocol.default_graphs,
        protocol.named_graphs,
        accepts_gzip(headers.get(b"accept-encoding")),
        head,
    )
    return protocol, job


class LentRequests:
    """The endpoint's reading of a request on a lent connection (`lease.ReaderOf`), in its worker:
    the same job as `SparqlEndpoint` makes of it, with the head its answer is written with
    (the CORS headers added for a request with an `Origin`, as the endpoint adds them)."""

    def __init__(self, site: SparqlSite, exposed_headers: Sequence[str]) -> None:
        self.site = site
        self.cors_lines = cors_lines(exposed_headers)

    def __call__(
        self, method: str, query_string: str, headers: dict[bytes, str], body: bytes, head: str
    ) -> Job:
        if len(body) > self.site.limits.max_request_bytes:
            raise _body_too_large(self.site.limits.max_request_bytes)
        cors = self.cors_lines if b"origin" in headers else ""
        return job_of(self.site, method, query_string, headers, body, head + cors)[1]


def cors_headers(exposed_headers: Sequence[str]) -> list[tuple[bytes, bytes]]:
    """The CORS headers of every answer to a request with an `Origin` (any origin may read)."""
    return [
        (b"access-control-allow-origin", b"*"),
        (b"access-control-expose-headers", ", ".join(exposed_headers).encode()),
    ]


def cors_lines(exposed_headers: Sequence[str]) -> str:
    """`cors_headers` as lines of a response head."""
    return "".join(f"{n.decode()}: {v.decode()}\r\n" for n, v in cors_headers(exposed_headers))


def _utf8(body: bytes, what: str) -> str:
    """The body as text; bytes that are not UTF-8 are refused, not replaced: a query read
    with U+FFFD in place of `é` would run, and silently answer a different question."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(
            400, f"{what} is not UTF-8 (byte {error.start + 1} of the body); send it as UTF-8"
        ) from None


def _parameters(text: str, what: str) -> dict[str, list[str]]:
    """The parameters of a query string or form, each name with its values. An empty graph IRI
    is kept (it is refused as not an IRI, never ignored); an empty `query=` or `format=` is
    left out, as if not given. Percent-encoded bytes must be UTF-8 (see `_utf8`)."""
    try:
        params = parse_qs(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise ProtocolError(
            400, f"{what} has a percent-encoded value that is not UTF-8; encode it as UTF-8"
        ) from None
    return {
        name: found
        for name, given in params.items()
        if (found := given if name.endswith("-uri") else [v for v in given if v])
    }


_READ_ONLY = "this endpoint is read-only and answers queries only (query=...)"


def _check_charset(parameters: str) -> None:
    """A body in another charset than UTF-8 is refused (the protocol requires UTF-8): read as
    UTF-8 it would be a different query."""
    found = _CHARSET.search(parameters)
    if found and found.group(1).lower() not in ("utf-8", "utf8"):
        raise ProtocolError(
            415, f"charset={printable(found.group(1))}: send the request body as UTF-8"
        )


def _graph_iris(params: dict[str, list[str]], name: str) -> tuple[str, ...]:
    """The graph IRIs a dataset parameter names, each checked to be an absolute IRI."""
    iris = params.get(name, [])
    for iri in iris:
        try:
            ox.NamedNode(iri)
        except ValueError as error:
            shown = printable(iri if len(iri) <= 80 else iri[:77] + "...")
            raise ProtocolError(
                400, f"{name}={shown}: not an absolute IRI ({error}); give the graph's full IRI"
            ) from None
    return tuple(iris)


# -- in the worker process ---------------------------------------------------------------------

GRAPH_VARIABLES = ("subject", "predicate", "object")
PLAIN_TEXT = "text/plain"


#: Writes the HTML page of a results table: (language, query, variables, rows, truncated).
PageWriter = Callable[[str, str, Sequence[str], list[list[Cell]], bool], bytes]


def respond(
    store: ox.Store,
    namespaces: dict[str, str],
    max_rows: int,
    page: PageWriter,
    job: Job,
    base_iri: str | None = None,
) -> Answer:
    """The whole answer to one request, computed in a worker: check, negotiate, evaluate, write.

    Relative IRIs in the query resolve against `base_iri`, the endpoint's own URL (the SPARQL
    1.1 Protocol lets the service choose; the W3C protocol tests send `CONSTRUCT { <s> <p> 1 }`;
    a BASE in the query comes first); without one, a relative IRI is refused (`check_query`).

    At most `max_rows` rows or triples; a refused or malformed query, or a format the form has
    not, is answered with its status and one line. An HTML results page is written here too:
    a table of 10,000 rows took the serving process over a second per request; and a large
    answer is gzip-encoded here for a client that takes it, for the same reason.
    """
    try:
        quick = _unchecked(store, namespaces, job, base_iri)
        if quick is not None:
            result, name, media = quick
        else:
            inspected = _inspect(job.query, base_iri)
            if isinstance(inspected, InputError):
                raise ProtocolError(400, str(inspected))
            name, media = choose_format(inspected.form, job.accept or None, job.format or None)
            result = _run(store, inspected.scan.needed_prefixes(namespaces), job, base_iri)
        if name == HTML:
            variables, rows, truncated = _table(result, max_rows)
            body = page(job.language, job.query, variables, rows, truncated)
        else:
            body, truncated = _write(result, namespaces, name, max_rows)
    except ProtocolError as error:
        return Answer(error.status, PLAIN_TEXT, str(error).encode())
    except TangledBlankNodes as error:  # an answer graph too costly to label (blanknodes.py)
        text = f"422 Unprocessable Content: {error.within('the answer')}"
        return Answer(422, PLAIN_TEXT, text.encode())
    except InputError as error:  # the syntax asked for cannot carry the answer (RDF/XML)
        return Answer(406, PLAIN_TEXT, f"406 Not Acceptable: {error}".encode())
    except (RuntimeError, ValueError, OSError) as error:  # while rows came or were written
        return Answer(400, PLAIN_TEXT, f"the query failed: {error}".encode())
    gzip = job.gzip and len(body) >= GZIP_MINIMUM_SIZE
    if gzip:
        body = gzipped(body)
    head = b""
    if job.head:  # to be written to the client by the worker: the head the endpoint would send
        extra = _max_rows_header(max_rows) if truncated else ()
        lines = answer_headers(media, body, gzip, extra)
        head = job.head.encode("latin-1") + b"".join(n + b": " + v + b"\r\n" for n, v in lines)
        head += b"\r\n"
    return Answer(200, media, body, truncated, gzipped=gzip, head=head)


Result = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
#: The forms a result's type tells apart (CONSTRUCT for DESCRIBE too: negotiation reads only
#: whether the answer is a graph, and a refusal, which names the form, is made by the checks).
_FORM_OF: dict[type, str] = {
    ox.QuerySolutions: "SELECT",
    ox.QueryBoolean: "ASK",
    ox.QueryTriples: "CONSTRUCT",
}
#: Tokens that can take a query one level deeper (`lexer.MAX_QUERY_NESTING`): brackets,
#: operators and path steps as characters, the group's chaining words as themselves.
_DEEPER_CHARACTERS = "{([<|&=!>+-*/^"
_DEEPER_WORDS = ("UNION", "OPTIONAL", "MINUS", "FILTER", "BIND", "VALUES", "GRAPH", "LATERAL")


def _unchecked(
    store: ox.Store, namespaces: dict[str, str], job: Job, base_iri: str | None
) -> tuple[Result, str, str] | None:
    """(result, writer, media type) of a query that needs no lexer pass, or None: check it.

    The check (`check_query`, a Python lexer pass) took a third of a worker's time per query
    (~55 of 177 µs of CPU for a 10-row SELECT), and most queries need none of what it finds:
    it refuses SERVICE, which cannot occur in a text without the word in any case (Oxigraph
    matches keywords by ASCII case, and reads no escapes outside strings and IRIs), and the
    `\\u` escapes engines read differently, which cannot occur without a `\\u`; it refuses
    nesting deeper than the parser's stack allows, which a text with fewer tokens that add a
    level than the limit cannot reach (every such token holds one of the characters or words
    counted here, in or out of strings alike); it finds the form, which the result's type tells;
    and the undeclared project prefixes, of which every one used is in the text followed by `:`
    (one more, or one the query declares, changes nothing: a declaration overrides it); with no
    base IRI, relative IRIs need its check. Whatever Oxigraph refuses here (a syntax error, an
    update, an unknown prefix) and every refused negotiation goes the checked way, whose
    messages say where and why. The one refusal not made here is of a `<` after a value that
    could also start an IRI holding `#`, a quote or a bracket (`lex`): it is made only so that
    no reading can hide a SERVICE, and this text holds none; Oxigraph reads it as less-than.
    """
    text = job.query
    if base_iri is None or _may_need_checks(text):
        return None
    used = {prefix: iri for prefix, iri in namespaces.items() if prefix + ":" in text}
    try:
        result = _run(store, used, job, base_iri)
        name, media = choose_format(_FORM_OF[type(result)], job.accept or None, job.format or None)
    except ProtocolError:
        return None
    return result, name, media


def _may_need_checks(text: str) -> bool:
    """Whether `text` may hold SERVICE, a `\\u` escape (refused by the check where engines
    read it differently, `lexer.scan_query`) or nest too deep for the parser (`_unchecked`)."""
    upper = text.upper()
    if "SERVICE" in upper or "\\U" in upper:
        return True
    if len(text) <= MAX_QUERY_NESTING:
        return False
    deeper = sum(map(text.count, _DEEPER_CHARACTERS)) + sum(map(upper.count, _DEEPER_WORDS))
    return deeper > MAX_QUERY_NESTING


@lru_cache(maxsize=1024)
def _inspect(query: str, base_iri: str | None) -> CheckedQuery | InputError:
    """What one tokenizer pass found in `query` (its form; the prefixes it uses, of which only
    the undeclared project ones are handed to Oxigraph), or the error refusing it: `check_query`
    parses nothing (Oxigraph reports syntax errors when the query runs), and the scan is cached
    per worker because clients repeat their queries."""
    try:
        return check_query(query, allow_service=False, base_iri=base_iri)
    except InputError as error:
        return error


def _run(store: ox.Store, prefixes: dict[str, str], job: Job, base_iri: str | None) -> Result:
    try:
        default_graph, named_graphs = _dataset(job)
        return evaluate(
            store,
            job.query,
            prefixes=prefixes,
            base_iri=base_iri,
            default_graph=default_graph,
            named_graphs=named_graphs,
        )
    except InputError as error:  # a syntax error, with its position, or a refused evaluation
        raise ProtocolError(400, str(error)) from None
    except (ValueError, OSError) as error:
        raise ProtocolError(400, f"the query failed: {error}") from None


def _dataset(
    job: Job,
) -> tuple[
    list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] | None,
    list[ox.NamedNode | ox.BlankNode] | None,
]:
    """The protocol's dataset as Oxigraph takes it: given either parameter, the whole dataset of
    the query (FROM and FROM NAMED included) is replaced, as the protocol says (2.1.4); a
    dataset with no `named-graph-uri` has no named graphs, one with no `default-graph-uri` an
    empty default graph. Oxigraph replaces each half on its own, so both are always given."""
    if not job.default_graphs and not job.named_graphs:
        return None, None
    return (
        [ox.NamedNode(iri) for iri in job.default_graphs],
        [ox.NamedNode(iri) for iri in job.named_graphs],
    )


def _write(
    result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples,
    namespaces: dict[str, str],
    name: str,
    max_rows: int,
) -> tuple[bytes, bool]:
    """The answer written by `name` (a results format or an RDF syntax), and whether rows were
    cut. Results are written by Oxigraph (`results`); graphs by `serialize`, which labels blank
    nodes canonically and refuses what a syntax cannot carry."""
    if isinstance(result, ox.QueryBoolean):
        return write_boolean(result, name), False
    if isinstance(result, ox.QuerySolutions):
        return write_solutions(result, name, max_rows)
    if name == "turtle":  # the default: straight from Oxigraph's text (`turtle_of_ntriples`)
        text, truncated = capped_ntriples(result, max_rows)
        return turtle_of_ntriples(text, namespaces), truncated
    triples, truncated = _triples(result, max_rows)
    quads = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
    return serialize(quads, syntax_named(name), namespaces), truncated


def _triples(result: ox.QueryTriples, max_rows: int) -> tuple[list[ox.Triple], bool]:
    triples = list(islice(result, max_rows + 1))
    return triples[:max_rows], len(triples) > max_rows


def _table(
    result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, max_rows: int
) -> tuple[list[str], list[list[Cell]], bool]:
    """(head, cells, truncated) of the HTML table; ASK gives one cell, a triple term its text,
    a graph a row of subject, predicate and object per triple."""
    if isinstance(result, ox.QueryBoolean):
        return ["ASK"], [[ox.Literal(str(bool(result)).lower())]], False
    if isinstance(result, ox.QuerySolutions):
        tsv, truncated = capped_tsv(result, max_rows)
        variables, rows = rows_of(from_tsv(tsv))
    else:
        triples, truncated = _triples(result, max_rows)
        variables, rows = list(GRAPH_VARIABLES), [list(t) for t in triples]
    return variables, [[_cell(term) for term in row] for row in rows], truncated


def _cell(term: Term | None) -> Cell:
    return ox.Literal(term_text(term)) if isinstance(term, ox.Triple) else term


@lru_cache(maxsize=64)
def choose_format(form: str, accept: str | None, override: str | None) -> tuple[str, str]:
    """(writer name, media type) for the query form, from `format=` or else `Accept`.

    Cached per worker: clients send the same few Accept headers, and negotiating one against
    every offer took 5-15 µs of a worker's 130-180 µs per query. A refusal is not cached; 64
    entries keep at most 4 MiB of Accept headers (a head is at most 64 KiB)."""
    graph = form in ("CONSTRUCT", "DESCRIBE")
    offers = GRAPH_OFFERS if graph else RESULT_OFFERS
    if override:
        name = _named(override, graph)
        if name is None:
            names = [s.name for s in SERVED_SYNTAXES] if graph else list(RESULTS_FORMAT_NAMES)
            raise ProtocolError(
                400,
                f"format={printable(override)}: {form} answers are written as "
                f"{', '.join([*names, HTML])}, or a media type of one",
            )
        return name, next(media for media, n in offers.items() if n == name)
    media = choose_media_type(accept, list(offers))
    if media is None:
        raise ProtocolError(406, f"{form} answers are offered as: {', '.join(offers)}")
    return offers[media], media


def _named(override: str, graph: bool) -> str | None:
    """The writer the first recognised of the comma-separated `format=` values names: `html`,
    else a served syntax (graphs) or a results format (`formats.format_for`)."""
    for value in override.split(","):
        if value.strip().lower() in (HTML, HTML_MEDIA_TYPE):
            return HTML
        found = served_syntax(value) if graph else format_for(value, RESULTS_FORMATS)
        if found is not None:
            return found.name
    return None


# -- in the serving process --------------------------------------------------------------------


class ResultCache:
    """Answers of successful queries, by their whole request (`Job`: the query text, Accept,
    the format override, the language, and the protocol's dataset).

    The data cannot change while the server runs, so an answer once computed stays right, and
    clients (dashboards, embeds, the example queries) repeat the same queries; a repeat then
    costs no round trip to a worker process. Memory is bounded by a byte budget: the least
    recently used answers go first, and an answer larger than a tenth of it is not kept.
    Timeouts and errors are never cached.
    """

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._answers: OrderedDict[Job, Answer] = OrderedDict()

    def get(self, job: Job) -> Answer | None:
        found = self._answers.get(job)
        if found is not None:
            self._answers.move_to_end(job)
        return found

    def put(self, job: Job, answer: Answer) -> None:
        cost = _cost(job, answer)
        if cost > self.max_bytes // 10 or job in self._answers:
            return
        self._answers[job] = answer
        self.size += cost
        while self.size > self.max_bytes:
            self.size -= _cost(*self._answers.popitem(last=False))


def _cost(job: Job, answer: Answer) -> int:
    return sum(map(len, (*job.fields(), answer.body)))


async def answer(
    pool: QueryPool, job: Job, cache: ResultCache | None = None, client: Client | None = None
) -> Answer:
    """The worker's answer to `job` (status 200); anything else as a ProtocolError.

    A repeated request is answered from `cache` when one is given. With `client` (the client's
    socket, and `job.head`) the worker may have written the answer there (`Answer.direct`,
    not cached: the body is what the socket did not take); AnswerCut if it died doing so.
    """
    if cache is not None:
        cached = cache.get(job)
        if cached is not None:
            return cached
    try:
        result = await pool.run(job, client)
    except QueryTimeout as stopped:
        raise ProtocolError(
            503,
            f"the query ran longer than {pool.timeout:g} s and was stopped; "
            "narrow it down (LIMIT, more specific patterns)",
            stopped.close,
        ) from None
    except PoolBusy:
        raise ProtocolError(
            503, f"every query worker stayed busy for {pool.timeout:g} s; try again shortly"
        ) from None
    except WorkerLost as lost:
        raise ProtocolError(503, str(lost), lost.close) from None
    if result.status != 200:
        raise ProtocolError(result.status, result.body.decode())
    if cache is not None and not result.direct:
        cache.put(job, result)
    return result


class SparqlSite(Protocol):
    """What the endpoint needs of the site it serves: its query workers (None until the
    application has started), its answers cache and limits, and its pages' language and
    error page (the HTML of the query form with the error shown)."""

    pool: QueryPool | None
    results: ResultCache

    @property
    def limits(self) -> Limits: ...

    def page_language(self, lang: str | None, accept_language: str | None) -> str: ...

    def error_page(self, language: str, query: str, message: str) -> bytes: ...


class Limits(Protocol):
    @property
    def max_request_bytes(self) -> int: ...

    @property
    def max_rows(self) -> int: ...


Headers = Sequence[tuple[bytes, bytes]]
_TEXT_CHARSET = b"; charset=utf-8"
#: Requests whose first sight an endpoint remembers (a hash each: ~6 MiB at most): a query is
#: answered from the caches from its third sight on (`SparqlEndpoint`).
SEEN = 65_536
#: What the endpoint passes through the layers around it for an answer a worker wrote to the
#: client: not cached (`fastpath`), and an empty body uvicorn writes nowhere (`Direct.muted`).
_WRITTEN_HEADERS = [(b"content-length", b"0"), (b"cache-control", b"no-store")]


@dataclass(frozen=True)
class _Reply:
    """What the endpoint answers, before the headers every response of the server gets."""

    status: int
    media_type: str
    body: bytes
    headers: Headers = ()
    vary_accept: bool = False  # the answer was negotiated (`Accept`)
    gzipped: bool = False  # `body` is already gzip-encoded (by the worker)
    #: The answer went to the client's socket (its head too): `body` is what the socket did
    #: not take, to be written after it as it is; `size` is the whole body's length.
    direct: bool = False
    size: int = 0
    #: After a lease (`lease`): the bytes its worker read and did not answer, the hash of the
    #: repeat that ended it (0: none), and how long the first answer took (0: unknown).
    unread: bytes = b""
    repeat: int = 0
    seconds: float = 0.0


class SparqlEndpoint:
    """The SPARQL protocol at `/sparql`, as plain ASGI: the queries, straight to the workers.

    Profiling the serving process under load showed more of its time in Starlette's routing,
    request and response objects and in four layers of middleware than in the query's own path
    (reading the request, the round trip to a worker, the answer's bytes). This answers the
    query operations (`/sparql` GET, HEAD and POST with a query) just inside the access log and
    the response cache (which replays a repeated GET, `fastpath`), and gives its responses what
    the layers after it would: CORS headers for every origin, `Vary`, gzip from
    `GZIP_MINIMUM_SIZE` on for a client that takes it (compressed in the worker, off the event
    loop; the decisions in `caching`, the exposed headers from the application). Other repeats
    (a POST, the same query encoded another way) come from the answers cache (`ResultCache`),
    without a round trip to a worker. Everything else goes on to the application: a GET
    without a query (the query page or the service description), other methods (405), other
    paths.

    A request seen for the first time is answered by its worker straight to the client's
    socket when the connection allows it (`protocol.Direct`: uvicorn's httptools protocol, a
    keep-alive HTTP/1.1 connection with nothing waiting to be written): at one connection the
    serving process's relay of the answer (a fourth process wake-up, reading and writing the
    bytes again) took about a third of a request's time. Such an answer cannot be cached (the
    serving process never holds it), so a request seen before goes the relayed way and is
    cached then: a query is computed twice before the caches answer it.
    """

    def __init__(
        self,
        app: ASGIApp,
        site: SparqlSite,
        exposed_headers: Sequence[str],
        path: str = "/sparql",
    ) -> None:
        self.app = app
        self.site = site
        self.path = path
        self.cors = cors_headers(exposed_headers)
        self._cors_lines = cors_lines(exposed_headers)
        self._seen = SeenHashes(SEEN)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != self.path
            or scope["method"] not in ("GET", "HEAD", "POST")
        ):
            await self.app(scope, receive, send)
            return
        headers = _request_headers(scope["headers"])
        direct: Direct | None = scope.get(DIRECT_KEY)
        reply: _Reply | None = None
        try:
            try:
                reply = await self._answer(scope, receive, headers, direct)
            except _NotAQuery:
                await self.app(scope, receive, send)
                return
            except AnswerCut:
                assert direct is not None  # only an answer written to the client is cut
                direct.close()
                reply = _Reply(503, PLAIN_TEXT, b"", direct=True)
            await self._send(reply, headers, direct, send)
        finally:
            # A lent connection is read again, the lease's rest first, whatever happened here
            # (else a failure would leave it unread for good).
            if direct is not None:
                if reply is not None and reply.repeat:
                    self._seen.add(reply.repeat)  # it goes the relayed way, to be cached
                direct.give_back(reply.unread if reply is not None else b"")

    async def _send(
        self, reply: _Reply, headers: dict[bytes, str], direct: Direct | None, send: Send
    ) -> None:
        if reply.direct:
            assert direct is not None
            direct.write(reply.body)  # what the client's socket did not take from the worker
            with direct.muted():  # the layers around see the answer; uvicorn writes nothing
                start = {"type": "http.response.start", "status": reply.status}
                await send({**start, "headers": _WRITTEN_HEADERS})
                written = {"type": "http.response.body", "body": b"", WRITTEN: reply.size}
                await send({**written, ELAPSED: reply.seconds} if reply.seconds else written)
            return
        response_headers, body = self._finish(reply, headers)
        await send(
            {"type": "http.response.start", "status": reply.status, "headers": response_headers}
        )
        await send({"type": "http.response.body", "body": body})

    def _first_sight(self, job: Job) -> bool:
        """Whether `job` is new to this endpoint (of the last `SEEN` requests), remembering it."""
        return self._seen.first_sight(hash(job))

    async def _answer(
        self, scope: Scope, receive: Receive, headers: dict[bytes, str], direct: Direct | None
    ) -> _Reply:
        site = self.site
        method = scope["method"]
        query_string = scope["query_string"].decode("latin-1")
        try:
            limit = site.limits.max_request_bytes
            body = await _bounded_body(receive, headers, limit) if method == "POST" else b""
            protocol, job = job_of(site, method, query_string, headers, body)
        except ProtocolError as error:
            return _error(error)
        client = None
        if direct is not None and method != "HEAD" and direct.ready() and self._first_sight(job):
            head = direct.head() + (self._cors_lines if b"origin" in headers else "")
            job = replace(job, head=head, lease_head=direct.lease_head())
            client = direct
        try:
            assert site.pool is not None, "the application has not started"
            found = await answer(site.pool, job, site.results, client)
        except ProtocolError as error:
            if error.status in (400, 503) and _wants_page(protocol.format, job.accept or None):
                page = site.error_page(job.language, job.query, str(error))
                return _error(error, "text/html", page)
            return _error(error)
        if found.direct:
            return _Reply(
                200,
                found.media_type,
                found.body,
                direct=True,
                size=found.size,
                unread=found.unread,
                repeat=found.repeat,
                seconds=found.seconds,
            )
        extra = _max_rows_header(site.limits.max_rows) if found.truncated else ()
        return _Reply(200, found.media_type, found.body, extra, True, found.gzipped)

    def _finish(self, reply: _Reply, request: dict[bytes, str]) -> tuple[Headers, bytes]:
        """The headers and body as the middleware after this would have made them: `Vary`
        (Accept-Encoding from `GZIP_MINIMUM_SIZE` on, Origin always), gzip when taken, and
        the CORS headers when the request came with an `Origin`."""
        body = reply.body
        large = reply.gzipped or len(body) >= GZIP_MINIMUM_SIZE
        gzip = reply.gzipped
        if large and not gzip and accepts_gzip(request.get(b"accept-encoding")):
            body, gzip = gzipped(body), True
        headers = answer_headers(reply.media_type, body, gzip, reply.headers, reply.vary_accept)
        if b"origin" in request:
            headers += self.cors
        return headers, body


def answer_headers(
    media_type: str, body: bytes, gzip: bool, extra: Headers = (), vary_accept: bool = True
) -> list[tuple[bytes, bytes]]:
    """The headers of an answer but for CORS, whether the serving process sends it or a worker
    writes it to the client (`respond`): `Vary` (Accept when negotiated, Accept-Encoding from
    `GZIP_MINIMUM_SIZE` on, Origin always), `extra`, length, type and gzip."""
    large = gzip or len(body) >= GZIP_MINIMUM_SIZE
    vary = ("Accept, " if vary_accept else "") + ("Accept-Encoding, " if large else "")
    headers = [(b"vary", vary.encode() + b"Origin"), *extra]
    headers += [_length(body), _content_type(media_type)]
    if gzip:
        headers.append((b"content-encoding", b"gzip"))
    return headers


def _max_rows_header(max_rows: int) -> tuple[tuple[bytes, bytes], ...]:
    """Said when the answer was cut at `max_rows` rows."""
    return ((b"x-sparql-maxrows", str(max_rows).encode()),)


class _NotAQuery(Exception):
    """A GET without a query: for the application (the query page, the service description)."""


def _request_headers(raw: Iterable[tuple[bytes, bytes]]) -> dict[bytes, str]:
    """The request's headers by lower-case name, the first of a repeated one (as Starlette)."""
    found: dict[bytes, str] = {}
    for name, value in raw:
        if name not in found:
            found[name] = value.decode("latin-1")
    return found


def _lang_parameter(query_string: str) -> str | None:
    """The `lang=` of the URL (the language of an HTML page), if any."""
    if "lang=" not in query_string:
        return None
    values = parse_qs(query_string).get("lang")
    return values[0] if values else None


def _wants_page(override: str | None, accept: str | None) -> bool:
    """Whether an error is answered as the query page: asked for by `format=html`, or by a
    browser's Accept (HTML before plain text)."""
    if override is not None:
        return override == HTML
    return choose_media_type(accept, (HTML_MEDIA_TYPE, PLAIN_TEXT)) == HTML_MEDIA_TYPE


async def _bounded_body(receive: Receive, headers: dict[bytes, str], max_bytes: int) -> bytes:
    """The request body, refused (413) as soon as it is known to be over `max_bytes`; a client
    gone before it was sent ends the request (ClientDisconnect: logged as 499)."""
    declared = headers.get(b"content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _body_too_large(max_bytes)
    chunks = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > max_bytes:
            raise _body_too_large(max_bytes)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _body_too_large(max_bytes: int) -> ProtocolError:
    return ProtocolError(413, f"the request body is larger than {max_bytes} bytes")


def _content_type(media_type: str) -> tuple[bytes, bytes]:
    value = media_type.encode()
    return b"content-type", value + _TEXT_CHARSET if value.startswith(b"text/") else value


def _length(body: bytes) -> tuple[bytes, bytes]:
    return b"content-length", str(len(body)).encode()


def _error(error: ProtocolError, media_type: str = PLAIN_TEXT, body: bytes = b"") -> _Reply:
    """The answer of a refused or failed request (`body`: a page instead of its plain text);
    a 503 says when to try again."""
    headers: Headers = ((b"retry-after", b"5"),) if error.status == 503 else ()
    if error.close:
        headers = (*headers, (b"connection", b"close"))
    return _Reply(error.status, media_type, body or str(error).encode(), headers)
