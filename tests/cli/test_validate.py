"""`learningcity validate`: exit codes, formats, options and errors, in process and installed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from learningcity.cli import cli
from learningcity.errors import ExitCode, InputError
from support import FIXTURES

LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))
HERE = FIXTURES / "validation"
FIXTURE_OPTIONS = [
    "--shapes",
    str(HERE / "shapes-city.ttl"),
    "--ontology",
    str(HERE / "ontology-city-subclass.ttl"),
]


def run(*args: str, input: bytes | None = None) -> Result:
    return CliRunner().invoke(cli, ["validate", *FIXTURE_OPTIONS, *args], input=input)


def test_conforming_data_exits_0_with_the_summary() -> None:
    result = run(str(HERE / "data-valid.ttl"))
    assert result.exit_code == ExitCode.OK, result.output
    assert result.stdout == "Conforms: yes — 0 violations, 0 warnings, 0 infos in 0 focus nodes\n"


def test_violations_exit_1_and_are_listed() -> None:
    result = run(str(HERE / "data-missing-name.ttl"))
    assert result.exit_code == ExitCode.FAILED
    assert result.stdout.splitlines() == [
        "city:kr-yongsan-gu",
        "  Violation  schema:name",
        "    en: A city needs a name.",
        "    ko: 도시에는 이름이 필요합니다.",
        "",
        "Conforms: no — 1 violation, 0 warnings, 0 infos in 1 focus node",
    ]


def test_warnings_pass_unless_strict() -> None:
    data = str(HERE / "data-warning-only.ttl")
    assert run(data).exit_code == ExitCode.OK
    strict = run(data, "--strict")
    assert strict.exit_code == ExitCode.FAILED
    assert "(strict: warnings count)" in strict.stdout


def test_syntax_error_is_an_input_error_with_file_line_column() -> None:
    broken = HERE / "data-syntax-error.ttl"
    result = run(str(broken))
    assert isinstance(result.exception, InputError)
    assert result.exception.exit_code == ExitCode.BAD_INPUT
    assert str(result.exception) == f"{broken}:5:26: Unexpected end of file"
    assert result.stdout == ""


def test_missing_file_is_an_input_error() -> None:
    result = run(str(HERE / "no-such-data.ttl"))
    assert isinstance(result.exception, InputError)
    assert result.exception.exit_code == ExitCode.BAD_INPUT
    assert "no such file" in str(result.exception)


def test_missing_shapes_file_is_an_input_error() -> None:
    result = CliRunner().invoke(
        cli, ["validate", "--shapes", "nope.shapes.ttl", str(HERE / "data-valid.ttl")]
    )
    assert isinstance(result.exception, InputError)
    assert str(result.exception) == "nope.shapes.ttl: no such file; check the path"


def test_several_files_and_stdin_are_validated_as_one_graph() -> None:
    missing_name = str(HERE / "data-missing-name.ttl")
    the_name = (
        b'<https://w3id.org/learningcity/id/city/kr-yongsan-gu> <https://schema.org/name> "Y" .'
    )
    assert run(missing_name).exit_code == ExitCode.FAILED
    result = run(missing_name, "-", "--input-format", "turtle", input=the_name)
    assert result.exit_code == ExitCode.FAILED  # the one-letter name breaks the SPARQL rule
    assert "A city name has at least two characters." in result.stdout
    assert "A city needs a name." not in result.stdout


def test_json_format_carries_the_w3c_report() -> None:
    result = run(str(HERE / "data-several-problems.ttl"), "--format", "json")
    assert result.exit_code == ExitCode.FAILED
    report = json.loads(result.stdout)
    assert report["conforms"] is False
    results = report["result"]
    assert len(results) == 7
    for entry in results:
        assert {"focusNode", "resultSeverity", "sourceShape", "sourceConstraintComponent"} <= set(
            entry
        )
    paths = {entry["resultPath"] for entry in results if isinstance(entry.get("resultPath"), str)}
    assert {"schema:name", "lc:population", "schema:description"} <= paths
    graph = ox.Dataset(ox.parse(result.stdout.encode(), format=ox.RdfFormat.JSON_LD))
    assert len(graph) > 0


def test_turtle_format_parses_as_the_report_graph() -> None:
    result = run(str(HERE / "data-missing-name.ttl"), "--format", "turtle")
    assert result.exit_code == ExitCode.FAILED
    graph = list(ox.parse(result.stdout.encode(), format=ox.RdfFormat.TURTLE))
    severities = [q.object.value for q in graph if q.predicate.value.endswith("#resultSeverity")]
    assert severities == ["http://www.w3.org/ns/shacl#Violation"]


def test_output_file_is_written_atomically_and_stdout_stays_empty(tmp_path: Path) -> None:
    target = tmp_path / "report.jsonld"
    target.write_text("previous")
    result = run(str(HERE / "data-missing-name.ttl"), "--format", "json", "-o", str(target))
    assert result.exit_code == ExitCode.FAILED
    assert result.stdout == ""
    assert json.loads(target.read_text())["conforms"] is False
    assert [p.name for p in tmp_path.iterdir()] == ["report.jsonld"]  # no temporary left


def test_failed_run_leaves_the_previous_output_untouched(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("previous")
    result = run(str(HERE / "data-syntax-error.ttl"), "-o", str(target))
    assert isinstance(result.exception, InputError)
    assert target.read_text() == "previous"


def test_no_colour_when_stdout_is_not_a_terminal() -> None:
    assert "\033[" not in run(str(HERE / "data-several-problems.ttl")).stdout


def test_help_has_examples_and_exit_codes() -> None:
    result = CliRunner().invoke(cli, ["validate", "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output
    for code in ("0  the data passes", "1  the data fails", "2  unusable input"):
        assert code in result.output


def test_help_does_not_import_pyshacl() -> None:
    code = (
        "import sys; from learningcity.cli import cli\n"
        "try: cli.main(['validate', '--help'])\n"
        "except SystemExit: pass\n"
        "assert 'pyshacl' not in sys.modules and 'rdflib' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ("data-valid.ttl", ExitCode.OK),
        ("data-missing-name.ttl", ExitCode.FAILED),
        # rdflib logs a traceback for the literal it cannot read; the command prints none
        ("data-ill-typed-population.ttl", ExitCode.FAILED),
        ("data-syntax-error.ttl", ExitCode.BAD_INPUT),
    ],
)
def test_installed_command_exit_codes_and_clean_stderr(data: str, code: ExitCode) -> None:
    done = subprocess.run(
        [LEARNINGCITY, "validate", *FIXTURE_OPTIONS, str(HERE / data)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == code, done.stderr
    if code == ExitCode.BAD_INPUT:
        assert done.stdout == ""
        assert done.stderr.count("\n") == 1
        assert done.stderr == f"learningcity: error: {HERE / data}:5:26: Unexpected end of file\n"
        assert "Traceback" not in done.stderr
    else:
        assert done.stderr == ""  # no progress line when stderr is not a terminal
        assert done.stdout.splitlines()[-1].startswith("Conforms: ")


@pytest.mark.parametrize("report_format", ["text", "json", "turtle"])
def test_installed_command_reports_warnings_only_as_not_conforming_and_exits_0(
    report_format: str,
) -> None:
    """SHACL 3.6.1: a report with any result, warnings included, says `sh:conforms false`; the
    exit code stays 0 (warnings allowed without --strict), and every rendering says the same."""
    done = subprocess.run(
        [
            LEARNINGCITY,
            "validate",
            *FIXTURE_OPTIONS,
            str(HERE / "data-warning-only.ttl"),
            "--format",
            report_format,
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == ExitCode.OK, done.stderr
    rdf_format = {"json": ox.RdfFormat.JSON_LD, "turtle": ox.RdfFormat.TURTLE}.get(report_format)
    if rdf_format is None:
        assert done.stdout.splitlines()[-1] == (
            "Conforms: no — 0 violations, 1 warning, 0 infos in 1 focus node; "
            "passes: warnings and infos allowed"
        )
        return
    graph = list(ox.parse(done.stdout.encode(), format=rdf_format))
    stated = [t.object for t in graph if t.predicate.value.endswith("#conforms")]
    assert stated == [ox.Literal(False)]
    assert sum(1 for t in graph if t.predicate.value.endswith("#result")) == 1
