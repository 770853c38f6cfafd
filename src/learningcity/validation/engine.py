"""One pyshacl run: shapes and ontology read once, statements converted term by term, a report.

Why this shape: Oxigraph parses strictly and ~15x faster than rdflib, but pyshacl validates rdflib
graphs, so the parsed dataset is handed over term by term (never re-serialized and re-parsed).
Shapes and ontology go through `learningcity.load` too, so every parse error in any input reads
`file:line:column: message`. pyshacl is imported only when a run starts, so other commands and
`--help` do not pay its ~0.2 s import.

A run sees the union of all statements of the data (named graphs included) as one graph, with the
ontology mixed in the way `pyshacl -e` does it (its class and property axioms are copied, so
`sh:targetClass` reaches subclasses), no inference and no `owl:imports`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from learningcity import compat
from learningcity.errors import InputError
from learningcity.load import load_paths
from learningcity.namespaces import STANDARD_PREFIXES
from learningcity.validation.report import SH, Term
from learningcity.validation.sparql import (
    SparqlRefused,
    check_shacl_sparql,
    network_refused,
    offline,
    shacl_sparql,
)

if TYPE_CHECKING:
    import rdflib

XSD_STRING = STANDARD_PREFIXES["xsd"] + "string"


@dataclass(frozen=True)
class Engine:
    """One pyshacl run's fixed inputs, parsed once; `check` validates some statements with them."""

    shapes_path: Path
    ontology_path: Path
    shapes: rdflib.Graph
    ontology: rdflib.Graph

    @classmethod
    def read(cls, shapes: Path, ontology: Path) -> Engine:
        """Parse the shapes and the ontology (`InputError` with file:line:column if unusable)."""
        shapes_dataset = load_paths(shapes)
        check_shacl_sparql(shapes_dataset, shapes)
        return cls.made(shapes, ontology, shapes_dataset, load_paths(ontology))

    @classmethod
    def made(
        cls, shapes: Path, ontology: Path, shapes_dataset: ox.Dataset, ontology_dataset: ox.Dataset
    ) -> Engine:
        """The run's inputs from the shapes and ontology already parsed (and checked)."""
        compat.announce_untested("pyshacl", "rdflib")  # before any worker uses them
        from pyshacl.monkey import rdflib_bool_patch, rdflib_bool_unpatch

        ontology_graph = to_rdflib(ontology_dataset)
        rdflib_bool_patch()  # read the shapes as pyshacl reads them: literals as written
        try:
            shapes_graph = to_rdflib(shapes_dataset)
        finally:
            rdflib_bool_unpatch()
        return cls(shapes, ontology, shapes_graph, ontology_graph)

    def check(self, quads: Iterable[ox.Quad]) -> list[ox.Quad]:
        """The W3C report graph of pyshacl's run on `quads`.

        pyshacl runs with warnings and infos not allowed: only then does its `sh:conforms` say
        what SHACL says (no results), and only then are nested shapes (`sh:or`, qualified
        value shapes) judged by their results alone, not by their severity. Whether the data
        passes is decided from the results afterwards (`ValidationOutcome.passed`).
        """
        import pyshacl
        from pyshacl.errors import ReportableRuntimeError

        graph = to_rdflib(quads)
        try:
            with compat.quicker_pyshacl(), offline() as attempts:
                _, report_graph, _ = pyshacl.validate(
                    graph,
                    shacl_graph=self.shapes,
                    ont_graph=self.ontology,
                    inference="none",
                    inplace=True,  # the converted graph is ours: mix the ontology in without a copy
                    do_owl_imports=False,
                )
        except ReportableRuntimeError as error:
            message = " ".join(str(error.message).split())
            raise InputError(f"{self.shapes_path}: {message}") from None
        except SparqlRefused as error:
            raise InputError(f"{self.shapes_path}: {error}") from None
        except RecursionError:  # the token limits should make this impossible; one line anyway
            raise InputError(
                f"{self.shapes_path}: a SHACL-SPARQL query is too complex for rdflib"
            ) from None
        if attempts:  # refused by the audit hook, and the refusal swallowed (SERVICE SILENT)
            raise InputError(f"{self.shapes_path}: {network_refused(attempts[0])}")
        if not hasattr(report_graph, "triples"):  # pyshacl returns a ValidationFailure instead
            raise InputError(f"{self.shapes_path}: validation failed: {report_graph}")
        return from_rdflib(report_graph)


def to_rdflib(quads: Iterable[ox.Quad]) -> rdflib.Graph:
    """One rdflib graph holding every statement (graph names dropped), built term by term.

    Terms repeat (predicates, classes, common values), so each distinct one is built once; an
    `xsd:string` literal becomes a plain rdflib literal, as rdflib's own parsers make it. The
    graph binds no prefixes (rdflib would bind them again for every query pyshacl runs) and
    prepares each distinct SPARQL text once (see `_preparing_graph_class`).
    """
    graph = _preparing_graph_class()(bind_namespaces="none")
    converted_terms: dict[Any, Any] = {}

    def convert(term: Any) -> Any:
        converted = converted_terms.get(term)
        if converted is None:
            converted = converted_terms[term] = rdflib_term(term)
        return converted

    graph.addN((convert(q.subject), convert(q.predicate), convert(q.object), graph) for q in quads)
    return graph


