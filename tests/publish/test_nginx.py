"""Debian's nginx serves a published site with the GENERATED configuration, on 127.0.0.1, and
answers as the live server (`learningcity serve`) does: 303 from a thing to its document in the
asked-for format, Vary on negotiated answers, the right Content-Type, 406 when nothing fits
(the server and its configuration: conftest.py, `nginx`). `learningcity preview` is held to
every one of these answers too (`host`).
"""

from __future__ import annotations

import httpx
import pyoxigraph as ox
import pytest

from learningcity.rendering.representations import REPRESENTATIONS

CITY = "city/kr-yongsan-gu"
PRACTICE = "practice/kr-yongsan-gu.talent-sharing-project"  # a key with a dot in it
RDF = [r for r in REPRESENTATIONS if r.syntax is not None]


@pytest.fixture(params=["nginx", "preview"])
def host(request: pytest.FixtureRequest) -> httpx.Client:
    """Each test asks nginx with the generated configuration, then `learningcity preview`:
    the preview is documented to answer as the deployed site, so it is held to the same."""
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize("representation", RDF, ids=lambda r: r.name)
def test_a_thing_redirects_to_its_document_in_the_asked_format(host, representation):
    response = host.get(f"/id/{CITY}", headers={"Accept": representation.media_type})
    assert response.status_code == 303
    assert response.headers["location"] == f"/doc/{CITY}.{representation.extension}"
    assert "Accept" in response.headers["vary"]


def test_a_browser_is_redirected_to_the_html_document(host):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = host.get(f"/id/{PRACTICE}", headers={"Accept": accept})
    assert response.status_code == 303
    assert response.headers["location"] == f"/doc/{PRACTICE}"
    assert response.headers["vary"] == "Accept"


def test_a_thing_with_an_extension_redirects_without_negotiation(host):
    response = host.get(f"/id/{CITY}.ttl", headers={"Accept": "text/html"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/doc/{CITY}.ttl"


@pytest.mark.parametrize("representation", RDF, ids=lambda r: r.name)
def test_a_document_negotiates_its_representation(host, representation):
    response = host.get(f"/doc/{CITY}", headers={"Accept": representation.media_type})
    assert response.status_code == 200
    assert response.headers["content-type"] == representation.content_type
    assert "Accept" in response.headers["vary"]
    assert 'rel="alternate"' in response.headers["link"]
    assert response.headers["content-location"] == f"/doc/{CITY}.{representation.extension}"
    quads = list(ox.parse(response.content, format=representation.syntax.oxigraph))
    assert any(q.subject.value.endswith(f"/id/{CITY}") for q in quads)


def test_following_the_redirect_gives_turtle_about_the_thing(host):
    response = host.get(f"/id/{CITY}", headers={"Accept": "text/turtle"}, follow_redirects=True)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    assert response.history[0].status_code == 303


def test_html_by_accept_language(host):
    english = host.get(f"/doc/{CITY}", headers={"Accept": "text/html"})
    korean = host.get(f"/doc/{CITY}", headers={"Accept": "text/html", "Accept-Language": "ko-KR"})
    assert english.headers["content-type"] == "text/html; charset=utf-8"
    assert '<html lang="en">' in english.text and english.headers["content-language"] == "en"
    assert '<html lang="ko">' in korean.text and korean.headers["content-language"] == "ko"
    assert english.headers["content-location"] == f"/doc/{CITY}.html"
    assert korean.headers["content-location"] == f"/doc/{CITY}.ko.html"
    assert "Accept-Language" in korean.headers["vary"]


def test_nothing_acceptable_is_406_and_unknown_is_404(host):
    assert host.get(f"/id/{CITY}", headers={"Accept": "image/png"}).status_code == 406
    assert host.get(f"/doc/{CITY}", headers={"Accept": "image/png"}).status_code == 406
    assert host.get("/id/city/nowhere", headers={"Accept": "text/turtle"}).status_code == 404


def test_explicit_files_the_vocabulary_and_the_description(host):
    jsonld = host.get(f"/doc/{CITY}.jsonld")
    assert jsonld.headers["content-type"] == "application/ld+json; charset=utf-8"
    vocabulary = host.get("/ontology", headers={"Accept": "text/turtle"})
    assert vocabulary.headers["content-type"] == "text/turtle; charset=utf-8"
    assert host.get("/ontology", headers={"Accept": "text/html"}).text.count("<article") > 10
    void = host.get("/.well-known/void", headers={"Accept": "application/n-triples"})
    assert void.headers["content-type"] == "application/n-triples; charset=utf-8"
    assert void.headers["content-location"] == "/.well-known/void.nt"
    assert vocabulary.headers["content-location"] == "/ontology.ttl"
    assert host.get("/").headers["content-type"] == "text/html; charset=utf-8"
    dump = host.get("/dump/data.ttl.gz")
    assert dump.headers["content-type"] == "application/gzip"
    assert host.get("/sitemap.xml").status_code == 200
    assert host.get(f"/doc/{CITY}").headers["access-control-allow-origin"] == "*"


def test_a_thing_with_an_extension_not_in_the_data_is_404_and_nothing_reaches_a_header(
    host, request: pytest.FixtureRequest
):
    """nginx decodes the path before the location's regex captures it: an unknown thing with
    an extension was redirected with its decoded path, so a %0d put a bare CR in Location.
    (`preview` refuses a path with a control character outright: 400.)"""
    response = host.get("/id/city/x%0dSet-Cookie:%20a=b.ttl", headers={"Accept": "text/html"})
    refused = request.node.callspec.params["host"] == "preview"
    assert response.status_code == (400 if refused else 404)
    assert "set-cookie" not in response.headers and "location" not in response.headers
    assert host.get("/id/city/nowhere.ttl").status_code == 404


@pytest.mark.parametrize("representation", RDF, ids=lambda r: r.name)
def test_a_folder_iri_is_served_from_its_index_files(host, representation):
    """The policy-area scheme `policy-area/` is a folder IRI: its documents are its index's
    files, typed like any other (c227e75 wrote `policy-area/.ttl`, a dot file nginx served as
    application/octet-stream), and named in Content-Location."""
    response = host.get("/policy-area/", headers={"Accept": representation.media_type})
    assert response.status_code == 200
    assert response.headers["content-type"] == representation.content_type
    assert response.headers["content-location"] == f"/policy-area/index.{representation.extension}"
    quads = list(ox.parse(response.content, format=representation.syntax.oxigraph))
    assert any(q.subject.value.endswith("/policy-area/") for q in quads)
    korean = host.get("/policy-area/", headers={"Accept": "text/html", "Accept-Language": "ko"})
    assert korean.headers["content-location"] == "/policy-area/index.ko.html"
