"""The bundled named queries (`queries/*.rq`): each run on data/yongsan.ttl with its answer, and
on a generated network of several cities, where each city's rows must be the rows of that city's
data alone, so that a query that forgets to join on its city fails."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from learningcity.cli import cli
from learningcity.compaction import PREFIXED_NAME, Compactor
from learningcity.dataset import with_vocabulary
from learningcity.load import load_paths
from learningcity.namespaces import data_prefixes, prefixes
from learningcity.query import (
    NamedQuery,
    QueryResult,
    check_query,
    inspect_query,
    list_named_queries,
    named_query,
    run_query,
    store_for,
    term_text,
)
from learningcity.remote import substitute_text
from learningcity.terms import LEARNING_CITY, RDF_TYPE
from support import REPO

DATA = REPO / "data" / "yongsan.ttl"
QUERIES = list_named_queries()
UIL = "<https://www.uil.unesco.org/en/learning-cities/yongsan-gu>"
WOF = (
    "<https://github.com/whosonfirst-data/whosonfirst-data-admin-kr/blob/"
    "f8c990228a00ab55869e58268b563b822ca7daf8/data/890/475/295/890475295.geojson>"
)
CITY = "city:kr-yongsan-gu"
NAMES = Compactor(prefixes(), PREFIXED_NAME)
GENERATOR = REPO / "scripts" / "generate_network.py"
CITIES = 5


@pytest.fixture(scope="module")
def store() -> ox.Store:
    """The served dataset of the data: Yongsan in the default graph, the vocabulary's graphs."""
    return with_vocabulary(store_for(load_paths(DATA)), str(DATA))


def answer(store: ox.Store, name: str, **params: str) -> QueryResult:
    query = named_query(name)
    return run_query(store, query.text, substitutions=query.bind(params))


def rows(store: ox.Store, name: str, **params: str) -> list[tuple[str, ...]]:
    """The answer as rows of short texts (prefixed names, `value@lang`), as the table shows."""
    result = answer(store, name, **params)
    names = [v.value for v in result.result.variables]
    return [tuple(term_text(s[n], NAMES) for n in names) for s in result.result]


def test_at_least_eight_named_queries() -> None:
    assert len(QUERIES) >= 8


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_every_named_query_is_documented_read_only_and_ordered(query: NamedQuery) -> None:
    assert query.title and query.description
    form = inspect_query(query.text, prefixes=False, source=str(query.path))
    if form == "SELECT":
        assert "ORDER BY" in query.text, "rows must come in a stable order"


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_named_queries_declare_prefixes_as_the_project_does(query: NamedQuery) -> None:
    declared = re.findall(r"^PREFIX\s+(\S*):\s*<([^>]*)>", query.text, flags=re.MULTILINE)
    for name, iri in declared:
        assert prefixes().get(name) == iri, f"{query.name}: PREFIX {name}: <{iri}>"


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_every_named_query_answers_something(store: ox.Store, query: NamedQuery) -> None:
    result = run_query(store, query.text, substitutions=query.bind({}))
    if result.is_graph:
        assert result.result
    else:
        assert json.loads(result.write("json"))["results"]["bindings"]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_remote_style_substitution_gives_the_same_answer(
    store: ox.Store, query: NamedQuery
) -> None:
    bindings = query.bind({})
    local = run_query(store, query.text, substitutions=bindings).write("json")
    textual = run_query(store, substitute_text(check_query(query.text), bindings)).write("json")
    assert local == textual


def test_mayor(store: ox.Store) -> None:
    mayor = "person:kr-yongsan-gu.hee-young-park"
    assert rows(store, "mayor") == [
        (CITY, mayor, "Hee Young Park@en", "2022-07^^xsd:gYearMonth", UIL, "en")
    ]
    assert rows(store, "mayor", lang="ko")[0][2] == "박희영@ko"


def test_membership(store: ox.Store) -> None:
    assert rows(store, "membership") == [
        (
            CITY,
            "organization:gnlc",
            "UNESCO Global Network of Learning Cities@en",
            "2019^^xsd:gYear",
            UIL,
        )
    ]


