"""Self-description: VoID for the dataset (/.well-known/void) and the SPARQL service description.

Both are computed from the data at start-up, so the counts are exact and never drift.
"""

from __future__ import annotations

import pyoxigraph as ox

from learningcity.formats import RESULTS_FORMATS, W3C_FORMATS
from learningcity.namespaces import STANDARD_PREFIXES
from learningcity.rendering.describe import dataset_node
from learningcity.rendering.iris import IriScheme
from learningcity.rendering.representations import SERVED_SYNTAXES
from learningcity.rendering.statements import Statements
from learningcity.terms import RDF_TYPE, XSD_INTEGER

_S = STANDARD_PREFIXES
VOID = _S["void"]
SD = "http://www.w3.org/ns/sparql-service-description#"
SIMPLE_ENTAILMENT = "http://www.w3.org/ns/entailment/Simple"


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _count(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD_INTEGER)


def void_quads(graph: Statements, scheme: IriScheme) -> list[ox.Quad]:
    """A void:Dataset with its size, URI space, classes and properties, and the endpoint."""
    node = dataset_node(graph) or _n(scheme.root + ".well-known/void#dataset")
    subjects = {q.subject for q in graph}
    classes: dict[ox.NamedNode, int] = {}
    properties: dict[ox.NamedNode, int] = {}
    for quad in graph:
        properties[quad.predicate] = properties.get(quad.predicate, 0) + 1
        if quad.predicate == RDF_TYPE and isinstance(quad.object, ox.NamedNode):
            classes[quad.object] = classes.get(quad.object, 0) + 1
    quads = [
        ox.Quad(node, RDF_TYPE, _n(VOID + "Dataset")),
        ox.Quad(node, _n(VOID + "triples"), _count(len(graph))),
        ox.Quad(node, _n(VOID + "distinctSubjects"), _count(len(subjects))),
        ox.Quad(node, _n(VOID + "classes"), _count(len(classes))),
        ox.Quad(node, _n(VOID + "properties"), _count(len(properties))),
        ox.Quad(node, _n(VOID + "uriSpace"), ox.Literal(scheme.base)),
        ox.Quad(node, _n(VOID + "sparqlEndpoint"), _n(scheme.endpoint)),
        ox.Quad(node, _n(VOID + "rootResource"), _n(scheme.root)),
    ]
    for index, (kind, count) in enumerate(sorted(classes.items(), key=lambda i: str(i[0]))):
        partition = _n(f"{scheme.root}.well-known/void#class-{index}")
        quads += [
            ox.Quad(node, _n(VOID + "classPartition"), partition),
            ox.Quad(partition, _n(VOID + "class"), kind),
            ox.Quad(partition, _n(VOID + "entities"), _count(count)),
        ]
    return quads


def service_description(graph: Statements, store: ox.Store, scheme: IriScheme) -> list[ox.Quad]:
    """The SPARQL 1.1 Service Description of /sparql, saying what the endpoint does.

    SPARQL 1.1 Query (no Update); every format it answers in (`formats.py`: the results formats
    and the served RDF syntaxes); simple entailment; and the dataset it queries by default as it
    is, read from the `store` the queries run on (the data's `graph` and the vocabulary's named
    graphs): the default graph and each named graph (by IRI: a blank-node graph name cannot be
    named in `named-graph-uri`), each with its number of triples. No `sd:feature`: none of the five
    defined holds (the default graph is not the union of the named graphs; FROM names graphs
    of the dataset, it dereferences nothing; SERVICE is refused; a query need not name a
    dataset; nothing can be emptied).
    """
    endpoint = scheme.endpoint
    service = _n(endpoint + "#service")
    dataset = dataset_node(graph) or _n(scheme.root + ".well-known/void#dataset")
    default_dataset = _n(endpoint + "#dataset")
    default_graph = _n(endpoint + "#default-graph")
    sizes = _graph_sizes(store)
    quads = [
        ox.Quad(service, RDF_TYPE, _n(SD + "Service")),
        ox.Quad(service, _n(SD + "endpoint"), _n(endpoint)),
        ox.Quad(service, _n(SD + "supportedLanguage"), _n(SD + "SPARQL11Query")),
        ox.Quad(service, _n(SD + "defaultEntailmentRegime"), _n(SIMPLE_ENTAILMENT)),
        ox.Quad(service, _n(SD + "defaultDataset"), default_dataset),
        ox.Quad(default_dataset, RDF_TYPE, _n(SD + "Dataset")),
        ox.Quad(default_dataset, _n(SD + "defaultGraph"), default_graph),
        ox.Quad(default_graph, RDF_TYPE, _n(SD + "Graph")),
        ox.Quad(default_graph, _n(VOID + "triples"), _count(sizes.pop(None, 0))),
        ox.Quad(default_dataset, _n(_S["dcterms"] + "source"), dataset),
    ]
    named = sorted((g for g in sizes if g is not None), key=lambda g: g.value)
    for index, name in enumerate(named):
        entry = _n(f"{endpoint}#named-graph-{index}")
        described = _n(f"{endpoint}#named-graph-{index}-graph")
        quads += [
            ox.Quad(default_dataset, _n(SD + "namedGraph"), entry),
            ox.Quad(entry, RDF_TYPE, _n(SD + "NamedGraph")),
            ox.Quad(entry, _n(SD + "name"), name),
            ox.Quad(entry, _n(SD + "graph"), described),
            ox.Quad(described, RDF_TYPE, _n(SD + "Graph")),
            ox.Quad(described, _n(VOID + "triples"), _count(sizes[name])),
        ]
    names = [f.w3c for f in RESULTS_FORMATS] + [s.w3c for s in SERVED_SYNTAXES]
    quads += [ox.Quad(service, _n(SD + "resultFormat"), _n(W3C_FORMATS + w3c)) for w3c in names]
    return quads


def _graph_sizes(store: ox.Store) -> dict[ox.NamedNode | None, int]:
    """Triples per graph (None: the default graph), counted by the store in one pass each."""
    sizes: dict[ox.NamedNode | None, int] = {None: _first_count(store, "{ ?s ?p ?o }")}
    for row in _select(store, "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"):
        name, count = row["g"], row["n"]
        if isinstance(name, ox.NamedNode) and isinstance(count, ox.Literal):
            sizes[name] = int(count.value)
    return sizes


def _first_count(store: ox.Store, pattern: str) -> int:
    found = next(iter(_select(store, f"SELECT (COUNT(*) AS ?n) {pattern}")))["n"]
    return int(found.value) if isinstance(found, ox.Literal) else 0


def _select(store: ox.Store, query: str) -> ox.QuerySolutions:
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)  # a SELECT
    return solutions
