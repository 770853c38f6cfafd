"""Every export syntax round-trips to an isomorphic graph and is byte-identical across runs."""

from __future__ import annotations

import random

import pytest

from learningcity.errors import InputError
from learningcity.export import export, export_all
from learningcity.formats import SYNTAX_NAMES, SYNTAXES, syntax_named
from learningcity.load import load_paths
from rdfcompare import canonical
from support import FIXTURES, REPO

TRICKY = FIXTURES / "export" / "tricky-literals.ttl"
NAMED = FIXTURES / "export" / "named-graphs.trig"
YONGSAN = REPO / "data" / "yongsan.ttl"
DATASET_SYNTAXES = [s.name for s in SYNTAXES if s.holds_datasets]
GRAPH_SYNTAXES = [s.name for s in SYNTAXES if not s.holds_datasets]


def reload(content: bytes, syntax_name: str, tmp_path):
    path = tmp_path / f"export.{syntax_named(syntax_name).extension}"
    path.write_bytes(content)
    return load_paths(path)


@pytest.mark.parametrize("syntax", SYNTAX_NAMES)
def test_every_syntax_round_trips_to_an_isomorphic_graph(syntax: str, tmp_path) -> None:
    original = load_paths(TRICKY)
    assert canonical(reload(export(original, syntax), syntax, tmp_path)) == canonical(original)


@pytest.mark.parametrize("syntax", SYNTAX_NAMES)
def test_the_yongsan_profile_round_trips_in_every_syntax(syntax: str, tmp_path) -> None:
    original = load_paths(YONGSAN)
    assert canonical(reload(export(original, syntax), syntax, tmp_path)) == canonical(original)


@pytest.mark.parametrize("syntax", DATASET_SYNTAXES)
def test_dataset_syntaxes_keep_named_graphs(syntax: str, tmp_path) -> None:
    original = load_paths(NAMED)
    assert canonical(reload(export(original, syntax), syntax, tmp_path)) == canonical(original)


@pytest.mark.parametrize("syntax", GRAPH_SYNTAXES)
def test_graph_syntaxes_refuse_named_graphs(syntax: str) -> None:
    with pytest.raises(InputError, match="named graphs"):
        export(load_paths(NAMED), syntax)


@pytest.mark.parametrize("syntax", SYNTAX_NAMES)
def test_two_exports_are_byte_identical_whatever_the_input_order(syntax: str) -> None:
    quads = list(load_paths(TRICKY))
    first = export(quads, syntax)
    random.Random(3).shuffle(quads)
    assert export(quads, syntax) == first
    assert export(load_paths(TRICKY), syntax) == first


@pytest.mark.parametrize("path", [TRICKY, YONGSAN], ids=["tricky", "yongsan"])
def test_framed_jsonld_round_trips(path, tmp_path) -> None:
    original = load_paths(path)
    framed = export(original, "jsonld", frame=True)
    assert framed != export(original, "jsonld")
    assert canonical(reload(framed, "jsonld", tmp_path)) == canonical(original)


@pytest.mark.parametrize("option", ["frame", "published_context"])
def test_jsonld_options_are_refused_for_other_syntaxes(option: str) -> None:
    with pytest.raises(InputError, match="JSON-LD only"):
        export(load_paths(TRICKY), "turtle", **{option: True})


def test_export_all_writes_one_file_per_syntax(tmp_path) -> None:
    target = tmp_path / "dist"
    written = export_all(load_paths(TRICKY), target, stem="tricky")
    assert sorted(p.name for p in written) == sorted(f"tricky.{s.extension}" for s in SYNTAXES)
    for syntax in SYNTAXES:
        path = target / f"tricky.{syntax.extension}"
        assert path.read_bytes() == export(load_paths(TRICKY), syntax)


def test_export_all_writes_nothing_when_one_syntax_fails(tmp_path) -> None:
    with pytest.raises(InputError):
        export_all(load_paths(NAMED), tmp_path / "dist")
    assert not (tmp_path / "dist").exists()
