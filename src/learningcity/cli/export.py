from __future__ import annotations

from pathlib import Path

import click

from learningcity.atomic import open_output
from learningcity.blanknodes import tangles_in
from learningcity.cli.common import (
    OutputPath,
    data_or_store_arguments,
    emit,
    open_input,
    output_option,
)
from learningcity.cli.progress import TerminalProgress
from learningcity.errors import InputError
from learningcity.export import export as export_dataset
from learningcity.export import export_all, stream_export
from learningcity.formats import SYNTAX_NAMES, syntax_for_path, syntax_named


@click.command()
@data_or_store_arguments
@click.option(
    "--format",
    "output_format",
    type=click.Choice(SYNTAX_NAMES, case_sensitive=False),
    help="Output syntax. Default: from the -o extension, else turtle.",
)
@click.option(
    "--frame",
    is_flag=True,
    help="JSON-LD: nest what belongs to each city under it (its posts, notes and places).",
)
@click.option(
    "--published-context",
    is_flag=True,
    help="JSON-LD: name the context by its published IRI instead of writing it inline "
    "(`serve` and `publish` host it under their base).",
)
@click.option(
    "--inline-context",
    is_flag=True,
    hidden=True,
    expose_value=False,
    help="Accepted for scripts written for 0.1.0's export, where it chose what is now the default.",
)
@click.option(
    "--stream",
    is_flag=True,
    help="Write statements as they are read: constant memory and fastest for large data, in "
    "input order (not sorted), default graph only for JSON-LD.",
)
@output_option
@click.option(
    "--all",
    "all_directory",
    type=OutputPath(folder=True),
    help="Write DATA in every syntax to this folder, as <stem>.<ext>.",
)
def export(
    data: tuple[str, ...],
    input_format: str | None,
    base_iri: str | None,
    store: Path | None,
    output_format: str | None,
    frame: bool,
    published_context: bool,
    stream: bool,
    output: Path | None,
    all_directory: Path | None,
) -> None:
    """Write DATA in another RDF syntax: turtle, nt, nquads, trig, xml, jsonld or n3.

    Output is deterministic (statements sorted, canonical blank-node labels), so two runs give
    identical bytes. --stream skips the sorting for large data: same input, same bytes (when it
    has no blank nodes), in a fraction of the time and memory. JSON-LD is compacted against the
    project's context, written inline so that any JSON-LD processor reads the file offline;
    --published-context names it by IRI instead
    (https://w3id.org/learningcity/context/<version>.jsonld), which `learningcity` reads back
    without the network.

    \b
    Examples:
      learningcity export --format jsonld
      learningcity export data/yongsan.ttl --format jsonld --frame -o yongsan.jsonld
      learningcity export data/yongsan.ttl -o yongsan.nt
      learningcity export data/yongsan.ttl --all dist/
      learningcity export data/yongsan.ttl --format nt --stream -o yongsan.nt
    """
    statements = open_input(data, input_format, store, base_iri)
    if stream:
        if frame or all_directory is not None:
            raise InputError("--stream writes one file unframed; drop --frame and --all")
        syntax = syntax_named(output_format or _format_of(output))
        with (
            TerminalProgress.for_stderr(writes_stdout=output is None) as progress,
            open_output(output) as out,
        ):
            progress(f"writing {statements.display} as {syntax.label}, statement by statement")
            stream_export(statements, syntax, out, published_context=published_context)
        return
    if all_directory is not None:
        if output is not None or output_format is not None:
            raise InputError("--all writes every format; drop -o and --format")
        with TerminalProgress.for_stderr() as progress:
            progress(f"reading {statements.display}")
            dataset = statements.dataset()
            first = statements.sources[0].path if statements.sources else store
            stem = "data" if first is None else _stem(first)
            progress(f"writing every format to {all_directory}")
            with tangles_in(statements.display):
                written = export_all(
                    dataset,
                    all_directory,
                    stem=stem,
                    frame=frame,
                    published_context=published_context,
                )
        for path in written:
            click.echo(f"wrote {path}", err=True)
        return
    syntax = syntax_named(output_format or _format_of(output))
    with TerminalProgress.for_stderr() as progress:
        progress(f"reading and sorting {statements.display} for {syntax.label}")
        # a Dataset is not needed to sort and write
        with tangles_in(statements.display):
            body = export_dataset(
                statements.quads(), syntax, frame=frame, published_context=published_context
            )
    emit(body, output)


def _format_of(output: Path | None) -> str:
    if output is None:
        return "turtle"
    try:
        return syntax_for_path(output).name
    except InputError:
        raise InputError(
            f"{output}: cannot tell the output format from the extension; give --format "
            f"({', '.join(SYNTAX_NAMES)})"
        ) from None


def _stem(path: Path) -> str:
    """The name `--all` gives the files of DATA `path`: its name without the syntax's extension
    (and `.gz`). The text before the first dot was taken: `city.v2.ttl` wrote `city.ttl` over
    whatever file had that name, and `.hidden.ttl` wrote hidden files named `.ttl`, `.nt` ..."""
    name = path.name[: -len(".gz")] if path.name.lower().endswith(".gz") else path.name
    return Path(name).stem or "data"
