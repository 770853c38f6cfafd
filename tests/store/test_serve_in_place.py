"""`learningcity serve --store DIR` serves the store `learningcity load` built in place, read-only,
under the base it was built for: real processes of the installed command, a real store, curl-like
requests. The same answers as `serve FILE` under that base; the ETag follows the data across a
rebuild; a store built for another base, written by another program or built before stores
recorded what serving needs is refused in one line; query workers open the store themselves
(one killed is replaced and answers); SIGTERM stops the server and its workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from learningcity.errors import ExitCode
from processes import alive, children, free_port, stop, wait_until_healthy
from support import REPO

LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))
YONGSAN = REPO / "data" / "yongsan.ttl"
CITY = "id/city/kr-yongsan-gu"
JSON_RESULTS = {"Accept": "application/sparql-results+json"}
#: Over the data (its IRIs as served, a string made of one) and over the vocabulary's graphs.
QUERIES = (
    "SELECT ?s ?p ?o { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 200",
    "SELECT (STR(?s) AS ?iri) { ?s a ?type } ORDER BY ?iri LIMIT 20",
    "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
)


def load(data: Path, store: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LEARNINGCITY, "load", str(data), "--store", str(store), *options],
        capture_output=True,
        text=True,
        timeout=120,
    )


class Server:
    """A `learningcity serve ARGS` process on `port`; `root` once it is healthy."""

    def __init__(self, port: int, *args: str) -> None:
        self.root = f"http://127.0.0.1:{port}/"
        self.process = subprocess.Popen(
            [LEARNINGCITY, "serve", *args, "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def __enter__(self) -> Server:
        try:
            wait_until_healthy(self.root, self.process)
        except BaseException:
            stop(self.process)
            raise
        return self

    def __exit__(self, *_: object) -> None:
        stop(self.process)

    def select(self, query: str) -> httpx.Response:
        return httpx.post(self.root + "sparql", data={"query": query}, headers=JSON_RESULTS)

    def document(self, accept: str = "text/turtle") -> httpx.Response:
        return httpx.get(self.root + CITY, headers={"Accept": accept}, follow_redirects=True)


def refusal(*args: str) -> str:
    """The stderr of a `serve` that must refuse to start (exit 2, one line, no traceback)."""
    return refusal_of("serve", *args, "--port", str(free_port()))


def refusal_of(*args: str) -> str:
    """The stderr of a command that must refuse its input (exit 2, one line, no traceback)."""
    done = subprocess.run([LEARNINGCITY, *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == ExitCode.BAD_INPUT, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr
    return done.stderr


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def store(tmp_path: Path, port: int) -> Path:
    """Yongsan in a store built for http://127.0.0.1:PORT/id/."""
    directory = tmp_path / "store"
    built = load(YONGSAN, directory, "--public-base", f"http://127.0.0.1:{port}/id/")
    assert built.returncode == ExitCode.OK, built.stderr
    return directory


def test_a_store_answers_as_its_file_does_under_the_same_base(store: Path, port: int) -> None:
    base = f"http://127.0.0.1:{port}/id/"
    with Server(free_port(), str(YONGSAN), "--public-base", base) as from_file:
        expected = [from_file.select(q).json() for q in QUERIES]
        health = httpx.get(from_file.root + "health").json()
        page = from_file.document("text/html")
    with Server(port, "--store", str(store)) as in_place:
        assert [in_place.select(q).json() for q in QUERIES] == expected
        assert httpx.get(in_place.root + "health").json() == health
        served = in_place.document("text/html")
        assert served.status_code == 200
        assert served.text == page.text  # no literal of this page is rewritten by a Store
        assert f"@prefix city: <{base}city/>" in in_place.document().text


def test_the_etag_holds_across_restarts_and_follows_a_rebuild(
    store: Path, port: int, tmp_path: Path
) -> None:
    with Server(port, "--store", str(store)) as server:
        first = server.document()
        tag = first.headers["etag"]
        again = httpx.get(
            first.url, headers={"Accept": "text/turtle", "If-None-Match": tag}
        )  # fmt: skip
        assert again.status_code == 304
    with Server(port, "--store", str(store)) as server:
        assert server.document().headers["etag"] == tag
    changed = tmp_path / "changed.ttl"
    changed.write_text(
        YONGSAN.read_text(encoding="utf-8").replace("Yongsan-gu", "Yongsan-gu (changed)"),
        encoding="utf-8",
    )
    base = f"http://127.0.0.1:{port}/id/"
    assert load(changed, store, "--public-base", base).returncode == ExitCode.OK
    with Server(port, "--store", str(store)) as server:
        rebuilt = server.document()
        assert "Yongsan-gu (changed)" in rebuilt.text
        assert rebuilt.headers["etag"] != tag


