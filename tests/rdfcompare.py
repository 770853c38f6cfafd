"""Compare RDF as graphs, not text: canonical blank-node labels (RDFC-1.0), then sets of quads."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"


def canonical(quads: Iterable[ox.Quad], *, double_values: bool = False) -> set[str]:
    """The quads as canonical N-Quads lines.

    `double_values` compares `xsd:double` literals by value: pyld 3.3 rewrites the lexical form
    of a string `@value` typed `xsd:double` ("1e3" -> "1.0E3"), which JSON-LD 1.1's
    RDF conversion does only for JSON numbers.
    """
    dataset = ox.Dataset(_doubles_by_value(q) if double_values else q for q in quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(quad) for quad in dataset}


def _doubles_by_value(quad: ox.Quad) -> ox.Quad:
    literal = quad.object
    if not isinstance(literal, ox.Literal) or literal.datatype.value != XSD_DOUBLE:
        return quad
    value = ox.Literal(repr(float(literal.value)), datatype=literal.datatype)
    return ox.Quad(quad.subject, quad.predicate, value, quad.graph_name)


def from_nquads(text: str) -> list[ox.Quad]:
    return list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS))
