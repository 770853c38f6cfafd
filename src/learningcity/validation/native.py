"""A second SHACL engine over an Oxigraph store, serving only where it gives pyshacl's results.

Why: pyshacl re-reads each constraint from the shapes graph for every focus and value node, and
runs SHACL-SPARQL through rdflib's SPARQL engine; on the bundled shapes that is ~30 µs of Python
per statement. This engine reads the shapes once into plain functions (`compile_shapes`) and
evaluates them against a store holding the data with the ontology mixed in, SHACL-SPARQL in
Oxigraph with `$this` substituted (SEP-0007 pre-binding, what pyshacl's `initBindings` do).

It is pyshacl 0.40 restated, component by component, for a subset: whatever it cannot promise
to give exactly as pyshacl does raises `Unsupported`, and pyshacl runs instead. Decided once, on
the shapes (a parameter, target or path outside the subset, a recursive shape, a SPARQL text it
would have to rewrite), or on the data while evaluating (a blank node in a result, a comparison
of values other than numbers, a result whose shape has no `sh:message`, so pyshacl would write
a message of its own). tests/test_validation.py and tests/conformance/test_shacl.py run every
shape fixture and the W3C SHACL core suite through both and require identical reports.

Literals are seen as pyshacl sees them: the data's typed literals as rdflib normalizes them
(`"01"^^xsd:integer` is `"1"`), the shapes' as written (pyshacl reads them unnormalized).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from itertools import chain
from typing import Any, NamedTuple

import pyoxigraph as ox

from learningcity.errors import InputError
from learningcity.namespaces import STANDARD_PREFIXES
from learningcity.query.lexer import tokenize
from learningcity.terms import RDF_FIRST, RDF_NIL, RDF_REST, RDF_TYPE, XSD_STRING
from learningcity.validation.report import SH

RDF = STANDARD_PREFIXES["rdf"]
RDFS = STANDARD_PREFIXES["rdfs"]
XSD = STANDARD_PREFIXES["xsd"]
RDF_LANG_STRING = RDF + "langString"
SUBCLASS_OF = ox.NamedNode(RDFS + "subClassOf")
RESOURCE = ox.NamedNode(RDFS + "Resource")

#: Shape properties that constrain nothing (pyshacl reads them for reports or not at all).
_ANNOTATIONS = frozenset(
    SH + name
    for name in [
        "message",
        "severity",
        "path",
        "property",
        "name",
        "description",
        "order",
        "group",
        "defaultValue",
        "targetClass",
        "targetNode",
        "targetObjectsOf",
        "targetSubjectsOf",
        "declare",
        "prefixes",
        "sparql",
        "flags",
        "qualifiedValueShape",
        "qualifiedMinCount",
        "qualifiedMaxCount",
        "ignoredProperties",
    ]
)
_TYPES_OF_SHAPES = frozenset((SH + "NodeShape", SH + "PropertyShape"))
#: Python types of rdflib literal values a datatype's literal must have (pyshacl's check).
_VALUE_TYPES: dict[str, type | tuple[type, ...]] = {
    XSD + "string": (str, bytes),
    RDF_LANG_STRING: (str, bytes),
    XSD + "integer": int,
    XSD + "float": float,
    XSD + "decimal": Decimal,
    XSD + "boolean": bool,
    XSD + "date": date,
    XSD + "time": time,
    XSD + "dateTime": datetime,
}
_NODE_KINDS = {
    "IRI": (ox.NamedNode,),
    "BlankNode": (ox.BlankNode,),
    "Literal": (ox.Literal,),
    "BlankNodeOrIRI": (ox.BlankNode, ox.NamedNode),
    "BlankNodeOrLiteral": (ox.BlankNode, ox.Literal),
    "IRIOrLiteral": (ox.NamedNode, ox.Literal),
}
#: What a SHACL-SPARQL text may not hold for this engine: pre-bound variables other than `$this`
#: pyshacl binds or replaces, and what only pyshacl's own checks handle (escapes, the network).
_SPARQL_DECLINED = re.compile(
    r"\$PATH|[?$]shapesGraph|[?$]currentShape|[?$]failure\b|\\u|SERVICE|FROM|MINUS|VALUES"
    r"|SELECT[\s\S]*SELECT",
    re.IGNORECASE,
)

#: An RDF term of the data or the shapes (pyoxigraph's stubs admit triple terms everywhere;
#: `learningcity.load` refuses them, and so does `Run`).
Term = Any


class Unsupported(Exception):
    """The native engine cannot promise pyshacl's results here; pyshacl runs instead."""


@dataclass(frozen=True)
class Result:
    """One validation result, in pyshacl's terms (`make_v_result`)."""

    shape: Shape
    focus: Term
    component: str
    value: Term | None = None
    path: Term | None = None  # a result path other than the shape's own
    source_constraint: Term | None = None
    sparql_messages: tuple[ox.Literal, ...] | None = None  # a SPARQL constraint's messages


#: A constraint: the results for one focus node and its value nodes.
Check = Callable[["Run", "Shape", Term, list[Term]], list[Result]]


@dataclass(eq=False)
class Shape:
    node: Term
    path: Term | None
    severity: ox.NamedNode
    messages: tuple[ox.Literal, ...]
    checks: list[Check] = field(default_factory=list)
    targets: dict[str, list[Term]] = field(default_factory=dict)


