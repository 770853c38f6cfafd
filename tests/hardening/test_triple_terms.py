"""RDF 1.2 triple terms are refused where a file becomes quads (`learningcity.load`), in one
line naming the file, the line and the statement, exit 2, by every command that reads data.

c227e75 read them: `serve` then answered 500 on their pages, `export --format turtle` ended in a
traceback, `validate` and JSON-LD refused them each in its own words, and the other syntaxes
wrote what RDF/XML and JSON-LD could not read back. Everything runs through the installed
command and real sockets on 127.0.0.1.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest

from learningcity.errors import ExitCode
from learningcity.formats import syntax_named
from processes import serve_in_thread

LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))
PLAIN = "<http://e/s> <http://e/p> <http://e/o> .\n"
TERM = "<<( <http://e/a> <http://e/b> <http://e/c> )>>"
RDF = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/"'

#: name -> (file name, content, the line the message names): every way a parser makes one
SYNTAXES: dict[str, tuple[str, str, int]] = {
    "N-Triples": ("t.nt", f"{PLAIN}<http://e/s> <http://e/p> {TERM} .\n", 2),
    "N-Quads": ("t.nq", f"{PLAIN}<http://e/s> <http://e/p> {TERM} <http://e/g> .\n", 2),
    "Turtle triple term": ("t.ttl", f"{PLAIN}\n<http://e/s>\n  <http://e/p> {TERM} .\n", 4),
    "Turtle reifier": ("r.ttl", f"{PLAIN}<< <http://e/a> <http://e/b> <http://e/c> >>\n", 2),
    "Turtle annotation": ("a.ttl", f"{PLAIN}{PLAIN[:-3]}{{| <http://e/q> 1 |}} .\n", 2),
    "Turtle ~ reifier": ("n.ttl", f"{PLAIN}{PLAIN}{PLAIN[:-3]} ~ <http://e/r> .\n", 3),
    "TriG": ("t.trig", f"<http://e/g> {{\n{PLAIN}<http://e/s> <http://e/p> {TERM}\n}}\n", 3),
    "RDF/XML parseType Triple": (
        "t.rdf",
        f'<rdf:RDF {RDF} rdf:version="1.2">\n<rdf:Description rdf:about="http://e/s">\n'
        '<e:p rdf:parseType="Triple"><rdf:Description rdf:about="http://e/a">'
        '<e:b rdf:resource="http://e/c"/></rdf:Description></e:p>\n'
        "</rdf:Description>\n</rdf:RDF>\n",
        3,
    ),
    "RDF/XML annotation": (
        "a.rdf",
        f'<rdf:RDF {RDF}>\n<rdf:Description rdf:about="http://e/s">\n'
        '<e:p rdf:resource="http://e/o"/>\n'
        '<e:p rdf:resource="http://e/o" rdf:annotation="http://e/r"/>\n'
        "</rdf:Description>\n</rdf:RDF>\n",
        4,
    ),
}


def learningcity(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LEARNINGCITY, *args], input=stdin, capture_output=True, text=True, timeout=60
    )


def assert_refused(done: subprocess.CompletedProcess[str], place: str) -> None:
    """Exit 2 and one line on stderr naming `place` (file:line:) and the triple term."""
    lines = done.stderr.strip().splitlines()
    assert done.returncode == ExitCode.BAD_INPUT, done.stderr[-2000:]
    assert len(lines) == 1, done.stderr[-2000:]
    assert lines[0].startswith(f"learningcity: error: {place}"), lines[0]
    assert "RDF 1.2 triple term" in lines[0] and "rdf:Statement" in lines[0], lines[0]


@pytest.mark.parametrize("case", SYNTAXES)
def test_every_syntax_refuses_triple_terms_naming_the_line(tmp_path: Path, case: str) -> None:
    name, content, line = SYNTAXES[case]
    data = tmp_path / name
    data.write_text(content)
    out = tmp_path / "out.nt"
    assert_refused(learningcity("export", str(data), "-o", str(out)), f"{data}:{line}:")
    assert not out.exists()


@pytest.fixture
def term_file(tmp_path: Path) -> Path:
    data = tmp_path / "term.ttl"
    data.write_text(SYNTAXES["Turtle triple term"][1])
    return data


#: every command that reads DATA, with what it would write (which must not appear)
COMMANDS: dict[str, list[str]] = {
    **{f"export {f}": ["export", "{data}", "--format", f] for f in ("turtle", "xml", "jsonld")},
    **{
        f"export --stream {f}": ["export", "--stream", "{data}", "--format", f]
        for f in ("turtle", "nt", "nquads", "trig", "xml", "jsonld", "n3")
    },
    "export --all": ["export", "{data}", "--all", "{out}"],
    "validate": ["validate", "{data}"],
    "validate --shapes": ["validate", "--shapes", "{data}"],
    "validate --ontology": ["validate", "--ontology", "{data}"],
    "info": ["info", "{data}"],
    "query": ["query", "ASK {{ ?s ?p ?o }}", "{data}"],
    "load --store": ["load", "{data}", "--store", "{out}"],
    "publish": ["publish", "{data}", "--out", "{out}"],
    "embed": ["embed", "{data}"],
}


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_refuses_in_one_line(tmp_path: Path, term_file: Path, command: str) -> None:
    out = tmp_path / "written"
    args = [a.format(data=term_file, out=out) for a in COMMANDS[command]]
    assert_refused(learningcity(*args), f"{term_file}:4:")
    assert not out.exists()


def test_stdin_is_refused_like_a_file() -> None:
    done = learningcity("export", "-", "--input-format", "nt", stdin=SYNTAXES["N-Triples"][1])
    assert_refused(done, "<stdin>:2:")


def test_fmt_refuses_and_leaves_the_file_as_it_was(term_file: Path) -> None:
    before = term_file.read_bytes()
    assert_refused(learningcity("fmt", str(term_file)), f"{term_file}:4:")
    assert term_file.read_bytes() == before


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_refuses_at_start(term_file: Path) -> None:
    """c227e75 served the file and answered 500 for the page of the triple term's subject."""
    done = learningcity("serve", str(term_file), "--port", str(_free_port()))
    assert_refused(done, f"{term_file}:4:")


