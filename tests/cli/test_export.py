"""`learningcity export`: formats, -o, --all, exit codes and one-line errors."""

from __future__ import annotations

import functools
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from help_examples import help_examples
from learningcity.cli import cli
from learningcity.errors import ExitCode
from learningcity.export import export
from learningcity.formats import SYNTAXES
from learningcity.jsonld import CONTEXT_IRI, context_document, inline_bundled_context
from learningcity.load import load_paths
from rdfcompare import canonical
from support import FIXTURES, REPO

LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))
TRICKY = str(FIXTURES / "export" / "tricky-literals.ttl")
NAMED = str(FIXTURES / "export" / "named-graphs.trig")
STREAMABLE = str(FIXTURES / "export" / "streamable.ttl")
JSONLD_STREAM = ("--format", "jsonld", "--stream")


def run(*arguments: str, seed: str = "0") -> subprocess.CompletedProcess[bytes]:
    environment = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run([LEARNINGCITY, *arguments], capture_output=True, env=environment)


def assert_one_line_error(done: subprocess.CompletedProcess[bytes], code: ExitCode) -> str:
    assert done.returncode == code, done.stderr
    message = done.stderr.decode()
    assert message.count("\n") == 1
    assert message.startswith("learningcity: error: ")
    assert "Traceback" not in message
    return message


def test_jsonld_to_stdout_holds_its_context_inline() -> None:
    result = CliRunner().invoke(cli, ["export", TRICKY, "--format", "jsonld"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["@context"][0] == context_document()["@context"]


def test_the_old_inline_context_flag_still_gives_the_default_bytes() -> None:
    """0.1.0 scripts passed --inline-context; inline is the default now, so it changes nothing."""
    plain = run("export", TRICKY, "--format", "jsonld")
    flagged = run("export", TRICKY, "--format", "jsonld", "--inline-context")
    assert flagged.returncode == 0, flagged.stderr
    assert flagged.stdout == plain.stdout
    assert b"--inline-context" not in run("export", "--help").stdout


def test_published_context_and_frame_options() -> None:
    result = CliRunner().invoke(
        cli, ["export", TRICKY, "--format", "jsonld", "--frame", "--published-context"]
    )
    document = json.loads(result.output)
    assert document["@context"][0] == CONTEXT_IRI
    (city,) = document["@graph"]
    assert isinstance(city["org:hasMembership"], dict), "the membership is nested"


def test_default_format_is_turtle() -> None:
    result = CliRunner().invoke(cli, ["export", TRICKY])
    assert result.output.encode() == export(load_paths(TRICKY), "turtle")


def test_output_file_format_comes_from_its_extension(tmp_path) -> None:
    target = tmp_path / "out.nt"
    result = CliRunner().invoke(cli, ["export", TRICKY, "-o", str(target)])
    assert result.exit_code == 0
    assert result.output == ""
    assert target.read_bytes() == export(load_paths(TRICKY), "nt")


def test_all_writes_every_syntax_named_after_the_data(tmp_path) -> None:
    result = CliRunner().invoke(cli, ["export", TRICKY, "--all", str(tmp_path / "dist")])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "dist").iterdir())
    assert names == sorted(f"tricky-literals.{s.extension}" for s in SYNTAXES)


def test_reads_stdin_with_input_format() -> None:
    with Path(TRICKY).open("rb") as stream:
        done = subprocess.run(
            [LEARNINGCITY, "export", "-", "--input-format", "turtle", "--format", "nt"],
            stdin=stream,
            capture_output=True,
        )
    assert done.returncode == ExitCode.OK
    assert done.stdout == export(load_paths(TRICKY), "nt")


def test_two_processes_write_identical_bytes_for_every_syntax() -> None:
    for syntax in SYNTAXES:
        first = run("export", TRICKY, "--format", syntax.name, seed="1")
        second = run("export", TRICKY, "--format", syntax.name, seed="2")
        assert first.returncode == ExitCode.OK
        assert first.stdout == second.stdout, syntax.name


def test_missing_file_is_bad_input() -> None:
    message = assert_one_line_error(run("export", "nope.ttl"), ExitCode.BAD_INPUT)
    assert "nope.ttl: no such file" in message


def test_frame_with_turtle_is_bad_input() -> None:
    message = assert_one_line_error(run("export", TRICKY, "--frame"), ExitCode.BAD_INPUT)
    assert "--frame applies to JSON-LD only" in message


def test_unknown_output_extension_asks_for_format(tmp_path) -> None:
    done = run("export", TRICKY, "-o", str(tmp_path / "out.txt"))
    assert "give --format" in assert_one_line_error(done, ExitCode.BAD_INPUT)


