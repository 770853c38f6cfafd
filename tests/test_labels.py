"""Every term the model uses gets a name in English and Korean on the pages: from the data, the
ontology, or the bundled label table (`learningcity/rendering/labels.ttl`); a term with no label
anywhere is shown as its compact IRI and marked so (issue 16.4)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from learningcity.load import load_paths
from learningcity.namespaces import DEFAULT_DATA_BASE, prefixes
from learningcity.publish import publish
from learningcity.rendering.labels import Labeller, Text, label_table
from learningcity.resources import ontology_path
from learningcity.terms import RDF_TYPE
from support import REPO


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> ox.Dataset:
    out = tmp_path_factory.mktemp("labels") / "network.ttl"
    generator = REPO / "scripts" / "generate_network.py"
    subprocess.run([sys.executable, str(generator), "5", "--seed", "1", "-o", str(out)], check=True)
    return load_paths(out)


def used_terms(*graphs: ox.Dataset) -> set[ox.NamedNode]:
    """Predicates, classes and datatypes: what a page shows as a name rather than as data."""
    terms: set[ox.NamedNode] = set()
    for graph in graphs:
        for quad in graph:
            terms.add(quad.predicate)
            if quad.predicate == RDF_TYPE and isinstance(quad.object, ox.NamedNode):
                terms.add(quad.object)
            if isinstance(quad.object, ox.Literal) and quad.object.language is None:
                terms.add(quad.object.datatype)
    return {t for t in terms if not t.value.startswith(DEFAULT_DATA_BASE)}


def test_every_term_of_the_data_the_ontology_and_the_generator_is_named_in_both_languages(
    generated: ox.Dataset,
) -> None:
    data = load_paths(REPO / "data" / "yongsan.ttl")
    ontology = load_paths(ontology_path())
    labels = Labeller([data, ontology], prefixes())
    missing = [
        (labels.short(term), language)
        for term in sorted(used_terms(data, ontology, generated), key=str)
        for language in ("en", "ko")
        if (found := labels.label(term, language)).term or found.fallback
    ]
    assert missing == []


def test_the_sdgs_the_ontology_maps_to_are_named() -> None:
    ontology = load_paths(ontology_path())
    labels = Labeller([ontology], prefixes())
    sdg = prefixes()["sdg"]
    targets = {q.object for q in ontology if q.object.value.startswith(sdg)}
    assert len(targets) >= 9
    for target in targets:
        assert not labels.label(target, "ko").term, target


@pytest.mark.parametrize(
    ("term", "english", "korean"),
    [
        ("schema:name", "name", "이름"),
        ("dcat:Dataset", "dataset", "데이터셋"),
        ("xsd:date", "date", "날짜"),
    ],
)
def test_standard_terms_read_as_words(term: str, english: str, korean: str) -> None:
    prefix, local = term.split(":")
    node = ox.NamedNode(prefixes()[prefix] + local)
    labels = Labeller([], prefixes())
    assert labels.label(node, "en") == Text(english, "en")
    assert labels.label(node, "ko") == Text(korean, "ko")


def test_the_data_names_a_term_before_the_table_does() -> None:
    name = ox.NamedNode(prefixes()["schema"] + "name")
    own = ox.Dataset(
        [
            ox.Quad(
                name, ox.NamedNode(prefixes()["rdfs"] + "label"), ox.Literal("nom", language="en")
            )
        ]
    )
    assert Labeller([own], prefixes()).label(name, "en") == Text("nom", "en")


def test_an_identifier_is_named_by_its_kind_and_value() -> None:
    data = load_paths(REPO / "data" / "yongsan.ttl")
    node = ox.NamedNode(DEFAULT_DATA_BASE + "identifier/kr-yongsan-gu.admin-code")
    label = Labeller([data], prefixes()).label(node, "ko")
    assert label.value == "Korean administrative standard code (si/gun/gu): 11170"
    assert not label.term


def test_a_term_nobody_names_is_its_compact_iri_marked_as_such() -> None:
    node = ox.NamedNode(prefixes()["schema"] + "noSuchTerm")
    assert Labeller([], prefixes()).label(node, "ko") == Text("schema:noSuchTerm", term=True)


def test_the_label_table_is_not_part_of_any_published_data(tmp_path: Path) -> None:
    """The table is for pages: its statements never reach the dump or a document."""
    publish(load_paths(REPO / "data" / "yongsan.ttl"), tmp_path / "site")
    dump = ox.Dataset(
        ox.parse(path=str(tmp_path / "site" / "dump" / "data.nq"), format=ox.RdfFormat.N_QUADS)
    )
    table = label_table()
    assert len(table) > 150
    assert not any(quad in dump for quad in table)
