"""Every JSON-LD output, read by pyld and rdflib as their users read it, with the network shut.

Each document is written by the installed command or a running `learningcity serve`, then read
in a fresh process (`offline_jsonld.py`) whose audit hook refuses every connection but to the
local server that hosts a context the document names. Both readings must be the source graph
(Korean text, language tags, datatypes with their lexical forms, blank nodes), compared as
canonical graphs. On the old code the default export named a context no processor could load.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from learningcity.embed import learning_city, schema_org_quads
from learningcity.jsonld import CONTEXT_IRI, CONTEXT_PATH, context_iri, hosted_context
from learningcity.load import load_paths
from learningcity.namespaces import DEFAULT_DATA_BASE
from learningcity.rendering.iris import rebase
from processes import serving
from rdfcompare import canonical, from_nquads
from support import FIXTURES, REPO

LEARNINGCITY = Path(sys.executable).with_name("learningcity")
READER = Path(__file__).with_name("offline_jsonld.py")
YONGSAN = REPO / "data" / "yongsan.ttl"
TRICKY = FIXTURES / "export" / "tricky-literals.ttl"
NAMED = FIXTURES / "export" / "named-graphs.trig"
CITY = "city/kr-yongsan-gu"


def run(*arguments: str | Path) -> bytes:
    done = subprocess.run([LEARNINGCITY, *map(str, arguments)], capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def read(document: bytes, tmp_path: Path, allowed: str | None = None) -> dict[str, object]:
    """What pyld and rdflib read from `document` in a process with the network shut (but for
    `allowed`, a HOST:PORT), and what they tried to reach."""
    path = tmp_path / "document.jsonld"
    path.write_bytes(document)
    command = [sys.executable, str(READER), str(path), *([allowed] if allowed else [])]
    done = subprocess.run(command, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    return json.loads(done.stdout)


def assert_read_as(readings: dict[str, object], expected: object) -> None:
    """Both processors read `expected`; pyld 3.3 rewrites the lexical form of `xsd:double`
    values ("1e3" -> "1.0E3", see rdfcompare), so its doubles are compared by value."""
    assert readings["errors"] == {}
    quads = list(expected)  # type: ignore[call-overload]
    assert canonical(from_nquads(readings["rdflib"])) == canonical(quads)
    pyld = from_nquads(readings["pyld"])
    assert canonical(pyld, double_values=True) == canonical(quads, double_values=True)


@pytest.mark.parametrize("source", [YONGSAN, TRICKY, NAMED], ids=["yongsan", "tricky", "named"])
@pytest.mark.parametrize("frame", [False, True], ids=["plain", "framed"])
def test_the_default_export_reads_offline(source: Path, frame: bool, tmp_path: Path) -> None:
    document = run("export", source, "--format", "jsonld", *(["--frame"] if frame else []))
    readings = read(document, tmp_path)
    assert readings["refused"] == [] and readings["fetched"] == [], "nothing was even tried"
    assert_read_as(readings, load_paths(source))


def test_the_streamed_export_reads_offline(tmp_path: Path) -> None:
    document = run("export", YONGSAN, "--format", "jsonld", "--stream")
    readings = read(document, tmp_path)
    assert readings["refused"] == []
    assert_read_as(readings, load_paths(YONGSAN))


def test_the_framed_profile_is_one_city_object(tmp_path: Path) -> None:
    document = json.loads(run("export", YONGSAN, "--format", "jsonld", "--frame"))
    assert [node["@id"] for node in document["@graph"]] == [f"city:{CITY[5:]}"]


def test_the_embed_block_reads_offline(tmp_path: Path) -> None:
    document = run("embed", YONGSAN, "--json")
    dataset = load_paths(YONGSAN)
    readings = read(document, tmp_path)
    assert readings["refused"] == []
    assert_read_as(readings, schema_org_quads(dataset, learning_city(dataset)))


def test_a_construct_written_as_json_reads_offline(tmp_path: Path) -> None:
    document = run("query", "CONSTRUCT WHERE { ?s ?p ?o }", YONGSAN, "--format", "json")
    readings = read(document, tmp_path)
    assert readings["refused"] == []
    assert_read_as(readings, load_paths(YONGSAN))


def test_the_validation_report_reads_offline(tmp_path: Path) -> None:
    here = FIXTURES / "validation"
    inputs = [here / "data-several-problems.ttl", "--shapes", here / "shapes-city.ttl"]
    inputs += ["--ontology", here / "ontology-city-subclass.ttl"]
    done = subprocess.run(
        [LEARNINGCITY, "validate", *inputs, "--format", "json"], capture_output=True
    )
    assert done.returncode == 1, done.stderr.decode()
    turtle = subprocess.run(
        [LEARNINGCITY, "validate", *inputs, "--format", "turtle"], capture_output=True
    )
    readings = read(done.stdout, tmp_path)
    assert readings["refused"] == []
    assert_read_as(readings, ox.parse(turtle.stdout, format=ox.RdfFormat.TURTLE))


def test_without_its_host_the_published_form_is_not_read_and_nothing_is_reached(
    tmp_path: Path,
) -> None:
    """The old default: a context IRI that only a network (and a registered w3id) resolves.
    Both processors fail, and the audit saw rdflib try to connect: the network was shut."""
    document = run("export", YONGSAN, "--format", "jsonld", "--published-context")
    assert json.loads(document)["@context"] == CONTEXT_IRI
    readings = read(document, tmp_path)
    assert readings["pyld"] is None and readings["rdflib"] is None
    assert f"pyld {CONTEXT_IRI}" in readings["refused"]
    assert "socket.getaddrinfo w3id.org:443" in readings["refused"], readings["errors"]["rdflib"]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running `learningcity serve` of Yongsan under its own address; its root."""
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with serving(str(YONGSAN), "--workers", "1", log=log) as root:
        yield root


