"""The graph of a profile: approximate populations marked, several focal points, generic parts,
a configurable base, and one minting module shared with other generators."""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox
import pytest

from learningcity.iris import Minter, slug
from learningcity.profiles import import_profile, read_profile
from learningcity.profiles.graph import SDMX_ATTRIBUTE, SDMX_CODE
from support import FIXTURES

PROFILES = FIXTURES / "profiles"
READ_ON = dt.date(2026, 11, 24)
ID = "https://w3id.org/learningcity/id/"
SCHEMA = "https://schema.org/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _graph(name: str, base: str = ID) -> list[ox.Quad]:
    result = import_profile(read_profile(PROFILES / name), READ_ON, "https://example.org/p", base)
    return result.quads


def _objects(graph: list[ox.Quad], subject: str, predicate: str) -> set[str]:
    return {
        q.object.value
        for q in graph
        if (q.subject.value, q.predicate.value) == (subject, predicate)
    }


def test_an_approximate_population_is_marked_not_rounded() -> None:
    graph = _graph("missing-sections.txt")
    observation = ID + "observation/de-bremen.population"
    assert _objects(graph, observation, "https://w3id.org/learningcity/ontology#population") == {
        "570000"
    }
    assert _objects(graph, observation, SDMX_ATTRIBUTE + "obsStatus") == {SDMX_CODE + "obsStatus-E"}
    (note,) = _objects(graph, observation, "http://www.w3.org/2004/02/skos/core#note")
    assert "as about 570,000, an approximate figure," in note


def test_an_exact_population_has_no_status() -> None:
    graph = _graph("yongsan-gu.txt")
    observation = ID + "observation/kr-yongsan-gu.population"
    assert _objects(graph, observation, SDMX_ATTRIBUTE + "obsStatus") == set()


def test_several_focal_points_are_one_post_each() -> None:
    graph = _graph("renamed-headings.txt")
    role = ox.NamedNode("https://w3id.org/learningcity/ontology#focalPointRole")
    posts = {q.subject.value for q in graph if q.object == role}
    assert posts == {
        ID + "post/kr-sample-shi.focal-point-kim-min-su",
        ID + "post/kr-sample-shi.focal-point-unal-celik",
        ID + "post/kr-sample-shi.focal-point-박영희",
    }
    person = ID + "person/kr-sample-shi.kim-min-su"
    assert _objects(graph, person, SCHEMA + "honorificPrefix") == {"Prof."}
    assert _objects(graph, ID + "person/kr-sample-shi.박영희", SCHEMA + "name") == {"박영희"}


def test_unknown_headings_are_generic_statements_of_their_section() -> None:
    graph = _graph("renamed-headings.txt")
    city = ID + "city/kr-sample-shi"
    parts = _objects(graph, city, SCHEMA + "subjectOf")
    literacy = ID + "statement/kr-sample-shi.policies-plans-and-implementation-literacy"
    assert parts == {ID + "statement/kr-sample-shi.profile-area", literacy}
    assert _objects(graph, literacy, SCHEMA + "text") == {"The city runs reading circles."}
    assert _objects(graph, literacy, "http://www.w3.org/2000/01/rdf-schema#label") == {
        "Sample-shi: Policies, plans and implementation: Literacy"
    }
    assert _objects(graph, literacy, RDF_TYPE.value) == {SCHEMA + "CreativeWork"}


def test_every_minted_iri_is_under_the_base() -> None:
    base = "https://example.org/lc/"
    graph = _graph("yongsan-gu.txt", base)
    subjects = {q.subject.value for q in graph}
    minted = {s for s in subjects if s.startswith(base)}
    assert base + "city/kr-yongsan-gu" in minted
    assert not {s for s in subjects if s.startswith(ID)}
    assert subjects - minted == {"https://example.org/p"}  # the source document


def test_an_unknown_country_mints_without_a_code() -> None:
    graph = _graph("unknown-country.txt")
    city = ID + "city/springfield"
    assert _objects(graph, city, SCHEMA + "containedInPlace") == {ID + "place/atlantis"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Talent Sharing project", "talent-sharing-project"),
        ("Yongsan-gu", "yongsan-gu"),
        ("São Paulo", "sao-paulo"),
        ("Women's Learning  Circle", "womens-learning-circle"),
        ("서울 특별시", "서울-특별시"),
        ("Equity & Inclusion", "equity-inclusion"),
    ],
)
def test_slugs(text: str, expected: str) -> None:
    assert slug(text) == expected


def test_minter_follows_data_yongsan() -> None:
    mint = Minter()
    key = Minter.city_key("kr", "Yongsan-gu")
    assert mint.city(key) == ID + "city/kr-yongsan-gu"
    assert mint.part("post", key, "mayor") == ID + "post/kr-yongsan-gu.mayor"
    assert mint.country("kr") == ID + "place/kr"
    with pytest.raises(ValueError, match="must end with"):
        Minter("https://example.org/id")


def test_a_quotation_is_a_statement_attributed_to_the_post_holder() -> None:
    graph = _graph("quotation-titles-first.txt")
    quotation = ID + "statement/kr-dalbit-gu.quotation"
    mayor = ID + "person/kr-dalbit-gu.han-seo-jun"
    statements = {
        (q.predicate.value, q.object.value) for q in graph if q.subject.value == quotation
    }
    assert statements == {
        (RDF_TYPE.value, SCHEMA + "Quotation"),
        ("http://purl.org/dc/terms/source", "https://example.org/p"),
        ("http://www.w3.org/2000/01/rdf-schema#label", "Dalbit-gu: quotation of Han Seo-jun"),
        (SCHEMA + "about", ID + "city/kr-dalbit-gu"),
        (SCHEMA + "creditText", "Mr Han Seo-jun, Head of Dalbit-gu, Sample City"),
        (SCHEMA + "isPartOf", "https://example.org/p"),
        (SCHEMA + "spokenByCharacter", mayor),
        (SCHEMA + "text", "Learning is the light of our neighbourhoods."),
    }
    held_by = "http://www.w3.org/ns/org#heldBy"
    assert _objects(graph, ID + "post/kr-dalbit-gu.mayor", held_by) == {mayor}
    assert _objects(graph, mayor, SCHEMA + "honorificPrefix") == {"Mr"}
    assert quotation in _objects(graph, ID + "city/kr-dalbit-gu", SCHEMA + "subjectOf")
    vision = _objects(
        graph, ID + "city/kr-dalbit-gu", "https://w3id.org/learningcity/ontology#vision"
    )
    assert vision == {"Dalbit-gu learns together, from the first lesson to the last."}


def test_a_title_before_the_name_labels_the_post_and_the_person_has_the_honorific() -> None:
    graph = _graph("quotation-titles-first.txt")
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    assert _objects(graph, ID + "post/kr-dalbit-gu.mayor", label) == {
        "Head of Dalbit-gu, Sample City"
    }
    assert _objects(graph, ID + "post/kr-dalbit-gu.focal-point", label) == {
        "Director of the Lifelong Learning Division"
    }
    focal = ID + "person/kr-dalbit-gu.yoon-ara"
    assert _objects(graph, focal, SCHEMA + "name") == {"Yoon Ara"}
    assert _objects(graph, focal, SCHEMA + "honorificPrefix") == {"Ms"}
