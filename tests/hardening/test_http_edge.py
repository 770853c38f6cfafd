"""The HTTP edge under attack: a real `learningcity serve data/yongsan.ttl` on 127.0.0.1 under
its default loop (uvloop, httptools), raw sockets for the malformed and slow clients, httpx for
the rest. Each attack is bounded in count and time; while it runs a normal client measures its
latency, and the serving process's memory is read from /proc.
"""

from __future__ import annotations

import contextlib
import itertools
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from processes import free_port, stop, wait_until_healthy
from support import REPO

COMMAND = str(Path(sys.executable).with_name("learningcity"))
MAX_HEAD_BYTES = 64 * 1024
READ_TIMEOUT_S = 10.0
MAX_CONNECTIONS = 1000
#: A normal client's request is answered within this many seconds during any attack (on a
#: loaded two-core machine; measured figures are printed, and are far lower).
PROMPT_S = 2.0


#: The fallback server when httptools is missing: the same application and settings as
#: `learningcity serve` (learningcity.server.run), with the h11 protocol class.
H11_SERVER = """
import sys, uvicorn
from learningcity.load import load_paths
from learningcity.server import create_app
from learningcity.server.protocol import GuardedH11Protocol, uvicorn_settings
port = int(sys.argv[1])
app = create_app(load_paths(sys.argv[2]), public_base=f"http://127.0.0.1:{port}/id/")
settings = {**uvicorn_settings(), "http": GuardedH11Protocol}
config = uvicorn.Config(app, port=port, access_log=False, log_level="warning", **settings)
uvicorn.Server(config).run()
"""


@dataclass(frozen=True)
class Served:
    root: str
    port: int
    pid: int
    log: Path


class Servers(dict):
    """Servers started on first use, one per protocol, stopped when the module ends."""

    def __init__(self, folder: Path, stack: contextlib.ExitStack) -> None:
        super().__init__()
        self.folder = folder
        self.stack = stack

    def __missing__(self, kind: str) -> Served:
        port = free_port()
        data = str(REPO / "data" / "yongsan.ttl")
        command = {
            "httptools": [COMMAND, "serve", data, "--port", str(port)],
            "h11": [sys.executable, "-c", H11_SERVER, str(port), data],
        }[kind]
        log = self.folder / f"{kind}.log"
        output = self.stack.enter_context(log.open("wb"))
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        self.stack.callback(stop, process)
        root = f"http://127.0.0.1:{port}/"
        wait_until_healthy(root, process)
        self[kind] = Served(root, port, process.pid, log)
        return self[kind]


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """The installed `learningcity serve` (httptools) and, when a test asks, the h11 one."""
    with contextlib.ExitStack() as stack:
        yield Servers(tmp_path_factory.mktemp("edge"), stack)


@pytest.fixture
def served(servers: Servers) -> Served:
    return servers["httptools"]


#: The protocol classes the server may run.
PROTOCOLS = ("httptools", "h11")


@pytest.fixture(params=PROTOCOLS)
def either(servers: Servers, request: pytest.FixtureRequest) -> Served:
    """Both protocol classes the server may run."""
    return servers[request.param]


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for {pid}")


def open_files(pid: int) -> int:
    return len(list(Path(f"/proc/{pid}/fd").iterdir()))


@dataclass
class Prober:
    """A normal client, in a thread: a fresh connection and a GET every 0.1 s, timed."""

    url: str
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> Prober:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.is_set():
            start = time.perf_counter()
            try:
                status = httpx.get(self.url, timeout=10).status_code
                if status != 200:
                    self.failures.append(str(status))
            except httpx.HTTPError as error:
                self.failures.append(repr(error))
            self.latencies.append(time.perf_counter() - start)
            self._stop.wait(0.1)

    def report(self) -> str:
        ordered = sorted(self.latencies) or [0.0]
        return (
            f"{len(self.latencies)} requests, median {statistics.median(ordered) * 1000:.1f} ms,"
            f" max {ordered[-1] * 1000:.1f} ms, failures {self.failures[:3]}"
        )

    def assert_prompt(self) -> None:
        assert self.latencies, "the normal client sent nothing"
        assert not self.failures, self.report()
        assert max(self.latencies) < PROMPT_S, self.report()


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=5)


