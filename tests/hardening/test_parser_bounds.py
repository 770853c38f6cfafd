"""Parser bombs, through the installed command under a memory cap: each is refused in one line
(exit 2, no traceback, the source unchanged) within seconds and a few hundred megabytes.

The cap (`RLIMIT_AS`) makes a regression fail fast instead of exhausting the machine: without the
defences, the entity bombs abort in Oxigraph's allocator and the oversized tokens end in a
MemoryError traceback.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.dom import minidom

import pyoxigraph as ox
import pytest

from learningcity.errors import ExitCode
from learningcity.jsonld import CONTEXT_IRI
from learningcity.limits import MAX_NESTING
from processes import listening, serve_in_thread

LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))
ADDRESS_SPACE = 1536 * 2**20  # what one refused run may map (a small run maps about 300 MB)
PEAK_MEMORY = 256 * 2**20  # the resident memory a refusal may reach (measured: 33-138 MiB)
SECONDS = 15  # a refusal takes under 2 s on one shared core
MIB = 2**20
RDF = 'xmlns:r="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/"'


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_bytes: int


#: Runs a command under an address-space cap and writes its exit code and peak resident memory.
#: A small process of its own forks it: the peak of a child forked from this (large) test process
#: would start at this process's size.
LAUNCHER = """
import os, resource, sys
cap, report, *command = sys.argv[1:]
pid = os.fork()
if pid == 0:
    resource.setrlimit(resource.RLIMIT_AS, (int(cap), int(cap)))
    os.execv(command[0], command)
_, status, usage = os.wait4(pid, 0)
with open(report, "w") as written:
    written.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss * 1024}")
