"""Run the W3C SPARQL 1.1 Protocol manifest against a real `learningcity serve`, as clients would.

The manifest (`../shared/testsuites/sparql-protocol/manifest.ttl`) writes each test as HTTP
requests: method, path, headers, body (with its character encoding) and what the response must
be (a status class, a result format, an ASK answer). `serving` starts the installed command on
the manifest's data (`data1.nt` ... `data3.nt`, each the named graph its `ut:graphData` label
names, given to `serve` as one N-Quads file); `run_test` sends the requests as written, the
manifest's `/sparql/` path replaced by the server's `/sparql` as the manifest says to. The
outcome of every test feeds `docs/conformance.md` (`section`).
"""

from __future__ import annotations

import contextlib
import json
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox

import processes
from conformance.w3c import SUITES_DIR
from support import shared

FOLDER = SUITES_DIR / "sparql-protocol"
MANIFEST = FOLDER / "manifest.ttl"
COMMAND = Path(sys.executable).with_name("learningcity")
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
HT = "http://www.w3.org/2011/http#"
CNT = "http://www.w3.org/2011/content#"
UT = "http://www.w3.org/2009/sparql/tests/test-update#"
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SPARQL_RESULTS = "http://www.w3.org/2005/sparql-results#"
#: What each `mf:expectedFormat` admits, as the manifest's test names list them.
EXPECTED_TYPES = {
    "boolean": ("application/sparql-results+xml", "application/sparql-results+json"),
    "tabular": (
        "application/sparql-results+xml",
        "application/sparql-results+json",
        "text/csv",
        "text/tab-separated-values",
    ),
    "RDF": ("application/rdf+xml", "text/turtle", "application/n-triples"),
}
RDF_PARSERS = {
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
}

#: Tests that cannot apply to a read-only endpoint, and why: each expects an update to succeed.
#: (The bad-request tests of the update operation do apply: a 4xx is what they expect, and a
#: read-only endpoint must refuse every update.) `not_applicable` checks this table against
#: the manifest: the tests it lists are exactly those whose requests expect an update done.
NOT_APPLICABLE: dict[str, str] = {
    "update_dataset_default_graph": "expects `using-graph-uri` with an update (CLEAR, INSERT) "
    "to succeed; the endpoint is read-only",
    "update_dataset_default_graphs": "as update_dataset_default_graph (two `using-graph-uri`)",
    "update_dataset_named_graphs": "as update_dataset_default_graph (`using-named-graph-uri`)",
    "update_dataset_full": "as update_dataset_default_graph (both parameters)",
    "update_post_form": "expects `update=CLEAR ALL` in a form POST to succeed; read-only",
    "update_post_direct": "expects `CLEAR ALL` as application/sparql-update to succeed; read-only",
    "update_base_uri": "expects an update (INSERT DATA with a relative IRI) to succeed; read-only",
}


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    statuses: frozenset[int]  # acceptable status classes (2, 3, 4)
    format: str | None  # mf:expectedFormat
    boolean: bool | None  # mf:expectedBoolean

    @property
    def updates(self) -> bool:
        """Whether this request is a SPARQL update (direct, or a form's `update=`)."""
        types = " ".join(value for name, value in self.headers if name.lower() == "content-type")
        return "sparql-update" in types or (self.body or b"").startswith(b"update=")


@dataclass(frozen=True)
class Test:
    name: str  # the entry's local name, e.g. query_post_form
    title: str  # mf:name
    requests: tuple[Request, ...]
    graphs: tuple[tuple[Path, str], ...]  # (data file, graph IRI) of ut:graphData

    @property
    def kind(self) -> str:
        if self.name.startswith("bad_"):
            return "bad request"
        return "update" if self.name.startswith("update_") else "query"

    @property
    def expects_an_update_done(self) -> bool:
        return any(r.updates and r.statuses <= {2, 3} for r in self.requests)


@dataclass(frozen=True)
class Outcome:
    test: Test
    passed: bool
    why: str = ""


class _Graph:
    """The manifest's triples, walked by subject and predicate."""

    def __init__(self, path: Path) -> None:
        self.edges: dict[object, dict[str, list[object]]] = {}
        for triple in ox.parse(path=path, base_iri=path.as_uri()):
            by_predicate = self.edges.setdefault(triple.subject, {})
            by_predicate.setdefault(triple.predicate.value, []).append(triple.object)

    def all(self, node: object, predicate: str) -> list[object]:
        return self.edges.get(node, {}).get(predicate, [])

    def one(self, node: object, predicate: str) -> object | None:
        found = self.all(node, predicate)
        return found[0] if found else None

    def text(self, node: object, predicate: str) -> str | None:
        found = self.one(node, predicate)
        return None if found is None else str(getattr(found, "value", found))

    def items(self, head: object) -> Iterator[object]:
        while head != ox.NamedNode(RDF + "nil"):
            yield self.one(head, RDF + "first")
            head = self.one(head, RDF + "rest")


def tests() -> list[Test]:
    """The manifest's entries, in manifest order."""
    graph = _Graph(shared(MANIFEST))
    manifest = ox.NamedNode(MANIFEST.as_uri())
    found = []
    for entry in graph.items(graph.one(manifest, MF + "entries")):
        action = graph.one(entry, MF + "action")
        requests = tuple(
            _request(graph, node) for node in graph.items(graph.one(action, HT + "requests"))
        )
        graphs = tuple(
            (
                Path(str(graph.text(data, UT + "graph")).removeprefix("file://")),
                str(graph.text(data, RDFS_LABEL)),
            )
            for data in graph.all(entry, UT + "graphData")
        )
        name = str(getattr(entry, "value", entry)).rpartition("#")[2]
        found.append(Test(name, str(graph.text(entry, MF + "name")), requests, graphs))
    return found


