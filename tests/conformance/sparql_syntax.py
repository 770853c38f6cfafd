"""The W3C SPARQL 1.1 query syntax tests through the two doors a query comes in by.

`learningcity query -f FILE DATA` (in-process through `main()`, as `w3c.run_main` runs every
suite; the installed command itself in test_sparql_syntax): a positive test is answered (exit
0), a negative one refused with exit 2, nothing on stdout and one stderr line
`learningcity: error: FILE:LINE:COLUMN: message`. A running `learningcity serve`, at `/sparql`
(POSTed directly, as `application/sparql-query`): a positive test is answered 200, a negative
one 400 with a one-line body. The query file's own `file:` IRI is the command's base IRI for
it, and the endpoint's URL the server's, as for any query sent to them.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from conformance.w3c import _POSITIONED, SUITES_DIR, Case, Outcome, manifest_cases, run_main
from learningcity.errors import ExitCode
from processes import free_port, stop, wait_until_healthy

LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))
FOLDER = SUITES_DIR / "sparql-syntax-query"
#: door -> its label in docs/conformance.md
DOORS: dict[str, str] = {
    "sparql-query": "SPARQL 1.1 query syntax, `query -f`",
    "sparql-endpoint": "SPARQL 1.1 query syntax, `/sparql`",
}
#: What the queries run over: one triple, so that each is evaluated, not only parsed.
DATA = '<http://example.org/s> <http://example.org/p> "v" .\n'
#: Any answer a form has: results for SELECT and ASK, Turtle for CONSTRUCT and DESCRIBE.
ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"


def sparql_syntax_cases() -> list[Case]:
    return manifest_cases("sparql-syntax", FOLDER)


def ask_command(case: Case, data: Path) -> Outcome:
    """One test through `learningcity query -f FILE DATA`."""
    run = run_main("query", "-f", str(case.action), str(data), "--format", "json")
    if case.kind == "positive":
        if run.code == ExitCode.OK:
            return Outcome(case, True)
        return Outcome(case, False, f"refused (exit {run.code}): {run.stderr.strip()[:200]}")
    if run.code != ExitCode.BAD_INPUT:
        return Outcome(case, False, f"accepted (exit {run.code})")
    match = _POSITIONED.match(run.stderr)
    if run.stdout or match is None or match.group("file") != str(case.action):
        return Outcome(case, False, "message not `FILE:LINE:COLUMN: …` alone")
    return Outcome(case, True)


def ask_endpoint(case: Case, endpoint: str, client: httpx.Client) -> Outcome:
    """One test POSTed to a running server's `/sparql`."""
    answer = client.post(
        endpoint,
        content=case.action.read_bytes(),
        headers={"Content-Type": "application/sparql-query", "Accept": ACCEPT},
    )
    expected = 200 if case.kind == "positive" else 400
    if answer.status_code != expected:
        return Outcome(case, False, f"HTTP {answer.status_code}: {answer.text.strip()[:200]}")
    if expected == 400 and answer.text.strip().count("\n") != 0:
        return Outcome(case, False, "the 400 body is more than one line")
    return Outcome(case, True)


@contextmanager
def served(data: Path) -> Iterator[str]:
    """A `learningcity serve DATA` on 127.0.0.1 for the duration; yields its `/sparql` URL."""
    port = free_port()
    process = subprocess.Popen(
        [LEARNINGCITY, "serve", str(data), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    root = f"http://127.0.0.1:{port}/"
    try:
        wait_until_healthy(root, process)
        yield root + "sparql"
    finally:
        stop(process)


def run_doors() -> dict[str, list[Outcome]]:
    """Every test through both doors (one server for all): door -> outcomes, manifest order."""
    cases = sparql_syntax_cases()
    with tempfile.TemporaryDirectory() as workdir:
        data = Path(workdir) / "data.nt"
        data.write_text(DATA, encoding="utf-8")
        by_command = [ask_command(case, data) for case in cases]
        with served(data) as endpoint, httpx.Client(timeout=30) as client:
            by_endpoint = [ask_endpoint(case, endpoint, client) for case in cases]
    return {"sparql-query": by_command, "sparql-endpoint": by_endpoint}
