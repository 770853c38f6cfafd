"""The HTTP load generator every server benchmark uses: `wrk`, and the servers it drives.

wrk is C on epoll; with one thread it drives every connection, so the client is never the
bottleneck the way a Python client is. Its Lua `done` hook prints one line of figures, parsed
here. wrk counts an answer with a status of 400 or more as a status error; socket errors
(connect, read, write, timeout) are counted apart. Debian: `apt-get install wrk`.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

#: wrk calls `done` once at the end; latencies are in microseconds.
_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.status,
    e.connect + e.read + e.write + e.timeout))
end
"""


def wrk_script(headers: dict[str, str], distinct_path: str | None = None) -> str:
    """A Lua script: fixed headers, and optionally a distinct path per request: a tag new to
    each script, then a counter. (A counter alone starts again at 1 in every run, so a server
    measured twice answered the second run's first requests from its cache.)"""
    lines = [f'wrk.headers["{name}"] = "{value}"' for name, value in headers.items()]
    if distinct_path is not None:
        lines += [
            "counter = 0",
            "request = function()",
            "  counter = counter + 1",
            f'  return wrk.format("GET", "{distinct_path}{secrets.token_hex(8)}-" .. counter)',
            "end",
        ]
    return "\n".join(lines) + "\n" + _DONE


@dataclass(frozen=True)
class WrkRun:
    """One wrk run: requests answered, req/s, latency percentiles, and the failures."""

    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    error_statuses: int  # answers with a status of 400 or more
    socket_errors: int


def run_wrk(url: str, script: Path, connections: int, duration: float) -> WrkRun:
    """One wrk run of `duration` seconds at `connections` keep-alive connections, one thread."""
    completed = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{duration:g}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=True,
    )
    line = next(x for x in completed.stdout.splitlines() if x.startswith("RESULT "))
    requests, micros, p50, p99, bad_status, broken = (int(x) for x in line.split()[1:])
    return WrkRun(requests, requests / (micros / 1e6), p50 / 1000, p99 / 1000, bad_status, broken)


def wrk_version() -> str:
    found = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return (found.stdout or found.stderr).split("[")[0].strip()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait(url: str, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up within {seconds:g} s")


@contextmanager
def running(
    command: list[str], ready_url: str, env: dict[str, str] | None = None, seconds: float = 300
) -> Iterator[subprocess.Popen[bytes]]:
    """A server process, answering `ready_url` before the body runs, always stopped after it."""
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **env} if env else None,
    )
    try:
        _wait(ready_url, process, seconds)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)
