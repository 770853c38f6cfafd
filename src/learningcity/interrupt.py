"""How a command stops: SIGINT and SIGTERM alike, at once, with its outputs left whole.

`systemd`, `docker stop` and a cancelled CI job send SIGTERM, a terminal sends SIGINT on Ctrl-C;
both must clean up the same way. `stop_on_signals` makes each raise `Stopped`, a
KeyboardInterrupt, so every `finally` and `except BaseException` that removes a temporary file,
staging folder or half-built store runs for both. The CLI exits 130 after SIGINT and 143 after
SIGTERM (128 + the signal's number, as a shell reports it).

The few renames that put several outputs in place run under `deferred()`: a signal arriving
there waits until they are done, so a batch (`fmt`, `export --all`, a site swap) lands whole or
not at all, and the interruption message can say exactly what was written
(`learningcity.atomic.written`).

Python handles a signal only when the main thread runs bytecode, and Oxigraph evaluates and
writes a query result in Rust without returning to the interpreter: a signal arriving meanwhile
waited for the call to end (a cross product went on for minutes). `interruptible` runs such a
call in a daemon thread (Oxigraph releases the GIL) while the main thread waits in short
intervals, so the signal is handled at once; the abandoned thread ends with the process.
"""

from __future__ import annotations

import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import NoReturn, TypeVar

from learningcity.errors import ExitCode

T = TypeVar("T")
POLL_S = 0.05
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

_deferring = 0
_pending: list[int] = []


class Stopped(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived; `signum` says which (the exit code follows from it)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def stop_on_signals() -> None:
    """Make SIGINT and SIGTERM raise `Stopped` in the main thread (called first by the CLI;
    in another thread, as a test may run it, signals keep their handlers)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for number in STOP_SIGNALS:
        signal.signal(number, _stop)


def stop_at_once() -> None:
    """Give SIGINT and SIGTERM their default action back: the process ends where it is."""
    for number in STOP_SIGNALS:
        signal.signal(number, signal.SIG_DFL)


def signal_of(stop: BaseException | None) -> int:
    """The signal behind an interruption: a plain KeyboardInterrupt is Ctrl-C's SIGINT."""
    return stop.signum if isinstance(stop, Stopped) else signal.SIGINT


def stop_behind(error: BaseException) -> KeyboardInterrupt | None:
    """The interruption `error` stands for, if any: itself, or one it was raised from or while
    handling. Python wraps what a class body's `__set_name__` raises in a RuntimeError, so a
    signal arriving while a module is imported can come out as one (`RuntimeError: Error
    calling __set_name__`, exit 1, where SIGTERM means 143); cleanup that fails after a signal
    is still the signal's."""
    seen: set[int] = set()
    found: BaseException | None = error
    while found is not None and id(found) not in seen:
        if isinstance(found, KeyboardInterrupt):
            return found
        seen.add(id(found))
        found = found.__cause__ or found.__context__
    return None


def report_stop(
    stop: BaseException | None, written: list[str], *, echoed: bool = False
) -> NoReturn:
    """The one line and exit code of a stopped command: 130 after SIGINT, 143 after SIGTERM.

    `written` names the outputs already put in place; everything else was left as it was. On a
    terminal, Ctrl-C has echoed `^C` without a newline, so the line starts on a new one, unless
    something (`echoed`) already ended that line.
    """
    stop_at_once()
    done = ", ".join(written)
    left = f"wrote {done}; other outputs left as they were" if done else "outputs left as they were"
    if signal_of(stop) == signal.SIGTERM:
        line, code = f"learningcity: terminated (SIGTERM); {left}", ExitCode.TERMINATED
    else:
        closing = "\n" if sys.stderr.isatty() and not echoed else ""
        line, code = f"{closing}learningcity: interrupted; {left}", ExitCode.INTERRUPTED
    sys.stderr.write(line + "\n")
    sys.stderr.flush()
    sys.exit(code)


def _stop(signum: int, _frame: FrameType | None) -> None:
    if _deferring:
        _pending.append(signum)
        return
    raise Stopped(signum)


@contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back while the block runs (a few renames), then act on them."""
    global _deferring
    _deferring += 1
    try:
        yield
    finally:
        _deferring -= 1
        if not _deferring and _pending:
            signum = _pending[0]
            _pending.clear()
            raise Stopped(signum)


def interruptible(function: Callable[[], T]) -> T:
    """`function()`, run so that SIGINT or SIGTERM interrupts the caller at once."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def work() -> None:
        try:
            outcome.append(function())
        except BaseException as error:  # handed to the caller, re-raised there
            _drop_locals(error)
            failure.append(error)

    worker = threading.Thread(target=work, name="oxigraph", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(POLL_S)
    if failure:
        raise failure[0]
    return outcome[0]


def _drop_locals(error: BaseException | None) -> None:
    """Clear the local variables of the frames `error` (and the errors it chains) went through.

    Oxigraph's result objects may only be dropped by the thread that made them; a traceback
    handed to the caller would keep them alive until the main thread drops them, which pyo3
    refuses with an "unsendable" RuntimeError. The traceback itself (files, lines) is kept.
    """
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        traceback.clear_frames(error.__traceback__)
        error = error.__cause__ or error.__context__
