"""A worker process killed outright (the out-of-memory killer, `kill -9`) ends the installed
command at once with one line and exit code 5, leaving no output; `multiprocessing.Pool`, used
before, waited for the lost task forever."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from learningcity.errors import ExitCode
from support import REPO

LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))
GENERATOR = REPO / "scripts" / "generate_network.py"
DEADLINE_S = 120


def children_of(pid: int) -> list[int]:
    """The processes whose parent is `pid`, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def kill_a_worker(command: subprocess.Popen[bytes]) -> int:
    """SIGKILL one worker (a grandchild: workers are the fork server's children)."""
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline and command.poll() is None:
        for child in children_of(command.pid):
            workers = children_of(child)
            if workers:
                time.sleep(0.3)  # let it take a task
                os.kill(workers[0], signal.SIGKILL)
                return workers[0]
        time.sleep(0.05)
    raise AssertionError("no worker process appeared")


def test_validate_ends_with_one_line_when_a_worker_is_killed(tmp_path: Path) -> None:
    network = tmp_path / "network.ttl"
    subprocess.run(
        [sys.executable, str(GENERATOR), "200", "-o", str(network)], check=True, timeout=120
    )
    report = tmp_path / "report.ttl"
    command = subprocess.Popen(
        [LEARNINGCITY, "validate", str(network), "--format", "turtle", "-o", str(report)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        killed = kill_a_worker(command)
        _, stderr = command.communicate(timeout=DEADLINE_S)
    finally:
        command.kill()
    lines = stderr.decode().strip().splitlines()
    assert command.returncode == ExitCode.RESOURCES, (killed, lines)
    assert lines[-1].startswith("learningcity: error: a worker process was killed by SIGKILL")
    assert "Traceback" not in stderr.decode()
    assert not report.exists()
