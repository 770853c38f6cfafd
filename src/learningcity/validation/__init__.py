"""SHACL validation: data parsed by Oxigraph, checked by pyshacl, reported three ways.

Where each part lives:
- `native`: a second engine over an Oxigraph store, serving where it gives pyshacl's results;
- `engine`: one pyshacl run (shapes and ontology read once, statements converted term by term);
- `sparql`: which SHACL-SPARQL rdflib may run, and no network while pyshacl runs;
- `parallel`: large data in parts that never cut a profile, over every CPU, one merged report;
- `report`: the results read out of a W3C report graph, and the two verdicts;
- `rendering`: the report as text, canonical Turtle or JSON-LD.

`Validator` ties them together: built once from the shapes and the ontology, it validates any
number of datasets (the command line, `publish`, the shape-fixture tests, the scale tests).

Validation never uses the network (`sparql`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from learningcity import compat, resources
from learningcity.host import usable_cpus
from learningcity.load import load_paths
from learningcity.validation import native
from learningcity.validation.engine import Engine, as_written, from_rdflib, to_rdflib
from learningcity.validation.parallel import (
    PART_STATEMENTS,
    Parts,
    Progress,
    Reach,
    merge_reports,
    partition,
    validate_in_parts,
)
from learningcity.validation.rendering import (
    path_text,
    render,
    render_json,
    render_text,
    render_turtle,
    summary_line,
)
from learningcity.validation.report import (
    INFO,
    SH,
    VIOLATION,
    WARNING,
    ComplexPath,
    Message,
    ShaclPath,
    ValidationOutcome,
    ValidationResult,
    outcome_from_report,
)
from learningcity.validation.sparql import (
    MAX_SHACL_SPARQL_BRACKETS,
    SparqlRefused,
    check_shacl_sparql,
    shacl_sparql,
)

__all__ = [
    "INFO",
    "MAX_SHACL_SPARQL_BRACKETS",
    "PART_STATEMENTS",
    "SH",
    "VIOLATION",
    "WARNING",
    "ComplexPath",
    "Message",
    "Parts",
    "Progress",
    "Reach",
    "ShaclPath",
    "SparqlRefused",
    "ValidationOutcome",
    "ValidationResult",
    "Validator",
    "check_shacl_sparql",
    "from_rdflib",
    "merge_reports",
    "outcome_from_report",
    "partition",
    "path_text",
    "render",
    "render_json",
    "render_text",
    "render_turtle",
    "shacl_sparql",
    "summary_line",
    "to_rdflib",
    "validate",
    "validate_in_parts",
]


class Validator:
    """The shapes and the ontology, parsed once; `validate` checks any number of datasets.

    Parsing and preparing the shapes costs about as much as validating a city's profile, so
    whoever validates more than once (the fixture tests: hundreds of small datasets) keeps one.
    Raises `InputError` for unusable shapes or ontology (parse errors as `file:line:column: ...`).

    Two engines: `native` (the shapes compiled for an Oxigraph store) serves where it promises
    pyshacl's results (`learningcity.validation.native`); pyshacl, the reference, runs for the
    rest, built only when first needed. `ValidationOutcome.engine` says which one served.
    """

    def __init__(self, shapes: Path | None = None, ontology: Path | None = None) -> None:
        self.shapes = shapes or resources.shapes_path()
        self.ontology = ontology or resources.ontology_path()
        compat.announce_untested("pyshacl", "rdflib")  # said once, whichever engine serves
        self._shapes_dataset = load_paths(self.shapes)
        check_shacl_sparql(self._shapes_dataset, self.shapes)
        self._ontology_dataset = load_paths(self.ontology)
        try:
            self.native: native.Engine | None = native.compile_shapes(
                self._shapes_dataset, self._ontology_dataset
            )
        except native.Unsupported:
            self.native = None
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        """pyshacl's run, made the first time a validation needs it."""
        if self._engine is None:
            self._engine = Engine.made(
                self.shapes, self.ontology, self._shapes_dataset, self._ontology_dataset
            )
        return self._engine

    def validate(
        self,
        dataset: Iterable[ox.Quad],
        *,
        strict: bool = False,
        progress: Progress | None = None,
        workers: int | None = None,
        part_statements: int = PART_STATEMENTS,
    ) -> ValidationOutcome:
        """Validate `dataset` by the native engine if it serves, else by pyshacl, where data of
        more than `part_statements` statements is validated in parts of about that size over
        `workers` processes (default: every CPU this process may use), see
        `parallel.validate_in_parts`."""
        step = progress or (lambda _stage: None)
        # A Dataset is read as it is: a list of its statements as Python objects was a third of
        # `publish`'s memory while it validated at network size (a million statements).
        held = dataset if isinstance(dataset, list | ox.Dataset) else list(dataset)
        if self.native is not None:
            step(f"validating {len(held)} statements (native engine)")
            try:
                report = as_written(self.native.check(held), held)
                return outcome_from_report(report, strict, "native")
            except native.Unsupported:
                pass  # pyshacl decides
        quads = held if isinstance(held, list) else list(held)
        workers = workers or usable_cpus()
        if workers > 1 and len(quads) > part_statements:
            report = validate_in_parts(quads, self.engine, workers, part_statements, step)
        else:
            step(f"validating {len(quads)} statements")
            report = self.engine.check(quads)
        return outcome_from_report(as_written(report, quads), strict)


def validate(
    dataset: Iterable[ox.Quad],
    shapes: Path | None = None,
    ontology: Path | None = None,
    *,
    strict: bool = False,
    progress: Progress | None = None,
    workers: int | None = None,
    part_statements: int = PART_STATEMENTS,
) -> ValidationOutcome:
    """Validate `dataset` once against `shapes` (default: the bundled shapes), with `ontology`
    mixed in: a `Validator` made for this one dataset."""
    step = progress or (lambda _stage: None)
    step(f"parsing {shapes or resources.shapes_path()}")
    validator = Validator(shapes, ontology)
    return validator.validate(
        dataset, strict=strict, progress=step, workers=workers, part_statements=part_statements
    )
