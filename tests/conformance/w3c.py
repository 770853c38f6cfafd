"""Run the W3C RDF and JSON-LD test suites through the `learningcity` command, as a user would.

Every test is one or two in-process runs of the real command (`main()`, so errors go through
the same one-line handler as in a terminal): `export` for positive and evaluation tests (the
output compared as a canonical dataset with the expected result), `validate` and `export` for
negative tests (exit 2, one stderr line naming `file:line:column`, no traceback, no output
file). Each runs with `--base-iri` set to the IRI the manifest says the test file has, so the
output is compared as produced. The outcome of every test feeds `docs/conformance.md`
(`scripts/conformance_report.py`).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from learningcity.cli import main
from learningcity.errors import ExitCode
from support import SHARED, shared

SUITES_DIR = SHARED / "testsuites"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE = ox.NamedNode(RDF + "type")
JSONLD_BASE = "https://w3c.github.io/json-ld-api/tests/"

#: suite -> (folder, what a user reads it as, rdflib's own figure from rdflib-baseline.json)
SUITES: dict[str, tuple[str, str]] = {
    "turtle": ("turtle", "Turtle"),
    "ntriples": ("ntriples", "N-Triples"),
    "nquads": ("nquads", "N-Quads"),
    "trig": ("trig", "TriG"),
    "rdfxml": ("rdfxml", "RDF/XML"),
    "jsonld": ("jsonld-toRdf", "JSON-LD toRdf"),
}
#: One stderr line: `learningcity: error: FILE:LINE:COLUMN: message`.
_POSITIONED = re.compile(r"^learningcity: error: (?P<file>[^\n]+?):(\d+):(\d+): \S[^\n]*\n$")


@dataclass(frozen=True)
class Case:
    """One manifest entry: `kind` is positive, negative or eval."""

    suite: str
    name: str
    kind: str
    action: Path
    expected: Path | None = None
    base: str | None = None  # the retrieval IRI the manifest assumes for `action`

    @property
    def base_option(self) -> tuple[str, ...]:
        """`--base-iri` with the retrieval IRI, as a user parsing a downloaded test would."""
        return () if self.base is None else ("--base-iri", self.base)


@dataclass(frozen=True)
class Outcome:
    case: Case
    passed: bool
    why: str = ""


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str


def run_main(*args: str) -> Run:
    """`learningcity ARGS` in this process, through `main()` as the installed command runs it."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")  # commands write to stdout.buffer
    err = io.StringIO()
    saved = sys.argv
    sys.argv = ["learningcity", *args]
    code: int | str | None = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main()
            except SystemExit as exit_:
                code = exit_.code
    finally:
        sys.argv = saved
    out.flush()
    return Run(int(code or 0), out.buffer.getvalue().decode("utf-8"), err.getvalue())


# --- Manifests ---------------------------------------------------------------------------------


def cases(suite: str) -> list[Case]:
    return jsonld_cases() if suite == "jsonld" else rdf_cases(suite)


def rdf_cases(suite: str) -> list[Case]:
    """The entries of an rdf-tests manifest, in manifest order."""
    return manifest_cases(suite, SUITES_DIR / SUITES[suite][0])


def manifest_cases(suite: str, folder: Path) -> list[Case]:
    """The entries of the `manifest.ttl` in `folder` (w3c/rdf-tests: RDF or SPARQL), in order."""
    manifest_path = shared(folder / "manifest.ttl")
    graph = list(ox.parse(path=manifest_path, base_iri=manifest_path.as_uri()))
    edges: dict[object, dict[str, list[object]]] = {}
    for triple in graph:
        edges.setdefault(triple.subject, {}).setdefault(triple.predicate.value, []).append(
            triple.object
        )
    manifest = ox.NamedNode(manifest_path.as_uri())
    base = edges[manifest].get(MF + "assumedTestBase", [None])[0]
    found = []
    for entry in _rdf_list(edges, edges[manifest][MF + "entries"][0]):
        about = edges[entry]
        kind = _kind(about[RDF + "type"][0].value)
        action = _path(about[MF + "action"][0])
        result = about.get(MF + "result")
        found.append(
            Case(
                suite,
                about[MF + "name"][0].value,
                kind,
                action,
                _path(result[0]) if result else None,
                f"{base.value}{action.relative_to(folder)}" if base is not None else None,
            )
        )
    return found


