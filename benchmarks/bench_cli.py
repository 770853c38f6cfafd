"""Issue 3's speed figures, side by side with the peers in one run, on data/yongsan.ttl:
`learningcity validate` against the `pyshacl` command, `export --format nt` and a `query`
against `rdfpipe -o nt`, and the start-up of `learningcity --help`.

Run: .venv/bin/python benchmarks/bench_cli.py [--runs 11] [--write]
(--write replaces the "Command line (issue 3)" section of docs/performance.md)
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
from pathlib import Path

from harness import compare, report

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATA = "data/yongsan.ttl"
SHAPES = "shapes/learningcity.shapes.ttl"
ONTOLOGY = "ontology/learningcity.ttl"
QUERY = "SELECT ?name WHERE { ?city a lc:LearningCity ; schema:name ?name }"
PERFORMANCE = REPO / "docs" / "performance.md"
SECTION = re.compile(r"## Command line \(issue 3\)\n.*?(?=\n## |\Z)", re.DOTALL)
HELP_TARGET_SECONDS = 0.1


def measure(runs: int) -> str:
    learningcity = str(BIN / "learningcity")
    rdfpipe = [str(BIN / "rdfpipe"), "-o", "nt", DATA]
    pyshacl = [str(BIN / "pyshacl"), "-s", SHAPES, "-e", ONTOLOGY, DATA]
    start_up = compare(
        {
            "learningcity --help": [learningcity, "--help"],
            "python -c pass": [sys.executable, "-c", "pass"],
        },
        runs,
    )
    help_seconds = start_up[0].median
    verdict = "met" if help_seconds <= HELP_TARGET_SECONDS else "not met"
    sections = [
        report(
            "Validation",
            compare({"learningcity": [learningcity, "validate", DATA], "pyshacl": pyshacl}, runs),
            "pyshacl",
            target=1.0,
        ),
        report(
            "Export to N-Triples",
            compare(
                {
                    "learningcity": [learningcity, "export", "--format", "nt", DATA],
                    "rdfpipe": rdfpipe,
                },
                runs,
            ),
            "rdfpipe",
            target=0.5,
        ),
        report(
            "A SPARQL query (CSV out)",
            compare(
                {
                    "learningcity": [learningcity, "query", QUERY, DATA, "--format", "csv"],
                    "rdfpipe": rdfpipe,
                },
                runs,
            ),
            "rdfpipe",
            target=0.5,
        ),
        report("Start-up: `learningcity --help`", start_up, "python -c pass")
        + f"\nTarget: ≤ {HELP_TARGET_SECONDS} s; measured {help_seconds:.3f} s — **{verdict}**.\n",
    ]
    machine = (
        f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}; "
        f"whole processes, interleaved, median of {runs} runs each after one warm-up run."
    )
    return (
        "## Command line (issue 3)\n\n"
        f"`.venv/bin/python benchmarks/bench_cli.py --runs {runs} --write` on `{DATA}` ({machine}) "
        "The machine is shared and noisy: the ratios, measured side by side in one run, are the "
        "figures to trust.\n\n" + "\n".join(sections)
    )


def write_section(section: str) -> None:
    text = PERFORMANCE.read_text(encoding="utf-8") if PERFORMANCE.exists() else "# Performance\n"
    if SECTION.search(text):
        text = SECTION.sub(lambda _: section.rstrip("\n") + "\n", text)
    else:
        text = text.replace("# Performance\n", "# Performance\n\n" + section + "\n", 1)
    PERFORMANCE.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    os.chdir(REPO)
    section = measure(args.runs)
    print(section)
    if args.write:
        write_section(section)


if __name__ == "__main__":
    main()
