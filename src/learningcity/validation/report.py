"""The report model: what one validation found, read out of a W3C report graph.

`ValidationOutcome` keeps two verdicts apart: the W3C report's `sh:conforms` is SHACL's (true only
when there is no result at all, whatever its severity), while whether the data *passes* (exit code
0) is ours: infos never fail it, warnings only with `strict`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from learningcity.compaction import DISPLAY, Compactor
from learningcity.namespaces import STANDARD_PREFIXES
from learningcity.serialize import canonical_quads
from learningcity.terms import RDF_NIL
from learningcity.terms import SH_INFO as INFO
from learningcity.terms import SH_VIOLATION as VIOLATION
from learningcity.terms import SH_WARNING as WARNING

SH = STANDARD_PREFIXES["sh"]
RDF = STANDARD_PREFIXES["rdf"]
_SEVERITY_RANK = {VIOLATION: 0, WARNING: 1, INFO: 2}

Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass(frozen=True)
class ComplexPath:
    """A SHACL path other than a single predicate; `kind` is the SHACL name without `sh:`."""

    kind: str  # sequence, alternative, inverse, zeroOrMore, oneOrMore, zeroOrOne
    parts: tuple[ShaclPath, ...]


ShaclPath = ox.NamedNode | ComplexPath


@dataclass(frozen=True)
class Message:
    text: str
    language: str | None = None


@dataclass(frozen=True)
class ValidationResult:
    """One `sh:ValidationResult`, in the terms of the W3C report."""

    focus_node: Term
    path: ShaclPath | None
    value: Term | None
    severity: ox.NamedNode
    source_shape: Term
    component: ox.NamedNode
    source_constraint: Term | None
    messages: tuple[Message, ...]  # sorted: English first, then by language tag


@dataclass(frozen=True)
class ValidationOutcome:
    """What a validation found; `report` is the whole W3C report graph (canonical blank nodes)."""

    strict: bool
    results: tuple[ValidationResult, ...]  # in report order: focus node, severity, path, value
    report: tuple[ox.Quad, ...]
    engine: str = field(default="pyshacl", compare=False)  # which engine found the results

    @property
    def shacl_conforms(self) -> bool:
        """SHACL's `sh:conforms`: no validation result of any severity (SHACL 3.6.1)."""
        return not self.results

    @property
    def passed(self) -> bool:
        """Our verdict, exit code 0: every result is an info, or a warning when not `strict`.

        A severity other than SHACL's three fails the data, as it fails pyshacl's
        `allow_warnings`."""
        allowed = {INFO} if self.strict else {INFO, WARNING}
        return all(r.severity in allowed for r in self.results)

    def count(self, severity: ox.NamedNode) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    @property
    def focus_nodes(self) -> int:
        return len({r.focus_node for r in self.results})


def outcome_from_report(
    report: Iterable[ox.Quad], strict: bool = False, engine: str = "pyshacl"
) -> ValidationOutcome:
    """Read the results out of a W3C report graph (any blank-node labels; made canonical here).

    The report's `sh:conforms` must be SHACL's (no results): one that says otherwise (pyshacl
    run with `allow_warnings`, say) is refused rather than passed on to the renderers.
    """
    quads = canonical_quads(report)
    index = ReportIndex(quads)
    results = [
        _result(index, node)
        for node in index.subjects_of_type(ox.NamedNode(SH + "ValidationResult"))
    ]
    results.sort(key=_result_sort_key)
    stated = [q.object for q in quads if q.predicate.value == SH + "conforms"]
    if stated != [ox.Literal(not results)]:
        raise ValueError(f"sh:conforms {stated} in a report with {len(results)} result(s)")
    return ValidationOutcome(strict, tuple(results), tuple(quads), engine)


class ReportIndex:
    """subject -> predicate -> objects, over a small graph (the report)."""

    def __init__(self, quads: Iterable[ox.Quad]) -> None:
        self.edges: dict[Any, dict[str, list[Any]]] = {}
        for quad in quads:
            by_predicate = self.edges.setdefault(quad.subject, {})
            by_predicate.setdefault(quad.predicate.value, []).append(quad.object)

    def objects(self, subject: Any, predicate: str) -> list[Any]:
        return self.edges.get(subject, {}).get(predicate, [])

    def one(self, subject: Any, predicate: str) -> Any | None:
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def required(self, subject: Any, predicate: str) -> Any:
        """The value every validation result has (SHACL 3.6.2: focus node, severity, source
        shape and constraint component); a report without it is no SHACL report."""
        found = self.one(subject, predicate)
        if found is None:
            raise ValueError(f"a validation result without <{predicate}>")
        return found

    def subjects_of_type(self, cls: ox.NamedNode) -> list[Any]:
        return [s for s, edges in self.edges.items() if cls in edges.get(RDF + "type", [])]

    def rdf_list(self, head: Any) -> list[Any]:
        items = []
        while head != RDF_NIL and head is not None:
            items.append(self.one(head, RDF + "first"))
            head = self.one(head, RDF + "rest")
        return items


_PATH_KINDS = ("inverse", "zeroOrMore", "oneOrMore", "zeroOrOne", "alternative")


def _path(index: ReportIndex, node: Any) -> ShaclPath:
    if isinstance(node, ox.NamedNode):
        return node
    for kind in _PATH_KINDS:
        target = index.one(node, f"{SH}{kind}Path")
        if target is None:
            continue
        if kind == "alternative":
            return ComplexPath(kind, tuple(_path(index, p) for p in index.rdf_list(target)))
        return ComplexPath(kind, (_path(index, target),))
    return ComplexPath("sequence", tuple(_path(index, p) for p in index.rdf_list(node)))


def _result(index: ReportIndex, node: Any) -> ValidationResult:
    messages = [Message(m.value, m.language) for m in index.objects(node, SH + "resultMessage")]
    messages.sort(key=lambda m: (m.language != "en", m.language or "", m.text))
    return ValidationResult(
        focus_node=index.required(node, SH + "focusNode"),
        path=None if (path := index.one(node, SH + "resultPath")) is None else _path(index, path),
        value=index.one(node, SH + "value"),
        severity=index.required(node, SH + "resultSeverity"),
        source_shape=index.required(node, SH + "sourceShape"),
        component=index.required(node, SH + "sourceConstraintComponent"),
        source_constraint=index.one(node, SH + "sourceConstraint"),
        messages=tuple(messages),
    )


def _result_sort_key(result: ValidationResult) -> tuple[str | int, ...]:
    return (
        str(result.focus_node),
        _SEVERITY_RANK.get(result.severity, 3),
        _path_key(result.path),
        str(result.value or ""),
        str(result.component),
        str(result.source_shape),
        str(result.source_constraint or ""),
        str(result.messages),
    )


def _path_key(path: ShaclPath | None) -> str:
    if path is None:
        return ""
    if isinstance(path, ox.NamedNode):
        return str(path)
    return f"{path.kind}({','.join(_path_key(p) for p in path.parts)})"


_SHACL_NAMES = Compactor({"sh": SH}, DISPLAY)


def local_name(iri: ox.NamedNode) -> str:
    """`Violation` for `sh:Violation` (the compaction rule for display); an IRI outside
    SHACL's namespace whole."""
    found = _SHACL_NAMES.split(iri.value)
    return iri.value if found is None else found[1]
