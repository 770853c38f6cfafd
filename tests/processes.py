"""Servers that tests start on 127.0.0.1: a free port to bind, and a stop that always ends them."""

from __future__ import annotations

import os
import shutil
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_in_thread(server: socketserver.BaseServer) -> None:
    """Serve `server` from a daemon thread until `server.shutdown()`, which returns within 10 ms:
    the serving loop's default poll of 0.5 s made each test that stopped a server wait up to
    half a second (24 s of a suite run)."""
    threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True).start()


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
            time.sleep(0.02)  # a start waits half a poll on average
    raise RuntimeError(f"{process.args[0]} did not listen on port {port} within {seconds:g} s")


@contextmanager
def listening(
    command: list[str], stderr: int | None = subprocess.DEVNULL
) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """`command --port PORT` on a free port, once it accepts connections: the process and its
    port. Always stopped (`stop`), whether it ended by itself or not."""
    port = free_port()
    process = subprocess.Popen(
        [*command, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=stderr
    )
    try:
        wait_for_port(port, process)
        yield process, port
    finally:
        stop(process)


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
            time.sleep(0.05)
    raise AssertionError(f"the server did not start within {seconds:g} s")


@contextmanager
def serving(*args: str, log: Path | None = None) -> Iterator[str]:
    """A `learningcity serve ARGS` process on a free port; its root URL once it answers /health.
    Always stopped. Its output goes to `log` when given (to read after a failure), else nowhere."""
    port = free_port()
    command = [str(Path(sys.executable).with_name("learningcity")), "serve", *args]
    with Path(log or os.devnull).open("wb") as output:
        process = subprocess.Popen(
            [*command, "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    root = f"http://127.0.0.1:{port}/"
    try:
        wait_until_healthy(root, process)
        yield root
    finally:
        stop(process)


#: The `oxigraph` command the dev extra installs beside this Python.
OXIGRAPH = str(Path(sys.executable).with_name("oxigraph"))


@contextmanager
def oxigraph_serving(location: Path, *, read_only: bool = False) -> Iterator[str]:
    """`oxigraph serve` (or `serve-read-only`) of the store at `location` on a free port; its root
    URL (`/query`, `/store`, `/update` below it) once it accepts connections. Always stopped."""
    port = free_port()
    mode = "serve-read-only" if read_only else "serve"
    process = subprocess.Popen(
        [OXIGRAPH, mode, "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


#: Seconds a Virtuoso may take to answer its first query (measured: 14 s on an idle 2-core
#: machine, 37 s under a load of 8).
VIRTUOSO_START_SECONDS = 120
VIRTUOSO_INI = """\
[Database]
DatabaseFile = db/virtuoso.db
ErrorLogFile = db/virtuoso.log
LockFile = db/virtuoso.lck
TransactionFile = db/virtuoso.trx
xa_persistent_file = db/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = db/virtuoso-temp.db
TransactionFile = db/virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
CaseMode = 2
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 1
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {root}
ServerThreads = 4
MaxClientConnections = 4
[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 60
"""


class Virtuoso:
    """A running Virtuoso: the root of its HTTP server, and the port of its SQL server."""

    def __init__(self, url: str, sql_port: int) -> None:
        self.url = url
        self.sql_port = sql_port

    def sql(self, statement: str) -> None:
        """Run one SQL statement as dba through isql-vt."""
        done = subprocess.run(
            ["isql-vt", str(self.sql_port), "dba", "dba", f"exec={statement}"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0 and "Error" not in done.stdout, done.stdout + done.stderr


@contextmanager
def virtuoso_server(folder: Path, max_rows: int) -> Iterator[Virtuoso]:
    """Debian's Virtuoso 7 (installed by .ci/run) on free 127.0.0.1 ports, its database in
    `folder`, cutting answers at `max_rows` (`ResultSetMaxRows`); fails (never skips) if it is
    not installed. Always stopped."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        pytest.fail(
            "virtuoso-t is not installed: these tests push to Debian's virtuoso-opensource "
            "(scripts/install-test-packages.sh installs it)",
            pytrace=False,
        )
    (folder / "db").mkdir()
    sql, http = free_port(), free_port()
    root = folder / "vsp"
    root.mkdir()
    ini = VIRTUOSO_INI.format(sql=sql, http=http, root=root, max_rows=max_rows)
    (folder / "virtuoso.ini").write_text(ini)
    process = subprocess.Popen(
        [binary, "+foreground", "+configfile", "virtuoso.ini"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{http}"
    try:
        deadline = time.monotonic() + VIRTUOSO_START_SECONDS
        while True:
            assert process.poll() is None, (folder / "db" / "virtuoso.log").read_text()
            try:
                if httpx.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=2).is_success:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, (
                f"Virtuoso did not start in {VIRTUOSO_START_SECONDS} s"
            )
            time.sleep(0.25)
        yield Virtuoso(url, sql)
    finally:
        stop(process)


def children(pid: int) -> list[int]:
    """Living (not zombie) processes whose parent is `pid`, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Whether `pid` is a living process (not gone, not a zombie)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def catches(pid: int, number: int) -> bool:
    """Whether `pid` has a handler for signal `number` (its SigCgt mask, from /proc): a command
    signalled before the CLI installs its handlers dies by the signal instead of answering it,
    which on a loaded machine, where imports take seconds, a fixed delay cannot rule out."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    mask = next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(mask, 16) >> (number - 1) & 1)


def raw_answer_head(
    root: str, method: str, target: str, extra: bytes = b""
) -> tuple[int, dict[str, str]]:
    """The status and headers of `method target` sent to the server at `root` on a raw socket
    with the `extra` header lines, a Host among them (httpx would send neither a Host of
    another server nor a target starting with `//`); a POST carries a form with an ASK query."""
    address = urlsplit(root)
    body = b"query=ASK%7B%7D" if method == "POST" else b""
    with socket.create_connection((address.hostname, address.port), timeout=10) as client:
        client.sendall(
            f"{method} {target} HTTP/1.1\r\n".encode()
            + extra
            + b"Content-Type: application/x-www-form-urlencoded\r\n"
            + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body
        )
        reply = b""
        while b"\r\n\r\n" not in reply and (chunk := client.recv(65536)):
            reply += chunk
    status_line, *lines = reply.partition(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
    fields = (line.split(": ", 1) for line in lines)
    headers = {name.lower(): value for name, value in fields}
    return int(status_line.split()[1]), headers
