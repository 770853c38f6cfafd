"""A published site, served by Debian's nginx with its generated configuration, hosts the JSON-LD
context at the IRI a `--published-context` document names once moved under the site's base, and
pyld and rdflib read the site's JSON-LD with no other network (`tests/offline_jsonld.py`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from learningcity.jsonld import CONTEXT_IRI, CONTEXT_PATH, context_iri, hosted_context
from learningcity.load import load_paths
from learningcity.namespaces import DEFAULT_DATA_BASE
from learningcity.rendering.iris import rebase
from rdfcompare import canonical, from_nquads
from support import REPO

LEARNINGCITY = Path(sys.executable).with_name("learningcity")
READER = Path(__file__).parent.parent / "offline_jsonld.py"
YONGSAN = REPO / "data" / "yongsan.ttl"


def read(document: bytes, tmp_path: Path, allowed: str | None = None) -> dict:
    path = tmp_path / "document.jsonld"
    path.write_bytes(document)
    command = [sys.executable, str(READER), str(path), *([allowed] if allowed else [])]
    done = subprocess.run(command, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    readings = json.loads(done.stdout)
    assert readings["errors"] == {}
    return readings


def assert_read_as(readings: dict, expected: list[ox.Quad]) -> None:
    assert canonical(from_nquads(readings["rdflib"])) == canonical(expected)
    pyld = from_nquads(readings["pyld"])
    assert canonical(pyld, double_values=True) == canonical(expected, double_values=True)


def test_nginx_serves_the_context_at_its_iri_under_the_base(nginx: httpx.Client) -> None:
    root = str(nginx.base_url).rstrip("/") + "/"
    response = nginx.get("/" + CONTEXT_PATH)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json; charset=utf-8"
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.content == hosted_context(root + "id/")
    assert response.json()["@context"]["city"] == root + "id/city/"


def test_the_published_form_reads_once_hosted_by_the_site(
    nginx: httpx.Client, tmp_path: Path
) -> None:
    root = str(nginx.base_url).rstrip("/") + "/"
    done = subprocess.run(
        [LEARNINGCITY, "export", YONGSAN, "--format", "jsonld", "--published-context"],
        capture_output=True,
        check=True,
    )
    moved = done.stdout.replace(CONTEXT_IRI.encode(), context_iri(root).encode())
    readings = read(moved, tmp_path, allowed=root.removeprefix("http://").rstrip("/"))
    assert readings["fetched"] == [root + CONTEXT_PATH] and readings["refused"] == []
    assert_read_as(readings, list(rebase(load_paths(YONGSAN), DEFAULT_DATA_BASE, root + "id/")))


@pytest.mark.parametrize(
    ("jsonld", "nquads"),
    [("dump/data.jsonld", "dump/data.nq"), ("doc/city/kr-yongsan-gu.jsonld", None)],
    ids=["dump", "document"],
)
def test_the_sites_jsonld_reads_offline(
    nginx: httpx.Client, tmp_path: Path, jsonld: str, nquads: str | None
) -> None:
    body = nginx.get("/" + jsonld)
    assert body.status_code == 200
    expected_path = nquads or jsonld.replace(".jsonld", ".nq")
    expected = nginx.get("/" + expected_path)
    assert expected.status_code == 200
    readings = read(body.content, tmp_path)
    assert readings["refused"] == [] and readings["fetched"] == []
    assert_read_as(readings, list(ox.parse(expected.content, format=ox.RdfFormat.N_QUADS)))
