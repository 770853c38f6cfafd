"""How the served dataset is composed: what a query sees, locally, on `/sparql` and when pushed.

One composition everywhere, so that a query gives the same rows wherever it runs
(docs/remote.md, "One dataset everywhere"):

- **The data** is the default graph (locally and on `/sparql`), or the named graph `push`
  replaces, which `query --endpoint URL --graph IRI` makes the default graph again (the
  protocol's `default-graph-uri`), so that other graphs of that store are not read.
- **The bundled vocabulary** is in two named graphs of its own, named by what they hold: the
  ontology in `<https://w3id.org/learningcity/ontology>`, the SKOS policy-area scheme (its
  labels and the SDG mapping the named queries read) in
  `<https://w3id.org/learningcity/policy-area/>`. Queries read them with `GRAPH`; a query over
  the default graph never sees them, so counting the data's sources does not count the
  ontology's.

The vocabulary is added to a local query's store only when the query could read a named graph
(it names `GRAPH` or `FROM`): any other query reads the default graph alone, which the vocabulary
is never part of, so an on-disk store is queried in place instead of being copied.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

import pyoxigraph as ox

from learningcity.errors import InputError
from learningcity.load import load_paths
from learningcity.namespaces import ONTOLOGY_IRI, POLICY_AREAS
from learningcity.resources import vocabulary_paths

ONTOLOGY_GRAPH = ox.NamedNode(ONTOLOGY_IRI)
SCHEME_GRAPH = ox.NamedNode(POLICY_AREAS)
#: The named graphs of the bundled vocabulary, in the order `push` replaces them.
VOCABULARY_GRAPHS: tuple[ox.NamedNode, ...] = (ONTOLOGY_GRAPH, SCHEME_GRAPH)


@cache
def vocabulary() -> tuple[ox.Quad, ...]:
    """The bundled vocabulary's statements (the ontology and its alignments), each in its
    graph: those about the policy-area scheme and its concepts (subjects under `lcpa:`, and the
    blank nodes they lead to) in `SCHEME_GRAPH`, every other one in `ONTOLOGY_GRAPH`."""
    ontology = load_paths(*vocabulary_paths())
    in_scheme = _reached(
        ontology,
        [
            q.subject
            for q in ontology
            if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(POLICY_AREAS)
        ],
    )
    return tuple(
        ox.Quad(
            q.subject,
            q.predicate,
            q.object,
            SCHEME_GRAPH if q.subject in in_scheme else ONTOLOGY_GRAPH,
        )
        for q in ontology
    )


def _reached(
    graph: ox.Dataset, subjects: Iterable[ox.NamedNode]
) -> set[ox.NamedNode | ox.BlankNode]:
    """`subjects` and the blank nodes their statements lead to, however deep."""
    reached: set[ox.NamedNode | ox.BlankNode] = set(subjects)
    pending = list(reached)
    while pending:
        for quad in graph.quads_for_subject(pending.pop()):
            if isinstance(quad.object, ox.BlankNode) and quad.object not in reached:
                reached.add(quad.object)
                pending.append(quad.object)
    return reached


def with_vocabulary(
    store: ox.Store, display: str, statements: Iterable[ox.Quad] | None = None
) -> ox.Store:
    """`store`, which holds the data, with the vocabulary graphs added: the served dataset.

    `statements` are the vocabulary as the caller serves it (the server moves its IRIs to its
    public base, `organization:learningcity` among them). Data with statements of its own in a
    vocabulary graph is refused, since they would be read as the vocabulary's.
    """
    for graph in VOCABULARY_GRAPHS:
        if store.contains_named_graph(graph):
            raise InputError(
                f"{display}: has statements in the graph {graph}, which the served dataset "
                "keeps for the bundled vocabulary; put them in another graph"
            )
    store.extend(vocabulary() if statements is None else statements)
    return store


def pushed_graphs(statements: Sequence[ox.Quad], graph: str) -> list[tuple[str, Sequence[ox.Quad]]]:
    """What `push` replaces, in order: each vocabulary graph, then `graph` with the data.

    The data's graph comes last, so that an upload refused on the way leaves it as it was (the
    vocabulary's are the same at every push of a release). A `graph` that is a vocabulary graph
    is refused: the data would replace the vocabulary, or the vocabulary the data.
    """
    if graph in {g.value for g in VOCABULARY_GRAPHS}:
        raise InputError(
            f"--graph {graph}: is a graph of the bundled vocabulary, which push replaces with "
            "it; name another graph for the data"
        )
    vocabulary_graphs = [
        (g.value, [q for q in vocabulary() if q.graph_name == g]) for g in VOCABULARY_GRAPHS
    ]
    return [*vocabulary_graphs, (graph, statements)]


def protocol_dataset(graphs: Sequence[str]) -> list[tuple[str, str]]:
    """SPARQL Protocol parameters that make the endpoint's dataset the served one: `graphs` (as
    pushed) merged as the default graph, and the vocabulary graphs as the named graphs. Giving
    any of them leaves out every other graph, so those of other data cannot add rows."""
    if not graphs:
        return []
    return [("default-graph-uri", g) for g in graphs] + [
        ("named-graph-uri", g.value) for g in VOCABULARY_GRAPHS
    ]
