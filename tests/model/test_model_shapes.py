"""The shapes: the real data conforms, and every constraint catches its own mistake.

Each fixture in tests/shapes/<Shape>/ is a SPARQL Update applied to data/yongsan.ttl (plus the
ontology). An `invalid-*.ru` must produce exactly the one result in its `.expected.ttl` (focus
node, path, source shape, constraint component, severity), so a test fails when another shape
fires as well or instead; a `valid-*.ru` must leave the data conforming.

Fixtures are validated once each, by `learningcity validate`'s engine (pyshacl with the shortcuts
of `learningcity.compat`, one `Validator` for the whole run), so every fixture also checks those
shortcuts. Plain pyshacl, the reference, is run here on the real data (library and command line);
tests/scale and tests/test_validation compare the two engines result for result.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from model_support import DATA, FIXTURES, ONTOLOGY, SHAPES, mutated_quads, parse
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

from learningcity import validation
from learningcity.validation import Validator
from support import FIXTURES as SUPPORT_FIXTURES
from support import generated_network, imported

SH = Namespace("http://www.w3.org/ns/shacl#")
LCSH = "https://w3id.org/learningcity/shapes#"
PYSHACL = Path(sys.executable).parent / "pyshacl"

INVALID = sorted(FIXTURES.glob("*/invalid-*.ru"))
VALID = sorted(FIXTURES.glob("*/valid-*.ru"))

#: Which constraint component each SHACL parameter belongs to.
PARAMETER_COMPONENT = {
    SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH["class"]: SH.ClassConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent,
    SH.qualifiedMinCount: SH.QualifiedMinCountConstraintComponent,
    SH.qualifiedMaxCount: SH.QualifiedMaxCountConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH.hasValue: SH.HasValueConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
    SH.uniqueLang: SH.UniqueLangConstraintComponent,
    SH.node: SH.NodeConstraintComponent,
    SH.closed: SH.ClosedConstraintComponent,
}


def validate(validator: Validator, update: str) -> tuple[bool, Graph]:
    """SHACL's `sh:conforms` and the report graph of the data after `update`, validated once."""
    outcome = validator.validate(mutated_quads(update), workers=1)
    nt = ox.serialize(outcome.report, format=ox.RdfFormat.N_TRIPLES)
    return outcome.shacl_conforms, Graph().parse(data=nt, format="nt")


def path_key(graph: Graph, path: object) -> object:
    """A comparable form of sh:resultPath: the IRI, the property of an inverse path, or the
    members of an alternative path."""
    if isinstance(path, BNode):
        inverse = graph.value(path, SH.inversePath)
        if inverse is not None:
            return ("inverse", inverse)
        alternatives = graph.value(path, SH.alternativePath)
        return ("alternative", tuple(Collection(graph, alternatives)))
    return path


def results(report: Graph) -> list[tuple]:
    rows = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        rows.append(
            (
                report.value(result, SH.focusNode),
                path_key(report, report.value(result, SH.resultPath)),
                report.value(result, SH.sourceShape),
                report.value(result, SH.sourceConstraintComponent),
                report.value(result, SH.resultSeverity),
                report.value(result, SH.sourceConstraint)
                if report.value(result, SH.sourceConstraintComponent)
                == SH.SPARQLConstraintComponent
                else None,
            )
        )
    return sorted(rows, key=str)


def focus_of(report: Graph) -> object:
    return next(report.subjects(RDF.type, SH.ValidationResult))


