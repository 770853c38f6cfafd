"""The docs are generated or executed: the CLI reference matches `--help`, every
`$ learningcity …` example in docs/ and the README runs with the exit code it shows, and every
test a document names as proof exists."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from support import REPO

sys.path.insert(0, str(REPO / "scripts"))
from build_cli_reference import REFERENCE, render
from learningcity.cli import COMMANDS
from learningcity.errors import ExitCode

LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))
EXAMPLE = re.compile(r"^\$ (learningcity .+?)(?:\s+# exit (\d+))?$", re.MULTILINE)
DOCUMENTS = sorted([REPO / "README.md", *(REPO / "docs").glob("*.md")])


def test_cli_reference_is_generated_from_help() -> None:
    assert REFERENCE.read_text(encoding="utf-8") == render()


USAGE = re.compile(r"^Usage: .+$", re.MULTILINE)


def test_cli_reference_shows_the_installed_command() -> None:
    """Each usage line of docs/cli.md is the one the installed command prints (c227e75 showed
    `Usage: cli ...`, the name click took from the generator's in-process run)."""
    printed = []
    for command in [[], *([name] for name in sorted(COMMANDS))]:
        done = subprocess.run(
            [LEARNINGCITY, *command, "--help"], capture_output=True, text=True, timeout=60
        )
        printed += USAGE.findall(done.stdout)[:1]
    assert USAGE.findall(REFERENCE.read_text(encoding="utf-8")) == printed


def _examples() -> list[tuple[str, str, int]]:
    found = []
    for document in DOCUMENTS:
        for match in EXAMPLE.finditer(document.read_text(encoding="utf-8")):
            found.append((document.name, match.group(1), int(match.group(2) or 0)))
    return found


def test_docs_have_examples() -> None:
    assert len(_examples()) >= 5


@pytest.mark.parametrize(("document", "command", "expected"), _examples())
def test_documented_example_runs(
    document: str, command: str, expected: int, tmp_path: Path
) -> None:
    argv = shlex.split(command)
    argv[0] = LEARNINGCITY
    done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == expected, f"{document}: {command}\n{done.stderr}"
    assert "Traceback" not in done.stderr


NAMED_TEST = re.compile(r"`(tests/[\w/]+\.py)::(test_\w+)`")


def _named_tests() -> list[tuple[str, str, str]]:
    return [
        (document.name, path, name)
        for document in DOCUMENTS
        for path, name in NAMED_TEST.findall(document.read_text(encoding="utf-8"))
    ]


def test_security_doc_names_its_proofs() -> None:
    assert len([t for t in _named_tests() if t[0] == "security.md"]) >= 60


@pytest.mark.parametrize(("document", "path", "name"), _named_tests())
def test_a_named_test_exists(document: str, path: str, name: str) -> None:
    """docs/security.md says which test proves each defence; a renamed or deleted test must
    not leave the document pointing at nothing."""
    source = (REPO / path).read_text(encoding="utf-8")
    assert re.search(rf"^def {name}\(", source, re.MULTILINE), f"{document}: {path}::{name}"


def test_readme_lists_every_exit_code() -> None:
    """The README's table of exit codes names each code the commands can end with."""
    table = re.findall(r"^\| (\d+) \|", (REPO / "README.md").read_text(encoding="utf-8"), re.M)
    assert sorted(int(code) for code in table) == sorted(code.value for code in ExitCode)
