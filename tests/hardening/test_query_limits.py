"""Hostile queries cost their worker, never the serving process or the other clients.

A real `learningcity serve` under `--timeout 2`: a query nested thousands of groups deep (it
overflowed the stack of the serving process on c227e75, which parsed it there), a heavy
data-independent ASK (evaluated over an empty store in the serving process, holding every
client) and a cross product (a worker grew to gigabytes). Each gets a 503 or 400 within the
timeout and some slack, while a concurrent small query keeps being answered quickly; a memory
cap stops a query before its timeout; a worker killed mid-query is a 503 and is replaced; and
workers die with their serving process, whatever killed it.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from hardening.test_worker_answers import Server, network, start_server
from processes import alive, children, stop

TIMEOUT_S = 2.0
SLACK_S = 1.5
CITIES = 100
DEEP = "SELECT * { " + "{ " * 5_000 + "?s ?p ?o " + "} " * 5_000 + "}"
HEAVY_ASK = (
    "ASK { "
    + " ".join(f"VALUES ?v{i} {{ {' '.join(map(str, range(60)))} }}" for i in range(5))
    + " FILTER(?v0 + ?v1 + ?v2 + ?v3 + ?v4 < 0) }"
)
CROSS_PRODUCT = "SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
MEMORY_LIMIT_MIB = 200
#: A small query sent by another client while an attack runs must be answered within this.
QUICK_S = 1.5
#: ... and a request the event loop answers alone (/health), while large pages are written.
HTML_QUICK_S = 0.6


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return [str(network(tmp_path_factory.mktemp("limits"), CITIES))]


@pytest.fixture(scope="module")
def served(data: list[str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_server(
        tmp_path_factory.mktemp("limits-server"),
        data,
        "--timeout",
        str(TIMEOUT_S),
        "--workers",
        "2",
    )
    try:
        yield server
    finally:
        stop(server.process)


def _post(server: Server, query: str, timeout: float = 30) -> httpx.Response:
    return httpx.post(
        server.url("sparql"),
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=timeout,
    )


class Bystander(threading.Thread):
    """Another client, sending small distinct queries (no cache hits) and timing each answer;
    with `health`, asking /health instead (no worker involved: the event loop alone)."""

    def __init__(self, server: Server, health: bool = False) -> None:
        super().__init__(daemon=True)
        self.server = server
        self.health = health
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self.done = threading.Event()

    def run(self) -> None:
        number = 0
        while not self.done.is_set():
            number += 1
            start = time.monotonic()
            try:
                response = (
                    httpx.get(self.server.url("health"), timeout=5)
                    if self.health
                    else _post(self.server, f"ASK {{ ?s ?p ?o }} # {number}", timeout=5)
                )
                if response.status_code != 200:
                    self.failures.append(f"{response.status_code} {response.text}")
            except httpx.HTTPError as error:
                self.failures.append(repr(error))
            self.latencies.append(time.monotonic() - start)
            time.sleep(0.05)


@pytest.mark.parametrize(
    ("name", "query", "statuses"),
    [
        ("deep nesting", DEEP, {400, 503}),
        ("data-independent ASK", HEAVY_ASK, {503}),
        ("cross product", CROSS_PRODUCT, {503}),
    ],
)
def test_an_attack_costs_its_worker_only(
    served: Server, name: str, query: str, statuses: set[int]
) -> None:
    pid = served.process.pid
    bystander = Bystander(served)
    bystander.start()
    try:
        time.sleep(0.3)
        start = time.monotonic()
        response = _post(served, query)
        seconds = time.monotonic() - start
        time.sleep(0.3)
    finally:
        bystander.done.set()
        bystander.join(timeout=10)
    assert response.status_code in statuses, (name, response.status_code, response.text)
    assert "\n" not in response.text.strip() and len(response.text) < 400
    assert seconds < TIMEOUT_S + SLACK_S, (name, seconds)
    assert served.process.poll() is None and served.process.pid == pid
    assert not bystander.failures, bystander.failures
    assert max(bystander.latencies) < QUICK_S, (name, max(bystander.latencies))
    health = httpx.get(served.url("health"), timeout=5)
    assert health.status_code == 200 and health.json()["query_workers"] == 2


def test_a_large_html_results_page_is_written_off_the_event_loop(
    data: list[str], tmp_path: Path
) -> None:
    """A 10,000-row results table took the serving process over a second to render."""
    served = start_server(tmp_path, data, "--timeout", "30")
    bystander = Bystander(served, health=True)
    bystander.start()
    try:
        pages = [
            httpx.post(
                served.url("sparql"),
                data={"query": f"SELECT * {{ ?s ?p ?o }} # page {n}"},
                headers={"Accept": "text/html"},
                timeout=30,
            )
            for n in range(3)
        ]
    finally:
        bystander.done.set()
        bystander.join(timeout=10)
        stop(served.process)
    assert [p.status_code for p in pages] == [200] * 3, [p.status_code for p in pages]
    assert all(p.text.count("<tr") >= 10_000 for p in pages)
    assert not bystander.failures, bystander.failures
    assert max(bystander.latencies) < HTML_QUICK_S, max(bystander.latencies)


def test_a_worker_holds_only_its_own_socket_and_default_stop_signals(served: Server) -> None:
    """No listening socket, no other worker's socket or recall pipe kept open by a worker (only
    its own socket and the read end of its own recall pipe); SIGINT and SIGTERM not caught
    (uvicorn's graceful handlers were inherited: SIGTERM did not stop a worker)."""
    pipes = []
    for worker in _wait_for_children(served.process.pid, 2):
        descriptors = {
            int(fd.name): str(fd.readlink()) for fd in Path(f"/proc/{worker}/fd").iterdir()
        }
        beyond_stdio = sorted(target for number, target in descriptors.items() if number > 2)
        assert [target.split(":")[0] for target in beyond_stdio] == ["pipe", "socket"], descriptors
        pipes.append(beyond_stdio[0])
        status = Path(f"/proc/{worker}/status").read_text()
        caught = int(
            next(line for line in status.splitlines() if line.startswith("SigCgt:"))[7:], 16
        )
        for number in (signal.SIGINT, signal.SIGTERM):
            assert not caught & (1 << (number - 1)), f"worker catches {number.name}"
    assert len(set(pipes)) == 2, pipes  # each its own


def test_a_worker_killed_while_idle_costs_no_query(served: Server) -> None:
    workers = _wait_for_children(served.process.pid, 2)
    for worker in workers:
        os.kill(worker, signal.SIGKILL)
    time.sleep(0.2)
    answers = [_post(served, f"ASK {{ ?s ?p ?o }} # idle {n}", timeout=10) for n in range(4)]
    assert [a.status_code for a in answers] == [200] * 4
    assert not set(workers) & set(children(served.process.pid))


def test_the_memory_cap_stops_a_query_before_its_timeout(data: list[str], tmp_path: Path) -> None:
    server = start_server(
        tmp_path, data, "--timeout", "60", "--memory-limit", str(MEMORY_LIMIT_MIB)
    )
    try:
        start = time.monotonic()
        response = _post(server, CROSS_PRODUCT, timeout=90)
        seconds = time.monotonic() - start
        assert response.status_code == 503, response.text
        assert f"{MEMORY_LIMIT_MIB} MiB" in response.text and "--memory-limit" in response.text
        assert seconds < 30
        assert _post(server, "ASK { ?s ?p ?o }").status_code == 200
    finally:
        stop(server.process)


def _wait_for_children(pid: int, count: int) -> list[int]:
    """The children of `pid` once there are `count` (a serving process forks its workers when
    its application starts, a moment after another process answered /health)."""
    deadline = time.monotonic() + 20
    while len(found := children(pid)) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


def _busy(workers: list[int], seconds: float = 0.5) -> int:
    """The worker that used the most CPU over `seconds` (the one running a query)."""

    def cpu(pid: int) -> int:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])

    before = {pid: cpu(pid) for pid in workers}
    time.sleep(seconds)
    return max(workers, key=lambda pid: cpu(pid) - before[pid])


