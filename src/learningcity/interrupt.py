"""Long Oxigraph calls that Ctrl-C can stop.

Python handles a signal only when the main thread runs bytecode, and Oxigraph evaluates and
writes a query result in Rust without returning to the interpreter: a SIGINT arriving meanwhile
waited for the call to end (a cross product went on for minutes). Here the call runs in a
daemon thread (Oxigraph releases the GIL) while the main thread waits in short intervals, so
KeyboardInterrupt is raised at once; the abandoned thread ends with the process.
"""

from __future__ import annotations

import threading
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
            failure.append(error)

    worker = threading.Thread(target=work, name="oxigraph", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(POLL_S)
    if failure:
        raise failure[0]
    return outcome[0]
