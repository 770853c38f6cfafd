"""Write docs/conformance.md from a run of the W3C suites through the `learningcity` command,
of the SPARQL query syntax tests through `query -f` and `/sparql`, of the SPARQL protocol
manifest against `learningcity serve`, the SHACL core suite's part (tests/conformance/shacl.py;
its test runs it), and of the shape fixtures under pyrudof
(tests/model/cross_engine.py).

Usage: .venv/bin/python scripts/conformance_report.py
The conformance tests (tests/conformance) fail when the committed file differs from their run.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "model"))

import cross_engine

from conformance import protocol, shacl
from conformance.report import DOC, render, run_suite
from conformance.sparql_syntax import run_doors
from conformance.w3c import SUITES


def main() -> None:
    results = {suite: run_suite(suite) for suite in SUITES}
    suites = render({**results, **run_doors()})
    core = shacl.section(shacl.shacl_cases())
    engines = cross_engine.section(list(cross_engine.run_all().values()))
    text = suites + "\n" + protocol.section(protocol.run_all()) + "\n" + core + "\n" + engines
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
