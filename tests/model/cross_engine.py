"""The shapes as a second SHACL engine reads them: pyrudof (rudof, written in Rust) on every shape
fixture, compared with the results the fixture expects (`test_cross_engine.py`), and the
SHACL part of docs/conformance.md made from that run.

The expected results are those of `learningcity validate`'s engine (pyshacl) as well: for an
`invalid-*.ru`, `test_model_shapes.test_invalid_fixture_gives_exactly_its_result` checks it against
the same `.expected.ttl`; a `valid-*.ru` conforms under it (`test_valid_fixture_conforms`). So
equal here means the engines agree, result for result: focus node, path, severity, constraint
component and source shape (pyrudof reports no `sh:sourceConstraint`, and writes messages of its
own, so those two are left to the pyshacl tests).

pyrudof's `Native` engine runs every fixture, and its `Sparql` engine (each constraint evaluated
as a SPARQL query) the fixtures of the SHACL-SPARQL constraints. Neither engine is core-only (both
run SHACL-SPARQL), so the core part of the shapes (the shapes without `sh:sparql`) is also run
alone, on the fixtures whose result is core: it must give the same results without them.

The data is loaded into pyrudof once; each fixture is applied as a delta (the statements its
update removes and adds) and then taken back, since reading the data takes pyrudof ~0.5 s and a
validation ~0.1 s.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pyrudof
from model_support import DATA, FIXTURES, ONTOLOGY, SHAPES
from rdflib import RDF, BNode, Graph, Namespace
from rdflib.collection import Collection

from learningcity.namespaces import sparql_prologue

SH = Namespace("http://www.w3.org/ns/shacl#")
FIXTURE_FILES = sorted(FIXTURES.glob("*/*.ru"))
MODES = {"native": pyrudof.ShaclValidationMode.Native, "sparql": pyrudof.ShaclValidationMode.Sparql}

Row = tuple[str, str | None, str, str, str]  # focus node, path, severity, component, source shape


@cache
def base_quads() -> tuple[ox.Quad, ...]:
    """Data and ontology, parsed once: every store made from them has the same blank nodes."""
    store = ox.Store()
    for path in (DATA, ONTOLOGY):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return tuple(store)


def base_store() -> ox.Store:
    store = ox.Store()
    store.extend(base_quads())
    return store


def triples(store: ox.Store) -> set[tuple[str, str, str]]:
    """The statements as the N-Triples terms pyrudof's `add_triples` reads."""
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in store}


def session(shapes: str) -> pyrudof.Rudof:
    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    # Added term by term, so that blank nodes keep the labels the fixtures' deltas use (a parse
    # would relabel them); pyrudof adds only to loaded data, hence the placeholder statement.
    placeholder = ("<urn:x>", "<urn:x>", "<urn:x>")
    rudof.read_data(" ".join(placeholder) + " .", format=pyrudof.RDFFormat.NTriples)
    rudof.add_triples(sorted(triples(base_store())), strict_iris=True)
    rudof.remove_triples([placeholder], strict_iris=True)
    rudof.read_shacl(shapes, format=pyrudof.ShaclFormat.Turtle)
    return rudof


def core_shapes() -> str:
    """The shapes without their SHACL-SPARQL constraints (`sh:sparql` and what it points to)."""
    graph = Graph().parse(SHAPES)
    for shape, constraint in list(graph.subject_objects(SH.sparql)):
        graph.remove((shape, SH.sparql, constraint))
        graph.remove((constraint, None, None))
    return graph.serialize(format="turtle")


def delta(fixture: Path, base: set) -> tuple[list, list]:
    """The statements the fixture's update removes from the data and adds to it."""
    store = base_store()
    store.update(sparql_prologue() + fixture.read_text(encoding="utf-8"))
    after = triples(store)
    return sorted(base - after), sorted(after - base)


def rudof_rows(rudof: pyrudof.Rudof, change: tuple[list, list], mode: str) -> list[Row]:
    """pyrudof's results with a delta applied to the data, then taken back."""
    removed, added = change
    rudof.remove_triples(removed, strict_iris=True)
    rudof.add_triples(added, strict_iris=True)
    try:
        report = rudof.validate_shacl(mode=MODES[mode])
    finally:  # undone by hand: pyrudof 0.3.35's staging rollback keeps what was added
        rudof.remove_triples(added, strict_iris=True)
        rudof.add_triples(removed, strict_iris=True)
    return sorted(
        (
            v.focus_node,
            v.path,
            v.severity.rsplit("#", 1)[-1],
            v.constraint_component,
            v.source_shape,
        )
        for v in report.violations
    )


