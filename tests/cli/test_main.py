"""The command group itself: help, version, exit codes, and errors without tracebacks."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import learningcity.cli as cli_package
from learningcity import __version__
from learningcity.cli import COMMANDS, cli
from learningcity.errors import ExitCode
from learningcity.interrupt import Stopped
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


#: A file whose one bad character is an escape sequence (ESC [2J clears the screen), a NUL, a
#: byte-order mark or a right-to-left override: each is quoted in the error line by position.
HOSTILE_CHARACTERS = {
    "escape": b"<http://e/\x1b[2J> <http://e/p> 1 .\n",
    "NUL": b"<http://e/s> \x00<http://e/p> 1 .\n",
    "byte-order mark": b"\xef\xbb\xbf<http://e/s> <http://e/p> 1 .\n",
    "right-to-left override": "<http://e/s> <http://e/p> 1 ;\u202e gnp.exe .\n".encode(),
}


@pytest.mark.parametrize("case", list(HOSTILE_CHARACTERS))
def test_characters_an_error_quotes_from_a_file_are_escaped(case: str, tmp_path: Path) -> None:
    """Oxigraph's message quotes the offending character as it is; the line must not carry it
    raw (a terminal would run the escape sequence, a BOM or NUL is invisible, U+202E reverses
    what follows), and it stays one line."""
    data = tmp_path / "hostile.ttl"
    data.write_bytes(HOSTILE_CHARACTERS[case])
    done = subprocess.run([LEARNINGCITY, "info", str(data)], capture_output=True, text=True)
    assert done.returncode == ExitCode.BAD_INPUT
    assert done.stderr.startswith(f"learningcity: error: {data}:1:"), done.stderr
    assert done.stderr.count("\n") == 1
    assert done.stderr[:-1].isprintable(), repr(done.stderr)


def test_a_file_name_with_a_newline_cannot_break_the_line(tmp_path: Path) -> None:
    output = tmp_path / "out.ttl\nlearningcity: all good"
    done = subprocess.run(
        [LEARNINGCITY, "export", str(FIXTURES / "core" / "broken-line-3.ttl"), "-o", str(output)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == ExitCode.BAD_INPUT
    assert done.stderr.count("\n") == 1 and "\\nlearningcity: all good" in done.stderr


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["fmt", "--nope"], "No such option '--nope'; see 'learningcity fmt --help'"),
        (["fmt"], "Missing argument 'FILES...'; see 'learningcity fmt --help'"),
        (["export", "--format", "bogus"], "'bogus' is not one of 'turtle'"),
        (["export", "-o", "."], "'.' is a directory; see 'learningcity export --help'"),
        (["serve", "--port", "x"], "'x' is not a valid integer"),
    ],
)
def test_a_bad_option_or_argument_is_one_line_naming_the_help(
    arguments: list[str], message: str
) -> None:
    """click writes usage, a hint, a blank line and the message: four lines, where the README
    promises one (`learningcity: error: ...`, exit 2)."""
    done = subprocess.run([LEARNINGCITY, *arguments], capture_output=True, text=True)
    assert done.returncode == ExitCode.BAD_INPUT
    assert done.stderr.startswith("learningcity: error: ") and done.stderr.count("\n") == 1
    assert message in done.stderr, done.stderr


def _writers_of_one_file() -> list[str]:
    """Every command with `-o`, found from the commands themselves, so that a new one is held
    to the same rule."""
    context = click.Context(cli)
    found = []
    for name in sorted(COMMANDS):
        command = cli.get_command(context, name)
        if command is not None and any("-o" in param.opts for param in command.params):
            found.append(name)
    return found


#: The options naming a folder a command writes, and the arguments the commands require.
FOLDER_OUTPUTS = [
    ("export", "--all"),
    ("import", "--out-dir"),
    ("publish", "--out"),
    ("load", "--store"),
]
REQUIRED = {"import": [str(FIXTURES / "profiles" / "yongsan-gu.html")], "new": ["X, Korea"]}


@pytest.mark.parametrize(
    ("command", "option"),
    [*((name, "-o") for name in _writers_of_one_file()), *FOLDER_OUTPUTS],
)
def test_an_empty_output_path_is_refused_as_empty(
    command: str, option: str, tmp_path: Path
) -> None:
    """`-o ''` was reported as '.' (pathlib reads '' as the current folder), and `publish --out
    ''` and `load --store ''` ended in a traceback: the line says the path is empty and what to
    give, and nothing is written."""
    done = subprocess.run(
        [LEARNINGCITY, command, *REQUIRED.get(command, []), option, ""],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == ExitCode.BAD_INPUT, done.stderr
    assert done.stderr.startswith("learningcity: error: ") and done.stderr.count("\n") == 1
    name = "a file name" if option == "-o" else "a folder name"
    assert f"the output path is empty; give {name}" in done.stderr, done.stderr
    assert f"'{option}'" in done.stderr and "'.'" not in done.stderr, done.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_group_alone_still_shows_its_help() -> None:
    done = subprocess.run([LEARNINGCITY], capture_output=True, text=True)
    assert done.stderr.startswith("Usage: learningcity [OPTIONS] COMMAND")
    assert "Commands:" in done.stderr


def test_a_signal_while_a_command_is_imported_is_its_interruption(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Python 3.11 wraps a signal handled in a class body's `__set_name__` in a RuntimeError
    (seen once: SIGTERM exited 1 with a traceback, not 143); the CLI reports the signal."""

    def interrupted(name: str) -> None:
        try:
            raise Stopped(signal.SIGTERM)
        except KeyboardInterrupt as stop:
            raise RuntimeError(f"Error calling __set_name__ while importing {name}") from stop

    monkeypatch.setattr(cli_package.importlib, "import_module", interrupted)
    cli_package._load_command.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["info"])
    finally:
        cli_package._load_command.cache_clear()
    assert isinstance(result.exception, cli_package.Interrupted)
    assert result.exception.stop.signum == signal.SIGTERM
