"""What README.md and docs/*.md tell a newcomer to type holds, beyond the `$ ` examples that
tests/test_docs.py runs:

- every `learningcity` command line in a code block (the `sh` ones too, which start servers,
  write stores or talk to other servers, so cannot all run here) is accepted by the command's
  own parser as written: its command, options and choices exist (a renamed option fails here);
- the README's first two commands: `make run` validates, exports and serves as it says (its
  recipe's commands, run here against the installed command; setting up `.venv` is make's),
  `make test` runs the tools the README lists, on every Turtle file, and says in one line which
  Debian test packages it could not install; `make help` lists the targets;
- the numbers the README states about the command ("Fourteen named queries");
- `--debug` shows the traceback behind an error's one line;
- a block of output that a document marks as the `$ ` commands' (`SHOWN`) is what they print.
"""

from __future__ import annotations

import re
import shlex
import signal
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import click
import httpx
import pytest

from learningcity.cli import cli
from learningcity.errors import ExitCode
from learningcity.query.named import list_named_queries
from processes import free_port, stop, wait_until_healthy
from support import REPO

BIN = Path(sys.executable).parent
DOCUMENTS = sorted([REPO / "README.md", *(REPO / "docs").glob("*.md")])
FENCE = re.compile(r"^```[a-z]*\n(.*?)^```", re.DOTALL | re.MULTILINE)
#: Shell operators that end one command of a line (`a && b`, `a | b`).
OPERATORS = frozenset({"&&", "||", "|", ";"})
#: A line that runs `learningcity` (the other lines of a block are output or other tools').
RUNS = re.compile(r"(?:^|&&|\|\||[;|])\s*learningcity\s")


def _command_lines() -> list[tuple[str, list[str]]]:
    """(document, argv after `learningcity`) of each command in the documents' code blocks."""
    found = []
    for document in DOCUMENTS:
        for block in FENCE.findall(document.read_text(encoding="utf-8")):
            for line in block.replace("\\\n", " ").splitlines():
                if not RUNS.search(line.strip().removeprefix("$ ")):
                    continue
                lexer = shlex.shlex(
                    line.strip().removeprefix("$ "), posix=True, punctuation_chars=True
                )
                lexer.whitespace_split = True
                lexer.commenters = "#"
                command: list[str] = []
                for token in [*lexer, ";"]:
                    if token not in OPERATORS:
                        command.append(token)
                        continue
                    if command[:1] == ["learningcity"]:
                        found.append((document.name, command[1:]))
                    command = []
    return found


COMMAND_LINES = _command_lines()


def test_the_documents_have_command_lines() -> None:
    assert len(COMMAND_LINES) >= 100
    assert {"README.md", "cli.md", "remote.md", "publish.md", "import.md"} <= {
        document for document, _ in COMMAND_LINES
    }


@pytest.mark.parametrize(
    ("document", "argv"), COMMAND_LINES, ids=[f"{d}:{' '.join(a)[:60]}" for d, a in COMMAND_LINES]
)
def test_a_documented_command_line_is_accepted_as_written(document: str, argv: list[str]) -> None:
    """Parsed by the command's own click parser, nothing run; a file or folder the line names
    need not exist here (it is the reader's: `preview site/` after a `publish`)."""
    name, *rest = argv
    context = click.Context(cli, info_name="learningcity")
    command = cli.get_command(context, name)
    assert command is not None, f"{document}: no command {name}"
    try:
        command.make_context(name, rest, parent=context).close()
    except click.BadParameter as error:
        if "does not exist" not in error.format_message():
            pytest.fail(f"{document}: learningcity {shlex.join(argv)}: {error.format_message()}")
    except click.UsageError as error:
        pytest.fail(f"{document}: learningcity {shlex.join(argv)}: {error.format_message()}")


