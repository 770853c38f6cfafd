"""`learningcity load --store DIR`, then query, validate, export, info and serve with --store:
the same answers as from the file, except the documented canonical numeric forms."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from learningcity.cli import cli
from learningcity.errors import ExitCode, InputError
from learningcity.load import load_paths
from learningcity.store import open_data
from rdfcompare import canonical, from_nquads
from support import FIXTURES, REPO

YONGSAN = str(REPO / "data" / "yongsan.ttl")
TRICKY = str(FIXTURES / "export" / "tricky-literals.ttl")


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    directory = tmp_path_factory.mktemp("stores") / "yongsan"
    result = invoke("load", YONGSAN, "--store", str(directory))
    assert result.exit_code == ExitCode.OK, result.output
    return str(directory)


@pytest.mark.parametrize(
    "args",
    [
        ["query", "--name", "mayor", "--format", "json"],
        ["query", "SELECT ?s ?p ?o { ?s ?p ?o } ORDER BY ?s ?p ?o", "--format", "table"],
        ["query", "--name", "practices-for-sdg", "--param", "goal=4", "--format", "csv"],
        ["validate", "--format", "text"],
        ["validate", "--format", "turtle"],
        ["info", "--format", "json"],
        ["info"],
    ],
)
def test_a_store_answers_like_the_file(store: str, args: list[str]) -> None:
    from_file = invoke(*args, YONGSAN)
    from_store = invoke(*args, "--store", store)
    assert from_store.exit_code == from_file.exit_code == ExitCode.OK, from_store.output
    assert from_store.output == from_file.output


@pytest.mark.parametrize("syntax", ["turtle", "nquads", "jsonld"])
def test_export_from_a_store_is_the_same_graph(store: str, syntax: str) -> None:
    from_file = invoke("export", YONGSAN, "--format", syntax)
    from_store = invoke("export", "--store", store, "--format", syntax)
    assert from_store.exit_code == ExitCode.OK, from_store.output
    assert from_store.output == from_file.output


def test_streamed_export_from_a_store_is_isomorphic(store: str) -> None:
    streamed = invoke("export", "--store", store, "--format", "nquads", "--stream")
    assert canonical(from_nquads(streamed.output)) == canonical(load_paths(YONGSAN))


def test_a_store_writes_numbers_in_canonical_form(tmp_path: Path) -> None:
    """The documented difference: a Store rewrites numeric and boolean lexical forms."""
    directory = str(tmp_path / "tricky")
    assert invoke("load", TRICKY, "--store", directory).exit_code == ExitCode.OK
    from_store = _literals(
        from_nquads(invoke("export", "--store", directory, "--format", "nt").output)
    )
    from_file = _literals(load_paths(TRICKY))
    written = {literal.value for literal in from_file - from_store}
    read_back = {literal.value for literal in from_store - from_file}
    assert written == {"1e3", "0123", "+1.50", "0"}
    assert read_back == {"1000", "123", "1.5", "false"}


def _literals(quads: Iterable[ox.Quad]) -> set[ox.Literal]:
    return {q.object for q in quads if isinstance(q.object, ox.Literal)}


def test_reloading_replaces_the_store(tmp_path: Path) -> None:
    directory = tmp_path / "store"
    invoke("load", TRICKY, "--store", str(directory))
    assert invoke("load", YONGSAN, "--store", str(directory)).exit_code == ExitCode.OK
    opened = open_data([], directory)
    assert len(list(opened.quads())) == len(load_paths(YONGSAN))
    assert "schema" in opened.declared


def test_a_failed_load_leaves_the_old_store(tmp_path: Path) -> None:
    directory = tmp_path / "store"
    invoke("load", YONGSAN, "--store", str(directory))
    broken = invoke("load", str(FIXTURES / "core" / "broken-line-3.ttl"), "--store", str(directory))
    assert isinstance(broken.exception, InputError)
    assert len(list(open_data([], directory).quads())) == len(load_paths(YONGSAN))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["info", YONGSAN, "--store", "{store}"], "give DATA or --store, not both"),
        (["query", "--name", "mayor", "--store", "{missing}"], "not a learningcity store"),
        (["load", YONGSAN, "--store", "{folder}"], "exists and is not a learningcity store"),
        (
            ["query", "--name", "mayor", "--store", "{store}", "--endpoint", "http://127.0.0.1:9/"],
            "give --store or --endpoint, not both",
        ),
    ],
)
def test_mistakes_are_one_line_errors(
    store: str, tmp_path: Path, args: list[str], message: str
) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "keep.txt").write_text("mine", encoding="utf-8")
    places = {"store": store, "missing": str(tmp_path / "none"), "folder": str(tmp_path / "folder")}
    result = invoke(*(a.format(**places) for a in args))
    assert isinstance(result.exception, InputError)
    assert message in str(result.exception)
    assert "\n" not in str(result.exception)
    assert (tmp_path / "folder" / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_info_json_counts_from_a_store(store: str) -> None:
    summary = json.loads(invoke("info", "--store", store, "--format", "json").output)
    assert summary["statements"] == len(load_paths(YONGSAN))
