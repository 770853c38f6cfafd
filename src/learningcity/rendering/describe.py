"""What the server says about a resource, read from the in-memory dataset (literals exact).

The description of a resource is every statement with it as subject, plus the statements of
the blank nodes those lead to, so that no value is left dangling (a Concise Bounded Description
without reification). Statements are flattened into the default graph: a document describes a
resource, wherever its statements were kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import pyoxigraph as ox

from learningcity.blanknodes import refuse_tangles, tangles_in
from learningcity.namespaces import STANDARD_PREFIXES
from learningcity.rendering.statements import Statements
from learningcity.terms import DCAT_DATASET, RDF_TYPE

DCTERMS = STANDARD_PREFIXES["dcterms"]


def description(graph: Statements, resource: ox.NamedNode | ox.BlankNode) -> list[ox.Quad]:
    quads: set[ox.Quad] = set()
    pending = [resource]
    seen = {resource}
    while pending:
        subject = pending.pop()
        for quad in graph.quads_for_subject(subject):
            quads.add(ox.Quad(quad.subject, quad.predicate, quad.object))
            if isinstance(quad.object, ox.BlankNode) and quad.object not in seen:
                seen.add(quad.object)
                pending.append(quad.object)
    return sorted(quads, key=str)


@dataclass(frozen=True)
class Described:
    """What every page and RDF alternate of one resource is made from, read once for all of
    them (a site writes two pages and six syntaxes per resource): its description and the
    statements pointing at it."""

    resource: ox.NamedNode
    quads: list[ox.Quad]
    incoming: list[ox.Quad]


def described(graph: Statements, resource: ox.NamedNode) -> Described:
    return Described(resource, description(graph, resource), incoming(graph, resource))


def check_documents(graph: Statements) -> None:
    """Refuse (`TangledBlankNodes`, one line) data that the server or the site could not write
    whole: its dump, or the document of a resource whose blank nodes, once cut from the
    statements that point at them from elsewhere, only their links tell apart (a document
    holds a resource's statements, not the ones pointing into its blank nodes). Only resources
    with blank-node values are described, so data without blank nodes costs one pass."""
    refuse_tangles(list(graph))
    resources = {
        q.subject
        for q in graph
        if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.BlankNode)
    }
    for resource in sorted(resources, key=str):
        with tangles_in(f"the document of {resource}"):
            refuse_tangles(description(graph, resource))


def incoming(graph: Statements, resource: ox.NamedNode) -> list[ox.Quad]:
    """Statements that point at the resource (shown on its page, not in its RDF)."""
    unique = {ox.Quad(q.subject, q.predicate, q.object) for q in graph.quads_for_object(resource)}
    return sorted(unique, key=str)


def is_known(graph: Statements, resource: ox.NamedNode) -> bool:
    """A resource exists for the server when the data mentions it as subject or object."""
    return any(True for _ in graph.quads_for_subject(resource)) or any(
        True for _ in graph.quads_for_object(resource)
    )


def dataset_node(graph: Statements) -> ox.NamedNode | None:
    """The dcat:Dataset that describes the data (title, description, modification date)."""
    nodes = sorted(
        (q.subject for q in graph.quads_for_object(DCAT_DATASET) if q.predicate == RDF_TYPE),
        key=str,
    )
    return next((n for n in nodes if isinstance(n, ox.NamedNode)), None)


def last_modified(graph: Statements) -> datetime | None:
    """`dcterms:modified` of the dataset, as an aware UTC datetime (Last-Modified)."""
    node = dataset_node(graph)
    if node is None:
        return None
    modified = ox.NamedNode(DCTERMS + "modified")
    values = [
        q.object.value
        for q in graph.quads_for_subject(node)
        if q.predicate == modified and isinstance(q.object, ox.Literal)
    ]
    stamps = [stamp for v in values if (stamp := _parse_date(v)) is not None]
    return max(stamps) if stamps else None


def _parse_date(text: str) -> datetime | None:
    try:
        stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=timezone.utc)
    return stamp.astimezone(timezone.utc)
