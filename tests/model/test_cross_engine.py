"""pyrudof gives, on every shape fixture, exactly the results the fixture expects; and
docs/conformance.md states what this run measured (see `cross_engine`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cross_engine import FIXTURE_FILES, Outcome, expected_rows, is_core, run_all, section

DOC = Path(__file__).resolve().parents[2] / "docs" / "conformance.md"


@pytest.fixture(scope="module")
def outcomes() -> dict[Path, Outcome]:
    return run_all()


def test_every_fixture_is_checked_and_few_need_shacl_sparql() -> None:
    sparql = [f for f in FIXTURE_FILES if not is_core(expected_rows(f))]
    assert len(FIXTURE_FILES) > 250
    assert 0 < len(sparql) < 20  # the SHACL-SPARQL constraints left, a fixture or two each


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_pyrudof_gives_exactly_the_expected_results(
    fixture: Path, outcomes: dict[Path, Outcome]
) -> None:
    """Under pyrudof's native engine; where the expected result is a core one, the core shapes
    alone give it too; where it is a SHACL-SPARQL one, pyrudof's SPARQL engine gives it too (the
    case where rows could repeat: pyrudof reports each row, pyshacl each distinct result)."""
    outcome = outcomes[fixture]
    assert outcome.native == outcome.expected
    assert (outcome.core if is_core(outcome.expected) else outcome.sparql) == outcome.expected


def test_the_document_states_what_this_run_measured(outcomes: dict[Path, Outcome]) -> None:
    hint = "run .venv/bin/python scripts/conformance_report.py and commit docs/conformance.md"
    assert section(list(outcomes.values())) in DOC.read_text(encoding="utf-8"), hint
