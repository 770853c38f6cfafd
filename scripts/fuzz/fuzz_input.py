"""Coverage-guided fuzzing of one input syntax or SPARQL with atheris (optional; not a test).

    .venv/bin/pip install atheris
    .venv/bin/python scripts/fuzz/fuzz_input.py turtle -max_total_time=300 corpus/
    .venv/bin/python scripts/fuzz/fuzz_input.py sparql -max_total_time=300

Targets: turtle, nt, nquads, trig, xml, jsonld (through `learningcity.load`, as every command
reads DATA) and sparql (`inspect_query` then `run_query`). A refusal (`InputError`) is the
expected outcome for bad input; any other exception, a crash or a hang is a finding. The
seeded, bounded version of this runs in the tests (tests/fuzz/test_fuzz_inputs.py).
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import atheris

with atheris.instrument_imports():
    import pyoxigraph as ox

    from learningcity.errors import InputError
    from learningcity.formats import syntax_named
    from learningcity.load import load, resolve_sources
    from learningcity.query import inspect_query, run_query, store_for, write_result

REPO = Path(__file__).resolve().parents[2]


def data_target(syntax_name: str, folder: Path) -> Callable[[bytes], None]:
    path = folder / f"input.{syntax_named(syntax_name).extension}"

    def one_input(data: bytes) -> None:
        path.write_bytes(data)
        with contextlib.suppress(InputError):
            load(resolve_sources([str(path)]))

    return one_input


def sparql_target() -> Callable[[bytes], None]:
    store = store_for(ox.Dataset(ox.parse(path=str(REPO / "data" / "yongsan.ttl"))))

    def one_input(data: bytes) -> None:
        text = data.decode("utf-8", errors="replace")
        with contextlib.suppress(InputError):
            inspect_query(text)
            write_result(run_query(store, text), "json")

    return one_input


def main() -> None:
    target = sys.argv.pop(1) if len(sys.argv) > 1 else ""
    with tempfile.TemporaryDirectory() as folder:
        one_input = sparql_target() if target == "sparql" else data_target(target, Path(folder))
        atheris.Setup(sys.argv, one_input)
        atheris.Fuzz()


if __name__ == "__main__":
    main()