#: the requests `endpoint` received
REQUESTS: list[str] = []


@pytest.fixture
def endpoint() -> Iterator[str]:
    """A SPARQL endpoint on 127.0.0.1 whose every graph answer holds a triple term (and which
    counts one statement when `serve --endpoint` first asks how many to copy)."""
    graph = SYNTAXES["N-Triples"][1].encode()
    count = b'{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"literal","value":"1"}}]}}'
    REQUESTS.clear()

    class Answer(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            REQUESTS.append(self.command)
            counting = b"COUNT" in self.rfile.read(int(self.headers.get("Content-Length", 0)))
            body = count if counting else graph
            self.send_response(200)
            self.send_header(
                "Content-Type",
                "application/sparql-results+json" if counting else "application/n-triples",
            )
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_PUT = do_POST

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    server.daemon_threads = True
    serve_in_thread(server)
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()


def test_a_construct_answer_from_an_endpoint_is_refused(endpoint: str) -> None:
    done = learningcity("query", "--endpoint", endpoint, "CONSTRUCT WHERE { ?s ?p ?o }")
    assert_refused(done, f"the answer of POST {endpoint}:2:")


def test_serve_endpoint_refuses_at_start(endpoint: str) -> None:
    done = learningcity("serve", "--endpoint", endpoint, "--port", str(_free_port()))
    assert_refused(done, f"the answer of POST {endpoint}:2:")


def test_push_refuses_before_sending_anything(term_file: Path, endpoint: str) -> None:
    assert_refused(learningcity("push", str(term_file), "--to", endpoint), f"{term_file}:4:")
    assert REQUESTS == []


#: An RDF 1.2 triple term made by a query, not read from a file.
CONSTRUCT_TERM = f"CONSTRUCT {{ <http://e/s> <http://e/p> ?t }} WHERE {{ BIND({TERM} AS ?t) }}"
TERM_OBJECT = ox.Triple(
    ox.NamedNode("http://e/a"), ox.NamedNode("http://e/b"), ox.NamedNode("http://e/c")
)


@pytest.mark.parametrize("syntax", ["turtle", "nt", "nquads", "trig", "xml", "jsonld", "n3"])
def test_a_triple_term_a_query_makes_is_written_or_refused_in_one_line(
    syntax: str, tmp_path: Path
) -> None:
    """c227e75 and the refusal at reading left `query --format turtle` of such a CONSTRUCT in a
    ValueError traceback from the Turtle writer."""
    data = tmp_path / "data.nt"
    data.write_text(PLAIN)
    done = learningcity("query", CONSTRUCT_TERM, str(data), "--format", syntax)
    if done.returncode == ExitCode.OK:
        parsed = ox.parse(done.stdout.encode(), format=syntax_named(syntax).oxigraph)
        assert [q.object for q in parsed] == [TERM_OBJECT]
    else:
        assert done.returncode == ExitCode.BAD_INPUT
        assert done.stderr.startswith("learningcity: error: ") and done.stderr.count("\n") == 1
