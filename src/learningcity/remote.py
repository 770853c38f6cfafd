"""The project's one HTTP client: SPARQL queries to an endpoint (SPARQL 1.1 Protocol), the copy
of a graph `serve --endpoint` reads, and uploads through the Graph Store HTTP Protocol.

What it opens, and why so little (docs/remote.md):

- **Only http:// and https://.** The connection is made by the class of one of those two
  schemes, so no other scheme (`file:`, `ftp:`, `data:`, which urllib's default opener all
  serves) can be opened, whatever a URL or a server's answer says.
- **No redirect is followed.** A 3xx answer is one line naming the endpoint, the status and the
  `Location`: give that URL if you trust it. urllib turns a 302 to a POST into a GET to wherever
  it points (another host or port, `ftp://`), so a query was answered by a server nobody named.
- **Bounded.** One deadline covers the whole exchange (connect, request, headers, body): when it
  passes the socket is shut down, so a server sending a byte at a time cannot hold the command.
  At most `MAX_ANSWER_BYTES` are read. The environment's proxy settings are not used: requests
  go to the host named, and nowhere else.
- **A whole answer of the expected kind, or one line.** An answer cut off, over the size limit,
  of a media type that is not SPARQL results (or RDF, for graphs), or that does not parse is
  refused naming the request: exit 2 for queries (the answer is the command's input), 3 for
  push (nothing is known to be replaced).

Why one PUT for push: the protocol's PUT replaces a named graph with the request body in one
operation, so a reader of the server sees the old graph or the new one, never a half-uploaded
or doubled one (Oxigraph and Apache Jena Fuseki apply a PUT in one transaction). Pushing the
same data twice therefore leaves the same graph. The graph is named by the dataset the data
describes (its `dcat:Dataset`) unless the caller names one.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, quote, urlencode, urlsplit, urlunsplit

import pyoxigraph as ox

from learningcity.dataset import protocol_dataset
from learningcity.errors import InputError, LearningCityError, OutputError, printable
from learningcity.formats import syntax_for_media_type
from learningcity.iris import usable_iri
from learningcity.load import parse_bytes
from learningcity.namespaces import STANDARD_PREFIXES
from learningcity.query import QueryResult, Term, _check_tokens, substitute_text, with_prologue

if TYPE_CHECKING:
    import http.client

N_TRIPLES = "application/n-triples"
RDF_TYPE = ox.NamedNode(STANDARD_PREFIXES["rdf"] + "type")
DCAT_DATASET = ox.NamedNode(STANDARD_PREFIXES["dcat"] + "Dataset")

#: Most bytes read from one answer: a copy of a 10,000-city network as N-Triples is ~200 MB.
MAX_ANSWER_BYTES = 1 << 30
_CHUNK = 1 << 16
#: The SPARQL results formats an answer is read back from. CSV is not one: it drops term types,
#: and Oxigraph refuses to parse it.
READABLE_RESULTS = (
    ox.QueryResultsFormat.JSON,
    ox.QueryResultsFormat.XML,
    ox.QueryResultsFormat.TSV,
)
RESULTS_TYPES = {f.media_type.split(";")[0]: f for f in READABLE_RESULTS}
RESULTS_ACCEPT = ", ".join(
    f"{media_type};q={q}" for media_type, q in zip(RESULTS_TYPES, ("1", "0.9", "0.8"), strict=True)
)


# --------------------------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    media_type: str
    body: bytes


def send(
    url: str,
    method: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    timeout: float,
    refused: type[LearningCityError] = InputError,
    expect: Callable[[str], bool] | None = None,
) -> HttpAnswer:
    """One HTTP request, for every talk with a remote server; the answer whole, or one line.

    A server that cannot be reached, or that redirects, is bad input (exit 2: the URL is the
    one to change). An error status, no complete answer within `timeout` seconds (all of it),
    an answer over `MAX_ANSWER_BYTES`, cut off, or of a media type `expect` refuses raise
    `refused`: whether that is bad input (a query) or a failed write (a push) is the caller's.
    """
    # Imported here, not at the top: http.client (email, ssl) costs every command start-up time.
    import http.client

    where = f"{method} {printable(url)}"
    parts = urlsplit(url)
    opener = {"http": http.client.HTTPConnection, "https": http.client.HTTPSConnection}.get(
        parts.scheme.lower()
    )
    if opener is None or not parts.hostname:
        raise InputError(f"{where}: only http:// and https:// URLs are opened")
    connection = opener(parts.hostname, parts.port, timeout=timeout)
    deadline = _Deadline(timeout)
    try:
        try:
            connection.connect()
        except OSError as error:
            raise InputError(f"{where}: cannot connect ({printable(str(error))})") from None
        deadline.watch(connection.sock)
        try:
            headers = {**headers, "User-Agent": "learningcity"}
            connection.request(method, _target(parts), body, headers)
            answer = _answer(where, connection.getresponse(), refused, expect)
        except (OSError, http.client.HTTPException, LearningCityError) as error:
            if deadline.passed.is_set():  # what broke is the cut at the deadline
                raise refused(f"{where}: no complete answer within {timeout:g} s") from None
            if isinstance(error, LearningCityError):
                raise
            raise refused(f"{where}: the answer broke off ({_broken(error)})") from None
        if deadline.passed.is_set():  # the cut looked like the end of an answer
            raise refused(f"{where}: no complete answer within {timeout:g} s")
        return answer
    finally:
        deadline.cancel()
        connection.close()


class _Deadline:
    """Shuts the watched socket down `seconds` after the start: a blocked read returns at once,
    so the whole exchange is bounded, not only each read (which the socket timeout bounds).

    The socket is kept here because http.client forgets it once an answer that ends with the
    connection is being read (`HTTPConnection.sock` becomes None; the answer still reads it).
    """

    def __init__(self, seconds: float) -> None:
        self.passed = threading.Event()
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._cut)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sock = sock
        if self.passed.is_set():
            self._cut()

    def _cut(self) -> None:
        with self._lock:
            self.passed.set()
            if self._sock is not None:
                with contextlib.suppress(OSError):  # already closed
                    self._sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


def _target(parts: SplitResult) -> str:
    """The request target: path and query, non-ASCII characters of an IRI percent-encoded."""
    target = urlunsplit(("", "", parts.path or "/", parts.query, ""))
    return quote(target, safe="".join(chr(c) for c in range(0x21, 0x7F)))


def _answer(
    where: str,
    response: http.client.HTTPResponse,
    refused: type[LearningCityError],
    expect: Callable[[str], bool] | None,
) -> HttpAnswer:
    status, reason = response.status, printable(response.reason)
    if 300 <= status < 400:
        location = printable(response.getheader("Location") or "(none)")
        raise InputError(
            f"{where}: HTTP {status} {reason}, redirecting to {location}; redirects are not "
            "followed: give that URL instead if you trust it"
        )
    if not 200 <= status < 300:
        raise refused(f"{where}: HTTP {status} {reason}" + _detail(response))
    media_type = response.headers.get_content_type()
    if expect is not None and not expect(media_type):
        raise refused(f"{where}: the answer is {printable(media_type)}, not what was asked for")
    declared = response.length
    if declared is not None and declared > MAX_ANSWER_BYTES:
        raise refused(
            f"{where}: an answer of {declared:,} bytes; the limit is {MAX_ANSWER_BYTES:,}"
        )
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(_CHUNK):
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise refused(f"{where}: the answer is over the limit of {MAX_ANSWER_BYTES:,} bytes")
        chunks.append(chunk)
    if response.length:  # http.client counts down a Content-Length; what is left never came
        raise refused(f"{where}: the answer was cut off after {size:,} of {declared:,} bytes")
    return HttpAnswer(status, media_type, b"".join(chunks))


def _detail(response: http.client.HTTPResponse) -> str:
    """The start of an error answer's body, on one line (it often says what was wrong)."""
    try:
        text = response.read(300).decode("utf-8", "replace")
    except OSError:
        return ""
    detail = printable(" ".join(text.split()))
    return f": {detail}" if detail else ""


