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
- **Never a part as the whole.** An answer the server marks as cut at its row limit (`Cut`), or
  a graph answer larger than the rows the server will send, is refused by `query_remote`;
  `fetch_graph` counts the triples and pages until it has them all (docs/remote.md).
- **Credentials from the environment or netrc only** (`learningcity.credentials`), sent as
  Basic, Bearer or Digest, and never put into a message.

Why one PUT for push: the protocol's PUT replaces a named graph with the request body in one
operation, so a reader of the server sees the old graph or the new one, never a half-uploaded
or doubled one (Oxigraph and Apache Jena Fuseki apply a PUT in one transaction). Pushing the
same data twice therefore leaves the same graph. The graph is named by the dataset the data
describes (its `dcat:Dataset`) unless the caller names one.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, quote, urlencode, urlsplit, urlunsplit

import pyoxigraph as ox

from learningcity.credentials import HOW_TO_GIVE, Credentials, credentials_for
from learningcity.dataset import protocol_dataset
from learningcity.errors import InputError, LearningCityError, OutputError, printable
from learningcity.formats import syntax_for_media_type
from learningcity.iris import usable_iri
from learningcity.load import parse_bytes
from learningcity.namespaces import prefixes
from learningcity.oxigraph import serialized
from learningcity.query import CheckedQuery, Form, QueryResult, Term
from learningcity.terms import DCAT_DATASET, RDF_TYPE

if TYPE_CHECKING:
    import http.client