def test_serve_hosts_the_context_at_the_iri_the_data_names_under_its_base(served: str) -> None:
    iri = context_iri(served)
    assert iri == CONTEXT_IRI.replace(DEFAULT_DATA_BASE.removesuffix("id/"), served)
    response = httpx.get(iri, headers={"Origin": "https://example.org"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json; charset=utf-8"
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.content == hosted_context(served + "id/")
    context = response.json()["@context"]
    assert context["city"] == served + "id/city/", "data prefixes name the served base"
    assert context["lc"] == "https://w3id.org/learningcity/ontology#", "the vocabulary stays"
    tag = response.headers["etag"]
    assert httpx.get(iri, headers={"If-None-Match": tag}).status_code == 304


def test_the_published_form_reads_once_hosted_by_serve(served: str, tmp_path: Path) -> None:
    """The published form, moved under the server's base as `serve` moves every IRI: pyld and
    rdflib fetch the context from the server, and read the data the server serves."""
    document = run("export", YONGSAN, "--format", "jsonld", "--published-context", "--frame")
    moved = document.replace(CONTEXT_IRI.encode(), context_iri(served).encode())
    readings = read(moved, tmp_path, allowed=served.removeprefix("http://").rstrip("/"))
    assert readings["fetched"] == [served + CONTEXT_PATH]
    assert readings["refused"] == []
    assert_read_as(readings, rebase(load_paths(YONGSAN), DEFAULT_DATA_BASE, served + "id/"))


@pytest.mark.parametrize(
    "path",
    [
        f"doc/{CITY}.jsonld",
        ".well-known/void?format=jsonld",
        "sparql?query=CONSTRUCT%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D&format=json-ld",
    ],
    ids=["document", "void", "construct"],
)
def test_served_jsonld_reads_offline(served: str, path: str, tmp_path: Path) -> None:
    body = httpx.get(served + path, timeout=30)
    assert body.status_code == 200, body.text
    assert body.headers["content-type"].startswith("application/ld+json")
    as_nt = path.replace(".jsonld", ".nt").replace("format=jsonld", "format=nt")
    as_nt = as_nt.replace("format=json-ld", "format=nt")
    expected = httpx.get(served + as_nt, timeout=30)
    assert expected.status_code == 200, expected.text
    readings = read(body.content, tmp_path)
    assert readings["refused"] == []
    assert_read_as(readings, ox.parse(expected.content, format=ox.RdfFormat.N_TRIPLES))
