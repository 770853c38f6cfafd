"""The validation library: results, verdicts, the three renderings, and parity with pyshacl."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from rdflib.compare import isomorphic

from learningcity import resources
from learningcity.errors import InputError
from learningcity.load import load_paths
from learningcity.serialize import TurtleWriter
from learningcity.validation import (
    INFO,
    SH,
    VIOLATION,
    WARNING,
    ComplexPath,
    Message,
    Validator,
    from_rdflib,
    outcome_from_report,
    path_text,
    render_json,
    render_text,
    render_turtle,
    to_rdflib,
    validate,
)
from learningcity.validation.engine import as_written
from model.model_support import mutated_quads
from support import FIXTURES, REPO

HERE = FIXTURES / "validation"
SHAPES = HERE / "shapes-city.ttl"
ONTOLOGY = HERE / "ontology-city-subclass.ttl"
CITY = "https://w3id.org/learningcity/id/city/"
SCHEMA = "https://schema.org/"
LC = "https://w3id.org/learningcity/ontology#"
LCSH = "https://w3id.org/learningcity/shapes#"
DATA_FILES = sorted(HERE.glob("data-*.ttl"))
VALID_DATA_FILES = [p for p in DATA_FILES if "syntax-error" not in p.name]


def check(name: str, *, strict: bool = False, ontology: Path = ONTOLOGY):
    return validate(load_paths(HERE / name), SHAPES, ontology, strict=strict)


def pyshacl_report(data: Path) -> tuple[bool, rdflib.Graph]:
    """Plain pyshacl on the same files, as its command line runs it (`-s ... -e ...`)."""
    conforms, graph, _ = pyshacl.validate(
        str(data), shacl_graph=str(SHAPES), ont_graph=str(ONTOLOGY), inference="none"
    )
    return conforms, graph


def test_valid_data_conforms_with_no_results() -> None:
    outcome = check("data-valid.ttl")
    assert outcome.shacl_conforms and outcome.passed
    assert outcome.results == ()


def test_missing_name_is_one_violation_with_every_field() -> None:
    outcome = check("data-missing-name.ttl")
    assert not outcome.shacl_conforms and not outcome.passed
    [result] = outcome.results
    assert result.focus_node == ox.NamedNode(CITY + "kr-yongsan-gu")
    assert result.path == ox.NamedNode(SCHEMA + "name")
    assert result.value is None
    assert result.severity == VIOLATION
    assert result.source_shape == ox.NamedNode(LCSH + "CityNameShape")
    assert result.component == ox.NamedNode(SH + "MinCountConstraintComponent")
    assert result.messages == (
        Message("A city needs a name.", "en"),
        Message("도시에는 이름이 필요합니다.", "ko"),
    )


def test_warnings_fail_only_when_strict() -> None:
    relaxed = check("data-warning-only.ttl")
    strict = check("data-warning-only.ttl", strict=True)
    assert relaxed.passed
    assert not strict.passed
    assert [r.severity for r in relaxed.results] == [WARNING]
    assert relaxed.results == strict.results


@pytest.mark.parametrize("strict", [False, True])
def test_a_report_with_only_a_warning_does_not_conform(strict: bool) -> None:
    """SHACL 3.6.1: `sh:conforms` is true iff there is no validation result, whatever its
    severity; passing (exit 0) is a separate, documented verdict of ours."""
    outcome = check("data-warning-only.ttl", strict=strict)
    conforms = [q.object for q in outcome.report if q.predicate == ox.NamedNode(SH + "conforms")]
    assert conforms == [ox.Literal("false", datatype=XSD_BOOLEAN)]
    assert not outcome.shacl_conforms
    assert outcome.passed is not strict
    assert json.loads(render_json(outcome))["conforms"] is False
    turtle = rdflib.Graph().parse(data=render_turtle(outcome), format="turtle")
    assert set(turtle.objects(None, rdflib.URIRef(SH + "conforms"))) == {rdflib.Literal(False)}


def test_text_says_a_warning_only_report_does_not_conform_but_passes() -> None:
    assert render_text(check("data-warning-only.ttl")).endswith(
        "Conforms: no — 0 violations, 1 warning, 0 infos in 1 focus node; "
        "passes: warnings and infos allowed\n"
    )


def test_a_report_whose_conforms_disagrees_with_its_results_is_refused() -> None:
    """pyshacl's `allow_warnings` writes `sh:conforms true` beside a warning: not a W3C report."""
    _, graph, _ = pyshacl.validate(
        str(HERE / "data-warning-only.ttl"),
        shacl_graph=str(SHAPES),
        ont_graph=str(ONTOLOGY),
        inference="none",
        allow_warnings=True,
    )
    with pytest.raises(ValueError, match="sh:conforms"):
        outcome_from_report(from_rdflib(graph))


