"""Fuzz every input syntax and SPARQL: mutated W3C test files (and the bundled queries) never
crash the command nor hang it.

Each suite runs in a process of its own (`harness.py`), so a parser that overflows its stack or
aborts shows up as a signal instead of killing pytest, and a hang as a timeout. The mutations
are seeded: a failure replays exactly, and the harness reports the input in hex.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HARNESS = Path(__file__).with_name("harness.py")
SUITES = ["turtle", "ntriples", "nquads", "trig", "rdfxml", "jsonld", "sparql"]
INPUTS_PER_SUITE = 3000
SEED = 20261125
TIMEOUT_S = 60  # each suite takes ~2-3 s; a parser caught in a loop would not finish


@pytest.mark.parametrize("suite", SUITES)
def test_mutated_inputs_never_crash_or_hang(suite: str) -> None:
    done = subprocess.run(
        [sys.executable, str(HARNESS), suite, str(INPUTS_PER_SUITE), str(SEED)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert report["failures"] == []
    assert sum(report["codes"].values()) == INPUTS_PER_SUITE
    assert set(report["codes"]) <= {"0", "1", "2"}
    assert report["codes"].get("2", 0) > 0  # the mutations do reach the error paths
