"""`learningcity serve` on an address it cannot listen on (a port in use, an address of no
interface): one line and exit 2, before it says it is serving, with one serving process or
several (learningcity.server.run.listen)."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from learningcity.errors import ExitCode
from processes import serving
from support import LEARNINGCITY, REPO


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port another program listens on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]


@pytest.mark.parametrize("processes", ["1", "2"])
def test_a_port_in_use_is_one_line_before_serving(taken_port: int, processes: str) -> None:
    """With --processes 2 it was a traceback (OSError from bind, exit 1); with one, uvicorn's
    `ERROR: [Errno 98] ...` after the line `serving 304 statements at ...`, which never was."""
    done = subprocess.run(
        [
            LEARNINGCITY,
            "serve",
            str(REPO / "data" / "yongsan.ttl"),
            "--port",
            str(taken_port),
            "--processes",
            processes,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == ExitCode.BAD_INPUT, done.stderr[-2000:]
    assert done.stderr == (
        f"learningcity: error: cannot listen on 127.0.0.1:{taken_port} (address already in "
        "use); stop what listens there, or give another --port or --host\n"
    )


def test_an_address_of_no_interface_is_one_line() -> None:
    done = subprocess.run(
        [LEARNINGCITY, "serve", str(REPO / "data" / "yongsan.ttl"), "--host", "203.0.113.9"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == ExitCode.BAD_INPUT
    assert "cannot listen on 203.0.113.9:8000 (cannot assign requested address)" in done.stderr
    assert done.stderr.count("\n") == 1 and "serving" not in done.stderr


@pytest.mark.parametrize("command", ["serve", "preview"])
@pytest.mark.parametrize("host", ["not a host", "", "[::1]", "a..b", "-x.example"])
def test_a_host_that_is_no_address_is_one_line_naming_host(
    command: str, host: str, tmp_path: Path
) -> None:
    """`serve --host 'not a host'` went on to the base IRI made from it and blamed `--base`,
    which the user had not given: the line names --host and what it takes, before anything
    is read or served."""
    arguments = [str(tmp_path)] if command == "preview" else [str(REPO / "data" / "yongsan.ttl")]
    done = subprocess.run(
        [LEARNINGCITY, command, *arguments, "--host", host],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == ExitCode.BAD_INPUT, done.stderr
    assert done.stderr.startswith("learningcity: error: Invalid value for '--host': ")
    assert "is not an IP address or host name; give one like 127.0.0.1" in done.stderr
    assert done.stderr.count("\n") == 1 and "--base" not in done.stderr, done.stderr


def test_a_host_name_is_still_listened_on() -> None:
    with serving(str(REPO / "data" / "yongsan.ttl"), "--host", "localhost") as root:
        assert httpx.get(root + "health", timeout=10).status_code == 200