"""


def run_capped(*arguments: str, cwd: Path) -> Run:
    """The installed command under `ADDRESS_SPACE`, killed after `SECONDS`; its peak memory."""
    out, err, report = cwd / "run.stdout", cwd / "run.stderr", cwd / "run.report"
    launcher = [sys.executable, "-c", LAUNCHER, str(ADDRESS_SPACE), str(report), LEARNINGCITY]
    started = time.monotonic()
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [*launcher, *arguments], stdout=stdout, stderr=stderr, cwd=cwd, start_new_session=True
        )
        try:
            process.wait(timeout=SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    seconds = time.monotonic() - started
    code, peak = map(int, report.read_text().split()) if report.exists() else (-9, 0)
    report.unlink(missing_ok=True)
    written = out.read_text(errors="replace"), err.read_text(errors="replace")
    return Run(code, *written, seconds, peak)


def assert_refused(run: Run, text: str) -> None:
    assert run.code == ExitCode.BAD_INPUT, (run.code, run.stderr[-2000:])
    assert "Traceback" not in run.stderr and run.stderr.count("\n") == 1, run.stderr[-2000:]
    assert run.stderr.startswith("learningcity: error: ") and text in run.stderr, run.stderr
    assert run.seconds < SECONDS and run.peak_bytes < PEAK_MEMORY, (run.seconds, run.peak_bytes)


def laughs(levels: int = 9, head: str = "", keyword: str = "ENTITY", mark: str = "") -> str:
    """The billion laughs: each entity ten of the previous one, 10**levels from about 1 KB."""
    entities = f'<!{keyword} {mark}a0 "lollollollol">' + "".join(
        f'<!{keyword} {mark}a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, levels)
    )
    return (
        f"{head}<!DOCTYPE r:RDF [{entities}]>\n<r:RDF {RDF}>"
        f'<r:Description r:about="http://e/s"><e:p>&a{levels - 1};</e:p></r:Description></r:RDF>'
    )


ENTITY_BOMBS: dict[str, bytes] = {
    "internal subset": laughs().encode(),
    "parameter entities": laughs(mark="% ").encode(),
    "after comments and instructions": laughs(
        head='<?xml version="1.0"?>\n<!-- c -->\n<?p?>\n'
    ).encode(),
    "in an attribute": laughs()
    .replace('r:about="http://e/s"><e:p>&a8;</e:p>', 'r:about="http://e/&a8;"><e:p>v</e:p>')
    .encode(),
    "DOCTYPE after the root element": (
        f"<r:RDF {RDF}>" + laughs().split("\n")[0] + '<r:Description r:about="http://e/s">'
        "<e:p>&a8;</e:p></r:Description></r:RDF>"
    ).encode(),
    "UTF-16 with a byte-order mark": laughs().encode("utf-16"),
    "UTF-8 with a byte-order mark": b"\xef\xbb\xbf" + laughs().encode(),
}


@pytest.mark.parametrize("command", ["export", "validate"])
@pytest.mark.parametrize("case", list(ENTITY_BOMBS))
def test_xml_entity_declarations_are_refused_before_parsing(
    case: str, command: str, tmp_path: Path
) -> None:
    bomb = tmp_path / "bomb.rdf"
    bomb.write_bytes(ENTITY_BOMBS[case])
    run = run_capped(command, str(bomb), cwd=tmp_path)
    assert_refused(run, "bomb.rdf:")
    assert "<!ENTITY" in run.stderr and run.stdout == ""
    assert bomb.read_bytes() == ENTITY_BOMBS[case]


def test_the_entity_refusal_names_the_declaration(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.rdf"
    bomb.write_bytes(ENTITY_BOMBS["after comments and instructions"])
    run = run_capped("export", str(bomb), cwd=tmp_path)
    assert_refused(run, "bomb.rdf:4:18: XML entity declarations (<!ENTITY) are refused")


def test_xml_without_entity_declarations_still_reads(tmp_path: Path) -> None:
    """A DOCTYPE without declarations and the predefined entities are harmless and kept."""
    data = tmp_path / "plain.rdf"
    data.write_text(
        f"<!DOCTYPE r:RDF>\n<r:RDF {RDF}>"
        '<r:Description r:about="http://e/s?a=1&amp;b=2"><e:p>&lt;&#x41;&gt;</e:p>'
        "</r:Description></r:RDF>"
    )
    run = run_capped("export", str(data), "--format", "nt", cwd=tmp_path)
    assert run.code == ExitCode.OK, run.stderr
    assert run.stdout == '<http://e/s?a=1&b=2> <http://e/p> "<A>" .\n'


def _xml_literal(namespaces: int, length: int, elements: int) -> str:
    """An XML literal of `elements` empty elements under `namespaces` declarations of about
    `length` bytes each: Oxigraph copies every declaration onto every element."""
    declarations = "".join(f' xmlns:n{i}="http://e/{"x" * length}{i}/"' for i in range(namespaces))
    return (
        f"<r:RDF {RDF}{declarations}>\n"
        '<r:Description r:about="http://e/s"><e:p r:parseType="Literal">'
        f"{'<a/>' * elements}</e:p></r:Description></r:RDF>"
    )


@pytest.mark.parametrize("command", ["export", "validate"])
def test_xml_literal_copies_of_namespaces_are_bounded(command: str, tmp_path: Path) -> None:
    """180 KB became a 2 GB literal (Oxigraph aborted under the cap); now refused in one line."""
    bomb = tmp_path / "copies.rdf"
    bomb.write_text(_xml_literal(100, 1000, 20_000))
    run = run_capped(command, str(bomb), cwd=tmp_path)
    assert_refused(run, "copies.rdf:2:")
    assert 'rdf:parseType="Literal"' in run.stderr and "64 MiB" in run.stderr


def test_an_ordinary_xml_literal_still_reads(tmp_path: Path) -> None:
    data = tmp_path / "literal.rdf"
    data.write_text(_xml_literal(3, 20, 50))
    run = run_capped("export", str(data), "--format", "nt", cwd=tmp_path)
    assert run.code == ExitCode.OK, run.stderr
    assert run.stdout.count("<a></a>") == 50  # exclusive canonical XML: no unused namespace


LONG = "x" * MIB
EXPANSION_BOMBS: dict[str, tuple[str, str]] = {
    "Turtle prefix": (
        "prefix.ttl",
        f"@prefix e: <http://e/{LONG}/> .\n" + "e:a e:b e:c .\n" * 1000,
    ),
    "SPARQL-style PREFIX after a comment": (
        "prefix.ttl",
        f"PREFIX e: # the namespace\n <http://e/{LONG}/>\n" + "e:a e:b e:c .\n" * 1000,
    ),
    "Turtle base": ("base.ttl", f"@base <http://e/{LONG}/> .\n" + "<a> <b> <c> .\n" * 1000),
    "TriG prefix": (
        "prefix.trig",
        f"@prefix e: <http://e/{LONG}/> .\n{{" + "e:a e:b e:c .\n" * 1000 + "}",
    ),
    "RDF/XML namespace": (
        "namespace.rdf",
        f'<r:RDF xmlns:r="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/{LONG}/">'
        '<r:Description r:about="http://e/s">' + "<e:p>1</e:p>" * 1000 + "</r:Description></r:RDF>",
    ),
}


@pytest.mark.parametrize("command", ["export", "validate"])
@pytest.mark.parametrize("case", list(EXPANSION_BOMBS))
def test_long_namespaces_used_often_are_refused(case: str, command: str, tmp_path: Path) -> None:
    """1 MB of Turtle made 2.9 GB of terms in 6 s (a 1 MB prefix used 3,000 times)."""
    name, content = EXPANSION_BOMBS[case]
    data = tmp_path / name
    data.write_text(content)
    run = run_capped(command, str(data), cwd=tmp_path)
    assert_refused(run, f"{name}: namespaces or bases of up to ")
    assert "shorten the namespaces or bases" in run.stderr
    assert data.read_text() == content


def _long(size: int = 17 * MIB) -> str:
    return "a" * size


OVERSIZED: dict[str, tuple[str, str]] = {
    "Turtle literal": ("big.ttl", f'<http://e/s> <http://e/p> "{_long()}" .\n'),
    "Turtle long literal over lines": (
        "big.ttl",
        '<http://e/s> <http://e/p> """' + ("x" * 99 + "\n") * (17 * MIB // 100) + '""" .\n',
    ),
    "Turtle comment": ("big.ttl", f"# {_long()}\n<http://e/s> <http://e/p> 1 .\n"),
    "Turtle prefixed name": ("big.ttl", f"@prefix e: <http://e/> .\ne:s e:p e:{_long()} .\n"),
    "N-Triples IRI": ("big.nt", f"<http://e/s> <http://e/p> <http://e/{_long()}> .\n"),
    "N-Quads literal": ("big.nq", f'<http://e/s> <http://e/p> "{_long()}" <http://e/g> .\n'),
    "TriG literal": ("big.trig", f'<http://e/g> {{ <http://e/s> <http://e/p> "{_long()}" }}\n'),
    "N3 literal": ("big.n3", f'<http://e/s> <http://e/p> "{_long()}" .\n'),
    "JSON-LD string of 9 MiB": (
        "big.jsonld",
        f'{{"@id": "http://e/s",\n "http://e/p": "{_long(9 * MIB)}"}}',
    ),
}


@pytest.mark.parametrize(
    ("case", "command"),
    [
        (case, command)
        for case, (name, _) in OVERSIZED.items()
        for command in ("export", "validate", "fmt")
        if command != "fmt" or name.endswith(".ttl")  # fmt rewrites Turtle only
    ],
)
def test_oversized_token_is_refused_in_one_line(case: str, command: str, tmp_path: Path) -> None:
    name, content = OVERSIZED[case]
    data = tmp_path / name
    data.write_text(content)
    place = {"Turtle long literal over lines": "1:27", "Turtle prefixed name": "2:1"}.get(
        case, "2:1" if name.endswith(".jsonld") else "1:1"
    )  # the line that holds the token (or where its three quotes open)
    run = run_capped(command, str(data), cwd=tmp_path)
    assert_refused(run, f"{name}:{place}: a literal, IRI, name or comment longer than")
    assert "16 MiB" in run.stderr
    assert data.read_text() == content


#: Statements enough for validation to send the data to worker processes as N-Triples.
MANY = "".join(f"<http://e/s{i}> <http://e/q> {i} .\n" for i in range(3000))
UNREADABLE_BACK: dict[str, tuple[str, str]] = {
    "an RDF/XML literal of 17 MiB": (
        "long.rdf",
        f'<r:RDF {RDF}><r:Description r:about="http://e/s"><e:p>{_long()}</e:p>'
        "</r:Description></r:RDF>",
    ),
    "a Turtle literal of 10 MiB of newlines (20 MiB as N-Triples)": (
        "newlines.ttl",
        '<http://e/s> <http://e/p> """' + "\n" * (10 * MIB) + '""" .\n' + MANY,
    ),
}


@pytest.mark.parametrize("command", ["export", "validate"])
@pytest.mark.parametrize("case", list(UNREADABLE_BACK))
def test_terms_too_long_to_read_back_are_refused(case: str, command: str, tmp_path: Path) -> None:
    """validate sent them to its workers as N-Triples, which Oxigraph could not parse again
    (a MemoryError traceback); export wrote files the command could not read."""
    name, content = UNREADABLE_BACK[case]
    data = tmp_path / name
    data.write_text(content)
    run = run_capped(command, str(data), cwd=tmp_path)
    assert_refused(run, f"{name}: a term of <http://e/s> <http://e/p> is ")
    assert "bytes as N-Triples, more than Oxigraph reads back (16 MiB)" in run.stderr


def _deep_jsonld(depth: int) -> str:
    """Node objects nested `depth` deep under a document naming the project's context; each has
    an `@id`, so no blank nodes (whose canonical labelling is slow on long chains)."""
    opening = "".join(f'"http://e/p": {{"@id": "http://e/n{i}", ' for i in range(depth))
    return f'{{"@context": "{CONTEXT_IRI}", "@id": "http://e/s", {opening}"@type": "T"' + (
        "}" * (depth + 1)
    )


@pytest.mark.parametrize("command", ["export", "validate"])
def test_jsonld_naming_our_context_is_read_up_to_the_nesting_limit(
    command: str, tmp_path: Path
) -> None:
    """500 levels gave RecursionError: the context was inlined (recursively) before the check."""
    for depth in (500, MAX_NESTING - 2):
        data = tmp_path / f"deep{depth}.jsonld"
        data.write_text(_deep_jsonld(depth))
        run = run_capped(command, str(data), cwd=tmp_path)
        assert run.code in (ExitCode.OK, ExitCode.FAILED), run.stderr[-2000:]
        assert "Traceback" not in run.stderr
    deeper = tmp_path / "deeper.jsonld"
    deeper.write_text(_deep_jsonld(MAX_NESTING + 1))
    assert_refused(run_capped(command, str(deeper), cwd=tmp_path), "nested more than 1000 levels")


#: Every character XML 1.0 cannot carry, beside ones it can (CR must survive as itself).
NOT_XML = "".join(map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]))
ALLOWED = "\t\n\r\x7f\x85\ud7ff\ue000\ufffd\U00010000\U0010ffff 가"


def _literal_file(tmp_path: Path, value: str) -> Path:
    data = tmp_path / "chars.nt"
    data.write_bytes(ox.serialize([_triple(value)], format=ox.RdfFormat.N_TRIPLES))
    return data


def _triple(value: str, predicate: str = "http://e/p") -> ox.Triple:
    return ox.Triple(ox.NamedNode("http://e/s"), ox.NamedNode(predicate), ox.Literal(value))


@pytest.mark.parametrize("character", list(NOT_XML), ids=lambda c: f"U+{ord(c):04X}")
def test_rdf_xml_output_refuses_what_xml_cannot_carry(character: str, tmp_path: Path) -> None:
    data = _literal_file(tmp_path, f"a{character}b")
    output = tmp_path / "out.rdf"
    output.write_text("previous\n")
    run = run_capped("export", str(data), "--format", "xml", "-o", str(output), cwd=tmp_path)
    assert_refused(run, f"<http://e/s> <http://e/p> holds U+{ord(character):04X}")
    assert output.read_text() == "previous\n"


def test_rdf_xml_output_refuses_a_predicate_without_a_local_name(tmp_path: Path) -> None:
    data = tmp_path / "predicates.nt"
    data.write_text('<http://e/s> <http://e/1> "x" .\n')
    run = run_capped("export", str(data), "--format", "xml", cwd=tmp_path)
    assert_refused(run, "the predicate <http://e/1> does not end in an XML name")


def test_rdf_xml_output_is_well_formed_and_keeps_carriage_returns(tmp_path: Path) -> None:
    """A conforming XML parser (the standard library's expat) reads back the same literal."""
    data = _literal_file(tmp_path, f"a{ALLOWED}b\r\n")
    run = run_capped("export", str(data), "--format", "xml", cwd=tmp_path)
    assert run.code == ExitCode.OK, run.stderr
    element = minidom.parseString(run.stdout.encode()).getElementsByTagName("p")[0]
    assert element.firstChild.data == f"a{ALLOWED}b\r\n"
    parsed = list(ox.parse(run.stdout.encode(), format=ox.RdfFormat.RDF_XML))
    assert [q.object.value for q in parsed] == [f"a{ALLOWED}b\r\n"]


@pytest.mark.parametrize("syntax", ["nt", "nquads", "turtle", "trig", "jsonld", "n3"])
def test_every_other_syntax_round_trips_every_character(syntax: str, tmp_path: Path) -> None:
    value = f"a{NOT_XML}{ALLOWED}\"\\'b"
    data = _literal_file(tmp_path, value)
    output = tmp_path / "out"
    run = run_capped("export", str(data), "--format", syntax, "-o", str(output), cwd=tmp_path)
    assert run.code == ExitCode.OK, run.stderr
    back = run_capped(
        "export", str(output), "--input-format", syntax, "--format", "nt", cwd=tmp_path
    )
    assert back.code == ExitCode.OK, back.stderr
    parsed = list(ox.parse(back.stdout.encode(), format=ox.RdfFormat.N_TRIPLES))
    assert [q.object.value for q in parsed] == [value]


class _Answering(BaseHTTPRequestHandler):
    """A SPARQL endpoint on 127.0.0.1 that answers every query with `self.server.answer`."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        media_type, body = self.server.answer  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


REMOTE_BOMBS: dict[str, tuple[str, bytes, str]] = {
    "RDF/XML entities": ("application/rdf+xml", ENTITY_BOMBS["internal subset"], "<!ENTITY"),
    "JSON-LD 50,000 deep": (
        "application/ld+json",
        ('{"http://e/p": ' * 50_000 + "1" + "}" * 50_000).encode(),
        "nested more than",
    ),
}


@pytest.mark.parametrize("case", list(REMOTE_BOMBS))
def test_an_endpoint_answer_is_read_with_the_same_bounds(case: str, tmp_path: Path) -> None:
    """A CONSTRUCT answer goes through the one reading function, as a file does."""
    media_type, body, text = REMOTE_BOMBS[case]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answering)
    server.answer = (media_type, body)  # type: ignore[attr-defined]
    serve_in_thread(server)
    try:
        endpoint = f"http://127.0.0.1:{server.server_address[1]}/sparql"
        run = run_capped(
            "query", "--endpoint", endpoint, "CONSTRUCT WHERE { ?s ?p ?o }", cwd=tmp_path
        )
    finally:
        server.shutdown()
        server.server_close()
    assert_refused(run, f"the answer of POST {endpoint}:")
    assert text in run.stderr


def test_the_server_answers_406_when_rdf_xml_cannot_carry_a_literal(tmp_path: Path) -> None:
    """A real server under its default loop: the document and a CONSTRUCT as RDF/XML are 406
    (they were 200 with XML no parser reads), Turtle is 200, and the server keeps serving."""
    data = tmp_path / "data.nt"
    thing = "https://w3id.org/learningcity/id/city/x"
    data.write_text(f'<{thing}> <http://e/p> "a\\u0001b" .\n')
    with listening([LEARNINGCITY, "serve", str(data)], stderr=subprocess.PIPE) as (server, port):
        base = f"http://127.0.0.1:{port}"
        xml = {"Accept": "application/rdf+xml"}
        document = _fetch(f"{base}/id/city/x.rdf", {})
        construct = _fetch(f"{base}/sparql?query=CONSTRUCT+WHERE+%7B%3Fs+%3Fp+%3Fo%7D", xml)
        turtle = _fetch(f"{base}/id/city/x.ttl", {})
    for status, body in (document, construct):
        assert status == 406 and "holds U+0001, which XML 1.0 cannot carry" in body, body
    assert turtle[0] == 200 and '"a\\u0001b"' in turtle[1]
    assert b"Traceback" not in server.stderr.read()


def _fetch(url: str, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
