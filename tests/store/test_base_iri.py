"""`--base-iri` on the commands that hand the data to a server: `serve` answers with the IRIs
resolved against it, `push` uploads them so (to a real `oxigraph serve`); `serve --endpoint`
parses no DATA and refuses the option."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from learningcity.errors import ExitCode
from processes import free_port, stop, wait_until_healthy

LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))
BASE = "https://example.org/data/city.ttl"
ASK = "ASK { <https://example.org/data/x> <http://e.org/p> <https://example.org/y> }"


def relative_data(folder: Path) -> Path:
    path = folder / "city.ttl"
    path.write_text("<x> <http://e.org/p> <../y> .\n", encoding="utf-8")
    return path


def test_serve_answers_with_the_iris_resolved_against_the_base_iri(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [LEARNINGCITY, "serve", str(relative_data(tmp_path)), "--base-iri", BASE,
         "--port", str(port), "--workers", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    root = f"http://127.0.0.1:{port}/"
    try:
        wait_until_healthy(root, process)
        answer = httpx.get(
            root + "sparql",
            params={"query": ASK},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["boolean"] is True
    finally:
        stop(process)
    assert process.stderr is not None
    assert b"warning" not in process.stderr.read()


def test_serve_warns_at_start_when_the_files_own_iri_was_the_base(tmp_path: Path) -> None:
    port = free_port()
    data = relative_data(tmp_path)
    process = subprocess.Popen(
        [LEARNINGCITY, "serve", str(data), "--port", str(port), "--workers", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}/", process)
    finally:
        stop(process)
    assert process.stderr is not None
    first = process.stderr.read().decode().splitlines()[0]
    assert first.startswith(f"learningcity: warning: {data}: relative IRIs were resolved")


def test_push_uploads_the_iris_resolved_against_the_base_iri(server: str, tmp_path: Path) -> None:
    pushed = subprocess.run(
        [LEARNINGCITY, "push", str(relative_data(tmp_path)), "--base-iri", BASE,
         "--to", f"{server}/store", "--graph", "https://example.org/g"],
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    assert pushed.returncode == ExitCode.OK, pushed.stderr
    asked = subprocess.run(
        [LEARNINGCITY, "query", f"ASK {{ GRAPH ?g {{ {ASK[6:-2]} }} }}",
         "--endpoint", f"{server}/query"],
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    assert asked.returncode == ExitCode.OK, asked.stderr


def test_serve_endpoint_refuses_the_option() -> None:
    done = subprocess.run(
        [LEARNINGCITY, "serve", "--endpoint", "http://127.0.0.1:9/query", "--base-iri", BASE],
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == ExitCode.BAD_INPUT
    assert done.stderr.decode() == (
        "learningcity: error: --base-iri resolves relative IRIs of DATA files; drop it with "
        "--endpoint\n"
    )
