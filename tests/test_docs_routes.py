"""The docs describe the server truly: every route, response header and stated status that
README.md and docs/*.md give for it is asked of a real `learningcity serve` (the installed
command on data/yongsan.ttl, 127.0.0.1, its default loop). A described route that answers 404,
a described header that no answer carries, and a representation the server offers that no
document names all fail here (c227e75: `/ontology`, `/shapes` and `/policy-area/...` answered
404, `Content-Location` was never sent, `.nq` documents were served but named nowhere).

Nothing is copied from the docs: routes and headers are read from them on every run, so a new
sentence about the server is tested the day it is written. What the reader needs to know:

- a route is an IRI under `https://w3id.org/learningcity/` or the README's
  `http://127.0.0.1:8000/` (asked at the same path of the test server), or a code span that is
  an absolute path (`/sparql`, `GET /doc/X`); `X` or `…` (and `K/X`, kind and key) stands
  for any thing of the data;
- the sections about the servers `push` and `--endpoint` talk to (a heading naming them or
  remote endpoints, with its subsections) describe those servers' paths and headers
  (Virtuoso's `/sparql-auth`), not this one's; nor are an IRI ending in `/id/` (a base,
  which names no thing), a path with an empty segment, and file-system paths (`/etc/...`,
  `/dev/full`);
- a header is a code span naming a response field (`Vary`, `Content-Location`, an `X-` field),
  with the value it must hold when one is given (`X-Content-Type-Options: nosniff`), or a
  response field named in the prose by a name that is no English word (`ETag`, not "Link";
  `CORS` is `Access-Control-Allow-Origin`);
- a status is stated as "`/route` is answered `303 ...`".

docs/performance.md is left out: it reports measurement runs of three servers (two of them not
this one, such as `oxigraph serve`'s `/query`) on the benchmark's synthetic network
(`/doc/city/c42`); `benchmarks/bench_server.py` fails on any error status.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from learningcity import __version__
from processes import free_port, stop, wait_until_healthy
from support import REPO, SERVED_RDF_TYPES

COMMAND = Path(sys.executable).with_name("learningcity")
DOCUMENTS = sorted(
    p for p in [REPO / "README.md", *(REPO / "docs").glob("*.md")] if p.name != "performance.md"
)
DATA = REPO / "data" / "yongsan.ttl"
MAX_ROWS = 5
#: Where the docs' IRIs and the README's local server live; the test server answers for both.
ROOTS = ("https://w3id.org/learningcity/", "http://127.0.0.1:8000/")
IRI = re.compile("(?:" + "|".join(map(re.escape, ROOTS)) + r")(?:[^\s`'\"()<>\[\]|,*]|<[a-z]+>)*")
SPAN = re.compile(r"`([^`\n]+)`")
#: A heading about the servers `push` and `--endpoint` talk to.
OTHER_SIDE = re.compile(r"`push`|--endpoint|[Rr]emote endpoints")
STATED = re.compile(r"`([^`\n]+)`\s+(?:is\s+|are\s+)?answered\s+(?:with\s+)?[`*]*([1-5]\d\d)\b")
#: The docs write X or … for a thing's path under id/ (K/X: its kind and its key); <version>
#: is the release.
THING = "city/kr-yongsan-gu"
PLACEHOLDERS = ((r"\bK/X\b", THING), (r"\bX\b", THING), ("…", THING))
VERSION = "<version>"
#: Top-level folders of the Filesystem Hierarchy Standard: a path under one is a file's.
FILE_SYSTEM = frozenset({"bin", "dev", "etc", "home", "opt", "proc", "srv", "sys", "tmp", "usr"})
#: Response fields (RFC 9110, 9111, 8288; CORS in the Fetch standard) by name; fields a
#: client sends are not the server's to send (and `X-Forwarded-For` is a proxy's).
RESPONSE_FIELDS = frozenset(
    {
        "Access-Control-Allow-Headers",
        "Access-Control-Allow-Methods",
        "Access-Control-Allow-Origin",
        "Access-Control-Expose-Headers",
        "Access-Control-Max-Age",
        "Allow",
        "Cache-Control",
        "Content-Encoding",
        "Content-Language",
        "Content-Length",
        "Content-Location",
        "Content-Type",
        "ETag",
        "Last-Modified",
        "Link",
        "Location",
        "Retry-After",
        "Vary",
    }
)
REQUEST_FIELDS = frozenset({"X-Forwarded-For", "X-Forwarded-Host", "X-Requested-With"})
ALIASES = {"CORS": "Access-Control-Allow-Origin"}
#: In the prose, a field is recognized by a name that is no English word (`ETag`,
#: `Last-Modified`); `Link` or `Location` count in code spans only.
PROSE_FIELDS = sorted(f for f in RESPONSE_FIELDS if "-" in f or not f[1:].islower())
FIELD_NAME = re.compile(r"(?<![\w-])(" + "|".join([*PROSE_FIELDS, *ALIASES]) + r")(?![\w-])")
ACCEPTS = ("*/*", "text/html", *SERVED_RDF_TYPES)


@dataclass(frozen=True)
class Described:
    """Something a document says about the server, and where (for the failure message)."""

    document: str
    text: str

    def __str__(self) -> str:
        return f"{self.document}: {self.text}"


def _texts() -> Iterator[tuple[str, str]]:
    for document in DOCUMENTS:
        yield document.name, document.read_text(encoding="utf-8")


def route_of(written: str) -> str | None:
    """The path (from `/`) a documented IRI or path names on the test server, or None when it
    names no route (a base, an empty segment, a file)."""
    for root in ROOTS:
        if written.startswith(root):
            written = "/" + written[len(root) :]
    path = written.split("#", 1)[0].replace(VERSION, __version__)
    for pattern, value in PLACEHOLDERS:
        path = re.sub(pattern, value, path)
    segments = path.split("?", 1)[0].split("/")[1:]
    if not path.startswith("/") or path.endswith("/id/") or "" in segments[:-1]:
        return None
    return None if segments[0] in FILE_SYSTEM else path


def about_this_server(text: str) -> str:
    """`text` without its sections about the servers the commands talk to (a heading naming
    `push`, `--endpoint` or remote endpoints, with its subsections): their paths and headers
    are those servers' (Virtuoso's `/sparql-auth`, `X-SQL-State`)."""
    kept: list[str] = []
    skipping_below = 0
    for section in _sections(text):
        heading = section.split("\n", 1)[0]
        level = len(heading) - len(heading.lstrip("#")) if heading.startswith("#") else 0
        if skipping_below and level and level <= skipping_below:
            skipping_below = 0
        if level and OTHER_SIDE.search(heading):
            skipping_below = level
        if not skipping_below:
            kept.append(section)
    return "\n".join(kept)


def _sections(text: str) -> list[str]:
    """`text` cut at its headings (not at a `#` line inside a fenced code block)."""
    parts: list[str] = []
    current: list[str] = []
    fenced = False
    for line in text.splitlines():
        fenced ^= line.startswith("```")
        if line.startswith("#") and not fenced and current:
            parts.append("\n".join(current))
            current = []
        current.append(line)
    return [*parts, "\n".join(current)]


def documented_routes() -> list[tuple[Described, str]]:
    """Every route the docs name, but those they say are refused (`documented_statuses`
    checks those with their 4xx)."""
    refused = {route for _d, route, status in documented_statuses() if status >= 400}
    found: dict[str, Described] = {}
    for name, text in _texts():
        written = [m.group(0).rstrip(".;:") for m in IRI.finditer(text)]
        for span in SPAN.findall(about_this_server(text)):
            words = span.split()
            if words and words[0] in ("GET", "HEAD", "POST"):
                words = words[1:]
            if len(words) == 1 and words[0].startswith("/"):
                written.append(words[0])
        for each in written:
            route = route_of(each)
            if route is not None and route not in refused:
                found.setdefault(route, Described(name, each))
    return sorted(((described, route) for route, described in found.items()), key=str)


def documented_statuses() -> list[tuple[Described, str, int]]:
    stated = []
    for name, text in _texts():
        for written, status in STATED.findall(text):
            route = route_of(written)
            if route is not None:
                stated.append(
                    (Described(name, f"{written} is answered {status}"), route, int(status))
                )
    return stated


def documented_headers() -> list[tuple[Described, str, str | None]]:
    """(where, field name, value it must hold or None) for every response field described."""
    found: dict[tuple[str, str | None], Described] = {}
    for name, whole in _texts():
        text = about_this_server(whole)
        for span in SPAN.findall(text):
            field, colon, value = span.partition(": ")
            response = field in RESPONSE_FIELDS or field.startswith("X-")
            if response and field not in REQUEST_FIELDS and re.fullmatch(r"[\w-]+", field):
                found.setdefault((field, value if colon else None), Described(name, span))
        prose = SPAN.sub(" ", text)
        for match in FIELD_NAME.finditer(prose):
            field = ALIASES.get(match.group(1), match.group(1))
            found.setdefault((field, None), Described(name, match.group(1)))
    return sorted(((d, f, v) for (f, v), d in found.items()), key=lambda row: str(row[0]))


ROUTES = documented_routes()
HEADERS = documented_headers()
STATUSES = documented_statuses()


@dataclass
class Server:
    root: str
    answers: list[httpx.Response]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`learningcity serve` on the docs' data, asked every documented route once with each
    media type it offers (the answers are what the header checks read)."""
    port = free_port()
    log = tmp_path_factory.mktemp("docs-server") / "serve.log"
    argv = [str(COMMAND), "serve", str(DATA), "--port", str(port), "--max-rows", str(MAX_ROWS)]
    with log.open("wb") as stream:
        process = subprocess.Popen(argv, stdout=stream, stderr=subprocess.STDOUT)
    root = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(root + "/", process)
        with httpx.Client(base_url=root, timeout=30) as client:
            answers = [
                client.get(route, headers={"Accept": accept, "Origin": "https://example.org"})
                for _described, route in ROUTES
                for accept in ACCEPTS
            ]
            every_row = {"query": "SELECT * WHERE { ?s ?p ?o }"}
            answers += [
                client.get(route, params=every_row) for _d, route in ROUTES if route == "/sparql"
            ]
        yield Server(root, answers)
    finally:
        stop(process)


