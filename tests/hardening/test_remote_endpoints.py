"""Hostile SPARQL endpoints on 127.0.0.1, spoken to by the installed `learningcity` command.

Each endpoint is a real `http.server` in a thread: it redirects (to another port, to ftp://),
cuts its answer off, sends garbage or the wrong media type, or drips its body a byte at a time.
A second listener (the "elsewhere" a redirect points to) must see no connection at all. Every
failure must be one line on stderr naming the request, exit 2 (docs/remote.md), no traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from learningcity import remote
from learningcity.errors import ExitCode, InputError
from learningcity.query import check_query
from processes import serve_in_thread
from support import FIXTURES, REPO

LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))
YONGSAN = str(REPO / "data" / "yongsan.ttl")
SELECT = "SELECT * { ?s ?p ?o }"
CONSTRUCT = "CONSTRUCT WHERE { ?s ?p ?o }"
JSON = "application/sparql-results+json"
RESULTS = (
    b'{"head":{"vars":["s"]},"results":{"bindings":['
    b'{"s":{"type":"uri","value":"http://e/a"}},{"s":{"type":"uri","value":"http://e/b"}}]}}'
)
TRIPLES = b'<http://e/s> <http://e/p> "one" .\n<http://e/s> <http://e/p> "two" .\n'

Handler = Callable[[BaseHTTPRequestHandler], None]


class Endpoint:
    """An HTTP server on 127.0.0.1 whose every request is answered by `answer`; it counts the
    connections it accepted (a redirect followed, even to ftp://, would make one)."""

    def __init__(self, answer: Handler) -> None:
        endpoint = self

        class Answer(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._handle()

            def do_POST(self) -> None:
                self._handle()

            def do_PUT(self) -> None:
                self._handle()

            def _handle(self) -> None:
                endpoint.requests.append(f"{self.command} {self.path}")
                answer(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def verify_request(self, request: object, client_address: object) -> bool:
                endpoint.connections += 1
                return True

        self.requests: list[str] = []
        self.connections = 0
        self.server = Server(("127.0.0.1", 0), Answer)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        serve_in_thread(self.server)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hostile() -> Iterator[Callable[[Handler], Endpoint]]:
    started: list[Endpoint] = []

    def start(answer: Handler) -> Endpoint:
        started.append(Endpoint(answer))
        return started[-1]

    yield start
    for endpoint in started:
        endpoint.close()


@pytest.fixture
def elsewhere(hostile: Callable[[Handler], Endpoint]) -> Endpoint:
    """Where redirects point: it answers like a good endpoint, and must never be reached."""
    return hostile(lambda h: _send(h, 200, JSON, RESULTS))


def _send(handler: BaseHTTPRequestHandler, status: int, media_type: str, body: bytes) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", media_type)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def _read_body(handler: BaseHTTPRequestHandler) -> bytes:
    """The request's body, read once (a second call returns it again)."""
    if not hasattr(handler, "body"):
        handler.body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
    return handler.body


def learningcity(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LEARNINGCITY, *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def assert_one_line(done: subprocess.CompletedProcess[str], *parts: str) -> None:
    assert done.returncode == ExitCode.BAD_INPUT, done.stderr
    assert done.stderr.startswith("learningcity: error: "), done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    for part in parts:
        assert part in done.stderr, done.stderr
    assert done.stdout == ""


# --- redirects are never followed ---------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("scheme", ["http", "ftp"])
def test_a_redirect_is_one_line_and_never_followed(hostile, elsewhere, status, scheme) -> None:
    location = f"{scheme}://127.0.0.1:{elsewhere.port}/sparql"

    def redirect(handler: BaseHTTPRequestHandler) -> None:
        _read_body(handler)
        handler.send_response(status)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    endpoint = hostile(redirect)
    done = learningcity("query", SELECT, "--endpoint", endpoint.url, "--format", "json")
    assert_one_line(done, f"POST {endpoint.url}: HTTP {status}", location, "not followed")
    assert endpoint.requests == ["POST /sparql"]
    assert elsewhere.connections == 0


def test_serve_and_push_do_not_follow_redirects(hostile, elsewhere) -> None:
    def redirect(handler: BaseHTTPRequestHandler) -> None:
        _read_body(handler)
        handler.send_response(307)
        handler.send_header("Location", elsewhere.url)
        handler.end_headers()

    endpoint = hostile(redirect)
    served = learningcity("serve", "--endpoint", endpoint.url, "--port", "9")
    assert_one_line(served, f"POST {endpoint.url}: HTTP 307", "not followed")
    pushed = learningcity("push", YONGSAN, "--to", endpoint.url)
    assert_one_line(pushed, f"PUT {endpoint.url}?graph=", "HTTP 307", "not followed")
    assert [r.split()[0] for r in endpoint.requests] == ["POST", "PUT"]
    assert elsewhere.connections == 0


def test_the_environments_proxy_is_not_used(hostile, elsewhere) -> None:
    endpoint = hostile(lambda h: (_read_body(h), _send(h, 200, JSON, RESULTS)))
    done = subprocess.run(
        [LEARNINGCITY, "query", SELECT, "--endpoint", endpoint.url, "--format", "csv"],
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **os.environ,
            "http_proxy": elsewhere.url,
            "HTTP_PROXY": elsewhere.url,
            "no_proxy": "",
        },
    )
    assert done.returncode == ExitCode.OK, done.stderr
    assert done.stdout.split() == ["s", "http://e/a", "http://e/b"]
    assert elsewhere.connections == 0


# --- broken answers are one line, for every result format and for graphs -----------------------


def _declaring(media_type: str, body: bytes, declared: int) -> Handler:
    """Declares `declared` bytes, sends `body`, then closes the connection."""

    def answer(handler: BaseHTTPRequestHandler) -> None:
        _read_body(handler)
        handler.send_response(200)
        handler.send_header("Content-Type", media_type)
        handler.send_header("Content-Length", str(declared))
        handler.end_headers()
        handler.wfile.write(body)
        handler.wfile.flush()
        handler.close_connection = True

    return answer


def _cut_off_chunked(media_type: str, body: bytes) -> Handler:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        _read_body(handler)
        handler.protocol_version = "HTTP/1.1"
        handler.send_response(200)
        handler.send_header("Content-Type", media_type)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        handler.wfile.write(b"%x\r\n%s\r\n" % (len(body) + 50, body))  # promises 50 more bytes
        handler.wfile.flush()
        handler.close_connection = True

    return answer


def _plain(media_type: str, body: bytes) -> Handler:
    """No Content-Length: the answer ends where the server closes, here mid-document."""

    def answer(handler: BaseHTTPRequestHandler) -> None:
        _read_body(handler)
        handler.send_response(200)
        handler.send_header("Content-Type", media_type)
        handler.end_headers()
        handler.wfile.write(body)

    return answer


XML = b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>'
BROKEN = {
    "json-length-larger-than-sent": (SELECT, _declaring(JSON, RESULTS[:60], 400)),
    "json-chunked-cut-off": (SELECT, _cut_off_chunked(JSON, RESULTS[:60])),
    "json-closed-mid-body": (SELECT, _plain(JSON, RESULTS[:70])),
    "ask-closed-mid-body": ("ASK { ?s ?p ?o }", _plain(JSON, b'{"head":{},"boolean":tr')),
    "json-garbage": (SELECT, _plain(JSON, b"\x00\xff not json at all")),
    "xml-closed-mid-body": (SELECT, _plain("application/sparql-results+xml", XML)),
    "tsv-garbage": (SELECT, _plain("text/tab-separated-values", b"?s\n<http://e/a\n")),
    "csv-is-not-readable-back": (SELECT, _plain("text/csv", b"s\r\nhttp://e/a\r\n")),
    "html-instead-of-results": (SELECT, _plain("text/html", b"<html>login</html>")),
    "no-content-type": (SELECT, _plain("", RESULTS)),
    "construct-length-larger-than-sent": (
        CONSTRUCT,
        _declaring("application/n-triples", TRIPLES[:20], 300),
    ),
    "construct-closed-mid-triple": (CONSTRUCT, _plain("application/n-triples", TRIPLES[:40])),
    "construct-turtle-garbage": (CONSTRUCT, _plain("text/turtle", b"@prefix : <http://e/ .")),
    "construct-results-instead-of-rdf": (CONSTRUCT, _plain(JSON, RESULTS)),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_answer_is_one_line(hostile, case: str) -> None:
    query, answer = BROKEN[case]
    endpoint = hostile(answer)
    done = learningcity("query", query, "--endpoint", endpoint.url, "--format", "json")
    assert_one_line(done, f"POST {endpoint.url}")


def _counting(answer: Handler, triples: int = 2) -> Handler:
    """Answers `serve --endpoint`'s count of the triples (`triples`), and `answer` for the rest."""

    def answer_or_count(handler: BaseHTTPRequestHandler) -> None:
        if b"COUNT" in _read_body(handler):
            count = b'{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"literal",'
            _send(handler, 200, JSON, count + b'"value":"%d"}}]}}' % triples)
        else:
            answer(handler)

    return answer_or_count


def test_serve_endpoint_with_a_cut_off_graph_is_one_line(hostile) -> None:
    endpoint = hostile(_counting(_declaring("application/n-triples", TRIPLES, 10_000)))
    done = learningcity("serve", "--endpoint", endpoint.url, "--port", "9")
    assert_one_line(done, f"POST {endpoint.url}", "cut off after")


def test_serve_endpoint_with_a_graph_smaller_than_its_count_is_one_line(hostile) -> None:
    """A server counting a million triples and sending the same two for every page: the copy
    stops at the first page that brings nothing new, in one line, not after 300 s of pages."""
    endpoint = hostile(_counting(_plain("application/n-triples", TRIPLES), 1_000_000))
    started = time.monotonic()
    done = learningcity("serve", "--endpoint", endpoint.url, "--port", "9")
    assert_one_line(done, "2 triples came of the 1,000,000 the server counted")
    assert time.monotonic() - started < 30
    assert len(endpoint.requests) == 4  # the count, the whole graph, two pages


def test_an_answer_comes_whole_or_not_at_all(hostile) -> None:
    """The 'broke off' line counts what arrived against what was declared."""
    endpoint = hostile(_declaring(JSON, RESULTS[:60], 400))
    done = learningcity("query", SELECT, "--endpoint", endpoint.url)
    assert_one_line(done, "the answer was cut off after 60 of 400 bytes")


# --- bounded in time and size (the library, with small bounds, against real sockets) ----------


def _drip(handler: BaseHTTPRequestHandler) -> None:
    """Headers at once, then one byte every 0.1 s for ever (until the client goes)."""
    _read_body(handler)
    handler.send_response(200)
    handler.send_header("Content-Type", JSON)
    handler.end_headers()
    try:
        for byte in RESULTS * 100:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(0.1)
    except OSError:
        return


def test_a_slow_answer_is_cut_at_the_deadline(hostile) -> None:
    endpoint = hostile(_drip)
    started = time.monotonic()
    with pytest.raises(InputError, match=r"^POST .*: no complete answer within 1 s$"):
        remote.query_remote(endpoint.url, check_query(SELECT), timeout=1)
    assert time.monotonic() - started < 2.5  # each byte arrives well within a socket timeout


def test_a_silent_server_is_cut_at_the_deadline(hostile) -> None:
    endpoint = hostile(lambda h: time.sleep(5))
    started = time.monotonic()
    with pytest.raises(InputError, match=r"no complete answer within 0\.5 s"):
        remote.run_remote(endpoint.url, SELECT, timeout=0.5)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("declared", [True, False])
def test_an_answer_over_the_size_limit_is_refused(hostile, monkeypatch, declared: bool) -> None:
    monkeypatch.setattr(remote, "MAX_ANSWER_BYTES", 100_000)
    body = b" " * 1_000_000
    endpoint = hostile(_declaring(JSON, body, len(body)) if declared else _plain(JSON, body))
    with pytest.raises(InputError, match=r"the limit is 100,000$|over the limit of 100,000 bytes$"):
        remote.run_remote(endpoint.url, SELECT, timeout=10)


# --- no scheme but http(s), and IRIs checked where they are given -------------------------------

BAD_IRIS = ["http://exa mple.org/x", "http://example.org/<x>", "http://example.org/\x01x"]


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("import", str(FIXTURES / "profiles" / "yongsan-gu.txt"), "--source-url"), "--source-url"),
        (("import", str(FIXTURES / "profiles" / "yongsan-gu.txt"), "--base"), "--base"),
        (("embed", YONGSAN, "--resource"), "--resource"),
        (("query", SELECT, "--endpoint"), "--endpoint"),
        (("push", YONGSAN, "--to"), "--to"),
        (("push", YONGSAN, "--to", "http://127.0.0.1:9/store", "--graph"), "--graph"),
        (("serve", "--endpoint", "http://127.0.0.1:9/q", "--graph"), "--graph"),
        (("serve", YONGSAN, "--port", "9", "--public-base"), "--public-base"),
    ],
)
@pytest.mark.parametrize("iri", BAD_IRIS)
def test_an_unusable_iri_is_one_line(tmp_path: Path, args: tuple[str, ...], option, iri) -> None:
    output = tmp_path / "out"
    value = iri + "/" if option == "--base" else iri  # a base must end with '/'
    writes = args[0] in ("import", "embed")
    done = learningcity(*args, value, *(("-o", str(output)) if writes else ()))
    assert_one_line(done, f"{option} {value!r}", "not an absolute IRI")
    assert not output.exists()


@pytest.mark.parametrize(
    ("args", "url"),
    [
        (("query", SELECT, "--endpoint"), "ftp://127.0.0.1:{port}/sparql"),
        (("query", SELECT, "--endpoint"), "file:///etc/passwd"),
        (("serve", "--endpoint"), "ftp://127.0.0.1:{port}/sparql"),
        (("push", YONGSAN, "--to"), "ftp://127.0.0.1:{port}/store"),
        (("import", str(FIXTURES / "profiles" / "yongsan-gu.txt"), "--source-url"), "ftp://x/y"),
    ],
)
def test_only_http_urls_are_opened(elsewhere, args: tuple[str, ...], url: str) -> None:
    done = learningcity(*args, url.format(port=elsewhere.port))
    assert_one_line(done, "give an http:// or https:// URL")
    assert elsewhere.connections == 0


def test_a_pages_unusable_address_is_a_warning(tmp_path: Path) -> None:
    page = (FIXTURES / "profiles" / "yongsan-gu.html").read_text(encoding="utf-8")
    broken = tmp_path / "page.html"
    broken.write_text(page.replace("<head>", '<head><link rel="canonical" href="http://a b/">'))
    done = learningcity("import", str(broken), "-o", str(tmp_path / "city.ttl"))
    assert done.returncode == ExitCode.OK, done.stderr
    assert "warning: source: the page's address 'http://a b/': not an absolute IRI" in done.stderr
    assert "Traceback" not in done.stderr
