"""Every fact of the source profile is in the graph, its English prose verbatim.

The source text is read at test time, so a change to the profile (or a typo in the data, such
as a straight apostrophe for the curly one in "citizens’") fails here.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from model_support import DATA, ONTOLOGY, SOURCE

from learningcity.namespaces import sparql_prologue
from support import shared

#: Icon-ligature text in the page dump ("groups", "person"), not content.
ICON_WORDS = {"groups", "person"}
#: Section headings and field labels: structure, not facts.
HEADINGS = {
    "Vision",
    "Policies, plan and implementation",
    "Good practices",
    "City population",
    "Member since",
    "Mayor",
    "Focal point",
}


def source_lines() -> list[str]:
    lines = [line.strip() for line in shared(SOURCE).read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line and line not in ICON_WORDS]


def field(label: str) -> str:
    """The value following a field label in the profile (e.g. "City population")."""
    lines = source_lines()
    return lines[lines.index(label) + 1]


def sentences(paragraph: str) -> list[str]:
    return [s for s in re.split(r"(?<=\.)\s+", paragraph) if s]


PROSE = [line for line in source_lines() if len(line) > 60]


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    for path in (DATA, ONTOLOGY):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


def ask(store: ox.Store, query: str) -> bool:
    return bool(store.query(sparql_prologue() + query))


def english_literals(store: ox.Store) -> list[str]:
    return [
        row[0].value
        for row in store.query('SELECT ?o WHERE { ?s ?p ?o FILTER(LANGMATCHES(LANG(?o), "en")) }')
    ]


def test_the_source_is_the_expected_profile() -> None:
    assert source_lines()[0] == "Yongsan-gu, Republic of Korea"
    assert len(PROSE) == 7


@pytest.mark.parametrize("paragraph", PROSE, ids=lambda p: p[:40])
def test_prose_is_verbatim(paragraph: str, store: ox.Store) -> None:
    """Each paragraph is one literal, exactly as written (prose is what users search for)."""
    assert paragraph in english_literals(store)
    for sentence in sentences(paragraph):
        assert any(sentence in text for text in english_literals(store)), sentence


def test_name_and_country(store: ox.Store) -> None:
    name, country = source_lines()[0].split(", ")
    assert ask(
        store,
        f'ASK {{ city:kr-yongsan-gu a lc:LearningCity ; schema:name "{name}"@en ; '
        "schema:containedInPlace+ ?country . "
        f'?country a schema:Country ; schema:name "{country}"@en }}',
    )


def test_where_it_lies_and_its_history_are_in_the_description(store: ox.Store) -> None:
    description = PROSE[0]
    assert "central Seoul on the northern bank of the Han River" in description
    assert "Joseon Dynasty" in description
    assert "international and touristic" in description
    assert ask(
        store,
        f"ASK {{ city:kr-yongsan-gu schema:description {ox.Literal(description, language='en')} ; "
        'schema:containedInPlace ?seoul . ?seoul schema:name "Seoul"@en }',
    )


def test_population_without_reference_year(store: ox.Store) -> None:
    population = int(field("City population").replace(",", ""))
    assert ask(
        store,
        "ASK { ?o a qb:Observation ; sdmxdim:refArea city:kr-yongsan-gu ; "
        f"lc:population {population} ; dcterms:source ?src ; skos:note ?note . "
        "FILTER NOT EXISTS { ?o sdmxdim:refPeriod ?p } }",
    )


def test_membership_since(store: ox.Store) -> None:
    year = field("Member since")
    assert ask(
        store,
        "ASK { ?m a org:Membership ; org:member city:kr-yongsan-gu ; "
        "org:organization organization:gnlc ; "
        f'org:memberDuring/time:hasBeginning/time:inXSDgYear "{year}"^^xsd:gYear }}',
    )


def test_mayor_post_title_and_person(store: ox.Store) -> None:
    value = field("Mayor")
    match = re.fullmatch(r"(Mayor of [\w-]+) (Ms|Mr|Mrs|Dr)\.? (.+)", value)
    assert match, value
    post, title, name = match.groups()
    assert ask(
        store,
        f'ASK {{ ?post a org:Post ; rdfs:label "{post}"@en ; org:postIn city:kr-yongsan-gu ; '
        f'org:role lc:mayorRole ; org:heldBy ?p . ?p a schema:Person ; schema:name "{name}"@en ; '
        f'schema:honorificPrefix "{title}" }}',
    )


def test_focal_point_by_name_only(store: ox.Store) -> None:
    title, name = field("Focal point").split(" ", 1)
    assert ask(
        store,
        "ASK { ?post a org:Post ; org:postIn city:kr-yongsan-gu ; org:role lc:focalPointRole ; "
        f'org:heldBy ?p . ?p schema:name "{name}"@en ; schema:honorificPrefix "{title}" }}',
    )


def test_vision(store: ox.Store) -> None:
    vision = field("Vision")
    assert "citizens’" in vision
    assert ask(store, f"ASK {{ city:kr-yongsan-gu lc:vision {ox.Literal(vision, language='en')} }}")


@pytest.mark.parametrize(
    "heading",
    ["Sustainability and Health", "Equity and Inclusion", "Decent Work and Entrepreneurship"],
)
def test_policy_statement_per_area(heading: str, store: ox.Store) -> None:
    text = field(heading)
    assert ask(
        store,
        f"ASK {{ city:kr-yongsan-gu lc:hasPolicyStatement ?s . ?s a lc:PolicyStatement ; "
        f"schema:text {ox.Literal(text, language='en')} ; lc:policyArea ?area . "
        f'?area skos:inScheme lcpa: ; skos:prefLabel "{heading}"@en }}',
    )


@pytest.mark.parametrize("name", ["Yongsan Lifelong Education Festival", "Talent Sharing project"])
def test_good_practice(name: str, store: ox.Store) -> None:
    description = field(name)
    assert ask(
        store,
        "ASK { city:kr-yongsan-gu lc:hasGoodPractice ?g . ?g a lc:GoodPractice ; "
        f'schema:name "{name}"@en ; '
        f"schema:description {ox.Literal(description, language='en')} }}",
    )


@pytest.mark.parametrize(
    "name",
    [
        "vocational education programme",
        "Yongsan Leaders Academy",
        "night classes in entrepreneurship education for workers and job seekers",
    ],
)
def test_programmes_named_in_the_decent_work_statement(name: str, store: ox.Store) -> None:
    assert name in field("Decent Work and Entrepreneurship")
    assert ask(
        store,
        f'ASK {{ ?p a lc:LearningProgramme ; schema:name "{name}"@en ; '
        "schema:provider city:kr-yongsan-gu . "
        "?s lc:policyArea lcpa:decent-work-and-entrepreneurship ; dcterms:references ?p }",
    )


def test_every_source_line_is_accounted_for() -> None:
    """No line of the profile is silently skipped by the tests above."""
    covered = {source_lines()[0], *PROSE, *HEADINGS}
    covered |= {field(h) for h in ("City population", "Member since", "Mayor", "Focal point")}
    covered |= {
        "Sustainability and Health",
        "Equity and Inclusion",
        "Decent Work and Entrepreneurship",
    }
    covered |= {"Yongsan Lifelong Education Festival", "Talent Sharing project"}
    assert set(source_lines()) - covered == set()


def test_provenance_of_the_dataset(store: ox.Store) -> None:
    assert ask(
        store,
        "ASK { dataset:kr-yongsan-gu a dcat:Dataset , void:Dataset ; "
        "dcterms:source <https://www.uil.unesco.org/en/learning-cities/yongsan-gu> ; "
        "dcterms:license ?l ; dcterms:publisher ?pub ; dcterms:modified ?m ; void:vocabulary ?v ; "
        "void:exampleResource city:kr-yongsan-gu . "
        "<https://www.uil.unesco.org/en/learning-cities/yongsan-gu> "
        'lc:retrievedOn "2026-11-24"^^xsd:date }',
    )


@pytest.mark.parametrize(
    ("subject", "prop", "source"),
    [
        ("city:kr-yongsan-gu", "schema:identifier", "whosonfirst"),
        ("city:kr-yongsan-gu", "schema:name", "whosonfirst"),
        ("place:kr-yongsan-gu.label-point", "pos:lat", "whosonfirst"),
        ("post:kr-yongsan-gu.mayor", "lc:heldDuring", "asiae"),
        ("person:kr-yongsan-gu.hee-young-park", "schema:name", "fnnews"),
    ],
)
def test_enrichment_is_marked_with_its_source(
    subject: str, prop: str, source: str, store: ox.Store
) -> None:
    assert ask(
        store,
        f"ASK {{ ?n a lc:Enrichment ; dcterms:subject {subject} ; lc:aboutProperty {prop} ; "
        f'dcterms:source ?s . FILTER(CONTAINS(STR(?s), "{source}")) }}',
    )


@pytest.mark.parametrize("identifier", ["Q50429", "1832311", "11170", "11030", "890475295"])
def test_identifier_has_its_own_source(identifier: str, store: ox.Store) -> None:
    assert ask(
        store,
        f'ASK {{ city:kr-yongsan-gu schema:identifier ?i . ?i schema:value "{identifier}" ; '
        "dcterms:source ?s }",
    )


def test_discrepancies_are_recorded_not_chosen(store: ox.Store) -> None:
    assert ask(
        store,
        "ASK { ?d a lc:Discrepancy ; dcterms:subject membership:kr-yongsan-gu.gnlc ; "
        'lc:conflictingValue "2018"^^xsd:gYear ; '
        "dcterms:source <https://www.hg-times.com/news/articleView.html?idxno=190818> ; "
        'dcterms:date "2018-08-16"^^xsd:date }',
    )
    assert ask(
        store,
        "ASK { ?d a lc:Discrepancy ; dcterms:subject post:kr-yongsan-gu.mayor ; "
        "lc:aboutProperty org:heldBy ; "
        'skos:note ?n . FILTER(CONTAINS(STR(?n), "3 June 2026")) }',
    )


def test_the_discrepancies_carry_the_later_evidence_with_its_sources(store: ox.Store) -> None:
    """Issue 16: the press and the count of Korean members place the admission in 2018; the
    mayor's refused re-admission to her party is reported, the election's result is not known."""
    assert ask(
        store,
        "ASK { note:kr-yongsan-gu.membership-year "
        "dcterms:source <https://seoulfocus.kr/news/articleView.html?idxno=113712>, "
        "<http://www.seoulcity.co.kr/news/articleView.html?idxno=320619> ; "
        'skos:note ?en, ?ko . FILTER(LANGMATCHES(LANG(?en), "en") && CONTAINS(?en, "35 to 44")) '
        'FILTER(LANGMATCHES(LANG(?ko), "ko") && CONTAINS(?ko, "35곳에서 44곳")) }',
    )
    assert ask(
        store,
        "ASK { note:kr-yongsan-gu.mayor-after-2026-election "
        "dcterms:source <https://www.segye.com/newsView/20260308510257>, "
        "<https://www.khan.co.kr/article/202603081828001> ; "
        'skos:note ?en, ?ko . FILTER(LANGMATCHES(LANG(?en), "en") && CONTAINS(?en, "8 March 2026") '
        '&& CONTAINS(?en, "is not known here")) '
        'FILTER(LANGMATCHES(LANG(?ko), "ko") && CONTAINS(?ko, "2026년 3월 8일")) }',
    )
    assert not ask(  # the profile's year stays: the evidence is recorded, not chosen
        store, 'ASK { ?i time:inXSDgYear "2018"^^xsd:gYear }'
    )
