"""`learningcity query`: formats, exit codes, named queries, a real Oxigraph endpoint, and proof
that SERVICE makes no connection unless allowed."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from learningcity.cli import cli
from learningcity.errors import ExitCode, InputError
from learningcity.load import load_paths
from learningcity.query import (
    Param,
    check_query,
    lex,
    list_named_queries,
    parse_param,
    run_query,
    store_for,
)
from learningcity.query import lexer as query_lexer
from learningcity.remote import query_remote
from processes import OXIGRAPH, oxigraph_serving
from support import FIXTURES

LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))
CITY = str(FIXTURES / "query" / "city.ttl")
NAMES = "SELECT ?thing ?name { ?thing schema:name ?name } ORDER BY ?thing ?name"


def invoke(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["query", *args], input=input)


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LEARNINGCITY, "query", *args], capture_output=True, text=True, timeout=timeout
    )


# --- local data ---------------------------------------------------------------------------------


def test_select_defaults_to_json_when_not_on_a_terminal() -> None:
    result = invoke(NAMES, CITY)
    assert result.exit_code == ExitCode.OK
    parsed = json.loads(result.output)
    assert parsed["head"]["vars"] == ["thing", "name"]
    assert {"type": "literal", "value": "용산구", "xml:lang": "ko"} in [
        b["name"] for b in parsed["results"]["bindings"]
    ]


def test_select_as_a_table() -> None:
    result = invoke(NAMES, CITY, "--format", "table")
    assert result.output.splitlines()[0].split() == ["thing", "|", "name"]
    assert "city:kr-yongsan-gu    | 용산구@ko" in result.output
    assert result.output.endswith("5 rows\n")


def test_query_from_a_file_then_data(tmp_path: Path) -> None:
    query_file = tmp_path / "names.rq"
    query_file.write_text(NAMES, encoding="utf-8")
    result = invoke("-f", str(query_file), CITY, "--format", "csv")
    assert result.output.splitlines()[0] == "thing,name"


def test_query_from_stdin() -> None:
    result = invoke("-f", "-", CITY, "--format", "tsv", input=NAMES)
    assert result.output.splitlines()[0] == "?thing\t?name"


def test_output_file_format_from_its_extension(tmp_path: Path) -> None:
    target = tmp_path / "names.csv"
    assert invoke(NAMES, CITY, "-o", str(target)).exit_code == ExitCode.OK
    assert target.read_bytes().startswith(b"thing,name\r\n")


def test_construct_defaults_to_turtle() -> None:
    result = invoke("CONSTRUCT WHERE { city:zz-example ?p ?o }", CITY)
    assert result.output.startswith("@prefix city: <https://w3id.org/learningcity/id/city/> .")
    assert 'schema:name "Example"@en' in result.output


@pytest.mark.parametrize(
    ("text", "code"), [("ASK { ?s schema:leader ?o }", 0), ("ASK { ?s schema:x ?o }", 1)]
)
def test_ask_sets_the_exit_code(text: str, code: int) -> None:
    result = invoke(text, CITY, "--format", "table")
    assert result.exit_code == code
    assert result.output == ("true\n" if code == 0 else "false\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["DELETE WHERE { ?s ?p ?o }", CITY],
            "query:1:1: DELETE is SPARQL Update; this is read-only",
        ),
        (["SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", CITY], "SERVICE would make"),
        (["SELECT * { ?s ?p }", CITY], "query:1:19: expected"),
        ([NAMES, "--format", "turtle", CITY], "--format turtle: a SELECT result"),
        ([CITY], "not a SPARQL query"),
        ([], "give a QUERY, -f FILE or --name NAME"),
        (["--name", "nope"], "--name nope: no such named query"),
        (["-f", "missing.rq", CITY], "missing.rq: no such file"),
        ([NAMES, "--param", "x=1"], "--param is for named queries"),
        ([NAMES, "missing.ttl"], "missing.ttl: no such file"),
        ([NAMES, CITY, "--endpoint", "http://127.0.0.1:9/"], "give DATA or --endpoint, not both"),
    ],
)
def test_mistakes_are_one_line_errors(args: list[str], message: str) -> None:
    result = invoke(*args)
    assert isinstance(result.exception, InputError), result.output
    assert message in str(result.exception)


def test_exit_codes_in_a_real_process() -> None:
    assert run("ASK { ?s schema:leader ?o }", CITY).returncode == ExitCode.OK
    assert run("ASK { ?s schema:nothing ?o }", CITY).returncode == ExitCode.FAILED
    refused = run("DROP ALL", CITY)
    assert refused.returncode == ExitCode.BAD_INPUT
    assert refused.stderr == (
        "learningcity: error: query:1:1: DROP is SPARQL Update; "
        "this is read-only; updates are refused\n"
    )
    assert refused.stdout == ""
    selected = run(NAMES, CITY)
    assert selected.returncode == ExitCode.OK
    assert json.loads(selected.stdout)["head"]["vars"] == ["thing", "name"]


def test_help_has_examples() -> None:
    result = invoke("--help")
    assert "Examples:" in result.output
    assert "--allow-service" in result.output


# --- named queries ------------------------------------------------------------------------------


def test_list_shows_every_bundled_query() -> None:
    result = invoke("--list")
    assert result.exit_code == ExitCode.OK
    for query in list_named_queries():
        assert query.name in result.output and query.title in result.output
    listed = json.loads(invoke("--list", "--format", "json").output)
    assert [entry["name"] for entry in listed] == [q.name for q in list_named_queries()]


def test_a_wrong_param_names_it() -> None:
    query = next(q for q in list_named_queries() if any(p.type == "year" for p in q.params))
    param = next(p for p in query.params if p.type == "year")
    result = invoke("--name", query.name, "--param", f"{param.name}=last-year")
    assert str(result.exception).startswith(f"--param {param.name}=last-year: not a valid year")
    result = invoke("--name", query.name, "--param", "nonsense")
    assert str(result.exception) == "--param nonsense: write it as KEY=VALUE"


# --- SERVICE makes no connection unless allowed --------------------------------------------------


class Listener:
    """A TCP listener on 127.0.0.1 that counts connections and closes each at once."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.socket.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def test_service_makes_no_connection_without_allow_service(listener: Listener) -> None:
    text = f"SELECT * {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
    refused = run(text, CITY, timeout=30)
    assert refused.returncode == ExitCode.BAD_INPUT
    assert "SERVICE would make a network request; pass --allow-service" in refused.stderr
    refused_remote = run(text, "--endpoint", f"http://127.0.0.1:{listener.port}/query")
    assert refused_remote.returncode == ExitCode.BAD_INPUT
    time.sleep(0.3)
    assert listener.connections == 0


