"""What a valid query means, the same through the installed `learningcity query` and a running
`learningcity serve` (/sparql): relative IRIs resolve against a base IRI, a function the engine
does not know is a SPARQL error value, and `<` is less-than after a value in an expression
and an IRI elsewhere (in collections and VALUES rows), as Oxigraph reads it.

On 120cdf1 each of these failed: a relative IRI was a syntax error ("expected OPTIONAL"), an
unknown function failed the whole query ("The custom function ... is not supported"), and
`(1 <urn:x#y>)` or `FILTER(?o<?z&&?z>?o)` was refused as "could also be read as less-than".
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from learningcity.errors import ExitCode
from processes import free_port, stop, wait_until_healthy

LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))
DATA = '<http://example.org/s> <http://example.org/p> "v" .\n'

#: A call of an unknown function in each place an expression stands, with the rows SPARQL's
#: error semantics give over DATA: unbound where bound, false where filtered.
UNKNOWN_FUNCTIONS = {
    "BIND": ("SELECT ?o ?x { ?s ?p ?o BIND(<urn:nope>(?o) AS ?x) }", [{"o": "v"}]),
    "projection": ("SELECT (<urn:nope>() AS ?x) {}", [{}]),
    "FILTER": ("SELECT ?o { ?s ?p ?o FILTER(<urn:nope>(?o)) }", []),
    "negated FILTER": ("SELECT ?o { ?s ?p ?o FILTER(!<urn:nope>(?o)) }", []),
    "error or true": ("SELECT ?o { ?s ?p ?o FILTER(<urn:nope>(?o) || true) }", [{"o": "v"}]),
    "COALESCE": ("SELECT (COALESCE(ex:f(), 'y') AS ?x) {}", [{"x": "y"}]),
    "ORDER BY": ("SELECT ?o { ?s ?p ?o } ORDER BY ex:f(?o)", [{"o": "v"}]),
    "beside a cast": (
        "SELECT (xsd:integer('7') AS ?i) (ex:f(?o) AS ?x) { ?s ?p ?o }",
        [{"i": "7"}],
    ),
}
PROLOGUE = "PREFIX ex: <http://example.org/fn#>\n"
#: Terms between which SPARQL has no operator: an IRI with `#` after a value is no less-than.
TERMS = {
    "VALUES row": "SELECT ?b { VALUES (?a ?b) { (1 <urn:x#y>) } }",
    "collection": "CONSTRUCT { ?s ?p (1 <urn:x#y>) } WHERE { ?s ?p ?o }",
}
#: Less-than written without spaces, where `<...>` could also be read as an IRI.
LESS_THAN = {
    "compact": "SELECT ?o { ?s ?p ?o BIND('z' AS ?z) FILTER(?o<?z&&?z>?o) }",
    "before a call": "SELECT ?o { ?s ?p ?o FILTER(?o<ucase(?o)||?o>ucase(?o)) }",
}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("semantics") / "data.nt"
    path.write_text(DATA, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def root(data: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [LEARNINGCITY, "serve", str(data), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    served = f"http://127.0.0.1:{port}/"
    try:
        wait_until_healthy(served, process)
        yield served
    finally:
        stop(process)


def learningcity(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([LEARNINGCITY, *args], capture_output=True, text=True, timeout=60)


def rows(results: str) -> list[dict[str, str]]:
    bindings = json.loads(results)["results"]["bindings"]
    return [{name: cell["value"] for name, cell in row.items()} for row in bindings]


def sparql(
    root: str, query: str, accept: str = "application/sparql-results+json"
) -> httpx.Response:
    return httpx.post(
        root + "sparql", data={"query": query}, headers={"Accept": accept}, timeout=30
    )


# --- unknown functions -----------------------------------------------------------------------


@pytest.mark.parametrize("place", list(UNKNOWN_FUNCTIONS))
def test_an_unknown_function_is_an_error_value_on_the_command_line(place: str, data: Path) -> None:
    query, expected = UNKNOWN_FUNCTIONS[place]
    done = learningcity("query", PROLOGUE + query, str(data), "--format", "json")
    assert done.returncode == ExitCode.OK, done.stderr
    assert rows(done.stdout) == expected


@pytest.mark.parametrize("place", list(UNKNOWN_FUNCTIONS))
def test_an_unknown_function_is_an_error_value_at_the_endpoint(place: str, root: str) -> None:
    query, expected = UNKNOWN_FUNCTIONS[place]
    answer = sparql(root, PROLOGUE + query)
    assert answer.status_code == 200, answer.text
    assert rows(answer.text) == expected


def test_many_unknown_functions_cost_one_more_parse(data: Path) -> None:
    """A refusal names one function; one retry each took 122 s for 1,000 (measured)."""
    calls = ", ".join(f"<urn:f{i}>()" for i in range(2_000))
    done = learningcity("query", f"SELECT (COALESCE({calls}, 'y') AS ?x) {{}}", str(data))
    assert done.returncode == ExitCode.OK, done.stderr[-300:]
    assert rows(done.stdout) == [{"x": "y"}]


# --- base IRI ----------------------------------------------------------------------------------

RELATIVE = "SELECT (STR(<x>) AS ?x) {}"


def test_the_endpoint_resolves_relative_iris_against_its_own_url(root: str) -> None:
    answer = sparql(root, RELATIVE)
    assert answer.status_code == 200, answer.text
    assert rows(answer.text) == [{"x": root + "x"}]
    construct = sparql(root, "CONSTRUCT FROM <g> WHERE { ?s ?p ?o }", "application/n-triples")
    assert construct.status_code == 200 and construct.text.strip() == "", construct.text


def test_the_command_takes_a_base_iri_for_the_query(data: Path) -> None:
    given = learningcity("query", RELATIVE, str(data), "--base-iri", "http://example.org/a/")
    assert given.returncode == ExitCode.OK, given.stderr
    assert rows(given.stdout) == [{"x": "http://example.org/a/x"}]


def test_a_query_file_is_its_own_base_by_default(data: Path, tmp_path: Path) -> None:
    query = tmp_path / "q.rq"
    query.write_text(RELATIVE, encoding="utf-8")
    done = learningcity("query", "-f", str(query), str(data))
    assert done.returncode == ExitCode.OK, done.stderr
    own = query.resolve().as_uri()
    assert rows(done.stdout) == [{"x": (tmp_path / "x").resolve().as_uri()}]
    assert done.stderr == (
        f"learningcity: warning: {query}: relative IRIs were resolved against the file's own IRI "
        f"{own}, so they depend on where the file lies; give --base-iri IRI, or declare a base "
        "in the file (its only remedy for --shapes and --ontology)\n"
    )  # as for DATA: the answer holds a local path


def test_a_relative_iri_with_no_base_is_refused_in_one_line(data: Path) -> None:
    done = learningcity("query", RELATIVE, str(data))
    assert done.returncode == ExitCode.BAD_INPUT
    assert done.stderr == (
        "learningcity: error: query:1:13: <x> is relative and the query has no base IRI; "
        "declare BASE <...> or give one (--base-iri)\n"
    )
    based = learningcity("query", "BASE <http://example.org/b/> " + RELATIVE, str(data))
    assert rows(based.stdout) == [{"x": "http://example.org/b/x"}]


def test_a_remote_query_takes_the_same_base(root: str) -> None:
    """`--base-iri` goes with the query as BASE; without it the endpoint's URL is the base."""
    endpoint = root + "sparql"
    given = learningcity(
        "query", RELATIVE, "--endpoint", endpoint, "--base-iri", "http://example.org/r/"
    )
    assert given.returncode == ExitCode.OK, given.stderr
    assert rows(given.stdout) == [{"x": "http://example.org/r/x"}]
    plain = learningcity("query", RELATIVE, "--endpoint", endpoint)
    assert rows(plain.stdout) == [{"x": root + "x"}], plain.stderr


# --- terms are not expressions -----------------------------------------------------------------


@pytest.mark.parametrize("place", list(TERMS))
def test_iris_among_terms_are_not_less_than(place: str, data: Path, root: str) -> None:
    done = learningcity("query", TERMS[place], str(data))
    assert done.returncode == ExitCode.OK, done.stderr
    assert "urn:x#y" in done.stdout
    answer = sparql(root, TERMS[place], "application/n-triples, application/sparql-results+json")
    assert answer.status_code == 200 and "urn:x#y" in answer.text, answer.text


@pytest.mark.parametrize("place", list(LESS_THAN))
def test_less_than_after_a_value_is_less_than(place: str, data: Path, root: str) -> None:
    done = learningcity("query", LESS_THAN[place], str(data), "--format", "json")
    assert done.returncode == ExitCode.OK, done.stderr
    assert rows(done.stdout) == [{"o": "v"}]
    answer = sparql(root, LESS_THAN[place])
    assert answer.status_code == 200, answer.text
    assert rows(answer.text) == [{"o": "v"}]
