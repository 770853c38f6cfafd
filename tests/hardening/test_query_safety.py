"""SERVICE and deep nesting through every door, with real processes: the installed
`learningcity query`, a running `learningcity serve` (/sparql) and `learningcity validate
--shapes`. A listener on 127.0.0.1 counts connections; it sees none unless the user opted in with
`--allow-service`, every refusal is one line (exit 2, HTTP 400), and nothing crashes.

Each SERVICE spelling here is one Oxigraph 0.5 (or rdflib, for shapes) reads as SERVICE, as
measured against the listener; on c227e75 the token check let all those from "SILENT glued" on
through, and the CLI and the server contacted the listener.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from hardening.test_network import Listener
from learningcity import validation
from learningcity.errors import ExitCode, InputError
from learningcity.load import load_paths
from learningcity.query import MAX_QUERY_NESTING
from processes import free_port, stop, wait_until_healthy

LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))
#: A triple for each pattern below to match, so that Oxigraph evaluates what follows it.
DATA = '<http://e/s> <http://e/p> "v", true, <http://e/a.b> .\n'

#: name -> a query ({url} is the listener) that Oxigraph runs as a SERVICE request.
SERVICE_QUERIES = {
    "plain": "SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "glued": "SELECT*{{SERVICE<{url}>{{?s ?p ?o}}}}",
    "mixed case": "select * {{ sErViCe <{url}> {{ ?s ?p ?o }} }}",
    "in FILTER EXISTS": "SELECT * {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ }} }} }}",
    "SILENT glued": "SELECT * {{ SERVICESILENT<{url}>{{ ?s ?p ?o }} }}",
    "a prefix named SERVICE": (
        "PREFIX SERVICE: <{url}> PREFIX : <{url}> SELECT * {{ SERVICE:x {{ ?s ?p ?o }} }}"
    ),
    "glued to a boolean": "SELECT * {{ ?s ?p trueSERVICE<{url}>{{ ?a ?b ?c }} }}",
    "after a dotted local name": (
        "PREFIX ex: <http://e/> SELECT * {{ ?s ?p ex:a.b.SERVICE<{url}>{{ ?a ?b ?c }} }}"
    ),
    "behind an escaped IRI's #": (
        "BASE <http://e/> SELECT * {{ OPTIONAL {{ ?s ?p <x\\u0041#> }} SERVICE <{url}> {{}} }}"
    ),
    "behind less-than and a comment": (
        "PREFIX : <{url}> SELECT * {{ FILTER(1<2)SERVICE:x#>\n{{ ?s ?p ?o }} }}"
    ),
    "behind less-than and a string": (
        "SELECT * {{ ?s ?p ?o FILTER(!(?o<'''>''' )) SERVICE <{url}> {{ }} #''' ))\n}}"
    ),
    "behind less-than before an IRI": (
        "PREFIX x: <http://e/> SELECT * {{ ?s ?p ?o FILTER(?o<<http://e/a>) ?s ?p (1 <x:y#a>) "
        "SERVICE <{url}> {{}} }}"
    ),
    "after a triple term glued to its IRIs": (
        'BASE <http://e/> PREFIX : <{url}> SELECT * {{ <<<http://e/s> <http://e/p> "v">> ?p ?o '
        "FILTER(1<2)SERVICE:x#>\n{{ ?s ?p ?o }} }}"
    ),
    "an IRI after DISTINCT": (
        "PREFIX http: <urn:> SELECT (COUNT(DISTINCT <http://e/x#f>(?o)) AS ?c) "
        "{{ ?s ?p ?o SERVICE <{url}> {{}} }}"
    ),
    "an IRI after greater-than": (
        "PREFIX http: <urn:> SELECT * {{ ?s ?p ?o FILTER(?o > <http://e/x#y>) "
        "SERVICE <{url}> {{}} }}"
    ),
    "an IRI after a subquery's GROUP BY variable": (
        "PREFIX http: <urn:> SELECT * {{ {{ SELECT ?s {{ ?s ?p ?o }} GROUP BY ?s "
        "<http://e/x#f>(?s) }} SERVICE <{url}> {{}} }}"
    ),
}
#: name -> a query ({url} is the listener) that an engine decoding `\\u` escapes before parsing,
#: as SPARQL 1.1 section 19.2 has it, reads as SERVICE (or LOAD); Oxigraph reads none so, and
#: on 9953fa5 the check let the last two through to it (and `--endpoint` sent all of them on).
ESCAPED_QUERIES = {
    "an escaped keyword": "SELECT * {{ SERV\\u0049CE <{url}> {{ ?s ?p ?o }} }}",
    "a long escape": "SELECT * {{ \\U00000053ERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SERVICE SILENT": "SELECT * {{ SERV\\u0049CE SILENT <{url}> {{ }} }}",
    "in a prefixed name": "PREFIX e: <{url}> SELECT * {{ SERV\\u0049CE e\\u003Ax {{ }} }}",
    "an escaped update": "LO\\u0041D <{url}>",
    "a string an escaped quote ends": (
        'SELECT * {{ ?s ?p "v\\u0022 . SERVICE <{url}> {{ }} }} #" }}'
    ),
    "a comment an escaped line end ends": "SELECT * {{ ?s ?p ?o #\\u000A SERVICE <{url}> {{ }}\n}}",
}
#: Queries nested past any limit; Oxigraph overflows its stack (SIGSEGV) on each on c227e75.
DEEP_QUERIES = {
    "5,000 groups": "SELECT * " + "{" * 5_000 + " ?s ?p ?o " + "}" * 5_000,
    "50,000 groups": "SELECT * " + "{" * 50_000 + " ?s ?p ?o " + "}" * 50_000,
    "25,000 parentheses": "SELECT * { BIND(" + "(" * 25_000 + "1" + ")" * 25_000 + " AS ?x) }",
    "1,500 FILTER EXISTS": (
        "SELECT * { " + "FILTER EXISTS { " * 1_500 + "?s ?p ?o" + " }" * 1_500 + " }"
    ),
    "8,000 UNIONs": "SELECT * { " + "UNION".join(["{}"] * 8_000) + " }",
    "10,000 additions": "SELECT * { BIND(" + "+".join(["1"] * 10_000) + " AS ?x) }",
}


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.socket.close()


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("query-safety") / "data.ttl"
    path.write_text(DATA)
    return path


def learningcity(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LEARNINGCITY, *args], capture_output=True, text=True, timeout=120, check=False
    )


def assert_refused_in_one_line(done: subprocess.CompletedProcess[str], words: str) -> None:
    assert done.returncode == ExitCode.BAD_INPUT, (done.returncode, done.stderr[-500:])
    assert done.stderr.count("\n") == 1 and words in done.stderr, done.stderr[-500:]
    assert done.stdout == ""


# --- learningcity query --------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(SERVICE_QUERIES))
def test_the_cli_refuses_every_service_without_a_request(name, listener, data) -> None:
    done = learningcity("query", SERVICE_QUERIES[name].format(url=listener.url), str(data))
    assert_refused_in_one_line(done, "query:1:" if "\n" not in SERVICE_QUERIES[name] else ":")
    assert listener.connections == 0


#: The words of the one line refusing an escape the engines read differently.
ESCAPE_REFUSED = "is decoded before parsing by SPARQL 1.1 (section 19.2) but not by Oxigraph"


@pytest.mark.parametrize("name", list(ESCAPED_QUERIES))
def test_the_cli_refuses_every_escape_that_would_hide_service(name, listener, data) -> None:
    """Local data, and an endpoint (the listener), which might decode escapes first: one line
    naming the escape, nothing sent. 9953fa5 answered "expected OPTIONAL" for local data and
    sent every one of these to the endpoint."""
    query = ESCAPED_QUERIES[name].format(url=listener.url)
    for where in ([str(data)], ["--endpoint", listener.url]):
        done = learningcity("query", query, *where)
        assert_refused_in_one_line(done, ESCAPE_REFUSED)
    done = learningcity("query", query, str(data), "--allow-service")
    assert_refused_in_one_line(done, ESCAPE_REFUSED)
    assert listener.connections == 0


@pytest.mark.parametrize(
    "name", ["plain", "SILENT glued", "a prefix named SERVICE", "glued to a boolean"]
)
def test_the_cli_sends_service_once_the_user_allows_it(name, listener, data) -> None:
    query = SERVICE_QUERIES[name].format(url=listener.url)
    done = learningcity("query", query, str(data), "--allow-service", "--format", "json")
    assert done.returncode == ExitCode.OK, done.stderr
    assert listener.connections >= 1


@pytest.mark.parametrize("name", list(DEEP_QUERIES))
def test_the_cli_refuses_deep_nesting_in_one_line(name, data, tmp_path: Path) -> None:
    """c227e75: SIGSEGV (exit -11) for every case; now exit 2 before Oxigraph parses."""
    query = tmp_path / "deep.rq"
    query.write_text(DEEP_QUERIES[name])
    done = learningcity("query", "-f", str(query), str(data))
    assert_refused_in_one_line(done, f"nested more than {MAX_QUERY_NESTING} levels deep")


def test_the_check_evaluates_nothing() -> None:
    """A data-independent ASK that Oxigraph would take minutes over (a billion rows) costs the
    check a token pass; c227e75 evaluated it over an empty store, outside any timeout. Bounded
    in CPU seconds, which a busy machine does not stretch as it does wall time: evaluating the
    query would overrun the limit, and the kernel would stop the process (SIGXCPU)."""
    values = " ".join(str(i) for i in range(1000))
    heavy = f"ASK {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} VALUES ?c {{ {values} }} "
    heavy += "FILTER(?a + ?b + ?c < 0) }"
    check = (
        "import resource, sys; resource.setrlimit(resource.RLIMIT_CPU, (20, 20)); "
        "from learningcity.query import inspect_query; print(inspect_query(sys.stdin.read()))"
    )
    run = subprocess.run(
        [sys.executable, "-c", check], input=heavy, capture_output=True, text=True, check=False
    )
    assert (run.returncode, run.stdout.strip()) == (0, "ASK"), run.stderr


# --- learningcity serve: /sparql -----------------------------------------------------------------


@dataclass(frozen=True)
class Served:
    root: str
    process: subprocess.Popen[bytes]


@pytest.fixture(scope="module")
def served(data: Path) -> Iterator[Served]:
    port = free_port()
    log = (data.parent / "server.log").open("wb")
    process = subprocess.Popen(
        [LEARNINGCITY, "serve", str(data), "--port", str(port), "--timeout", "5"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    root = f"http://127.0.0.1:{port}/"
    try:
        wait_until_healthy(root, process)
        yield Served(root, process)
    finally:
        stop(process)
        log.close()


def sparql(served: Served, query: str, method: str = "POST") -> httpx.Response:
    """The answer to `query`, asked as SPARQL clients ask (errors come back as one text line):
    GET, POST of a form, or POST of the query itself ("direct", the most compact)."""
    headers = {"Accept": "application/sparql-results+json"}
    if method == "direct":
        headers["Content-Type"] = "application/sparql-query"
        return httpx.post(served.root + "sparql", content=query, headers=headers, timeout=30)
    if method == "GET":
        return httpx.get(
            served.root + "sparql", params={"query": query}, headers=headers, timeout=30
        )
    return httpx.post(served.root + "sparql", data={"query": query}, headers=headers, timeout=30)


def assert_alive(served: Served) -> None:
    assert served.process.poll() is None, "the server died"
    answer = sparql(served, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    assert answer.status_code == 200 and '"3"' in answer.text, answer.text


@pytest.mark.parametrize("name", list(SERVICE_QUERIES))
def test_sparql_refuses_every_service_without_a_request(name, listener, served) -> None:
    for method in ("GET", "POST"):
        answer = sparql(served, SERVICE_QUERIES[name].format(url=listener.url), method)
        assert answer.status_code == 400, (method, answer.status_code, answer.text)
        assert answer.text.count("\n") <= 1
    assert listener.connections == 0
    assert_alive(served)


@pytest.mark.parametrize("name", list(ESCAPED_QUERIES))
def test_sparql_refuses_every_escape_that_would_hide_service(name, listener, served) -> None:
    """The same refusal by every way of asking, the unchecked way to Oxigraph included, and
    on a kept-alive connection after a query answered whole (lent to a worker, section 1)."""
    query = ESCAPED_QUERIES[name].format(url=listener.url)
    for method in ("GET", "POST", "direct"):
        answer = sparql(served, query, method)
        assert answer.status_code == 400, (method, answer.status_code, answer.text)
        assert answer.text.count("\n") <= 1 and ESCAPE_REFUSED in answer.text, answer.text
    with httpx.Client(base_url=served.root, timeout=30) as client:
        headers = {"Accept": "application/sparql-results+json"}
        for text in ("ASK { ?s ?p ?o }", query, "ASK { ?s ?p ?o }", query):
            answer = client.get("sparql", params={"query": text}, headers=headers)
            assert answer.status_code == (200 if text.startswith("ASK") else 400), answer.text
    assert listener.connections == 0
    assert_alive(served)


@pytest.mark.parametrize("name", [name for name in DEEP_QUERIES if name != "50,000 groups"])
def test_sparql_refuses_deep_nesting_and_stays_up(name, served) -> None:
    """c227e75: the serving process died of SIGSEGV on the first of these."""
    answer = sparql(served, DEEP_QUERIES[name], "direct")
    assert answer.status_code == 400, (answer.status_code, answer.text[:300])
    assert f"nested more than {MAX_QUERY_NESTING} levels deep" in answer.text
    assert_alive(served)


def test_sparql_refuses_50_000_groups_by_size(served) -> None:
    """100 KB is over the 64 KiB request limit: 413 before anything reads the query."""
    answer = sparql(served, DEEP_QUERIES["50,000 groups"], "direct")
    assert answer.status_code == 413
    assert_alive(served)


# --- learningcity validate --shapes --------------------------------------------------------------

SHAPES = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://e/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:Shape a sh:NodeShape ; sh:targetNode <http://e/s> ;
    sh:property [ sh:path {path} ; sh:sparql [ sh:select {select} ; sh:prefixes ex:prefixes ] ] .
ex:prefixes sh:declare [ sh:prefix "ex" ; sh:namespace {namespace} ] .
"""
NAMESPACE = '"http://e/"^^xsd:anyURI'


