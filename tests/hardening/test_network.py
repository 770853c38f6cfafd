"""No network by surprise: a listener on 127.0.0.1 sees nothing unless the user opted in."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance.w3c import run_main
from learningcity.errors import ExitCode

EMPTY_RESULTS = b'{"head":{"vars":[]},"results":{"bindings":[]}}'


class Listener:
    """Counts connections; answers each with an empty SPARQL JSON result."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}/"
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.connections += 1
            with connection:
                connection.recv(65536)
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                    + f"Content-Length: {len(EMPTY_RESULTS)}\r\n\r\n".encode()
                    + EMPTY_RESULTS
                )


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.socket.close()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "data.ttl"
    path.write_text('<http://e/s> <http://e/p> "v" .\n')
    return path


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "select * {{ service silent <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * {{ BIND(<{url}> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
        "ASK {{ ?s ?p ?o . {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    ],
)
def test_service_is_refused_without_a_request(template, listener, data) -> None:
    run = run_main("query", template.format(url=listener.url), str(data))
    assert run.code == ExitCode.BAD_INPUT and "--allow-service" in run.stderr
    assert listener.connections == 0


def test_service_is_sent_once_the_user_allows_it(listener, data) -> None:
    query = f"SELECT * {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    run = run_main("query", query, str(data), "--allow-service", "--format", "json")
    assert run.code == ExitCode.OK, run.stderr
    assert listener.connections >= 1


def test_data_given_as_a_url_is_not_fetched(listener) -> None:
    run = run_main("export", listener.url + "data.ttl")
    assert run.code == ExitCode.BAD_INPUT and "URLs are not fetched" in run.stderr
    assert listener.connections == 0


def test_remote_and_local_file_contexts_are_not_loaded(listener, tmp_path: Path) -> None:
    local = tmp_path / "context.jsonld"
    local.write_text('{"@context": {"p": "http://e/p"}}')
    for context in (listener.url + "context.jsonld", local.as_uri(), "context.jsonld"):
        document = tmp_path / "data.jsonld"
        document.write_text(f'{{"@context": "{context}", "@id": "http://e/s", "p": "v"}}')
        run = run_main("export", str(document), "--format", "nt")
        assert run.code == ExitCode.BAD_INPUT, context
        assert "http://e/p" not in run.stdout
    assert listener.connections == 0


def test_xml_external_entities_are_not_resolved(listener, tmp_path: Path) -> None:
    document = tmp_path / "xxe.rdf"
    document.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY ext SYSTEM "{listener.url}x">]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/">'
        '<rdf:Description rdf:about="http://e/s"><e:p>&ext;</e:p></rdf:Description></rdf:RDF>\n'
    )
    run = run_main("export", str(document), "--format", "nt")
    assert run.code in (ExitCode.OK, ExitCode.BAD_INPUT)
    assert listener.connections == 0


def test_owl_imports_in_shapes_and_ontology_are_not_followed(listener, data, tmp_path) -> None:
    imports = (
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        f"<http://e/graph> a owl:Ontology ; owl:imports <{listener.url}imported.ttl> .\n"
    )
    shapes, ontology = tmp_path / "shapes.ttl", tmp_path / "ontology.ttl"
    shapes.write_text(imports)
    ontology.write_text(imports)
    run = run_main("validate", str(data), "--shapes", str(shapes), "--ontology", str(ontology))
    assert run.code == ExitCode.OK, run.stderr
    assert listener.connections == 0