def _make(*arguments: str) -> str:
    """What `make ARGUMENTS` prints (with -n: the commands it would run, none run)."""
    done = subprocess.run(
        ["make", "--no-print-directory", *arguments],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_make_help_lists_every_target() -> None:
    phony = re.search(r"^\.PHONY: (.+)$", (REPO / "Makefile").read_text(), re.MULTILINE)
    assert phony is not None
    listed = [line.split()[0] for line in _make("help").splitlines()]
    assert listed == phony.group(1).split()


def test_make_test_runs_the_tools_the_readme_names() -> None:
    """README: ruff (lint and format), mypy, `learningcity fmt --check` on every Turtle file
    and pytest on two cores."""
    commands = [shlex.split(line) for line in _make("-n", "test").splitlines()]
    run = {(Path(command[0]).name, *command[1:2]) for command in commands}
    assert {("ruff", "check"), ("ruff", "format"), ("mypy",), ("learningcity", "fmt")} <= run
    assert ["pytest", "-n", "2"] in [[Path(c[0]).name, *c[1:]] for c in commands]


def _committed_turtle() -> list[str]:
    done = subprocess.run(
        ["git", "ls-files", "*.ttl"], cwd=REPO, capture_output=True, text=True, check=True
    )
    return [path for path in done.stdout.split() if not path.startswith("tests/")]


def test_every_committed_turtle_file_is_checked_and_canonical() -> None:
    """`make check-format` runs `fmt --check` on $(TURTLE): every Turtle file outside tests/
    must be in it, and canonical (b9a5be4: src/learningcity/rendering/labels.ttl was in
    neither)."""
    line = next(
        line for line in _make("-n", "check-format").splitlines() if " fmt --check " in line
    )
    checked = {str(p.relative_to(REPO)) for glob in line.split()[3:] for p in REPO.glob(glob)}
    committed = _committed_turtle()
    assert set(committed) <= checked
    done = subprocess.run(
        [str(BIN / "learningcity"), "fmt", "--check", *committed],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == ExitCode.OK, done.stdout + done.stderr


def test_make_run_validates_exports_and_serves(tmp_path: Path) -> None:
    """The `learningcity` commands of `make run`, as make prints them, in a folder holding the
    repository's data: validate passes, `dist/` gets every export, the server answers at the
    root the recipe names and Ctrl-C stops it (exit 0: a server's normal stop, as for SIGTERM,
    tests/store/test_serve_in_place)."""
    port = free_port()
    recipe = _make("-n", "run", f"PORT={port}").splitlines()
    commands = [shlex.split(line) for line in recipe if line.startswith(".venv/bin/learningcity ")]
    *steps, serve = commands
    assert [step[1] for step in steps] == ["validate", "export"] and serve[1] == "serve"
    (tmp_path / "data").symlink_to(REPO / "data")
    for step in steps:
        done = subprocess.run(
            [str(BIN / "learningcity"), *step[1:]],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == ExitCode.OK, f"{shlex.join(step)}\n{done.stderr}"
    assert sorted(p.suffix for p in (tmp_path / "dist").iterdir()) == sorted(
        [".jsonld", ".n3", ".nq", ".nt", ".rdf", ".trig", ".ttl"]
    )
    root = f"http://127.0.0.1:{port}/"
    assert any(root in line for line in recipe), "the recipe names where it serves"
    process = subprocess.Popen(
        [str(BIN / "learningcity"), *serve[1:]],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_healthy(root, process)
        assert httpx.get(root, headers={"Accept": "text/html"}).status_code == 200
        ask = httpx.get(root + "sparql", params={"query": "ASK { ?s ?p ?o }"})
        assert (ask.status_code, ask.json()["boolean"]) == (200, True)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == ExitCode.OK
    finally:
        if process.poll() is None:
            stop(process)


NUMBERS = {"Twelve": 12, "Thirteen": 13, "Fourteen": 14, "Fifteen": 15, "Sixteen": 16}


def test_the_readme_counts_the_named_queries() -> None:
    stated = re.search(r"(\w+)\s+named\s+queries", (REPO / "README.md").read_text(encoding="utf-8"))
    assert stated is not None
    assert NUMBERS[stated.group(1)] == len(list_named_queries())


def test_debug_shows_the_traceback_of_the_one_line_error(tmp_path: Path) -> None:
    """README: errors are one line on stderr, never a traceback; `learningcity --debug …` shows
    one for bug reports, and the same line after it."""
    missing = tmp_path / "missing.ttl"
    plain, debug = (
        subprocess.run(
            [str(BIN / "learningcity"), *flag, "validate", str(missing)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        for flag in ([], ["--debug"])
    )
    line = f"learningcity: error: {missing}: no such file; check the path\n"
    assert (plain.returncode, plain.stderr) == (ExitCode.BAD_INPUT, line)
    assert debug.returncode == ExitCode.BAD_INPUT
    assert debug.stderr.startswith("Traceback (most recent call last):\n")
    assert debug.stderr.endswith(line)


#: Marks a ```text block as what the `$ ` commands of the code block before it print.
SHOWN = "<!-- output: the commands above print these lines (tests/test_docs_commands.py) -->\n"
BLOCK = re.compile(r"^(?P<mark><!-- .*? -->\n)?```(?P<lang>[a-z]*)\n(?P<body>.*?)^```", re.M | re.S)


def _shown_outputs() -> list[tuple[str, list[str], list[str]]]:
    """(document, commands, lines shown) for each block of output the documents mark."""
    found = []
    for document in DOCUMENTS:
        blocks = list(BLOCK.finditer(document.read_text(encoding="utf-8")))
        for before, block in pairwise(blocks):
            if block["mark"] == SHOWN:
                commands = re.findall(
                    r"^\$ (learningcity .+?)(?:\s+# exit \d+)?$", before["body"], re.M
                )
                found.append((document.name, commands, block["body"].splitlines()))
    return found


def test_shown_output_is_what_the_commands_print() -> None:
    """Each line a document shows as a command's output is a line of what it prints (stdout
    and stderr), run from the repository as test_docs runs the examples."""
    shown = _shown_outputs()
    assert len(shown) >= 2 and all(commands for _, commands, _ in shown)
    for document, commands, lines in shown:
        printed = []
        for command in commands:
            done = subprocess.run(
                [str(BIN / "learningcity"), *shlex.split(command)[1:]],
                cwd=REPO,
                capture_output=True,
                text=True,
                timeout=120,
            )
            printed += (done.stdout + done.stderr).splitlines()
        assert [line for line in lines if line not in printed] == [], f"{document}: {commands}"


def test_make_test_says_in_one_line_what_it_cannot_install(tmp_path: Path) -> None:
    """README: `make test` installs the Debian test packages where it can, and otherwise says in
    one line what is missing (here: no apt-get, no chromium, no Virtuoso on the PATH)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "id", "env"):
        (bin_dir / tool).symlink_to(
            next(Path(d) / tool for d in ("/usr/bin", "/bin") if (Path(d) / tool).exists())
        )
    done = subprocess.run(
        [
            str(bin_dir / "bash"),
            str(REPO / "scripts" / "install-test-packages.sh"),
            "--if-possible",
        ],
        env={"PATH": str(bin_dir)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("make test: not installed: ")
    assert "chromium" in done.stderr and "virtuoso-opensource" in done.stderr
