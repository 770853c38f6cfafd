"""The W3C SHACL core suite through `learningcity validate --shapes`: the expected conformance
on every test (exit 0 when `sh:conforms true`, 1 when false, with --strict since SHACL counts
warnings) and the expected number of results."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from conformance.w3c import SUITES_DIR, run_main
from learningcity.errors import ExitCode

SHT = "http://www.w3.org/ns/shacl-test#"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SH = "http://www.w3.org/ns/shacl#"
CORE = SUITES_DIR / "shacl-core"


@dataclass(frozen=True)
class ShaclCase:
    name: str
    data: Path
    shapes: Path
    conforms: bool
    results: int


def shacl_cases() -> list[ShaclCase]:
    found = []
    for test_file in _included(CORE / "manifest.ttl"):
        triples = list(ox.parse(path=test_file, base_iri=test_file.as_uri()))
        by_subject: dict[object, dict[str, list[object]]] = {}
        for t in triples:
            by_subject.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)
        for about in by_subject.values():
            if ox.NamedNode(SHT + "Validate") not in about.get(
                "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", []
            ):
                continue
            action = by_subject[about[MF + "action"][0]]
            report = by_subject[about[MF + "result"][0]]
            found.append(
                ShaclCase(
                    f"{test_file.parent.name}/{test_file.stem}",
                    _file(action[SHT + "dataGraph"][0]),
                    _file(action[SHT + "shapesGraph"][0]),
                    report[SH + "conforms"][0].value == "true",
                    len(report.get(SH + "result", [])),
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


CASES = shacl_cases()


def test_the_whole_core_suite_is_read() -> None:
    assert len(CASES) == 98


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_validate_gives_the_expected_conformance(case: ShaclCase, tmp_path: Path) -> None:
    no_ontology = tmp_path / "empty.ttl"
    no_ontology.write_text("")
    run = run_main(
        "validate",
        str(case.data),
        "--shapes",
        str(case.shapes),
        "--ontology",
        str(no_ontology),
        "--format",
        "json",
        "--strict",  # SHACL's sh:conforms counts warnings; the command does so with --strict
    )
    assert run.code == (ExitCode.OK if case.conforms else ExitCode.FAILED), run.stderr
    report = json.loads(run.stdout)
    assert len(report.get("result", [])) == case.results
