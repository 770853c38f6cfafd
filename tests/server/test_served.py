"""The served data (`learningcity.server.served`): one Store read by pages and SPARQL, holding the
same statements, each literal as written, that a Dataset of the rebased data holds."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from learningcity import stored
from learningcity.errors import InputError
from learningcity.rendering.iris import rebase
from learningcity.server import Limits, create_app
from learningcity.server.served import served_data
from learningcity.stored import rebased_nquads

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

OLD = "https://w3id.org/learningcity/id/"
NEW = "http://testserver/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
#: Literals a Store rewrites (trailing zeros, a leading plus, an exponent), one written both ways,
#: blank nodes, a named graph, a literal holding the base's IRI text, a datatype under the base.
TRICKY = f"""
@prefix city: <{OLD}city/> .
@prefix xsd: <{XSD}> .
city:a city:lat "-0.081760"^^xsd:decimal , "37.5"^^xsd:decimal ;
  city:population "+0100"^^xsd:integer , "100"^^xsd:integer ;
  city:ratio "1e3"^^xsd:double ;
  city:note "see <{OLD}city/b> and \\"<{OLD}city/c>\\"" ;
  city:code "x1"^^<{OLD}datatype/code> ;
  city:place [ city:lat "1.50"^^xsd:decimal ] .
