from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click

from learningcity.cli.common import data_or_store_arguments, emit, open_input
from learningcity.cli.progress import TerminalProgress
from learningcity.info import render_text, summarize
from learningcity.namespaces import with_declared


@click.command()
@data_or_store_arguments
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
def info(
    data: tuple[str, ...],
    input_format: str | None,
    base_iri: str | None,
    store: Path | None,
    output_format: str,
) -> None:
    """Summarise DATA: statements, classes and properties with counts, prefixes in use, and the
    dataset's own DCAT/VoID description.

    \b
    Examples:
      learningcity info
      learningcity info data/yongsan.ttl --format json
      learningcity info --store dist/store
    """
    statements = open_input(data, input_format, store, base_iri)
    with TerminalProgress.for_stderr() as progress:
        progress(f"reading {statements.display}")
        dataset = statements.dataset()
        progress(f"summarising {len(dataset)} statements")
        summary = summarize(dataset, with_declared(statements.declared))
    if output_format == "json":
        text = json.dumps(dataclasses.asdict(summary), ensure_ascii=False, indent=2) + "\n"
    else:
        text = render_text(summary)
    emit(text.encode("utf-8"), None)
