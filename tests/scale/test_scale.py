"""Scale machinery at small N: the synthetic network generator and validation in parts.

What must hold at 10,000 cities is checked here on 40, enough for the network and the dataset
to count as shared nodes, so that validation really runs in parts: the generator is
deterministic, each defect it plants gives exactly the one result it announces (checked with
plain pyshacl), and validation in parts over two processes reports exactly what one plain
pyshacl run reports.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import pyoxigraph as ox
import pytest

from learningcity import resources, validation
from learningcity.load import load_quads, resolve_sources
from support import REPO

GENERATOR = REPO / "scripts" / "generate_network.py"
CITIES = 40
SEED = 1  # a seed whose 30% defects include every kind of defect at 40 cities


@cache
def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_network", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def generate(path: Path, count: int = CITIES, seed: int = SEED, defects: float = 0.3) -> Path:
    command = [sys.executable, str(GENERATOR), str(count), "--seed", str(seed)]
    command += ["--defects", str(defects), "-o", str(path)]
    subprocess.run(command, check=True)
    return path


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("network") / "network.ttl")


@pytest.fixture(scope="module")
def validator() -> validation.Validator:
    """The bundled shapes and ontology, parsed once for every validation of this module."""
    return validation.Validator()


@pytest.fixture(scope="module")
def plain_outcome(network: Path) -> validation.ValidationOutcome:
    """One plain pyshacl run, as the `pyshacl` command runs it: rdflib parses every file."""
    import pyshacl
    from rdflib import Graph

    _, report, _ = pyshacl.validate(
        Graph().parse(network),
        shacl_graph=Graph().parse(resources.shapes_path()),
        ont_graph=Graph().parse(resources.ontology_path()),
        inference="none",
    )
    return validation.outcome_from_report(validation.from_rdflib(report))


def test_the_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    first = generate(tmp_path / "first.ttl")
    second = generate(tmp_path / "second.ttl")
    other = generate(tmp_path / "other.ttl", seed=SEED + 1)
    assert first.read_bytes() == second.read_bytes()
    assert first.with_name("first.ttl.expected.json").read_text() == (
        second.with_name("second.ttl.expected.json").read_text()
    )
    assert first.read_bytes() != other.read_bytes()


def test_the_network_parses_and_has_every_city(network: Path) -> None:
    quads = load_quads(resolve_sources([str(network)]))
    city = ox.NamedNode("https://w3id.org/learningcity/ontology#LearningCity")
    assert sum(1 for q in quads if q.object == city) == CITIES


def test_a_clean_network_conforms_with_no_result_at_all(
    tmp_path: Path, validator: validation.Validator
) -> None:
    path = generate(tmp_path / "clean.ttl", count=5, defects=0.0)
    outcome = validator.validate(load_quads(resolve_sources([str(path)])), workers=1)
    assert outcome.shacl_conforms and outcome.results == ()
    assert json.loads(path.with_name("clean.ttl.expected.json").read_text()) == []


def test_every_kind_of_defect_is_planted(network: Path) -> None:
    expected = json.loads(network.with_name("network.ttl.expected.json").read_text())
    assert {e["defect"] for e in expected} == {d.name for d in generator().DEFECTS}


def test_each_defect_gives_exactly_its_one_result_in_plain_pyshacl(
    network: Path, plain_outcome: validation.ValidationOutcome
) -> None:
    expected = json.loads(network.with_name("network.ttl.expected.json").read_text())
    found = sorted(
        (
            str(r.focus_node.value),
            r.path.value if isinstance(r.path, ox.NamedNode) else "",
            r.source_shape.value,
            r.component.value,
            r.severity.value,
            r.source_constraint.value if isinstance(r.source_constraint, ox.NamedNode) else "",
        )
        for r in plain_outcome.results
    )
    announced = sorted(
        (
            e["focus_node"],
            e["path"],
            e["source_shape"],
            e["component"],
            e["severity"],
            e["source_constraint"],
        )
        for e in expected
    )
    assert found == announced


def test_parts_never_cut_a_profile(network: Path) -> None:
    quads = load_quads(resolve_sources([str(network)]))
    divided = validation.partition(quads, size=600)
    shared, parts = divided.shared, divided.parts
    assert len(parts) > 2
    part_of_city: dict[str, int] = {}
    for number, part in enumerate(parts):
        for i in part:
            subject = quads[i].subject.value
            city = subject.rsplit("/", 1)[-1].split(".")[0]
            assert part_of_city.setdefault(city, number) == number, subject
    shared_subjects = {quads[i].subject.value for i in shared}
    assert "https://w3id.org/learningcity/id/organization/gnlc" in shared_subjects


def test_validation_in_parts_reports_exactly_what_plain_pyshacl_reports(
    network: Path, plain_outcome: validation.ValidationOutcome, validator: validation.Validator
) -> None:
    quads = load_quads(resolve_sources([str(network)]))
    assert len(validation.partition(quads, size=600).parts) > 2
    in_parts = validator.validate(quads, workers=2, part_statements=600)
    assert in_parts.results == plain_outcome.results
    assert in_parts.shacl_conforms == plain_outcome.shacl_conforms
    assert in_parts.report == plain_outcome.report


def test_validation_in_parts_equals_one_run_of_ours(
    network: Path, validator: validation.Validator
) -> None:
    quads = load_quads(resolve_sources([str(network)]))
    one_run = validator.validate(quads, workers=1)
    in_parts = validator.validate(quads, workers=2, part_statements=600)
    assert in_parts.report == one_run.report
