"""Long Oxigraph calls that Ctrl-C can stop.

Python handles a signal only when the main thread runs bytecode, and Oxigraph evaluates and
writes a query result in Rust without returning to the interpreter: a SIGINT arriving meanwhile
waited for the call to end (a cross product went on for minutes). Here the call runs in a
daemon thread (Oxigraph releases the GIL) while the main thread waits in short intervals, so
KeyboardInterrupt is raised at once; the abandoned thread ends with the process.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
POLL_S = 0.05


def interruptible(function: Callable[[], T]) -> T:
    """`function()`, run so that Ctrl-C interrupts the caller at once."""
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
