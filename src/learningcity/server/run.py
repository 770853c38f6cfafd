"""Running the application: one uvicorn process, or several sharing one listening socket.

One Python process answers on one core. A deployment on a machine with N cores runs N
processes behind one port, as gunicorn does: the parent loads the data and builds the
application once, binds the socket, then forks the serving processes, which inherit the
prepared data copy-on-write (nothing is loaded twice) and accept connections from the shared
socket (the kernel spreads them). Each serving process forks its own SPARQL workers when its
application starts. The parent only supervises: it replaces a serving process that dies, and
on SIGTERM or SIGINT stops them all.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import time

import uvicorn
from starlette.types import ASGIApp

from learningcity.errors import InputError, os_reason
from learningcity.host import die_with_parent
from learningcity.server.protocol import uvicorn_settings

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def _config(app: ASGIApp, host: str, port: int) -> uvicorn.Config:
    # Our own access log (learningcity.access) has sizes and timings; uvicorn's is off.
    # `loop="auto"` picks uvloop when installed (uvicorn[standard]); the protocol is httptools
    # (or h11), guarded (head size, read timeout, connection cap, response headers) and with
    # one write per response: learningcity.server.protocol decides those settings.
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        access_log=False,
        log_level="warning",
        **uvicorn_settings(),
    )


def serve(app: ASGIApp, listener: socket.socket, processes: int = 1) -> None:
    """Serve `app` on `listener` (`listen`) with `processes` serving processes; returns when
    stopped."""
    host, port = listener.getsockname()[:2]
    if processes <= 1:
        try:
            uvicorn.Server(_config(app, host, port)).run(sockets=[listener])
        finally:
            listener.close()
        return
    listener.listen(2048)
    listener.set_inheritable(True)
    children: set[int] = set()

    def stop(signum: int, frame: object) -> None:
        raise _Stop  # interrupts the blocking waitpid (PEP 475 would otherwise retry it)

    previous = {s: signal.signal(s, stop) for s in STOP_SIGNALS}
    try:
        for _ in range(processes):
            children.add(_fork_server(app, host, port, listener))
        while children:
            pid, _ = os.waitpid(-1, 0)
            if pid in children:
                children.discard(pid)
                time.sleep(0.5)  # a process that dies at once must not spin the parent
                children.add(_fork_server(app, host, port, listener))
    except (_Stop, ChildProcessError):
        pass
    finally:
        _stop_all(children)
        listener.close()
        for number, handler in previous.items():
            signal.signal(number, handler)


class _Stop(Exception):
    """SIGTERM or SIGINT reached the supervising parent."""


def listen(host: str, port: int) -> socket.socket:
    """The socket for host:port, bound before the command says it is serving: a port in use
    was a traceback with --processes 2, and with one process uvicorn's own two lines after
    "serving ... at" had been printed. Now `InputError`, one line. It listens once `serve`
    starts (uvicorn's server, or the parent of several), so a client that can connect finds
    the stop signals handled as a server's: a SIGTERM then is a normal stop, exit 0."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as error:
        listener.close()
        reason = os_reason(error)
        raise InputError(
            f"cannot listen on {host}:{port} ({reason.lower()}); "
            "stop what listens there, or give another --port or --host"
        ) from None
    return listener


def _fork_server(app: ASGIApp, host: str, port: int, listener: socket.socket) -> int:
    parent = os.getpid()
    pid = os.fork()
    if pid:
        return pid
    # The serving process: die with the parent, default signal handling (uvicorn installs
    # its own graceful-shutdown handlers), then serve until told to stop.
    code = 0
    try:
        die_with_parent(signal.SIGTERM, parent)
        for number in STOP_SIGNALS:
            signal.signal(number, signal.SIG_DFL)
        uvicorn.Server(_config(app, host, port)).run(sockets=[listener])
    except BaseException:  # a forked child must never return into the parent's code
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _stop_all(children: set[int]) -> None:
    for pid in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while children and time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid:
            children.discard(pid)
        else:
            time.sleep(0.05)
    for pid in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
