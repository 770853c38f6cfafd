"""The one registry of formats (`learningcity.formats`): every name a user or a client gives a
format names exactly one format of its kind, and the command and the server read names by it."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pytest
from click.testing import CliRunner

from learningcity.cli import cli
from learningcity.formats import RESULTS_FORMATS, SYNTAXES, format_for, names_of, syntax_named
from support import FIXTURES

KINDS = {"syntaxes": SYNTAXES, "results formats": RESULTS_FORMATS}
DATA = FIXTURES / "query" / "city.ttl"


@pytest.mark.parametrize("kind", KINDS)
def test_no_name_stands_for_two_formats_of_one_kind(kind: str) -> None:
    formats = KINDS[kind]
    for one, other in combinations(formats, 2):
        assert not names_of(one) & names_of(other), (one.name, other.name)


@pytest.mark.parametrize("kind", KINDS)
def test_every_name_of_a_format_finds_it_in_any_case(kind: str) -> None:
    for format_ in KINDS[kind]:
        for name in names_of(format_):
            assert format_for(f" {name.upper()}; charset=utf-8", KINDS[kind]) is format_


@pytest.mark.parametrize(
    ("name", "syntax"),
    [("rdf+xml", "xml"), ("json-ld", "jsonld"), ("ld+json", "jsonld"), ("n-triples", "nt")],
)
def test_the_names_clients_send_are_syntaxes(name: str, syntax: str) -> None:
    assert syntax_named(name).name == syntax


@pytest.mark.parametrize(
    ("extension", "marker"),
    [
        ("srj", '"head"'),
        ("json", '"head"'),
        ("srx", "<sparql"),
        ("xml", "<sparql"),
        ("csv", "s\r\n"),
        ("tsv", "?s\n"),
        ("txt", "1 row"),
    ],
)
def test_query_output_extension_names_the_results_format(
    tmp_path: Path, extension: str, marker: str
) -> None:
    target = tmp_path / f"out.{extension}"
    query = "SELECT ?s WHERE { BIND(<urn:x> AS ?s) }"
    done = CliRunner().invoke(cli, ["query", query, str(DATA), "-o", str(target)])
    assert done.exit_code == 0, done.output
    assert marker in target.read_bytes().decode("utf-8")
