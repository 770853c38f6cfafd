"""Row limits of remote stores: an answer a server cut short is never passed on as a whole one.

The remote here is a real `learningcity serve --max-rows N` on 127.0.0.1: it answers with the
first N rows or triples and says so in `X-SPARQL-MaxRows`, the header Virtuoso sends (the
packaged Virtuoso's 10,000-row limit cut a 10,389-triple network: `query --endpoint` exited 0
on the cut answer, `serve --endpoint` served 10,001 statements). `query --endpoint` refuses
such an answer in one line (exit 2: the query is the user's to page); `serve --endpoint` reads
the graph in pages until it has every triple the server counts. Real Virtuoso: test_virtuoso.py.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from learningcity.errors import ExitCode
from learningcity.load import load_paths
from processes import serving
from rdfcompare import canonical
from support import REPO

LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))
YONGSAN = str(REPO / "data" / "yongsan.ttl")
LIMIT = 40
#: Both servers publish the data under its own IRIs, so the copy can be compared with the file.
AS_IS = ("--public-base", "https://w3id.org/learningcity/id/")


@pytest.fixture(scope="module")
def limited() -> Iterator[str]:
    """A `learningcity serve` of Yongsan whose answers carry at most LIMIT rows; its root."""
    with serving(YONGSAN, "--max-rows", str(LIMIT), "--workers", "1", *AS_IS) as root:
        yield root


def learningcity(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LEARNINGCITY, *args], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize(
    "query",
    ["SELECT * { ?s ?p ?o }", "CONSTRUCT WHERE { ?s ?p ?o }", "DESCRIBE ?s { ?s ?p ?o }"],
)
def test_query_endpoint_refuses_an_answer_cut_at_the_row_limit(limited: str, query: str) -> None:
    output = "csv" if query.startswith("SELECT") else "nt"
    done = learningcity("query", query, "--endpoint", f"{limited}sparql", "--format", output)
    assert done.returncode == ExitCode.BAD_INPUT, done.stderr
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith(f"learningcity: error: POST {limited}sparql: "), done.stderr
    assert f"(X-SPARQL-MaxRows: {LIMIT}; {LIMIT} " in done.stderr, done.stderr
    assert "LIMIT n, then OFFSET n under an ORDER BY" in done.stderr


def test_an_answer_under_the_limit_is_whole(limited: str) -> None:
    query = f"SELECT * {{ ?s ?p ?o }} ORDER BY ?s ?p ?o LIMIT {LIMIT - 1}"
    done = learningcity("query", query, "--endpoint", f"{limited}sparql", "--format", "csv")
    assert done.returncode == ExitCode.OK, done.stderr
    assert len(done.stdout.splitlines()) == LIMIT  # the header and LIMIT - 1 rows


def test_serve_endpoint_copies_every_statement_past_the_row_limit(limited: str) -> None:
    data = [ox.Quad(q.subject, q.predicate, q.object) for q in load_paths(YONGSAN)]
    assert len(data) > 5 * LIMIT
    with serving("--endpoint", f"{limited}sparql", *AS_IS) as root:
        answer = httpx.post(
            root + "sparql",
            data={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
            headers={"Accept": "application/n-triples"},
            timeout=30,
        )
    assert "X-SPARQL-MaxRows" not in answer.headers  # the copy's own limit is 10,000
    copied = ox.parse(answer.content, format=ox.RdfFormat.N_TRIPLES)
    assert canonical(ox.Quad(t.subject, t.predicate, t.object) for t in copied) == canonical(data)
