"""Servers that tests start on 127.0.0.1: a free port to bind, and a stop that always ends them."""

from __future__ import annotations

import socket
import subprocess


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
