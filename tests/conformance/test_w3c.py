"""The W3C suites through `learningcity validate` / `export`: every test passes or is a listed
exception, and `docs/conformance.md` states exactly what this run measured."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conformance.exceptions import EXCEPTIONS
from conformance.report import DOC, key, row, run_suite, section
from conformance.w3c import SUITES, SUITES_DIR, cases, compare, run_main
from learningcity.errors import ExitCode
from support import shared

LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))


@pytest.mark.parametrize("suite", list(SUITES))
def test_suite_passes_but_for_its_listed_exceptions(suite: str) -> None:
    outcomes = run_suite(suite)
    failed = {key(o): o.why for o in outcomes if not o.passed}
    assert set(failed) == set(EXCEPTIONS[suite]), {
        "unexplained failures": {k: v for k, v in failed.items() if k not in EXCEPTIONS[suite]},
        "listed but passing": sorted(set(EXCEPTIONS[suite]) - set(failed)),
    }
    committed = DOC.read_text(encoding="utf-8")
    hint = "run .venv/bin/python scripts/conformance_report.py and commit docs/conformance.md"
    assert row(suite, outcomes) + "\n" in committed, hint
    assert section(suite, outcomes) in committed, hint


def test_every_suite_is_in_the_document() -> None:
    rows = [line for line in DOC.read_text(encoding="utf-8").splitlines() if line[:2] == "| "]
    labels = [line.split("|")[1].strip() for line in rows[1:] if not line.startswith("| test")]
    assert labels[: len(SUITES)] == [label for _, label in SUITES.values()]


@pytest.mark.parametrize(
    ("suite", "index"), [(s, i) for s in ("turtle", "trig", "rdfxml", "jsonld") for i in (0, 7)]
)
def test_installed_command_rejects_negative_tests_in_one_line(
    suite: str, index: int, tmp_path: Path
) -> None:
    negatives = [c for c in cases(suite) if c.kind == "negative"]
    case = [c for c in negatives if c.name.split()[0] not in EXCEPTIONS[suite]][index]
    output = tmp_path / "out.nq"
    done = subprocess.run(
        [LEARNINGCITY, "export", str(case.action), "-o", str(output)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == ExitCode.BAD_INPUT
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"learningcity: error: {case.action}:")
    assert done.stderr.split(":")[3].isdigit() and done.stderr.split(":")[4].isdigit()
    assert not output.exists()


@pytest.mark.parametrize("suite", ["turtle", "rdfxml", "jsonld"])
def test_installed_command_accepts_an_evaluation_test(suite: str, tmp_path: Path) -> None:
    case = next(c for c in cases(suite) if c.kind == "eval")
    done = subprocess.run(
        [LEARNINGCITY, "validate", str(case.action)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == ExitCode.OK, done.stderr


@pytest.mark.parametrize("suite", ["turtle", "trig", "rdfxml", "jsonld"])
def test_installed_command_resolves_relative_iris_against_the_assumed_base(
    suite: str, tmp_path: Path
) -> None:
    """The first evaluation test whose expected result holds IRIs under the retrieval IRI the
    manifest assumes: `--base-iri` alone makes the output equal, with no rebasing after."""
    case = next(
        c
        for c in cases(suite)
        if c.kind == "eval"
        and c.base is not None
        and c.expected is not None
        and c.base.rsplit("/", 1)[0] in c.expected.read_text(encoding="utf-8")
    )
    output = tmp_path / "out.nq"
    command = [LEARNINGCITY, "export", str(case.action), *case.base_option, "--format", "nquads"]
    done = subprocess.run([*command, "-o", str(output)], capture_output=True, text=True, timeout=60)
    assert done.returncode == ExitCode.OK, done.stderr
    assert "file:" not in output.read_text(encoding="utf-8")
    assert compare(case, output).passed, compare(case, output).why


def test_the_suites_are_beside_the_clone() -> None:
    assert shared(SUITES_DIR / "README.md").is_file()


@pytest.mark.parametrize("name", ["tc031", "tso05"])
def test_a_context_naming_another_document_is_refused_saying_why(name: str, tmp_path: Path) -> None:
    """A `@context` (top-level or scoped) that names another document is never read, and the
    one line says so; on 92a7ca2 it quoted Oxigraph's "No LoadDocumentCallback has been set"."""
    case = next(c for c in cases("jsonld") if c.name.split()[0] == name)
    run = run_main("export", str(case.action), *case.base_option, "-o", str(tmp_path / "out.nq"))
    assert run.code == ExitCode.BAD_INPUT
    assert run.stderr.endswith(
        ": a @context names another document (a URL or a file), which is never read: nothing is "
        "fetched; put the context in the document\n"
    )
    assert run.stderr.count("\n") == 1 and not (tmp_path / "out.nq").exists()
