"""`learningcity embed`: script or JSON output, -o, exit codes and one-line errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from help_examples import help_examples
from learningcity.cli import cli
from learningcity.errors import ExitCode
from support import FIXTURES, REPO

LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))
DATA = str(REPO / "data" / "yongsan.ttl")
CITY = "https://w3id.org/learningcity/id/city/kr-yongsan-gu"
SCRIPT_START = '<script type="application/ld+json">\n'


def run(*arguments: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([LEARNINGCITY, *arguments], capture_output=True, text=True, cwd=cwd)


def assert_one_line_error(done: subprocess.CompletedProcess[str], code: ExitCode) -> str:
    assert done.returncode == code, done.stderr
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("learningcity: error: ")
    assert "Traceback" not in done.stderr
    return done.stderr


def test_default_is_a_script_element_for_the_default_data() -> None:
    done = run("embed")
    assert done.returncode == ExitCode.OK, done.stderr
    assert done.stdout.startswith(SCRIPT_START)
    assert done.stdout.endswith("</script>\n")


def test_json_output_is_the_bare_document() -> None:
    result = CliRunner().invoke(cli, ["embed", DATA, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["@id"] == CITY


def test_resource_option_and_output_file(tmp_path) -> None:
    target = tmp_path / "embed.html"
    result = CliRunner().invoke(cli, ["embed", DATA, "--resource", CITY, "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith(SCRIPT_START)


def test_unknown_resource_is_bad_input() -> None:
    done = run("embed", DATA, "--resource", "https://example.org/nowhere")
    assert "says nothing about it" in assert_one_line_error(done, ExitCode.BAD_INPUT)


def test_data_without_a_city_is_bad_input() -> None:
    done = run("embed", str(FIXTURES / "export" / "named-graphs.trig"))
    assert "--resource" in assert_one_line_error(done, ExitCode.BAD_INPUT)


def test_unwritable_output_is_an_io_error(tmp_path) -> None:
    done = run("embed", DATA, "-o", str(tmp_path / "missing" / "embed.html"))
    assert_one_line_error(done, ExitCode.IO_ERROR)


def test_no_data_outside_the_repository_is_bad_input(tmp_path) -> None:
    assert "no DATA given" in assert_one_line_error(run("embed", cwd=tmp_path), ExitCode.BAD_INPUT)


def test_help_shows_examples() -> None:
    result = CliRunner().invoke(cli, ["embed", "--help"])
    assert "Examples:" in result.output


def test_help_examples_run_in_a_fresh_checkout(tmp_path) -> None:
    (tmp_path / "data").mkdir()
    shutil.copy(DATA, tmp_path / "data" / "yongsan.ttl")
    for arguments in help_examples("embed"):
        done = run(*arguments, cwd=tmp_path)
        assert done.returncode == ExitCode.OK, (arguments, done.stderr)
    assert (tmp_path / "yongsan-embed.html").read_text(encoding="utf-8").startswith(SCRIPT_START)
