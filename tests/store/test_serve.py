"""`learningcity serve --store DIR` and `serve --endpoint URL --graph IRI` as real processes: each
serves the same statements as `serve DATA` (the endpoint one from a real `oxigraph serve`)."""

from __future__ import annotations

from pathlib import Path

import httpx
from click.testing import CliRunner

from learningcity.cli import cli
from learningcity.errors import ExitCode, InputError
from learningcity.load import load_paths
from processes import serving
from support import REPO

YONGSAN = str(REPO / "data" / "yongsan.ttl")
DATASET = "https://w3id.org/learningcity/id/dataset/kr-yongsan-gu"
COUNT = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"


def statements(root: str) -> int:
    answer = httpx.post(
        root + "sparql",
        data={"query": COUNT},
        headers={"Accept": "application/sparql-results+json"},
        timeout=15,
    )
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def test_serve_from_a_store(tmp_path: Path) -> None:
    directory = str(tmp_path / "store")
    assert CliRunner().invoke(cli, ["load", YONGSAN, "--store", directory]).exit_code == 0
    with serving("--store", directory) as root:
        assert statements(root) == len(load_paths(YONGSAN))


def test_serve_a_pushed_graph_from_an_endpoint(server: str) -> None:
    pushed = CliRunner().invoke(cli, ["push", YONGSAN, "--to", f"{server}/store"])
    assert pushed.exit_code == ExitCode.OK, pushed.output
    with serving("--endpoint", f"{server}/query", "--graph", DATASET) as root:
        assert statements(root) == len(load_paths(YONGSAN))
        page = httpx.get(
            root + "id/city/kr-yongsan-gu", headers={"Accept": "text/html"}, follow_redirects=True
        )
        assert "용산구" in page.text


def test_serve_takes_one_source() -> None:
    for args in (
        ["serve", YONGSAN, "--endpoint", "http://127.0.0.1:9/q"],
        ["serve", "--graph", DATASET],
    ):
        result = CliRunner().invoke(cli, args)
        assert isinstance(result.exception, InputError), result.output
