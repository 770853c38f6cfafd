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
from processes import children
from support import REPO

LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))
GENERATOR = REPO / "scripts" / "generate_network.py"
DEADLINE_S = 120


def kill_a_worker(command: subprocess.Popen[bytes]) -> int:
    """SIGKILL one worker (a grandchild: workers are the fork server's children)."""
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline and command.poll() is None:
        for child in children(command.pid):
            workers = children(child)
            if workers:
                time.sleep(0.3)  # let it take a task
                os.kill(workers[0], signal.SIGKILL)
                return workers[0]
        time.sleep(0.05)
    raise AssertionError("no worker process appeared")


def test_publish_ends_with_one_line_when_a_worker_is_killed(tmp_path: Path) -> None:
    """The rendering workers of a network-sized site (200 cities, 3,000 resources and more)."""
    network = tmp_path / "network.ttl"
    subprocess.run(
        [sys.executable, str(GENERATOR), "200", "-o", str(network)], check=True, timeout=120
    )
    site = tmp_path / "site"
    command = subprocess.Popen(
        [LEARNINGCITY, "publish", str(network), "--out", str(site)],
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
    # killed as it read its start (the data) or later, as it worked
    assert lines[-1].startswith("learningcity: error: a worker process ")
    assert "(out of memory?); nothing was replaced" in lines[-1]
    assert "Traceback" not in stderr.decode()
    assert not site.exists()
    assert not list(tmp_path.glob(".*site*")), "a staging folder was left behind"
