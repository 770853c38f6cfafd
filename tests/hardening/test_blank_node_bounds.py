"""Blank nodes that only their links to one another tell apart, through the installed command.

RDFC-1.0 canonical labels (every export, fmt, publish and served document) cost Oxigraph time that
grows as a cube or a factorial on such data: on c227e75 a chain of 300 blank nodes took 11.6 s
to export and a clique of 24 never ended. Each poisoned shape is now refused in one line naming
the input (exit 2) within seconds, nothing written and the source unchanged; ordinary blank
nodes are written exactly as before.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

import blank_shapes
from learningcity.errors import ExitCode
from processes import free_port, stop, wait_for_port
from support import REPO

LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))
SECONDS = 8  # a refusal takes under 2 s on a loaded core; c227e75 ran for 6 s to days
REFUSED = ["chain-300", "clique-24", "list-of-300-same-items", "chain-behind-a-unique-node"]


def run(*arguments: str, cwd: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    done = subprocess.run(
        [LEARNINGCITY, *arguments], cwd=cwd, capture_output=True, text=True, timeout=SECONDS
    )
    return done, time.monotonic() - started


def assert_refused(done: subprocess.CompletedProcess[str], seconds: float, source: str) -> None:
    assert done.returncode == ExitCode.BAD_INPUT, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert lines[0].startswith(f"learningcity: error: {source}: ")
    assert "blank nodes can be told apart only by their links" in lines[0]
    assert "limit of 2,500,000 steps" in lines[0] and "give them IRIs" in lines[0]
    assert seconds < SECONDS - 2


@pytest.mark.parametrize("shape", sorted(blank_shapes.POISONED))
def test_export_refuses_every_poisoned_shape_in_one_line(shape: str, tmp_path: Path) -> None:
    (tmp_path / "data.nt").write_text(blank_shapes.POISONED[shape])
    done, seconds = run("export", "data.nt", "-o", "out.ttl", cwd=tmp_path)
    assert_refused(done, seconds, "data.nt")
    assert not (tmp_path / "out.ttl").exists()


@pytest.mark.parametrize("shape", REFUSED)
def test_fmt_refuses_and_leaves_the_file_as_it_was(shape: str, tmp_path: Path) -> None:
    source = tmp_path / "data.ttl"
    source.write_text(blank_shapes.POISONED[shape])
    before = source.read_bytes()
    done, seconds = run("fmt", "data.ttl", cwd=tmp_path)
    assert_refused(done, seconds, "data.ttl")
    assert source.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.ttl"]


@pytest.mark.parametrize("shape", REFUSED)
def test_publish_refuses_before_writing_anything(shape: str, tmp_path: Path) -> None:
    (tmp_path / "data.nt").write_text(blank_shapes.POISONED[shape])
    done, seconds = run("publish", "data.nt", "--out", "site", cwd=tmp_path)
    assert_refused(done, seconds, "data.nt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.nt"]


def documents_only_poisoned() -> str:
    """Each blank node of a chain is the value of a distinct resource, so the data as a whole is
    labelled at once; but a resource's document holds its chain without the statements that
    point into it from the others, and there only the links tell the nodes apart."""
    return "".join(
        f"<https://w3id.org/learningcity/id/x{i}> <http://e/q> _:h{i} .\n" for i in range(300)
    ) + blank_shapes.chain(300, "h")


def test_publish_refuses_a_document_it_could_not_label(tmp_path: Path) -> None:
    (tmp_path / "data.nt").write_text(documents_only_poisoned())
    done, seconds = run("publish", "data.nt", "--out", "site", cwd=tmp_path)
    assert_refused(done, seconds, "data.nt: the document of <https://w3id.org/learningcity/id/x0>")
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("data", ["chain-300", "documents"])
def test_serve_refuses_at_start_up_in_one_line(data: str, tmp_path: Path) -> None:
    text = documents_only_poisoned() if data == "documents" else blank_shapes.POISONED[data]
    (tmp_path / "data.nt").write_text(text)
    done, seconds = run("serve", "data.nt", "--port", str(free_port()), cwd=tmp_path)
    assert_refused(done, seconds, "data.nt")


def test_a_construct_too_tangled_to_label_is_422_and_the_server_stays_up(tmp_path: Path) -> None:
    """Blank nodes each with a value of its own are served; a CONSTRUCT that drops the values
    leaves a chain only links tell apart: 422 in one line, at once, and the next query answers."""
    values = "".join(f'_:h{i} <http://e/v> "{i}" .\n' for i in range(300))
    (tmp_path / "data.nt").write_text(values + blank_shapes.chain(300, "h"))
    port = free_port()
    server = subprocess.Popen(
        [LEARNINGCITY, "serve", "data.nt", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port, server)
        tangled = "CONSTRUCT { ?a <http://e/p> ?b } WHERE { ?a <http://e/p> ?b }"
        status, body, seconds = _query(port, tangled)
        assert status == 422 and seconds < 5, body
        assert body.startswith("422 Unprocessable Content: the answer: 298 blank nodes")
        assert body.count("\n") <= 1
        status, body, _ = _query(port, "ASK { ?a <http://e/v> ?b }")
        assert status == 200 and "true" in body
    finally:
        stop(server)


def _query(port: int, query: str) -> tuple[int, str, float]:
    url = f"http://127.0.0.1:{port}/sparql?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "text/turtle, application/json"})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=SECONDS) as answer:
            return answer.status, answer.read().decode(), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), time.monotonic() - started


@pytest.mark.parametrize("shape", sorted(blank_shapes.ORDINARY))
def test_ordinary_blank_nodes_export_as_before(shape: str, tmp_path: Path) -> None:
    text = blank_shapes.ORDINARY[shape]
    (tmp_path / "data.nt").write_text(text)
    done, _ = run("export", "data.nt", "--format", "nt", "-o", "out.nt", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    dataset = ox.Dataset(ox.parse(text.encode(), format=ox.RdfFormat.N_TRIPLES))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    lines = sorted(set(ox.serialize(dataset, format=ox.RdfFormat.N_TRIPLES).splitlines(True)))
    assert (tmp_path / "out.nt").read_bytes() == b"".join(lines)  # what c227e75 wrote


def test_the_repository_data_and_a_generated_network_pass(tmp_path: Path) -> None:
    network = tmp_path / "network.ttl"
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "generate_network.py"), "100", "-o", str(network)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    files = [str(network), *map(str, sorted((REPO / "data").rglob("*.ttl")))]
    files += [str(REPO / "shapes" / "learningcity.shapes.ttl")]
    done, _ = run("fmt", "--check", *files, cwd=tmp_path)
    assert done.returncode in (ExitCode.OK, ExitCode.FAILED), done.stderr  # formatted, or not
    assert "blank nodes" not in done.stderr
    for syntax in ("turtle", "jsonld"):
        done, _ = run("export", *files, "--format", syntax, "-o", f"all.{syntax}", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
