"""The W3C SHACL core suite (`../shared/testsuites/shacl-core`, w3c/data-shapes): its tests read
from the manifests, each with the report it expects, and the part of `docs/conformance.md` that
says how test_shacl.py runs them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from conformance.w3c import SUITES_DIR
from support import shared

SHT = "http://www.w3.org/ns/shacl-test#"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
CORE = SUITES_DIR / "shacl-core"


#: A result's focus node, path, value, severity, constraint component and source shape (each
#: as N-Triples text, "_" for any blank node, None when the result has none).
Result = tuple[str | None, ...]
_RESULT_KEYS = [
    "focusNode",
    "resultPath",
    "value",
    "resultSeverity",
    "sourceConstraintComponent",
    "sourceShape",
]


def report_results(
    by_subject: dict[object, dict[str, list[object]]], report: object
) -> tuple[Result, ...]:
    """The results of the report node `report` (the graph as subject -> predicate -> objects)."""
    found = []
    for node in by_subject[report].get(SH + "result", []):
        about = by_subject[node]
        found.append(
            tuple(
                None
                if not about.get(SH + key)
                else "_"
                if isinstance(about[SH + key][0], ox.BlankNode)
                else str(about[SH + key][0])
                for key in _RESULT_KEYS
            )
        )
    return tuple(sorted(found, key=repr))


def edges(quads: Iterable[ox.Quad | ox.Triple]) -> dict[object, dict[str, list[object]]]:
    """A graph as subject -> predicate -> objects."""
    by_subject: dict[object, dict[str, list[object]]] = {}
    for t in quads:
        by_subject.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)
    return by_subject


@dataclass(frozen=True)
class ShaclCase:
    name: str
    data: Path
    shapes: Path
    conforms: bool
    results: tuple[Result, ...]  # sorted


def shacl_cases() -> list[ShaclCase]:
    found = []
    for test_file in _included(shared(CORE / "manifest.ttl")):
        by_subject = edges(ox.parse(path=test_file, base_iri=test_file.as_uri()))
        for about in by_subject.values():
            if ox.NamedNode(SHT + "Validate") not in about.get(RDF_TYPE, []):
                continue
            action = by_subject[about[MF + "action"][0]]
            report = by_subject[about[MF + "result"][0]]
            found.append(
                ShaclCase(
                    f"{test_file.parent.name}/{test_file.stem}",
                    _file(action[SHT + "dataGraph"][0]),
                    _file(action[SHT + "shapesGraph"][0]),
                    report[SH + "conforms"][0].value == "true",
                    report_results(by_subject, about[MF + "result"][0]),
                )
            )
    return sorted(found, key=lambda case: case.name)


def _included(manifest: Path) -> list[Path]:
    """The test files a manifest includes, following nested manifests."""
    found = [manifest]
    for triple in ox.parse(path=manifest, base_iri=manifest.as_uri()):
        if triple.predicate.value == MF + "include":
            included = _file(triple.object)
            found += _included(included) if included.name == "manifest.ttl" else [included]
    return found


def _file(node: object) -> Path:
    assert isinstance(node, ox.NamedNode)
    return Path(node.value.removeprefix("file://"))


def section(cases: list[ShaclCase]) -> str:
    """The SHACL core part of docs/conformance.md. It names no exception: test_shacl.py has
    none, so each test it states passing fails there when it does not."""
    conforming = sum(case.conforms for case in cases)
    return "\n".join(
        [
            "## SHACL core: the W3C suite through `learningcity validate --shapes`",
            "",
            f"Each of the {len(cases)} tests of `shacl-core/` (w3c/data-shapes) runs as",
            "`learningcity validate DATA --shapes SHAPES --ontology EMPTY --format json`, with and",
            "without `--strict`: `sh:conforms`, every result (focus node, path, value, severity,",
            "constraint component, source shape) and the exit code must be the expected ones",
            "(`tests/conformance/test_shacl.py`); where the native engine serves a test, its",
            "report must also be plain pyshacl's.",
            "",
            "| suite | tests | passed |",
            "|---|---|---:|",
            f"| SHACL core | {len(cases)} ({conforming} conforming, {len(cases) - conforming} not) "
            f"| {len(cases)}/{len(cases)} (100.0%) |",
            "",
        ]
    )
