"""The progress line: silent for short runs and off terminals, erased after long ones."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

from learningcity.cli.progress import TerminalProgress
from support import REPO

LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))


def test_progress_is_silent_for_short_runs_and_erased_after_long_ones() -> None:
    quick = io.StringIO()
    with TerminalProgress(quick, delay=60) as progress:
        progress("parsing")
    assert quick.getvalue() == ""
    slow = io.StringIO()
    with TerminalProgress(slow, delay=0) as progress:
        progress._timer.join()
        progress("validating 7 statements")
    assert "learningcity: validating 7 statements…" in slow.getvalue()
    assert slow.getvalue().endswith("\r\033[K")


def run_on_terminal(*arguments: str, stdout_terminal: bool = False) -> tuple[str, bytes]:
    """Run the installed command with stderr (and perhaps stdout) on a real pseudo-terminal;
    what the terminal showed, and what went to stdout when it is a pipe."""
    controller, terminal = pty.openpty()
    environment = {**os.environ, "LEARNINGCITY_PROGRESS_AFTER": "0"}
    process = subprocess.Popen(
        [LEARNINGCITY, *arguments],
        stdout=terminal if stdout_terminal else subprocess.PIPE,
        stderr=terminal,
        env=environment,
        cwd=REPO,
    )
    os.close(terminal)
    shown = b""
    while True:  # read as it comes: a full terminal buffer would block the command
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the command has exited and closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    stdout = process.stdout.read() if process.stdout else b""
    done = subprocess.CompletedProcess(process.args, process.wait(timeout=60), stdout)
    assert done.returncode == 0, shown
    return shown.decode("utf-8", errors="replace"), done.stdout or b""


def test_a_command_shows_its_stages_on_a_terminal_and_erases_them() -> None:
    shown, stdout = run_on_terminal("info", "data/yongsan.ttl")
    assert "learningcity: reading data/yongsan.ttl…" in shown
    assert "learningcity: summarising" in shown
    assert shown.endswith("\r\033[K")
    assert b"learningcity:" not in stdout and b"\033" not in stdout


def test_no_line_while_the_output_goes_to_the_same_terminal() -> None:
    shown, _ = run_on_terminal(
        "export", "data/yongsan.ttl", "--format", "nt", "--stream", stdout_terminal=True
    )
    assert "learningcity:" not in shown
    assert "<https://w3id.org/learningcity/id/city/kr-yongsan-gu>" in shown


def test_no_line_when_stderr_is_not_a_terminal() -> None:
    done = subprocess.run(
        [LEARNINGCITY, "info", "data/yongsan.ttl"],
        capture_output=True,
        env={**os.environ, "LEARNINGCITY_PROGRESS_AFTER": "0"},
        cwd=REPO,
        timeout=60,
        check=True,
    )
    assert done.stderr == b""