class ShapesGraph:
    """The shapes graph, indexed; `shape(node)` compiles a shape once."""

    def __init__(self, quads: Iterable[ox.Quad]) -> None:
        self.quads = [ox.Quad(q.subject, q.predicate, q.object) for q in quads]
        self.edges: dict[Any, dict[str, list[Any]]] = {}
        self.incoming: dict[Any, dict[str, list[Any]]] = {}
        for q in self.quads:
            self.edges.setdefault(q.subject, {}).setdefault(q.predicate.value, []).append(q.object)
            self.incoming.setdefault(q.object, {}).setdefault(q.predicate.value, []).append(
                q.subject
            )
        self.compiled: dict[Any, Shape] = {}
        self.compiling: set[Any] = set()

    def objects(self, node: Any, predicate: str) -> list[Any]:
        return self.edges.get(node, {}).get(predicate, [])

    def one(self, node: Any, predicate: str) -> Any | None:
        found = self.objects(node, predicate)
        if len(found) > 1:
            raise Unsupported(f"more than one <{predicate}> on {node}")
        return found[0] if found else None

    def items(self, head: Any) -> list[Any]:
        """An RDF list's members; `Unsupported` for anything but a well-formed list."""
        found, seen = [], set()
        while head != RDF_NIL:
            if head in seen or not isinstance(head, ox.BlankNode | ox.NamedNode):
                raise Unsupported("a malformed RDF list")
            seen.add(head)
            first, rest = self.objects(head, RDF + "first"), self.objects(head, RDF + "rest")
            if len(first) != 1 or len(rest) != 1:
                raise Unsupported("a malformed RDF list")
            found.append(first[0])
            head = rest[0]
        return found

    def shape(self, node: Any) -> Shape:
        if node in self.compiled:
            return self.compiled[node]
        if node in self.compiling:
            raise Unsupported(f"shape {node} refers to itself")
        self.compiling.add(node)
        try:
            compiled = self.compiled[node] = _compile(self, node)
        finally:
            self.compiling.discard(node)
        return compiled

    def top_level(self) -> list[Shape]:
        """Every shape with a target (pyshacl validates only those at the top)."""
        targets = ("targetClass", "targetNode", "targetObjectsOf", "targetSubjectsOf")
        nodes = {q.subject for q in self.quads if q.predicate.value in {SH + t for t in targets}}
        if any(q.predicate.value == SH + "target" for q in self.quads):
            raise Unsupported("SPARQL-based targets")
        classes = {RDFS + "Class", STANDARD_PREFIXES["owl"] + "Class"}
        classes |= {str(q.subject.value) for q in self.quads if q.predicate == SUBCLASS_OF}  # type: ignore[union-attr]
        for node, edges in self.edges.items():
            described = any(p.startswith(SH) for p in edges)
            if described and any(t.value in classes for t in edges.get(RDF + "type", [])):
                raise Unsupported(f"{node} is a class and a shape (implicit class targets)")
        return [self.shape(node) for node in sorted(nodes, key=str)]


def compile_shapes(shapes: Iterable[ox.Quad], ontology: Iterable[ox.Quad]) -> Engine:
    """The native engine for these shapes and this ontology; `Unsupported` if it cannot promise
    pyshacl's results."""
    graph = ShapesGraph(shapes)
    for q in graph.quads:
        if q.predicate.value in (SH + "rule", SH + "entailment", SH + "shapesGraph"):
            raise Unsupported(f"<{q.predicate.value}>")
    return Engine(graph, graph.top_level(), inoculated(ontology))


#: What pyshacl copies of an ontology into the data (`pyshacl.rdfutil.consts`, `inoculate`).
_OWL = STANDARD_PREFIXES["owl"]
_AXIOM_CLASSES = frozenset(
    [
        RDFS + n
        for n in [
            "Class",
            "Container",
            "ContainerMembershipProperty",
            "Datatype",
            "Literal",
            "Resource",
        ]
    ]
    + [
        _OWL + n
        for n in [
            "AllDifferent",
            "AllDisjointClasses",
            "AllDisjointProperties",
            "Annotation",
            "AnnotationProperty",
            "AsymmetricProperty",
            "Axiom",
            "Class",
            "DataRange",
            "DatatypeProperty",
            "DeprecatedClass",
            "DeprecatedProperty",
            "FunctionalProperty",
            "InverseFunctionalProperty",
            "IrreflexiveProperty",
            "NamedIndividual",
            "NegativePropertyAssertion",
            "ObjectProperty",
            "Ontology",
            "OntologyProperty",
            "ReflexiveProperty",
            "Restriction",
            "SymmetricProperty",
            "TransitiveProperty",
        ]
    ]
)
_AXIOM_PROPERTIES = frozenset(
    [RDFS + n for n in ["comment", "domain", "isDefinedBy", "label", "member", "range", "seeAlso"]]
    + [RDFS + "subClassOf", RDFS + "subPropertyOf"]
    + [
        _OWL + n
        for n in [
            "allValuesFrom",
            "annotatedProperty",
            "annotatedSource",
            "annotatedTarget",
            "assertionProperty",
            "cardinality",
            "complementOf",
            "datatypeComplementOf",
            "differentFrom",
            "disjointUnionOf",
            "disjointWith",
            "distinctMembers",
            "equivalentClass",
            "equivalentProperty",
            "hasKey",
            "hasSelf",
            "hasValue",
            "intersectionOf",
            "inverseOf",
            "maxCardinality",
            "maxQualifiedCardinality",
            "members",
            "minCardinality",
            "minQualifiedCardinality",
            "onClass",
            "onDataRange",
            "onDatatype",
            "onProperties",
            "onProperty",
            "oneOf",
            "propertyChainAxiom",
            "propertyDisjointWith",
            "qualifiedCardinality",
            "sameAs",
            "someValuesFrom",
            "sourceIndividual",
            "targetIndividual",
            "targetValue",
            "unionOf",
            "withRestrictions",
            "backwardCompatibleWith",
            "deprecated",
            "incompatibleWith",
            "priorVersion",
            "versionInfo",
            "bottomDataProperty",
            "topDataProperty",
            "bottomObjectProperty",
            "topObjectProperty",
            "imports",
            "versionIRI",
        ]
    ]
)