def expected_rows(fixture: Path) -> list[Row]:
    expected = fixture.with_suffix(".expected.ttl")
    if not expected.exists():
        return []
    graph = Graph().parse(expected)
    return sorted(
        (
            str(graph.value(result, SH.focusNode)),
            rudof_path(graph, graph.value(result, SH.resultPath)),
            str(graph.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
            str(graph.value(result, SH.sourceConstraintComponent)),
            str(graph.value(result, SH.sourceShape)),
        )
        for result in graph.subjects(RDF.type, SH.ValidationResult)
    )


def rudof_path(graph: Graph, path: object) -> str | None:
    """A result path as pyrudof writes it: the IRI, `^(IRI)` for an inverse path, `(A | B)` for
    alternatives (the only complex paths the shapes use)."""
    if path is None:
        return None
    if isinstance(path, BNode):
        inverse = graph.value(path, SH.inversePath)
        if inverse is not None:
            return f"^({inverse})"
        members = Collection(graph, graph.value(path, SH.alternativePath))
        return "(" + " | ".join(str(member) for member in members) + ")"
    return str(path)


def is_core(rows: list[Row]) -> bool:
    return all(row[3] != str(SH.SPARQLConstraintComponent) for row in rows)


@dataclass(frozen=True)
class Outcome:
    """One fixture's expected results and what each pyrudof run gave (None: not run)."""

    fixture: Path
    expected: list[Row]
    native: list[Row]
    sparql: list[Row] | None  # pyrudof's SPARQL engine, on the SHACL-SPARQL fixtures
    core: list[Row] | None  # the core shapes alone, on the fixtures whose result is core

    @property
    def agrees(self) -> bool:
        return all(rows in (None, self.expected) for rows in (self.native, self.sparql, self.core))


def run_all() -> dict[Path, Outcome]:
    """Every fixture under pyrudof: its native engine always; the SPARQL engine where the result
    is a SHACL-SPARQL one (where rows could repeat); the core shapes alone where it is core."""
    base = triples(base_store())
    full, core = session(SHAPES.read_text(encoding="utf-8")), session(core_shapes())
    outcomes = {}
    for fixture in FIXTURE_FILES:
        change, expected = delta(fixture, base), expected_rows(fixture)
        core_result = is_core(expected)
        outcomes[fixture] = Outcome(
            fixture,
            expected,
            rudof_rows(full, change, "native"),
            None if core_result else rudof_rows(full, change, "sparql"),
            rudof_rows(core, change, "native") if core_result else None,
        )
    return outcomes


def shacl_sparql_constraints() -> int:
    return len(set(Graph().parse(SHAPES).subjects(RDF.type, SH.SPARQLConstraint)))


def section(outcomes: list[Outcome]) -> str:
    """The SHACL part of docs/conformance.md, from a run of `run_all`."""
    invalid = sum(o.fixture.stem.startswith("invalid-") for o in outcomes)

    def share(kind: str) -> str:
        ran = [o for o in outcomes if getattr(o, kind) is not None]
        agreed = sum(getattr(o, kind) == o.expected for o in ran)
        return f"{agreed}/{len(ran)}"

    lines = [
        "## SHACL: the shapes under other engines",
        "",
        "Each shape fixture (`tests/shapes/<Shape>/`: a SPARQL Update of `data/yongsan.ttl` and,",
        "for an `invalid-*` one, the exact result it must give) runs under pyshacl and",
        "`learningcity validate` (`tests/model/test_model_shapes.py`) and under pyrudof "
        f"{pyrudof.__version__}",
        "(rudof, in Rust; `tests/model/test_cross_engine.py`), which must give the same results:",
        "focus node, path, severity, constraint component, source shape. pyrudof has no core-only",
        "mode (both its engines run SHACL-SPARQL), so the core part of the shapes (without",
        "`sh:sparql`) also runs alone, on the fixtures whose result is a core one.",
        "",
        "| engine | fixtures | same results |",
        "|---|---|---:|",
        f"| pyrudof, native engine, all shapes | all: {len(outcomes)} ({invalid} invalid) "
        f"| {share('native')} |",
        f"| pyrudof, SPARQL engine, all shapes | the SHACL-SPARQL ones | {share('sparql')} |",
        f"| pyrudof, native engine, core shapes only | the core ones | {share('core')} |",
        "",
        f"The shapes keep {shacl_sparql_constraints()} SHACL-SPARQL constraints, for what core "
        "SHACL cannot say (a",
        "value compared with another node's, a year range that ends this year, blank nodes",
        "anywhere in the data); each selects DISTINCT rows, since pyrudof reports every row.",
        "",
        "Apache Jena's `shacl validate` refuses the shapes (ShaclParseException \"More than one",
        'match" on `sh:message`, apache/jena#3817): it reads one `sh:message` per SHACL-SPARQL',
        "constraint, and each of ours has two, in English and Korean. That is Jena's limit, not",
        "SHACL's: SHACL allows several `sh:message` values, one per language tag (\"a shape should",
        'not have more than one value for sh:message with the same language tag", shacl#message;',
        "SHACL 1.2 says the same of SPARQL-based constraints, w3c/data-shapes#843), so the",
        "messages stay bilingual.",
    ]
    failed = [o for o in outcomes if not o.agrees]
    if failed:
        lines += [
            "",
            "Fixtures where pyrudof differs:",
            *(f"- `{o.fixture.parent.name}/{o.fixture.stem}`" for o in failed),
        ]
    return "\n".join(lines) + "\n"