def test_allow_service_does_connect(listener: Listener) -> None:
    text = f"SELECT * {{ SERVICE SILENT <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
    allowed = run(text, CITY, "--allow-service", "--format", "csv", timeout=30)
    assert allowed.returncode == ExitCode.OK, allowed.stderr
    assert listener.connections >= 1


# --- a real SPARQL endpoint ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`oxigraph serve-read-only` on 127.0.0.1 holding the fixture data; always stopped."""
    location = tmp_path_factory.mktemp("oxigraph")
    subprocess.run(
        [OXIGRAPH, "load", "--location", str(location), "--file", CITY],
        check=True,
        capture_output=True,
        timeout=60,
    )
    with oxigraph_serving(location, read_only=True) as root:
        yield f"{root}/query"


@pytest.mark.parametrize("output_format", ["json", "csv", "table", "xml"])
def test_an_endpoint_answers_like_local_data(endpoint: str, output_format: str) -> None:
    local = invoke(NAMES, CITY, "--format", output_format)
    remote = invoke(NAMES, "--endpoint", endpoint, "--format", output_format)
    assert remote.exit_code == ExitCode.OK, remote.output
    assert remote.output == local.output


def test_construct_on_an_endpoint(endpoint: str) -> None:
    text = "CONSTRUCT WHERE { city:kr-yongsan-gu ?p ?o }"
    remote = invoke(text, "--endpoint", endpoint, "--format", "turtle")
    assert remote.output == invoke(text, CITY, "--format", "turtle").output


def test_ask_on_an_endpoint_sets_the_exit_code(endpoint: str) -> None:
    assert run("ASK { ?s schema:leader ?o }", "--endpoint", endpoint).returncode == 0
    assert run("ASK { ?s schema:nothing ?o }", "--endpoint", endpoint).returncode == 1


def test_named_query_parameters_on_an_endpoint(endpoint: str) -> None:
    hostile = 'x" } UNION { ?thing ?p ?name } #@en'
    query = (FIXTURES / "query" / "queries" / "with-name.rq").read_text(encoding="utf-8")
    for value, rows in (("용산구@ko", 1), (hostile, 0)):
        bindings = {"name": parse_param(Param("name", "lang-string"), value)}
        remote = query_remote(endpoint, check_query(query), substitutions=bindings).write("json")
        local = run_query(store_for(load_paths(CITY)), query, substitutions=bindings).write("json")
        assert remote == local
        assert len(json.loads(remote)["results"]["bindings"]) == rows


def test_a_query_is_lexed_once_locally_and_for_an_endpoint(
    endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    passes: list[str] = []

    def counted(text: str) -> Iterator[tuple[re.Match[str], str | None]]:
        passes.append(text)
        return lex(text)

    monkeypatch.setattr(query_lexer, "lex", counted)
    # a named query with a parameter: checked, substituted (for the endpoint), prefixed, run
    for where in ([CITY], ["--endpoint", endpoint]):
        passes.clear()
        result = invoke("--name", "mayor", "--param", "lang=ko", *where, "--format", "csv")
        assert result.exit_code == ExitCode.OK, result.output
        assert result.output.startswith("city,mayor,name,since,source,lang")
        assert len(passes) == 1, where


def test_endpoint_errors_name_the_request_and_status(endpoint: str) -> None:
    bad = invoke("SELECT * { ?s ?p }", "--endpoint", endpoint)
    assert str(bad.exception).startswith(f"POST {endpoint}: HTTP 400 Bad Request")
    wrong_path = endpoint.replace("/query", "/nope")
    missing = invoke(NAMES, "--endpoint", wrong_path)
    assert str(missing.exception).startswith(f"POST {wrong_path}: HTTP 404")
    process = run(NAMES, "--endpoint", wrong_path)
    assert process.returncode == ExitCode.BAD_INPUT
    assert process.stderr.count("\n") == 1


def test_results_parse_back_from_an_endpoint(endpoint: str) -> None:
    remote = invoke(NAMES, "--endpoint", endpoint, "--format", "xml").output.encode("utf-8")
    solutions = list(ox.parse_query_results(remote, format=ox.QueryResultsFormat.XML))
    assert len(solutions) == 5