N_TRIPLES = "application/n-triples"

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
class Cut:
    """What a server said about an answer it may have cut short: the header or status that
    said so, and the row limit it named (None: it named none, so any answer may be short).

    Virtuoso names its limit in `X-SPARQL-MaxRows` when a SELECT reaches it (`ResultSetMaxRows`,
    10,000 as packaged; so does `learningcity serve`); its Anytime Query answers a query stopped
    at its time limit with what it found so far, saying so in `X-SQL-State` (Virtuoso 7) or with
    `206 Partial Content` (Virtuoso 8). No result format can say "cut" in the body.
    """

    said: str
    max_rows: int | None

    def cuts(self, rows: int) -> bool:
        """Whether an answer of `rows` rows (or triples) may be missing some: it reached the
        limit (a server sends the header at the limit even when nothing was left out)."""
        return self.max_rows is None or rows >= self.max_rows


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    media_type: str
    body: bytes
    cut: Cut | None = None


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

    Credentials (`learningcity.credentials`) go with the request as Basic or Bearer. A server
    that answers 401 with a Digest challenge gets the request once more, answering it; one that
    answers Basic with a bare 401 (Virtuoso's `-auth` endpoints) is asked once without
    credentials for its challenge first. At most three requests, each bounded by `timeout`.
    """
    where = f"{method} {printable(url)}"
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InputError(f"{where}: only http:// and https:// URLs are opened")
    credentials = credentials_for(parts.hostname)
    headers = {**headers, "User-Agent": "learningcity"}
    exchange = _Exchange(where, parts, method, body, timeout, refused, expect, credentials)
    first = (
        headers
        if credentials is None
        else {**headers, "Authorization": credentials.authorization()}
    )
    try:
        return exchange.run(first, challenged=False)
    except _Challenged as challenge:
        answer = challenge.answer
    if answer is None:  # a bare 401 to Basic: ask without credentials for the challenge
        try:
            return exchange.run(headers, challenged=False)
        except _Challenged as challenge:
            answer = challenge.answer
    assert answer is not None  # (a request without credentials gets no bare-401 retry)
    return exchange.run({**headers, "Authorization": answer}, challenged=True)


class _Challenged(Exception):
    """A 401 asking for Digest, which the credentials can answer (`answer`: the header), or a
    bare 401 to Basic credentials (`answer` None: the challenge is still to be learnt)."""

    def __init__(self, answer: str | None) -> None:
        super().__init__("digest")
        self.answer = answer


@dataclass(frozen=True)
class _Exchange:
    """One request and its answer, bounded by one deadline (`send` makes up to three)."""

    where: str
    parts: SplitResult
    method: str
    body: bytes
    timeout: float
    refused: type[LearningCityError]
    expect: Callable[[str], bool] | None
    credentials: Credentials | None

    def run(self, headers: Mapping[str, str], *, challenged: bool) -> HttpAnswer:
        # Imported here, not at the top: http.client (email, ssl) costs every start-up time.
        import http.client

        opener = {"http": http.client.HTTPConnection, "https": http.client.HTTPSConnection}
        connection = opener[self.parts.scheme.lower()](
            self.parts.hostname, self.parts.port, timeout=self.timeout
        )
        deadline = _Deadline(self.timeout)
        refused, where = self.refused, self.where
        late = f"{where}: no complete answer within {self.timeout:g} s"
        try:
            try:
                connection.connect()
            except OSError as error:
                raise InputError(f"{where}: cannot connect ({printable(str(error))})") from None
            deadline.watch(connection.sock)
            try:
                connection.request(self.method, _target(self.parts), self.body, dict(headers))
                answer = self._answer(connection.getresponse(), challenged, headers)
            except (OSError, http.client.HTTPException, LearningCityError) as error:
                # What broke is the cut at the deadline, or a read that waited the whole
                # timeout (the socket's own timeout can fire before the deadline's timer runs).
                if deadline.passed.is_set() or isinstance(error, TimeoutError):
                    raise refused(late) from None
                if isinstance(error, LearningCityError):
                    raise
                raise refused(f"{where}: the answer broke off ({_broken(error)})") from None
            if deadline.passed.is_set():  # the cut looked like the end of an answer
                raise refused(late)
            return answer
        finally:
            deadline.cancel()
            connection.close()

    def _answer(
        self, response: http.client.HTTPResponse, challenged: bool, sent: Mapping[str, str]
    ) -> HttpAnswer:
        where, refused = self.where, self.refused
        status, reason = response.status, printable(response.reason)
        if 300 <= status < 400:
            location = printable(response.getheader("Location") or "(none)")
            raise InputError(
                f"{where}: HTTP {status} {reason}, redirecting to {location}; redirects are not "
                "followed: give that URL instead if you trust it"
            )
        if status == 401 and not challenged and self.credentials is not None:
            challenges = response.headers.get_all("WWW-Authenticate") or []
            for challenge in challenges:
                answer = self.credentials.digest(challenge, self.method, _target(self.parts))
                if answer is not None:
                    raise _Challenged(answer)
            if not challenges and sent.get("Authorization", "").startswith("Basic "):
                raise _Challenged(None)
        if not 200 <= status < 300:
            raise refused(f"{where}: HTTP {status} {reason}{self._refusal(response)}")
        media_type = response.headers.get_content_type()
        if self.expect is not None and not self.expect(media_type):
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
                raise refused(
                    f"{where}: the answer is over the limit of {MAX_ANSWER_BYTES:,} bytes"
                )
            chunks.append(chunk)
        if response.length:  # http.client counts down a Content-Length; what is left never came
            raise refused(f"{where}: the answer was cut off after {size:,} of {declared:,} bytes")
        return HttpAnswer(status, media_type, b"".join(chunks), _announced_cut(response))

    def _refusal(self, response: http.client.HTTPResponse) -> str:
        """What to do about an error status, then the start of its body: a 401 or 403 says
        which credentials went (by their source) and how to give others."""
        found = _detail(response, self.credentials)
        credentials = self.credentials
        detail = f" ({found})" if found else ""
        if response.status == 401:
            if credentials is None:
                return f": the server asks for credentials: {HOW_TO_GIVE}{detail}"
            return f": the server refused the credentials of {credentials.source}{detail}"
        if response.status != 403:
            return f": {found}" if found else ""
        who = "without credentials" if credentials is None else f"as {credentials.source} gave"
        hint = f": the server does not allow this {who}"
        if (response.getheader("Server") or "").startswith("Virtuoso") and self.method != "POST":
            hint += (
                '; Virtuoso: GRANT SPARQL_UPDATE TO "SPARQL"; in isql-vt, or push to '
                "/sparql-graph-crud-auth with credentials (docs/remote.md)"
            )
        return hint + detail


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


def _detail(response: http.client.HTTPResponse, credentials: Credentials | None) -> str:
    """The start of an error answer's body, on one line (it often says what was wrong), tags
    dropped from an HTML page, and never the credentials, even if the server echoes them."""
    try:
        text = response.read(8192).decode("utf-8", "replace")
    except OSError:
        return ""
    if response.headers.get_content_type() == "text/html":
        text = _TAG.sub(" ", text)
    if credentials is not None:
        text = credentials.scrub(text)
    return printable(" ".join(text.split())[:300])


_TAG = re.compile(r"<[^>]*>?")


def _announced_cut(response: http.client.HTTPResponse) -> Cut | None:
    """What the answer's status and headers say about rows left out (`Cut`), or None."""
    if response.status == 206:
        return Cut("HTTP 206 Partial Content", None)
    state = response.getheader("X-SQL-State")
    if state is not None:
        return Cut(f"X-SQL-State: {printable(state[:40])}", None)
    max_rows = response.getheader("X-SPARQL-MaxRows")
    if max_rows is None:
        return None
    said = f"X-SPARQL-MaxRows: {printable(max_rows[:40])}"
    return Cut(said, int(max_rows)) if max_rows.strip().isdigit() else Cut(said, None)


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
    cut: Cut | None = None


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
    return RemoteResponse(answer.media_type, answer.body, answer.cut)


def query_remote(
    endpoint_url: str,
    query: CheckedQuery,
    *,
    substitutions: Mapping[str, Term] | None = None,
    timeout: float = 60.0,
    graphs: Sequence[str] = (),
    base_iri: str | None = None,
) -> QueryResult:
    """Run a query on a remote endpoint and read its answer into a `QueryResult`.

    `query` is checked as for local data (`check_query`, with the endpoint's URL as its base
    IRI unless `base_iri` is given: the endpoint resolves relative IRIs against it). Results are
    requested as SPARQL JSON (or XML, TSV) or N-Triples and parsed whole, so every output format
    and the ASK exit code work as for local data, and an answer that does not parse fails here,
    in one line, not half-way through output.
    `base_iri` goes with the query as a BASE line, so relative IRIs resolve as they do locally;
    without it the endpoint resolves them against its own URL.
    An answer the server says it may have cut (`Cut`) fails too: the query is the caller's, so
    only the caller knows how to page it (LIMIT and OFFSET under an ORDER BY).
    """
    form = query.form
    text = substitute_text(query, substitutions) if substitutions else query.text
    if query.prefixes:
        text = prologue(query) + text
    if base_iri is not None:
        text = f"BASE <{base_iri}>\n{text}"
    answer = _ask(endpoint_url, text, form, timeout, graphs)
    cut = answer.cut
    if cut is None and answer.result.is_graph and answer.rows:
        cut = _measured_limit(endpoint_url, answer.rows, timeout)
    if cut is not None and cut.cuts(answer.rows):
        unit = "triples" if answer.result.is_graph else "rows"
        raise InputError(
            f"POST {printable(endpoint_url)}: the answer may be incomplete ({cut.said}; "
            f"{answer.rows:,} {unit} came); ask for fewer (LIMIT n, then OFFSET n under an "
            "ORDER BY for the next ones) or raise the server's row limit (docs/remote.md)"
        )
    return answer.result


def _measured_limit(endpoint_url: str, rows: int, timeout: float) -> Cut | None:
    """A `Cut` when the server cannot answer `rows` + 1 rows: its row limit, which it does not
    name for graphs (Virtuoso cuts a CONSTRUCT or DESCRIBE at `ResultSetMaxRows` + 1 triples
    with no header), measured with a SELECT of that many rows from no data (VALUES products);
    None when all of them came."""
    asked = rows + 1
    values = " ".join(f"VALUES ?v{i} {{ 0 1 2 3 4 5 6 7 8 9 }}" for i in range(len(str(asked))))
    text = f"SELECT ?v0 WHERE {{ {values} }} LIMIT {asked}"
    response = run_remote(endpoint_url, text, timeout=timeout, expect=_is_results)
    _, came = _parse_results(endpoint_url, response)
    if came >= asked:
        return None
    return Cut(f"it answers {came:,} rows when asked for {asked:,}", came)


@dataclass(frozen=True)
class _Asked:
    """A parsed answer, how many rows (or distinct triples) it holds, and any `Cut` it names."""

    result: QueryResult
    rows: int
    cut: Cut | None


def _ask(
    endpoint_url: str, text: str, form: Form, timeout: float, graphs: Sequence[str] = ()
) -> _Asked:
    if form in ("SELECT", "ASK"):
        response = run_remote(
            endpoint_url, text, timeout=timeout, expect=_is_results, graphs=graphs
        )
        parsed, rows = _parse_results(endpoint_url, response)
        return _Asked(QueryResult(form, parsed), rows, response.cut)
    response = run_remote(
        endpoint_url, text, N_TRIPLES, timeout=timeout, expect=_is_graph, graphs=graphs
    )
    triples = _parse_triples(endpoint_url, response)
    return _Asked(QueryResult(form, triples), len(set(triples)), response.cut)


def _is_results(media_type: str) -> bool:
    return media_type in RESULTS_TYPES


def _is_graph(media_type: str) -> bool:
    return syntax_for_media_type(media_type) is not None


def _parse_results(
    endpoint_url: str, response: RemoteResponse
) -> tuple[ox.QuerySolutions | ox.QueryBoolean, int]:
    """The answer's solutions and how many there are, after reading all of them once: Oxigraph
    parses results lazily, so a broken answer would otherwise fail only while being written."""
    results_format = RESULTS_TYPES[response.media_type]
    try:
        parsed = ox.parse_query_results(response.body, format=results_format)
        if isinstance(parsed, ox.QueryBoolean):
            return parsed, 0
        rows = sum(1 for _ in parsed)
        return ox.parse_query_results(response.body, format=results_format), rows
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
    """Every triple of the endpoint's default graph, or of the named graph `graph`, read through
    the SPARQL 1.1 Protocol within `timeout` seconds in all: what `serve --endpoint` serves.

    One copy at start-up, because the server renders pages and answers SPARQL from its own
    in-memory indexes (timeouts, row limits, ETags from the data's hash) whatever holds the data.

    Never a part of the graph as if it were all of it: a server may cut an answer at its row
    limit without saying so (Virtuoso's CONSTRUCT stops at `ResultSetMaxRows` + 1 triples with
    no header), so the triples are counted first, and an answer with fewer is read again in
    pages of the size the server did send (`_pages`). A copy that still differs from the count
    is one line, exit 2.
    """
    if graph is not None:
        usable_iri(graph, "--graph")
    pattern = f"GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    clock = _Clock(timeout)
    expected = _count(endpoint_url, pattern, clock)
    construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {pattern} }}"
    first = _ask(endpoint_url, construct, "CONSTRUCT", clock.left())
    triples = _triples(first)
    if len(triples) < expected:
        limit = first.cut.max_rows if first.cut is not None else None
        triples = _pages(
            endpoint_url, pattern, expected, min(len(triples), limit or expected), clock
        )
    if len(triples) != expected:
        raise InputError(
            f"POST {printable(endpoint_url)}: {len(triples):,} triples came of the "
            f"{expected:,} the server counted (it changed while it was read, or it pages "
            "unevenly); serve again, or raise the server's row limit (docs/remote.md)"
        )
    return ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)


