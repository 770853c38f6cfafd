"""`push`, `query --endpoint` and `serve --endpoint` against a real OpenLink Virtuoso 7.2 (Debian's
`virtuoso-opensource`, installed by .ci/run), started here on free 127.0.0.1 ports in a temporary
folder with its own virtuoso.ini, and stopped after the module.

What Virtuoso does as packaged, and this checks the command copes with: its Graph Store
endpoint `/sparql-graph-crud` answers 403 until `GRANT SPARQL_UPDATE TO "SPARQL"`; its
`/sparql-graph-crud-auth` and `/sparql-auth` want HTTP Digest (a Basic attempt gets a bare
401); `ResultSetMaxRows` (10,000 as packaged, 100 here) cuts a SELECT with `X-SPARQL-MaxRows`
and a CONSTRUCT at the limit + 1 triples with no header at all.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from learningcity.errors import ExitCode
from learningcity.load import load_paths
from learningcity.query import list_named_queries
from processes import Virtuoso, serving, virtuoso_server
from rdfcompare import canonical, from_nquads
from support import REPO

LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))
YONGSAN = str(REPO / "data" / "yongsan.ttl")
DATASET = "https://w3id.org/learningcity/id/dataset/kr-yongsan-gu"
MAX_ROWS = 100
DBA = {"LEARNINGCITY_USER": "dba", "LEARNINGCITY_PASSWORD": "dba"}  # the packaged default


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """A fresh Virtuoso with an empty database, cutting answers at `MAX_ROWS`."""
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso"), MAX_ROWS) as server:
        yield server


def learningcity(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LEARNINGCITY_")}
    return subprocess.run(
        [LEARNINGCITY, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**clean, **env},
    )


def one_line(done: subprocess.CompletedProcess[str], code: int, *parts: str) -> None:
    assert done.returncode == code, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    for part in parts:
        assert part in done.stderr, done.stderr


def graph_size(virtuoso: Virtuoso, graph: str) -> int:
    count = f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    done = learningcity("query", count, "--endpoint", f"{virtuoso.url}/sparql", "--format", "csv")
    assert done.returncode == ExitCode.OK, done.stderr
    return int(done.stdout.splitlines()[1])


def data_triples() -> set[ox.Triple]:
    return {q.triple for q in load_paths(YONGSAN)}


@pytest.fixture(scope="module")
def yongsan(virtuoso: Virtuoso) -> Virtuoso:
    """The Virtuoso with Yongsan pushed, as dba (Digest, through `/sparql-graph-crud-auth`)."""
    to = f"{virtuoso.url}/sparql-graph-crud-auth"
    pushed = learningcity("push", YONGSAN, "--to", to, **DBA)
    assert pushed.returncode == ExitCode.OK, pushed.stderr
    return virtuoso


def test_push_with_credentials_answers_virtuosos_digest(virtuoso: Virtuoso) -> None:
    to = f"{virtuoso.url}/sparql-graph-crud-auth"
    wrong = learningcity("push", YONGSAN, "--to", to, **{**DBA, "LEARNINGCITY_PASSWORD": "nope"})
    one_line(wrong, ExitCode.IO_ERROR, "HTTP 401", "refused the credentials of LEARNINGCITY_USER")
    assert "nope" not in wrong.stderr
    pushed = learningcity("push", YONGSAN, "--to", to, **DBA)
    assert pushed.returncode == ExitCode.OK, pushed.stderr
    assert graph_size(virtuoso, DATASET) == len(data_triples())
    ask = f"ASK {{ GRAPH <{DATASET}> {{ ?post org:role lc:mayorRole }} }}"
    asked = learningcity("query", ask, "--endpoint", f"{virtuoso.url}/sparql-auth", **DBA)
    assert asked.returncode == ExitCode.OK, asked.stderr


def test_push_without_the_grant_says_what_to_grant(virtuoso: Virtuoso) -> None:
    to = f"{virtuoso.url}/sparql-graph-crud"
    refused = learningcity("push", YONGSAN, "--to", to, "--graph", "https://example.org/g")
    one_line(refused, ExitCode.IO_ERROR, "HTTP 403 Forbidden", 'GRANT SPARQL_UPDATE TO "SPARQL"')
    virtuoso.sql('GRANT SPARQL_UPDATE TO "SPARQL"')
    try:
        pushed = learningcity("push", YONGSAN, "--to", to, "--graph", "https://example.org/g")
        assert pushed.returncode == ExitCode.OK, pushed.stderr
        assert graph_size(virtuoso, "https://example.org/g") == len(data_triples())
    finally:
        virtuoso.sql('REVOKE SPARQL_UPDATE FROM "SPARQL"')


@pytest.mark.parametrize(
    ("query", "said"),
    [
        (f"SELECT * {{ GRAPH <{DATASET}> {{ ?s ?p ?o }} }}", f"X-SPARQL-MaxRows: {MAX_ROWS}"),
        (
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{DATASET}> {{ ?s ?p ?o }} }}",
            f"it answers {MAX_ROWS} rows when asked for {MAX_ROWS + 2}",  # 101 triples came
        ),
    ],
    ids=["select", "construct"],
)
def test_query_endpoint_refuses_what_virtuoso_cut(yongsan: Virtuoso, query: str, said) -> None:
    """The packaged Virtuoso sent 10,000 of 10,389 rows and 10,001 triples, and exit was 0."""
    done = learningcity("query", query, "--endpoint", f"{yongsan.url}/sparql", "--format", "nt")
    one_line(done, ExitCode.BAD_INPUT, said, "LIMIT n, then OFFSET n under an ORDER BY")
    assert done.stdout == ""


@pytest.mark.parametrize("query", list_named_queries(), ids=lambda q: q.name)
def test_named_queries_answer_on_virtuoso_as_on_the_files(yongsan: Virtuoso, query) -> None:
    """Virtuoso's default graph is every graph it holds; `--graph` gives the pushed one. Rows
    compared as multisets, graphs after canonical labelling."""
    graph = "CONSTRUCT" in query.text
    output = ("--format", "nt" if graph else "csv")
    remote = ("--endpoint", f"{yongsan.url}/sparql", "--graph", DATASET)
    there = learningcity("query", "--name", query.name, *remote, *output)
    here = learningcity("query", "--name", query.name, YONGSAN, *output)
    assert there.returncode == here.returncode == ExitCode.OK, there.stderr + here.stderr
    if graph:
        assert canonical(from_nquads(there.stdout)) == canonical(from_nquads(here.stdout))
    else:
        assert sorted(there.stdout.splitlines()) == sorted(here.stdout.splitlines())


def test_serve_endpoint_copies_all_of_a_graph_past_the_limit(yongsan: Virtuoso) -> None:
    assert len(data_triples()) > 2 * MAX_ROWS
    args = ("--endpoint", f"{yongsan.url}/sparql", "--graph", DATASET)
    with serving(*args, "--public-base", "https://w3id.org/learningcity/id/") as root:
        answer = httpx.post(
            root + "sparql",
            data={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
            headers={"Accept": "application/n-triples"},
            timeout=30,
        )
    copied = ox.parse(answer.content, format=ox.RdfFormat.N_TRIPLES)
    expected = (ox.Quad(t.subject, t.predicate, t.object) for t in data_triples())
    assert canonical(ox.Quad(t.subject, t.predicate, t.object) for t in copied) == canonical(
        expected
    )