def rdflib_term(term: Any) -> Any:
    """One Oxigraph term as rdflib's parsers make it: an `xsd:string` literal plain, a typed
    literal normalized by rdflib (`"01"^^xsd:integer` becomes `"1"`), unless a caller turned
    normalization off (pyshacl reading shapes)."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    # a literal: `learningcity.load` refuses triple terms
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def as_written(report: list[ox.Quad], data: Iterable[ox.Quad]) -> list[ox.Quad]:
    """`report` with each `sh:value` that rdflib normalized written as the data has it.

    Why: rdflib normalizes a typed literal as it reads it (`"01"^^xsd:integer` is `"1"`, the
    ill-typed `"none"^^xsd:boolean` is `"false"`), so pyshacl, and the native engine, which sees
    literals as pyshacl does, report such a value normalized, where SHACL reports the data's own
    term (W3C core property/datatype-001, or-datatypes-001). A value is put back when its result's
    focus node has exactly one literal under the result's path (a property, or any, for other
    paths) that normalizes to it and none written so. Costs one pass over the data when a result
    has a literal value, reading only the statements of those results' focus nodes.
    """
    edges: dict[object, dict[str, object]] = {}
    for quad in report:
        edges.setdefault(quad.subject, {})[quad.predicate.value] = quad.object
    #: (focus node, the result's property or None for another path, value), in report order
    wanted: dict[tuple[object, ox.NamedNode | None, ox.Literal], None] = {}
    for about in edges.values():
        value, focus = about.get(SH + "value"), about.get(SH + "focusNode")
        if isinstance(value, ox.Literal) and focus is not None:
            path = about.get(SH + "resultPath")
            wanted[(focus, path if isinstance(path, ox.NamedNode) else None, value)] = None
    if not wanted:
        return report
    focuses = {focus for focus, _, _ in wanted}
    held: dict[object, list[ox.Quad]] = {}
    for quad in data:
        if quad.subject in focuses and isinstance(quad.object, ox.Literal):
            held.setdefault(quad.subject, []).append(quad)
    written: dict[tuple[object, object], ox.Literal] = {}
    for focus, path, value in wanted:
        objects = {
            quad.object for quad in held.get(focus, []) if path is None or quad.predicate == path
        }
        if value in objects:
            continue
        found = {
            o
            for o in objects
            if isinstance(o, ox.Literal) and _from_rdflib_term(rdflib_term(o)) == value
        }
        if len(found) == 1:
            written[(focus, value)] = found.pop()
    if not written:
        return report
    fixed: dict[object, ox.Literal] = {
        subject: written[key]
        for subject, about in edges.items()
        if (key := (about.get(SH + "focusNode"), about.get(SH + "value"))) in written
    }
    return [
        ox.Quad(quad.subject, quad.predicate, fixed[quad.subject], quad.graph_name)
        if quad.predicate.value == SH + "value" and quad.subject in fixed
        else quad
        for quad in report
    ]


@cache
def _preparing_graph_class() -> type[rdflib.Graph]:
    """An rdflib Graph that parses each distinct SPARQL text once, then reuses the prepared query.

    pyshacl sends a SHACL-SPARQL constraint's same text once per focus node, with `$this` as an
    initial binding; rdflib would parse it every time (pyparsing: ~10 ms a query, most of the run
    on large data). A prepared query is what `rdflib.plugins.sparql.prepareQuery` returns and is
    made to be evaluated many times, so results do not change. Every text pyshacl sends, exactly
    as it composed it (prefixes prepended, `$PATH` replaced), goes through `shacl_sparql` here.
    """
    from rdflib import Graph
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.sparql import Query

    @lru_cache(maxsize=1024)
    def prepare(text: str, base: str | None, namespaces: tuple[tuple[str, Any], ...]) -> Query:
        query = translateQuery(shacl_sparql(text, "SHACL-SPARQL"), base, dict(namespaces))
        compat.order_patterns(query.algebra)
        return query

    class PreparingGraph(Graph):
        def query(
            self,
            query_object: Any,
            processor: Any = "sparql",
            result: Any = "sparql",
            initNs: Any = None,
            initBindings: Any = None,
            use_store_provided: bool = True,
            **kwargs: Any,
        ) -> Any:
            if isinstance(query_object, str) and processor == "sparql":
                namespaces = initNs or dict(self.namespaces())
                key = tuple(sorted((k, str(v)) for k, v in namespaces.items()))
                query_object = prepare(query_object, kwargs.get("base"), key)
            return super().query(
                query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
            )

    return PreparingGraph


def from_rdflib(graph: rdflib.Graph) -> list[ox.Quad]:
    """The statements of an rdflib graph as Oxigraph quads in the default graph."""
    from rdflib import BNode, Literal, URIRef

    def convert(term: Any) -> Term:
        if isinstance(term, URIRef):
            return ox.NamedNode(str(term))
        if isinstance(term, BNode):
            return ox.BlankNode(str(term))
        if isinstance(term, Literal):
            return _from_rdflib_term(term)
        raise ValueError(f"unexpected term {term!r} in the report")

    def node(term: Any) -> ox.NamedNode | ox.BlankNode:
        converted = convert(term)
        if isinstance(converted, ox.Literal):
            raise ValueError(f"unexpected literal {term!r} as a subject in the report")
        return converted

    def iri(term: Any) -> ox.NamedNode:
        converted = convert(term)
        if not isinstance(converted, ox.NamedNode):
            raise ValueError(f"unexpected {term!r} as a predicate in the report")
        return converted

    return [ox.Quad(node(s), iri(p), convert(o)) for s, p, o in graph]


def _from_rdflib_term(literal: rdflib.Literal) -> ox.Literal:
    """An rdflib literal as Oxigraph's, in rdflib's lexical form."""
    if literal.language:
        return ox.Literal(str(literal), language=literal.language)
    if literal.datatype is not None:
        return ox.Literal(str(literal), datatype=ox.NamedNode(str(literal.datatype)))
    return ox.Literal(str(literal))
