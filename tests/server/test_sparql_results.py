"""SELECT and ASK answers as the endpoint writes them: Oxigraph's writers behind a row cap.

The cap is counted in the lines of Oxigraph's TSV (`server.results`): these tests hold it to
exactly `max_rows` rows at every boundary, across the writer's 8 KiB chunks and with literals
holding line breaks, and every format to the same solutions Oxigraph's own writer gives.
"""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest

from learningcity.formats import syntax_named
from learningcity.serialize import serialize, turtle_of_ntriples
from learningcity.server.results import capped_ntriples, write_boolean, write_solutions

FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "tsv": ox.QueryResultsFormat.TSV,
}
EX = "http://example.org/"
TURTLE = syntax_named("turtle")
#: Terms a writer could get wrong: line breaks, tabs, quotes, markup, a direction, a datatype,
#: a triple term, a blank node of the data, an unbound value.
TRICKY = f"""SELECT ?a ?b WHERE {{
  {{ VALUES (?a ?b) {{
    (<{EX}x> "line\\nbreak\\r\\ttab \\"quoted\\" <&>]]>")
    ("x"@ar--rtl 1)
    (UNDEF 1.5e3)
    (<<( <{EX}s> <{EX}p> "o"@en )>> "2020-01-01"^^<http://www.w3.org/2001/XMLSchema#date>)
    ("한국어"@ko "v"^^<{EX}dt>)
  }} }}
  UNION {{ ?a <{EX}p> ?b }}
}}"""


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    store.add(ox.Quad(ox.BlankNode("node1"), ox.NamedNode(EX + "p"), ox.BlankNode("node2")))
    for n in range(3000):
        text = f"row {n}\nwith a line break and some text to fill the chunks of the writer"
        store.add(ox.Quad(ox.NamedNode(f"{EX}r{n}"), ox.NamedNode(EX + "q"), ox.Literal(text)))
    return store


def solutions(body: bytes, name: str) -> list[tuple[object, ...]]:
    parsed = ox.parse_query_results(body, FORMATS[name])
    assert isinstance(parsed, ox.QuerySolutions)
    width = range(len(parsed.variables))
    return [tuple(row[i] for i in width) for row in parsed]


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_carries_the_solutions_oxigraph_writes(store: ox.Store, name: str) -> None:
    body, truncated = write_solutions(store.query(TRICKY), name, 10_000)
    direct = store.query(TRICKY).serialize(format=FORMATS[name])
    assert not truncated
    assert solutions(body, name) == solutions(direct, name)
    assert len(solutions(body, name)) == 6


def test_csv_has_values_and_triple_terms_in_their_turtle_form(store: ox.Store) -> None:
    body, _ = write_solutions(store.query(TRICKY), "csv", 10_000)
    rows = list(csv.reader(io.StringIO(body.decode(), newline="")))
    assert rows[0] == ["a", "b"]
    assert [f"{EX}x", 'line\nbreak\r\ttab "quoted" <&>]]>'] in rows
    assert [f'<<( <{EX}s> <{EX}p> "o"@en )>>', "2020-01-01"] in rows
    assert ["_:node1", "_:node2"] in rows


@pytest.mark.parametrize("name", [*FORMATS, "csv"])
@pytest.mark.parametrize(
    ("rows", "max_rows"), [(0, 1), (1, 1), (2, 1), (5, 5), (6, 5), (3000, 1234), (3000, 2999)]
)
def test_the_cap_is_exact_at_every_boundary(
    store: ox.Store, name: str, rows: int, max_rows: int
) -> None:
    """Rows of two lines of text each (the TSV escapes the break), thousands of them: the cut
    falls inside one of the writer's chunks, wherever the boundary is."""
    query = f"SELECT ?s ?o {{ ?s <{EX}q> ?o }} ORDER BY ?s LIMIT {rows}"
    body, truncated = write_solutions(store.query(query), name, max_rows)
    if name == "csv":
        got = list(csv.reader(io.StringIO(body.decode(), newline="")))[1:]
    else:
        got = solutions(body, name)
    expected = list(store.query(query))[:max_rows]
    assert len(got) == min(rows, max_rows)
    assert truncated == (rows > max_rows)
    assert [str(row[0]) for row in got] == [
        (str(s[0]) if name != "csv" else s[0].value) for s in expected
    ]


def test_a_solution_with_no_variables_is_one_row(store: ox.Store) -> None:
    body, truncated = write_solutions(store.query("SELECT * {}"), "json", 1)
    assert (body, truncated) == (b'{"head":{"vars":[]},"results":{"bindings":[{}]}}', False)
    assert write_solutions(store.query("SELECT * {}"), "json", 0)[1] is True


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("json", b'{"head":{},"boolean":true}'),
        ("csv", b"_askResult\r\ntrue\r\n"),
        ("tsv", b"?_askResult\ntrue\n"),
    ],
)
def test_ask_answers(store: ox.Store, name: str, written: bytes) -> None:
    answer = store.query("ASK {}")
    assert isinstance(answer, ox.QueryBoolean)
    assert write_boolean(answer, name) == written


@pytest.mark.parametrize(
    ("rows", "max_rows"), [(0, 1), (1, 1), (2, 1), (5, 5), (6, 5), (3000, 1234), (3000, 2999)]
)
def test_a_graph_answer_is_cut_at_exactly_max_rows_triples(
    store: ox.Store, rows: int, max_rows: int
) -> None:
    """A CONSTRUCT's N-Triples (`capped_ntriples`), one line per triple however many line
    breaks its literals hold, cut inside one of the writer's chunks."""
    query = f"CONSTRUCT {{ ?s <{EX}q> ?o }} WHERE {{ ?s <{EX}q> ?o }} ORDER BY ?s LIMIT {rows}"
    text, truncated = capped_ntriples(store.query(query), max_rows)
    got = list(ox.parse(text, format=ox.RdfFormat.N_TRIPLES))
    assert [q.triple for q in got] == list(store.query(query))[:max_rows]
    assert truncated == (rows > max_rows)


CONSTRUCTS = [
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 40",
    f"CONSTRUCT {{ ?s <{EX}r> [ <{EX}v> ?o ] }} WHERE {{ ?s <{EX}q> ?o }} LIMIT 5",
    f"CONSTRUCT {{ ?s <{EX}r> <<( ?s <{EX}q> ?o )>> }} WHERE {{ ?s ?p ?o }} LIMIT 5",
    f'CONSTRUCT {{ <{EX}s> <{EX}r> "x"@ar--rtl, "5\\n"^^<{EX}integer> }} {{}}',
]


@pytest.mark.parametrize("query", CONSTRUCTS)
def test_turtle_of_a_graph_answer_is_the_canonical_turtle_of_its_triples(
    store: ox.Store, query: str
) -> None:
    """Written from Oxigraph's N-Triples (`turtle_of_ntriples`), blank nodes and triple terms
    included, the answer is byte for byte what `serialize` writes of the same triples."""
    namespaces = {"ex": EX}
    text, _ = capped_ntriples(store.query(query), 10_000)
    quads = [ox.Quad(*t) for t in store.query(query)]
    assert turtle_of_ntriples(text, namespaces) == serialize(quads, TURTLE, namespaces)