XSD_BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")


def test_counts_severities_and_focus_nodes() -> None:
    outcome = check("data-several-problems.ttl")
    assert not outcome.passed
    assert (outcome.count(VIOLATION), outcome.count(WARNING), outcome.count(INFO)) == (3, 1, 3)
    assert outcome.focus_nodes == 3


def test_sparql_constraints_run() -> None:
    outcome = check("data-several-problems.ttl")
    sparql = [r for r in outcome.results if r.component.value == SH + "SPARQLConstraintComponent"]
    assert [(r.focus_node, r.value) for r in sparql] == [
        (ox.NamedNode(CITY + "kr-gunsan"), ox.Literal("G", language="en"))
    ]
    assert sparql[0].source_constraint == ox.NamedNode(LCSH + "CityNameLengthConstraint")


def test_the_ontology_is_mixed_in_so_targets_reach_subclasses(tmp_path: Path) -> None:
    no_subclass = tmp_path / "ontology.ttl"
    no_subclass.write_text(f"<{LC}City> a <http://www.w3.org/2002/07/owl#Class> .\n")
    yeosu = ox.NamedNode(CITY + "kr-yeosu")
    with_ontology = {r.focus_node for r in check("data-several-problems.ttl").results}
    without = {
        r.focus_node for r in check("data-several-problems.ttl", ontology=no_subclass).results
    }
    assert yeosu in with_ontology
    assert yeosu not in without


def test_sequence_paths_are_read_as_structures_and_shown_as_sparql_paths() -> None:
    outcome = check("data-several-problems.ttl")
    info = next(r for r in outcome.results if r.severity == INFO)
    assert info.path == ComplexPath(
        "sequence", (ox.NamedNode(LC + "mayor"), ox.NamedNode(SCHEMA + "name"))
    )
    assert (
        path_text(info.path, TurtleWriter({"lc": LC, "schema": SCHEMA})) == "lc:mayor/schema:name"
    )


def test_every_kind_of_path_has_sparql_syntax() -> None:
    a, b = ox.NamedNode(LC + "a"), ox.NamedNode(LC + "b")
    writer = TurtleWriter({"lc": LC})
    cases = {
        ComplexPath("inverse", (a,)): "^lc:a",
        ComplexPath("alternative", (a, b)): "lc:a|lc:b",
        ComplexPath("zeroOrMore", (ComplexPath("sequence", (a, b)),)): "(lc:a/lc:b)*",
        ComplexPath("oneOrMore", (a,)): "lc:a+",
        ComplexPath("zeroOrOne", (a,)): "lc:a?",
        ComplexPath("sequence", (ComplexPath("alternative", (a, b)), a)): "(lc:a|lc:b)/lc:a",
    }
    assert {path_text(path, writer) for path in cases} == set(cases.values())
    for path, text in cases.items():
        assert path_text(path, writer) == text


