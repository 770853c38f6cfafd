"""Validation of a network dataset in parts gives the report of one run over the whole graph.

The data is what `learningcity import` writes for a small batch of generated pages (one
catalogue linking every city's dataset), with mistakes planted in several cities, each of a kind
that a division of the data could get wrong: a missing English name (a plain violation), a
second mayor's post (found by following `org:postIn` backwards), a stray blank node (which a
SHACL-SPARQL constraint of every dataset scans the whole graph for), forty population
observations of one city (so that many statements point to it, and it must still be kept with
them), and a catalogue without its English title (a node shared by every part, reported once).
"""

from __future__ import annotations

import dataclasses

import pyoxigraph as ox
import pytest

from learningcity import validation
from support import generated_network

ID = "https://w3id.org/learningcity/id/"
LC = "https://w3id.org/learningcity/ontology#"
SCHEMA = "https://schema.org/"
ORG = "http://www.w3.org/ns/org#"
DCAT = "http://www.w3.org/ns/dcat#"
TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
PART_STATEMENTS = 300
#: Eight cities are a network in small: a node linked to more than four is shared by many.
SHARED_DEGREE = 4


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> list[ox.Quad]:
    output = generated_network(tmp_path_factory.mktemp("pages"), pages=8, seed=7)
    return _planted(list(ox.parse(path=str(output))))


def _planted(quads: list[ox.Quad]) -> list[ox.Quad]:
    """The imported statements with a mistake in each of four cities and in the catalogue."""
    catalogue = ox.NamedNode(f"{ID}dataset/network")
    quads = [
        q
        for q in quads
        if not (q.subject == catalogue and q.predicate == TITLE and q.object.language == "en")
    ]
    cities = _cities(quads)
    assert len(cities) == 8
    unnamed, two_mayors, blank, observed = (ox.NamedNode(c) for c in cities[:4])
    name = ox.NamedNode(SCHEMA + "name")
    kept = [
        q for q in quads if not (q.subject == unnamed and q.predicate == name and q.object.language)
    ]
    post = ox.NamedNode(two_mayors.value.replace("/city/", "/post/") + ".second-mayor")
    kept += [
        ox.Quad(post, RDF_TYPE, ox.NamedNode(ORG + "Post")),
        ox.Quad(post, ox.NamedNode(ORG + "postIn"), two_mayors),
        ox.Quad(post, ox.NamedNode(ORG + "role"), ox.NamedNode(LC + "mayorRole")),
        ox.Quad(ox.BlankNode("stray"), ox.NamedNode(SCHEMA + "name"), ox.Literal(blank.value)),
    ]
    area = ox.NamedNode("http://purl.org/linked-data/sdmx/2009/dimension#refArea")
    for year in range(1990, 2030):
        observation = ox.NamedNode(f"{observed.value.replace('/city/', '/observation/')}.{year}")
        kept += [
            ox.Quad(
                observation, RDF_TYPE, ox.NamedNode("http://purl.org/linked-data/cube#Observation")
            ),
            ox.Quad(observation, area, observed),
            ox.Quad(observation, ox.NamedNode(LC + "population"), ox.Literal(str(year))),
        ]
    return kept


def _cities(quads: list[ox.Quad]) -> list[str]:
    return sorted({q.subject.value for q in quads if q.object == ox.NamedNode(LC + "LearningCity")})


@pytest.fixture(scope="module")
def validator() -> validation.Validator:
    return validation.Validator()


def test_the_catalogue_does_not_join_the_cities_into_one_part(
    network: list[ox.Quad], validator: validation.Validator
) -> None:
    reach = validation.Reach.of(validator.engine)
    divided = validation.partition(network, PART_STATEMENTS, SHARED_DEGREE, reach)
    assert len(divided.parts) >= 3
    shared = {network[i].subject.value for i in divided.shared}
    assert f"{ID}dataset/network" in shared
    assert _cities(network)[3] not in shared  # forty statements point to it, yet it is whole


def test_a_catalogue_whose_datasets_a_shape_looks_into_is_kept_with_them(
    network: list[ox.Quad], validator: validation.Validator
) -> None:
    """The rule above holds only while the catalogue's shapes look at its datasets' IRIs alone:
    were one to look into them (sh:class on dcat:dataset), every city joins its part."""
    bundled = validation.Reach.of(validator.engine)
    looking = (ox.NamedNode(DCAT + "Catalog"), ox.NamedNode(DCAT + "dataset"))
    assert looking not in bundled.followed
    reach = dataclasses.replace(bundled, followed=bundled.followed | {looking})
    divided = validation.partition(network, PART_STATEMENTS, SHARED_DEGREE, reach)
    assert f"{ID}dataset/network" not in {network[i].subject.value for i in divided.shared}
    assert len({divided.owner[ox.NamedNode(city)] for city in _cities(network)}) == 1


def test_the_report_in_parts_is_the_report_of_one_run(
    network: list[ox.Quad], validator: validation.Validator
) -> None:
    one_run = validation.outcome_from_report(validator.engine.check(network))  # pyshacl, once
    report = validation.validate_in_parts(
        network, validator.engine, 2, PART_STATEMENTS, lambda _step: None, SHARED_DEGREE
    )
    in_parts = validation.outcome_from_report(report)
    planted = {
        (_local(r.source_constraint) or _local(r.source_shape), _local(r.severity))
        for r in one_run.results
    }
    assert {
        ("LearningCity-name-en", "Violation"),
        ("LearningCity-mayor-once", "Violation"),
        ("Dataset-minted-iris", "Violation"),
        ("LearningCity-population-once", "Violation"),
        ("Dataset-title-en", "Violation"),
    } <= planted
    assert in_parts.results == one_run.results
    assert in_parts.report == one_run.report


def _local(term: object) -> str:
    return term.value.rsplit("#", 1)[-1] if isinstance(term, ox.NamedNode) else ""
