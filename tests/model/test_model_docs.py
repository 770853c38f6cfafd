"""The model's documentation stays generated and in step with the ontology."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

from model_support import ONTOLOGY, ROOT
from rdflib import OWL, RDF, Graph

from learningcity.namespaces import VOCAB

DRAW = ROOT / "scripts" / "draw_model.py"
SVG = ROOT / "docs" / "model.svg"
MODEL_MD = ROOT / "docs" / "model.md"
IRI_SCHEME_MD = ROOT / "docs" / "iri-scheme.md"


def draw_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("draw_model", DRAW)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def own_classes() -> list[str]:
    graph = Graph().parse(ONTOLOGY, format="turtle")
    return sorted(
        "lc:" + str(c)[len(VOCAB) :]
        for c in graph.subjects(RDF.type, OWL.Class)
        if str(c).startswith(VOCAB)
    )


def test_committed_svg_is_the_script_output() -> None:
    assert draw_module().draw(ONTOLOGY) == SVG.read_text(encoding="utf-8")


def test_svg_shows_every_own_class() -> None:
    svg = SVG.read_text(encoding="utf-8")
    for name in own_classes():
        assert f">{name}</text>" in svg, name


def test_drawing_follows_the_ontology(tmp_path: Path) -> None:
    """A class added to the ontology appears in the picture, even without a layout slot."""
    extended = tmp_path / "extended.ttl"
    extended.write_text(
        ONTOLOGY.read_text(encoding="utf-8")
        + "\nlc:Festival a owl:Class ; rdfs:subClassOf lc:GoodPractice .\n",
        encoding="utf-8",
    )
    svg = draw_module().draw(extended)
    assert ">lc:Festival</text>" in svg
    assert svg != SVG.read_text(encoding="utf-8")


def test_model_md_explains_every_own_class_and_embeds_the_picture() -> None:
    text = MODEL_MD.read_text(encoding="utf-8")
    assert "](model.svg)" in text
    for name in own_classes():
        assert re.search(rf"\| `{re.escape(name)}` \|", text), name


def test_iri_scheme_documents_every_kind() -> None:
    from learningcity.namespaces import DATA_KINDS

    text = IRI_SCHEME_MD.read_text(encoding="utf-8")
    for kind in DATA_KINDS:
        assert f"`{kind}:`" in text, kind
    assert "303" in text
    for extension in (".ttl", ".jsonld", ".nt", ".rdf", ".html"):
        assert f"`{extension}`" in text, extension