def _request(graph: _Graph, node: object) -> Request:
    headers = tuple(
        (str(graph.text(h, HT + "fieldName")), str(graph.text(h, HT + "fieldValue")))
        for h in graph.items(graph.one(node, HT + "headers") or ox.NamedNode(RDF + "nil"))
    )
    body_node = graph.one(node, HT + "body")
    body = None
    if body_node is not None:
        encoding = graph.text(body_node, CNT + "characterEncoding") or "UTF-8"
        body = str(graph.text(body_node, CNT + "chars")).encode(encoding)
    response = graph.one(node, HT + "resp")
    statuses = frozenset(
        int(str(getattr(s, "value", s)).removeprefix(HTS)[0])
        for s in graph.all(response, MF + "expectedStatus")
    )
    boolean = graph.text(response, MF + "expectedBoolean")
    path = str(graph.text(node, HT + "absolutePath"))
    return Request(
        str(graph.text(node, HT + "methodName")),
        "/sparql" + path.removeprefix("/sparql/"),
        headers,
        body,
        statuses,
        graph.text(response, MF + "expectedFormat"),
        None if boolean is None else boolean == "true",
    )


def not_applicable(every: list[Test]) -> dict[str, str]:
    """NOT_APPLICABLE, checked: its tests are exactly those expecting an update to be done."""
    expecting = {t.name for t in every if t.expects_an_update_done}
    assert expecting == set(NOT_APPLICABLE), (expecting, set(NOT_APPLICABLE))
    return NOT_APPLICABLE


def dataset_file(every: list[Test], folder: Path) -> Path:
    """The manifest's data as one N-Quads file: each data file in the graph its label names."""
    graphs = dict.fromkeys(pair for test in every for pair in test.graphs)
    quads = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(name))
        for path, name in graphs
        for t in ox.parse(path=path, format=ox.RdfFormat.N_TRIPLES)
    ]
    target = folder / "protocol-data.nq"
    target.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    return target


@contextlib.contextmanager
def serving(every: list[Test]) -> Iterator[str]:
    """A `learningcity serve` of the manifest's data on 127.0.0.1; yields its root URL."""
    with tempfile.TemporaryDirectory() as folder:
        data = dataset_file(every, Path(folder))
        with processes.serving(str(data), "--workers", "1", log=Path(folder) / "serve.log") as root:
            yield root


def run_test(test: Test, root: str) -> Outcome:
    """Send the test's requests in order; the first response that differs says why."""
    with httpx.Client(base_url=root.rstrip("/"), timeout=30) as client:
        for request in test.requests:
            response = client.request(
                request.method, request.path, headers=list(request.headers), content=request.body
            )
            why = _mismatch(request, response)
            if why:
                return Outcome(test, False, why)
    return Outcome(test, True)


def _mismatch(request: Request, response: httpx.Response) -> str:
    """What in `response` the manifest does not allow ("" when all is as expected)."""
    if response.status_code // 100 not in request.statuses:
        return f"status {response.status_code}: {response.text[:120]}"
    if request.format is None:
        return ""
    media = response.headers.get("content-type", "").split(";")[0].strip()
    if media not in EXPECTED_TYPES[request.format]:
        return f"{media} is not a {request.format} result"
    if request.format == "RDF":
        list(ox.parse(response.content, format=RDF_PARSERS[media]))
        return ""
    if request.format == "boolean":
        answer = _boolean(media, response.content)
        if request.boolean is not None and answer is not request.boolean:
            return f"answered {answer}, expected {request.boolean}"
    return ""


def _boolean(media: str, body: bytes) -> bool | None:
    if media.endswith("+json"):
        return json.loads(body).get("boolean")
    found = ET.fromstring(body).find(f"{{{SPARQL_RESULTS}}}boolean")
    return None if found is None else found.text == "true"


def run_all() -> list[Outcome]:
    """Every applicable test of the manifest against one fresh server."""
    every = tests()
    skipped = not_applicable(every)
    with serving(every) as root:
        return [run_test(test, root) for test in every if test.name not in skipped]


def section(outcomes: list[Outcome]) -> str:
    """The SPARQL protocol part of docs/conformance.md, from a run of `run_all`."""
    every = tests()
    skipped = not_applicable(every)
    kinds = ", ".join(
        f"{sum(t.kind == kind for t in every)} {kind}"
        for kind in ("query", "bad request", "update")
    )
    passed = sum(o.passed for o in outcomes)
    share = 100 * passed / len(outcomes)
    lines = [
        "## SPARQL 1.1 Protocol: `learningcity serve` at /sparql",
        "",
        "The W3C protocol manifest (`sparql-protocol/manifest.ttl`) runs against a real",
        "`learningcity serve` holding `data1.nt` … `data3.nt` as the named graphs the tests name",
        "(one N-Quads file); each request goes out as the manifest writes it (method, headers,",
        "body in its encoding), and the status class, result format and ASK answer must match",
        "(`tests/conformance/test_sparql_protocol.py`).",
        "",
        "| suite | tests | passed | not applicable |",
        "|---|---|---:|---:|",
        f"| SPARQL 1.1 Protocol | {kinds} | {passed}/{len(outcomes)} ({share:.1f}%) "
        f"| {len(skipped)} |",
        "",
        "### SPARQL 1.1 Protocol: not applicable to a read-only endpoint",
        "",
        "| test | why |",
        "|---|---|",
        *(f"| `{name}` | {why} |" for name, why in skipped.items()),
    ]
    failed = [o for o in outcomes if not o.passed]
    if failed:
        lines += ["", "| failed test | what the server did |", "|---|---|"]
        lines += [f"| `{o.test.name}` | {_cell(o.why)} |" for o in failed]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
