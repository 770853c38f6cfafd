from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from learningcity.cli import cli
from learningcity.errors import ExitCode
from support import FIXTURES

MESSY = '@prefix ex: <http://example.org/> .\nex:b ex:p "x" . ex:a a ex:C .\n'
CANONICAL = '@prefix ex: <http://example.org/> .\n\nex:a\n    a ex:C .\n\nex:b\n    ex:p "x" .\n'


def test_check_reports_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "messy.ttl"
    path.write_text(MESSY)
    result = CliRunner().invoke(cli, ["fmt", "--check", str(path)])
    assert result.exit_code == ExitCode.FAILED
    assert f"would rewrite {path}" in result.output
    assert path.read_text() == MESSY


def test_rewrites_in_canonical_form_keeping_declared_prefixes(tmp_path: Path) -> None:
    path = tmp_path / "messy.ttl"
    path.write_text(MESSY)
    assert CliRunner().invoke(cli, ["fmt", str(path)]).exit_code == ExitCode.OK
    assert path.read_text() == CANONICAL
    assert CliRunner().invoke(cli, ["fmt", "--check", str(path)]).exit_code == ExitCode.OK


def test_a_broken_file_stops_every_rewrite(tmp_path: Path) -> None:
    good = tmp_path / "good.ttl"
    good.write_text(MESSY)
    broken = FIXTURES / "core" / "broken-line-3.ttl"
    result = CliRunner().invoke(cli, ["fmt", str(good), str(broken)])
    assert result.exit_code != ExitCode.OK
    assert good.read_text() == MESSY


def test_only_turtle_is_formatted(tmp_path: Path) -> None:
    path = tmp_path / "data.nt"
    path.write_text("<http://a> <http://b> <http://c> .\n")
    result = CliRunner().invoke(cli, ["fmt", str(path)])
    assert result.exit_code != ExitCode.OK


COMMENTED = (
    "# The example vocabulary.\n"
    "@prefix ex: <http://example.org/> .\n"
    'ex:b ex:p "x # not a comment" . # the b\n'
    "ex:a a <http://example.org/C#not-one-either> .\n"
)


def test_dropped_comments_are_named_not_lost_unnoticed(tmp_path: Path) -> None:
    """fmt cannot keep comments (they are not in the graph): it says how many it drops."""
    path = tmp_path / "commented.ttl"
    path.write_text(COMMENTED)
    checked = CliRunner().invoke(cli, ["fmt", "--check", str(path)])
    assert checked.exit_code == ExitCode.FAILED
    assert f"{path}: would drop 2 comments, which are not in the graph" in checked.stderr
    assert path.read_text() == COMMENTED
    rewritten = CliRunner().invoke(cli, ["fmt", str(path)])
    assert rewritten.exit_code == ExitCode.OK
    assert f"{path}: dropped 2 comments" in rewritten.stderr
    assert "the b" not in path.read_text() and '"x # not a comment"' in path.read_text()
    again = CliRunner().invoke(cli, ["fmt", str(path)])
    assert "comments" not in again.stderr