def test_a_store_built_for_another_base_is_refused(store: Path, port: int) -> None:
    other = "http://127.0.0.1:1/id/"
    message = refusal("--store", str(store), "--public-base", other)
    assert f"built to be served under http://127.0.0.1:{port}/id/, not {other}" in message
    assert f"--public-base {other}" in message  # how to rebuild it for that base
    message = refusal("--store", str(store), "--base", "https://example.org/id/")
    assert "give --base https://example.org/id/ to `learningcity load`" in message


def test_a_store_written_by_another_program_is_refused(store: Path) -> None:
    database = ox.Store(str(store / "oxigraph"))
    database.add(ox.Quad(ox.NamedNode("urn:x"), ox.NamedNode("urn:p"), ox.Literal("new")))
    del database
    message = refusal("--store", str(store))
    assert f"{store}: the store is damaged (its files changed since `learningcity load`" in message
    assert f"learningcity load DATA... --store {store}" in message
    assert "its files changed" in refusal_of("query", "--name", "mayor", "--store", str(store))


def test_a_store_only_opened_for_writing_is_refused(store: Path) -> None:
    database = ox.Store(str(store / "oxigraph"))  # opened read-write, nothing added
    del database
    assert "its files changed" in refusal_of("query", "--name", "mayor", "--store", str(store))


def test_a_copy_that_keeps_the_times_is_the_same_store(store: Path, tmp_path: Path) -> None:
    """`cp -a` (as docs/remote.md says; a copy with new times reads as a store changed in
    place, which a data block garbled without a change of size is too)."""
    copy = tmp_path / "copy"
    subprocess.run(["cp", "-a", str(store), str(copy)], check=True)
    answers = [
        subprocess.run(
            [LEARNINGCITY, "query", "--name", "mayor", "--store", str(where)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        for where in (store, copy)
    ]
    assert [a.returncode for a in answers] == [ExitCode.OK, ExitCode.OK], answers[1].stderr
    assert answers[0].stdout == answers[1].stdout != ""


def test_a_store_of_an_earlier_version_is_refused(store: Path) -> None:
    (store / "served.json").unlink()
    assert "built by an earlier learningcity" in refusal("--store", str(store))
    info = subprocess.run(
        [LEARNINGCITY, "info", "--store", str(store)], capture_output=True, timeout=60
    )
    assert info.returncode == ExitCode.OK  # still read by the other commands


def test_the_other_commands_read_the_data_without_the_vocabulary(tmp_path: Path) -> None:
    directory = tmp_path / "store"
    assert load(YONGSAN, directory).returncode == ExitCode.OK
    exported = subprocess.run(
        [LEARNINGCITY, "export", "--store", str(directory), "--format", "nquads", "--stream"],
        capture_output=True,
        timeout=60,
    )
    assert exported.returncode == ExitCode.OK, exported.stderr
    from_file = subprocess.run(
        [LEARNINGCITY, "export", str(YONGSAN), "--format", "nquads", "--stream"],
        capture_output=True,
        timeout=60,
    )
    assert sorted(exported.stdout.splitlines()) == sorted(
        line for line in ox_lines(from_file.stdout)
    )


def ox_lines(nquads: bytes) -> list[bytes]:
    """The lines of `nquads` as a Store gives them back (literals in canonical form)."""
    canonical = ox.Store()
    canonical.load(nquads, format=ox.RdfFormat.N_QUADS)
    text = canonical.dump(format=ox.RdfFormat.N_QUADS)
    assert text is not None
    return text.splitlines()


def test_a_killed_worker_is_replaced_by_one_that_opens_the_store(store: Path, port: int) -> None:
    with Server(port, "--store", str(store), "--workers", "1", "--processes", "2") as server:
        assert server.select(QUERIES[0]).status_code == 200
        workers = [pid for serving in children(server.process.pid) for pid in children(serving)]
        assert workers, "no query worker found"
        for pid in workers:
            os.kill(pid, signal.SIGKILL)
        # dead before the next query: a loaded machine can take over a second to tear a worker
        # down, and a query sent to one still exiting gets a 503 naming its death (not the
        # replacement this test is about)
        deadline = time.monotonic() + 20
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        # until each serving process has answered, with its fresh worker (the kernel spreads
        # connections between the two as it likes: four requests could all go to one)
        for _ in range(40):
            answer = server.select(QUERIES[2])
            assert answer.status_code == 200, answer.text
            serving = children(server.process.pid)
            if all(children(one) for one in serving):
                break
        everyone = [
            pid for serving in children(server.process.pid) for pid in [serving, *children(serving)]
        ]
        assert len(everyone) == 4  # two serving processes, a worker each
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=20) == ExitCode.OK
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in everyone) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in everyone)
