"""Connections lent to query workers (`learningcity.server.lease`), from the outside: the
installed `learningcity serve`, clients on keep-alive connections (http.client, httpx, raw
sockets for pipelining).

A client sending query after query on one connection has it answered by a worker, with the
very bytes the serving process's own path gives; whatever else comes on the connection (pages,
POSTs, HEAD, errors, repeats, pipelined requests, a pause, hostile requests) is answered as on
any connection; a lent query past `--timeout` or over the memory cap is a 503 and the server
goes on (a worker killed under one: `test_query_limits`); more connections than workers are
all answered; SIGTERM stops a server whose connections are lent; and every request has its
access log line.
"""

from __future__ import annotations

import http.client
import json
import signal
import socket
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx
import pytest

from hardening import test_query_limits as limits
from hardening.test_query_limits import CROSS_PRODUCT, HEAVY_ASK
from hardening.test_worker_answers import Server, start_server
from learningcity.server.lease import IDLE_S
from processes import stop

TIMEOUT_S = 2.0
SLACK_S = 1.5
SELECT = "SELECT ?s ?o WHERE { ?s a ?o } ORDER BY ?s ?o LIMIT 7"
CONSTRUCT = "CONSTRUCT { ?s a ?o } WHERE { ?s a ?o } ORDER BY ?s ?o LIMIT 7"
JSON = "application/sparql-results+json"
#: The limits tests' network and their server (`--timeout 2`, 2 workers): the same fixtures.
data = limits.data
served = limits.served
#: Response headers that differ between two answers of the same request on their own.
VARYING = {"date", "connection"}


def _tag() -> str:
    return uuid.uuid4().hex


def _port(server: Server) -> int:
    return int(server.root.rstrip("/").rsplit(":", 1)[1])


def _target(query: str, **params: str) -> str:
    return "/sparql?" + urlencode({"query": query, **params})


Answer = tuple[int, list[tuple[str, str]], bytes]


def _ask(
    connection: http.client.HTTPConnection,
    target: str,
    headers: dict[str, str] | None = None,
    method: str = "GET",
    body: str | None = None,
) -> Answer:
    """One exchange on `connection`, which must stay the same connection throughout."""
    before = connection.sock.getsockname() if connection.sock else None
    connection.request(method, target, body=body, headers=headers or {})
    response = connection.getresponse()
    answer = (response.status, response.getheaders(), response.read())
    assert before is None or (connection.sock and connection.sock.getsockname() == before), (
        "the connection was closed"
    )
    return answer


def _relayed(server: Server, target: str, headers: dict[str, str] | None = None) -> Answer:
    """The same request on a connection of its own that closes after it: never lent, never
    written by a worker (a closing connection is answered through the serving process)."""
    connection = http.client.HTTPConnection("127.0.0.1", _port(server), timeout=10)
    try:
        return _ask(connection, target, {**(headers or {}), "Connection": "close"})
    finally:
        connection.close()


