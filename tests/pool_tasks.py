"""Tasks for tests/test_pool.py, in a module the workers can import by name (a test module,
imported by pytest's importlib mode, cannot be)."""

from __future__ import annotations

import os
import signal
import time

_offset = 0


def start_with_offset(offset: int) -> None:
    global _offset
    _offset = offset


def start_that_fails(_unused: int) -> None:
    raise ValueError("cannot start")


def add_offset(item: int) -> int:
    return item + _offset


def refuse_three(item: int) -> int:
    if item == 3:
        raise KeyError("three")
    return item


def die_on_three(item: int) -> int:
    if item == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(0.05)
    return item


def worker_pid(_item: int) -> int:
    time.sleep(0.05)
    return os.getpid()