def test_data_conforms_with_pyshacl_command() -> None:
    """The command of issue 2's "Done when", as a focal point would run it."""
    run = subprocess.run(
        [str(PYSHACL), "-s", str(SHAPES), "-e", str(ONTOLOGY), "-i", "none", str(DATA)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Conforms: True" in run.stdout, run.stdout
    assert run.returncode == 0


def test_data_conforms_with_pyshacl_library(data_graph, ontology_graph, shapes_graph) -> None:
    conforms, _, text = pyshacl.validate(
        data_graph, shacl_graph=shapes_graph, ont_graph=ontology_graph, inference="none"
    )
    assert conforms, text


def test_shapes_pass_shacl_shacl() -> None:
    """Validate the validators: the shapes graph conforms to the SHACL-for-SHACL shapes."""
    run = subprocess.run(
        [str(PYSHACL), "--metashacl", "-s", str(SHAPES), "-e", str(ONTOLOGY), str(DATA)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Conforms: True" in run.stdout, run.stdout + run.stderr
    assert run.returncode == 0


def test_mutation_of_nothing_conforms(validator: Validator) -> None:
    """The fixture machinery itself (update, union with the ontology) keeps the data valid."""
    conforms, report = validate(validator, "INSERT DATA { }")
    assert conforms, report.serialize(format="turtle")


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_invalid_fixture_gives_exactly_its_result(
    fixture: Path, shapes_graph: Graph, validator: Validator
) -> None:
    """Exactly the expected result, carrying the constraint's own message in English and Korean.

    pyshacl copies the messages of SPARQL-based constraints without their language tags, so
    messages are compared by text; the tags themselves are checked on the shapes.
    """
    expected_graph = parse(fixture.with_suffix(".expected.ttl"))
    expected = results(expected_graph)
    assert len(expected) == 1
    conforms, report = validate(validator, fixture.read_text())
    assert not conforms
    assert results(report) == expected
    result = next(report.subjects(RDF.type, SH.ValidationResult))
    constraint = report.value(result, SH.sourceConstraint) or report.value(result, SH.sourceShape)
    wanted = {str(m) for m in shapes_graph.objects(constraint, SH.message)}
    assert len(wanted) == 2
    assert {str(m) for m in report.objects(result, SH.resultMessage)} == wanted


@pytest.mark.parametrize("fixture", VALID, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_valid_fixture_conforms(fixture: Path, validator: Validator) -> None:
    conforms, report = validate(validator, fixture.read_text())
    assert conforms, report.serialize(format="turtle")


def own(node: object) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(LCSH)


def constraint_nodes(shapes: Graph) -> dict[URIRef, set[URIRef]]:
    """Every named constraint-bearing shape with the components it uses."""
    found: dict[URIRef, set[URIRef]] = {}
    for shape in set(shapes.subjects(RDF.type, SH.PropertyShape)) | set(
        shapes.subjects(RDF.type, SH.NodeShape)
    ):
        if not own(shape) or (
            (shape, SH.targetClass, None) not in shapes
            and (
                shape,
                SH.path,
                None,
            )
            not in shapes
        ):
            continue  # helper shapes used only as sh:qualifiedValueShape
        components = {
            component
            for parameter, component in PARAMETER_COMPONENT.items()
            if (shape, parameter, None) in shapes
            and not (parameter == SH.maxCount and (shape, SH.qualifiedValueShape, None) in shapes)
        }
        if components:
            found[shape] = components
    for constraint in shapes.subjects(RDF.type, SH.SPARQLConstraint):
        found[constraint] = {SH.SPARQLConstraintComponent}
    return found


def covered() -> dict[str, set[URIRef]]:
    """Components exercised by the invalid fixtures, by the shape they are filed under."""
    cover: dict[str, set[URIRef]] = {}
    for fixture in INVALID:
        graph = parse(fixture.with_suffix(".expected.ttl"))
        for component in graph.objects(None, SH.sourceConstraintComponent):
            cover.setdefault(fixture.parent.name, set()).add(component)
    return cover


def test_every_constraint_has_an_invalid_fixture(shapes_graph) -> None:
    cover = covered()
    missing = {
        str(shape)[len(LCSH) :]: sorted(
            str(c).rsplit("#")[-1] for c in components - cover.get(str(shape)[len(LCSH) :], set())
        )
        for shape, components in constraint_nodes(shapes_graph).items()
    }
    assert {k: v for k, v in missing.items() if v} == {}


def test_every_sparql_constraint_selects_distinct_rows(shapes_graph) -> None:
    """A result found along two routes (two triples about one blank node, say) is one result:
    pyshacl merges such rows, pyrudof reports each (4 results for 1 before DISTINCT)."""
    selects = list(shapes_graph.subject_objects(SH.select))
    assert selects
    for constraint, text in selects:
        tree = validation.shacl_sparql(str(text))
        assert tree[1].get("modifier") == "DISTINCT", constraint


def test_fixture_directories_name_real_shapes(shapes_graph) -> None:
    names = {str(s)[len(LCSH) :] for s in shapes_graph.subjects() if own(s)}
    assert {p.name for p in FIXTURES.iterdir() if p.is_dir()} - names == set()


def test_every_targeted_shape_has_a_valid_fixture(shapes_graph) -> None:
    targeted = {str(s)[len(LCSH) :] for s in shapes_graph.subjects(SH.targetClass, None) if own(s)}
    with_valid = {p.parent.name for p in VALID}
    assert targeted - with_valid == set()


def test_every_constraint_has_one_message_in_english_and_korean(shapes_graph) -> None:
    problems = []
    for shape in constraint_nodes(shapes_graph):
        languages = sorted(m.language for m in shapes_graph.objects(shape, SH.message))
        if languages != ["en", "ko"]:
            problems.append((str(shape), languages))
    assert problems == []


def test_every_constraint_has_a_deliberate_severity(shapes_graph) -> None:
    """Severity is written on every shape, never left to the default; all three are used."""
    shapes = {s for s in shapes_graph.subjects(RDF.type, SH.PropertyShape) if own(s)} | {
        s for s in shapes_graph.subjects(SH.targetClass, None) if own(s)
    }
    unset = [
        str(shape)
        for shape in shapes
        if shapes_graph.value(shape, SH.severity) not in (SH.Violation, SH.Warning, SH.Info)
    ]
    assert unset == []
    used = set(shapes_graph.objects(None, SH.severity))
    assert used == {SH.Violation, SH.Warning, SH.Info}


def test_gyear_bounds_are_not_left_to_pyshacl_ordering(shapes_graph) -> None:
    """pyshacl 0.40.1 cannot order xsd:gYear: no shape may bound a gYear with min/max."""
    for parameter in (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive):
        for value in shapes_graph.objects(None, parameter):
            assert not (
                isinstance(value, Literal)
                and value.datatype == URIRef("http://www.w3.org/2001/XMLSchema#gYear")
            )


def superclasses(graph: Graph, cls: URIRef) -> set[URIRef]:
    found, todo = {cls}, [cls]
    while todo:
        for parent in graph.objects(todo.pop(), RDFS.subClassOf):
            if parent not in found:
                found.add(parent)
                todo.append(parent)
    return found


#: What each imported dataset below must hold, so that it exercises what it is there for.
IMPORTED_CLASSES = {
    "generated pages": {"lc:PolicyStatement", "lc:ProfileStatement", "schema:Quotation"},
    "the importer's fixture pages": {"schema:CreativeWork", "schema:MonetaryAmount"},
}


@pytest.fixture(scope="module")
def imported_data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Graph]:
    """What `learningcity import` writes for 20 generated pages of both layouts, and for the
    importer's fixture pages (unknown headings, approximate figures, quotations), written with
    the violations of the pages made incomplete on purpose."""
    generated = generated_network(tmp_path_factory.mktemp("pages"), pages=20, seed=16)
    profiles = SUPPORT_FIXTURES / "profiles"
    pages = sorted(str(p) for p in profiles.iterdir() if p.suffix in (".txt", ".html"))
    sources = ("--sources", str(profiles / "sources.csv"))
    output = tmp_path_factory.mktemp("fixtures") / "network.ttl"
    fixture_pages = imported(output, *pages, *sources, exit_code=1)
    return {
        "generated pages": parse(generated),
        "the importer's fixture pages": parse(fixture_pages),
    }


@pytest.mark.parametrize("data", ["data/yongsan.ttl", *IMPORTED_CLASSES])
def test_every_property_the_data_uses_is_constrained(
    data: str,
    data_graph: Graph,
    ontology_graph: Graph,
    shapes_graph: Graph,
    request: pytest.FixtureRequest,
) -> None:
    """Each property of each typed resource in the data has a shape on that class (or a super):
    the curated data, and what the importer writes from pages of both layouts."""
    if data == "data/yongsan.ttl":
        graph = data_graph
    else:
        graph = request.getfixturevalue("imported_data")[data]
        classes = {shapes_graph.namespace_manager.expand_curie(c) for c in IMPORTED_CLASSES[data]}
        assert classes <= set(graph.objects(None, RDF.type))
    constrained: dict[URIRef, set[object]] = {}
    for node_shape, cls in shapes_graph.subject_objects(SH.targetClass):
        for prop_shape in shapes_graph.objects(node_shape, SH.property):
            path = shapes_graph.value(prop_shape, SH.path)
            alternatives = shapes_graph.value(path, SH.alternativePath) if path else None
            paths = list(Collection(shapes_graph, alternatives)) if alternatives else [path]
            constrained.setdefault(cls, set()).update(paths)
    schema = graph + ontology_graph
    unconstrained = set()
    for subject, predicate, _ in graph:
        types = set(graph.objects(subject, RDF.type))
        if predicate == RDF.type or not types:
            continue
        classes = set().union(*(superclasses(schema, t) for t in types))
        if not any(predicate in constrained.get(c, set()) for c in classes):
            unconstrained.add((str(sorted(types)[0]), str(predicate)))
    assert sorted(unconstrained) == []


#: Issue 2's "Done when": each realistic editing mistake fails with a message naming the problem.
REALISTIC_MISTAKES = [
    ("missing value", "LearningCity-name-en/invalid-missing-english.ru", "English"),
    ("impossible value", "Observation-population-positive/invalid-negative.ru", "positive"),
    ("impossible date", "Membership-start-range/invalid-before-2013.ru", "2013"),
    ("wrong datatype", "Observation-population/invalid-wrong-datatype.ru", "whole number"),
    ("wrong language", "LearningCity-description/invalid-wrong-language.ru", "@en"),
    ("IRI as text", "LearningProgramme-provider/invalid-literal-instead-of-iri.ru", "not text"),
    ("outside its scheme", "PolicyStatement-policyArea/invalid-outside-scheme.ru", "lcpa:"),
    ("stated twice", "LearningCity-population-once/invalid-stated-twice.ru", "twice"),
    ("personal data", "Person/invalid-personal-data.ru", "personal data"),
]


@pytest.mark.parametrize(("mistake", "fixture", "word"), REALISTIC_MISTAKES, ids=lambda v: str(v))
def test_realistic_mistake_fails_with_a_message_naming_it(
    mistake: str, fixture: str, word: str, validator: Validator
) -> None:
    conforms, report = validate(validator, (FIXTURES / fixture).read_text())
    assert not conforms, mistake
    messages = [str(m) for m in report.objects(None, SH.resultMessage)]
    assert any(word in m for m in messages), (mistake, messages)
    assert any(re.search("[가-힣]", m) for m in messages), "a Korean message too"