def shapes_file(folder: Path, select: str, path: str = "ex:p", namespace: str = NAMESPACE) -> Path:
    literal = '"' + select.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    shapes = folder / "hostile.shapes.ttl"
    shapes.write_text(SHAPES.format(select=literal, path=path, namespace=namespace))
    return shapes


#: name -> (sh:select, sh:path, sh:namespace, what the one line says); {url} is the listener.
HOSTILE_SHAPES = {
    # pyshacl's regular expression misses it; rdflib decodes it, then asks once per focus node
    "an escaped SERVICE": (
        "SELECT $this WHERE { $this ex:p ?o . S\\u0045RVICE <{url}> { ?a ?b ?c } }",
        "ex:p",
        NAMESPACE,
        "shape <http://e/Shape>: sh:select: SERVICE would make a network request",
    ),
    "SERVICE on a variable": (
        "SELECT $this WHERE { BIND(<{url}> AS ?u) SERVICE?u { ?a ?b ?c } }",
        "ex:p",
        NAMESPACE,
        "shape <http://e/Shape>: sh:select: SERVICE would make a network request",
    ),
    "FROM": (
        "SELECT $this FROM <{url}> WHERE { $this ex:p ?o }",
        "ex:p",
        NAMESPACE,
        "FROM would make rdflib load a graph from the web",
    ),
    # the query is in the prefix declaration, which pyshacl pastes before the text
    "a namespace that writes a query": (
        "# nothing",
        "ex:p",
        '"http://e/> SELECT $this WHERE { SERVICE <{url}> { ?a ?b ?c } } #"',
        "sh:namespace",
    ),
    # $PATH becomes ex:p#c: the comment then hides the string that hid the SERVICE
    "SERVICE that $PATH uncovers": (
        'SELECT $this WHERE { { $this $PATH """\n?o . } S\\u0045RVICE <{url}> { } } #""" } }',
        "<http://e/p#c>",
        NAMESPACE,
        "SHACL-SPARQL: SERVICE would make a network request",
    ),
    "5,000 groups": (
        "SELECT $this WHERE " + "{" * 5_000 + " $this ex:p ?o " + "}" * 5_000,
        "ex:p",
        NAMESPACE,
        f"nested more than {validation.MAX_SHACL_SPARQL_BRACKETS} brackets deep",
    ),
    "3,000 escaped braces": (
        "SELECT $this WHERE { " + "\\u007B" * 3_000 + " $this ex:p ?o " + "\\u007D" * 3_000 + "}",
        "ex:p",
        NAMESPACE,
        f"nested more than {validation.MAX_SHACL_SPARQL_BRACKETS} brackets deep",
    ),
    "30 parentheses": (
        "SELECT $this WHERE { $this ex:p ?o FILTER(" + "(" * 30 + "true" + ")" * 30 + ") }",
        "ex:p",
        NAMESPACE,
        f"nested more than {validation.MAX_SHACL_SPARQL_BRACKETS} brackets deep",
    ),
}