def _count(endpoint_url: str, pattern: str, clock: _Clock) -> int:
    """How many distinct triples match `pattern`: one row, which no row limit cuts."""
    text = (
        f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT DISTINCT ?s ?p ?o WHERE {{ {pattern} }} }} }}"
    )
    answer = _ask(endpoint_url, text, "SELECT", clock.left())
    assert isinstance(answer.result.result, ox.QuerySolutions)
    rows = list(answer.result.result)
    value = rows[0]["n"] if len(rows) == 1 else None
    if not isinstance(value, ox.Literal) or not value.value.isdigit():
        raise InputError(f"POST {printable(endpoint_url)}: the server did not count its triples")
    return int(value.value)


def _pages(
    endpoint_url: str, pattern: str, expected: int, page: int, clock: _Clock
) -> set[ox.Triple]:
    """The triples of `pattern` in pages of `page`, in one order (ORDER BY inside a subquery,
    LIMIT and OFFSET outside it: Virtuoso refuses a sorted OFFSET past its row limit, SR353).

    Paging relies on the data not changing between pages and on blank nodes keeping their
    labels from one answer to the next (Virtuoso's and Oxigraph's do); the caller compares the
    result with the count, so a server that breaks either fails in one line, not silently.
    """
    if page < 1:
        raise InputError(
            f"POST {printable(endpoint_url)}: the server answered none of the {expected:,} "
            "triples it counted"
        )
    ordered = f"SELECT DISTINCT ?s ?p ?o WHERE {{ {pattern} }} ORDER BY ?s ?p ?o"
    triples: set[ox.Triple] = set()
    for offset in range(0, expected, page):
        text = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {{ {ordered} }} }} LIMIT {page} OFFSET {offset}"
        found = _triples(_ask(endpoint_url, text, "CONSTRUCT", clock.left()))
        if len(found) < page or found <= triples:  # the last page, or one that repeats: the
            triples |= found  # count was larger than the graph, which the caller says
            break
        triples |= found
    return triples