city:b city:near city:a .
"""
TRIG = f"""
@prefix city: <{OLD}city/> .
@prefix xsd: <{XSD}> .
city:g {{ city:a city:lat "2.0"^^xsd:decimal ; city:near city:b . }}
city:c city:near city:a .
"""


def parsed(text: str, syntax: ox.RdfFormat) -> list[ox.Quad]:
    return list(ox.parse(text.encode(), format=syntax))


@pytest.fixture(params=[(TRICKY, ox.RdfFormat.TURTLE), (TRIG, ox.RdfFormat.TRIG)])
def quads(request: pytest.FixtureRequest) -> list[ox.Quad]:
    return parsed(*request.param)


def flat(quads: Iterator[ox.Quad]) -> set[ox.Quad]:
    return set(quads)


def test_the_served_graph_holds_what_a_dataset_of_the_rebased_data_holds(quads):
    expected = rebase(quads, OLD, NEW)
    data = served_data(quads, OLD, NEW)
    graph = data.graph
    assert flat(iter(graph)) == set(expected)
    assert len(graph) == len(expected)
    terms = {t for q in expected for t in (q.subject, q.object) if not isinstance(t, ox.Literal)}
    for term in terms:
        assert flat(graph.quads_for_subject(term)) == set(expected.quads_for_subject(term))
        assert flat(graph.quads_for_object(term)) == set(expected.quads_for_object(term))
    for predicate in {q.predicate for q in expected}:
        assert flat(graph.quads_for_predicate(predicate)) == set(
            expected.quads_for_predicate(predicate)
        )
    for literal in {q.object for q in expected if isinstance(q.object, ox.Literal)}:
        assert flat(graph.quads_for_object(literal)) == set(expected.quads_for_object(literal))
    subjects = sorted({q.subject.value for q in expected if isinstance(q.subject, ox.NamedNode)})
    assert graph.named_subjects() == subjects


def test_the_store_holds_the_data_in_canonical_form_for_sparql(quads):
    data = served_data(quads, OLD, NEW)
    store = ox.Store()
    store.extend(rebase(quads, OLD, NEW))
    assert set(data.store) == set(store) or data.blank_nodes  # blank labels differ per load
    assert len(data.store) == len(store)


@pytest.mark.parametrize(
    "line",
    [
        f'<{OLD}a> <{OLD}p> "plain" .',
        f'<{OLD}a> <{OLD}p> "holds <{OLD}b> as text" .',
        f'<{OLD}a> <{OLD}p> "x"^^<{OLD}type> .',
        f'<{OLD}a> <{OLD}p> "x" <{OLD}graph> .',
        f"<{OLD}a> <{OLD}p> <{OLD}b> <{OLD}graph> .",
        f'_:b <{OLD}p> "\\"quoted\\" <{OLD}b>"@en .',
        '<http://elsewhere/a> <http://elsewhere/p> "nothing to move" .',
    ],
)
def test_rebased_nquads_moves_what_rebase_moves(line):
    text = line.encode() + b"\n"
    moved = rebased_nquads(
        ox.serialize(ox.parse(text, format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS),
        OLD,
        NEW,
    )
    expected = rebase(ox.parse(text, format=ox.RdfFormat.N_QUADS), OLD, NEW)
    assert set(ox.parse(moved, format=ox.RdfFormat.N_QUADS)) == set(expected)


def test_documents_show_literals_as_written_and_sparql_answers_canonical_values():
    app = create_app(
        parsed(TRICKY, ox.RdfFormat.TURTLE),
        public_base=NEW,
        limits=Limits(timeout=5, workers=1),
    )
    with TestClient(app) as client:
        document = client.get("/doc/city/a.nt").text
        assert '"-0.081760"^^<http://www.w3.org/2001/XMLSchema#decimal>' in document
        assert '"+0100"^^<http://www.w3.org/2001/XMLSchema#integer>' in document
        assert '"100"^^<http://www.w3.org/2001/XMLSchema#integer>' in document
        page = client.get("/doc/city/a", headers={"Accept": "text/html"}).text
        assert "-0.081760" in page and "1e3" in page
        answer = client.get(
            "/sparql",
            params={"query": f"SELECT ?v {{ <{NEW}city/a> <{NEW}city/lat> ?v }} ORDER BY ?v"},
            headers={"Accept": "application/sparql-results+json"},
        ).json()
        values = [row["v"]["value"] for row in answer["results"]["bindings"]]
        assert values == ["-0.08176", "37.5"]
        assert client.get("/health").json()["triples"] == len(
            rebase(parsed(TRICKY, ox.RdfFormat.TURTLE), OLD, NEW)
        )


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> int:
    """Batches of 10 statements (of 4 KiB from a store), so that a few hundred statements span
    several: the batching is the same code at any size, and 100,000 statements (a batch as
    shipped) cost seconds a test in canonical hashing alone."""
    monkeypatch.setattr(stored, "BATCH", 10)
    monkeypatch.setattr(stored, "BATCH_BYTES", 4096)
    return stored.BATCH


def test_a_failure_while_reading_stops_the_loading_and_leaves_no_thread(small_batches):
    """Statements load a batch at a time in a thread while the next batch is read: a failure
    of the reading (a syntax error half-way through a file) is raised as it was, nothing
    left running."""

    def statements() -> Iterator[ox.Quad]:
        for i in range(3 * small_batches + 5):
            yield ox.Quad(ox.NamedNode(f"{OLD}city/c{i}"), ox.NamedNode(f"{OLD}p"), ox.Literal("x"))
        raise InputError("data.ttl:9:1: a syntax error")

    threads = threading.active_count()
    with pytest.raises(InputError, match="a syntax error"):
        served_data(statements(), OLD, NEW)
    assert threading.active_count() == threads


def test_batches_with_and_without_blank_nodes_load_alike(small_batches):
    quads = [
        ox.Quad(ox.NamedNode(f"{OLD}city/c{i}"), ox.NamedNode(f"{OLD}p"), ox.Literal(str(i)))
        for i in range(3 * small_batches + 5)
    ]
    quads.append(ox.Quad(ox.NamedNode(f"{OLD}city/c0"), ox.NamedNode(f"{OLD}q"), ox.BlankNode("b")))
    data = served_data(quads, OLD, NEW)
    assert data.blank_nodes
    assert set(data.graph) == set(rebase(quads, OLD, NEW))
    assert served_data(quads, OLD, NEW).tag == data.tag  # equal data, equal tag


def test_a_store_is_served_as_its_statements_are(tmp_path, small_batches):
    """A store (`serve --store`) is dumped in Rust and cut into batches at line ends."""
    quads = [
        ox.Quad(ox.NamedNode(f"{OLD}city/c{i}"), ox.NamedNode(f"{OLD}p"), ox.Literal("x" * 200))
        for i in range(1000)
    ]
    store = ox.Store(str(tmp_path / "store"))
    store.bulk_extend(quads)
    assert len(ox.serialize(store, format=ox.RdfFormat.N_QUADS)) > 10 * stored.BATCH_BYTES
    assert set(served_data(store, OLD, NEW).graph) == set(rebase(quads, OLD, NEW))
