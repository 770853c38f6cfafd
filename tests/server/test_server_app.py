"""In-process tests of the server's logic (Starlette TestClient): negotiation rules, rendering."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from learningcity.errors import InputError
from learningcity.load import load_paths
from learningcity.rendering.iris import IriScheme
from learningcity.rendering.pages import PageRenderer, embedded_json
from learningcity.server import Limits, create_app
from learningcity.server.conneg import choose_language, choose_media_type

with warnings.catch_warnings():  # Starlette 1.x prefers httpx2, which is not a dependency
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

DATA = Path(__file__).parent / "fixtures" / "city.ttl"
CITY = "http://testserver/id/city/kr-yongsan-gu"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    app = create_app(
        load_paths(DATA), public_base="http://testserver/id/", limits=Limits(timeout=5, workers=1)
    )
    with TestClient(app) as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, "text/html"),
        ("text/turtle", "text/turtle"),
        ("text/turtle;q=0.5, application/ld+json", "application/ld+json"),
        ("text/*;q=0.9, text/turtle;q=0.1", "text/html"),
        ("application/*", "application/n-triples"),
        ("*/*;q=0.1, application/rdf+xml", "application/rdf+xml"),
        ("image/png", None),
        ("text/turtle;q=0", None),
    ],
)
def test_media_type_choice_follows_q_values_then_specificity(accept, chosen):
    offers = [
        "text/html",
        "text/turtle",
        "application/n-triples",
        "application/rdf+xml",
        "application/ld+json",
    ]
    assert choose_media_type(accept, offers) == chosen


@pytest.mark.parametrize(
    ("header", "language"),
    [(None, "en"), ("ko-KR,ko;q=0.9,en;q=0.8", "ko"), ("fr, en;q=0.5", "en"), ("de", "en")],
)
def test_language_choice(header, language):
    assert choose_language(header, ("en", "ko")) == language


def test_base_must_end_in_id():
    with pytest.raises(InputError, match="must end with '/id/'"):
        IriScheme.for_base("https://example.org/things/")


def test_resources_sharing_a_label_are_listed_in_iri_order():
    city = "https://w3id.org/learningcity/id/city/"
    turtle = "".join(
        f"<{city}c{i}> a <https://schema.org/City> ; rdfs:label 'Same' .\n" for i in range(8)
    )
    prefix = "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    graph = ox.Dataset(ox.parse((prefix + turtle).encode(), format=ox.RdfFormat.TURTLE))
    page = PageRenderer(graph, IriScheme.for_base("https://w3id.org/learningcity/id/")).index("en")
    listed = [page.index(f'/doc/city/c{i}"') for i in range(8)]
    assert -1 not in listed and listed == sorted(listed)


def test_rendering_is_a_pure_function_of_graph_resource_language_and_base():
    graph = load_paths(DATA)
    renderer = PageRenderer(graph, IriScheme.for_base("https://w3id.org/learningcity/id/"))
    city = ox.NamedNode("https://w3id.org/learningcity/id/city/kr-yongsan-gu")
    first = renderer.resource(city, "ko")
    assert first == renderer.resource(city, "ko")
    assert '<html lang="ko">' in first
    assert "용산구" in first
    # the description exists only in English: shown, and marked as a fallback
    assert 'lang="en">A district of Seoul' in first
    assert '<small class="fallback"' in first


def test_embedded_json_cannot_close_the_script_element():
    text = embedded_json(b'{"a": "</script><!--"}')
    assert "</script>" not in text
    assert "<!--" not in text


def test_html_page_shows_labels_links_incoming_and_alternates(client):
    page = client.get("/doc/city/kr-yongsan-gu?lang=en").text
    assert "<h1><span>Yongsan-gu</span></h1>" in page
    assert 'href="http://testserver/doc/person/kr-yongsan-gu-mayor"' in page
    assert "Park Hee-young" in page
    assert "Referred to by" in page and 'href="http://testserver/doc/dataset/yongsan"' in page
    assert 'href="http://testserver/doc/city/kr-yongsan-gu.ttl"' in page
    assert '<script type="application/ld+json">' in page
    assert "https://" not in page.split("static/learningcity.css")[0].replace("http://", "")


def test_lang_parameter_fixes_the_language_and_drops_vary_on_it(client):
    response = client.get("/doc/city/kr-yongsan-gu", params={"lang": "ko"})
    assert response.headers["content-language"] == "ko"
    assert "Accept-Language" not in response.headers["vary"]


def test_index_lists_resources_by_class(client):
    page = client.get("/", headers={"Accept-Language": "ko"}).text
    assert "용산구 학습도시" in page
    assert "서울 용산구의 학습도시 프로필." in page
    assert "foaf:Person" in page


def test_query_page_renders_results_as_a_table(client):
    query = f"SELECT ?name {{ <{CITY}> <http://www.w3.org/2000/01/rdf-schema#label> ?name }}"
    response = client.get("/sparql", params={"query": query, "format": "html"})
    assert response.status_code == 200
    assert "<table>" in response.text and "용산구" in response.text


def test_query_page_shows_errors_in_the_form(client):
    response = client.get("/sparql", params={"query": "SELECT ?x {", "format": "html"})
    assert response.status_code == 400
    assert 'role="alert"' in response.text


def test_static_css_is_served(client):
    response = client.get("/static/learningcity.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