def _comparable(answer: Answer) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers (in no order: a worker writes the CORS headers earlier) and body."""
    status, headers, body = answer
    return status, sorted((n.lower(), v) for n, v in headers if n.lower() not in VARYING), body


@pytest.mark.parametrize(
    ("query", "headers"),
    [
        (SELECT, {"Accept": JSON}),
        (SELECT, {"Accept": "text/csv", "Origin": "https://example.org"}),
        (SELECT, {"Accept": "application/sparql-results+xml", "Accept-Encoding": "gzip"}),
        (CONSTRUCT, {"Accept": "text/turtle"}),
        (CONSTRUCT, {"Accept": "application/ld+json", "Accept-Language": "ko"}),
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_answers_on_a_lent_connection_are_those_of_the_serving_process(
    served: Server, query: str, headers: dict[str, str], method: str
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", _port(served), timeout=10)
    tag = _tag()
    try:
        lent = [_send(connection, method, f"{query} # {tag} {n}", headers) for n in range(4)]
    finally:
        connection.close()
    for number, answer in enumerate(lent):
        relayed = _relayed(served, _target(f"{query} # {tag} {number}"), headers)
        assert _comparable(answer) == _comparable(relayed)
        assert answer[0] == 200


def _send(
    connection: http.client.HTTPConnection, method: str, query: str, headers: dict[str, str]
) -> Answer:
    """A query as a GET, or a POST of the query itself (`application/sparql-query`)."""
    if method == "GET":
        return _ask(connection, _target(query), headers)
    posted = {**headers, "Content-Type": "application/sparql-query"}
    return _ask(connection, "/sparql", posted, "POST", query)


def test_a_lent_connection_answers_whatever_comes_on_it(served: Server) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", _port(served), timeout=10)
    tag = _tag()
    try:
        first = _ask(connection, _target(f"{SELECT} # {tag} a"), {"Accept": JSON})
        second = _ask(connection, _target(f"{SELECT} # {tag} b"), {"Accept": JSON})
        home = _ask(connection, "/", {"Accept": "text/html"})
        form = _ask(
            connection,
            "/sparql",
            {"Content-Type": "application/x-www-form-urlencoded", "Accept": JSON},
            "POST",
            urlencode({"query": f"{SELECT} # {tag} c"}),
        )
        head = _ask(connection, _target(f"{SELECT} # {tag} d"), {"Accept": JSON}, "HEAD")
        wrong = _ask(connection, _target(f"SELEKT * {{ }} # {tag}"), {"Accept": JSON})
        page = _ask(connection, "/sparql", {"Accept": "text/html"})
        repeat = [_ask(connection, _target(f"{SELECT} # {tag} a"), {"Accept": JSON}) for _ in "12"]
        time.sleep(IDLE_S * 1.5)  # the lease ends while idle; the connection stays open
        after = _ask(connection, _target(f"{SELECT} # {tag} e"), {"Accept": JSON})
    finally:
        connection.close()
    statuses = [a[0] for a in (first, second, home, form, head, wrong, page, *repeat, after)]
    assert statuses == [200, 200, 200, 200, 200, 400, 200, 200, 200, 200], statuses
    rows = [len(json.loads(a[2])["results"]["bindings"]) for a in (first, second, form, after)]
    assert rows == [7] * 4
    assert b"<html" in home[2].lower() and b"<form" in page[2].lower()
    assert head[2] == b"" and b"not a SPARQL query" in wrong[2] and b"\n" not in wrong[2].strip()
    assert repeat[0][2] == repeat[1][2] == first[2]


def test_pipelined_requests_on_a_lent_connection_are_answered_in_order(served: Server) -> None:
    tag = _tag()

    def get(target: str, accept: str = JSON) -> bytes:
        return f"GET {target} HTTP/1.1\r\nHost: x\r\nAccept: {accept}\r\n\r\n".encode()

    with socket.create_connection(("127.0.0.1", _port(served)), timeout=10) as sock:
        stream = sock.makefile("rb")
        sock.sendall(get(_target(f"{SELECT} # {tag} 1")))
        answers = [_read(stream)]
        sock.sendall(get(_target(f"{SELECT} # {tag} 2")))  # on the lent connection
        answers.append(_read(stream))
        sock.sendall(
            get(_target(f"{SELECT} # {tag} 3"))
            + get("/health", "application/json")
            + get(_target(f"{CONSTRUCT} # {tag} 4"), "text/turtle")
        )
        answers += [_read(stream) for _ in range(3)]
    assert [a[0] for a in answers] == [200] * 5
    assert [a[1].get("content-type", "").split(";")[0] for a in answers] == [
        JSON,
        JSON,
        JSON,
        "application/json",
        "text/turtle",
    ]


def _read(stream: object) -> tuple[int, dict[str, str], bytes]:
    """One response with a content-length from a buffered socket file."""
    status_line = stream.readline()  # type: ignore[attr-defined]
    status = int(status_line.split()[1])
    headers: dict[str, str] = {}
    while (line := stream.readline().decode("latin-1").strip()) != "":  # type: ignore[attr-defined]
        name, _, value = line.partition(":")
        headers[name.lower()] = value.strip()
    body = stream.read(int(headers["content-length"]))  # type: ignore[attr-defined]
    return status, headers, body


def test_a_lent_query_past_the_timeout_is_a_503_and_the_server_goes_on(served: Server) -> None:
    with httpx.Client(base_url=served.root, timeout=30) as client:
        assert client.get("sparql", params={"query": f"ASK {{}} # {_tag()}"}).status_code == 200
        start = time.monotonic()
        response = client.get("sparql", params={"query": HEAVY_ASK + f" # {_tag()}"})
        seconds = time.monotonic() - start
    assert response.status_code == 503, response.text
    assert "ran longer than 2 s" in response.text and seconds < TIMEOUT_S + SLACK_S
    assert response.headers.get("connection") == "close"
    health = httpx.get(served.url("health"), timeout=5)
    assert health.status_code == 200 and health.json()["query_workers"] == 2
    again = httpx.get(served.url("sparql"), params={"query": f"ASK {{}} # {_tag()}"}, timeout=5)
    assert again.status_code == 200


def test_more_connections_than_workers_are_all_answered(data: list[str], tmp_path: Path) -> None:
    """Each connection's query needs the one worker another connection holds: it is recalled."""
    server = start_server(tmp_path, data, "--workers", "1", "--timeout", "10")
    statuses: list[int] = []
    tag = _tag()
    try:
        connections = [
            http.client.HTTPConnection("127.0.0.1", _port(server), timeout=10) for _ in range(5)
        ]
        for round_number in range(6):  # in turn: every request needs the lent worker back
            for number, connection in enumerate(connections):
                query = f"{SELECT} # {tag} {round_number} {number}"
                statuses.append(_ask(connection, _target(query), {"Accept": JSON})[0])

        def client(number: int) -> None:  # and at once
            with httpx.Client(base_url=server.root, timeout=20) as http:
                for n in range(15):
                    query = f"{SELECT} # {tag} thread {number} {n}"
                    statuses.append(http.get(_target(query), headers={"Accept": JSON}).status_code)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        for connection in connections:
            connection.close()
    finally:
        stop(server.process)
    assert statuses == [200] * (30 + 75), sorted(set(statuses))