def _broken(error: BaseException) -> str:
    import http.client

    if isinstance(error, http.client.IncompleteRead):
        return f"cut off after {len(error.partial):,} bytes"
    if isinstance(error, http.client.RemoteDisconnected):
        return "the server closed the connection without an answer"
    return printable(str(error) or type(error).__name__)


# --------------------------------------------------------------------------------------------
# SPARQL 1.1 Protocol: queries
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RemoteResponse:
    media_type: str
    body: bytes


def run_remote(
    endpoint_url: str,
    text: str,
    accept: str = RESULTS_ACCEPT,
    *,
    timeout: float = 60.0,
    expect: Callable[[str], bool] | None = None,
    graphs: Sequence[str] = (),
) -> RemoteResponse:
    """POST a query to a SPARQL 1.1 Protocol endpoint (form-encoded) and return its answer.

    With `graphs`, the query runs over the served dataset of those pushed graphs
    (`learningcity.dataset.protocol_dataset`), not over the endpoint's whole store.
    Failures become one line naming the request and the HTTP status or the network error.
    """
    usable_iri(endpoint_url, "--endpoint", web=True)
    body = urlencode([("query", text), *protocol_dataset(graphs)]).encode("utf-8")
    headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
    answer = send(endpoint_url, "POST", body, headers, timeout=timeout, expect=expect)
    return RemoteResponse(answer.media_type, answer.body)


