"""`serve --store DIR` answers the pages about the whole data (the home page's classes and
network, the index pages, a 404's suggestions) from what `learningcity load` recorded in the store
(`listing.json`), not by reading every statement at the first request: the installed command,
real stores, real sockets. The pages are those a server of the file makes; a listing changed
since the load is refused in one line, and one changed with its size and times kept is what the
pages show."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from learningcity.errors import ExitCode
from learningcity.rendering.network import INDEXES
from learningcity.rendering.pages import INDEX_LIMIT
from processes import free_port, serving
from support import REPO

LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))
#: More cities than the home page lists of a class, so that only the first by label are shown.
CITIES = INDEX_LIMIT + 12
HTML = {"Accept": "text/html"}
CITY_CLASS = "https://w3id.org/learningcity/ontology#LearningCity"
#: Where the store is built to be served, and the file served to compare (any port serves it).
BASE = "http://127.0.0.1:8099/id/"
#: The home page in both languages, a 404 far from any IRI, the index pages.
PAGES = ("", "?lang=ko", "id/city/nope", *(f"network/{name}" for name in INDEXES))


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("listing") / "network.ttl"
    generator = REPO / "scripts" / "generate_network.py"
    subprocess.run(
        [sys.executable, str(generator), str(CITIES), "--seed", "3", "-o", str(path)], check=True
    )
    return path


@pytest.fixture(scope="module")
def store(network: Path) -> Path:
    """The network in a store built to be served under `BASE`."""
    directory = network.with_name("store")
    built = subprocess.run(
        [LEARNINGCITY, "load", str(network), "--store", str(directory), "--public-base", BASE],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert built.returncode == ExitCode.OK, built.stderr
    return directory


def a_city(network: Path) -> str:
    """The path of a city of the network (`id/city/...`)."""
    with network.open(encoding="utf-8") as lines:
        for line in lines:
            if "/id/city/" in line:
                return "id/city/" + line.split("/id/city/", 1)[1].split(">", 1)[0]
    raise AssertionError("no city in the network")


def fetched(root: str, paths: tuple[str, ...]) -> list[tuple[int, str]]:
    return [
        (answer.status_code, answer.text)
        for answer in (httpx.get(root + path, headers=HTML, timeout=60) for path in paths)
    ]


def first_suggestion(page: str) -> str:
    """The IRI of a 404 page's first suggestion."""
    return page.split("Did you mean", 1)[1].split("<code>", 1)[1].split("</code>", 1)[0]


def test_the_store_serves_the_pages_its_file_does(network: Path, store: Path) -> None:
    city = a_city(network)
    paths = (*PAGES, city[:-1])  # a 404 one letter off the city's IRI
    with serving(str(network), "--public-base", BASE) as root:
        expected = fetched(root, paths)
    assert [status for status, _page in expected] == [200, 200, 404, *[200] * len(INDEXES), 404]
    assert first_suggestion(expected[-1][1]) == BASE + city[len("id/") :]
    home = expected[0][1]
    assert f"<small>({CITIES})</small>" in home and f"… {CITIES - INDEX_LIMIT} more" in home
    with serving("--store", str(store), log=store.with_name("serve.log")) as root:
        assert fetched(root, paths) == expected


def test_the_pages_show_the_listing_the_store_records(store: Path, tmp_path: Path) -> None:
    """A listing edited with its size and times kept (no program of ours does that) is what
    the pages show: they read it, not every statement."""
    copy = tmp_path / "store"
    subprocess.run(["cp", "-a", str(store), str(copy)], check=True)
    listing = copy / "listing.json"
    stat = listing.stat()
    record = json.loads(listing.read_text(encoding="utf-8"))
    (members,) = [first for iri, _count, first in record["classes"]["en"] if iri == CITY_CLASS]
    members[0], members[1] = members[1], members[0]
    text = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
    listing.write_text(text, encoding="utf-8")
    assert listing.stat().st_size == stat.st_size
    os.utime(listing, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    with serving("--store", str(copy)) as root:
        home = httpx.get(root + "?lang=en", headers=HTML).text
    first, second = (home.index(f'href="{iri.replace("/id/", "/doc/", 1)}"') for iri in members[:2])
    assert first < second


def test_a_listing_changed_since_the_load_is_refused(store: Path, tmp_path: Path) -> None:
    copy = tmp_path / "store"
    subprocess.run(["cp", "-a", str(store), str(copy)], check=True)
    with (copy / "listing.json").open("a", encoding="utf-8") as listing:
        listing.write(" ")
    done = subprocess.run(
        [LEARNINGCITY, "serve", "--store", str(copy), "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == ExitCode.BAD_INPUT
    assert done.stderr.strip().splitlines() == [
        f"learningcity: error: {copy}: the store is damaged (listing.json changed since "
        f"`learningcity load` wrote it); rebuild it with "
        f"`learningcity load DATA... --store {copy}`"
    ]