def _triples(answer: _Asked) -> set[ox.Triple]:
    assert isinstance(answer.result.result, list)  # a CONSTRUCT's
    return set(answer.result.result)


class _Clock:
    """The seconds left of one bound over several requests (`fetch_graph`'s count and pages)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def left(self) -> float:
        left = self._end - time.monotonic()
        if left <= 0:
            raise InputError(f"no complete copy of the graph within {self.seconds:g} s")
        return left


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
    body = serialized(triples, ox.RdfFormat.N_TRIPLES)
    headers = {"Content-Type": N_TRIPLES}
    target = graph_url(store_url, graph)
    answer = send(target, "PUT", body, headers, timeout=timeout, refused=OutputError)
    return Pushed(graph, len(triples), answer.status)


# --------------------------------------------------------------------------------------------
# Query text for remote endpoints, which know neither our prefixes nor our substitutions
# --------------------------------------------------------------------------------------------


def substitute_text(query: CheckedQuery, bindings: Mapping[str, Term]) -> str:
    """The query with each bound variable replaced by its term, written as SPARQL syntax.

    Used for remote endpoints, which have no substitution API. Only variable tokens are replaced
    and each value is written by Oxigraph as an N-Triples term (quotes and newlines escaped), so
    a value cannot end a string or add a clause. In a SELECT clause `?x` becomes `(term AS ?x)`,
    so the variable stays in the results as it does with local substitution.
    """
    out: list[str] = []
    in_projection = False
    depth = 0
    previous: str | None = None
    for token in query.tokens():
        keyword = token.keyword
        if keyword == "SELECT":
            in_projection, depth = True, 0
        elif keyword == "WHERE" or token.text == "{":
            in_projection = False
        elif token.text in "()" and token.kind == "punct":
            depth += 1 if token.text == "(" else -1
        name = token.text[1:] if token.kind == "var" else None
        if name is not None and name in bindings:
            if previous == "AS":
                raise InputError(
                    f"{query.source}:{token.line}:{token.column}: parameter ?{name} cannot be the "
                    "target of AS"
                )
            term = str(bindings[name])
            out.append(f"({term} AS {token.text})" if in_projection and depth == 0 else term)
        else:
            out.append(token.text)
        if token.kind not in ("ws", "comment"):
            previous = keyword
    return "".join(out)


def prologue(query: CheckedQuery, namespaces: Mapping[str, str] | None = None) -> str:
    """PREFIX lines for the project prefixes the query uses but does not declare: only those in
    use, so the query stays short and a prefix the query declares itself is left alone."""
    needed = query.scan.needed_prefixes(prefixes() if namespaces is None else namespaces)
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in needed.items())
