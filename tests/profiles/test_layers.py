"""The Yongsan source imports to the source facts of data/yongsan.ttl, and the curated layers
account for every other statement: data/yongsan.ttl = (import − retracted) ∪ enrichments."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from learningcity.cli import cli
from learningcity.errors import InputError
from learningcity.load import load_paths
from learningcity.profiles import apply_layers, import_profile, read_profile
from learningcity.serialize import to_turtle
from rdfcompare import canonical
from support import FIXTURES, REPO

SOURCE = FIXTURES / "profiles" / "yongsan-gu.txt"
URL = "https://www.uil.unesco.org/en/learning-cities/yongsan-gu"
READ_ON = dt.date(2026, 11, 24)
ENRICHMENTS = REPO / "data" / "enrichments" / "yongsan.ttl"
RETRACTED = REPO / "data" / "enrichments" / "yongsan.retracted.ttl"
LAYER_OPTIONS = ["--enrich", str(ENRICHMENTS), "--retract", str(RETRACTED)]
SCHEMA = "https://schema.org/"
DCTERMS = "http://purl.org/dc/terms/"


@pytest.fixture(scope="module")
def imported() -> list[ox.Quad]:
    return import_profile(read_profile(SOURCE), READ_ON, URL).quads


def test_data_is_the_import_with_the_curated_layers(imported: list[ox.Quad]) -> None:
    layered = apply_layers(imported, list(load_paths(ENRICHMENTS)), list(load_paths(RETRACTED)))
    assert canonical(layered) == canonical(load_paths(REPO / "data" / "yongsan.ttl"))


def test_every_kept_imported_statement_is_in_the_data(imported: list[ox.Quad]) -> None:
    data = set(load_paths(REPO / "data" / "yongsan.ttl"))
    retracted = set(load_paths(RETRACTED))
    assert {q for q in imported if q not in retracted} <= data
    assert not retracted & data


def test_enrichments_add_only_what_the_source_does_not_say(imported: list[ox.Quad]) -> None:
    assert not set(load_paths(ENRICHMENTS)) & set(imported)


def test_only_three_imported_statements_are_replaced_by_curation(
    imported: list[ox.Quad],
) -> None:
    """The city lies in Seoul (curated) rather than only in the country (title line); the
    dataset has a curated description and was modified after the page was read."""
    replaced = {(q.subject.value, q.predicate.value) for q in load_paths(RETRACTED)}
    assert replaced == {
        ("https://w3id.org/learningcity/id/city/kr-yongsan-gu", SCHEMA + "containedInPlace"),
        ("https://w3id.org/learningcity/id/dataset/kr-yongsan-gu", DCTERMS + "description"),
        ("https://w3id.org/learningcity/id/dataset/kr-yongsan-gu", DCTERMS + "modified"),
    }
    assert set(load_paths(RETRACTED)) <= set(imported)


def test_the_cli_rebuilds_data_yongsan_byte_for_byte(tmp_path) -> None:
    target = tmp_path / "yongsan.ttl"
    args = ["import", str(SOURCE), "--source-url", URL, "--read-on", "2026-11-24"]
    done = CliRunner().invoke(cli, [*args, *LAYER_OPTIONS, "-o", str(target)])
    assert done.exit_code == 0, done.output
    assert target.read_bytes() == (REPO / "data" / "yongsan.ttl").read_bytes()


def test_the_html_page_imports_to_the_same_graph_but_one_heading(imported) -> None:
    page = import_profile(read_profile(FIXTURES / "profiles" / "yongsan-gu.html"), READ_ON)
    assert page.source_url == URL and page.notices == ()
    differ = canonical(page.quads) ^ canonical(imported)
    assert {line.split(" ", 3)[2] for line in differ} == {'"Yongsan-gu:'}  # rdfs:label text
    assert any("Equity & Inclusion" in line for line in differ)


def test_imports_are_deterministic() -> None:
    first = to_turtle(import_profile(read_profile(SOURCE), READ_ON, URL).quads)
    second = to_turtle(import_profile(read_profile(SOURCE), READ_ON, URL).quads)
    assert first == second


def test_a_retraction_the_import_did_not_make_is_refused(imported: list[ox.Quad]) -> None:
    stale = ox.Quad(imported[0].subject, imported[0].predicate, ox.Literal("not imported"))
    with pytest.raises(InputError, match="not in the import"):
        apply_layers(imported, [], [stale])


def _layers_cli(curated: Path, enrich: Path, retract: Path, *extra: str) -> Result:
    args = ["import", str(SOURCE), "--source-url", URL, "--read-on", "2026-11-24"]
    layers = ["--enrich", str(enrich), "--retract", str(retract), "-o", str(curated)]
    return CliRunner().invoke(cli, [*args, *layers, *extra])


def test_update_layers_derives_the_committed_layers_from_the_data(tmp_path: Path) -> None:
    enrich, retract = tmp_path / "e.ttl", tmp_path / "r.ttl"
    done = _layers_cli(REPO / "data" / "yongsan.ttl", enrich, retract, "--update-layers")
    assert done.exit_code == 0, done.output
    assert enrich.read_bytes() == ENRICHMENTS.read_bytes()
    assert retract.read_bytes() == RETRACTED.read_bytes()


def test_a_hand_edit_of_the_data_round_trips_through_the_layers(tmp_path: Path) -> None:
    """Curators edit the data; --update-layers moves the edit into the layers; the import with
    the layers then rebuilds the edited data exactly."""
    curated = tmp_path / "yongsan.ttl"
    text = (REPO / "data" / "yongsan.ttl").read_text(encoding="utf-8")
    text = text.replace(
        '    schema:name "Talent Sharing project"@en .', '    schema:name "Talent Sharing"@en .'
    )
    curated.write_text(text, encoding="utf-8")
    enrich, retract = tmp_path / "e.ttl", tmp_path / "r.ttl"
    assert _layers_cli(curated, enrich, retract, "--update-layers").exit_code == 0
    assert '"Talent Sharing project"@en' in retract.read_text(encoding="utf-8")
    rebuilt = tmp_path / "rebuilt.ttl"
    assert _layers_cli(rebuilt, enrich, retract).exit_code == 0
    assert rebuilt.read_bytes() == curated.read_bytes()
