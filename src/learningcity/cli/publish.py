"""`learningcity publish`: a thin layer over `learningcity.publish`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from learningcity import validation
from learningcity.blanknodes import tangles_in
from learningcity.cli.common import (
    OutputPath,
    base_option,
    data_arguments,
    data_or_default,
    shapes_options,
)
from learningcity.cli.progress import TerminalProgress
from learningcity.errors import ExitCode
from learningcity.load import load, names_of, resolve_sources

EPILOG = """\b
Examples:
  learningcity publish data/yongsan.ttl --out site/
  learningcity publish data/yongsan.ttl --out site/ --base https://example.org/lc/id/
  learningcity publish broken.ttl --out site/ --force   # marked "not validated"

\b
Exit codes:
  0  the site was written
  1  the data has violations: nothing written (the report is printed)
  2  unusable input: unreadable file, parse error, bad --base, an IRI no page can be
     written for (docs/publish.md); nothing written
  3  the site could not be written; the previous site is unchanged"""


@click.command(epilog=EPILOG, context_settings={"max_content_width": 100})
@data_arguments
@click.option(
    "--out",
    required=True,
    type=OutputPath(folder=True, replacing="site"),
    help="The site folder; replaced whole, only once the new site is complete.",
)
@base_option
@click.option(
    "--force", is_flag=True, help="Publish data with violations, marked as not validated."
)
@shapes_options
def publish(
    data: tuple[str, ...],
    input_format: str | None,
    base_iri: str | None,
    out: Path,
    base: str,
    force: bool,
    shapes: Path | None,
    ontology: Path | None,
) -> ExitCode:
    """Validate DATA and write it as a static linked-data site to --out.

    Every resource gets an HTML page (English and Korean) and Turtle, N-Triples, N-Quads, TriG,
    RDF/XML and JSON-LD files; the site holds dumps (also gzipped), the JSON-LD context, a
    DCAT/VoID description, the vocabulary and shapes documentation, sitemap.xml, robots.txt,
    and configuration for nginx, Apache, Caddy, Netlify and Cloudflare Pages that negotiates
    extension-less IRIs by Accept. Two publishes of the same data are byte-identical.
    """
    from learningcity.publish import publish as publish_site

    with TerminalProgress.for_stderr() as progress:
        sources = resolve_sources(data_or_default(data), input_format, base_iri)
        progress(f"reading {names_of(sources)}")
        dataset = load(sources)
        with tangles_in(names_of(sources)):
            result = publish_site(
                dataset,
                out,
                base=base,
                force=force,
                shapes=shapes,
                ontology=ontology,
                progress=progress,
            )
    if not result.outcome.passed:
        report = validation.render(result.outcome, "text")
        click.echo(report, err=True, nl=False)
    if not result.written:
        click.echo(
            "learningcity: not published: the data has violations (or use --force)", err=True
        )
        return ExitCode.FAILED
    state = "" if result.outcome.passed else " (marked not validated)"
    click.echo(f"wrote {result.files} files to {out}{state}", err=True)
    sys.stdout.flush()
    return ExitCode.OK