def _rdf_list(edges: dict[object, dict[str, list[object]]], node: object) -> Iterator[object]:
    while node != ox.NamedNode(RDF + "nil"):
        yield edges[node][RDF + "first"][0]
        node = edges[node][RDF + "rest"][0]


def _kind(type_iri: str) -> str:
    """positive, negative or eval, from `rdft:TestTurtleNegativeSyntax`, `rdft:TestXMLEval`,
    `mf:PositiveSyntaxTest11` ..."""
    local = type_iri.rsplit("#", 1)[-1].removesuffix("11").removesuffix("Test")
    if local.endswith("NegativeSyntax") or local.endswith("NegativeEval"):
        return "negative"
    return "eval" if local.endswith("Eval") else "positive"


def _path(node: object) -> Path:
    assert isinstance(node, ox.NamedNode)
    return Path(node.value.removeprefix("file://"))


def jsonld_cases() -> list[Case]:
    """The toRdf entries that apply to JSON-LD 1.1 (the 1.0-only ones are left out)."""
    folder = shared(SUITES_DIR / "jsonld-toRdf")
    manifest = json.loads((folder / "toRdf-manifest.jsonld").read_text(encoding="utf-8"))
    found = []
    for entry in manifest["sequence"]:
        if entry.get("option", {}).get("specVersion") == "json-ld-1.0":
            continue
        types = entry["@type"]
        kind = (
            "negative"
            if "jld:NegativeEvaluationTest" in types
            else "eval"
            if "jld:PositiveEvaluationTest" in types
            else "positive"
        )
        expected = entry.get("expect") if kind == "eval" else None
        found.append(
            Case(
                "jsonld",
                f"{entry['@id'].lstrip('#')} {entry['name']}",
                kind,
                folder / entry["input"],
                folder / expected if expected else None,
                entry.get("option", {}).get("base") or JSONLD_BASE + entry["input"],
            )
        )
    return found


# --- Running a case ----------------------------------------------------------------------------


def run_case(case: Case, workdir: Path) -> Outcome:
    """Run one test through the command; a failed expectation says why in a few words."""
    if case.kind == "negative":
        return _run_negative(case, workdir)
    output = workdir / f"{case.action.stem}.nq"
    run = run_main(
        "export", str(case.action), *case.base_option, "--format", "nquads", "-o", str(output)
    )
    if run.code != ExitCode.OK:
        return Outcome(case, False, f"rejected (exit {run.code}): {_first_line(run.stderr)}")
    if case.kind == "positive" or case.expected is None:
        return Outcome(case, True)
    return compare(case, output)


def _run_negative(case: Case, workdir: Path) -> Outcome:
    """Both `validate` and `export` must refuse the file the same documented way."""
    for command in ("validate", "export"):
        output = workdir / f"{case.action.stem}.{command}.out"
        extra = ("--format", "nquads") if command == "export" else ()
        run = run_main(command, str(case.action), *case.base_option, *extra, "-o", str(output))
        if run.code != ExitCode.BAD_INPUT:
            return Outcome(case, False, f"{command}: accepted (exit {run.code})")
        if output.exists():
            return Outcome(case, False, f"{command}: wrote {output.name} despite the error")
        match = _POSITIONED.match(run.stderr)
        if match is None or match.group("file") != str(case.action):
            return Outcome(case, False, f"{command}: message not `file:line:column: …`")
    return Outcome(case, True)


def compare(case: Case, output: Path) -> Outcome:
    """Whether the N-Quads `output` is the expected dataset (blank nodes canonicalised)."""
    assert case.expected is not None
    try:
        expected = _read_expected(case.expected)
    except SyntaxError as error:
        return Outcome(case, False, f"the expected result is not RDF 1.1 ({error.msg})")
    produced = _canonical_text(output.read_text(encoding="utf-8"))
    if produced == expected:
        return Outcome(case, True)
    missing, extra = len(expected - produced), len(produced - expected)
    return Outcome(case, False, f"not isomorphic ({missing} expected missing, {extra} extra)")


def _read_expected(path: Path) -> set[str]:
    syntax = ox.RdfFormat.N_QUADS if path.suffix == ".nq" else ox.RdfFormat.N_TRIPLES
    return _canonical(ox.parse(path=path, format=syntax))


def _canonical_text(nquads: str) -> set[str]:
    return _canonical(ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS))


def _canonical(quads: Iterator[ox.Quad]) -> set[str]:
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(quad) for quad in dataset}


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""
