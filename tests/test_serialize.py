from __future__ import annotations

import pyoxigraph as ox
import pytest

from learningcity.errors import InputError
from learningcity.formats import SYNTAXES, syntax_named
from learningcity.load import load_paths
from learningcity.serialize import serialize, to_turtle
from support import FIXTURES

TRICKY = FIXTURES / "core" / "literals-and-blank-nodes.ttl"


def _canonical(dataset: ox.Dataset) -> ox.Dataset:
    copy = ox.Dataset(dataset)
    copy.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return copy


@pytest.mark.parametrize("syntax", [s for s in SYNTAXES if s.name != "jsonld"], ids=str)
def test_every_syntax_round_trips_and_is_byte_identical(syntax) -> None:
    dataset = load_paths(TRICKY)
    first = serialize(dataset, syntax)
    assert first == serialize(load_paths(TRICKY), syntax)
    reread = ox.Dataset(ox.parse(first, format=syntax.oxigraph))
    assert _canonical(reread) == _canonical(dataset)


def test_turtle_layout_is_canonical() -> None:
    text = to_turtle(load_paths(TRICKY))
    assert text.endswith(" .\n")
    assert '"용산구"@ko' in text
    assert "1e3" in text and " 0123 ;" in text and "1.50" in text
    assert "_:c14n" in text
    assert to_turtle(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE)) == text


def test_rdf_type_comes_first_and_prefixes_are_only_those_used() -> None:
    text = to_turtle(
        ox.parse(
            b"<https://w3id.org/learningcity/id/city/x> <https://schema.org/name> 'X' ;"
            b" a <https://schema.org/City> .",
            format=ox.RdfFormat.TURTLE,
        )
    )
    assert text == (
        "@prefix city: <https://w3id.org/learningcity/id/city/> .\n"
        "@prefix schema: <https://schema.org/> .\n\n"
        'city:x\n    a schema:City ;\n    schema:name "X" .\n'
    )


@pytest.mark.parametrize("syntax", ["trig", "n3"])
def test_written_prefixes_are_exactly_those_some_iri_starts_with(syntax: str) -> None:
    namespaces = {
        "city": "https://w3id.org/learningcity/id/city/",
        "id": "https://w3id.org/learningcity/id/",
        "ex": "http://example.org/ex_",
        "dt": "http://example.org/types#",
        "unused": "http://unused.example/",
    }
    quads = ox.parse(
        b"<https://w3id.org/learningcity/id/city/x> <http://example.org/ex_p>"
        b" '1'^^<http://example.org/types#t> .",
        format=ox.RdfFormat.TURTLE,
    )
    text = serialize(quads, syntax_named(syntax), namespaces).decode()
    declared = {line.split()[1].rstrip(":") for line in text.splitlines() if "@prefix" in line}
    assert declared == {"city", "id", "ex", "dt"}


def test_named_graphs_refused_by_graph_only_syntaxes() -> None:
    quad = ox.Quad(
        ox.NamedNode("http://a"),
        ox.NamedNode("http://b"),
        ox.Literal("c"),
        ox.NamedNode("http://g"),
    )
    with pytest.raises(InputError, match="trig or nquads"):
        serialize([quad], syntax_named("turtle"))
    assert b"<http://g>" in serialize([quad], syntax_named("nquads"))