@pytest.mark.parametrize("processes", ["1", "2"])
def test_sigterm_stops_a_server_whose_connection_is_lent(
    data: list[str], tmp_path: Path, processes: str
) -> None:
    server = start_server(tmp_path, data, "--processes", processes)
    stopping = threading.Event()

    def busy_client() -> None:
        with httpx.Client(base_url=server.root, timeout=5) as client:
            number = 0
            while not stopping.is_set():
                number += 1
                try:
                    client.get(_target(f"ASK {{}} # {number}"))
                except httpx.HTTPError:
                    return

    thread = threading.Thread(target=busy_client, daemon=True)
    thread.start()
    try:
        time.sleep(1.0)
        server.process.send_signal(signal.SIGTERM)
        code = server.process.wait(timeout=15)
    finally:
        stopping.set()
        if server.process.poll() is None:
            stop(server.process)
    assert code == 0


def test_every_request_on_a_lent_connection_has_its_log_line(served: Server) -> None:
    tag = _tag()
    with httpx.Client(base_url=served.root, timeout=10) as client:
        for number in range(12):
            assert client.get(_target(f"ASK {{}} # {tag} {number}")).status_code == 200
    time.sleep(0.3)
    lines = [line for line in served.log.read_text().splitlines() if quote(tag) in line]
    assert len(lines) == 12, lines
    assert all('" 200 ' in line and line.startswith("127.0.0.1 ") for line in lines), lines


def _lent_socket(server: Server) -> tuple[socket.socket, object]:
    """A raw connection whose first query was answered (so it is lent), and its reader."""
    sock = socket.create_connection(("127.0.0.1", _port(server)), timeout=20)
    stream = sock.makefile("rb")
    target = _target(f"ASK {{}} # {_tag()}")
    sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    assert _read(stream)[0] == 200
    return sock, stream


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        # a head over 64 KiB: refused as on any connection
        (b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100_000, 431),
        # a body over the request limit
        (
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 100000\r\n\r\n" + b"#" * 100_000,
            413,
        ),
        # a control character in the path (the guard's 400, not the query's answer)
        (b"GET /sparql%0A?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        # an update, refused
        (b"GET /sparql?update=CLEAR%20ALL HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    ],
)
def test_a_lent_connection_keeps_every_guard(
    served: Server, request_bytes: bytes, status: int
) -> None:
    sock, stream = _lent_socket(served)
    with sock:
        sock.sendall(request_bytes)
        assert _read(stream)[0] == status


def test_a_request_trickled_on_a_lent_connection_is_closed_at_the_read_timeout(
    served: Server,
) -> None:
    """The worker gives the unfinished request back after 0.5 s; the serving process's own
    read deadline (10 s) then answers 408 and closes, as for any slow client."""
    sock, stream = _lent_socket(served)
    with sock:
        start = time.monotonic()
        sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n")
        time.sleep(1.0)
        sock.sendall(b"X-Slow: 1\r\n")
        assert _read(stream)[0] == 408
        assert 9 < time.monotonic() - start < 14


def test_a_lent_query_over_the_memory_cap_is_a_503_saying_so(
    data: list[str], tmp_path: Path
) -> None:
    server = start_server(tmp_path, data, "--timeout", "60", "--memory-limit", "200")
    try:
        with httpx.Client(base_url=server.root, timeout=90) as client:
            assert client.get(_target(f"ASK {{}} # {_tag()}")).status_code == 200
            response = client.get(_target(CROSS_PRODUCT))
            assert response.status_code == 503, response.text
            assert "200 MiB" in response.text and "--memory-limit" in response.text
            assert client.get(_target(f"ASK {{}} # {_tag()}")).status_code == 200
    finally:
        stop(server.process)
