"""Export a dataset in every RDF syntax the project knows, deterministically.

JSON-LD goes through our compacting writer (`learningcity.jsonld`), the other syntaxes through
`learningcity.serialize`; both sort the statements and label blank nodes canonically, so two
exports of one graph are byte-identical and every file parses back to an isomorphic graph.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import pyoxigraph as ox

from learningcity.atomic import new_folders, write_outputs
from learningcity.errors import InputError
from learningcity.formats import SYNTAXES, RdfSyntax, syntax_named
from learningcity.namespaces import prefixes
from learningcity.serialize import serialize

if TYPE_CHECKING:
    from learningcity.store import Data


def export(
    dataset: Iterable[ox.Quad],
    syntax: RdfSyntax | str,
    *,
    frame: bool = False,
    published_context: bool = False,
) -> bytes:
    """The dataset in `syntax` (a `learningcity.formats` name or syntax).

    `frame` (nest what belongs to each city under it) and `published_context` (name the context
    by its published IRI instead of writing it inline) shape JSON-LD only, and are refused for
    other syntaxes.
    """
    syntax = syntax_named(syntax) if isinstance(syntax, str) else syntax
    if syntax.name == "jsonld":
        from learningcity.jsonld import write_jsonld  # only JSON-LD pays for its import

        return write_jsonld(dataset, frame=frame, by_iri=published_context)
    if frame or published_context:
        option = "--frame" if frame else "--published-context"
        raise InputError(f"{option} applies to JSON-LD only; add --format jsonld or drop it")
    return serialize(dataset, syntax)


def stream_export(
    statements: Data,
    syntax: RdfSyntax | str,
    out: BinaryIO,
    *,
    published_context: bool = False,
) -> None:
    """Write the statements to `out` as they come, in input order: constant memory, any size.

    Oxigraph's writers take every syntax but JSON-LD, which our compacting writer streams node
    by node from the statements as N-Triples, parsed beside it (`Data.ntriples`,
    `learningcity.jsonld.stream_jsonld`). Nothing is sorted and blank-node labels are the
    parser's, so the bytes are stable for a given input without blank nodes; `export` gives the
    same graph sorted and canonical, whatever the input order.
    """
    syntax = syntax_named(syntax) if isinstance(syntax, str) else syntax
    if syntax.name == "jsonld":
        from learningcity.jsonld import stream_jsonld

        with statements.ntriples() as blocks:
            stream_jsonld(blocks, out, by_iri=published_context)
        return
    if published_context:
        raise InputError(
            "--published-context applies to JSON-LD only; add --format jsonld or drop it"
        )
    try:
        ox.serialize(statements.quads(), out, format=syntax.oxigraph, prefixes=prefixes())
    except ValueError as error:
        raise InputError(f"cannot write {syntax.label}: {error}") from None


def export_all(
    dataset: Iterable[ox.Quad],
    directory: Path,
    *,
    stem: str = "data",
    frame: bool = False,
    published_context: bool = False,
) -> list[Path]:
    """Write `<stem>.<ext>` in `directory` for every syntax; return the paths written.

    Every export is made before the first file is written, so data that one syntax cannot hold
    (named graphs in Turtle) fails with nothing changed; the files are then put in place together
    (`learningcity.atomic.write_outputs`): all of them or, if interrupted, none.
    """
    quads = list(dataset)
    outputs = {
        directory / f"{stem}.{syntax.extension}": export(
            quads,
            syntax,
            frame=frame and syntax.name == "jsonld",
            published_context=published_context and syntax.name == "jsonld",
        )
        for syntax in SYNTAXES
    }
    with new_folders(directory):
        write_outputs(outputs.items())
    return list(outputs)
