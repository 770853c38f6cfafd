"""The query operation of the SPARQL 1.1 Protocol in full, on a real `learningcity serve` whose
data has a default graph and two named graphs: `default-graph-uri` and `named-graph-uri` over
GET, POST form and POST direct (httpx, SPARQLWrapper, rdflib's SPARQLStore), combined with
FROM / FROM NAMED as the protocol says, kept apart in the result cache; update parameters
refused; every `format=` name clients send; and a service description that says what the
endpoint does."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from learningcity.formats import RESULTS_FORMATS, W3C_FORMATS
from learningcity.rendering.representations import SERVED_SYNTAXES
from processes import serving

EX = "http://example.org/"
G1, G2, MISSING = EX + "g1", EX + "g2", EX + "not-in-the-dataset"
DATA = f"""
@prefix ex: <{EX}> .
ex:d ex:in "default" .
<{G1}> {{ ex:a ex:in "g1" . }}
<{G2}> {{ ex:b ex:in "g2" . ex:c ex:in "g2" . }}
"""
VALUES = f"SELECT DISTINCT ?v WHERE {{ ?s <{EX}in> ?v }}"
GRAPHS = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s <{EX}in> ?v }} }}"
SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
VOID_TRIPLES = "http://rdfs.org/ns/void#triples"
JSON_RESULTS = "application/sparql-results+json"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("dataset")
    data = folder / "graphs.trig"
    data.write_text(DATA, encoding="utf-8")
    with serving(str(data), "--workers", "1", log=folder / "serve.log") as url:
        yield url


def ask(
    root: str, method: str, query: str, params: list[tuple[str, str]], accept: str = JSON_RESULTS
) -> httpx.Response:
    """The query with `params` sent the way `method` names: GET, a form POST (everything in
    the body) or a direct POST (the query as the body, the parameters in the URL)."""
    url = root + "sparql"
    headers = {"Accept": accept}
    if method == "GET":
        return httpx.get(url, params=[("query", query), *params], headers=headers)
    if method == "POST form":
        return httpx.post(url, data={"query": query, **_multi(params)}, headers=headers)
    headers["Content-Type"] = "application/sparql-query"
    return httpx.post(url, params=params, content=query.encode(), headers=headers)


def _multi(params: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in params:
        grouped.setdefault(name, []).append(value)
    return grouped


def values(response: httpx.Response, variable: str = "v") -> set[str]:
    assert response.status_code == 200, response.text
    return {row[variable]["value"] for row in response.json()["results"]["bindings"]}


METHODS = ["GET", "POST form", "POST direct"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    ("query", "params", "expected"),
    [
        (VALUES, [], {"default"}),  # the store's default graph: not the union of the others
        (VALUES, [("default-graph-uri", G1)], {"g1"}),
        (VALUES, [("default-graph-uri", G1), ("default-graph-uri", G2)], {"g1", "g2"}),
        (VALUES, [("named-graph-uri", G1)], set()),  # a default graph of nothing is empty
        (GRAPHS, [], {G1, G2}),
        (GRAPHS, [("named-graph-uri", G2)], {G2}),
        (GRAPHS, [("default-graph-uri", G1)], set()),  # no named-graph-uri: no named graphs
        (VALUES, [("default-graph-uri", MISSING)], set()),  # a graph not held is empty
        (GRAPHS, [("named-graph-uri", MISSING)], set()),
    ],
)
def test_dataset_parameters_pick_graphs_of_the_served_dataset(
    root: str, method: str, query: str, params: list[tuple[str, str]], expected: set[str]
) -> None:
    variable = "g" if query is GRAPHS else "v"
    assert values(ask(root, method, query, params), variable) == expected


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    ("query", "params", "expected"),
    [
        (f"SELECT ?v FROM <{G2}> WHERE {{ ?s <{EX}in> ?v }}", [], {"g2"}),
        (f"SELECT ?v FROM <{G2}> WHERE {{ ?s <{EX}in> ?v }}", [("default-graph-uri", G1)], {"g1"}),
        (
            f"SELECT ?v FROM NAMED <{G1}> WHERE {{ GRAPH ?g {{ ?s <{EX}in> ?v }} }}",
            [("named-graph-uri", G2)],
            {"g2"},
        ),
        # either parameter replaces the query's whole dataset, FROM NAMED included
        (
            f"SELECT ?v FROM NAMED <{G1}> WHERE {{ GRAPH ?g {{ ?s <{EX}in> ?v }} }}",
            [("default-graph-uri", G2)],
            set(),
        ),
    ],
)
def test_protocol_dataset_overrides_from_and_from_named(
    root: str, method: str, query: str, params: list[tuple[str, str]], expected: set[str]
) -> None:
    assert values(ask(root, method, query, params)) == expected


@pytest.mark.parametrize("method", ["GET", "POST form"])
def test_the_result_cache_keeps_answers_of_different_datasets_apart(root: str, method: str) -> None:
    query = VALUES + " # cache " + method
    for _ in range(2):  # the second round is answered from the caches
        assert values(ask(root, method, query, [("default-graph-uri", G1)])) == {"g1"}
        assert values(ask(root, method, query, [("default-graph-uri", G2)])) == {"g2"}
        assert values(ask(root, method, query, [("named-graph-uri", G2)])) == set()
        assert values(ask(root, method, query, [])) == {"default"}


@pytest.mark.parametrize("name", ["default-graph-uri", "named-graph-uri"])
@pytest.mark.parametrize("value", ["", "g1", "not an iri", "http://a b/", "http://x/%zz", "<a:b>"])
@pytest.mark.parametrize("method", METHODS)
def test_a_graph_that_is_not_an_iri_is_400_in_one_line(
    root: str, method: str, name: str, value: str
) -> None:
    response = ask(root, method, "ASK {}", [(name, value)], accept="text/plain")
    assert response.status_code == 400
    assert response.text.count("\n") == 0
    assert response.text.startswith(f"{name}=") and "not an absolute IRI" in response.text


@pytest.mark.parametrize(
    ("params", "body", "content_type"),
    [
        ({"update": "CLEAR ALL"}, None, None),
        ({"query": "ASK {}", "using-graph-uri": G1}, None, None),
        ({"query": "ASK {}", "using-named-graph-uri": G1}, None, None),
        ({}, b"update=CLEAR%20ALL", "application/x-www-form-urlencoded"),
        ({}, b"CLEAR ALL", "application/sparql-update"),
    ],
)
def test_update_operations_are_refused_in_one_line(
    root: str, params: dict[str, str], body: bytes | None, content_type: str | None
) -> None:
    headers = {"Accept": "text/plain", **({"Content-Type": content_type} if content_type else {})}
    method = "POST" if body is not None else "GET"
    response = httpx.request(method, root + "sparql", params=params, content=body, headers=headers)
    assert response.status_code == 400
    assert response.text.count("\n") == 0 and "read-only" in response.text


def test_a_body_in_another_charset_is_refused(root: str) -> None:
    response = httpx.post(
        root + "sparql",
        content="ASK {}".encode("utf-16"),
        headers={"Content-Type": "application/sparql-query; charset=UTF-16"},
    )
    assert response.status_code == 415
    assert response.text == "charset=UTF-16: send the request body as UTF-8"


@pytest.mark.parametrize(
    ("method", "url", "body", "content_type", "where"),
    [
        ("GET", "sparql?query=ASK%7B%3Fs%3Fp%22caf%E9%22%7D", None, None, "the URL's query"),
        ("POST", "sparql", b"query=ASK%7B%3Fs%3Fp%22caf%E9%22%7D", "form", "the form"),
        ("POST", "sparql", 'ASK{?s ?p "caf\u00e9"}'.encode("latin-1"), "query", "the query"),
    ],
)
def test_bytes_that_are_not_utf8_are_refused_not_replaced(
    root: str, method: str, url: str, body: bytes | None, content_type: str | None, where: str
) -> None:
    """Read with U+FFFD for the Latin-1 `é`, the query would run and answer another question."""
    types = {"form": "application/x-www-form-urlencoded", "query": "application/sparql-query"}
    headers = {"Content-Type": types[content_type]} if content_type else {}
    response = httpx.request(method, root + url, content=body, headers=headers)
    assert response.status_code == 400
    assert response.text.startswith(where) and "not UTF-8" in response.text
    assert response.text.count("\n") == 0


def test_a_byte_order_mark_before_a_direct_query_is_read_past(root: str) -> None:
    response = httpx.post(
        root + "sparql",
        content=b"\xef\xbb\xbf" + VALUES.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": JSON_RESULTS},
    )
    assert values(response) == {"default"}


# -- format= -----------------------------------------------------------------------------------

SELECT_NAMES = {
    "json": JSON_RESULTS,
    "srj": JSON_RESULTS,
    "sparql-results+json": JSON_RESULTS,
    "application/sparql-results+json": JSON_RESULTS,
    "application/json": JSON_RESULTS,
    "xml": "application/sparql-results+xml",
    "srx": "application/sparql-results+xml",
    "application/sparql-results+xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "text/csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "tab-separated-values": "text/tab-separated-values",
    "html": "text/html",
}
GRAPH_NAMES = {
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "text/turtle": "text/turtle",
    "n3": "text/turtle",  # Turtle is N3
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "n-triples": "application/n-triples",
    "nquads": "application/n-quads",
    "nq": "application/n-quads",
    "trig": "application/trig",
    "xml": "application/rdf+xml",
    "rdf": "application/rdf+xml",
    "rdfxml": "application/rdf+xml",
    "rdf+xml": "application/rdf+xml",
    "application/rdf+xml": "application/rdf+xml",
    "json": "application/ld+json",
    "json-ld": "application/ld+json",
    "jsonld": "application/ld+json",
    "ld+json": "application/ld+json",
    "application/ld+json": "application/ld+json",
    "html": "text/html",
}
CONSTRUCT = f"CONSTRUCT {{ ?s <{EX}in> ?v }} WHERE {{ ?s <{EX}in> ?v }}"


@pytest.mark.parametrize(("name", "media_type"), SELECT_NAMES.items())
def test_format_names_for_select(root: str, name: str, media_type: str) -> None:
    response = httpx.get(root + "sparql", params={"query": VALUES, "format": name})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type


@pytest.mark.parametrize(("name", "media_type"), GRAPH_NAMES.items())
def test_format_names_for_construct(root: str, name: str, media_type: str) -> None:
    response = httpx.get(root + "sparql", params={"query": CONSTRUCT, "format": name.upper()})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type


def test_the_first_format_value_that_names_a_format_wins(root: str) -> None:
    """SPARQLWrapper repeats its choice as media types, sometimes a list of them."""
    params = [
        ("query", CONSTRUCT),
        ("format", "x-unknown"),
        ("format", "application/x-json+ld,application/ld+json"),
        ("output", "turtle"),
    ]
    response = httpx.get(root + "sparql", params=params)
    assert response.headers["content-type"].startswith("application/ld+json")


@pytest.mark.parametrize(
    ("query", "listed"),
    [(VALUES, "json, xml, csv, tsv, html"), (CONSTRUCT, "turtle, nt, nquads, trig, xml, jsonld")],
)
def test_an_unknown_format_is_400_listing_the_names(root: str, query: str, listed: str) -> None:
    response = httpx.get(root + "sparql", params={"query": query, "format": "yaml\x1b[2J"})
    assert response.status_code == 400
    assert response.text.count("\n") == 0 and "\x1b" not in response.text
    assert response.text.startswith("format=yaml\\x1b[2J: ") and listed in response.text


# -- real clients ------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(
    ("return_format", "media_type"),
    [
        (JSON, JSON_RESULTS),
        (XML, "application/sparql-results+xml"),
        (CSV, "text/csv"),
        (TSV, "text/tab-separated-values"),
    ],
)
def test_sparqlwrapper_select_with_dataset_and_format(
    root: str, method: str, return_format: str, media_type: str
) -> None:
    endpoint = SPARQLWrapper(root + "sparql")
    endpoint.setMethod(method)
    endpoint.addParameter("default-graph-uri", G2)
    endpoint.setQuery(VALUES)
    endpoint.setReturnFormat(return_format)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # SPARQLWrapper warns when the answer is not what it asked
        result = endpoint.query()
        assert result.info()["content-type"].startswith(media_type)
        converted = result.convert()
    if return_format == JSON:
        assert [r["v"]["value"] for r in converted["results"]["bindings"]] == ["g2"]
    elif return_format == XML:
        assert [n.firstChild.data for n in converted.getElementsByTagName("literal")] == ["g2"]
    else:
        assert converted.split()[-1].strip(b'"') == b"g2"


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(
    ("return_format", "media_type"),
    [
        (RDFXML, "application/rdf+xml"),
        (XML, "application/rdf+xml"),
        (TURTLE, "text/turtle"),
        (N3, "text/turtle"),
        (JSONLD, "application/ld+json"),
    ],
)
def test_sparqlwrapper_construct_with_dataset_and_format(
    root: str, method: str, return_format: str, media_type: str
) -> None:
    endpoint = SPARQLWrapper(root + "sparql")
    endpoint.setMethod(method)
    endpoint.addParameter("named-graph-uri", G1)
    endpoint.addParameter("default-graph-uri", G1)
    endpoint.setQuery(CONSTRUCT)
    endpoint.setReturnFormat(return_format)  # (its RDF and JSON send Accept */*, and warn)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = endpoint.query()
        assert result.info()["content-type"].startswith(media_type)
        body = result.response.read()
    syntax = {"application/rdf+xml": "xml", "text/turtle": "turtle"}.get(media_type, "json-ld")
    graph = Graph().parse(data=body, format=syntax)
    assert {str(o) for o in graph.objects()} == {"g1"}


# -- the service description -------------------------------------------------------------------


def _description(root: str) -> ox.Store:
    response = httpx.get(root + "sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    store = ox.Store()
    store.load(response.content, format=ox.RdfFormat.TURTLE)
    return store


def test_the_service_description_lists_the_graphs_as_they_are(root: str) -> None:
    """Every graph /sparql answers over is listed with its size (the data's and those the
    server adds, the vocabulary's), and nothing else."""
    store = _description(root)
    named = {
        row["name"].value: int(row["n"].value)
        for row in store.query(
            f"SELECT ?name ?n {{ ?d <{SD}namedGraph> [ <{SD}name> ?name ; "
            f"<{SD}graph> [ <{VOID_TRIPLES}> ?n ] ] }}"
        )
    }
    assert named[G1] == 1 and named[G2] == 2
    every = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert set(named) == values(ask(root, "GET", every, []), "g")
    count = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    for name, size in named.items():
        counted = ask(root, "GET", count, [("default-graph-uri", name)])
        assert values(counted, "n") == {str(size)}
    default = store.query(f"SELECT ?n {{ ?d <{SD}defaultGraph> [ <{VOID_TRIPLES}> ?n ] }}")
    assert [int(row["n"].value) for row in default] == [1]
    assert values(ask(root, "GET", count, []), "n") == {"1"}


def test_the_service_description_claims_nothing_the_endpoint_does_not_do(root: str) -> None:
    store = _description(root)
    service = f"?s a <{SD}Service>"
    languages = {
        r["l"].value for r in store.query(f"SELECT ?l {{ {service} ; <{SD}supportedLanguage> ?l }}")
    }
    assert languages == {SD + "SPARQL11Query"}  # no SPARQL11Update: updates are refused
    assert not list(store.query(f"SELECT ?f {{ {service} ; <{SD}feature> ?f }}"))
    # sd:UnionDefaultGraph is not claimed, and indeed the default graph is not the union
    assert values(ask(root, "GET", VALUES, [])) == {"default"}


def test_every_result_format_described_is_answered(root: str) -> None:
    store = _description(root)
    described = {
        r["f"].value
        for r in store.query(f"SELECT ?f {{ ?s a <{SD}Service> ; <{SD}resultFormat> ?f }}")
    }
    answered = {W3C_FORMATS + f.w3c: (VALUES, f.media_type) for f in RESULTS_FORMATS}
    answered |= {W3C_FORMATS + s.w3c: (CONSTRUCT, s.media_type) for s in SERVED_SYNTAXES}
    assert described == set(answered)
    for query, media_type in answered.values():
        response = ask(root, "GET", query, [("default-graph-uri", G2)], accept=media_type)
        assert response.status_code == 200
        assert response.headers["content-type"].split(";")[0] == media_type


@pytest.mark.parametrize(("graph", "expected"), [(G1, {"g1"}), (G2, {"g2"})])
def test_rdflib_sparqlstore_reads_one_named_graph_as_its_graph(
    root: str, graph: str, expected: set[str]
) -> None:
    """rdflib sends `default-graph-uri` for a graph with an IRI, in triples() and query()."""
    store = SPARQLStore(root + "sparql")
    named = Graph(store=store, identifier=URIRef(graph))
    assert {str(o) for o in named.objects(None, URIRef(EX + "in"))} == expected
    assert {str(row[0]) for row in named.query(VALUES)} == expected