def test_joined_in(store: ox.Store) -> None:
    assert rows(store, "joined-in") == [(CITY, "Yongsan-gu@en", "2019^^xsd:gYear")]
    assert rows(store, "joined-in", year="2018") == []


def test_practices_with_policy_area_and_sdgs(store: ox.Store) -> None:
    festival = ("practice:kr-yongsan-gu.yongsan-lifelong-education-festival",)
    talent = ("practice:kr-yongsan-gu.talent-sharing-project",)
    area = ("lcpa:equity-and-inclusion", "Equity and Inclusion@en")
    sdgs = ("sdg:10", "sdg:11", "sdg:4.5", "sdg:4.6")
    assert rows(store, "practices") == [
        *((CITY, *talent, "Talent Sharing project@en", *area, sdg) for sdg in sdgs),
        *((CITY, *festival, "Yongsan Lifelong Education Festival@en", *area, sdg) for sdg in sdgs),
    ]


def test_practices_for_an_sdg(store: ox.Store) -> None:
    for_sdg_4 = rows(store, "practices-for-sdg")
    assert [(row[2], row[3]) for row in for_sdg_4] == [
        ("Talent Sharing project@en", "sdg:4.5"),
        ("Talent Sharing project@en", "sdg:4.6"),
        ("Yongsan Lifelong Education Festival@en", "sdg:4.5"),
        ("Yongsan Lifelong Education Festival@en", "sdg:4.6"),
    ]
    assert [row[3] for row in rows(store, "practices-for-sdg", goal="10")] == ["sdg:10"] * 2
    assert rows(store, "practices-for-sdg", goal="8") == []


def test_population_and_who_says_so(store: ox.Store) -> None:
    assert rows(store, "population") == [
        (CITY, "229770", "", UIL, "UNESCO Institute for Lifelong Learning@en")
    ]


def test_sources(store: ox.Store) -> None:
    by_source = {row[0]: row[1:] for row in rows(store, "sources")}
    assert rows(store, "sources")[0] == (UIL, "11", "0")
    assert by_source[WOF] == ("8", "3")
    assert len(by_source) == 18


def test_enrichments(store: ox.Store) -> None:
    found = rows(store, "enrichments")
    assert len(found) == 13
    assert (
        "note:kr-yongsan-gu.korean-name",
        "Korean name of Yongsan-gu@en",
        "schema:name",
    ) in found
    assert {row[0] for row in found} == {
        f"note:kr-yongsan-gu.{name}"
        for name in (
            "coordinates",
            "identifiers",
            "korean-name",
            "mayor-korean-name",
            "mayor-start",
            "places",
            "practice-policy-areas",
        )
    }


def test_focal_point(store: ox.Store) -> None:
    assert rows(store, "focal-point") == [
        (CITY, "person:kr-yongsan-gu.eunsung-heo", "Ms.", "Eunsung Heo@en", UIL)
    ]


def test_vision(store: ox.Store) -> None:
    ((city, vision),) = rows(store, "vision")
    assert city == CITY
    assert vision.startswith("Yongsan-gu continues its efforts in promoting citizens’ learning")
    assert vision.endswith("strengthens citizens’ lifelong learning ability.@en")


def test_policy_statements(store: ox.Store) -> None:
    found = rows(store, "policy-statements")
    assert [(row[2], row[4]) for row in found] == [
        ("Decent Work and Entrepreneurship@en", "3"),
        ("Equity and Inclusion@en", "0"),
        ("Sustainability and Health@en", "0"),
    ]
    assert found[0][3].startswith("Yongsan is running a vocational education programme")


def test_identifiers_and_same_as(store: ox.Store) -> None:
    found = [row[1:3] for row in rows(store, "identifiers")]
    assert found == [
        ("GeoNames ID", "1832311"),
        ("KOSTAT statistical area code", "11030"),
        ("Korean administrative standard code (si/gun/gu)", "11170"),
        ("Who's On First ID", "890475295"),
        ("Wikidata item", "Q50429"),
        ("sameAs", "wd:Q50429"),
        ("sameAs", "<https://sws.geonames.org/1832311/>"),
    ]
    seoul = rows(store, "identifiers", resource="place:kr-seoul")
    assert [row[2] for row in seoul] == ["wd:Q8684", "<https://sws.geonames.org/1835847/>"]


