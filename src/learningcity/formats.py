"""The RDF syntaxes the project reads and writes: their names, file extensions and media types.

Every command, the server's content negotiation and the static site take format facts from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from learningcity.errors import InputError


@dataclass(frozen=True)
class RdfSyntax:
    name: str
    label: str
    media_type: str
    extensions: tuple[str, ...]
    oxigraph: ox.RdfFormat
    aliases: tuple[str, ...] = ()

    @property
    def extension(self) -> str:
        return self.extensions[0]

    @property
    def holds_datasets(self) -> bool:
        return self.oxigraph.supports_datasets


SYNTAXES: tuple[RdfSyntax, ...] = (
    RdfSyntax("turtle", "Turtle", "text/turtle", ("ttl",), ox.RdfFormat.TURTLE, ("ttl",)),
    RdfSyntax(
        "nt", "N-Triples", "application/n-triples", ("nt",), ox.RdfFormat.N_TRIPLES, ("ntriples",)
    ),
    RdfSyntax("nquads", "N-Quads", "application/n-quads", ("nq",), ox.RdfFormat.N_QUADS, ("nq",)),
    RdfSyntax("trig", "TriG", "application/trig", ("trig",), ox.RdfFormat.TRIG),
    RdfSyntax(
        "xml",
        "RDF/XML",
        "application/rdf+xml",
        ("rdf", "owl", "xml"),
        ox.RdfFormat.RDF_XML,
        ("rdfxml", "rdf"),
    ),
    RdfSyntax("jsonld", "JSON-LD", "application/ld+json", ("jsonld", "json"), ox.RdfFormat.JSON_LD),
    RdfSyntax("n3", "N3", "text/n3", ("n3",), ox.RdfFormat.N3),
)

SYNTAX_NAMES: tuple[str, ...] = tuple(s.name for s in SYNTAXES)


def syntax_named(name: str) -> RdfSyntax:
    wanted = name.lower()
    for syntax in SYNTAXES:
        if wanted == syntax.name or wanted in syntax.aliases:
            return syntax
    raise InputError(f"unknown RDF format {name!r}; use one of: {', '.join(SYNTAX_NAMES)}")


def syntax_for_path(path: Path) -> RdfSyntax:
    """The syntax a file's extension names (`.ttl`, `.nt`, ...), ignoring a trailing `.gz`."""
    suffixes = [s.lstrip(".").lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == "gz":
        suffixes.pop()
    extension = suffixes[-1] if suffixes else ""
    for syntax in SYNTAXES:
        if extension in syntax.extensions:
            return syntax
    raise InputError(
        f"{path}: cannot tell the RDF format from the extension {('.' + extension)!r}; "
        f"give --input-format ({', '.join(SYNTAX_NAMES)})"
    )


def syntax_for_media_type(media_type: str) -> RdfSyntax | None:
    base = media_type.split(";", 1)[0].strip().lower()
    return next((s for s in SYNTAXES if s.media_type == base), None)