@pytest.mark.parametrize("data", VALID_DATA_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("strict", [False, True])
def test_same_results_and_verdict_as_plain_pyshacl(data: Path, strict: bool) -> None:
    conforms, graph = pyshacl_report(data)
    theirs = outcome_from_report(from_rdflib(graph), strict)
    ours = validate(load_paths(data), SHAPES, ONTOLOGY, strict=strict)
    assert ours.shacl_conforms == theirs.shacl_conforms == conforms
    assert ours.passed == theirs.passed
    assert ours.results == theirs.results
    assert {(r.focus_node, r.path, r.severity) for r in ours.results} == {
        (r.focus_node, r.path, r.severity) for r in theirs.results
    }


@pytest.mark.parametrize("data", VALID_DATA_FILES, ids=lambda p: p.name)
def test_turtle_report_is_isomorphic_to_pyshacls_report_graph(data: Path) -> None:
    _, theirs = pyshacl_report(data)
    turtle = render_turtle(validate(load_paths(data), SHAPES, ONTOLOGY))
    assert isomorphic(rdflib.Graph().parse(data=turtle, format="turtle"), theirs)


def test_json_is_json_ld_of_the_whole_report_graph() -> None:
    outcome = check("data-several-problems.ttl")
    text = render_json(outcome)
    from_json = canonical(ox.parse(text.encode(), format=ox.RdfFormat.JSON_LD))
    assert from_json == canonical(outcome.report)


def test_json_reads_plainly_as_json() -> None:
    document = json.loads(render_json(check("data-missing-name.ttl")))
    assert document["@type"] == "ValidationReport"
    assert document["conforms"] is False
    [result] = document["result"]
    assert result["focusNode"] == "city:kr-yongsan-gu"
    assert result["resultPath"] == "schema:name"
    assert result["resultSeverity"] == "sh:Violation"
    assert result["sourceShape"] == "lcsh:CityNameShape"
    assert result["sourceConstraintComponent"] == "sh:MinCountConstraintComponent"
    assert {"@value": "도시에는 이름이 필요합니다.", "@language": "ko"} in result["resultMessage"]


def canonical(quads) -> set[ox.Quad]:
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


def test_text_groups_by_focus_node_and_ends_with_the_summary() -> None:
    text = render_text(check("data-several-problems.ttl"))
    lines = text.splitlines()
    assert lines[-1] == "Conforms: no — 3 violations, 1 warning, 3 infos in 3 focus nodes"
    focus_lines = [line for line in lines if line.startswith("city:")]
    assert focus_lines == ["city:kr-gunsan", "city:kr-suwon", "city:kr-yeosu"]
    assert '  Violation  lc:population  value "many"' in lines
    assert "    ko: 인구는 정수입니다." in lines
    assert "  Info       lc:mayor/schema:name" in lines
    assert "\033[" not in text


def test_text_colours_only_when_asked() -> None:
    outcome = check("data-missing-name.ttl")
    assert "\033[31mViolation" in render_text(outcome, color=True)
    assert "\033[" not in render_text(outcome, color=False)


def test_strict_summary_says_warnings_count() -> None:
    text = render_text(check("data-warning-only.ttl", strict=True))
    assert text.endswith(
        "Conforms: no — 0 violations, 1 warning, 0 infos in 1 focus node (strict: warnings count)\n"
    )


@pytest.mark.parametrize("render", [render_text, render_json, render_turtle])
def test_every_rendering_is_byte_identical_across_runs(render) -> None:
    first = render(check("data-several-problems.ttl"))
    second = render(check("data-several-problems.ttl"))
    assert first == second


def test_shapes_parse_error_names_file_line_and_column(tmp_path: Path) -> None:
    broken = tmp_path / "broken.shapes.ttl"
    broken.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n\n<a> sh:path <b\n")
    with pytest.raises(InputError, match=rf"^{broken}:3:\d+: "):
        validate(load_paths(HERE / "data-valid.ttl"), broken, ONTOLOGY)


def test_shapes_pyshacl_rejects_are_input_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.shapes.ttl"
    bad.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<urn:s> a sh:NodeShape ; sh:targetNode <urn:x> ; sh:minCount 1 ; sh:path <urn:p> ;"
        ' sh:minCount "x" .\n'
    )
    with pytest.raises(InputError, match=rf"^{bad}: "):
        validate(load_paths(HERE / "data-valid.ttl"), bad, ONTOLOGY)


def test_progress_names_each_step() -> None:
    steps: list[str] = []
    validate(load_paths(HERE / "data-valid.ttl"), SHAPES, ONTOLOGY, progress=steps.append)
    assert steps[-1] == "validating 7 statements (native engine)"
    assert steps[0] == f"parsing {SHAPES}"


