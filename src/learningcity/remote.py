"""Upload data to a SPARQL server through the SPARQL 1.1 Graph Store HTTP Protocol.

Why one PUT: the protocol's PUT replaces a named graph with the request body in one operation,
so a reader of the server sees the old graph or the new one, never a half-uploaded or doubled
one (Oxigraph and Apache Jena Fuseki apply a PUT in one transaction). Pushing the same data
twice therefore leaves the same graph. The graph is named by the dataset the data describes
(its `dcat:Dataset`) unless the caller names one. Only the standard library speaks HTTP here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from learningcity.errors import InputError, LearningCityError, OutputError
from learningcity.namespaces import STANDARD_PREFIXES

N_TRIPLES = "application/n-triples"
RDF_TYPE = ox.NamedNode(STANDARD_PREFIXES["rdf"] + "type")
DCAT_DATASET = ox.NamedNode(STANDARD_PREFIXES["dcat"] + "Dataset")


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
    from urllib.parse import quote

    separator = "&" if "?" in store_url else "?"
    return f"{store_url}{separator}graph={quote(graph, safe='')}"


def push(
    quads: Iterable[ox.Quad], store_url: str, graph: str | None = None, *, timeout: float = 120.0
) -> Pushed:
    """Replace the named graph `graph` (default: the data's dataset IRI) of the Graph Store at
    `store_url` with the statements, all of them as triples of that one graph.

    A URL that is not http(s) or a server that cannot be reached raises `InputError` (exit 2);
    a server that answers with an error status raises `OutputError` (exit 3): nothing was
    replaced. Both are one line naming the request.
    """
    if not re.match(r"^https?://", store_url):
        raise InputError(f"--to {store_url}: give an http:// or https:// URL")
    statements = list(quads)
    graph = graph or dataset_iri(statements)
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$", graph):
        raise InputError(f"--graph {graph}: not an absolute IRI")
    triples = {q.triple for q in statements}
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    target = graph_url(store_url, graph)
    status = _put(target, body, timeout)
    return Pushed(graph, len(triples), status)


def _put(url: str, body: bytes, timeout: float) -> int:
    headers = {"Content-Type": N_TRIPLES}
    return send(url, "PUT", body, headers, timeout=timeout, refused=OutputError).status


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    media_type: str
    body: bytes


def send(
    url: str,
    method: str,
    body: bytes,
    headers: dict[str, str],
    *,
    timeout: float,
    refused: type[LearningCityError] = InputError,
) -> HttpAnswer:
    """One HTTP request with the standard library, for every talk with a remote SPARQL server.

    Failures become one line naming the request: a server that cannot be reached is bad input;
    an error status or no answer in time raises `refused`, since whether that means bad input
    (a query) or a failed write (a push) is the caller's to say.
    """
    # Imported here, not at the top: urllib.request costs every command ~20 ms of start-up.
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        url, data=body, headers={**headers, "User-Agent": "learningcity"}, method=method
    )
    where = f"{method} {url}"
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return HttpAnswer(
                int(response.status), response.headers.get_content_type(), response.read()
            )
    except urllib.error.HTTPError as error:
        detail = " ".join(error.read(300).decode("utf-8", "replace").split())
        raise refused(
            f"{where}: HTTP {error.code} {error.reason}" + (f": {detail}" if detail else "")
        ) from None
    except urllib.error.URLError as error:
        raise InputError(f"{where}: cannot connect ({error.reason})") from None
    except TimeoutError:
        raise refused(f"{where}: no answer within {timeout:g} s") from None


def fetch_graph(
    endpoint_url: str, graph: str | None = None, *, timeout: float = 300.0
) -> ox.Dataset:
    """Every triple of the endpoint's default graph, or of the named graph `graph`, read with one
    CONSTRUCT through the SPARQL 1.1 Protocol: what `serve --endpoint` serves.

    One copy at start-up, because the server renders pages and answers SPARQL from its own
    in-memory indexes (timeouts, row limits, ETags from the data's hash) whatever holds the data.
    """
    from learningcity.query import query_remote

    where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    result = query_remote(
        endpoint_url, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}", timeout=timeout
    )
    assert isinstance(result.result, list)
    return ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in result.result)