def query_remote(
    endpoint_url: str,
    text: str,
    *,
    allow_service: bool = False,
    substitutions: Mapping[str, Term] | None = None,
    prefixes: bool = True,
    source: str = "query",
    timeout: float = 60.0,
    graphs: Sequence[str] = (),
    base_iri: str | None = None,
) -> QueryResult:
    """Run a query on a remote endpoint and read its answer into a `QueryResult`.

    The same checks as `run_query` apply; results are requested as SPARQL JSON (or XML, TSV) or
    N-Triples and parsed whole, so every output format and the ASK exit code work as for local
    data, and an answer that does not parse fails here, in one line, not half-way through output.
    `base_iri` goes with the query as a BASE line, so relative IRIs resolve as they do locally;
    without it the endpoint resolves them against its own URL.
    """
    form = _check_tokens(text, allow_service, source, prefixes, base_iri or endpoint_url)
    if substitutions:
        text = substitute_text(text, substitutions, source)
    if prefixes:
        text = with_prologue(text)
    if base_iri is not None:
        text = f"BASE <{base_iri}>\n{text}"
    if form in ("SELECT", "ASK"):
        response = run_remote(
            endpoint_url, text, timeout=timeout, expect=_is_results, graphs=graphs
        )
        return QueryResult(form, _parse_results(endpoint_url, response))
    response = run_remote(
        endpoint_url, text, N_TRIPLES, timeout=timeout, expect=_is_graph, graphs=graphs
    )
    return QueryResult(form, _parse_triples(endpoint_url, response))


def _is_results(media_type: str) -> bool:
    return media_type in RESULTS_TYPES


def _is_graph(media_type: str) -> bool:
    return syntax_for_media_type(media_type) is not None


def _parse_results(
    endpoint_url: str, response: RemoteResponse
) -> ox.QuerySolutions | ox.QueryBoolean:
    """The answer's solutions, after reading all of them once: Oxigraph parses results lazily,
    so a broken answer would otherwise fail only while the output is being written."""
    results_format = RESULTS_TYPES[response.media_type]
    try:
        parsed = ox.parse_query_results(response.body, format=results_format)
        if isinstance(parsed, ox.QueryBoolean):
            return parsed
        for _ in parsed:
            pass
        return ox.parse_query_results(response.body, format=results_format)
    except (SyntaxError, ValueError) as error:
        detail = printable(str(error))
        raise InputError(f"POST {printable(endpoint_url)}: unreadable results ({detail})") from None


def _parse_triples(endpoint_url: str, response: RemoteResponse) -> list[ox.Triple]:
    """The graph an endpoint answered, read with the bounds every RDF input gets (an answer may
    be RDF/XML with entity bombs or JSON-LD nested too deep, as any file)."""
    syntax = syntax_for_media_type(response.media_type)
    assert syntax is not None  # `_is_graph` let it through
    display = f"the answer of POST {printable(endpoint_url)}"  # whose IRI is its base
    return [q.triple for q in parse_bytes(response.body, syntax, display, endpoint_url)]


def fetch_graph(
    endpoint_url: str, graph: str | None = None, *, timeout: float = 300.0
) -> ox.Dataset:
    """Every triple of the endpoint's default graph, or of the named graph `graph`, read with one
    CONSTRUCT through the SPARQL 1.1 Protocol: what `serve --endpoint` serves.

    One copy at start-up, because the server renders pages and answers SPARQL from its own
    in-memory indexes (timeouts, row limits, ETags from the data's hash) whatever holds the data.
    """
    if graph is not None:
        usable_iri(graph, "--graph")
    where = f"GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    result = query_remote(
        endpoint_url, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}", timeout=timeout
    )
    assert isinstance(result.result, list)
    return ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in result.result)


# --------------------------------------------------------------------------------------------
# Graph Store HTTP Protocol: push
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pushed:
    """What a push did: the graph it replaced, how many statements it holds, the HTTP status."""

    graph: str
    statements: int
    status: int


def dataset_iri(quads: Iterable[ox.Quad]) -> str:
    """The IRI of the one `dcat:Dataset` the data describes: the graph it is pushed to."""
    found = sorted(
        {
            q.subject.value
            for q in quads
            if q.predicate == RDF_TYPE
            and q.object == DCAT_DATASET
            and isinstance(q.subject, ox.NamedNode)
        }
    )
    if len(found) != 1:
        which = "no dcat:Dataset" if not found else f"{len(found)} dcat:Datasets"
        raise InputError(f"the data describes {which}; name the graph with --graph IRI")
    return found[0]


def graph_url(store_url: str, graph: str) -> str:
    """The Graph Store Protocol address of `graph` (indirect identification: `?graph=IRI`)."""
    separator = "&" if "?" in store_url else "?"
    return f"{store_url}{separator}graph={quote(graph, safe='')}"


def push(
    quads: Iterable[ox.Quad], store_url: str, graph: str | None = None, *, timeout: float = 120.0
) -> Pushed:
    """Replace the named graph `graph` (default: the data's dataset IRI) of the Graph Store at
    `store_url` with the statements, all of them as triples of that one graph.

    A URL that is not http(s), a server that cannot be reached or that redirects raises
    `InputError` (exit 2); a server that answers with an error status, or not in time, raises
    `OutputError` (exit 3): nothing was replaced. Both are one line naming the request.
    """
    usable_iri(store_url, "--to", web=True)
    statements = list(quads)
    graph = usable_iri(graph, "--graph") if graph else dataset_iri(statements)
    triples = {q.triple for q in statements}
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    headers = {"Content-Type": N_TRIPLES}
    target = graph_url(store_url, graph)
    answer = send(target, "PUT", body, headers, timeout=timeout, refused=OutputError)
    return Pushed(graph, len(triples), answer.status)