MAYOR_SOURCES = (
    "https://m.news.zum.com/articles/103470257",
    "https://www.khan.co.kr/article/202603081828001",
    "https://www.news1.kr/photos/7761694",
    "https://www.segye.com/newsView/20260308510257",
)
YEAR_SOURCES = (
    "http://www.seoulcity.co.kr/news/articleView.html?idxno=320619",
    "https://gcedclearinghouse.org/node/134502",
    "https://seoulfocus.kr/news/articleView.html?idxno=113712",
    "https://unesco.or.kr/251208_01",
    "https://www.hg-times.com/news/articleView.html?idxno=190818",
)


def test_discrepancies(store: ox.Store) -> None:
    """One row per source: the possible change of mayor rests on four reports (the election,
    the refused re-admission to her party), the year of joining on five (press, the counts)."""
    mayor = (
        "note:kr-yongsan-gu.mayor-after-2026-election",
        "post:kr-yongsan-gu.mayor",
        "org:heldBy",
    )
    year = (
        "note:kr-yongsan-gu.membership-year",
        "membership:kr-yongsan-gu.gnlc",
        "time:inXSDgYear",
    )
    assert [row[:5] for row in rows(store, "discrepancies")] == [
        *((*mayor, "", f"<{source}>") for source in MAYOR_SOURCES),
        *((*year, "2018^^xsd:gYear", f"<{source}>") for source in YEAR_SOURCES),
    ]


def test_describe(store: ox.Store) -> None:
    triples = answer(store, "describe", resource="place:kr").result
    assert {(term_text(t.predicate, NAMES), term_text(t.object, NAMES)) for t in triples} == {
        ("rdf:type", "schema:Country"),
        ("schema:name", "Republic of Korea@en"),
        ("schema:name", "대한민국@ko"),
        ("schema:sameAs", "<https://sws.geonames.org/1835841/>"),
        ("schema:sameAs", "wd:Q884"),
    }


