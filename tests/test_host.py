"""Linux and macOS: the CPU count and the parent-death signal, decided in learningcity.host.

macOS is simulated on Linux by taking away what it lacks (`os.sched_getaffinity`, the
`prctl` request), in this process or in the real command's process before it starts.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from learningcity import host
from processes import free_port, stop, wait_for_port

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data" / "yongsan.ttl"
NO_AFFINITY = "import os; del os.sched_getaffinity"  # what macOS's os module lacks
NO_PRCTL = "import learningcity.host as h; h.parent_death_signal_supported = lambda: False"


def _command(prelude: str, *args: str) -> list[str]:
    """The `learningcity` command run by this interpreter after `prelude`."""
    program = f"{prelude}; import sys; sys.argv[0] = 'learningcity'; "
    program += "from learningcity.__main__ import main; main()"
    return [sys.executable, "-c", program, *args]


def test_usable_cpus_is_the_affinity_where_there_is_one() -> None:
    assert host.usable_cpus() == len(os.sched_getaffinity(0))


def test_usable_cpus_without_affinity_is_the_machine_count(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    count = os.cpu_count()
    monkeypatch.delattr(os, "sched_getaffinity")
    assert host.usable_cpus() == count


def test_usable_cpus_is_one_when_nothing_is_known(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "sched_getaffinity")
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert host.usable_cpus() == 1


@pytest.mark.parametrize("command", ["validate", "publish"])
def test_commands_run_without_affinity(tmp_path: Path, command: str) -> None:
    """`validate` and `publish` ended in an AttributeError traceback where the os module has
    no sched_getaffinity (macOS)."""
    args = [command, str(DATA)]
    if command == "publish":
        args += ["--out", str(tmp_path / "site")]
    done = subprocess.run(
        _command(NO_AFFINITY, *args), cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    if command == "publish":
        assert (tmp_path / "site" / "index.html").is_file()


def _death_signal_child(prelude: str) -> tuple[bool, int]:
    """What die_with_parent answered in a child of a short-lived parent, and the child's pid."""
    program = (
        f"{prelude}; import os, signal, sys; from learningcity.host import die_with_parent; "
        "parent = os.getppid(); applied = die_with_parent(signal.SIGKILL, parent); "
        "print(applied, os.getpid(), flush=True); sys.stdin.read()"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", program], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        applied, pid = child.stdout.readline().split()
        return applied == "True", int(pid)
    finally:
        child.kill()
        child.wait(timeout=10)


def test_die_with_parent_applies_on_linux() -> None:
    assert host.parent_death_signal_supported() == sys.platform.startswith("linux")
    applied, _ = _death_signal_child("pass")
    assert applied is host.parent_death_signal_supported()


def test_die_with_parent_says_when_it_cannot() -> None:
    applied, _ = _death_signal_child(NO_PRCTL)
    assert applied is False


def test_die_with_parent_signal_arrives_when_the_parent_is_killed() -> None:
    """The parent here is a shell killed with SIGKILL: where the kernel supports the request
    its child gets the SIGKILL it asked for; elsewhere the child lives on (said by `serve`)."""
    program = (
        "import os, signal, sys, time; from learningcity.host import die_with_parent; "
        "die_with_parent(signal.SIGKILL, os.getppid()); print(os.getpid(), flush=True); "
        "time.sleep(30)"
    )
    shell = subprocess.Popen(
        ["sh", "-c", f'"{sys.executable}" -c "{program}"; :'], stdout=subprocess.PIPE, text=True
    )
    assert shell.stdout is not None
    pid = int(shell.stdout.readline())
    shell.send_signal(signal.SIGKILL)
    shell.wait(timeout=10)
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    survived = _alive(pid)
    if survived:
        os.kill(pid, signal.SIGKILL)
    assert survived is not host.parent_death_signal_supported()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_serve_says_in_one_line_when_workers_may_outlive_it(tmp_path: Path) -> None:
    port = free_port()
    args = ["serve", str(DATA), "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(
        _command(NO_PRCTL, *args), cwd=tmp_path, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_for_port(port, server)
    finally:
        stop(server)
    assert server.stderr is not None
    lines = server.stderr.read().splitlines()
    warned = [line for line in lines if "kill -9" in line]
    assert warned == [
        "learningcity: warning: this system cannot have the kernel stop the query workers "
        "(and serving processes) of a server killed outright (kill -9): stop it with Ctrl-C "
        "or SIGTERM, which ends them too"
    ]
    assert "Traceback" not in "\n".join(lines)


def test_timeout_at_before_3_11_cuts_a_slow_block_only() -> None:
    """The 3.10 stand-in for asyncio.timeout_at, run here on whatever Python runs the tests."""

    async def ended(seconds: float, after: float) -> str:
        loop = asyncio.get_running_loop()
        try:
            async with host._timeout_at_before_311(loop.time() + after):
                await asyncio.sleep(seconds)
        except TimeoutError:
            return "timed out"
        return "done"

    async def cancelled_from_outside() -> bool:
        loop = asyncio.get_running_loop()

        async def block() -> None:
            async with host._timeout_at_before_311(loop.time() + 5):
                await asyncio.sleep(5)

        task = asyncio.ensure_future(block())
        await asyncio.sleep(0.01)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            return True
        return False

    assert asyncio.run(ended(5, 0.05)) == "timed out"
    assert asyncio.run(ended(0, 5)) == "done"
    assert asyncio.run(cancelled_from_outside())
