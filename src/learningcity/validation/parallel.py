"""Validation at scale: the data in parts that never cut a profile, over every CPU; one report.

pyshacl's work per focus node grows with the graph it runs on (rdflib evaluates some SHACL-SPARQL
patterns before `$this` is bound, scanning every node of a class), so small parts are faster, and
parts run in parallel.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from learningcity.errors import InputError, LearningCityWarning
from learningcity.oxigraph import serialized
from learningcity.pool import WorkerPool
from learningcity.terms import RDF_TYPE
from learningcity.validation.engine import Engine
from learningcity.validation.report import SH, ReportIndex

if TYPE_CHECKING:
    import rdflib

NT = ox.RdfFormat.N_TRIPLES
#: Statements in one part: ~20 profiles of Yongsan's size, at ~0.1 s of fixed cost per part.
PART_STATEMENTS = 2_000
#: A node that more statements than this point to (the network, a country), or that points to
#: more nodes than this (a catalogue), is shared by many profiles: see `partition`.
SHARED_DEGREE = 32

#: Called with a short description of each step (`parsing shapes`, `validating`, ...).
Progress = Callable[[str], None]

#: In a worker process: the fixed inputs of every run, and the shared statements.
_worker: tuple[Engine, list[ox.Quad]] | None = None


@dataclass(frozen=True)
class Parts:
    """The data divided for validation (see `partition`): statement indices shared by every
    part, each part's own statement indices, and for each node of the data the part that owns
    it (None: a node pointing to many whose links no shape follows, a node no statement
    describes)."""

    shared: list[int]
    parts: list[list[int]]
    owner: dict[Any, int | None]


@dataclass(frozen=True)
class Reach:
    """What of the data the shapes look at, as far as dividing it is concerned: the predicates
    they follow against their direction (`sh:inversePath`), how they pick focus nodes, and
    which links of a targeted class's instances they follow to the values' own statements."""

    backward: frozenset[ox.NamedNode] = frozenset()
    classes: frozenset[ox.NamedNode] = frozenset()  # targeted, with their subclasses
    subjects_of: frozenset[ox.NamedNode] = frozenset()
    objects_of: frozenset[ox.NamedNode] = frozenset()
    nodes: frozenset[Any] = frozenset()
    #: (class, predicate): a shape on the class looks into the values of the predicate (their
    #: type for sh:class, their statements for sh:node); looking at a value itself (sh:nodeKind,
    #: sh:datatype, a count) needs nothing of its statements.
    followed: frozenset[tuple[ox.NamedNode, ox.NamedNode]] = frozenset()
    #: Classes whose shapes may look anywhere (SHACL-SPARQL, a path of several steps, a
    #: constraint on the focus node itself): every link of theirs is followed.
    opaque: frozenset[ox.NamedNode] = frozenset()

    @classmethod
    def of(cls, run: Engine) -> Reach:
        """Read from the shapes (and the ontology's subclasses, which `sh:targetClass` reaches)."""
        from rdflib import RDFS, URIRef

        def objects(graph: rdflib.Graph, predicate: str) -> set[ox.NamedNode]:
            found = graph.objects(None, URIRef(SH + predicate))
            return {ox.NamedNode(str(o)) for o in found if isinstance(o, URIRef)}

        classes = objects(run.shapes, "targetClass")
        implicit = {  # a class that is also a node shape targets its own instances
            ox.NamedNode(str(s))
            for s in run.shapes.subjects(URIRef(RDF_TYPE.value), URIRef(SH + "NodeShape"))
            if (s, URIRef(RDF_TYPE.value), RDFS.Class) in run.shapes
        }
        classes |= implicit
        subclass = [(str(s), str(o)) for s, o in run.ontology.subject_objects(RDFS.subClassOf)]
        below = {target: _with_subclasses(target, subclass) for target in classes}
        followed, opaque = _looked_into(run.shapes)
        opaque |= implicit  # (not read for what they look into: assumed to look anywhere)
        return cls(
            frozenset(objects(run.shapes, "inversePath")),
            frozenset().union(*below.values()),
            frozenset(objects(run.shapes, "targetSubjectsOf")),
            frozenset(objects(run.shapes, "targetObjectsOf")),
            frozenset(objects(run.shapes, "targetNode")),
            frozenset((c, p) for target, p in followed for c in below.get(target, ())),
            frozenset(c for target in opaque for c in below.get(target, ())),
        )


def _with_subclasses(target: ox.NamedNode, subclass: list[tuple[str, str]]) -> set[ox.NamedNode]:
    """`target` and every class below it (`rdfs:subClassOf` pairs), as `sh:targetClass` reaches."""
    found = {target}
    while grown := {ox.NamedNode(s) for s, o in subclass if ox.NamedNode(o) in found} - found:
        found |= grown
    return found


#: Constraints of a property shape that read a value's own statements (its type, its links).
_LOOKING_INTO = ("class", "node", "qualifiedValueShape", "property", "or", "and", "xone", "not")
#: Constraints of a node shape that look beyond one property's values.
_LOOKING_ANYWHERE = ("sparql", "node", "or", "and", "xone", "not", "closed")


def _looked_into(
    shapes: rdflib.Graph,
) -> tuple[set[tuple[ox.NamedNode, ox.NamedNode]], set[ox.NamedNode]]:
    """Per targeted class, the predicates whose values its shapes look into, and the classes
    whose shapes may look anywhere (see `Reach`)."""
    from rdflib import URIRef

    followed: set[tuple[ox.NamedNode, ox.NamedNode]] = set()
    opaque: set[ox.NamedNode] = set()
    for shape, target in shapes.subject_objects(URIRef(SH + "targetClass")):
        cls = ox.NamedNode(str(target))
        if any((shape, URIRef(SH + c), None) in shapes for c in _LOOKING_ANYWHERE):
            opaque.add(cls)
        for property_shape in shapes.objects(shape, URIRef(SH + "property")):
            path = shapes.value(property_shape, URIRef(SH + "path"))
            if not isinstance(path, URIRef):
                opaque.add(cls)
            elif any((property_shape, URIRef(SH + c), None) in shapes for c in _LOOKING_INTO):
                followed.add((cls, ox.NamedNode(str(path))))
            elif (property_shape, URIRef(SH + "sparql"), None) in shapes:
                opaque.add(cls)
    return followed, opaque


def partition(
    quads: list[ox.Quad], size: int, shared_degree: int = SHARED_DEGREE, reach: Reach | None = None
) -> Parts:
    """Split statements into parts of about `size` that never cut a profile; also shared ones.

    Why this is exact: SHACL looks from a focus node along its links, so a part holding whole
    connected components (nodes joined by IRI or blank-node objects, `rdf:type` aside, in either
    direction) gives each focus node the same neighbourhood as the whole graph, and only the
    part owning a node reports results about it (`merge_reports`). Nodes shared by many
    profiles would join every city into one component; they are instead described in every
    part (their statements returned first, as indices), so that a check of a link to them sees
    them, and some links to or from them join nothing:
    - a node that more than `shared_degree` statements point to (the network, a country): the
      statements pointing to it join nothing; its own links join as any node's;
    - a node pointing to more than `shared_degree` nodes (a catalogue of every city's dataset)
      whose shapes look into none of its values (`Reach.followed`) but those described in every
      part: a check of its links needs nothing of the other parts, so its links join nothing;
    - but never a node that the shapes reach against a link's direction (`Reach.backward`): the
      statements pointing to it stay in its component;
    and a component holding a blank node is described in every part too, since a SHACL-SPARQL
    constraint may scan for blank nodes anywhere. A shape that walks through a shared node to
    its values from another node (two links deep) is not provided for; the bundled ones do not.
    """
    reach = reach or Reach()
    ids: dict[Any, int] = {}
    # (a subject is never a triple term: pyoxigraph 0.5 refuses one, though its stubs allow it)
    subjects = [ids.setdefault(q.subject, len(ids)) for q in quads]
    links = [
        (i, q)
        for i, q in enumerate(quads)
        if isinstance(q.object, ox.NamedNode | ox.BlankNode) and q.predicate != RDF_TYPE
    ]
    objects = [ids.setdefault(q.object, len(ids)) for _, q in links]
    in_degree, out_degree = [0] * len(ids), [0] * len(ids)
    followed: set[int] = set()
    targeted = {ids[node] for node in reach.nodes if node in ids}
    for (i, q), node in zip(links, objects, strict=True):
        in_degree[node] += 1
        out_degree[subjects[i]] += 1
        if q.predicate in reach.backward:
            followed.add(node)
        if q.predicate in reach.objects_of:
            targeted.add(node)
        if q.predicate in reach.subjects_of:
            targeted.add(subjects[i])
    pointed_to = {n for n, count in enumerate(in_degree) if count > shared_degree} - followed
    pointing = {n for n, count in enumerate(out_degree) if count > shared_degree}
    pointing -= followed | targeted
    classes: dict[int, set[ox.NamedNode]] = {}
    for i, q in enumerate(quads):
        kind = q.object
        if q.predicate == RDF_TYPE and subjects[i] in pointing and isinstance(kind, ox.NamedNode):
            classes.setdefault(subjects[i], set()).add(kind)
    classes = {n: types & reach.classes for n, types in classes.items() if types & reach.classes}
    pointing -= {n for n, types in classes.items() if types & reach.opaque}
    pointing -= {
        subjects[i]
        for (i, q), node in zip(links, objects, strict=True)
        if subjects[i] in classes
        and node not in pointed_to
        and any((t, q.predicate) in reach.followed for t in classes[subjects[i]])
    }
    roots = list(range(len(ids)))
    for (i, _), node in zip(links, objects, strict=True):
        if subjects[i] not in pointing and node not in pointed_to and node not in pointing:
            _union(roots, subjects[i], node)
    components: dict[int, list[int]] = {}
    shared: list[int] = []
    for i, subject in enumerate(subjects):
        if subject in pointed_to or subject in pointing:
            shared.append(i)
        if subject not in pointing:
            components.setdefault(_find(roots, subject), []).append(i)
    blank = {_find(roots, node) for term, node in ids.items() if isinstance(term, ox.BlankNode)}
    packed: list[list[int]] = [[]]
    part_of: dict[int, int] = {}
    for root, members in components.items():
        if len(packed[-1]) >= size:
            packed.append([])
        packed[-1].extend(members)
        part_of[root] = len(packed) - 1
        if root in blank:
            shared.extend(members)
    owner = {
        term: None if node in pointing else part_of.get(_find(roots, node))
        for term, node in ids.items()
    }
    return Parts(sorted(set(shared)), packed, owner)


def _find(roots: list[int], node: int) -> int:
    root = node
    while roots[root] != root:
        root = roots[root]
    while roots[node] != root:
        roots[node], node = root, roots[node]
    return root


def _union(roots: list[int], a: int, b: int) -> None:
    root_a, root_b = _find(roots, a), _find(roots, b)
    if root_a != root_b:
        roots[root_a] = root_b


def validate_in_parts(
    quads: list[ox.Quad],
    run: Engine,
    workers: int,
    size: int,
    step: Progress,
    shared_degree: int = SHARED_DEGREE,
) -> list[ox.Quad]:
    """pyshacl on each part (see `partition`) in worker processes; one merged report.

    Workers (`learningcity.pool`) hold only the shapes,
    the ontology, the shared statements and one part at a time: parts go to them as N-Triples
    and reports come back the same way. Memory stays near that of the parsed data.
    """
    step(f"dividing {len(quads)} statements into parts")
    divided = partition(quads, size, shared_degree, Reach.of(run))
    payloads = (
        (number, serialized([quads[i] for i in part], NT))
        for number, part in enumerate(divided.parts)
    )
    shared_nt = serialized([quads[i] for i in divided.shared], NT)
    reports: list[tuple[int, list[ox.Quad]]] = []
    start_args = (run.shapes_path, run.ontology_path, shared_nt)
    with WorkerPool(workers, _start_worker, start_args, _check_part) as pool:
        for done, (number, report) in enumerate(pool.results(payloads), start=1):
            step(f"validating: {done} of {len(divided.parts)} parts done")
            if isinstance(report, str):
                raise InputError(report)
            reports.append((number, list(ox.parse(report, format=NT))))
    reports.sort(key=lambda numbered: numbered[0])
    return merge_reports(reports, divided.owner)


def _start_worker(shapes: Path, ontology: Path, shared: bytes) -> None:
    global _worker
    warnings.simplefilter("ignore", LearningCityWarning)  # said once, by the process reading first
    _worker = (Engine.read(shapes, ontology), list(ox.parse(shared, format=NT)))


def _check_part(numbered: tuple[int, bytes]) -> tuple[int, bytes | str]:
    """In a worker: validate one part; the report as N-Triples, or the error message."""
    assert _worker is not None
    run, shared = _worker
    number, part = numbered
    try:
        report = run.check([*ox.parse(part, format=NT), *shared])
    except InputError as error:
        return number, str(error)
    return number, serialized(report, NT)


def merge_reports(
    reports: Iterable[tuple[int, list[ox.Quad]]], owner: dict[Any, int | None] | None = None
) -> list[ox.Quad]:
    """One W3C report from the reports of numbered parts: each result from the part that owns
    its focus node (`Parts.owner`), or, for a focus node no part owns (a hub, an ontology term),
    from the part owning its `sh:value` or, with no value of a profile, from every part, once.

    Results are compared by content, blank nodes of the report by structure, since each part
    labels them its own way; blank nodes of the data (the keys of `owner`) keep their labels.
    `sh:conforms` is SHACL's: true when no result is kept.
    """
    owner = owner or {}
    report = ox.BlankNode("report")
    merged = [
        ox.Quad(report, RDF_TYPE, ox.NamedNode(SH + "ValidationReport")),
    ]
    seen: set[Any] = set()
    for number, quads in reports:
        index = ReportIndex(quads)
        for result in index.subjects_of_type(ox.NamedNode(SH + "ValidationResult")):
            focus = owner.get(index.one(result, SH + "focusNode"))
            value = owner.get(index.one(result, SH + "value"))
            if (focus if focus is not None else value if value is not None else number) != number:
                continue
            signature = _signature(index, result, owner)
            if signature in seen:
                continue
            seen.add(signature)
            prefix = f"p{number}"
            merged += _relabelled(_closure(index, result), prefix, owner)
            merged.append(
                ox.Quad(report, ox.NamedNode(SH + "result"), _relabel(result, prefix, owner))
            )
    merged.append(ox.Quad(report, ox.NamedNode(SH + "conforms"), ox.Literal(not seen)))
    return merged


def _signature(index: ReportIndex, node: Any, data: Container[Any], depth: int = 0) -> Any:
    """The content of a node, blank nodes of the report replaced by their own content (labels
    ignored); blank nodes of the `data` by their labels."""
    if not isinstance(node, ox.BlankNode) or node in data or depth > 64:
        return str(node)
    return tuple(
        sorted(
            (predicate, _signature(index, value, data, depth + 1))
            for predicate, values in index.edges.get(node, {}).items()
            for value in values
        )
    )


def _closure(index: ReportIndex, node: Any) -> list[ox.Quad]:
    """Statements about `node` and, recursively, about the blank nodes it points to."""
    found: list[ox.Quad] = []
    stack, visited = [node], {node}
    while stack:
        subject = stack.pop()
        for predicate, values in index.edges.get(subject, {}).items():
            for value in values:
                found.append(ox.Quad(subject, ox.NamedNode(predicate), value))
                if isinstance(value, ox.BlankNode) and value not in visited:
                    visited.add(value)
                    stack.append(value)
    return found


def _relabel(term: Any, prefix: str, data: Container[Any]) -> Any:
    """A blank node of one part's report made distinct from the other parts' (those of the
    `data`, which pyshacl copies into the report with their statements, keep their labels)."""
    if isinstance(term, ox.BlankNode) and term not in data:
        return ox.BlankNode(prefix + term.value)
    return term


def _relabelled(quads: list[ox.Quad], prefix: str, data: Container[Any]) -> list[ox.Quad]:
    return [
        ox.Quad(_relabel(q.subject, prefix, data), q.predicate, _relabel(q.object, prefix, data))
        for q in quads
    ]