def test_the_command_runs_a_named_query_with_its_ontology() -> None:
    result = CliRunner().invoke(cli, ["query", "--name", "practices", str(DATA), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.count("http://metadata.un.org/sdg/") == 8
    korean = CliRunner().invoke(
        cli, ["query", "--name", "mayor", "--param", "lang=ko", str(DATA), "--format", "tsv"]
    )
    assert '"박희영"@ko' in korean.output


# --- a network of several cities ---------------------------------------------------------------

DATA_PREFIXES = data_prefixes()
PROFILE_BASE = "https://www.uil.unesco.org/en/learning-cities/"


def _city_key(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str | None:
    """The city a value stands for: the city itself (`city:KEY`) or its profile page."""
    if not isinstance(term, ox.NamedNode):
        return None
    for start in (DATA_PREFIXES["city"], PROFILE_BASE):
        if term.value.startswith(start):
            return term.value[len(start) :]
    return None


def _owner(subject: ox.NamedNode | ox.BlankNode | ox.Triple, keys: list[str]) -> str | None:
    """The city whose profile a generated node belongs to (its IRI starts with the city's key:
    `person:KEY.name`), or None for the nodes every profile shares (countries, the network)."""
    if not isinstance(subject, ox.NamedNode):
        return None
    for namespace in DATA_PREFIXES.values():
        if subject.value.startswith(namespace):
            local = subject.value[len(namespace) :]
            return next((k for k in keys if local == k or local.startswith(k + ".")), None)
    return None


class Network:
    """A generated network, served as the CLI serves data, and each city's data alone."""

    def __init__(self, path: Path) -> None:
        quads = list(load_paths(str(path)))
        self.keys = sorted(
            key
            for q in quads
            if q.predicate == RDF_TYPE and q.object == LEARNING_CITY
            if (key := _city_key(q.subject)) is not None
        )
        self.store = with_vocabulary(store_for(quads), str(path))
        self._quads = quads

    def alone(self, key: str) -> ox.Store:
        """The served dataset of city `key`'s profile and the shared nodes, no other city."""
        own = [q for q in self._quads if _owner(q.subject, self.keys) in (key, None)]
        return with_vocabulary(store_for(own), key)


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Network:
    path = tmp_path_factory.mktemp("network") / "network.ttl"
    subprocess.run(
        [sys.executable, str(GENERATOR), str(CITIES), "--seed", "15", "-o", str(path)],
        check=True,
        capture_output=True,
    )
    return Network(path)


Split = Callable[[ox.Store, NamedQuery, str], list[tuple[str, ...]]]


def _column(variable: str) -> Split:
    """Rows of a SELECT whose `variable` names the city (the city, or its profile page): those
    of the city `key`, with the parameters at their defaults."""

    def rows_of(store: ox.Store, query: NamedQuery, key: str) -> list[tuple[str, ...]]:
        result = run_query(store, query.text, substitutions=query.bind({}))
        names = [v.value for v in result.result.variables]
        return [
            tuple(term_text(s[n], NAMES) for n in names)
            for s in result.result
            if _city_key(s[variable]) == key
        ]

    return rows_of


def _about(param: str) -> Split:
    """The answer of a query whose parameter `param` is set to the city `key`."""

    def rows_of(store: ox.Store, query: NamedQuery, key: str) -> list[tuple[str, ...]]:
        bindings = query.bind({param: f"city:{key}"})
        result = run_query(store, query.text, substitutions=bindings)
        if result.is_graph:
            return sorted((str(t),) for t in result.result)
        names = [v.value for v in result.result.variables]
        return [tuple(term_text(s[n], NAMES) for n in names) for s in result.result]

    return rows_of


#: How each query's answer is split by city. Not here: the queries of notes (`discrepancies`,
#: `enrichments`), which the generator does not write (`test_queries_of_notes_...`).
PER_CITY: dict[str, Split] = {
    "describe": _about("resource"),
    "focal-point": _column("city"),
    "identifiers": _about("resource"),
    "joined-in": _column("city"),
    "mayor": _column("city"),
    "membership": _column("city"),
    "policy-statements": _column("city"),
    "population": _column("area"),
    "practices": _column("city"),
    "practices-for-sdg": _column("city"),
    "sources": _column("source"),
    "vision": _column("city"),
}
OF_NOTES = ("discrepancies", "enrichments")


def _mixed_cities(network: Network, query: NamedQuery) -> list[str]:
    """The cities whose rows in the network differ from their rows on their data alone."""
    rows_of = PER_CITY[query.name]
    return [
        key
        for key in network.keys
        if rows_of(network.store, query, key) != rows_of(network.alone(key), query, key)
    ]


def test_the_network_has_its_cities(network: Network) -> None:
    assert len(network.keys) == CITIES


def test_every_named_query_is_split_by_city_or_is_about_notes() -> None:
    assert sorted([*PER_CITY, *OF_NOTES]) == sorted(q.name for q in QUERIES)


@pytest.mark.parametrize("name", sorted(PER_CITY))
def test_each_city_gets_the_rows_of_its_own_data(network: Network, name: str) -> None:
    query = named_query(name)
    assert _mixed_cities(network, query) == []
    answered = [key for key in network.keys if PER_CITY[name](network.store, query, key)]
    assert answered, f"{name}: no rows for any city, so nothing was compared"


def test_a_query_that_forgets_to_join_on_its_city_fails(network: Network) -> None:
    """The mayor of any city, not the city's own: every city then has every mayor."""
    query = named_query("mayor")
    joined = "?post org:postIn ?city ;"
    assert joined in query.text
    loose = replace(query, text=query.text.replace(joined, "?city a lc:LearningCity .\n  ?post"))
    assert _mixed_cities(network, loose) == network.keys


@pytest.mark.parametrize("name", OF_NOTES)
def test_queries_of_notes_answer_nothing_on_a_network_without_notes(
    network: Network, name: str
) -> None:
    assert json.loads(answer(network.store, name).write("json"))["results"]["bindings"] == []
