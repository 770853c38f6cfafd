"""The one place IRIs are rewritten: every IRI under the base moves, nothing else does."""

from __future__ import annotations

import pyoxigraph as ox

from learningcity.rendering.iris import rebase

OLD = "https://w3id.org/learningcity/id/"
NEW = "http://127.0.0.1:8000/id/"


def test_every_position_moves_and_literals_stay_as_written() -> None:
    city, name = ox.NamedNode(OLD + "city/x"), ox.NamedNode("https://schema.org/name")
    quads = [
        ox.Quad(city, ox.NamedNode(OLD + "odd/predicate"), ox.NamedNode(OLD + "place/y"),
                ox.NamedNode(OLD + "graph/g")),
        ox.Quad(city, name, ox.Literal(f"see <{OLD}city/x>", language="en")),
        ox.Quad(city, name, ox.Literal("1e3", datatype=ox.NamedNode(OLD + "type/t"))),
        ox.Quad(ox.BlankNode("b"), name, ox.NamedNode("https://example.org/" + OLD)),
    ]  # fmt: skip
    moved = rebase(iter(quads), OLD, NEW)
    assert set(moved) == {
        ox.Quad(ox.NamedNode(NEW + "city/x"), ox.NamedNode(NEW + "odd/predicate"),
                ox.NamedNode(NEW + "place/y"), ox.NamedNode(NEW + "graph/g")),
        ox.Quad(ox.NamedNode(NEW + "city/x"), name,
                ox.Literal(f"see <{OLD}city/x>", language="en")),
        ox.Quad(ox.NamedNode(NEW + "city/x"), name,
                ox.Literal("1e3", datatype=ox.NamedNode(OLD + "type/t"))),
        quads[3],
    }  # fmt: skip


def test_the_same_base_gives_the_statements_unchanged() -> None:
    dataset = ox.Dataset([ox.Quad(ox.NamedNode(OLD + "city/x"), ox.NamedNode(OLD + "p"),
                                  ox.Literal("x"))])  # fmt: skip
    assert rebase(dataset, OLD, OLD) is dataset
    assert set(rebase(iter(dataset), OLD, OLD)) == set(dataset)
