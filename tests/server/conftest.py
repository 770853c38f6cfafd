"""A real `learningcity serve` process on 127.0.0.1, started once per module and always stopped."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from processes import free_port, stop

FIXTURES = Path(__file__).parent / "fixtures"
DATA = FIXTURES / "city.ttl"
COMMAND = Path(sys.executable).parent / "learningcity"
TIMEOUT_S = 2.0


@dataclass(frozen=True)
class LiveServer:
    root: str
    process: subprocess.Popen[bytes]

    def url(self, path: str) -> str:
        return self.root + path.lstrip("/")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    with log.open("wb") as stream:
        process = subprocess.Popen(
            [
                str(COMMAND),
                "serve",
                str(DATA),
                "--port",
                str(port),
                "--timeout",
                str(TIMEOUT_S),
                "--workers",
                "2",
                "--max-rows",
                "5",
            ],
            stdout=stream,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    server = LiveServer(f"http://127.0.0.1:{port}/", process)
    try:
        _wait_until_up(server, log)
        yield server
    finally:
        stop(process)


def _wait_until_up(server: LiveServer, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited: {log.read_text()}")
        try:
            if httpx.get(server.url("health"), timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"the server did not start in 30 s: {log.read_text()}")


@pytest.fixture
def http(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.root, timeout=15) as client:
        yield client
