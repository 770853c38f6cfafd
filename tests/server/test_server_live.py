"""A real `learningcity serve` process, spoken to by real clients (httpx, SPARQLWrapper, rdflib,
pyld, extruct): negotiation, caching, errors, the SPARQL protocol and its timeout."""

from __future__ import annotations

import concurrent.futures
import gzip
import re
import time

import extruct
import httpx
import pyoxigraph as ox
import pytest
from pyld import jsonld
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

from learningcity.jsonld import CONTEXT_PATH
from rdfcompare import canonical
from support import REPO, SERVED_RDF_TYPES

TIMEOUT_S = 2.0  # the live server is started with --timeout 2 (conftest.py)
CITY_PATH = "id/city/kr-yongsan-gu"
DOC_PATH = "doc/city/kr-yongsan-gu"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ONTOLOGY = "https://w3id.org/learningcity/ontology"
CROSS_PRODUCT = (
    "SELECT (COUNT(*) AS ?n) { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(7)) + " }"
)


def city(live_server) -> str:
    return live_server.url(CITY_PATH)


# -- dereferencing and content negotiation ------------------------------------------------------


@pytest.mark.parametrize("media_type", sorted(SERVED_RDF_TYPES))
def test_thing_redirects_303_to_the_document_in_the_negotiated_format(
    http, live_server, media_type
):
    response = http.get(CITY_PATH, headers={"Accept": media_type})
    assert response.status_code == 303
    assert "Accept" in response.headers["vary"]
    followed = http.get(CITY_PATH, headers={"Accept": media_type}, follow_redirects=True)
    assert followed.status_code == 200
    assert followed.headers["content-type"].startswith(media_type)
    assert "Accept" in followed.headers["vary"] or "." in str(followed.url).rsplit("/", 1)[1]
    quads = list(ox.parse(followed.content, format=SERVED_RDF_TYPES[media_type]))
    assert ox.NamedNode(city(live_server)) in {q.subject for q in quads}


