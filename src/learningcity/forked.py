"""Statements parsed on the other core and handed over as N-Triples, for a writer in Python.

Streaming a network to JSON-LD (`learningcity.jsonld.stream_jsonld`) costs two things of about
the same size: parsing, where Oxigraph builds a Python object for every term of every statement,
and our writer's step per statement. In one process they add up; the machine has a second core.
`ntriples_blocks` parses in a forked process that writes the statements with Oxigraph's
N-Triples writer into a pipe, and the writer reads those lines as bytes: no term object is ever
built on its side, and the two halves run at once.

N-Triples as Oxigraph writes it is the hand-over format because it is canonical and flat: one
statement a line, terms separated by one space, IRIs and blank-node labels never holding one,
literals escaped the way JSON escapes strings but for `\\u` escapes. The child parses the way
every command does (`Data.quads`, so `learningcity.load` decides how a file becomes statements);
its error, its warnings and its end come back through a second pipe, so the caller sees them as
if it had parsed itself. A store is read in the caller's process: it was opened there, and an
open RocksDB (with its threads) must not be used across a fork.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pickle
import signal
import warnings
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

import pyoxigraph as ox

from learningcity.errors import InputError
from learningcity.host import die_with_parent
from learningcity.pool import WorkerLost, worker_lost

#: Bytes read from the pipe at once, and the pipe's size asked of the kernel (Linux allows
#: 1 MiB to anyone; a pipe's default of 64 KiB costs a switch between the processes per 64 KiB).
BLOCK_BYTES = 1 << 20
#: Statements serialized at once when the caller parses itself (a store).
STATEMENTS_PER_BLOCK = 10_000
_NAMED_GRAPHS = "--stream writes the default graph only; export without --stream"
#: Python 3.12's warning for a fork while other threads run (a terminal's progress timer, a test
#: runner's): the child takes none of their locks (it parses, writes to its pipe and exits).
_THREADS_AT_FORK = r"This process \(pid=\d+\) is multi-threaded"

Quads = Callable[[], Iterable[ox.Quad]]


@contextlib.contextmanager
def ntriples_blocks(quads: Quads, *, fork: bool) -> Iterator[Iterator[bytes]]:
    """Blocks of whole N-Triples lines (each ending in a newline) of the statements `quads()`
    gives, in their order: parsed in a forked process when `fork`, else here.

    Leaving the block stops the child, whatever the reason: a writer that fails or a signal
    never leaves a parser running. Named graphs are refused (N-Triples has none)."""
    if not fork:
        yield _serialized_here(quads)
        return
    data_read, data_write = os.pipe()
    outcome_read, outcome_write = os.pipe()
    _widen(data_write)
    parent = os.getpid()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", _THREADS_AT_FORK, DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which leaves by os._exit
        try:
            os.close(data_read)
            os.close(outcome_read)
            _parse_into(quads, data_write, outcome_write, parent)
        finally:
            os._exit(0)
    os.close(data_write)
    os.close(outcome_write)
    child = _Child(pid)
    try:
        yield _blocks_from(data_read, outcome_read, child)
    finally:  # the pipes first: a child blocked writing to one then ends even without a signal
        os.close(data_read)
        os.close(outcome_read)
        child.stop()


def _serialized_here(quads: Quads) -> Iterator[bytes]:
    statements = iter(quads())
    while batch := list(islice(statements, STATEMENTS_PER_BLOCK)):
        yield _ntriples(batch)


def _ntriples(statements: Iterable[ox.Quad], out: Any = None) -> bytes:
    """Oxigraph's N-Triples of `statements` (into `out` when given), named graphs refused."""
    try:
        return ox.serialize(statements, out, format=ox.RdfFormat.N_TRIPLES) or b""
    except ValueError as error:
        if "named graphs" in str(error):
            raise InputError(_NAMED_GRAPHS) from None
        raise InputError(f"cannot write the statements as N-Triples: {error}") from None


