"""`learningcity push` against a real read-write `oxigraph serve` on 127.0.0.1: the named graph is
replaced (never doubled), readable through `query --endpoint`, and failures are one line."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from learningcity.cli import cli
from learningcity.dataset import vocabulary
from learningcity.errors import ExitCode
from learningcity.load import load_paths
from learningcity.remote import dataset_iri
from processes import free_port
from support import FIXTURES, REPO

LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))
YONGSAN = str(REPO / "data" / "yongsan.ttl")
DATASET = "https://w3id.org/learningcity/id/dataset/kr-yongsan-gu"
COUNT = "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
#: The graphs every push puts beside the data's: the bundled vocabulary, as `serve` serves it.
VOCABULARY = Counter(q.graph_name.value for q in vocabulary())


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def graph_counts(server: str) -> dict[str, int]:
    result = invoke("query", COUNT, "--endpoint", f"{server}/query", "--format", "json")
    assert result.exit_code == ExitCode.OK, result.output
    rows = json.loads(result.output)["results"]["bindings"]
    return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}


def test_push_puts_the_data_in_the_datasets_graph(server: str) -> None:
    result = invoke("push", YONGSAN, "--to", f"{server}/store")
    assert result.exit_code == ExitCode.OK, result.output
    assert graph_counts(server) == {**VOCABULARY, DATASET: len(load_paths(YONGSAN))}
    mayor = invoke("query", "--name", "mayor", "--endpoint", f"{server}/query", "--format", "csv")
    assert "Hee Young Park" not in mayor.output  # the endpoint's default graph stays empty
    named = ("--endpoint", f"{server}/query", "--graph", DATASET, "--format", "csv")
    assert "Hee Young Park" in invoke("query", "--name", "mayor", *named).output
    in_graph = f"ASK {{ GRAPH <{DATASET}> {{ ?post org:role lc:mayorRole }} }}"
    assert invoke("query", in_graph, "--endpoint", f"{server}/query").exit_code == ExitCode.OK


def test_pushing_twice_replaces_the_graph(server: str) -> None:
    for _ in range(2):
        assert invoke("push", YONGSAN, "--to", f"{server}/store").exit_code == ExitCode.OK
    assert graph_counts(server) == {**VOCABULARY, DATASET: len(load_paths(YONGSAN))}


def test_a_smaller_push_leaves_only_the_new_statements(server: str) -> None:
    invoke("push", YONGSAN, "--to", f"{server}/store", "--graph", "https://example.org/g")
    city = str(FIXTURES / "query" / "city.ttl")
    pushed = invoke("push", city, "--to", f"{server}/store", "--graph", "https://example.org/g")
    assert pushed.exit_code == ExitCode.OK, pushed.output
    assert graph_counts(server) == {**VOCABULARY, "https://example.org/g": len(load_paths(city))}


def test_data_without_a_dataset_needs_graph(server: str) -> None:
    result = invoke("push", str(FIXTURES / "query" / "city.ttl"), "--to", f"{server}/store")
    assert "no dcat:Dataset; name the graph with --graph IRI" in str(result.exception)
    assert graph_counts(server) == {}


@pytest.mark.parametrize("graph", sorted(VOCABULARY))
def test_the_vocabularys_graph_is_not_the_datas(server: str, graph: str) -> None:
    done = subprocess.run(
        [LEARNINGCITY, "push", YONGSAN, "--to", f"{server}/store", "--graph", graph],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == ExitCode.BAD_INPUT
    assert "is a graph of the bundled vocabulary" in done.stderr
    assert done.stderr.count("\n") == 1
    assert graph_counts(server) == {}  # refused before anything was sent


def test_the_dataset_iri_is_the_graph() -> None:
    assert dataset_iri(load_paths(YONGSAN)) == DATASET


def test_a_refused_upload_is_one_line_exit_3(server: str) -> None:
    done = subprocess.run(
        [LEARNINGCITY, "push", YONGSAN, "--to", f"{server}/nope"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == ExitCode.IO_ERROR
    assert done.stderr.startswith(f"learningcity: error: PUT {server}/nope?graph=https%3A%2F%2F")
    assert ": HTTP 404" in done.stderr
    assert done.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:{port}/store", "cannot connect"),
        ("ftp://127.0.0.1/store", "--to 'ftp://127.0.0.1/store': give an http:// or https:// URL"),
    ],
)
def test_an_unreachable_server_is_one_line_exit_2(url: str, message: str) -> None:
    done = subprocess.run(
        [LEARNINGCITY, "push", YONGSAN, "--to", url.format(port=free_port())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == ExitCode.BAD_INPUT
    assert message in done.stderr
    assert done.stderr.count("\n") == 1
