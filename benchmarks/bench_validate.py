"""Issue 3 speed figure: `learningcity validate` against the `pyshacl` command on the same files.

Whole processes, interleaved, median of 7 each (see harness.py). Target: ratio ≤ 1.0.
Run: .venv/bin/python benchmarks/bench_validate.py  (prints Markdown for docs/performance.md)
Other files: ... bench_validate.py DATA --shapes S --ontology O
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from harness import compare, report

BIN = Path(sys.executable).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default="data/yongsan.ttl")
    parser.add_argument("--shapes", default="shapes/learningcity.shapes.ttl")
    parser.add_argument("--ontology", default="ontology/learningcity.ttl")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    ours = [str(BIN / "learningcity"), "validate", args.data]
    if (args.shapes, args.ontology) != (
        parser.get_default("shapes"),
        parser.get_default("ontology"),
    ):
        ours += ["--shapes", args.shapes, "--ontology", args.ontology]
    theirs = [str(BIN / "pyshacl"), "-s", args.shapes, "-e", args.ontology, args.data]
    timings = compare({"learningcity validate": ours, "pyshacl": theirs}, runs=args.runs)
    for timing in timings:
        print(f"{timing.name}: median {timing.median:.3f} s (peak {timing.peak_rss_mib:.0f} MiB)")
    print(f"ratio: {timings[0].median / timings[1].median:.2f}\n")
    print(report("SHACL validation", timings, "pyshacl", target=1.0))


if __name__ == "__main__":
    main()