def test_all_with_output_is_bad_input(tmp_path) -> None:
    done = run("export", TRICKY, "--all", str(tmp_path), "-o", str(tmp_path / "x.ttl"))
    assert "--all writes every format" in assert_one_line_error(done, ExitCode.BAD_INPUT)


def test_failed_export_leaves_the_previous_output_unchanged(tmp_path) -> None:
    target = tmp_path / "out.ttl"
    target.write_bytes(b"previous\n")
    done = run("export", NAMED, "-o", str(target))
    assert "named graphs" in assert_one_line_error(done, ExitCode.BAD_INPUT)
    assert target.read_bytes() == b"previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


def test_unwritable_output_is_an_io_error(tmp_path) -> None:
    done = run("export", TRICKY, "-o", str(tmp_path / "missing" / "out.ttl"))
    assert "cannot write" in assert_one_line_error(done, ExitCode.IO_ERROR)


def test_help_shows_examples() -> None:
    result = CliRunner().invoke(cli, ["export", "--help"])
    assert "Examples:" in result.output
    assert "--all dist/" in result.output


def test_help_examples_run_in_a_fresh_checkout(tmp_path) -> None:
    (tmp_path / "data").mkdir()
    shutil.copy(REPO / "data" / "yongsan.ttl", tmp_path / "data" / "yongsan.ttl")
    for arguments in help_examples("export"):
        done = subprocess.run([LEARNINGCITY, *arguments], cwd=tmp_path, capture_output=True)
        assert done.returncode == ExitCode.OK, (arguments, done.stderr)
    assert (tmp_path / "dist" / "yongsan.jsonld").is_file()


def test_all_names_the_files_after_the_whole_stem(tmp_path: Path) -> None:
    """The name before the first dot was taken: `city.v2.ttl --all` replaced `city.ttl` (another
    dataset) and `.hidden.ttl` wrote `.ttl`, `.nt` ..."""
    dist = tmp_path / "dist"
    dist.mkdir()
    other = dist / "city.ttl"
    other.write_text("another dataset\n")
    for name, stem in [
        ("city.v2.ttl", "city.v2"),
        (".hidden.ttl", ".hidden"),
        ("a.b.nt.gz", "a.b"),
    ]:
        data = tmp_path / name
        content = Path(TRICKY).read_bytes()
        if name.endswith(".gz"):
            done = run("export", TRICKY, "--format", "nt", "-o", str(tmp_path / "tricky.nt"))
            assert done.returncode == 0, done.stderr
            content = gzip.compress((tmp_path / "tricky.nt").read_bytes())
        data.write_bytes(content)
        done = run("export", str(data), "--all", str(dist))
        assert done.returncode == 0, done.stderr
        assert {f"{stem}.{s.extension}" for s in SYNTAXES} <= {p.name for p in dist.iterdir()}
    assert other.read_text() == "another dataset\n"
    assert not (dist / ".ttl").exists()


def test_streamed_jsonld_from_stdin_is_the_streamed_jsonld_of_the_file() -> None:
    """The forked parser reads stdin, which the command never touches."""
    with Path(STREAMABLE).open("rb") as stream:
        done = subprocess.run(
            [LEARNINGCITY, "export", "-", "--input-format", "turtle", *JSONLD_STREAM],
            stdin=stream,
            capture_output=True,
        )
    assert done.returncode == ExitCode.OK, done.stderr
    parse = functools.partial(ox.parse, format=ox.RdfFormat.JSON_LD)
    from_file = run("export", STREAMABLE, *JSONLD_STREAM).stdout
    assert canonical(parse(inline_bundled_context(done.stdout))) == canonical(
        parse(inline_bundled_context(from_file))
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("<urn:x:a> <urn:x:p> .\n", r"bad\.trig:1:\d+: "),
        ("<urn:x:a> <urn:x:p> 1 .\nGRAPH <urn:x:g> { <urn:x:a> <urn:x:p> 2 }\n", "default graph"),
    ],
    ids=["syntax error", "named graph"],
)
def test_streamed_jsonld_refused_before_any_statement_leaves_stdout_empty(
    data: str, message: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.trig"
    bad.write_text(data)
    done = subprocess.run(
        [LEARNINGCITY, "export", "bad.trig", *JSONLD_STREAM],
        capture_output=True,
        cwd=tmp_path,
    )
    assert re.search(message, assert_one_line_error(done, ExitCode.BAD_INPUT))
    assert done.stdout == b""