def test_head_answers_like_get_without_a_body(http):
    response = http.head(DOC_PATH, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    assert response.content == b""


def test_browser_gets_html_and_vary_accept(http):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = http.get(CITY_PATH, headers={"Accept": accept}, follow_redirects=True)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "Accept" in response.headers["vary"]
    assert "Accept-Language" in response.headers["vary"]


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        (DOC_PATH + ".ttl", "text/turtle"),
        (DOC_PATH + ".jsonld", "application/ld+json"),
        (DOC_PATH + ".nt", "application/n-triples"),
        (DOC_PATH + ".rdf", "application/rdf+xml"),
        (DOC_PATH + ".html", "text/html"),
        (DOC_PATH + "?format=trig", "application/trig"),
        (DOC_PATH + "?format=nquads", "application/n-quads"),
        (DOC_PATH + "?format=rdf%2Bxml", "application/rdf+xml"),  # the names clients send
        (DOC_PATH + "?format=json-ld", "application/ld+json"),
        (DOC_PATH + "?format=application/n-triples", "application/n-triples"),
        (DOC_PATH + "?format=n3", "text/turtle"),  # Turtle is N3
    ],
)
def test_extension_or_format_parameter_overrides_accept(http, path, media_type):
    response = http.get(path, headers={"Accept": "image/png"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)


def test_406_lists_what_is_offered(http):
    response = http.get(DOC_PATH, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.text and "application/ld+json" in response.text
    assert response.headers["vary"].startswith("Accept")


def test_link_headers_name_every_alternate(http, live_server):
    response = http.get(DOC_PATH, headers={"Accept": "text/turtle"})
    links = response.headers["link"]
    doc = live_server.url(DOC_PATH)
    assert f'<{doc}.jsonld>; rel="alternate"; type="application/ld+json"' in links
    assert f'<{doc}.html>; rel="alternate"; type="text/html"' in links


def test_iris_are_rewritten_to_the_server_address(http, live_server):
    turtle = http.get(DOC_PATH + ".ttl").text
    assert "w3id.org/learningcity/id/" not in turtle
    assert f"<{live_server.url('id/city/')}>" in turtle


@pytest.mark.parametrize("accept", ["text/html", "text/turtle"])
def test_unknown_iri_is_404_with_help(http, accept):
    response = http.get("id/city/kr-yongsan", headers={"Accept": accept})
    assert response.status_code == 404
    if accept == "text/html":
        assert "kr-yongsan-gu" in response.text  # a suggestion
    else:
        assert "not in the data" in response.text


# -- HTTP caching, compression, CORS ----------------------------------------------------------


def test_strong_etag_and_304_on_if_none_match(http):
    first = http.get(DOC_PATH + ".ttl")
    etag = first.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert "max-age" in first.headers["cache-control"]
    again = http.get(DOC_PATH + ".ttl", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["etag"] == etag


def test_variants_have_different_etags(http):
    tags = {
        http.get(DOC_PATH + suffix, headers={"Accept-Language": "ko"}).headers["etag"]
        for suffix in (".ttl", ".nt", ".html", "?lang=en")
    }
    assert len(tags) == 4


def test_304_on_if_modified_since_from_dcterms_modified(http):
    response = http.get(DOC_PATH + ".ttl")
    assert response.headers["last-modified"] == "Fri, 20 Nov 2026 00:00:00 GMT"
    later = http.get(
        DOC_PATH + ".ttl", headers={"If-Modified-Since": "Sat, 21 Nov 2026 00:00:00 GMT"}
    )
    assert later.status_code == 304
    earlier = http.get(
        DOC_PATH + ".ttl", headers={"If-Modified-Since": "Thu, 19 Nov 2026 00:00:00 GMT"}
    )
    assert earlier.status_code == 200


def test_gzip_with_its_own_etag(http, live_server):
    raw = httpx.get(live_server.url(DOC_PATH + ".html"), headers={"Accept-Encoding": "gzip"})
    assert raw.headers["content-encoding"] == "gzip"
    assert raw.headers["etag"].endswith('-gzip"')
    assert "Accept-Encoding" in raw.headers["vary"]
    again = http.get(
        DOC_PATH + ".html",
        headers={"Accept-Encoding": "gzip", "If-None-Match": raw.headers["etag"]},
    )
    assert again.status_code == 304
    assert gzip.compress(b"") is not None


def test_if_match_naming_no_current_representation_is_412(http):
    """If-Match was ignored on GET (RFC 9110 §13.1.1): a tag naming no current representation
    is 412, whatever the cache in front holds; `*`, the tag itself (either encoding's form) or
    a list holding it is the 200. A weak tag never matches (strong comparison), and If-Match
    is asked before If-None-Match. A 303 is answered as it is (§13.2.1)."""
    path = DOC_PATH + ".ttl"
    for _ in range(2):  # the second from the response cache (fastpath)
        plain = http.get(path)
    etag = plain.headers["etag"]
    for method in ("GET", "HEAD"):
        refused = http.request(method, path, headers={"If-Match": '"not-this-one"'})
        assert refused.status_code == 412, refused.text
        assert refused.headers["etag"] == etag and "cache-control" not in refused.headers
    assert "Turtle" not in refused.text
    for header in ("*", etag, f'"other", {etag}'):
        answered = http.get(path, headers={"If-Match": header})
        assert answered.status_code == 200 and answered.content == plain.content, header
    assert http.get(path, headers={"If-Match": "W/" + etag}).status_code == 412
    both = {"If-Match": '"not-this-one"', "If-None-Match": etag}
    assert http.get(path, headers=both).status_code == 412
    gzipped = http.get(DOC_PATH + ".html", headers={"Accept-Encoding": "gzip"})
    gzip_tag = gzipped.headers["etag"]
    assert gzip_tag.endswith('-gzip"') and gzipped.headers["content-encoding"] == "gzip"
    again = http.get(DOC_PATH + ".html", headers={"Accept-Encoding": "gzip", "If-Match": gzip_tag})
    assert again.status_code == 200 and again.content == gzipped.content
    for other in ("", "network/countries", ".well-known/void.ttl", CONTEXT_PATH, "ontology"):
        assert http.get(other, headers={"If-Match": '"x"'}).status_code == 412, other
    see_other = http.get(CITY_PATH, headers={"If-Match": '"x"', "Accept": "text/turtle"})
    assert see_other.status_code == 303


def test_if_unmodified_since_before_the_last_change_is_412(http):
    """If-Unmodified-Since (§13.1.4), asked only without If-Match: a date before the data's
    dcterms:modified is 412; one after it, or no date at all, is the 200."""
    path = DOC_PATH + ".ttl"
    assert http.get(path).headers["last-modified"] == "Fri, 20 Nov 2026 00:00:00 GMT"
    before, after = "Thu, 19 Nov 2026 00:00:00 GMT", "Fri, 20 Nov 2026 00:00:00 GMT"
    assert http.get(path, headers={"If-Unmodified-Since": before}).status_code == 412
    assert http.get(path, headers={"If-Unmodified-Since": after}).status_code == 200
    assert http.get(path, headers={"If-Unmodified-Since": "soon"}).status_code == 200
    etag = http.get(path).headers["etag"]
    matched = http.get(path, headers={"If-Unmodified-Since": before, "If-Match": etag})
    assert matched.status_code == 200


def test_cors_for_reads(http):
    response = http.get(DOC_PATH + ".jsonld", headers={"Origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "ETag" in response.headers["access-control-expose-headers"]
    preflight = http.options(
        "sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200


def test_health_void_and_service_description(http, live_server):
    health = http.get("health").json()
    assert health["status"] == "ok" and health["triples"] > 10
    void = http.get(".well-known/void", headers={"Accept": "text/turtle"})
    assert void.status_code == 200
    graph = ox.Dataset(ox.parse(void.content, format=ox.RdfFormat.TURTLE))
    endpoint = ox.NamedNode(live_server.url("sparql"))
    assert any(q.object == endpoint for q in graph)
    description = http.get("sparql", headers={"Accept": "text/turtle"})
    assert "sparql-service-description" in description.text


# -- JSON-LD readers ----------------------------------------------------------------------------


def test_pyld_reads_the_json_ld(http, live_server):
    document = http.get(DOC_PATH, headers={"Accept": "application/ld+json"}).json()
    expanded = jsonld.expand(document)
    node = next(n for n in expanded if n["@id"] == city(live_server))
    assert {"@value": "용산구", "@language": "ko"} in node[LABEL]


def test_extruct_reads_the_embedded_json_ld(http, live_server):
    response = http.get(DOC_PATH, headers={"Accept": "text/html"})
    data = extruct.extract(response.text, base_url=str(response.url), syntaxes=["json-ld"])
    ids = {
        node.get("@id")
        for block in data["json-ld"]
        for node in (block if isinstance(block, list) else [block])
    }
    assert city(live_server) in ids


# -- SPARQL protocol ----------------------------------------------------------------------------


def test_sparqlwrapper_select_ask_construct(live_server):
    endpoint = SPARQLWrapper(live_server.url("sparql"))
    endpoint.setQuery(f"SELECT ?label WHERE {{ <{city(live_server)}> <{LABEL}> ?label }}")
    endpoint.setReturnFormat(JSON)
    rows = endpoint.query().convert()["results"]["bindings"]
    assert {r["label"]["value"] for r in rows} == {"Yongsan-gu", "용산구"}

    endpoint.setQuery(f"ASK {{ <{city(live_server)}> a ?type }}")
    assert endpoint.query().convert()["boolean"] is True

    endpoint.setQuery(
        f"CONSTRUCT {{ ?c <{LABEL}> ?o }} "
        f"WHERE {{ BIND(<{city(live_server)}> AS ?c) ?c <{LABEL}> ?o }}"
    )
    endpoint.setReturnFormat(TURTLE)
    graph = Graph().parse(data=endpoint.query().convert(), format="turtle")
    assert (URIRef(city(live_server)), URIRef(LABEL), None) in graph


def test_rdflib_sparqlstore_uses_the_endpoint(live_server):
    graph = Graph(store=SPARQLStore(live_server.url("sparql")))
    labels = {str(o) for o in graph.objects(URIRef(city(live_server)), URIRef(LABEL))}
    assert labels == {"Yongsan-gu", "용산구"}
    rows = list(graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s a ?type }"))
    assert int(rows[0][0]) == 5


@pytest.mark.parametrize(
    ("accept", "media_type", "marker"),
    [
        ("application/sparql-results+json", "application/sparql-results+json", '"bindings"'),
        ("application/sparql-results+xml", "application/sparql-results+xml", "<sparql"),
        ("text/csv", "text/csv", "type\r\n"),
        ("text/tab-separated-values", "text/tab-separated-values", "?type\n"),
    ],
)
def test_result_formats_by_accept(http, accept, media_type, marker):
    response = http.get(
        "sparql",
        params={"query": "SELECT DISTINCT ?type { ?s a ?type }"},
        headers={"Accept": accept},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert marker in response.text


def test_post_form_and_post_direct(http):
    query = "ASK { ?s ?p ?o }"
    form = http.post(
        "sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    direct = http.post(
        "sparql",
        content=query,
        headers={
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json",
        },
    )
    assert form.json()["boolean"] is True
    assert direct.json()["boolean"] is True


def test_describe_as_json_ld(http, live_server):
    response = http.get(
        "sparql",
        params={"query": f"DESCRIBE <{city(live_server)}>"},
        headers={"Accept": "application/ld+json"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("INSERT DATA { <a:b> <a:c> <a:d> }", 400, "read-only"),
        ("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", 400, "SERVICE"),
        ("SELECT ?x WHERE { ?x ?y }", 400, "query:1:"),
    ],
)
def test_refused_and_malformed_queries_are_400_with_a_message(http, query, status, message):
    response = http.get("sparql", params={"query": query})
    assert response.status_code == status
    assert message in response.text


def test_request_size_cap_is_413(http):
    response = http.post(
        "sparql",
        content="ASK {} #" + "x" * 70_000,
        headers={"Content-Type": "application/sparql-query"},
    )
    assert response.status_code == 413


def test_row_cap_truncates_and_says_so(http):
    response = http.get(
        "sparql",
        params={"query": "SELECT * { ?s ?p ?o }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert len(response.json()["results"]["bindings"]) == 5
    assert response.headers["x-sparql-maxrows"] == "5"


def test_timeout_stops_the_query_and_the_server_keeps_serving(live_server):
    def pathological() -> tuple[int, float, str]:
        start = time.monotonic()
        response = httpx.get(live_server.url("sparql"), params={"query": CROSS_PRODUCT}, timeout=30)
        return response.status_code, time.monotonic() - start, response.text

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        slow = pool.submit(pathological)
        time.sleep(0.3)
        start = time.monotonic()
        quick = httpx.get(
            live_server.url("sparql"), params={"query": "ASK { ?s ?p ?o }"}, timeout=10
        )
        quick_seconds = time.monotonic() - start
        status, seconds, text = slow.result(timeout=30)
    assert quick.status_code == 200 and quick_seconds < 1.0
    assert status == 503 and "stopped" in text
    assert TIMEOUT_S <= seconds < TIMEOUT_S + 2
    # the killed worker was replaced: the pool is whole again and answers
    deadline = time.monotonic() + 5
    while httpx.get(live_server.url("health")).json()["query_workers"] != 2:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    after = httpx.get(live_server.url("sparql"), params={"query": "ASK { ?s ?p ?o }"})
    assert after.status_code == 200


# -- the vocabulary and Content-Location ------------------------------------------------------
#: The ontology as served: its terms and their alignments to other vocabularies.
VOCABULARY_FILES = ("ontology/learningcity.ttl", "ontology/learningcity-alignments.ttl")


@pytest.mark.parametrize(
    ("path", "bundled"),
    [
        ("ontology", VOCABULARY_FILES),
        ("ontology/0.1.0", VOCABULARY_FILES),
        ("shapes", ("shapes/learningcity.shapes.ttl",)),
    ],
)
def test_the_vocabulary_and_the_shapes_are_served_at_their_iris_paths(
    http, live_server, path, bundled
):
    """c227e75 answered 404 for /ontology and /shapes, which docs/iri-scheme.md says are served:
    the bundled files, the data's IRIs in them under this server's base."""
    base, here = "https://w3id.org/learningcity/id/", live_server.url("id/")

    def moved(term):
        if isinstance(term, ox.NamedNode) and term.value.startswith(base):
            return ox.NamedNode(here + term.value[len(base) :])
        return term

    bundled_quads = [
        quad
        for file in bundled
        for quad in ox.parse(path=str(REPO / file), format=ox.RdfFormat.TURTLE)
    ]
    expected = canonical(ox.Quad(*(moved(t) for t in q)) for q in bundled_quads)
    for media_type, syntax in SERVED_RDF_TYPES.items():
        response = http.get(path, headers={"Accept": media_type})
        assert response.status_code == 200, (path, media_type)
        assert canonical(ox.parse(response.content, format=syntax)) == expected
    page = http.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.text.count("<article") > 10


def test_the_policy_area_scheme_and_its_areas_are_served(http):
    scheme = http.get("policy-area/", headers={"Accept": "text/turtle"})
    assert scheme.status_code == 200
    quads = list(ox.parse(scheme.content, format=ox.RdfFormat.TURTLE))
    areas = {q.subject.value for q in quads} | {q.object.value for q in quads}
    area = "https://w3id.org/learningcity/policy-area/equity-and-inclusion"
    assert "https://w3id.org/learningcity/policy-area/" in areas
    response = http.get("policy-area/equity-and-inclusion", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert area in response.text
    assert http.get("policy-area/nowhere").status_code == 404


@pytest.mark.parametrize("path", [DOC_PATH, "ontology", "policy-area/equity-and-inclusion"])
def test_a_negotiated_answer_names_its_representation_in_content_location(http, path):
    """docs/iri-scheme.md says a negotiated document names the representation it sent in
    Content-Location; c227e75 never sent it. Following it gives the same bytes."""
    wanted = [*({"Accept": m} for m in SERVED_RDF_TYPES), {"Accept": "text/html"}]
    wanted.append({"Accept": "text/html", "Accept-Language": "ko"})
    for headers in wanted:
        response = http.get(path, headers=headers)
        location = response.headers["content-location"]
        assert location.startswith(f"/{path}.")
        named = http.get(location, headers={"Accept-Language": "en"})
        assert named.status_code == 200
        assert named.content == response.content, (headers, location)


def test_a_page_links_the_vocabulary_to_the_copy_this_server_serves(http, live_server):
    """A city's page links its class (`lc:LearningCity`) and its policy areas to the documents
    under this server's root, which answer, not to w3id.org."""
    page = http.get(DOC_PATH, headers={"Accept": "text/html"}).text
    links = set(re.findall(r'href="([^"]+)"', page))
    vocabulary = {link for link in links if "/ontology#" in link or "/policy-area/" in link}
    assert live_server.url("ontology#LearningCity") in vocabulary
    assert vocabulary and all(link.startswith(live_server.root) for link in vocabulary)
    for link in vocabulary:
        assert http.get(link.split("#", 1)[0]).status_code == 200, link


@pytest.mark.parametrize("path", [DOC_PATH, "ontology", "policy-area/"])
def test_every_alternate_a_document_lists_answers_with_its_type(http, path):
    """The Link header's alternates all answer, with the media type they list; a folder IRI's
    (`policy-area/`) are its index's (`policy-area/index.ttl`), as the static site names them."""
    link = http.get(path, headers={"Accept": "text/turtle"}).headers["link"]
    alternates = re.findall(r'<([^>]+)>; rel="alternate"; type="([^"]+)"', link)
    assert len(alternates) == 1 + len(SERVED_RDF_TYPES)
    for href, media_type in alternates:
        response = http.get(href)
        assert response.status_code == 200, href
        assert response.headers["content-type"].split(";")[0] == media_type, href


def test_the_ontology_document_names_the_data_as_the_sparql_endpoint_does(http, live_server):
    """The data's IRIs in the vocabulary (its creator, `organization:learningcity`) are moved
    under this server's base in /ontology as in /sparql's ontology graph: one answer (the
    fixture server caps answers at 5 rows, so one statement is compared)."""
    creator = "http://purl.org/dc/terms/creator"
    query = f"SELECT ?who WHERE {{ GRAPH <{ONTOLOGY}> {{ <{ONTOLOGY}> <{creator}> ?who }} }}"
    rows = http.get(
        "sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}
    ).json()["results"]["bindings"]
    document = ox.parse(http.get("ontology.nt").content, format=ox.RdfFormat.N_TRIPLES)
    said = {
        q.object.value
        for q in document
        if q.subject.value == ONTOLOGY and q.predicate.value == creator
    }
    assert (
        {row["who"]["value"] for row in rows}
        == said
        == {live_server.url("id/organization/learningcity")}
    )
