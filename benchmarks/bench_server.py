"""Issue 4 speed figures: `learningcity serve` beside `oxigraph serve` and rdflib-endpoint.

All three serve the same synthetic network of cities on 127.0.0.1 and are driven by the same
load generator, `wrk` (C, epoll; one thread drives every connection, so the client is never the
bottleneck the way a Python client is). Each cell runs for a fixed duration at 1 and at 4
keep-alive connections; cells are interleaved server by server and repeated over rounds, so a
noisy machine slows every contender alike, and the figures are the medians over rounds.

Requests:
- a 10-row SELECT, the same query text every time (what a dashboard or a page embed sends; our
  server answers repeats from its result cache, as the data cannot change while it serves);
- the same SELECT with a distinct query text per request (a counter in a comment), which
  defeats every cache: the honest cost of running a query;
- an HTML and a Turtle dereference of one city (`learningcity serve` only: the peers have no
  dereferencing).

Run: .venv/bin/python benchmarks/bench_server.py [--cities 1000] [--duration 5] [--rounds 3]
     [--processes 2 1] [--before DIR] [--replot JSON]
     [--json benchmarks/.work/server.json] [--plot docs/performance-server.png]
Needs `wrk` (Debian: apt-get install wrk), the `oxigraph` CLI (pip package `oxigraph`) and
`rdflib-endpoint[cli]` in the same environment. Prints Markdown for docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx

from harness import machine
from wrk import free_port, run_wrk, running, wrk_script, wrk_version

BIN = Path(sys.executable).parent
PREFIXES = (
    "PREFIX lc: <https://w3id.org/learningcity/ontology#> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
)
SELECT = (
    PREFIXES + "SELECT ?city ?label WHERE { ?city a lc:LearningCity ; rdfs:label ?label "
    'FILTER(lang(?label) = "en") } LIMIT 10'
)
JSON_RESULTS = "application/sparql-results+json"
CONNECTIONS = (1, 4)


def synthetic_network(cities: int) -> str:
    """Turtle for `cities` learning cities: bilingual labels, a mayor, numbers, a practice."""
    lines = [
        "@prefix lc: <https://w3id.org/learningcity/ontology#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix schema: <https://schema.org/> .",
        "@prefix city: <https://w3id.org/learningcity/id/city/> .",
        "@prefix person: <https://w3id.org/learningcity/id/person/> .",
        "@prefix practice: <https://w3id.org/learningcity/id/practice/> .",
    ]
    for i in range(cities):
        lines.append(
            f'city:c{i} a lc:LearningCity, schema:City ; rdfs:label "City {i}"@en, "도시 {i}"@ko ;'
            f" lc:population {10_000 + i} ; lc:memberSince {2013 + i % 12} ;"
            f" schema:leader person:m{i} ; lc:practice practice:p{i} ;"
            f' rdfs:comment "{"A learning city with many programmes. " * 4}"@en .'
        )
        lines.append(f'person:m{i} a schema:Person ; schema:name "Mayor {i}"@en, "시장 {i}"@ko .')
        lines.append(f'practice:p{i} a lc:GoodPractice ; rdfs:label "Practice {i}"@en .')
    return "\n".join(lines) + "\n"


# -- the matrix cells ---------------------------------------------------------------------------


@dataclass
class Cell:
    """One (request, server, connections) measurement: medians over rounds."""

    request: str
    server: str
    connections: int
    rps: list[float] = field(default_factory=list)
    p50_ms: list[float] = field(default_factory=list)
    p99_ms: list[float] = field(default_factory=list)

    def median(self, name: str) -> float:
        return statistics.median(getattr(self, name))


def measure(
    url: str, script: Path, connections: int, duration: float
) -> tuple[float, float, float]:
    """(req/s, p50 ms, p99 ms) of one wrk run; any failed request fails the benchmark."""
    run = run_wrk(url, script, connections, duration)
    if run.error_statuses or run.socket_errors:
        raise RuntimeError(
            f"{url}: {run.error_statuses} error statuses, {run.socket_errors} socket errors"
        )
    return run.rps, run.p50_ms, run.p99_ms


# -- the servers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    name: str
    command: list[str]
    root: str  # ends in /
    sparql: str  # path of the SPARQL endpoint
    dereferences: bool = False
    env: dict[str, str] | None = None


OURS = "learningcity serve"
PEERS = ("oxigraph serve", "rdflib-endpoint")
#: `learningcity serve` run from another source tree (the code before a change), 1 process.
BEFORE = "learningcity serve, before"


def servers(
    data: Path, store: Path, processes: tuple[int, ...], before: Path | None
) -> list[Server]:
    subprocess.run(
        [str(BIN / "oxigraph"), "load", "--location", str(store), "--file", str(data)],
        check=True,
        capture_output=True,
    )
    ours = []
    for count in processes:
        port = free_port()
        ours.append(
            Server(
                f"{OURS} --processes {count}",
                [
                    str(BIN / "learningcity"),
                    "serve",
                    str(data),
                    "--port",
                    str(port),
                    "--processes",
                    str(count),
                ],
                f"http://127.0.0.1:{port}/",
                "sparql",
                dereferences=True,
            )
        )
    if before is not None:
        port = free_port()
        ours.append(
            Server(
                BEFORE,
                [
                    sys.executable,
                    "-c",
                    "from learningcity.cli import main; main()",
                    "serve",
                    str(data),
                    "--port",
                    str(port),
                ],
                f"http://127.0.0.1:{port}/",
                "sparql",
                dereferences=True,
                env={"PYTHONPATH": str(before)},
            )
        )
    oxi, rdfe = free_port(), free_port()
    return [
        *ours,
        Server(
            "oxigraph serve",
            [
                str(BIN / "oxigraph"),
                "serve-read-only",
                "--location",
                str(store),
                "--bind",
                f"127.0.0.1:{oxi}",
            ],
            f"http://127.0.0.1:{oxi}/",
            "query",
        ),
        Server(
            "rdflib-endpoint",
            [
                str(BIN / "rdflib-endpoint"),
                "serve",
                str(data),
                "--host",
                "127.0.0.1",
                "--port",
                str(rdfe),
            ],
            f"http://127.0.0.1:{rdfe}/",
            "",  # rdflib-endpoint answers SPARQL at its root
        ),
    ]


# -- the matrix --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    name: str
    kind: str  # "sparql", "sparql-distinct" or "deref"
    path: str  # a dereference path; SPARQL paths are built per server
    headers: dict[str, str]


REQUESTS = (
    Request("10-row SELECT, repeated", "sparql", "", {"Accept": JSON_RESULTS}),
    Request("10-row SELECT, distinct texts", "sparql-distinct", "", {"Accept": JSON_RESULTS}),
    Request("dereference, HTML", "deref", "doc/city/c42", {"Accept": "text/html"}),
    Request("dereference, Turtle", "deref", "doc/city/c42", {"Accept": "text/turtle"}),
)


def measure_all(
    all_servers: list[Server], folder: Path, duration: float, rounds: int
) -> list[Cell]:
    """Every cell, each round visiting the servers one after another (one server up at a time,
    so no idle server competes for the two cores)."""
    cells: dict[tuple[str, str, int], Cell] = {}
    for round_number in range(rounds):
        for server in all_servers:
            ready = server.root + server.sparql + "?query=" + quote("ASK {}")
            with running(server.command, ready, server.env):
                for request in REQUESTS:
                    if request.kind == "deref" and not server.dereferences:
                        continue
                    url, script = _plan(server, request, folder)
                    httpx.get(url, headers=request.headers, timeout=30).raise_for_status()
                    for connections in CONNECTIONS:
                        rps, p50, p99 = measure(url, script, connections, duration)
                        key = (request.name, server.name, connections)
                        cell = cells.setdefault(key, Cell(*key))
                        cell.rps.append(rps)
                        cell.p50_ms.append(p50)
                        cell.p99_ms.append(p99)
                        print(
                            f"round {round_number + 1}: {request.name} | {server.name} | "
                            f"{connections} conn: {rps:,.0f} req/s, p50 {p50:.2f} ms, "
                            f"p99 {p99:.2f} ms",
                            file=sys.stderr,
                        )
    return list(cells.values())


def _plan(server: Server, request: Request, folder: Path) -> tuple[str, Path]:
    script = folder / f"{abs(hash((server.name, request.name)))}.lua"
    if request.kind == "deref":
        url = server.root + request.path
        script.write_text(wrk_script(request.headers))
    elif request.kind == "sparql":
        url = server.root + server.sparql + "?query=" + quote(SELECT)
        script.write_text(wrk_script(request.headers))
    else:
        url = server.root + server.sparql + "?query=" + quote(SELECT + "\n# request ")
        path = "/" + url.split("/", 3)[3]
        script.write_text(wrk_script(request.headers, distinct_path=path))
    return url, script


# -- reporting ---------------------------------------------------------------------------------


def markdown(cells: list[Cell], arguments: argparse.Namespace, info: dict[str, str]) -> str:
    lines = [
        f"{arguments.cities} cities; wrk, 1 thread, {arguments.duration:g} s per cell, "
        f"median of {arguments.rounds} rounds.",
        "",
        "Machine: " + "; ".join(f"{k} {v}" for k, v in info.items()) + ".",
        "",
        "| request | server | conn | p50 ms | p99 ms | req/s |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for cell in sorted(cells, key=lambda c: (_order(c.request), c.connections, _rank(c.server))):
        lines.append(
            f"| {cell.request} | {cell.server} | {cell.connections} | "
            f"{cell.median('p50_ms'):.2f} | {cell.median('p99_ms'):.2f} | "
            f"{cell.median('rps'):,.0f} |"
        )
    lines += [
        "",
        "| request | server | conn | ÷ oxigraph serve | ÷ rdflib-endpoint |",
        "|---|---|---:|---:|---:|",
    ]
    by_key = {(c.request, c.server, c.connections): c for c in cells}
    ours = sorted({c.server for c in cells if c.server.startswith(OURS)}, key=_rank)
    for request in REQUESTS:
        if request.kind == "deref":
            continue
        for connections in CONNECTIONS:
            oxi = by_key[(request.name, PEERS[0], connections)].median("rps")
            rdfe = by_key[(request.name, PEERS[1], connections)].median("rps")
            for server in ours:
                mine = by_key[(request.name, server, connections)].median("rps")
                lines.append(
                    f"| {request.name} | {server} | {connections} | {mine / oxi:.2f}× "
                    f"| {mine / rdfe:.2f}× |"
                )
    return "\n".join(lines) + "\n"


def _order(request: str) -> int:
    return [r.name for r in REQUESTS].index(request)


def _rank(server: str) -> tuple[int, str]:
    """Ours first (most processes first), then the peers, then the before-figures."""
    if server == BEFORE:
        return (3, server)
    if server.startswith(OURS):
        return (0, chr(0x7F - int(server.rsplit(" ", 1)[1])))
    return (1 + PEERS.index(server), server) if server in PEERS else (2, server)


def plot(cells: list[Cell], path: Path) -> None:
    """Grouped bars of req/s (log scale), one panel per connection count, one group per request."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [r.name for r in REQUESTS]
    server_names = sorted({c.server for c in cells}, key=_rank)
    palette = ["#1b6ca8", "#5fa8d3", "#d1495b", "#66a182", "#aaaaaa"]
    by_key = {(c.request, c.server, c.connections): c for c in cells}
    figure, axes = plt.subplots(1, 2, figsize=(12, 4.8), sharey=True)
    width = 0.8 / len(server_names)
    for axis, connections in zip(axes, CONNECTIONS, strict=True):
        for offset, server in enumerate(server_names):
            xs, ys = [], []
            for index, name in enumerate(names):
                cell = by_key.get((name, server, connections))
                if cell is not None:
                    xs.append(index - 0.4 + width * (offset + 0.5))
                    ys.append(cell.median("rps"))
            bars = axis.bar(xs, ys, width, label=server, color=palette[offset % len(palette)])
            axis.bar_label(
                bars, labels=[f"{y:,.0f}" for y in ys], fontsize=6, rotation=90, padding=2
            )
        axis.axhline(2000, color="grey", linestyle=":", linewidth=1)
        axis.set_xticks(range(len(names)), [n.replace(", ", ",\n") for n in names], fontsize=8)
        axis.set_yscale("log")
        axis.set_ylim(10, 300_000)
        axis.set_title(f"{connections} connection{'s' if connections > 1 else ''}")
    axes[0].set_ylabel("requests per second (log scale; median of rounds)")
    axes[0].legend(fontsize=7, loc="upper left")
    figure.suptitle(
        "learningcity serve beside its peers: 1,000 cities, 127.0.0.1, wrk "
        "(dotted: the 2,000 req/s dereference target)",
        fontsize=10,
    )
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", type=int, default=1000)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per cell")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--processes",
        type=int,
        nargs="+",
        default=[2, 1],
        help="learningcity serve process counts to measure (each its own server)",
    )
    parser.add_argument(
        "--before",
        type=Path,
        help="also measure `learningcity serve` run from this source tree (PYTHONPATH), e.g. "
        "an older commit's src/ from `git archive`",
    )
    parser.add_argument("--json", type=Path, help="write the raw figures here")
    parser.add_argument("--plot", type=Path, help="write a PNG bar chart here")
    parser.add_argument(
        "--replot",
        type=Path,
        metavar="JSON",
        help="measure nothing: print the Markdown (and --plot) from a --json file of a run",
    )
    arguments = parser.parse_args()
    if arguments.replot:
        saved = json.loads(arguments.replot.read_text())
        cells = [Cell(**c) for c in saved["cells"]]
        for name in ("cities", "duration", "rounds"):
            setattr(arguments, name, float(saved["arguments"][name]))
        arguments.cities, arguments.rounds = int(arguments.cities), int(arguments.rounds)
        if arguments.plot:
            plot(cells, arguments.plot)
        print(markdown(cells, arguments, saved["machine"]))
        return
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        data = folder / "network.ttl"
        data.write_text(synthetic_network(arguments.cities), encoding="utf-8")
        all_servers = servers(
            data, folder / "oxigraph", tuple(arguments.processes), arguments.before
        )
        cells = measure_all(all_servers, folder, arguments.duration, arguments.rounds)
    info = {
        **machine("oxigraph", "rdflib-endpoint", "uvicorn", "uvloop", "httptools"),
        "wrk": wrk_version(),
    }
    if arguments.json:
        arguments.json.parent.mkdir(parents=True, exist_ok=True)
        arguments.json.write_text(
            json.dumps(
                {
                    "machine": info,
                    "arguments": {k: str(v) for k, v in vars(arguments).items()},
                    "cells": [c.__dict__ for c in cells],
                },
                indent=1,
            )
        )
    if arguments.plot:
        plot(cells, arguments.plot)
    print(markdown(cells, arguments, info))


if __name__ == "__main__":
    main()
