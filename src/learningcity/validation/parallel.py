"""Validation at scale: the data in parts that never cut a profile, over every CPU; one report.

pyshacl's work per focus node grows with the graph it runs on (rdflib evaluates some SHACL-SPARQL
patterns before `$this` is bound, scanning every node of a class), so small parts are faster, and
parts run in parallel.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from learningcity.errors import InputError, LearningCityWarning
from learningcity.oxigraph import serialized
from learningcity.pool import WorkerPool
from learningcity.terms import RDF_TYPE
from learningcity.validation.engine import Engine
from learningcity.validation.report import SH, ReportIndex

NT = ox.RdfFormat.N_TRIPLES
#: Statements in one part: ~20 profiles of Yongsan's size, at ~0.1 s of fixed cost per part.
PART_STATEMENTS = 2_000
#: A node that more statements than this point to is shared by many profiles (the network, a
#: country, the dataset): statements about it go into every part instead of joining the profiles.
SHARED_DEGREE = 32

#: Called with a short description of each step (`parsing shapes`, `validating`, ...).
Progress = Callable[[str], None]

#: In a worker process: the fixed inputs of every run, and the shared statements.
_worker: tuple[Engine, list[ox.Quad]] | None = None


def partition(
    quads: list[ox.Quad], size: int, shared_degree: int = SHARED_DEGREE
) -> tuple[list[int], list[list[int]]]:
    """Split statements into parts of about `size` that never cut a profile; also shared ones.

    Why this is safe: SHACL looks from a focus node along its links, so a part holding whole
    connected components (nodes joined by IRI or blank-node objects, `rdf:type` aside) gives each
    focus node the same neighbourhood as the whole graph. Nodes that more than `shared_degree`
    statements point to would join every city into one component; they and the nodes they point
    to are instead described in every part (returned first, as statement indices), and results
    about them, found once per part, are merged.
    """
    ids: dict[str, int] = {}
    # (a subject is never a triple term: pyoxigraph 0.5 refuses one, though its stubs allow it)
    subjects = [ids.setdefault(q.subject.value, len(ids)) for q in quads]  # type: ignore[union-attr]
    links = [
        (i, q.object.value)
        for i, q in enumerate(quads)
        if isinstance(q.object, ox.NamedNode | ox.BlankNode) and q.predicate != RDF_TYPE
    ]
    objects = [ids.setdefault(value, len(ids)) for _, value in links]
    degree = [0] * len(ids)
    for node in objects:
        degree[node] += 1
    shared = {node for node, count in enumerate(degree) if count > shared_degree}
    shared |= {o for (i, _), o in zip(links, objects, strict=True) if subjects[i] in shared}
    roots = list(range(len(ids)))
    for (i, _), node in zip(links, objects, strict=True):
        if subjects[i] not in shared and node not in shared:
            _union(roots, subjects[i], node)
    components: dict[int, list[int]] = {}
    shared_statements = []
    for i, subject in enumerate(subjects):
        if subject in shared:
            shared_statements.append(i)
        else:
            components.setdefault(_find(roots, subject), []).append(i)
    packed: list[list[int]] = [[]]
    for members in components.values():
        if len(packed[-1]) >= size:
            packed.append([])
        packed[-1].extend(members)
    return shared_statements, packed


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
    quads: list[ox.Quad], run: Engine, workers: int, size: int, step: Progress
) -> list[ox.Quad]:
    """pyshacl on each part (see `partition`) in worker processes; one merged report.

    Workers (`learningcity.pool`) hold only the shapes,
    the ontology, the shared statements and one part at a time: parts go to them as N-Triples
    and reports come back the same way. Memory stays near that of the parsed data.
    """
    step(f"dividing {len(quads)} statements into parts")
    shared, parts = partition(quads, size)
    payloads = (serialized([quads[i] for i in part], NT) for part in parts)
    shared_nt = serialized([quads[i] for i in shared], NT)
    reports: list[list[ox.Quad]] = []
    start_args = (run.shapes_path, run.ontology_path, shared_nt)
    with WorkerPool(workers, _start_worker, start_args, _check_part) as pool:
        for done, report in enumerate(pool.results(payloads), start=1):
            step(f"validating: {done} of {len(parts)} parts done")
            if isinstance(report, str):
                raise InputError(report)
            reports.append(list(ox.parse(report, format=NT)))
    return merge_reports(reports)


def _start_worker(shapes: Path, ontology: Path, shared: bytes) -> None:
    global _worker
    warnings.simplefilter("ignore", LearningCityWarning)  # said once, by the process reading first
    _worker = (Engine.read(shapes, ontology), list(ox.parse(shared, format=NT)))


def _check_part(part: bytes) -> bytes | str:
    """In a worker: validate one part; the report as N-Triples, or the error message."""
    assert _worker is not None
    run, shared = _worker
    try:
        report = run.check([*ox.parse(part, format=NT), *shared])
    except InputError as error:
        return str(error)
    return serialized(report, NT)


def merge_reports(reports: Iterable[list[ox.Quad]]) -> list[ox.Quad]:
    """One W3C report holding each distinct result of the parts' reports once.

    A result about a shared node (or an ontology term) is found by every part; results are
    compared by content, blank nodes by structure, since each part labels them its own way.
    `sh:conforms` is SHACL's: true when no part found a result.
    """
    report = ox.BlankNode("report")
    merged = [
        ox.Quad(report, RDF_TYPE, ox.NamedNode(SH + "ValidationReport")),
    ]
    seen: set[Any] = set()
    for number, quads in enumerate(reports):
        index = ReportIndex(quads)
        for result in index.subjects_of_type(ox.NamedNode(SH + "ValidationResult")):
            signature = _signature(index, result)
            if signature in seen:
                continue
            seen.add(signature)
            merged += _relabelled(_closure(index, result), f"p{number}")
            merged.append(
                ox.Quad(report, ox.NamedNode(SH + "result"), _relabel(result, f"p{number}"))
            )
    merged.append(ox.Quad(report, ox.NamedNode(SH + "conforms"), ox.Literal(not seen)))
    return merged


def _signature(index: ReportIndex, node: Any, depth: int = 0) -> Any:
    """The content of a node, blank nodes replaced by their own content (labels ignored)."""
    if not isinstance(node, ox.BlankNode) or depth > 64:
        return str(node)
    return tuple(
        sorted(
            (predicate, _signature(index, value, depth + 1))
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


def _relabel(term: Any, prefix: str) -> Any:
    return ox.BlankNode(prefix + term.value) if isinstance(term, ox.BlankNode) else term


def _relabelled(quads: list[ox.Quad], prefix: str) -> list[ox.Quad]:
    return [
        ox.Quad(_relabel(q.subject, prefix), q.predicate, _relabel(q.object, prefix)) for q in quads
    ]