def _widen(pipe: int) -> None:
    """Ask for a pipe of `BLOCK_BYTES` where the kernel allows it (Linux); else keep its size."""
    resize = getattr(fcntl, "F_SETPIPE_SZ", None)
    if resize is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(pipe, resize, BLOCK_BYTES)


def _parse_into(quads: Quads, pipe: int, outcome: int, parent: int) -> None:
    """The child's life: write the statements to `pipe`, then send its warnings, or its error
    alone (a command's error is its one line).

    Ctrl-C reaches the whole process group and SIGTERM only the caller, which stops the child
    in both cases; a caller killed outright takes it along (`die_with_parent`). A caller that
    stopped reading closes the pipe, and the child then ends without a word."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(signal.SIGKILL, parent)
    out = _PipeOut(pipe)
    with warnings.catch_warnings(record=True) as caught:
        try:
            _ntriples(quads(), out)
            out.flush()
        except BrokenPipeError:
            return
        except Exception as error:
            ended: tuple[str, Any] = ("error", error)
        else:
            ended = ("ok", [warning.message for warning in caught])
        finally:  # before the outcome: the caller reads that once the statements have ended
            os.close(pipe)
    _send(outcome, ended)


class _PipeOut:
    """The child's end of the pipe as Oxigraph's writer sees a file: what it writes goes out a
    block at a time, and what is pending when parsing fails is dropped, so that an error found
    early (in a file of less than a block, always) reaches the caller before any statement."""

    def __init__(self, pipe: int) -> None:
        self._pipe = pipe
        self._pending = bytearray()

    def write(self, data: bytes) -> int:
        self._pending += data
        if len(self._pending) >= BLOCK_BYTES:
            self.flush()
        return len(data)

    def flush(self) -> None:
        with memoryview(self._pending) as pending:
            sent = 0
            while sent < len(pending):
                sent += os.write(self._pipe, pending[sent:])
        self._pending.clear()


def _send(pipe: int, outcome: tuple[str, Any]) -> None:
    """Write the pickled outcome and close the pipe; an error that cannot be pickled goes as a
    RuntimeError naming it."""
    try:
        message = pickle.dumps(outcome)
    except (TypeError, AttributeError, ValueError, pickle.PicklingError) as unpicklable:
        message = pickle.dumps(("error", RuntimeError(f"{outcome[1]!r} ({unpicklable})")))
    with os.fdopen(pipe, "wb") as out:
        out.write(message)


def _blocks_from(pipe: int, outcome: int, child: _Child) -> Iterator[bytes]:
    """The pipe's bytes in blocks cut after a newline (Oxigraph ends every line); at its end,
    the child's warnings are warned again here and its error raised here (or `WorkerLost` if
    it was killed)."""
    pieces: list[bytes] = []  # of a line longer than a block: joined once, not grown
    while chunk := os.read(pipe, BLOCK_BYTES):
        end = chunk.rfind(b"\n") + 1
        if not end:
            pieces.append(chunk)
            continue
        if pieces:
            pieces.append(chunk[:end])
            yield b"".join(pieces)
            pieces.clear()
        else:
            yield chunk[:end] if end < len(chunk) else chunk
        if end < len(chunk):
            pieces.append(chunk[end:])
    with os.fdopen(outcome, "rb", closefd=False) as ended:
        message = ended.read()
    if not message:  # ended before it could say how: killed
        raise child.lost()
    outcome_kind, detail = pickle.loads(message)
    if outcome_kind == "error":
        raise detail
    for warning in detail:
        warnings.warn(warning, stacklevel=1)


class _Child:
    """The forked parser, reaped once: its number is never signalled after that (the system may
    give it to another process)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._status: int | None = None

    def lost(self) -> WorkerLost:
        """The error for a child that ended without an outcome (killed, out of memory?)."""
        return worker_lost(os.waitstatus_to_exitcode(self._reap()), "parsing")

    def stop(self) -> None:
        """End the child if it still runs, and reap it."""
        if self._status is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self._reap()

    def _reap(self) -> int:
        if self._status is None:
            _, self._status = os.waitpid(self.pid, 0)
        return self._status