def inoculated(ontology: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The ontology's statements pyshacl mixes into the data: the types that are RDFS or OWL
    classes and the RDFS and OWL axioms, a blank node they name copied (with a new label) once
    as a subject, and once more for each axiom that names it as an object, as pyshacl does."""
    graph = ShapesGraph(ontology)
    found: list[ox.Quad] = []
    copies: dict[Any, ox.BlankNode] = {}

    def copy(node: Any) -> Any:
        if not isinstance(node, ox.BlankNode):
            return node
        if node not in copies:
            copies[node] = _clone(graph, node, found, keep_label=False)
        return copies[node]

    for q in graph.quads:
        kind = q.object
        if (
            q.predicate == RDF_TYPE
            and isinstance(kind, ox.NamedNode)
            and kind.value in _AXIOM_CLASSES
        ):
            if kind.value == _OWL + "NamedIndividual":
                raise Unsupported("an owl:NamedIndividual in the ontology (copied deeply)")
            found.append(ox.Quad(copy(q.subject), RDF_TYPE, q.object))
    for q in graph.quads:
        if q.predicate.value in _AXIOM_PROPERTIES:
            subject = copy(q.subject)
            target = q.object
            if isinstance(target, ox.BlankNode):
                target = copies[target] if target in copies else copy(target)
            found.append(ox.Quad(subject, q.predicate, target))
    return found


def _clone(graph: ShapesGraph, node: Any, into: list[ox.Quad], keep_label: bool) -> Any:
    """pyshacl's `clone_blank_node`: the statements about a blank node (as a list only its
    members, if it is one), each blank node they name copied anew; `into` receives them.
    Deep structures, whose copies pyshacl cuts at a recursion limit, are left to pyshacl."""

    def copy(node: Any, keep_label: bool, depth: int) -> Any:
        if depth > 4:
            raise Unsupported("a deep structure of blank nodes in a report")
        copied = node if keep_label else ox.BlankNode()
        edges = graph.edges.get(node, {})
        if RDF + "first" in edges:
            cell = copied
            members = graph.items(node)
            for number, member in enumerate(members):
                item = (
                    copy(member, False, depth + 1) if isinstance(member, ox.BlankNode) else member
                )
                into.append(ox.Quad(cell, RDF_FIRST, item))
                rest = RDF_NIL if number == len(members) - 1 else ox.BlankNode()
                into.append(ox.Quad(cell, RDF_REST, rest))
                cell = rest
            return copied
        for predicate, objects in edges.items():
            for o in objects:
                if isinstance(o, ox.BlankNode):
                    o = copy(o, False, depth + 1)
                into.append(ox.Quad(copied, ox.NamedNode(predicate), o))
        return copied

    return copy(node, keep_label, 0)


def _compile(graph: ShapesGraph, node: Any) -> Shape:
    edges = graph.edges.get(node, {})
    types = {t.value for t in edges.get(RDF + "type", [])}
    if types - _TYPES_OF_SHAPES:  # a class as well: implicit class targets
        raise Unsupported(f"shape {node} is typed {sorted(types - _TYPES_OF_SHAPES)}")
    paths = edges.get(SH + "path", [])
    if len(paths) > 1 or (paths and SH + "NodeShape" in types):
        raise Unsupported(f"shape {node} has an unusual sh:path")
    if SH + "PropertyShape" in types and not paths:
        raise Unsupported(f"property shape {node} has no sh:path")
    severity = graph.one(node, SH + "severity") or ox.NamedNode(SH + "Violation")
    if not isinstance(severity, ox.NamedNode):
        raise Unsupported("a severity that is not an IRI")
    path = paths[0] if paths else None
    if path is not None:
        _check_path(graph, path)
    shape = Shape(node, path, severity, tuple(edges.get(SH + "message", [])))
    for predicate in edges:
        if predicate.startswith(SH) and predicate not in _ANNOTATIONS | _COMPILERS.keys():
            raise Unsupported(f"shape {node} uses <{predicate}>")
    for predicate, compiler in _COMPILERS.items():
        if predicate in edges:
            shape.checks.append(compiler(graph, node, shape))
    if (
        SH + "qualifiedValueShape" in edges
        or SH + "qualifiedMinCount" in edges
        or (SH + "qualifiedMaxCount" in edges)
    ):
        shape.checks.append(_qualified(graph, node, shape))
    for prop in edges.get(SH + "property", []):
        shape.checks.append(_property(graph.shape(prop)))
    for query in edges.get(SH + "sparql", []):
        shape.checks.append(_sparql(graph, query, shape))
    for kind in ("targetClass", "targetNode", "targetObjectsOf", "targetSubjectsOf"):
        shape.targets[kind] = list(edges.get(SH + kind, []))
    return shape


def _check_path(graph: ShapesGraph, path: Any, depth: int = 0) -> None:
    """Paths as pyshacl reads them, or `Unsupported` (a node that is a list and more, say)."""
    if isinstance(path, ox.NamedNode):
        return
    if depth > 8 or not isinstance(path, ox.BlankNode):
        raise Unsupported("an unusual path")
    edges = graph.edges.get(path, {})
    if RDF + "first" in edges:
        if set(edges) != {RDF + "first", RDF + "rest"}:
            raise Unsupported("a path that is a list and more")
        for part in graph.items(path):
            _check_path(graph, part, depth + 1)
        return
    if len(edges) != 1:
        raise Unsupported("an unusual path")
    [(predicate, targets)] = edges.items()
    if len(targets) != 1:
        raise Unsupported("an unusual path")
    if predicate == SH + "alternativePath":
        for part in graph.items(targets[0]):
            _check_path(graph, part, depth + 1)
    elif predicate.removeprefix(SH) in _UNARY_PATHS:
        _check_path(graph, targets[0], depth + 1)
    else:
        raise Unsupported("an unusual path")


_UNARY_PATHS = frozenset(("inversePath", "zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath"))


# --- the constraints, as pyshacl 0.40's components evaluate them ------------------------------


def _single(graph: ShapesGraph, node: Any, name: str) -> Any:
    found = graph.objects(node, SH + name)
    if len(found) != 1:
        raise Unsupported(f"sh:{name} given {len(found)} times")
    return found[0]


def _count(graph: ShapesGraph, node: Any, name: str, shape: Shape) -> int:
    value = _single(graph, node, name)
    if shape.path is None or not _is_integer(value):
        raise Unsupported(f"sh:{name} {value}")
    return int(value.value)


def _is_integer(value: Any) -> bool:
    return (
        isinstance(value, ox.Literal)
        and value.datatype.value == XSD + "integer"
        and re.fullmatch(r"[+-]?[0-9]+", value.value) is not None
        and int(value.value) >= 0
    )


def _per_value(component: str, passes: Callable[[Run, Term], bool]) -> Check:
    def check(run: Run, shape: Shape, focus: Term, values: list[Term]) -> list[Result]:
        return [Result(shape, focus, component, v) for v in values if not passes(run, v)]

    return check


def _min_count(graph: ShapesGraph, node: Any, shape: Shape) -> Check:
    least = _count(graph, node, "minCount", shape)

    def check(run: Run, shape: Shape, focus: Term, values: list[Term]) -> list[Result]:
        if least == 0 or len(values) >= least:
            return []
        return [Result(shape, focus, SH + "MinCountConstraintComponent")]

    return check


def _max_count(graph: ShapesGraph, node: Any, shape: Shape) -> Check:
    most = _count(graph, node, "maxCount", shape)

    def check(run: Run, shape: Shape, focus: Term, values: list[Term]) -> list[Result]:
        if len(values) <= most:
            return []
        return [Result(shape, focus, SH + "MaxCountConstraintComponent")]

    return check


def _class(graph: ShapesGraph, node: Any, shape: Shape) -> Check:
    classes = graph.objects(node, SH + "class")
    component = SH + "ClassConstraintComponent"

    def check(run: Run, shape: Shape, focus: Term, values: list[Term]) -> list[Result]:
        return [
            Result(shape, focus, component, v)
            for c in classes
            for v in values
            if not run.instance_of(v, c)
        ]

    return check


def _datatype(graph: ShapesGraph, node: Any, shape: Shape) -> Check:
    rule = _single(graph, node, "datatype")
    if not isinstance(rule, ox.NamedNode):
        raise Unsupported("sh:datatype that is not an IRI")
    return _per_value(SH + "DatatypeConstraintComponent", lambda run, v: run.has_datatype(v, rule))


def _node_kind(graph: ShapesGraph, node: Any, shape: Shape) -> Check:
    rule = _single(graph, node, "nodeKind")
    kinds = _NODE_KINDS.get(rule.value.removeprefix(SH)) if isinstance(rule, ox.NamedNode) else None
    if kinds is None:
        raise Unsupported(f"sh:nodeKind {rule}")
    return _per_value(SH + "NodeKindConstraintComponent", lambda run, v: isinstance(v, kinds))


def _language_in(graph: ShapesGraph, node: Any, shape: Shape) -> Check:
    tags = graph.items(_single(graph, node, "languageIn"))
    if not all(isinstance(t, ox.Literal) and t.datatype == XSD_STRING for t in tags):
        raise Unsupported("sh:languageIn with a member that is not a string")
    wanted = {t.value.lower() for t in tags}

    def passes(run: Run, value: Term) -> bool:
        if not isinstance(value, ox.Literal) or not value.language:
            return False
        language = value.language.lower()
        return "*" in wanted or language in wanted or language.split("-")[0] in wanted

    return _per_value(SH + "LanguageInConstraintComponent", passes)


def _unique_lang(graph: ShapesGraph, node: Any, shape: Shape) -> Check:
    flag = _boolean(_single(graph, node, "uniqueLang"))
    if shape.path is None:
        raise Unsupported("sh:uniqueLang on a node shape")

    def check(run: Run, shape: Shape, focus: Term, values: list[Term]) -> list[Result]:
        if not flag:
            return []
        seen: set[str] = set()
        duplicates: set[str] = set()
        for v in values:
            if isinstance(v, ox.Literal) and v.language:
                language = v.language.lower()
                (duplicates if language in seen else seen).add(language)
        return [Result(shape, focus, SH + "UniqueLangConstraintComponent") for _ in duplicates]

    return check


def _boolean(value: Any) -> bool:
    """A boolean parameter written `true` or `false` (pyshacl reads others its own way)."""
    if (
        isinstance(value, ox.Literal)
        and value.datatype.value == XSD + "boolean"
        and (value.value in ("true", "false"))
    ):
        return value.value == "true"
    raise Unsupported(f"a boolean written {value}")


def _pattern(graph: ShapesGraph, node: Any, shape: Shape) -> Check:
    patterns = graph.objects(node, SH + "pattern")
    flags = graph.objects(node, SH + "flags")
    if len(flags) > 1 or not all(isinstance(p, ox.Literal) for p in patterns + flags):
        raise Unsupported("sh:pattern or sh:flags that pyshacl reads its own way")
    letters = flags[0].value.lower() if flags else ""
    if set(letters) - {"i", "m"}:
        raise Unsupported(f"sh:flags {letters!r}")
    options = (re.I if "i" in letters else 0) | (re.M if "m" in letters else 0)
    try:
        compiled = [re.compile(p.value, options) for p in patterns]
    except re.error:
        raise Unsupported("a pattern Python cannot compile") from None
    component = SH + "PatternConstraintComponent"

    def check(run: Run, shape: Shape, focus: Term, values: list[Term]) -> list[Result]:
        return [
            Result(shape, focus, component, v)
            for matcher in compiled
            for v in values
            if isinstance(v, ox.BlankNode) or matcher.search(v.value) is None
        ]

    return check


def _in(graph: ShapesGraph, node: Any, shape: Shape) -> Check:
    members = set(graph.items(_single(graph, node, "in")))
    return _per_value(SH + "InConstraintComponent", lambda run, v: v in members)


def _has_value(graph: ShapesGraph, node: Any, shape: Shape) -> Check:
    wanted = graph.objects(node, SH + "hasValue")

    def check(run: Run, shape: Shape, focus: Term, values: list[Term]) -> list[Result]:
        component = SH + "HasValueConstraintComponent"
        return [Result(shape, focus, component) for w in wanted if w not in values]

    return check


def _range(name: str, holds: Callable[[Any, Any], bool]) -> Callable[..., Check]:
    def compiler(graph: ShapesGraph, node: Any, shape: Shape) -> Check:
        bounds = graph.objects(node, SH + name)
        if not all(isinstance(b, ox.Literal) for b in bounds):
            raise Unsupported(f"sh:{name} that is not a literal")
        component = SH + name[0].upper() + name[1:] + "ConstraintComponent"

        def check(run: Run, shape: Shape, focus: Term, values: list[Term]) -> list[Result]:
            return [
                Result(shape, focus, component, v)
                for bound in bounds
                for v in values
                if not (isinstance(v, ox.Literal) and holds(run.number(v), run.number(bound)))
            ]

        return check

    return compiler


def _less_than_or_equals(graph: ShapesGraph, node: Any, shape: Shape) -> Check:
    others = graph.objects(node, SH + "lessThanOrEquals")
    if not all(isinstance(o, ox.NamedNode) for o in others):
        raise Unsupported("sh:lessThanOrEquals that is not an IRI")
    component = SH + "LessThanOrEqualsConstraintComponent"

    def check(run: Run, shape: Shape, focus: Term, values: list[Term]) -> list[Result]:
        found = []
        for other in others:
            bounds = run.objects(focus, other)
            for v in values:
                for bound in bounds:
                    if not isinstance(v, ox.Literal) or not isinstance(bound, ox.Literal):
                        raise Unsupported("sh:lessThanOrEquals beside a node")
                    if not run.number(v) <= run.number(bound):
                        found.append(Result(shape, focus, component, v))
        return found

    return check


def _closed(graph: ShapesGraph, node: Any, shape: Shape) -> Check:
    closed = _boolean(_single(graph, node, "closed"))
    ignored: set[Any] = set()
    for listed in graph.objects(node, SH + "ignoredProperties"):
        ignored |= set(graph.items(listed))
    allowed = set()
    for prop in graph.objects(node, SH + "property"):
        path = graph.shape(prop).path
        if path is None:
            raise Unsupported("sh:property pointing to a shape without a path")
        allowed.add(path)
    component = SH + "ClosedConstraintComponent"

    def check(run: Run, shape: Shape, focus: Term, values: list[Term]) -> list[Result]:
        if not closed:
            return []
        return [
            Result(shape, focus, component, o, path=p)
            for v in values
            for p, o in run.about(v)
            if not (p == RDF_TYPE and o == RESOURCE) and p not in ignored and p not in allowed
        ]

    return check


def _logical(name: str, passes: Callable[[int, int], bool]) -> Callable[..., Check]:
    """sh:or, sh:xone, sh:and: a value passes by how many of the listed shapes it conforms to."""

    def compiler(graph: ShapesGraph, node: Any, shape: Shape) -> Check:
        lists = [graph.items(listed) for listed in graph.objects(node, SH + name)]
        if not all(lists):
            raise Unsupported(f"an empty sh:{name}")
        member_lists = [[graph.shape(m) for m in members] for members in lists]
        component = SH + name[0].upper() + name[1:] + "ConstraintComponent"

        def check(run: Run, shape: Shape, focus: Term, values: list[Term]) -> list[Result]:
            return [
                Result(shape, focus, component, v)
                for members in member_lists
                for v in values
                if not passes(sum(run.conforms(m, v) for m in members), len(members))
            ]

        return check

    return compiler


def _not(graph: ShapesGraph, node: Any, shape: Shape) -> Check:
    others = [graph.shape(o) for o in graph.objects(node, SH + "not")]
    component = SH + "NotConstraintComponent"

    def check(run: Run, shape: Shape, focus: Term, values: list[Term]) -> list[Result]:
        return [
            Result(shape, focus, component, v)
            for other in others
            for v in values
            if run.conforms(other, v)
        ]

    return check


def _qualified(graph: ShapesGraph, node: Any, shape: Shape) -> Check:
    value_shape = graph.shape(_single(graph, node, "qualifiedValueShape"))
    least = graph.one(node, SH + "qualifiedMinCount")
    most = graph.one(node, SH + "qualifiedMaxCount")
    if SH + "qualifiedValueShapesDisjoint" in graph.edges.get(node, {}):
        raise Unsupported("sh:qualifiedValueShapesDisjoint")
    if shape.path is None or (least is None and most is None):
        raise Unsupported("an unusual qualified value shape")
    if not all(_is_integer(n) for n in (least, most) if n is not None):
        raise Unsupported("a qualified count that is not a non-negative integer")
    low = None if least is None else int(least.value)
    high = None if most is None else int(most.value)

    def check(run: Run, shape: Shape, focus: Term, values: list[Term]) -> list[Result]:
        if not values and (low is None or low < 1):
            return []
        conforming = sum(run.conforms(value_shape, v) for v in values)
        found = []
        if high is not None and conforming > high:
            found.append(Result(shape, focus, SH + "QualifiedMaxCountConstraintComponent"))
        if low is not None and conforming < low:
            found.append(Result(shape, focus, SH + "QualifiedMinCountConstraintComponent"))
        return found

    return check


def _property(prop: Shape) -> Check:
    if prop.path is None:
        raise Unsupported("sh:property pointing to a shape without a path")

    def check(run: Run, shape: Shape, focus: Term, values: list[Term]) -> list[Result]:
        return [r for v in values for r in run.validate(prop, v)]

    return check


def _sparql(graph: ShapesGraph, node: Any, shape: Shape) -> Check:
    """A SHACL-SPARQL SELECT constraint on a node shape, run in Oxigraph with `$this` bound."""
    edges = graph.edges.get(node, {})
    allowed = {RDF + "type", SH + "select", SH + "message", SH + "prefixes"}
    if set(edges) - allowed or shape.path is not None:
        raise Unsupported("a SPARQL constraint beyond a plain SELECT on a node shape")
    select = _single(graph, node, "select")
    messages = tuple(edges.get(SH + "message", []))
    if not isinstance(select, ox.Literal) or _SPARQL_DECLINED.search(select.value):
        raise Unsupported("a SPARQL text pyshacl composes its own way")
    if any("{" in m.value for m in messages + shape.messages):
        raise Unsupported("a SPARQL message with placeholders")
    prologue = "".join(
        f"PREFIX {_single(graph, d, 'prefix').value}: <{_single(graph, d, 'namespace').value}>\n"
        for source in edges.get(SH + "prefixes", [])
        for d in graph.objects(source, SH + "declare")
    )
    pieces = _around_this(select.value)
    once = len(pieces) == 1  # `$this` at most projected: the same rows for every focus node
    grouped = not once and _joins_this(select.value)
    # pyshacl re-makes every message (the constraint's not among the shape's, then the shape's)
    # from its text alone: the language tag is lost
    extra = [m for m in messages if m not in shape.messages]
    plain = tuple(dict.fromkeys(ox.Literal(m.value) for m in (*extra, *shape.messages)))

    def rows(
        run: Run, focus: Term | None, parts: list[str] = pieces
    ) -> list[dict[str, Term | None]]:
        """The distinct solutions, `focus` written where the pattern names `$this`."""
        if focus is not None and not isinstance(focus, ox.NamedNode):
            raise Unsupported("a SPARQL constraint on a focus node that is no IRI")
        text = prologue + "\n" + (f"<{focus.value}>" if focus is not None else "").join(parts)
        try:
            solutions = run.store.query(text)
        except (SyntaxError, OSError, ValueError) as error:
            raise Unsupported(f"Oxigraph refused a SPARQL constraint: {error}") from None
        if not isinstance(solutions, ox.QuerySolutions):
            raise Unsupported("a SPARQL constraint that is no SELECT")
        variables = [v.value for v in solutions.variables]
        distinct = dict.fromkeys(
            tuple((name, run.restore(solution[name])) for name in variables)
            for solution in solutions
        )
        return [dict(row) for row in distinct]

    def check(run: Run, shape: Shape, focus: Term, values: list[Term]) -> list[Result]:
        if once:
            shared = run.cache.get(node)
            if shared is None:
                shared = run.cache[node] = rows(run, None)
        elif grouped:
            by_this = run.cache.get(node)
            if by_this is None:
                by_this = run.cache[node] = {}
                for row in rows(run, None, [select.value]):
                    by_this.setdefault(row.get("this"), []).append(row)
            shared = by_this.get(focus, [])
        else:
            shared = rows(run, focus)
        # pyshacl pre-binds `$this`: where it is projected, every row has the focus node
        found_rows = [{**r, "this": focus} if "this" in r else r for r in shared]
        return [
            Result(
                shape,
                focus if bound.get("this") is None else bound["this"],
                SH + "SPARQLConstraintComponent",
                focus if bound.get("value") is None else bound["value"],
                path=bound.get("path"),
                source_constraint=node,
                sparql_messages=plain,
            )
            for bound in found_rows
            if any(bound.get(n) is not None for n in ("this", "path", "value"))
        ]

    return check


_SOLUTION_MODIFIERS = re.compile(
    r"\b(GROUP|HAVING|LIMIT|OFFSET|ORDER|COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\b", re.I
)


def _joins_this(text: str) -> bool:
    """Whether evaluating the SELECT once with `$this` free, then keeping the rows of each focus
    node, gives what substituting each focus node gives: `$this` is projected and occurs only in
    triple patterns of the top-level group (not in a nested group, an expression or a
    FILTER's EXISTS), and nothing counts, orders or cuts the rows across focus nodes."""
    if _SOLUTION_MODIFIERS.search(text):
        return False
    tokens = [t for t in tokenize(text) if t.kind not in ("ws", "comment")]
    braces = parentheses = 0
    projected = False
    for token in tokens:
        if token.kind == "var" and token.text[1:] == "this":
            if braces == 0:
                projected = True
            elif braces != 1 or parentheses:
                return False
        elif token.text == "*" and braces == 0:
            projected = True
        elif token.kind == "punct":
            braces += {"{": 1, "}": -1}.get(token.text, 0)
            parentheses += {"(": 1, ")": -1}.get(token.text, 0) if braces else 0
    return projected


def _around_this(text: str) -> list[str]:
    """The text of a SELECT cut where its pattern (from the first `{`) names `$this` or `?this`:
    writing the focus node there is SHACL's pre-binding (substitution, SHACL 5.3.1), which
    Oxigraph then plans with the node known. A `$this` bound by the query itself (`AS ?this`)
    is left to pyshacl."""
    try:
        tokens = [t for t in tokenize(text) if t.kind not in ("ws", "comment")]
    except InputError:
        raise Unsupported("a SPARQL text the lexer refuses") from None
    opening = next((i for i, t in enumerate(tokens) if t.text == "{"), len(tokens))
    pieces, last = [], 0
    for before, token in zip(tokens[opening:], tokens[opening + 1 :], strict=False):
        if token.kind == "var" and token.text[1:] == "this":
            if before.text.upper() == "AS":
                raise Unsupported("a SPARQL constraint binding $this itself")
            pieces.append(text[last : token.start])
            last = token.start + len(token.text)
    pieces.append(text[last:])
    return pieces


_COMPILERS: dict[str, Callable[[ShapesGraph, Any, Shape], Check]] = {
    SH + "class": _class,
    SH + "datatype": _datatype,
    SH + "nodeKind": _node_kind,
    SH + "minCount": _min_count,
    SH + "maxCount": _max_count,
    SH + "languageIn": _language_in,
    SH + "uniqueLang": _unique_lang,
    SH + "pattern": _pattern,
    SH + "in": _in,
    SH + "hasValue": _has_value,
    SH + "minInclusive": _range("minInclusive", lambda v, b: v >= b),
    SH + "maxInclusive": _range("maxInclusive", lambda v, b: v <= b),
    SH + "minExclusive": _range("minExclusive", lambda v, b: v > b),
    SH + "maxExclusive": _range("maxExclusive", lambda v, b: v < b),
    SH + "lessThanOrEquals": _less_than_or_equals,
    SH + "closed": _closed,
    SH + "or": _logical("or", lambda passed, _total: passed > 0),
    SH + "xone": _logical("xone", lambda passed, _total: passed == 1),
    SH + "and": _logical("and", lambda passed, total: passed == total),
    SH + "not": _not,
}


# --- a run ----------------------------------------------------------------------------------


class Run:
    """One validation: the store of the data and ontology, and what is looked up more than once."""

    def __init__(self, graph: ShapesGraph, quads: Iterable[ox.Quad]) -> None:
        self.graph = graph
        self.literals: dict[ox.Literal, Any] = {}  # normalized literal -> its rdflib literal
        self.store = ox.Store()
        self.store.bulk_extend(self._normalized(quads))
        self.superclasses: dict[Any, set[Any]] = {}
        self.cache: dict[Any, Any] = {}  # what a constraint found once for every focus node
        # Oxigraph stores the values of the datatypes it knows and gives them back in its own
        # lexical form ("...T10:00:00Z" for rdflib's "...T10:00:00+00:00"): each is turned back
        # into rdflib's, unless two of rdflib's became one (then the graphs would differ)
        self.restored: dict[ox.Literal, ox.Literal] = {}
        for literal in self.literals:
            stored: Any = next(self.store.quads_for_pattern(None, None, literal)).object
            if stored != literal and self.restored.setdefault(stored, literal) != literal:
                raise Unsupported("two literals rdflib keeps apart are one value to Oxigraph")

    def _normalized(self, quads: Iterable[ox.Quad]) -> Iterable[ox.Quad]:
        made: dict[ox.Literal, ox.Literal] = {}
        for q in quads:
            o = q.object
            if isinstance(o, ox.Literal) and not o.language and o.datatype != XSD_STRING:
                normal = made.get(o)
                if normal is None:
                    normal, held = as_rdflib_holds(o)
                    made[o] = normal
                    self.literals.setdefault(normal, held)
                if normal != o:
                    q = ox.Quad(q.subject, q.predicate, normal)
            elif isinstance(o, ox.Triple):
                raise Unsupported("a triple term")
            if not isinstance(q.graph_name, ox.DefaultGraph):
                q = ox.Quad(q.subject, q.predicate, q.object)
            yield q

    def restore(self, term: Any) -> Any:
        """A term from the store as rdflib holds it (see `__init__`)."""
        return self.restored.get(term, term) if isinstance(term, ox.Literal) else term

    def objects(self, node: Term, predicate: ox.NamedNode) -> list[Term]:
        if isinstance(node, ox.Literal):
            return []
        found = [q.object for q in self.store.quads_for_pattern(node, predicate, None)]
        restored = self.restored
        if not restored:  # the usual data: nothing to turn back
            return found
        return [restored.get(o, o) if isinstance(o, ox.Literal) else o for o in found]

    def subjects(self, predicate: ox.NamedNode, node: Term) -> list[Term]:
        return [q.subject for q in self.store.quads_for_pattern(None, predicate, node)]

    def about(self, node: Term) -> list[tuple[ox.NamedNode, Term]]:
        if isinstance(node, ox.Literal):
            return []
        return [
            (q.predicate, self.restore(q.object))
            for q in self.store.quads_for_pattern(node, None, None)
        ]

    def values(self, focus: Term, path: Any) -> list[Term]:
        if isinstance(path, ox.NamedNode):  # the store holds each statement once: no repeats
            return self.objects(focus, path)
        return list(dict.fromkeys(self._along(focus, path)))

    def _along(self, focus: Term, path: Any) -> list[Term]:
        if isinstance(path, ox.NamedNode):
            return self.objects(focus, path)
        edges = self.graph.edges[path]
        if RDF + "first" in edges:
            nodes = [focus]
            for part in self.graph.items(path):
                nodes = list(dict.fromkeys(n for f in nodes for n in self._along(f, part)))
            return nodes
        [(predicate, [target])] = edges.items()
        kind = predicate.removeprefix(SH)
        if kind == "alternativePath":
            return [n for part in self.graph.items(target) for n in self._along(focus, part)]
        if kind == "inversePath":
            if not isinstance(target, ox.NamedNode):
                raise Unsupported("an inverse path of a complex path")
            return self.subjects(target, focus)
        reached = [focus] if kind in ("zeroOrMorePath", "zeroOrOnePath") else []
        frontier = [focus]
        seen = set(reached)
        while frontier:
            step = [n for f in frontier for n in self._along(f, target) if n not in seen]
            step = list(dict.fromkeys(step))
            seen.update(step)
            reached += step
            frontier = [] if kind == "zeroOrOnePath" else step
        return reached

    def instance_of(self, node: Term, cls: Term) -> bool:
        if isinstance(node, ox.Literal):
            return False
        for kind in self.objects(node, RDF_TYPE):
            if kind == cls or cls in self._superclasses(kind):
                return True
        return False

    def _superclasses(self, cls: Term) -> set[Any]:
        found = self.superclasses.get(cls)
        if found is None:
            found, frontier = {cls}, [cls]
            while frontier:
                step = [s for c in frontier for s in self.objects(c, SUBCLASS_OF) if s not in found]
                found.update(step)
                frontier = step
            self.superclasses[cls] = found
        return found

    def instances(self, cls: Term) -> list[Term]:
        found, classes, frontier = [], {cls}, [cls]
        while frontier:
            step = [s for c in frontier for s in self.subjects(SUBCLASS_OF, c) if s not in classes]
            classes.update(step)
            frontier = step
        for c in classes:
            found += self.subjects(RDF_TYPE, c)
        return found

    def has_datatype(self, value: Term, rule: ox.NamedNode) -> bool:
        """pyshacl's DatatypeConstraintComponent, on the literal as rdflib holds it."""
        if not isinstance(value, ox.Literal):
            return False
        if rule.value == RDFS + "Literal":
            return True
        if value.language:
            return rule.value == RDF_LANG_STRING
        if value.datatype == XSD_STRING:
            return rule == XSD_STRING
        if rule.value == RDFS + "Datatype":
            return True
        if value.datatype != rule:
            return False
        literal = self.literals[value]
        if getattr(literal, "ill_typed", None) is True:
            return False
        wanted = _VALUE_TYPES.get(rule.value)
        return wanted is None or isinstance(literal.value, wanted)

    def number(self, literal: Term) -> int | float | Decimal:
        """A literal's value for a comparison: only numbers (anything else: pyshacl decides)."""
        if not isinstance(literal, ox.Literal):
            raise Unsupported("a comparison with a node")
        if literal.language or literal.datatype == XSD_STRING:
            raise Unsupported("a comparison of strings")
        held = self.literals.get(literal)
        if held is None:
            held = self.literals[literal] = as_rdflib_holds(literal)[1]
        value = held.value
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise Unsupported("a comparison of values other than numbers")
        return value

    def validate(self, shape: Shape, focus: Term) -> list[Result]:
        values = [focus] if shape.path is None else self.values(focus, shape.path)
        return [r for check in shape.checks for r in check(self, shape, focus, values)]

    def conforms(self, shape: Shape, node: Term) -> bool:
        return not self.validate(shape, node)

    def focus_nodes(self, shape: Shape) -> list[Term]:
        found: list[Term] = list(shape.targets["targetNode"])
        for cls in shape.targets["targetClass"]:
            found += self.instances(cls)
        for predicate in shape.targets["targetSubjectsOf"]:
            found += [q.subject for q in self.store.quads_for_pattern(None, predicate, None)]
        for predicate in shape.targets["targetObjectsOf"]:
            found += [
                self.restore(q.object) for q in self.store.quads_for_pattern(None, predicate, None)
            ]
        return list(dict.fromkeys(found))


class Value(NamedTuple):
    """What pyshacl reads of an rdflib literal (`value`, `ill_typed`), for a literal whose
    reading is known without rdflib."""

    value: Any
    ill_typed: bool | None


#: Datatypes rdflib has no conversion for: their literals keep their lexical form, with no value
#: and `ill_typed` None (`rdflib.term._castLexicalToPython`).
RDFLIB_UNCONVERTED = frozenset(XSD + name for name in ("gYear", "gYearMonth", "gMonthDay"))
#: Lexical forms rdflib keeps as they are, with the value Python reads from them.
RDFLIB_CANONICAL = {
    XSD + "integer": (re.compile(r"0|-?[1-9][0-9]*"), int),
    XSD + "decimal": (re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]+"), Decimal),
}


def as_rdflib_holds(literal: ox.Literal) -> tuple[ox.Literal, Any]:
    """A typed literal of the data as rdflib normalizes it, and what pyshacl reads of it (its
    rdflib literal, or a `Value`).

    Why not always rdflib: importing it costs ~0.2 s, most of a small validation; the literals
    of usual data (canonical integers and decimals, years) are read here as rdflib reads them
    (tests/test_validation_differential.py compares with rdflib), the rest by rdflib."""
    datatype = literal.datatype.value
    if datatype in RDFLIB_UNCONVERTED:
        return literal, Value(None, None)
    canonical = RDFLIB_CANONICAL.get(datatype)
    if canonical is not None and canonical[0].fullmatch(literal.value):
        return literal, Value(canonical[1](literal.value), False)
    from learningcity.validation.engine import rdflib_term

    held = rdflib_term(literal)
    return _from_rdflib_literal(held), held


def _from_rdflib_literal(literal: Any) -> ox.Literal:
    if literal.language:
        return ox.Literal(str(literal), language=literal.language)
    if literal.datatype is None:
        return ox.Literal(str(literal))
    return ox.Literal(str(literal), datatype=ox.NamedNode(str(literal.datatype)))


@dataclass(frozen=True)
class Engine:
    """The compiled shapes; `check` gives the W3C report graph pyshacl would give."""

    graph: ShapesGraph
    shapes: list[Shape]
    ontology: list[ox.Quad]  # as pyshacl mixes it into the data (`inoculated`)

    def check(self, quads: Iterable[ox.Quad], *, messages: bool = True) -> list[ox.Quad]:
        """The report on `quads` (graph names dropped); `Unsupported` when pyshacl must run.

        `messages=False` leaves out messages instead of declining for a result whose shape has
        none (pyshacl would write its own): what the W3C suite's comparison with pyshacl uses,
        its shapes having few messages."""
        run = Run(self.graph, chain(quads, self.ontology))
        results = [
            result
            for shape in self.shapes
            for focus in run.focus_nodes(shape)
            for result in run.validate(shape, focus)
        ]
        return _report(self.graph, results, messages)


def _report(graph: ShapesGraph, results: list[Result], with_messages: bool) -> list[ox.Quad]:
    """pyshacl's report graph (`Validator.create_validation_report`): a blank node per result, and
    what the shapes graph says about any of its blank nodes a result names, copied (`_clone`).
    sh:node is not compiled: pyshacl's results for it carry the nested results (`sh:detail`)."""
    report = ox.BlankNode()
    quads = [ox.Quad(report, RDF_TYPE, ox.NamedNode(SH + "ValidationReport"))]
    quads.append(ox.Quad(report, ox.NamedNode(SH + "conforms"), ox.Literal(not results)))
    copied: set[Any] = set()

    def shapes_term(term: Any) -> Any:
        if isinstance(term, ox.BlankNode) and term not in copied:
            copied.add(term)
            _clone(graph, term, quads, keep_label=True)
        return term

    for result in results:
        node = ox.BlankNode()
        shape = result.shape
        messages = shape.messages if result.sparql_messages is None else result.sparql_messages
        if not messages and with_messages:
            raise Unsupported("a result whose shape has no sh:message (pyshacl writes its own)")
        if isinstance(result.focus, ox.BlankNode) or isinstance(result.value, ox.BlankNode):
            raise Unsupported("a result about a blank node of the data")
        path = result.path if result.path is not None else shape.path
        fields: list[tuple[str, Any]] = [
            (RDF + "type", ox.NamedNode(SH + "ValidationResult")),
            (SH + "sourceConstraintComponent", ox.NamedNode(result.component)),
            (SH + "sourceShape", shapes_term(shape.node)),
            (SH + "resultSeverity", shape.severity),
            (SH + "focusNode", result.focus),
        ]
        if result.value is not None:
            fields.append((SH + "value", result.value))
        if path is not None:
            fields.append((SH + "resultPath", shapes_term(path)))
        if result.source_constraint is not None:
            fields.append((SH + "sourceConstraint", shapes_term(result.source_constraint)))
        fields += [(SH + "resultMessage", m) for m in messages if with_messages]
        quads.append(ox.Quad(report, ox.NamedNode(SH + "result"), node))
        quads += [ox.Quad(node, ox.NamedNode(p), o) for p, o in fields]
    return list(dict.fromkeys(quads))
