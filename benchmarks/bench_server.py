"""Issue 4 speed figures: `learningcity serve` on a synthetic network of cities, over loopback.

Latency (p50/p99) and throughput of a 10-row SELECT, an HTML and a Turtle dereference, at 1 and
4 concurrent clients. Each client is its own process with a keep-alive connection and sends a
fixed number of requests, so a run is bounded; the server listens on 127.0.0.1 only.

Run: .venv/bin/python benchmarks/bench_server.py [--cities 1000] [--requests 2000]
(prints Markdown for docs/performance.md)
"""

from __future__ import annotations

import argparse
import multiprocessing
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent
SELECT = (
    "SELECT ?city ?label WHERE { ?city a lc:LearningCity ; rdfs:label ?label "
    'FILTER(lang(?label) = "en") } LIMIT 10'
)


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


def _client(root: str, path: str, headers: dict[str, str], count: int, queue) -> None:  # noqa: ANN001
    latencies = []
    with httpx.Client(base_url=root, headers=headers, timeout=30) as client:
        for _ in range(count):
            start = time.perf_counter()
            response = client.get(path)
            latencies.append(time.perf_counter() - start)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code} {response.text[:200]}")
    queue.put(latencies)


def measure(root: str, path: str, headers: dict[str, str], clients: int, requests: int) -> dict:
    """Warm up, then `requests` requests split over `clients` processes: p50, p99, req/s."""
    httpx.get(root + path, headers=headers).raise_for_status()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    per_client = requests // clients
    workers = [
        context.Process(target=_client, args=(root, path, headers, per_client, queue))
        for _ in range(clients)
    ]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    latencies = [value for _ in workers for value in queue.get(timeout=600)]
    elapsed = time.perf_counter() - start
    for worker in workers:
        worker.join(timeout=30)
    latencies.sort()
    return {
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "rps": len(latencies) / elapsed,
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=2000)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "network.ttl"
        data.write_text(synthetic_network(arguments.cities), encoding="utf-8")
        port = _free_port()
        root = f"http://127.0.0.1:{port}/"
        server = subprocess.Popen(
            [str(BIN / "learningcity"), "serve", str(data), "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait(root)
            scenarios = {
                "10-row SELECT (JSON)": (
                    "sparql?" + httpx.QueryParams({"query": SELECT}).__str__(),
                    {"Accept": "application/sparql-results+json"},
                ),
                "dereference, HTML": ("doc/city/c42", {"Accept": "text/html"}),
                "dereference, Turtle": ("doc/city/c42", {"Accept": "text/turtle"}),
            }
            print(
                f"`learningcity serve`, {arguments.cities} cities, loopback, "
                f"{arguments.requests} requests per cell\n"
            )
            print("| request | clients | p50 ms | p99 ms | req/s |")
            print("|---|---:|---:|---:|---:|")
            for name, (path, headers) in scenarios.items():
                for clients in (1, 4):
                    figures = measure(root, path, headers, clients, arguments.requests)
                    print(
                        f"| {name} | {clients} | {figures['p50']:.2f} | {figures['p99']:.2f} "
                        f"| {figures['rps']:,.0f} |"
                    )
        finally:
            server.terminate()
            server.wait(timeout=30)


def _wait(root: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(root + "health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


if __name__ == "__main__":
    main()
