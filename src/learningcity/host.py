"""What the operating system offers, decided here once: the rest of the code asks this module.

The project runs on Linux and macOS (the classifiers in pyproject.toml say so). Two things
differ between them: how many CPUs this process may use (Linux knows its affinity mask,
macOS has no `os.sched_getaffinity`), and whether the kernel can signal a child when its
parent dies (Linux's `prctl(PR_SET_PDEATHSIG)`, nothing like it on macOS). Each answer has a
fallback that still works, and says whether it applied, so callers and tests can tell.

It also holds what differs between the Python versions the project supports (3.10 and later):
`timeout_at`, which asyncio has from 3.11 only.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import sys
from collections.abc import AsyncIterator

PR_SET_PDEATHSIG = 1  # Linux's <sys/prctl.h>; another system's prctl may mean something else


def usable_cpus() -> int:
    """The CPUs this process may use, at least 1: the default number of worker processes
    for validating and publishing.

    The affinity mask where the system has one (Linux: a container or `taskset` limits it
    below the machine's count), else the machine's count (macOS), else 1 when even that is
    unknown (`os.cpu_count()` may return None)."""
    affinity = getattr(os, "sched_getaffinity", None)
    if affinity is not None:
        with contextlib.suppress(OSError):
            return max(1, len(affinity(0)))
    return max(1, os.cpu_count() or 1)


def parent_death_signal_supported() -> bool:
    """Whether the kernel can signal a process when its parent dies (Linux only)."""
    return sys.platform.startswith("linux")


def die_with_parent(signum: int, parent: int) -> bool:
    """Have the kernel send this process `signum` when its parent dies, even by SIGKILL or a
    crash where no cleanup runs; True if it will.

    Where it cannot (not Linux, or the request failed) this returns False and the process
    lives on after a parent killed outright; a parent that ends normally still stops its
    children itself. `parent` is the process that forked this one: if it died before the
    request was made, this process exits now instead of living on as an orphan.
    """
    applied = False
    if parent_death_signal_supported():
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            applied = libc.prctl(PR_SET_PDEATHSIG, signum) == 0
    if os.getppid() != parent:
        os._exit(1)
    return applied


@contextlib.asynccontextmanager
async def _timeout_at_before_311(deadline: float) -> AsyncIterator[None]:
    """`asyncio.timeout_at` for Python 3.10: the block is cancelled at `deadline` (the loop's
    clock) and raises TimeoutError then; a cancellation from elsewhere stays one."""
    task = asyncio.current_task()
    assert task is not None  # called inside a task, as asyncio.timeout_at must be
    expired = False

    def expire() -> None:
        nonlocal expired
        expired = True
        task.cancel()

    handle = asyncio.get_running_loop().call_at(deadline, expire)
    try:
        yield
    except asyncio.CancelledError:
        if expired:
            raise TimeoutError from None
        raise
    finally:
        handle.cancel()


if sys.version_info >= (3, 11):
    timeout_at = asyncio.timeout_at
else:
    timeout_at = _timeout_at_before_311
