"""Hostile and broken input: each case gets its documented exit code and one line, no traceback,
and the previous output stays intact."""

from __future__ import annotations

import errno
import gzip
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conformance.w3c import run_main
from learningcity.errors import ExitCode
from processes import catches

LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))
TRIPLE = '<http://example.org/s> <http://example.org/p> "v" .\n'


def _deep(opening: str, closing: str, depth: int, head: str = "", tail: str = "") -> bytes:
    return (head + opening * depth + closing * depth + tail).encode()


def _damaged_gzip() -> bytes:
    """A gzip member whose deflate stream is zeroed past its header: zlib.error, which is not
    an OSError (it ended in a traceback)."""
    triples = "".join(f'<http://e/s{i}> <http://e/p> "{i}" .\n' for i in range(500))
    packed = gzip.compress(triples.encode(), mtime=0)
    return packed[:20] + bytes(200) + packed[220:]


#: name -> (file name, content, exit code, text the one-line message holds)
BAD_FILES: dict[str, tuple[str, bytes, int, str]] = {
    "binary": ("noise.ttl", bytes(range(256)) * 8, ExitCode.BAD_INPUT, "noise.ttl:1:"),
    "damaged gzip": ("data.nt.gz", _damaged_gzip(), ExitCode.BAD_INPUT, "not a readable gzip"),
    "empty JSON-LD": ("empty.jsonld", b"", ExitCode.BAD_INPUT, "empty.jsonld:1:1:"),
    "UTF-8 byte-order mark": ("bom.ttl", b"\xef\xbb\xbf" + TRIPLE.encode(), 2, "bom.ttl:1:1:"),
    "UTF-16": ("utf16.ttl", TRIPLE.encode("utf-16"), ExitCode.BAD_INPUT, "UTF-8"),
    "Latin-1": ("latin1.ttl", TRIPLE.replace("v", "café").encode("latin-1"), 2, "UTF-8"),
    "wrong extension": ("turtle.nt", b"@prefix ex: <http://e/> .\nex:a ex:b ex:c .\n", 2, ":1:"),
    "unknown extension": ("data.txt", TRIPLE.encode(), ExitCode.BAD_INPUT, "--input-format"),
    "unknown prefix": ("prefix.ttl", b"ex:a ex:b ex:c .\n", ExitCode.BAD_INPUT, "prefix.ttl:1:"),
    "invalid IRI": ("iri.ttl", b"<http://ex ample/> <http://e/p> 1 .\n", 2, "iri.ttl:1:"),
    "invalid language tag": ("lang.ttl", b'<http://e/s> <http://e/p> "x"@1abc .\n', 2, ":1:"),
    "deep Turtle collections": (
        "deep.ttl",
        _deep("(", ")", 50_000, "<http://e/s> <http://e/p> ", " ."),
        ExitCode.BAD_INPUT,
        "nested more than",
    ),
    "deep JSON-LD": (
        "deep.jsonld",
        _deep('{"http://e/p": ', "}", 50_000),
        ExitCode.BAD_INPUT,
        "nested more than",
    ),
    "deep RDF/XML": (
        "deep.rdf",
        _deep(
            "<r:Description><e:p>",
            "</e:p></r:Description>",
            25_000,
            '<r:RDF xmlns:r="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/">',
            "</r:RDF>",
        ),
        ExitCode.BAD_INPUT,
        "nested more than",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_file_is_refused_in_one_line_by_the_installed_command(
    case: str, tmp_path: Path
) -> None:
    """A real process, so a parser crash (SIGSEGV on deep nesting) would show as a signal."""
    name, content, code, text = BAD_FILES[case]
    data = tmp_path / name
    data.write_bytes(content)
    previous = tmp_path / "out.nq"
    previous.write_text("previous\n")
    done = subprocess.run(
        [LEARNINGCITY, "export", str(data), "--format", "nquads", "-o", str(previous)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == code, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("learningcity: error: ") and text in done.stderr
    assert previous.read_text() == "previous\n"


def test_huge_literal_and_empty_turtle_are_data(tmp_path: Path) -> None:
    """An empty Turtle file is an empty graph; a 10 MB literal survives export unchanged."""
    empty = tmp_path / "empty.ttl"
    empty.write_text("")
    assert run_main("export", str(empty), "--format", "nt").code == ExitCode.OK
    huge = tmp_path / "huge.nt"
    value = "가나다 " * 1_500_000
    huge.write_text(f'<http://e/s> <http://e/p> "{value}" .\n', encoding="utf-8")
    run = run_main("export", str(huge), "--format", "nt")
    assert run.code == ExitCode.OK
    assert value in run.stdout


def test_ill_typed_dates_and_numbers_are_kept_as_written(tmp_path: Path) -> None:
    """RDF allows ill-typed literals; they are neither rejected nor "corrected" on export."""
    data = tmp_path / "typed.ttl"
    data.write_text(
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        '<http://e/s> <http://e/d> "2020-13-45"^^xsd:date ; <http://e/n> "twelve"^^xsd:integer .\n'
    )
    run = run_main("export", str(data), "--format", "nt")
    assert run.code == ExitCode.OK
    assert '"2020-13-45"^^' in run.stdout and '"twelve"^^' in run.stdout


@pytest.mark.parametrize("where", ["directory", "missing", "unreadable"])
def test_unusable_path_exits_2(where: str, tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "data.ttl"
    if where == "directory":
        target.mkdir()
    elif where == "unreadable":
        target.write_text(TRIPLE)
        target.chmod(0)
        if os.geteuid() == 0:  # root reads anything: make the read fail as it would for others
            real = Path.open

            def refuse(self: Path, *args: Any, **kwargs: Any) -> Any:
                if self == target:
                    raise PermissionError(errno.EACCES, "Permission denied")
                return real(self, *args, **kwargs)

            monkeypatch.setattr(Path, "open", refuse)
    run = run_main("validate", str(target))
    assert run.code == ExitCode.BAD_INPUT
    assert run.stderr.count("\n") == 1 and run.stderr.startswith(f"learningcity: error: {target}")


@pytest.mark.parametrize(
    ("failure", "code"),
    [(OSError(errno.ENOSPC, "No space left on device"), 3), (KeyboardInterrupt(), 130)],
)
def test_failed_write_leaves_the_previous_output(
    failure, code, tmp_path: Path, monkeypatch
) -> None:
    """A full disk (ENOSPC from fsync) or Ctrl-C mid-write: exit 3 or 130, old file intact."""
    data = tmp_path / "data.nt"
    data.write_text(TRIPLE)
    output = tmp_path / "out.ttl"
    output.write_text("previous\n")

    def fail(_descriptor: int) -> None:
        raise failure

    monkeypatch.setattr(os, "fsync", fail)
    run = run_main("export", str(data), "-o", str(output))
    assert run.code == code
    assert len(run.stderr.split()) > 1 and len(run.stderr.strip().splitlines()) == 1
    assert output.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.nt", "out.ttl"]


def _address_space(limit: int) -> Callable[[], None]:
    """A preexec_fn capping the command's address space (`ulimit -v`) at `limit` bytes, so that
    an endless read ends in the command's refusal at half of it, or in a MemoryError when the
    read is not bounded, never in the machine's OOM killer."""
    return lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


#: name -> (arguments, stdin): inputs that never end, for each reader of a file or stdin
ENDLESS = {
    "DATA": (["info", "--input-format", "nt", "/dev/zero"], None),
    "DATA on stdin": (["export", "--input-format", "nt", "-"], "/dev/zero"),
    "profile": (["import", "/dev/zero"], None),
    "query file": (["query", "-f", "/dev/zero"], None),
}


@pytest.mark.parametrize("case", list(ENDLESS))
def test_an_input_that_never_ends_is_refused_at_the_memory_bound(case: str) -> None:
    """`/dev/zero` (or an endless pipe) was read whole before parsing: 20 GiB and the OOM
    killer on a 23 GiB machine, a MemoryError traceback under `ulimit -v`. Refused at half of
    the memory the command may use: here 512 MiB of a 1 GiB address space."""
    arguments, stdin = ENDLESS[case]
    with Path(stdin or os.devnull).open("rb") as source:
        done = subprocess.run(
            [LEARNINGCITY, *arguments],
            stdin=source,
            capture_output=True,
            text=True,
            timeout=120,
            preexec_fn=_address_space(1 << 30),
        )
    assert done.returncode == ExitCode.BAD_INPUT, done.stderr[-2000:]
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "more than 512 MiB without an end" in done.stderr, done.stderr


def test_sigterm_while_reading_an_endless_input_stops_it(tmp_path: Path) -> None:
    """One read() of /dev/zero never returns to Python, so the SIGTERM handler never ran and
    the command read on until memory ran out. Signalled once it has read 32 MiB."""
    process = subprocess.Popen(
        [LEARNINGCITY, "info", "--input-format", "nt", "/dev/zero"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_address_space(4 << 30),
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            io_counts = Path(f"/proc/{process.pid}/io").read_text()
            read = int(io_counts.split("rchar:")[1].split()[0])
            if read > 32 << 20 and catches(process.pid, signal.SIGTERM):
                break
            time.sleep(0.005)
        signalled = time.monotonic()
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
        stopped = time.monotonic() - signalled
    finally:
        process.kill()
        process.wait()
    assert process.returncode == ExitCode.TERMINATED, stderr[-2000:]
    assert stderr == "learningcity: terminated (SIGTERM); outputs left as they were\n"
    assert stopped < 5, stopped
