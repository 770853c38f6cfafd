from __future__ import annotations

from pathlib import Path

import click

from learningcity.cli.common import (
    data_arguments,
    data_or_default,
    emit,
    iri_value,
    output_option,
)
from learningcity.cli.progress import TerminalProgress
from learningcity.embed import embed as embed_document
from learningcity.embed import script_block, to_json
from learningcity.load import load, names_of, resolve_sources


@click.command()
@data_arguments
@click.option(
    "--resource",
    metavar="IRI",
    callback=iri_value,
    help="The city to describe (default: the only one).",
)
@click.option(
    "--script/--json",
    "as_script",
    default=True,
    help="An HTML <script> element (default), or the bare JSON-LD.",
)
@output_option
def embed(
    data: tuple[str, ...],
    input_format: str | None,
    base_iri: str | None,
    resource: str | None,
    as_script: bool,
    output: Path | None,
) -> None:
    """Print the schema.org JSON-LD block for the city's web page.

    Only schema.org 30.0 terms, with an inline context naming https://schema.org/: name and
    alternate names, description, geo, containedInPlace, identifiers and sameAs, the network
    membership with its start date, the mayor and the good practices. Paste it into the page's
    <head>; search engines read it as structured data.

    \b
    Examples:
      learningcity embed
      learningcity embed data/yongsan.ttl --json
      learningcity embed data/yongsan.ttl -o yongsan-embed.html \\
        --resource https://w3id.org/learningcity/id/city/kr-yongsan-gu
    """
    sources = resolve_sources(data_or_default(data), input_format, base_iri)
    with TerminalProgress.for_stderr() as progress:
        progress(f"reading {names_of(sources)}")
        document = embed_document(load(sources), resource)
    text = script_block(document) if as_script else to_json(document)
    emit(text.encode("utf-8"), output)