def answer(connection: socket.socket, seconds: float = 5) -> bytes:
    """What the server sent before closing (or within `seconds`); a reset ends it too."""
    connection.settimeout(seconds)
    received = b""
    try:
        while chunk := connection.recv(65536):
            received += chunk
    except (TimeoutError, ConnectionResetError):
        pass
    return received


# -- request-head size ---------------------------------------------------------------------


def test_a_huge_header_is_refused_with_431_without_buffering(either: Served) -> None:
    """A 40 MB Accept header: 431 after 64 KiB, memory flat, other clients answered at once."""
    before = rss_mib(either.pid)
    peak = before
    sent = 0
    started = time.monotonic()
    with Prober(either.root + "health") as prober, connect(either.port) as attacker:
        attacker.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nAccept: ")
        chunk = b"a" * 65536
        try:
            while sent < 40 * 1024 * 1024 and time.monotonic() - started < 8:
                attacker.sendall(chunk)
                sent += len(chunk)
                peak = max(peak, rss_mib(either.pid))
        except OSError:
            pass  # the server closed the connection: what it answered is still readable
        reply = answer(attacker)
        closed_after = time.monotonic() - started
        time.sleep(0.5)
    print(
        f"\n431 after {sent} bytes sent in {closed_after:.2f} s;",
        f"RSS {before:.0f} -> {peak:.0f} MiB;",
        prober.report(),
    )
    assert reply.startswith(b"HTTP/1.1 431 "), reply[:200]
    assert b"x-content-type-options: nosniff" in reply.lower()
    assert peak - before < 50
    prober.assert_prompt()


def test_a_head_under_the_limit_is_served(served: Served) -> None:
    headers = {f"X-Filler-{i}": "v" * 1000 for i in range(40)}  # 40 KiB of headers
    assert httpx.get(served.root + "health", headers=headers, timeout=10).status_code == 200


def test_a_long_request_line_is_refused(either: Served) -> None:
    with connect(either.port) as attacker:
        with contextlib.suppress(OSError):  # closed before all was sent: read the answer
            attacker.sendall(b"GET /" + b"a" * (2 * MAX_HEAD_BYTES) + b" HTTP/1.1\r\n\r\n")
        assert answer(attacker).startswith(b"HTTP/1.1 431 ")


# -- slow clients ----------------------------------------------------------------------------


def test_a_slow_request_is_closed_after_the_read_timeout(servers: Servers) -> None:
    """A head trickled a byte a second, a connection that sends nothing, a keep-alive one that
    trickles blank lines after its first answer and a body trickled a byte a second: each is
    closed 10 s after it began (h11 refuses the blank lines at once), with no traceback.

    Both protocol classes are driven side by side: the test waits out the timeout once, not
    once per protocol (10 s of the suite's wall time)."""
    names = ("trickler", "silent", "blank", "body")
    connections = {
        (protocol, name): connect(servers[protocol].port)
        for protocol in PROTOCOLS
        for name in names
    }
    for protocol in PROTOCOLS:
        blank = connections[protocol, "blank"]
        blank.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert blank.recv(65536).startswith(b"HTTP/1.1 200 "), protocol
        connections[protocol, "trickler"].sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        connections[protocol, "body"].sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 60000\r\n\r\nASK {"
        )
    trickles = {"trickler": b"X", "blank": b"\r\n", "body": b" "}
    started = time.monotonic()
    closed: dict[tuple[str, str], float] = {}
    replies = dict.fromkeys(connections, b"")
    for connection in connections.values():
        connection.setblocking(False)
    for tick in itertools.count():
        if len(closed) == len(connections) or time.monotonic() - started > READ_TIMEOUT_S + 3:
            break
        for key, connection in connections.items():
            if key in closed:
                continue
            try:
                data = connection.recv(65536)
                if not data:
                    closed[key] = time.monotonic() - started
                replies[key] += data
            except BlockingIOError:
                if key[1] in trickles and tick % 4 == 0:
                    with contextlib.suppress(BlockingIOError):
                        connection.send(trickles[key[1]])
            except ConnectionResetError:
                closed[key] = time.monotonic() - started
        time.sleep(0.25)
    for connection in connections.values():
        connection.close()
    print(f"\nclosed after {closed} s")
    assert set(closed) == set(connections), f"still open after 13 s: {closed}"
    assert all(at < READ_TIMEOUT_S + 2 for at in closed.values()), closed
    for protocol in PROTOCOLS:
        for name in ("trickler", "silent", "body"):
            assert closed[protocol, name] > READ_TIMEOUT_S - 0.5, (protocol, name, closed)
        assert replies[protocol, "trickler"].startswith(b"HTTP/1.1 408 "), (protocol, replies)
        assert replies[protocol, "body"].startswith(b"HTTP/1.1 408 "), (protocol, replies)
    time.sleep(0.3)
    for protocol in PROTOCOLS:
        assert "Traceback" not in servers[protocol].log.read_text(), protocol


