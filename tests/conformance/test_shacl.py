"""The W3C SHACL core suite through `learningcity validate --shapes`: on every test the report's
`sh:conforms` is the expected one (false whenever there is a result, warnings and infos
included, as SHACL defines it), with the expected results (focus node, path, value, severity,
constraint component, source shape; a blank node as any blank node); the exit code is ours:
0 unless a result is a violation (or any severity but an info with --strict).

On b9a5be4 two tests reported a value other than the data's: rdflib normalizes the ill-typed
`"none"^^xsd:boolean` (property/or-datatypes-001) to `"false"` and `"2011-01-01"^^xsd:dateTime`
(property/datatype-001) to `"2011-01-01T00:00:00"` as it reads them, and both engines reported
the normalized literal (`validation.engine.as_written` puts the data's back)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest

from conformance.report import DOC
from conformance.shacl import RDF_TYPE, SH, ShaclCase, edges, report_results, section, shacl_cases
from conformance.w3c import run_main
from learningcity.errors import ExitCode, InputError
from learningcity.load import load_paths
from learningcity.validation import (
    ValidationOutcome,
    Validator,
    from_rdflib,
    native,
    outcome_from_report,
)

CASES = shacl_cases()


def test_the_whole_core_suite_is_read() -> None:
    assert len(CASES) == 98


def test_the_suite_has_a_report_of_warnings_only() -> None:
    """misc/severity-001: one sh:Warning and `sh:conforms false`, the case that tells SHACL's
    verdict from ours."""
    [case] = [case for case in CASES if case.name == "misc/severity-001"]
    assert (case.conforms, len(case.results)) == (False, 1)


@pytest.mark.parametrize("strict", [False, True], ids=["default", "strict"])
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_validate_gives_the_expected_conformance(
    case: ShaclCase, strict: bool, tmp_path: Path
) -> None:
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
        *(["--strict"] if strict else []),
    )
    assert run.code in (ExitCode.OK, ExitCode.FAILED), run.stderr
    report = json.loads(run.stdout)
    assert report["conforms"] is case.conforms
    results = report.get("result", [])
    graph = edges(ox.parse(run.stdout.encode("utf-8"), format=ox.RdfFormat.JSON_LD))
    [node] = [
        s
        for s, about in graph.items()
        if ox.NamedNode(SH + "ValidationReport") in about.get(RDF_TYPE, [])
    ]
    assert report_results(graph, node) == case.results
    allowed = {"sh:Info"} if strict else {"sh:Info", "sh:Warning"}
    passes = all(result["resultSeverity"] in allowed for result in results)
    assert run.code == (ExitCode.OK if passes else ExitCode.FAILED)


#: Core tests the native engine can serve (the rest use what it leaves to pyshacl).
NATIVE_AT_LEAST = 50


@pytest.fixture(scope="module")
def no_ontology(tmp_path_factory: pytest.TempPathFactory) -> Path:
    empty = tmp_path_factory.mktemp("shacl") / "empty.ttl"
    empty.write_text("")
    return empty


def plain_pyshacl(case: ShaclCase) -> ValidationOutcome | None:
    """pyshacl as shipped on the test's files (None: it refuses the shapes)."""
    try:
        _, report, _ = pyshacl.validate(
            str(case.data), shacl_graph=str(case.shapes), inference="none"
        )
    except pyshacl.errors.ReportableRuntimeError:
        return None
    return outcome_from_report(from_rdflib(report))


def without_messages(report: Iterable[ox.Quad]) -> ValidationOutcome:
    """A report without its messages, blank nodes labelled anew (labels depend on everything a
    result says)."""
    return outcome_from_report(q for q in report if q.predicate.value != SH + "resultMessage")


def native_report(case: ShaclCase) -> list[ox.Quad] | None:
    """The native engine's report on a test, messages left out (None: it leaves the test to
    pyshacl). Most core shapes give no sh:message, so pyshacl would write its own and the
    validator leaves those tests to it; without messages the engine's semantics still compare."""
    try:
        engine = native.compile_shapes(load_paths(case.shapes), [])
        return engine.check(load_paths(case.data), messages=False)
    except native.Unsupported:
        return None


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_native_engine_gives_plain_pyshacls_report(case: ShaclCase, no_ontology: Path) -> None:
    """Where the native engine serves a core test, its results (focus node, path, value,
    severity, source shape, component, constraint) and its report graph are plain pyshacl's,
    messages aside (`native_report`); where the validator lets it serve, messages included;
    where pyshacl refuses the shapes, so do we."""
    theirs = plain_pyshacl(case)
    if theirs is None:
        with pytest.raises(InputError):
            Validator(case.shapes, no_ontology).validate(load_paths(case.data), workers=1)
        return
    ours = Validator(case.shapes, no_ontology).validate(load_paths(case.data), workers=1)
    if ours.engine == "native":
        assert (ours.results, set(ours.report)) == (theirs.results, set(theirs.report))
    report = native_report(case)
    if report is not None:
        assert without_messages(report) == without_messages(theirs.report)


def test_the_native_engine_serves_much_of_the_core_suite() -> None:
    """Liveness: the native engine can serve at least `NATIVE_AT_LEAST` core tests, so a change
    that silently hands everything to pyshacl fails here."""
    served = [case.name for case in CASES if native_report(case) is not None]
    assert len(served) >= NATIVE_AT_LEAST, served


def test_the_document_states_what_this_suite_runs() -> None:
    hint = "run .venv/bin/python scripts/conformance_report.py and commit docs/conformance.md"
    assert section(CASES) in DOC.read_text(encoding="utf-8"), hint
