"""Issue 3 speed figures: `--help`, export to N-Triples and a query, against `rdfpipe`.

Run: .venv/bin/python benchmarks/bench_cli.py  (prints Markdown for docs/performance.md)
"""

from __future__ import annotations

import sys
from pathlib import Path

from harness import compare, report

BIN = Path(sys.executable).parent
DATA = "data/yongsan.ttl"
QUERY = "SELECT ?name WHERE { ?city a lc:LearningCity ; schema:name ?name }"


def main() -> None:
    learningcity = str(BIN / "learningcity")
    rdfpipe = [str(BIN / "rdfpipe"), "-o", "nt", DATA]
    sections = [
        report(
            "`learningcity --help`",
            compare(
                {
                    "learningcity --help": [learningcity, "--help"],
                    "python -c pass": [sys.executable, "-c", "pass"],
                }
            ),
            "python -c pass",
        ),
        report(
            "Export to N-Triples",
            compare(
                {
                    "learningcity": [learningcity, "export", "--format", "nt", DATA],
                    "rdfpipe": rdfpipe,
                }
            ),
            "rdfpipe",
            target=0.5,
        ),
        report(
            "A SPARQL query",
            compare(
                {
                    "learningcity": [learningcity, "query", QUERY, DATA, "--format", "csv"],
                    "rdfpipe": rdfpipe,
                }
            ),
            "rdfpipe",
            target=0.5,
        ),
    ]
    print("\n".join(sections))


if __name__ == "__main__":
    main()
