"""The command group itself: help, version, exit codes, and errors without tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from learningcity import __version__
from learningcity.cli import COMMANDS, cli
from learningcity.errors import ExitCode
from support import FIXTURES

LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))


def test_help_lists_every_command_and_exit_code() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output
    for code in ExitCode:
        assert f"{code.value:<4} {code.name.lower().replace('_', ' ')}" in result.output


def test_every_command_has_help_with_examples() -> None:
    for name in COMMANDS:
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Examples:" in result.output, name


def test_installed_command_reports_its_version() -> None:
    done = subprocess.run([LEARNINGCITY, "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == f"learningcity, version {__version__}"


def test_bad_input_is_one_line_with_exit_2_and_no_traceback() -> None:
    broken = FIXTURES / "core" / "broken-line-3.ttl"
    done = subprocess.run(
        [LEARNINGCITY, "fmt", "--check", str(broken)], capture_output=True, text=True
    )
    assert done.returncode == ExitCode.BAD_INPUT
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith(f"learningcity: error: {broken}:")
    assert "Traceback" not in done.stderr


def test_unknown_option_exits_2() -> None:
    done = subprocess.run([LEARNINGCITY, "fmt", "--nope"], capture_output=True, text=True)
    assert done.returncode == ExitCode.BAD_INPUT
    assert "No such option" in done.stderr
