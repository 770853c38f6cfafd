"""One answer everywhere: every named query gives the same rows on the files, on the `/sparql`
of a real `learningcity serve`, and on a real `oxigraph serve` after `learningcity push`, whose
store holds other graphs too (learningcity.dataset, docs/remote.md "One dataset everywhere").

Two datasets: Yongsan, pushed to two graphs that are then read together (the same statements
twice: rows must not double), and a generated network of five cities, pushed beside the Yongsan
graphs and a graph of unrelated statements that match the queries' patterns (a foreign source,
membership and label), none of which may add a row. The same pushes to a real Virtuoso 7 (another
engine, whose DESCRIBE adds the statements pointing at the resource) give the same rows too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.util import from_n3

from learningcity.cli import cli
from learningcity.dataset import ONTOLOGY_GRAPH, SCHEME_GRAPH, vocabulary, with_vocabulary
from learningcity.errors import ExitCode
from learningcity.load import load_paths
from learningcity.namespaces import DEFAULT_DATA_BASE
from learningcity.query import inspect_query, list_named_queries, run_query, store_for
from processes import (
    free_port,
    oxigraph_serving,
    serving,
    virtuoso_server,
)
from support import REPO

LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))
YONGSAN = REPO / "data" / "yongsan.ttl"
QUERIES = list_named_queries()
UNDER_DATA_BASE = ("--public-base", DEFAULT_DATA_BASE)
UNRELATED = """\
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix schema: <https://schema.org/> .
<https://example.org/other/thing> dcterms:source <https://example.org/other/source> .
<https://example.org/other/membership> a org:Membership ;
    org:member <https://example.org/other/city> ;
    org:organization <https://w3id.org/learningcity/id/organization/gnlc> .
<https://w3id.org/learningcity/id/organization/gnlc> schema:name "Another name"@en .
<https://w3id.org/learningcity/policy-area/equity-and-inclusion>
    <http://www.w3.org/2004/02/skos/core#prefLabel> "Another label"@en .
