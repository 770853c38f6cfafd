"""Options and output handling shared by every command (named the same everywhere)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from learningcity.atomic import write_atomically
from learningcity.errors import InputError
from learningcity.formats import SYNTAX_NAMES
from learningcity.namespaces import DEFAULT_DATA_BASE
from learningcity.resources import default_data_path

F = TypeVar("F", bound=Callable[..., Any])


def data_arguments(function: F) -> F:
    function = click.option(
        "--input-format",
        type=click.Choice(SYNTAX_NAMES, case_sensitive=False),
        help="Syntax of DATA when the extension does not tell it (needed for '-').",
    )(function)
    return click.argument("data", nargs=-1, metavar="[DATA]...")(function)


def output_option(function: F) -> F:
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write to this file (atomically) instead of stdout.",
    )(function)


def shapes_options(function: F) -> F:
    """`--shapes` and `--ontology`, the same for every command that validates."""
    function = click.option(
        "--ontology",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Ontology mixed into the data, as `pyshacl -e` (default: the bundled ontology).",
    )(function)
    return click.option(
        "--shapes",
        type=click.Path(dir_okay=False, path_type=Path),
        help="SHACL shapes file (default: the bundled shapes/learningcity.shapes.ttl).",
    )(function)


def base_option(function: F) -> F:
    """`--base`: the IRI under which the data's things are minted and published."""
    return click.option(
        "--base",
        default=DEFAULT_DATA_BASE,
        show_default=True,
        metavar="IRI",
        help="Base IRI of the things in the data (ends in /id/; city/, person/ ... follow it).",
    )(function)


def data_or_default(data: Sequence[str]) -> list[str]:
    """DATA as given, or `data/yongsan.ttl` when run inside the repository."""
    if data:
        return list(data)
    default = default_data_path()
    if default is None:
        raise InputError("no DATA given and no data/yongsan.ttl here; name an RDF file")
    return [str(default)]


def emit(content: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
    else:
        write_atomically(output, content)
