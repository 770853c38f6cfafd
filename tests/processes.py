"""Servers that tests start on 127.0.0.1: a free port to bind, and a stop that always ends them."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def stop(process: subprocess.Popen) -> None:
    """Terminate, then kill if it lingers: a test never leaves a server behind."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 20) -> None:
    """Return once `process` accepts connections on `port`; fail if it dies or takes too long."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{process.args[0]} did not listen on port {port} within {seconds:g} s")


def wait_until_healthy(root: str, process: subprocess.Popen, seconds: float = 60) -> None:
    """Return once the server at `root` answers its /health with 200: listening is not enough,
    a `learningcity serve` accepts connections before its query workers are ready."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the server exited with {process.returncode}"
        try:
            if httpx.get(root + "health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"the server did not start within {seconds:g} s")


@contextmanager
def serving(*args: str) -> Iterator[str]:
    """A `learningcity serve ARGS` process on a free port; its root URL once it answers /health.
    Always stopped."""
    port = free_port()
    command = [str(Path(sys.executable).with_name("learningcity")), "serve", *args]
    process = subprocess.Popen(
        [*command, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    root = f"http://127.0.0.1:{port}/"
    try:
        wait_until_healthy(root, process)
        yield root
    finally:
        stop(process)
