"""`learningcity validate`: a thin layer over `learningcity.validation`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TextIO

import click

from learningcity import validation
from learningcity.cli.common import (
    data_or_store_arguments,
    emit,
    open_input,
    output_option,
    shapes_options,
)
from learningcity.cli.progress import TerminalProgress
from learningcity.errors import ExitCode

REPORT_FORMATS = ("text", "json", "turtle")

EPILOG = """\b
Examples:
  learningcity validate                      # data/yongsan.ttl, bundled shapes and ontology
  learningcity validate city.ttl more.nt --strict
  learningcity validate city.ttl --shapes my.shapes.ttl --ontology my.owl.ttl
  learningcity validate city.ttl --format json -o report.jsonld
  learningcity validate --store dist/store     # a store built by `learningcity load`
  cat city.ttl | learningcity validate - --input-format turtle

\b
Exit codes:
  0  the data passes: no violations (warnings and infos allowed; with --strict, warnings fail)
  1  the data fails: violations, or warnings with --strict
  2  unusable input: unreadable file, parse error (file:line:column: message), bad shapes
  3  the report could not be written"""


@click.command(epilog=EPILOG, context_settings={"max_content_width": 100})
@data_or_store_arguments
@shapes_options
@click.option(
    "--format",
    "report_format",
    type=click.Choice(REPORT_FORMATS, case_sensitive=False),
    default="text",
    show_default=True,
    help="text: grouped by focus node; json: the W3C report as JSON-LD; turtle: the report graph.",
)
@click.option("--strict", is_flag=True, help="Warnings make the data fail too (exit 1).")
@output_option
def validate(
    data: tuple[str, ...],
    input_format: str | None,
    base_iri: str | None,
    store: Path | None,
    shapes: Path | None,
    ontology: Path | None,
    report_format: str,
    strict: bool,
    output: Path | None,
) -> None:
    """Check DATA against the SHACL shapes and report every result.

    DATA is one or more RDF files (any syntax, by extension or --input-format) or '-' for stdin;
    all are validated together as one graph. Infos never fail the data.

    The report's sh:conforms is SHACL's: false when there is any result, warnings and infos
    included, even when the data passes (exit 0).

    Validation never uses the network: shapes whose SPARQL uses SERVICE or FROM (which would
    fetch from the web) are refused, naming the shape.
    """
    statements = open_input(data, input_format, store, base_iri)
    with TerminalProgress.for_stderr() as progress:
        progress(f"reading {statements.display}")
        dataset = list(statements.quads())
        outcome = validation.validate(dataset, shapes, ontology, strict=strict, progress=progress)
    color = report_format == "text" and output is None and _colour_wanted(sys.stdout)
    emit(validation.render(outcome, report_format, color=color).encode("utf-8"), output)
    click.get_current_context().exit(ExitCode.OK if outcome.passed else ExitCode.FAILED)


def _colour_wanted(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ
