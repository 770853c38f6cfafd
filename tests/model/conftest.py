"""Session fixtures for the model tests: the three model files parsed once, and one validator."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rdflib import Graph

# The model tests share one helper module; make it importable whatever pytest's import mode.
sys.path.insert(0, str(Path(__file__).parent))

from model_support import DATA, ONTOLOGY, SHAPES, parse

from learningcity.validation import Validator


@pytest.fixture(scope="session")
def data_graph() -> Graph:
    return parse(DATA)


@pytest.fixture(scope="session")
def ontology_graph() -> Graph:
    return parse(ONTOLOGY)


@pytest.fixture(scope="session")
def shapes_graph() -> Graph:
    return parse(SHAPES)


@pytest.fixture(scope="session")
def validator() -> Validator:
    """`learningcity validate`'s engine on the model's shapes and ontology, parsed once for the
    whole run: reading and preparing the shapes costs as much as validating a fixture."""
    return Validator(SHAPES, ONTOLOGY)