"""


@dataclass(frozen=True)
class Place:
    """Where a query runs: the arguments `learningcity query` gets besides the query."""

    name: str
    arguments: tuple[str, ...]


@dataclass(frozen=True)
class Case:
    """One dataset: its file, a city of it (for the queries about one resource), and the three
    places its queries run."""

    name: str
    data: Path
    city: str
    places: tuple[Place, ...]


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LEARNINGCITY_")}
    done = subprocess.run(
        [LEARNINGCITY, *args], capture_output=True, text=True, timeout=120, env={**clean, **env}
    )
    assert done.returncode == ExitCode.OK, done.stderr
    return done


def push_all(store: str, network: Path, folder: Path, **env: str) -> None:
    """Push Yongsan to two graphs, the network to a third, and unrelated statements."""
    unrelated = folder / "unrelated.ttl"
    unrelated.write_text(UNRELATED, encoding="utf-8")
    for data, graph in (
        (YONGSAN, "https://example.org/yongsan-1"),
        (YONGSAN, "https://example.org/yongsan-2"),
        (network, "https://example.org/network"),
        (unrelated, "https://example.org/unrelated"),
    ):
        run("push", str(data), "--to", store, "--graph", graph, **env)


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("network") / "network.ttl"
    script = str(REPO / "scripts" / "generate_network.py")
    subprocess.run([sys.executable, script, "5", "--seed", "3", "-o", str(path)], check=True)
    return path


@pytest.fixture(scope="module")
def pushed(tmp_path_factory: pytest.TempPathFactory, network: Path) -> Iterator[str]:
    """A real `oxigraph serve` holding Yongsan twice, the network, and unrelated statements."""
    folder = tmp_path_factory.mktemp("oxigraph")
    with oxigraph_serving(folder / "db") as root:
        push_all(f"{root}/store", network, folder)
        yield f"{root}/query"


@pytest.fixture(scope="module")
def served_yongsan() -> Iterator[str]:
    """`learningcity serve` under the data's own base, so its IRIs are the files' ones."""
    with serving(str(YONGSAN), "--workers", "1", *UNDER_DATA_BASE) as root:
        yield root


@pytest.fixture(scope="module")
def served_network(network: Path) -> Iterator[str]:
    with serving(str(network), "--workers", "1", *UNDER_DATA_BASE) as root:
        yield root


@pytest.fixture(scope="module")
def cases(network: Path, pushed: str, served_yongsan: str, served_network: str) -> list[Case]:
    city = sorted(
        q.subject.value
        for q in load_paths(network)
        if q.predicate.value.endswith("#type") and q.object.value.endswith("#LearningCity")
    )[0]

    def places(data: Path, served: str, *graphs: str) -> tuple[Place, ...]:
        on_graphs = [a for g in graphs for a in ("--graph", g)]
        return (
            Place("files", (str(data),)),
            Place("/sparql", ("--endpoint", served + "sparql")),
            Place("pushed", ("--endpoint", pushed, *on_graphs)),
        )

    return [
        Case(
            "yongsan",
            YONGSAN,
            DEFAULT_DATA_BASE + "city/kr-yongsan-gu",
            places(
                YONGSAN,
                served_yongsan,
                "https://example.org/yongsan-1",
                "https://example.org/yongsan-2",
            ),
        ),
        Case(
            "network", network, city, places(network, served_network, "https://example.org/network")
        ),
    ]


def answer(query: str, place: Place, city: str) -> Counter[str]:
    """The answer as a multiset: of rows (each its bindings, as JSON) or of canonical triples."""
    named = next(q for q in QUERIES if q.name == query)
    graph = inspect_query(named.text) in ("CONSTRUCT", "DESCRIBE")
    params = ["--param", f"resource={city}"] if "resource" in {p.name for p in named.params} else []
    result = CliRunner().invoke(
        cli,
        [
            "query",
            "--name",
            query,
            *params,
            *place.arguments,
            "--format",
            "nt" if graph else "json",
        ],
    )
    assert result.exit_code == ExitCode.OK, f"{place.name}: {result.output}"
    if graph:
        triples = ox.Dataset(ox.parse(result.stdout_bytes, format=ox.RdfFormat.N_TRIPLES))
        triples.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
        return Counter(str(q) for q in triples)
    rows = json.loads(result.stdout)["results"]["bindings"]
    return Counter(json.dumps(row, sort_keys=True) for row in rows)


@pytest.mark.parametrize("query", [q.name for q in QUERIES])
def test_every_named_query_answers_the_same_everywhere(cases: list[Case], query: str) -> None:
    answered = 0
    for case in cases:
        files, *others = (answer(query, place, case.city) for place in case.places)
        for place, other in zip(case.places[1:], others, strict=True):
            assert other == files, f"{case.name}: {place.name} differs from the files"
        answered += sum(files.values())
    assert answered, "an empty answer everywhere proves nothing"


def test_sparql_serves_the_data_as_default_graph_and_the_vocabulary_by_name(
    served_yongsan: str,
) -> None:
    """A researcher's query of the default graph sees the data alone; GRAPH reads the vocabulary."""
    count = (
        "SELECT ?g (COUNT(*) AS ?n) { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } GROUP BY ?g"
    )
    answer = httpx.post(
        served_yongsan + "sparql",
        data={"query": count},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    rows = answer.json()["results"]["bindings"]
    counts = {row.get("g", {}).get("value"): int(row["n"]["value"]) for row in rows}
    expected = Counter(q.graph_name.value for q in vocabulary())
    assert counts == {None: len(load_paths(YONGSAN)), **expected}
    assert set(expected) == {ONTOLOGY_GRAPH.value, SCHEME_GRAPH.value}


def test_a_store_answers_as_the_files(tmp_path: Path) -> None:
    """`--store` gets the vocabulary graphs too, for the queries that read them."""
    store = tmp_path / "store"
    run("load", str(YONGSAN), "--store", str(store))
    for query in ("practices", "policy-statements", "sources"):
        files = answer(query, Place("files", (str(YONGSAN),)), "")
        assert answer(query, Place("store", ("--store", str(store))), "") == files


def test_data_in_a_vocabulary_graph_is_refused(tmp_path: Path) -> None:
    """Statements of DATA in a vocabulary graph would be read as the vocabulary's: one line,
    exit 2, for a query that reads it and for the server; a query of the default graph runs."""
    data = tmp_path / "data.trig"
    data.write_text(
        "<https://example.org/a> <https://example.org/b> 0 .\n"
        f"GRAPH <{SCHEME_GRAPH.value}> {{ <https://example.org/a> <https://example.org/b> 1 }}\n",
        encoding="utf-8",
    )
    for command in (
        ["query", "--name", "practices", str(data)],
        ["serve", str(data), "--port", str(free_port())],
    ):
        done = subprocess.run([LEARNINGCITY, *command], capture_output=True, text=True, timeout=60)
        assert done.returncode == ExitCode.BAD_INPUT, done.stderr
        assert done.stderr == (
            f"learningcity: error: {data if command[0] == 'query' else 'the data'}: has "
            f"statements in the graph {SCHEME_GRAPH}, which the served dataset keeps for the "
            "bundled vocabulary; put them in another graph\n"
        )
    assert run("query", "ASK { ?s ?p ?o }", str(data)).returncode == ExitCode.OK


@pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")
@pytest.mark.parametrize("data", ["yongsan", "network"])
def test_another_engine_gives_the_same_rows(network: Path, data: str) -> None:
    """rdflib's SPARQL engine, over the same dataset (the data as default graph, the vocabulary
    graphs by name), gives Oxigraph's rows for every named query: they rely on no engine's
    choices (what DESCRIBE returns, whether merged graphs give duplicates)."""
    path = YONGSAN if data == "yongsan" else network
    dataset = rdflib.Dataset()
    dataset.parse(path, format="turtle")
    for quad in vocabulary():
        graph = dataset.graph(rdflib.URIRef(quad.graph_name.value))
        graph.add(tuple(from_n3(str(term)) for term in quad.triple))
    store = with_vocabulary(store_for(load_paths(path)), str(path))
    for query in QUERIES:
        bindings = query.bind({})
        ours = run_query(store, query.text, substitutions=bindings)
        theirs = dataset.query(
            query.text, initBindings={name: from_n3(str(term)) for name, term in bindings.items()}
        )
        if ours.is_graph:
            assert {str(t) for t in ours.result} == {
                " ".join(term.n3() for term in triple) for triple in theirs
            }, query.name
            continue
        names = [v.value for v in ours.result.variables]
        assert Counter(
            tuple(None if row[n] is None else str(row[n]) for n in names) for row in ours.result
        ) == Counter(
            tuple(None if row[n] is None else row[n].n3() for n in names) for row in theirs
        ), query.name


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory, network: Path) -> Iterator[str]:
    """Debian's Virtuoso 7 holding what `pushed` holds, pushed the same way (as its dba)."""
    folder = tmp_path_factory.mktemp("virtuoso")
    with virtuoso_server(folder, max_rows=10_000) as server:
        dba = {"LEARNINGCITY_USER": "dba", "LEARNINGCITY_PASSWORD": "dba"}  # as packaged
        push_all(f"{server.url}/sparql-graph-crud-auth", network, folder, **dba)
        yield f"{server.url}/sparql"


@pytest.mark.parametrize("query", [q.name for q in QUERIES])
def test_virtuoso_gives_the_same_rows(cases: list[Case], virtuoso: str, query: str) -> None:
    """Another engine, with its own choices (DESCRIBE adds the statements pointing at the
    resource; merged graphs): the named queries over the same graphs give the files' rows."""
    for case in cases:
        pushed = case.places[-1]
        place = Place("virtuoso", ("--endpoint", virtuoso, *pushed.arguments[2:]))
        assert answer(query, place, case.city) == answer(query, case.places[0], case.city)
