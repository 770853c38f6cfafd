"""Options and output handling shared by every command (named the same everywhere)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from learningcity.atomic import refuse_unusable_output, write_output
from learningcity.errors import InputError
from learningcity.formats import SYNTAX_NAMES
from learningcity.iris import usable_iri
from learningcity.namespaces import DEFAULT_DATA_BASE
from learningcity.resources import default_data_path

if TYPE_CHECKING:
    from learningcity.store import Data

F = TypeVar("F", bound=Callable[..., Any])


def data_arguments(function: F) -> F:
    """DATA, `--input-format` and `--base-iri`: how every command names the files it reads."""
    function = base_iri_option(function)
    function = click.option(
        "--input-format",
        type=click.Choice(SYNTAX_NAMES, case_sensitive=False),
        help="Syntax of DATA when the extension does not tell it (needed for '-').",
    )(function)
    return click.argument("data", nargs=-1, metavar="[DATA]...")(function)


def base_iri_option(function: F) -> F:
    """`--base-iri`: the IRI relative IRIs in the input resolve against (riot's `--base`,
    `oxigraph convert --from-base`), so the result does not depend on where a file lies."""
    return click.option(
        "--base-iri",
        metavar="IRI",
        callback=iri_value,
        help="Resolve relative IRIs in the input against this IRI. Default: each file's own "
        "file: IRI, with a warning when one was needed; stdin has none.",
    )(function)


def data_or_store_arguments(function: F) -> F:
    """DATA and `--store DIR`: the commands that can read a store built by `learningcity load`."""
    function = click.option(
        "--store",
        type=click.Path(file_okay=False, path_type=Path),
        metavar="DIR",
        help="Read the store `learningcity load --store DIR` built, instead of DATA.",
    )(function)
    return data_arguments(function)


def open_input(
    data: Sequence[str], input_format: str | None, store: Path | None, base_iri: str | None
) -> Data:
    """DATA (default: data/yongsan.ttl) or the store, for `data_or_store_arguments` commands."""
    from learningcity.store import open_data

    arguments = data_or_default(data) if store is None else data
    return open_data(arguments, store, input_format, base_iri)


class OutputPath(click.Path):
    """click's Path for what a command writes (`-o`, `--all`, `--out-dir`, `--out`, `load
    --store`), refusing an empty value in one line: pathlib reads '' as '.', so `-o ''` was
    reported as '.' and `publish --out ''` went on to replace the current folder (a traceback).
    What else can be refused without the work (`atomic.refuse_unusable_output`: a read-only
    target or folder, a folder `replacing` whole that holds the current folder) is refused
    here too, before the command reads any input: `publish --out .` read and validated all
    the data first."""

    def __init__(self, *, folder: bool, replacing: str | None = None) -> None:
        super().__init__(file_okay=not folder, dir_okay=folder, path_type=Path)
        self.folder = folder
        self.replacing = replacing

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if value in ("", b""):
            name = "a folder name" if self.folder else "a file name"
            self.fail(f"the output path is empty; give {name}", param, ctx)
        path = cast(Path, super().convert(value, param, ctx))  # path_type=Path
        if ctx is None or not ctx.resilient_parsing:  # not while completing a shell word
            refuse_unusable_output(path, folder=self.folder, replacing=self.replacing)
        return path


def output_option(function: F) -> F:
    """`-o/--output FILE`, the same for every command that writes one file."""
    return click.option(
        "-o",
        "--output",
        type=OutputPath(folder=False),
        help="Write to this file instead of stdout: replaced whole once complete (a FIFO or "
        "device is written in place; a symlink's target is replaced; read-only files are "
        "refused).",
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
        callback=iri_value,
        help="Base IRI of the things in the data (ends in /id/; city/, person/ ... follow it).",
    )(function)


#: A host name as RFC 1123 allows it: dot-separated labels of letters, digits and inner hyphens.
_HOST_NAME = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*")


def host_option(function: F) -> F:
    """`--host`, the address `serve` and `preview` listen on."""
    return click.option(
        "--host",
        default="127.0.0.1",
        show_default=True,
        callback=host_value,
        help="Address to listen on.",
    )(function)


def host_value(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """A click callback: `--host` must be an IP address or a host name, refused in one line
    naming --host otherwise (exit 2). 'not a host' went on into the base IRI made from it, and
    the error blamed --base, an option the user had not given."""
    try:
        ipaddress.ip_address(value)
    except ValueError:
        if len(value) > 253 or not _HOST_NAME.fullmatch(value):
            raise click.BadParameter(
                f"{value!r} is not an IP address or host name; give one like 127.0.0.1, ::1, "
                "0.0.0.0 (every interface) or localhost",
                ctx,
                param,
            ) from None
    return value


def iri_value(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A click callback: an IRI option's value, refused in one line unless usable (exit 2)."""
    return None if value is None else usable_iri(value, param.opts[0])


def iri_values(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """`iri_value` for a repeatable option: each value checked the same way."""
    return tuple(usable_iri(value, param.opts[0]) for value in values)


def data_or_default(data: Sequence[str]) -> list[str]:
    """DATA as given, or `data/yongsan.ttl` when run inside the repository."""
    if data:
        return list(data)
    default = default_data_path()
    if default is None:
        raise InputError("no DATA given and no data/yongsan.ttl here; name an RDF file")
    return [str(default)]


def emit(content: bytes, output: Path | None) -> None:
    """A command's result to `-o FILE` or stdout, as `learningcity.atomic` decides."""
    write_output(output, content)
