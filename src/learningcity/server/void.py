"""Self-description: VoID for the dataset (/.well-known/void) and the SPARQL service description.

Both are computed from the data at start-up, so the counts are exact and never drift.
"""

from __future__ import annotations

import pyoxigraph as ox

from learningcity.namespaces import STANDARD_PREFIXES
from learningcity.server.describe import RDF_TYPE, dataset_node
from learningcity.server.iris import IriScheme

_S = STANDARD_PREFIXES
VOID = _S["void"]
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
XSD_INTEGER = ox.NamedNode(_S["xsd"] + "integer")
RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "N-Quads",
    "TriG",
    "RDF_XML",
    "JSON-LD",
)


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _count(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD_INTEGER)


def void_quads(graph: ox.Dataset, scheme: IriScheme) -> list[ox.Quad]:
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


def service_description(graph: ox.Dataset, scheme: IriScheme) -> list[ox.Quad]:
    """The SPARQL 1.1 Service Description of /sparql: query language, formats, dataset."""
    service = _n(scheme.root + "sparql#service")
    dataset = dataset_node(graph) or _n(scheme.root + ".well-known/void#dataset")
    default_dataset = _n(scheme.root + "sparql#dataset")
    default_graph = _n(scheme.root + "sparql#default-graph")
    quads = [
        ox.Quad(service, RDF_TYPE, _n(SD + "Service")),
        ox.Quad(service, _n(SD + "endpoint"), _n(scheme.endpoint)),
        ox.Quad(service, _n(SD + "supportedLanguage"), _n(SD + "SPARQL11Query")),
        ox.Quad(service, _n(SD + "defaultDataset"), default_dataset),
        ox.Quad(default_dataset, RDF_TYPE, _n(SD + "Dataset")),
        ox.Quad(default_dataset, _n(SD + "defaultGraph"), default_graph),
        ox.Quad(default_graph, RDF_TYPE, _n(SD + "Graph")),
        ox.Quad(default_graph, _n(VOID + "triples"), _count(len(graph))),
        ox.Quad(default_dataset, _n(_S["dcterms"] + "source"), dataset),
    ]
    quads += [
        ox.Quad(service, _n(SD + "resultFormat"), _n(FORMATS + name)) for name in RESULT_FORMATS
    ]
    return quads
