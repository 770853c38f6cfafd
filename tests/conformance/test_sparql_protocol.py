"""The W3C SPARQL 1.1 Protocol manifest against a real `learningcity serve`: every test that
applies to a read-only endpoint passes, the ones that cannot apply are listed with reasons
(`protocol.NOT_APPLICABLE`, checked against the manifest), and `docs/conformance.md` states
exactly what this run measured."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conformance import protocol
from conformance.report import DOC

TESTS = protocol.tests()
APPLICABLE = [t.name for t in TESTS if t.name not in protocol.NOT_APPLICABLE]


@pytest.fixture(scope="module")
def outcomes() -> Iterator[dict[str, protocol.Outcome]]:
    with protocol.serving(TESTS) as root:
        yield {
            test.name: protocol.run_test(test, root)
            for test in TESTS
            if test.name not in protocol.NOT_APPLICABLE
        }


@pytest.mark.parametrize("name", APPLICABLE)
def test_applicable_protocol_test_passes(outcomes: dict[str, protocol.Outcome], name: str) -> None:
    outcome = outcomes[name]
    assert outcome.passed, outcome.why


def test_the_not_applicable_tests_are_exactly_the_updates_expected_to_succeed() -> None:
    assert protocol.not_applicable(TESTS) == protocol.NOT_APPLICABLE
    assert len(APPLICABLE) + len(protocol.NOT_APPLICABLE) == len(TESTS) == 34


def test_the_document_states_what_this_run_measured(
    outcomes: dict[str, protocol.Outcome],
) -> None:
    hint = "run .venv/bin/python scripts/conformance_report.py and commit docs/conformance.md"
    assert protocol.section(list(outcomes.values())) in DOC.read_text(encoding="utf-8"), hint