def test_the_docs_describe_routes_headers_and_statuses() -> None:
    """The reading above finds what the docs are known to say (so a broken reading cannot pass
    by finding nothing)."""
    routes = {route for _d, route in ROUTES}
    assert {"/sparql", "/ontology", "/shapes", "/policy-area/", "/.well-known/void"} <= routes
    assert {"Content-Location", "Vary", "X-Content-Type-Options"} <= {f for _d, f, _v in HEADERS}
    assert ("/id/city/kr-yongsan-gu", 303) in {(r, s) for _d, r, s in STATUSES}


@pytest.mark.parametrize(("described", "route"), ROUTES, ids=lambda x: str(x))
def test_a_documented_route_is_served(server: Server, described: Described, route: str) -> None:
    response = httpx.get(server.root + route, headers={"Accept": "*/*"}, timeout=30)
    assert 200 <= response.status_code < 400, f"{described} -> {route}: {response.status_code}"


@pytest.mark.parametrize(("described", "route", "status"), STATUSES, ids=lambda x: str(x))
def test_a_documented_status_is_answered(
    server: Server, described: Described, route: str, status: int
) -> None:
    response = httpx.get(server.root + route, headers={"Accept": "*/*"}, timeout=30)
    assert response.status_code == status, f"{described}: {route} -> {response.status_code}"


@pytest.mark.parametrize(("described", "field", "value"), HEADERS, ids=lambda x: str(x))
def test_a_documented_header_is_sent(
    server: Server, described: Described, field: str, value: str | None
) -> None:
    sent = [a.headers[field] for a in server.answers if field in a.headers]
    assert sent, f"{described}: no answer to a documented route carries {field}"
    if value is not None:
        assert any(value in each for each in sent), f"{described}: {field} is {sorted(set(sent))}"


def test_every_representation_the_server_offers_is_documented(server: Server) -> None:
    """The server lists each document's representations in its Link header; each extension is
    named in the docs (c227e75 served `.nq` and `.trig` that docs/iri-scheme.md did not list)."""
    offered = {
        match
        for answer in server.answers
        for match in re.findall(
            r"<[^>]*?(\.[a-z]+)>; rel=\"alternate\"", answer.headers.get("link", "")
        )
    }
    assert offered, "no answer listed its alternates"
    iri_scheme = (REPO / "docs" / "iri-scheme.md").read_text(encoding="utf-8")
    missing = {e for e in offered if f"`{e}`" not in iri_scheme}
    assert not missing, f"docs/iri-scheme.md does not name {sorted(missing)}"