@pytest.mark.parametrize("name", list(HOSTILE_SHAPES))
def test_validate_refuses_hostile_shapes_without_a_request(name, listener, data, tmp_path) -> None:
    """c227e75: a request per focus node for the escaped SERVICE, the injected namespace and the
    uncovered SERVICE (then a traceback), a RecursionError traceback for the deep ones."""
    select, path, namespace, words = HOSTILE_SHAPES[name]
    shapes = shapes_file(
        tmp_path,
        select.replace("{url}", listener.url),
        path,
        namespace.replace("{url}", listener.url),
    )
    done = learningcity("validate", str(data), "--shapes", str(shapes))
    assert_refused_in_one_line(done, words)
    assert str(shapes) in done.stderr
    assert listener.connections == 0


def test_no_request_leaves_validation_even_past_every_check(
    listener, data, tmp_path, monkeypatch
) -> None:
    """The belt: with the SHACL-SPARQL checks switched off, the audit hook still refuses the
    escaped SERVICE's request (real pyshacl and rdflib), in one line, with no connection."""
    monkeypatch.setattr(validation.engine, "check_shacl_sparql", lambda *_: None)
    monkeypatch.setattr(validation.sparql, "_network_use", lambda _: None)
    select = HOSTILE_SHAPES["an escaped SERVICE"][0].replace("{url}", listener.url)
    shapes = shapes_file(tmp_path, select)
    with pytest.raises(InputError, match="validation never uses the network; refused to reach"):
        validation.validate(list(load_paths(data)), shapes, workers=1)
    assert listener.connections == 0
