"""The worker's unchecked way (`sparql._unchecked`): a query that cannot need the lexer's checks
runs straight away, and gets exactly the answer the checked way gives, status and bytes.

Each query is answered twice by `sparql.respond` over the same store: as the worker answers it,
and with every text sent the checked way (`_may_need_checks` made to say yes), the reference.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox
import pytest

from learningcity.namespaces import prefixes
from learningcity.query.lexer import MAX_QUERY_NESTING
from learningcity.server import sparql
from learningcity.server.workers import Answer, Job

BASE = "https://w3id.org/learningcity/id/"
ENDPOINT = "http://127.0.0.1:8000/sparql"
CITY = BASE + "city/kr-a"
LC = "https://w3id.org/learningcity/ontology#"
#: (query, Accept, format=): answers, refusals and negotiations of every form.
CASES = [
    ("SELECT ?c WHERE { ?c a lc:LearningCity }", "", ""),  # an undeclared project prefix
    ("PREFIX lc: <http://e/> SELECT ?c WHERE { ?c a lc:LearningCity }", "", ""),  # declared
    ("SELECT ?c WHERE { ?c a lc:LearningCity } # lc: schema:", "text/csv", ""),
    ("ASK { ?c a lc:LearningCity }", "application/sparql-results+xml", ""),
    (f"CONSTRUCT WHERE {{ <{CITY}> ?p ?o }}", "text/turtle", ""),
    (f"CONSTRUCT WHERE {{ <{CITY}> ?p ?o }}", "", "ntriples"),
    (f"DESCRIBE <{CITY}>", "application/ld+json", ""),
    (f"DESCRIBE <{CITY}>", "application/sparql-results+json", ""),  # 406
    ("SELECT * { ?s ?p ?o } LIMIT 1", "text/turtle", ""),  # 406: no graph
    ("SELECT * { ?s ?p ?o } LIMIT 1", "", "nonsense"),  # 400: no such format
    ("SELECT * { ?s ?p ?o } LIMIT 1", "", "html"),
    ("SELECT * { ?s ?p ?o ", "", ""),  # a syntax error, with its position
    ("SELECT * { ?s nope:p ?o }", "", ""),  # an unknown prefix
    ('SELECT * { ?s ?p "open }', "", ""),  # an unterminated string
    ("INSERT DATA { <http://e/s> <http://e/p> 1 }", "", ""),  # an update
    ("SELECT ?x { BIND('service' AS ?x) }", "", ""),  # SERVICE in a string: checked, answered
    ("SELECT * { SERVICE <http://e/sparql> { ?s ?p ?o } }", "", ""),
    ("SELECT (<http://e/f>(1) AS ?x) {}", "", ""),  # an unknown function: an error value
    ("SELECT ?x { " + "{ " * 300 + "BIND(1 AS ?x)" + " }" * 300 + " }", "", ""),
    ("SELECT ?x { " + "{ " * 600 + "BIND(1 AS ?x)" + " }" * 600 + " }", "", ""),  # too deep
]


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    city = ox.NamedNode(CITY)
    store.add(ox.Quad(city, ox.NamedNode(LC[:-1] + "#name"), ox.Literal("A", language="en")))
    store.add(
        ox.Quad(
            city,
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode(LC + "LearningCity"),
        )
    )
    return store


def page(language: str, query: str, head: Sequence[str], rows: list, truncated: bool) -> bytes:
    return f"{language} {query} {list(head)} {rows} {truncated}".encode()


def answer(store: ox.Store, query: str, accept: str, override: str) -> Answer:
    job = Job(query, accept, override, "en")
    return sparql.respond(store, prefixes(BASE), 100, page, job, base_iri=ENDPOINT)


@pytest.mark.parametrize(("query", "accept", "override"), CASES)
def test_the_unchecked_way_answers_as_the_checked_way(
    store: ox.Store, monkeypatch: pytest.MonkeyPatch, query: str, accept: str, override: str
) -> None:
    found = answer(store, query, accept, override)
    with monkeypatch.context() as patched:
        patched.setattr(sparql, "_may_need_checks", lambda text: True)
        checked = answer(store, query, accept, override)
    assert found == checked


def test_an_ambiguous_less_than_is_refused_only_where_it_could_hide_a_service(
    store: ox.Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one refusal of the checks the unchecked way does not make (`sparql._unchecked`)."""
    query = "SELECT * { ?s ?p ?o FILTER(?o<?s)#x>\n}"
    assert answer(store, query, "", "").status == 200  # Oxigraph's reading: less-than
    hiding = "PREFIX : <http://e/> SELECT * { ?s ?p ?o FILTER(?o<?s)SERVICE:x#>\n{} }"
    refused = answer(store, hiding, "", "")
    assert (refused.status, b"less-than" in refused.body) == (400, True)
    with monkeypatch.context() as patched:
        patched.setattr(sparql, "_may_need_checks", lambda text: True)
        assert b"less-than" in answer(store, query, "", "").body


def test_only_texts_that_cannot_need_the_checks_skip_them() -> None:
    assert not sparql._may_need_checks("SELECT * { ?s ?p ?o }")
    assert sparql._may_need_checks("SELECT * { ?s ?p 'Service' }")
    assert sparql._may_need_checks("SELECT*{SERVICESILENT<http://e/>{}}")
    long_and_flat = "SELECT * { ?s ?p ?o }" + " " * MAX_QUERY_NESTING
    assert not sparql._may_need_checks(long_and_flat)
    assert sparql._may_need_checks("SELECT * {" + " FILTER(1)" * MAX_QUERY_NESTING + " }")
    assert sparql._may_need_checks("ASK {" + "(" * (MAX_QUERY_NESTING + 1) + " }")
