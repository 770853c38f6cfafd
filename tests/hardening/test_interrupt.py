"""Ctrl-C during a long query: a real process gets a real SIGINT while Oxigraph evaluates.

Oxigraph evaluates and writes in Rust; before `learningcity.interrupt`, the signal waited for
the call to end (a cross product ran on for minutes). Now the command stops at once, says so in
one line, exits 130 and leaves the previous `-o` output as it was, with no temporary file.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from learningcity.errors import ExitCode

LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))
#: Four patterns over 200 triples: 1.6 billion solutions, minutes of work for Oxigraph.
PATTERNS = "?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l"
GRACE_S = 10  # generous: the interruption itself takes milliseconds


@pytest.mark.parametrize(
    ("query", "output_name"),
    [
        (f"SELECT (COUNT(*) AS ?n) {{ {PATTERNS} }}", "count.json"),
        (f"SELECT * {{ {PATTERNS} }}", "rows.csv"),
        (f"CONSTRUCT {{ ?a ?b ?l }} {{ {PATTERNS} }}", "graph.ttl"),
    ],
)
def test_sigint_stops_a_long_query_at_once(query: str, output_name: str, tmp_path: Path) -> None:
    data = tmp_path / "data.nt"
    data.write_text("".join(f'<http://e/s{i}> <http://e/p> "{i}" .\n' for i in range(200)))
    output = tmp_path / output_name
    output.write_text("previous\n")
    process = subprocess.Popen(
        [LEARNINGCITY, "query", query, str(data), "-o", str(output)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(1.5)  # well inside the evaluation (data loading takes ~0.3 s)
    assert process.poll() is None, "the query ended before it could be interrupted"
    process.send_signal(signal.SIGINT)
    try:
        stdout, stderr = process.communicate(timeout=GRACE_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail(f"SIGINT did not stop the query within {GRACE_S} s")
    assert process.returncode == ExitCode.INTERRUPTED
    assert stderr == b"learningcity: interrupted; outputs left as they were\n"
    assert stdout == b""
    assert output.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["data.nt", output_name])


#: The command's entry point with the import of one subcommand slowed down and announced, so a
#: signal can be sent while click is importing it (the moment a loaded machine stretches).
SLOW_SUBCOMMAND_IMPORT = """
import importlib.abc, sys, time
from learningcity.__main__ import main

class Slow(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "learningcity.cli.query":
            print("importing", flush=True)
            time.sleep(30)
        return None

sys.meta_path.insert(0, Slow())
sys.argv = ["learningcity", "query", "--list"]
main()
"""


@pytest.mark.parametrize(
    ("number", "line", "code"),
    [
        (signal.SIGINT, "learningcity: interrupted; outputs left as they were\n", 130),
        (signal.SIGTERM, "learningcity: terminated (SIGTERM); outputs left as they were\n", 143),
    ],
    ids=["INT", "TERM"],
)
def test_a_signal_while_a_subcommand_is_imported_is_the_one_line(
    number: int, line: str, code: int
) -> None:
    """click prints a blank line and raises Abort for a KeyboardInterrupt it sees: on a loaded
    machine the subcommand's import took long enough for a signal to land there."""
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_SUBCOMMAND_IMPORT],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == b"importing\n"
    process.send_signal(number)
    _, stderr = process.communicate(timeout=GRACE_S)
    assert (process.returncode, stderr.decode()) == (code, line)
