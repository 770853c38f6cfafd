"""Shared helpers for the model tests: paths of the model files, parsing and mutation.

Validation always runs without inference and with the ontology mixed into the data graph, exactly
as `pyshacl -s shapes/learningcity.shapes.ttl -e ontology/learningcity.ttl -i none` does (and as
`learningcity validate` does), so that a test result means the same as the command a focal point
would run.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from learningcity.namespaces import sparql_prologue
from support import SHARED

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "yongsan.ttl"
ENRICHMENTS = ROOT / "data" / "enrichments" / "yongsan.ttl"
ONTOLOGY = ROOT / "ontology" / "learningcity.ttl"
ALIGNMENTS = ROOT / "ontology" / "learningcity-alignments.ttl"
SHAPES = ROOT / "shapes" / "learningcity.shapes.ttl"
SOURCE = SHARED / "source" / "yongsan-gnlc-profile.txt"
SCHEMAORG = SHARED / "schemaorg" / "schemaorg-current-https.ttl"
FIXTURES = ROOT / "tests" / "shapes"
MODEL_FILES = (DATA, ONTOLOGY, ALIGNMENTS, SHAPES)


def parse(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def mutated_quads(update: str) -> list[ox.Quad]:
    """Data and ontology after a SPARQL Update, as the statements `Validator.validate` reads.

    The update runs on the union of data and ontology because some shapes (the policy areas)
    constrain resources that live in the ontology; pyshacl's `-e` mixes both the same way.
    """
    store = ox.Store()
    for path in (DATA, ONTOLOGY):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    store.update(sparql_prologue() + update)
    return list(store)