def test_conversion_to_rdflib_matches_rdflibs_own_parse() -> None:
    turtle = (
        "@prefix ex: <http://example.org/> .\n"
        'ex:a ex:p "plain", "en"@en, "ko"@ko, 42, 01, 1.5, 1e3, true, "2019"^^<http://www.w3.org/'
        "2001/XMLSchema#gYear> ;\n"
        "  ex:q [ ex:r ex:b ] .\n"
    )
    ours = to_rdflib(ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE))
    assert isomorphic(ours, rdflib.Graph().parse(io.StringIO(turtle), format="turtle"))


def test_explicit_xsd_string_becomes_the_plain_literal_rdf_1_1_says_it_is() -> None:
    """Oxigraph does not keep the difference; pyshacl treats a plain literal as xsd:string."""
    turtle = b'<urn:a> <urn:p> "typed"^^<http://www.w3.org/2001/XMLSchema#string> .'
    [(_, _, literal)] = to_rdflib(ox.parse(turtle, format=ox.RdfFormat.TURTLE))
    assert literal == rdflib.Literal("typed")


def test_conversion_round_trips_through_rdflib() -> None:
    dataset = load_paths(HERE / "data-several-problems.ttl")
    assert canonical(from_rdflib(to_rdflib(dataset))) == canonical(dataset)


REAL_SHAPES = REPO / "shapes" / "learningcity.shapes.ttl"
REAL_DATA = REPO / "data" / "yongsan.ttl"


def test_bundled_defaults_are_the_repository_files() -> None:
    assert resources.shapes_path() == REAL_SHAPES
    assert resources.ontology_path() == REPO / "ontology" / "learningcity.ttl"


def test_the_real_data_conforms_with_the_bundled_shapes_and_ontology() -> None:
    outcome = validate(load_paths(REAL_DATA))
    assert outcome.passed, render_text(outcome)
    assert outcome.count(VIOLATION) == 0


def test_the_real_files_give_the_same_verdict_and_results_as_plain_pyshacl() -> None:
    conforms, graph, _ = pyshacl.validate(
        str(REAL_DATA),
        shacl_graph=str(REAL_SHAPES),
        ont_graph=str(REPO / "ontology" / "learningcity.ttl"),
        inference="none",
    )
    theirs = outcome_from_report(from_rdflib(graph))
    ours = validate(load_paths(REAL_DATA))
    assert (ours.shacl_conforms, ours.results) == (conforms, theirs.results)


def test_pyshacl_is_left_as_shipped_after_a_validation() -> None:
    """Our shortcuts in pyshacl live for one run only: plain pyshacl runs later in the
    process (as the comparisons above make) find pyshacl's own list again."""
    import pyshacl.shape

    before = getattr(pyshacl.shape, "CONSTRAINT_PARAMS", None)
    assert not check("data-missing-name.ttl").passed
    after = getattr(pyshacl.shape, "CONSTRAINT_PARAMS", None)
    assert after is before
    pyshacl_report(HERE / "data-missing-name.ttl")  # pyshacl fills its own list on first use
    shipped = pyshacl.shape.CONSTRAINT_PARAMS
    assert not check("data-missing-name.ttl").passed
    assert pyshacl.shape.CONSTRAINT_PARAMS is shipped
    assert type(shipped[0]) is list