def test_slow_clients_do_not_starve_a_normal_one(served: Served) -> None:
    """300 sockets each sending a head one byte a second for 4 s, a normal client beside."""
    sockets = [connect(served.port) for _ in range(300)]
    try:
        with Prober(served.root + "health") as prober:
            for connection in sockets:
                connection.sendall(b"GET / HTTP/1.1\r\n")
            for second in range(4):
                for connection in sockets:
                    connection.sendall(b"XY"[second % 2 : second % 2 + 1])
                time.sleep(1)
        print(f"\n300 slow sockets: {prober.report()}")
        prober.assert_prompt()
    finally:
        for connection in sockets:
            connection.close()


def test_connections_are_capped_and_the_newest_client_is_served(served: Served) -> None:
    """1,100 sockets holding partial heads, then 3 s of new ones at about 500 a second: the
    server keeps at most 1,000, sheds the oldest (cheaply: when it scanned them all, 600 new
    connections a second held a normal client 14 s), and answers a normal client promptly."""
    _allow_open_files(8192)
    sockets: list[socket.socket] = []
    try:
        with Prober(served.root + "health") as prober:
            started = time.monotonic()
            while len(sockets) < MAX_CONNECTIONS + 100 or time.monotonic() - started < 3:
                connection = connect(served.port)
                connection.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
                sockets.append(connection)
                if len(sockets) > MAX_CONNECTIONS + 100:
                    time.sleep(0.002)
            rate = len(sockets) / (time.monotonic() - started)
            time.sleep(1)
            held = open_files(served.pid)
        print(
            f"\n{len(sockets)} partial heads ({rate:.0f}/s): {held} open files in the server;"
            f" {prober.report()}"
        )
        assert held < MAX_CONNECTIONS + 100
        prober.assert_prompt()
    finally:
        for connection in sockets:
            connection.close()


