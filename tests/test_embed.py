"""The schema.org block, read back as a search engine would: extruct from the HTML, then pyld."""

from __future__ import annotations

import json
from functools import cache

import extruct
import pyoxigraph as ox
import pytest
from pyld import jsonld as pyld

from learningcity.embed import embed, learning_city, script_block, to_json
from learningcity.errors import InputError
from learningcity.jsonld import document_loader
from learningcity.load import load_paths
from rdfcompare import from_nquads
from support import FIXTURES, REPO, SHARED, shared

DATA = REPO / "data" / "yongsan.ttl"
TRICKY = FIXTURES / "export" / "tricky-literals.ttl"
SCHEMA_ORG = SHARED / "schemaorg" / "schemaorg-current-https.ttl"
S = "https://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
CITY = "https://w3id.org/learningcity/id/city/kr-yongsan-gu"
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Yongsan-gu</title>
{block}</head><body><p>Yongsan-gu, a learning city.</p></body></html>
"""


@cache
def schema_org_terms() -> frozenset[str]:
    """Every class and property IRI that schema.org 30.0 defines."""
    graph = ox.parse(path=shared(SCHEMA_ORG), format=ox.RdfFormat.TURTLE)
    return frozenset(q.subject.value for q in graph if q.subject.value.startswith(S))


@cache
def page_graph() -> ox.Store:
    """The block as a search engine reads it: extracted from the page by extruct, then pyld."""
    html = PAGE.format(block=script_block(embed(load_paths(DATA))))
    extracted = extruct.extract(html, base_url="https://example.org/", syntaxes=["json-ld"])
    (document,) = extracted["json-ld"]
    nquads = pyld.to_rdf(
        document, {"format": "application/n-quads", "documentLoader": document_loader}
    )
    store = ox.Store()
    store.extend(from_nquads(nquads))
    return store


def values(query: str) -> set[str]:
    rows = page_graph().query(f"PREFIX s: <{S}> SELECT ?v WHERE {{ {query} }}")
    return {row["v"].value for row in rows}


def test_the_block_is_one_object_about_the_city_with_an_inline_https_context() -> None:
    document = embed(load_paths(DATA))
    context = document["@context"]
    assert context["@vocab"] == S
    assert context["sameAs"] == {"@id": f"{S}sameAs", "@type": "@id"}
    assert document["@id"] == CITY
    assert "@graph" not in document


def test_every_predicate_and_class_is_a_schema_org_30_term() -> None:
    terms = schema_org_terms()
    for quad in page_graph():
        if quad.predicate.value == RDF_TYPE:
            assert quad.object.value in terms, quad
        else:
            assert quad.predicate.value in terms, quad


def test_urls_are_plain_strings_that_read_back_as_iris() -> None:
    document = embed(load_paths(DATA))
    assert "http://www.wikidata.org/entity/Q50429" in document["sameAs"]
    same_as = page_graph().query(f"SELECT ?v {{ <{CITY}> <{S}sameAs> ?v }}")
    assert all(isinstance(row["v"], ox.NamedNode) for row in same_as)


def test_names_and_description() -> None:
    city = f"<{CITY}>"
    assert {"Yongsan-gu", "용산구"} <= values(f"{city} s:name ?v")
    assert "Yongsan District" in values(f"{city} s:alternateName ?v")
    assert any("Joseon Dynasty" in d for d in values(f"{city} s:description ?v"))


def test_geo_coordinates() -> None:
    (latitude,) = values(f"<{CITY}> s:geo [ a s:GeoCoordinates ; s:latitude ?v ]")
    (longitude,) = values(f"<{CITY}> s:geo [ a s:GeoCoordinates ; s:longitude ?v ]")
    assert float(latitude) == pytest.approx(37.534, abs=0.01)
    assert float(longitude) == pytest.approx(126.98, abs=0.01)


def test_contained_in_seoul() -> None:
    assert "http://www.wikidata.org/entity/Q8684" in values(
        f"<{CITY}> s:containedInPlace/s:sameAs ?v"
    )


def test_identifiers_and_same_as() -> None:
    assert "http://www.wikidata.org/entity/Q50429" in values(f"<{CITY}> s:sameAs ?v")
    identifiers = values(f"<{CITY}> s:identifier [ a s:PropertyValue ; s:value ?v ]")
    assert {"Q50429", "1832311", "11170"} <= identifiers


def test_network_membership_with_its_start() -> None:
    (start,) = values(f"<{CITY}> s:memberOf ?role . ?role a s:OrganizationRole ; s:startDate ?v")
    assert start.startswith("2019")
    names = values(f"<{CITY}> s:memberOf/s:memberOf/s:name ?v")
    assert any("Learning Cities" in name for name in names)


def test_mayor() -> None:
    names = values(f"<{CITY}> s:member ?role . ?role s:roleName ?title ; s:member/s:name ?v")
    assert any("Park" in name for name in names)


def test_good_practices() -> None:
    events = values(f"<{CITY}> s:event [ a s:EventSeries ; s:name ?v ]")
    projects = values(f"<{CITY}> s:subOrganization [ a s:Project ; s:name ?v ]")
    assert "Yongsan Lifelong Education Festival" in events
    assert "Talent Sharing project" in projects


def test_output_is_deterministic() -> None:
    assert to_json(embed(load_paths(DATA))) == to_json(embed(load_paths(DATA)))


def test_script_block_cannot_be_closed_by_the_data() -> None:
    document = {"@context": {"@vocab": S}, "description": "a </script><!-- b"}
    block = script_block(document)
    assert block.startswith('<script type="application/ld+json">\n')
    assert block.count("</script>") == 1
    assert "<!--" not in block
    body = block.removeprefix('<script type="application/ld+json">\n').removesuffix("</script>\n")
    assert json.loads(body) == document


def test_the_city_is_found_or_named() -> None:
    dataset = load_paths(DATA)
    assert learning_city(dataset).value == CITY
    assert learning_city(dataset, CITY).value == CITY
    with pytest.raises(InputError, match="says nothing"):
        learning_city(dataset, "https://example.org/nowhere")


def test_data_without_a_learning_city_asks_for_resource() -> None:
    without = [q for q in load_paths(TRICKY) if "LearningCity" not in str(q.object)]
    with pytest.raises(InputError, match="--resource"):
        learning_city(without)


def test_a_city_with_few_facts_still_gets_a_typed_object() -> None:
    document = embed(load_paths(TRICKY), CITY)
    assert document["@id"] == CITY
    assert document["@type"] == ["AdministrativeArea", "GovernmentOrganization"]