def test_the_pyshacl_shortcuts_apply_to_the_bundled_shapes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Liveness of the shortcuts in pyshacl's internals on the real shapes and data: the
    parameter list answers `in` from its set, each shape's components are made once and reused,
    and pyshacl's SHACL-SPARQL texts reach rdflib through the preparing graph, each prepared at
    most once. Fails when a pyshacl (or a shapes change) stops them applying, instead of
    validation silently getting slower. (The native engine serves the real data: pyshacl runs
    here directly, as it does wherever the native engine leaves data to it.)"""
    from learningcity import compat
    from learningcity.validation import engine

    calls = {"contains": 0, "component": 0, "made": 0, "queries": 0, "prepared": 0}
    contains = compat.ParameterList.__contains__

    def counted_contains(self: compat.ParameterList, item: object) -> bool:
        calls["contains"] += 1
        return contains(self, item)

    component = compat.OnePerShape.__call__

    def counted_component(self: compat.OnePerShape, shape: object) -> object:
        calls["component"] += 1
        calls["made"] += id(shape) not in self.made
        return component(self, shape)

    graph_class = engine._preparing_graph_class()
    query = graph_class.query

    def counted_query(self: object, query_object: object, *args: object, **kw: object) -> object:
        calls["queries"] += isinstance(query_object, str)
        return query(self, query_object, *args, **kw)

    shacl_sparql = engine.shacl_sparql

    def counted_sparql(text: str, source: str = "query") -> object:
        calls["prepared"] += source == "SHACL-SPARQL"
        return shacl_sparql(text, source)

    monkeypatch.setattr(compat.ParameterList, "__contains__", counted_contains)
    monkeypatch.setattr(compat.OnePerShape, "__call__", counted_component)
    monkeypatch.setattr(graph_class, "query", counted_query)
    monkeypatch.setattr(engine, "shacl_sparql", counted_sparql)
    outcome = outcome_from_report(Validator().engine.check(load_paths(REAL_DATA)))
    assert outcome.shacl_conforms
    texts = sum(1 for q in load_paths(REAL_SHAPES) if q.predicate.value == SH + "select")
    assert calls["contains"] > 1000
    assert calls["component"] > 2 * calls["made"] > 0
    assert calls["queries"] >= texts  # every text reaches rdflib through the preparing graph,
    assert calls["prepared"] <= texts  # each prepared at most once (or earlier in this process)


# --- the native engine against pyshacl -----------------------------------------------------------

SHAPE_FIXTURES = sorted((REPO / "tests" / "shapes").glob("*/*.ru"))
#: Fixtures the native engine leaves to pyshacl: a result about a blank node of the data.
LEFT_TO_PYSHACL = {"Dataset-minted-iris/invalid-blank-node"}


@pytest.fixture(scope="module")
def bundled() -> Validator:
    """The bundled shapes and ontology, parsed once for every fixture (pyshacl's graphs too)."""
    return Validator()


def fixture_name(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


@pytest.mark.parametrize("fixture", SHAPE_FIXTURES, ids=fixture_name)
def test_every_shape_fixture_gives_pyshacls_report(fixture: Path, bundled: Validator) -> None:
    """Whichever engine serves, the report is pyshacl's: every result (focus node, path, value,
    severity, source shape, component, constraint, messages) and the whole report graph.

    pyshacl runs here with the shortcuts of `learningcity.compat` (plain pyshacl takes ~5 s a
    fixture on this data); those give plain pyshacl's results, see
    `test_same_results_and_verdict_as_plain_pyshacl` and tests/scale. Both reports have the
    values rdflib normalized written back as the data has them (`as_written`)."""
    quads = mutated_quads(fixture.read_text(encoding="utf-8"))
    ours = bundled.validate(quads, workers=1)
    theirs = outcome_from_report(as_written(bundled.engine.check(quads), quads))
    assert ours.results == theirs.results
    assert set(ours.report) == set(theirs.report)
    assert ours.engine == ("pyshacl" if fixture_name(fixture) in LEFT_TO_PYSHACL else "native")


def test_a_value_is_reported_as_the_data_writes_it(bundled: Validator) -> None:
    """rdflib reads `"2026-11-25T10:00:00Z"^^xsd:dateTime` as `...T10:00:00+00:00`; the report
    names the data's literal (on b9a5be4 it named rdflib's, which is nowhere in the data)."""
    fixture = next(
        f for f in SHAPE_FIXTURES if fixture_name(f) == "Dataset-issued/invalid-wrong-datatype"
    )
    quads = mutated_quads(fixture.read_text(encoding="utf-8"))
    [result] = bundled.validate(quads, workers=1).results
    assert isinstance(result.value, ox.Literal)
    assert result.value in {quad.object for quad in quads}