def _allow_open_files(needed: int) -> None:
    """This test process holds thousands of sockets: raise its soft limit (often 1,024)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(needed, hard), hard))


def test_a_flood_of_pipelined_requests_is_cut(served: Served) -> None:
    """20 connections each sending 32,768 tiny GETs ahead of any answer: each is closed after
    32 waiting requests, memory stays flat and a normal client is answered promptly."""
    request = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
    before = rss_mib(served.pid)
    peak = before
    floods = [connect(served.port) for _ in range(20)]
    try:
        with Prober(served.root + "health") as prober:
            for connection in floods:
                connection.setblocking(False)
                with contextlib.suppress(BlockingIOError, ConnectionResetError):
                    connection.send(request * 32768)
            for _ in range(20):
                time.sleep(0.1)
                peak = max(peak, rss_mib(served.pid))
        print(f"\npipelined flood: RSS {before:.0f} -> {peak:.0f} MiB; {prober.report()}")
        assert peak - before < 50
        prober.assert_prompt()
    finally:
        for connection in floods:
            connection.close()


def test_a_few_pipelined_requests_are_all_answered(served: Served) -> None:
    with connect(served.port) as client:
        client.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n" * 10)
        client.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert answer(client).count(b"HTTP/1.1 200 ") == 11


# -- the access log ------------------------------------------------------------------------


def test_control_characters_cannot_forge_access_log_lines(served: Served) -> None:
    """Decoded CR LF, ESC and U+202E in the path and query, a quote, a tab and bytes
    beyond ASCII in the headers (the parser refuses control characters there): each is
    escaped, and the request stays one line."""
    forged = '127.0.0.1 "GET /forged" 200 0 0.1ms'
    path = "/doc/%0d%0a" + forged.replace(" ", "%20").replace('"', "%22") + "%1b[2J%e2%80%ae"
    with connect(served.port) as client:
        client.sendall(
            f"GET {path}?q=%0a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n".encode()
            + b'User-Agent: a"b\tc\xe2\x80\xae\r\nReferer: \x9b2J\r\n\r\n'
        )
        assert answer(client).startswith(b"HTTP/1.1 400 ")  # (a path with a control character)
    time.sleep(0.3)
    lines = served.log.read_text(encoding="utf-8", errors="replace").splitlines()
    assert not any(line.startswith(forged) for line in lines)
    assert not any(c in line for line in lines for c in "\x1b\x80\x9b\t\u202e")
    logged = next(line for line in lines if "GET /doc/\\r\\n" in line)
    assert "\\x1b[2J" in logged and "\\u202e" in logged and '\\"GET /forged\\"' in logged
    assert '"a\\"b\\tc' in logged and "\\x80" in logged and "\\x9b" in logged


# -- nosniff -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "headers", "body", "status"),
    [
        ("GET", "health", {}, None, 200),
        ("GET", "doc/city/kr-yongsan-gu", {"Accept": "text/turtle"}, None, 200),
        ("GET", "nowhere", {}, None, 404),
        ("DELETE", "health", {}, None, 405),
        ("GET", "doc/city/kr-yongsan-gu", {"Accept": "image/png"}, None, 406),
        ("GET", "sparql?query=SELEC", {"Accept": "text/plain"}, None, 400),
        ("POST", "sparql", {"Content-Type": "text/plain"}, b"x", 415),
        (
            "POST",
            "sparql",
            {"Content-Type": "application/sparql-query"},
            b"#" * (70 * 1024),
            413,
        ),
    ],
)
def test_every_response_says_nosniff(
    served: Served, method: str, path: str, headers: dict[str, str], body: bytes | None, status: int
) -> None:
    response = httpx.request(method, served.root + path, headers=headers, content=body, timeout=10)
    assert response.status_code == status
    assert response.headers.get("x-content-type-options") == "nosniff"


def test_the_servers_own_errors_say_nosniff(either: Served) -> None:
    with connect(either.port) as client:
        client.sendall(b"NOT HTTP\x00\r\n\r\n")
        reply = answer(client)
    assert reply.startswith(b"HTTP/1.1 400 ")
    assert b"x-content-type-options: nosniff" in reply.lower()


# -- triple terms ------------------------------------------------------------------------------

A, B = ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/b")
RTL = ox.Literal("x", language="ar", direction=ox.BaseDirection.RTL)
TRIPLE = ox.Triple(A, B, ox.Triple(A, B, RTL))
SELECT = (
    "SELECT ?t ?l ?n { BIND(<<( <http://example.org/a> <http://example.org/b>"
    ' <<( <http://example.org/a> <http://example.org/b> "x"@ar--rtl )>> )>> AS ?t)'
    ' BIND("x"@ar--rtl AS ?l) }'
)
CONSTRUCT = (
    "CONSTRUCT { <http://example.org/a> <http://example.org/b> <<( <http://example.org/a>"
    ' <http://example.org/b> "x"@ar--rtl )>> } {}'
)
RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "text/csv": None,
    "text/html": None,
}
GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": None,
    "text/html": None,
}


@pytest.mark.parametrize("media_type", RESULT_FORMATS)
def test_triple_terms_are_written_in_every_results_format(served: Served, media_type: str) -> None:
    response = httpx.get(
        served.root + "sparql", params={"query": SELECT}, headers={"Accept": media_type}
    )
    assert response.status_code == 200, response.text
    parser = RESULT_FORMATS[media_type]
    if parser is not None:
        solutions = ox.parse_query_results(response.content, format=parser)
        assert [(s["t"], s["l"], s["n"]) for s in solutions] == [(TRIPLE, RTL, None)]
    elif media_type == "text/csv":
        assert response.text.splitlines()[1].startswith('"<<( <http://example.org/a> ')
    else:
        assert "&lt;&lt;( &lt;http://example.org/a&gt;" in response.text


@pytest.mark.parametrize("media_type", GRAPH_FORMATS)
def test_triple_terms_in_graphs_are_written_or_refused_with_400(
    served: Served, media_type: str
) -> None:
    response = httpx.get(
        served.root + "sparql", params={"query": CONSTRUCT}, headers={"Accept": media_type}
    )
    assert response.status_code in (200, 400), response.text
    syntax = GRAPH_FORMATS[media_type]
    if response.status_code == 200 and syntax is not None:
        parsed = {q.triple for q in ox.parse(response.content, format=syntax)}
        assert parsed == {ox.Triple(A, B, ox.Triple(A, B, RTL))}
