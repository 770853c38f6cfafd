from __future__ import annotations

import dataclasses
import json

import click

from learningcity.cli.common import data_arguments, data_or_default
from learningcity.info import render_text, summarize
from learningcity.load import load_with_prefixes, resolve_sources
from learningcity.namespaces import with_declared


@click.command()
@data_arguments
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
def info(data: tuple[str, ...], input_format: str | None, output_format: str) -> None:
    """Summarise DATA: statements, classes and properties with counts, prefixes in use, and the
    dataset's own DCAT/VoID description.

    \b
    Examples:
      learningcity info
      learningcity info data/yongsan.ttl --format json
    """
    dataset, declared = load_with_prefixes(resolve_sources(data_or_default(data), input_format))
    summary = summarize(dataset, with_declared(declared))
    if output_format == "json":
        click.echo(json.dumps(dataclasses.asdict(summary), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(summary), nl=False)
