"""Worker answers of any size on the installed server's own event loop (uvloop and httptools):
200 requests from 1 row to `--max-rows` in every result and graph format, several serving
processes, answers over a megabyte (many socket chunks); zero 5xx, and every body parses to
the number of rows or triples asked for.

On c227e75 about a third of the multi-chunk answers came back 500 (`Connection.recv` on a pipe
uvloop had left non-blocking raised BlockingIOError).
"""

from __future__ import annotations

import concurrent.futures
import csv
import io
import json
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from processes import free_port, stop
from support import REPO, SERVED_RDF_TYPES

COMMAND = str(Path(sys.executable).with_name("learningcity"))
CITIES = 200
MAX_ROWS = 5_000
SIZES = (1, 37, 1_000, MAX_ROWS)
OFFSETS = 5  # distinct queries per size and format: every request reaches a worker
RESULT_FORMATS = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
CONCURRENCY = 6


@dataclass(frozen=True)
class Server:
    root: str
    process: subprocess.Popen[bytes]
    log: Path

    def url(self, path: str) -> str:
        return self.root + path


def start_server(folder: Path, data: list[str], *options: str) -> Server:
    """The installed `learningcity serve` on a free port, as a user starts it; up and healthy."""
    port = free_port()
    log = folder / f"server-{port}.log"
    with log.open("wb") as stream:
        process = subprocess.Popen(
            [COMMAND, "serve", *data, "--port", str(port), *options],
            stdout=stream,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}/", process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited: {log.read_text()}")
        try:
            if httpx.get(server.url("health"), timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    stop(process)
    raise AssertionError(f"the server did not start within 60 s: {log.read_text()}")


def network(folder: Path, cities: int) -> Path:
    """A generated network of `cities` cities (about 100 statements each)."""
    path = folder / f"network-{cities}.ttl"
    if not path.exists():
        subprocess.run(
            [
                sys.executable,
                str(REPO / "scripts" / "generate_network.py"),
                f"{cities}",
                "-o",
                path,
            ],
            check=True,
            timeout=60,
        )
    return path


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("answers")
    data = [str(network(folder, CITIES))]
    server = start_server(
        folder, data, "--processes", "2", "--workers", "2", "--max-rows", str(MAX_ROWS)
    )
    try:
        yield server
    finally:
        stop(server.process)


def _rows(body: bytes, name: str) -> int:
    """Rows of a SPARQL results document, parsed by its format's reader."""
    if name == "json":
        return len(json.loads(body)["results"]["bindings"])
    if name == "xml":
        namespace = "{http://www.w3.org/2005/sparql-results#}"
        return len(ET.fromstring(body).findall(f"{namespace}results/{namespace}result"))
    lines = body.decode().splitlines()
    if name == "csv":
        return len(list(csv.reader(io.StringIO(body.decode())))) - 1
    return len(lines) - 1


def _fetch(server: Server, query: str, accept: str) -> httpx.Response:
    return httpx.post(
        server.url("sparql"), data={"query": query}, headers={"Accept": accept}, timeout=60
    )


def _requests() -> list[tuple[str, str, int]]:
    """(query, Accept, rows expected): each size in each format, at several offsets."""
    wanted = []
    for size in SIZES:
        for offset in range(OFFSETS):
            select = f"SELECT * {{ ?s ?p ?o }} LIMIT {size} OFFSET {offset}"
            construct = f"CONSTRUCT WHERE {{ ?s ?p ?o }} LIMIT {size} OFFSET {offset}"
            wanted += [(select, accept, size) for accept in RESULT_FORMATS]
            wanted += [(construct, accept, size) for accept in SERVED_RDF_TYPES]
    return wanted


def test_answers_of_every_size_and_format_arrive_whole(served: Server) -> None:
    wanted = _requests()
    assert len(wanted) == 200

    def check(request: tuple[str, str, int]) -> tuple[int, int, int]:
        query, accept, size = request
        response = _fetch(served, query, accept)
        if response.status_code != 200:
            return response.status_code, 0, 0
        assert response.headers["content-type"].split(";")[0] == accept
        if accept in RESULT_FORMATS:
            count = _rows(response.content, RESULT_FORMATS[accept])
        else:
            count = len(list(ox.parse(response.content, format=SERVED_RDF_TYPES[accept])))
        assert count == size, (query, accept)
        return 200, count, len(response.content)

    with concurrent.futures.ThreadPoolExecutor(CONCURRENCY) as pool:
        outcomes = list(pool.map(check, wanted))
    statuses = [status for status, _, _ in outcomes]
    assert statuses.count(200) == len(wanted), {s: statuses.count(s) for s in set(statuses)}
    assert max(size for _, _, size in outcomes) > 1024 * 1024  # many socket chunks
    assert served.process.poll() is None


def test_the_row_cap_still_truncates_a_large_answer(served: Server) -> None:
    response = _fetch(served, "SELECT * { ?s ?p ?o }", "application/sparql-results+json")
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == MAX_ROWS
    assert response.headers["x-sparql-maxrows"] == str(MAX_ROWS)