def _heavy(server: Server, lent: bool) -> httpx.Response:
    """HEAVY_ASK posted on a connection of its own, or sent as a GET on a connection whose
    first query lent it to a worker (`learningcity.server.lease`)."""
    if not lent:
        return _post(server, HEAVY_ASK)
    with httpx.Client(base_url=server.root, timeout=30) as client:
        client.get("sparql", params={"query": "ASK {} # the first, answered directly"})
        return client.get("sparql", params={"query": HEAVY_ASK})


@pytest.mark.parametrize("lent", [False, True])
def test_a_worker_killed_mid_query_is_a_503_and_replaced(
    data: list[str], tmp_path: Path, lent: bool
) -> None:
    server = start_server(tmp_path, data, "--timeout", "20", "--workers", "2")
    try:
        workers = _wait_for_children(server.process.pid, 2)
        assert len(workers) == 2
        result: dict[str, httpx.Response] = {}
        asking = threading.Thread(target=lambda: result.update(slow=_heavy(server, lent)))
        asking.start()
        time.sleep(0.5)
        os.kill(_busy(workers), signal.SIGSEGV)
        asking.join(timeout=30)
        assert result["slow"].status_code == 503
        assert "crashed its worker process (signal SIGSEGV)" in result["slow"].text
        assert _post(server, "ASK { ?s ?p ?o }", timeout=5).status_code == 200
        assert httpx.get(server.url("health"), timeout=5).json()["query_workers"] == 2
    finally:
        stop(server.process)


@pytest.mark.parametrize("processes", [1, 2])
@pytest.mark.parametrize("signum", [signal.SIGSEGV, signal.SIGKILL])
def test_workers_die_with_their_serving_process(
    data: list[str], tmp_path: Path, processes: int, signum: int
) -> None:
    server = start_server(tmp_path, data, "--processes", str(processes), "--workers", "2")
    try:
        top = server.process.pid
        serving = [top] if processes == 1 else _wait_for_children(top, processes)
        assert len(serving) == processes
        workers = _wait_for_children(serving[0], 2)
        assert len(workers) == 2
        os.kill(serving[0], signum)
        deadline = time.monotonic() + 5
        while any(map(alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.1)
        orphans = [w for w in workers if alive(w)]
        assert not orphans, f"{len(orphans)} query workers outlived their serving process"
        if processes > 1:  # the supervisor replaced the serving process; the port answers
            assert len(_wait_for_children(top, processes)) == processes
            assert _post(server, "ASK { ?s ?p ?o }", timeout=10).status_code == 200
    finally:
        stop(server.process)
