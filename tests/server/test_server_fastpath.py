"""The speed-ups keep behaviour: cached responses and answers are the very bytes and headers the
full stack gives, validators and variants still work on a cached resource, and several serving
processes share a port and stop together."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from learningcity.server.sparql import ResultCache
from learningcity.server.workers import Answer, Job
from processes import free_port

COMMAND = Path(sys.executable).parent / "learningcity"
DATA = Path(__file__).parent / "fixtures" / "city.ttl"
DOC_PATH = "doc/city/kr-yongsan-gu"
SELECT = "SELECT ?s WHERE { ?s a schema:City } LIMIT 3"


def test_a_repeated_read_is_answered_identically(http):
    first = http.get(DOC_PATH, headers={"Accept": "text/turtle", "Accept-Encoding": "identity"})
    second = http.get(DOC_PATH, headers={"Accept": "text/turtle", "Accept-Encoding": "identity"})
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    for name in ("etag", "vary", "link", "content-type", "cache-control", "last-modified"):
        assert first.headers[name] == second.headers[name]


def test_validators_still_give_304_on_a_cached_resource(http):
    fresh = http.get(DOC_PATH, headers={"Accept": "text/turtle", "Accept-Encoding": "identity"})
    http.get(DOC_PATH, headers={"Accept": "text/turtle", "Accept-Encoding": "identity"})
    again = http.get(
        DOC_PATH,
        headers={
            "Accept": "text/turtle",
            "Accept-Encoding": "identity",
            "If-None-Match": fresh.headers["etag"],
        },
    )
    assert again.status_code == 304
    assert again.headers["etag"] == fresh.headers["etag"]


def test_variants_do_not_mix_in_the_cache(http):
    """Each of Accept, Accept-Encoding, Accept-Language and Origin picks its own answer."""
    for _ in range(2):  # the second round is served from the cache
        turtle = http.get(DOC_PATH, headers={"Accept": "text/turtle"})
        html = http.get(DOC_PATH, headers={"Accept": "text/html"})
        korean = http.get(DOC_PATH, headers={"Accept": "text/html", "Accept-Language": "ko"})
        zipped = httpx.get(
            str(http.base_url) + DOC_PATH,
            headers={"Accept": "text/html", "Accept-Encoding": "gzip"},
        )
        cross = http.get(DOC_PATH, headers={"Accept": "text/turtle", "Origin": "https://x.org"})
        assert turtle.headers["content-type"].startswith("text/turtle")
        assert html.headers["content-type"].startswith("text/html")
        assert html.headers["content-language"] == "en"
        assert korean.headers["content-language"] == "ko"
        assert zipped.headers["content-encoding"] == "gzip"
        assert zipped.headers["etag"].endswith('-gzip"')
        assert zipped.content.lower().startswith(b"<!doctype html")  # httpx gunzipped it
        assert "access-control-allow-origin" not in turtle.headers
        assert cross.headers["access-control-allow-origin"] == "*"


def test_repeated_query_answers_are_the_same_and_post_agrees_with_get(http):
    accept = {"Accept": "application/sparql-results+json"}
    answers = [http.get("sparql", params={"query": SELECT}, headers=accept) for _ in range(2)]
    posted = http.post("sparql", data={"query": SELECT}, headers=accept)
    assert answers[0].status_code == answers[1].status_code == posted.status_code == 200
    assert answers[0].content == answers[1].content == posted.content
    assert len(answers[0].json()["results"]["bindings"]) == 1


def test_sparql_answers_get_the_headers_and_encoding_of_every_response(http):
    """/sparql's queries are answered before the middleware (sparql.SparqlEndpoint), a large
    answer gzipped in its worker: Vary, gzip from 1,024 bytes on and CORS as everywhere else,
    fresh and from the answers cache alike."""
    accept = {"Accept": "application/sparql-results+json"}
    large = "SELECT * WHERE { ?s ?p ?o }"
    for _ in range(2):  # the second round is served from the cache
        plain = http.get(
            "sparql", params={"query": large}, headers={**accept, "Accept-Encoding": "identity"}
        )
        zipped = httpx.get(
            str(http.base_url) + "sparql",
            params={"query": large},
            headers={**accept, "Accept-Encoding": "gzip"},
        )
        small = http.get(
            "sparql", params={"query": SELECT}, headers={**accept, "Accept-Encoding": "gzip"}
        )
        cross = http.get(
            "sparql", params={"query": SELECT}, headers={**accept, "Origin": "https://x.org"}
        )
        assert len(plain.content) >= 1024
        assert "content-encoding" not in plain.headers
        assert plain.headers["vary"] == "Accept, Accept-Encoding, Origin"
        assert zipped.headers["content-encoding"] == "gzip"
        assert zipped.headers["vary"] == "Accept, Accept-Encoding, Origin"
        assert int(zipped.headers["content-length"]) < len(plain.content)
        assert zipped.content == plain.content  # httpx gunzipped it
        assert "content-encoding" not in small.headers
        assert small.headers["vary"] == "Accept, Origin"
        assert "access-control-allow-origin" not in small.headers
        assert cross.headers["access-control-allow-origin"] == "*"
        assert "X-SPARQL-MaxRows" in cross.headers["access-control-expose-headers"]
        assert cross.content == small.content


def test_errors_are_not_cached(http):
    for _ in range(2):
        response = http.get("sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
        assert response.status_code == 400


def test_result_cache_keeps_within_its_budget():
    cache = ResultCache(max_bytes=10_000)
    answer = Answer(200, "application/sparql-results+json", b"x" * 900)
    for index in range(100):
        cache.put(Job(f"q{index}", "*/*"), answer)
    assert cache.size <= 10_000
    assert cache.get(Job("q99", "*/*")) == answer
    assert cache.get(Job("q0", "*/*")) is None
    cache.put(Job("big"), Answer(200, "text/csv", b"x" * 5_000))  # over a tenth: not kept
    assert cache.get(Job("big")) is None


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def test_several_processes_share_the_port_and_stop_together(tmp_path):
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as stream:
        process = subprocess.Popen(
            [str(COMMAND), "serve", str(DATA), "--port", str(port), "--processes", "2"],
            stdout=stream,
            stderr=subprocess.STDOUT,
        )
    root = f"http://127.0.0.1:{port}/"
    serving: set[int] = set()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            try:
                if httpx.get(root + "health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        serving = _children(process.pid)
        assert len(serving) == 2
        with httpx.Client(base_url=root, timeout=15) as client:
            for _ in range(20):
                assert client.get(DOC_PATH, headers={"Accept": "text/turtle"}).status_code == 200
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        for pid in serving:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                continue
            os.kill(pid, signal.SIGKILL)
            pytest.fail(f"serving process {pid} outlived its parent")
