"""The formats the project reads and writes, with every name a user or a client may give them.

Two kinds: RDF syntaxes (data, CONSTRUCT and DESCRIBE answers) and the W3C SPARQL results formats
(SELECT and ASK answers). Each has a name, a label, file extensions, a media type (and the
generic media types clients also send for it), its IRI in the W3C formats namespace (for the
SPARQL service description) and aliases. Every command, the server's content negotiation,
`?format=` on documents and on /sparql, and the static site take format facts from here; the
rule for what names a format is `format_for`, decided once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from learningcity.errors import InputError

#: The W3C namespace naming formats (https://www.w3.org/ns/formats/), used by sd:resultFormat.
W3C_FORMATS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class RdfSyntax:
    name: str
    label: str
    media_type: str
    extensions: tuple[str, ...]
    oxigraph: ox.RdfFormat
    w3c: str  # local name in W3C_FORMATS
    aliases: tuple[str, ...] = ()
    #: Generic media types a client may ask for this syntax by (answered as `media_type`).
    other_media_types: tuple[str, ...] = ()

    @property
    def extension(self) -> str:
        return self.extensions[0]

    @property
    def holds_datasets(self) -> bool:
        return self.oxigraph.supports_datasets


SYNTAXES: tuple[RdfSyntax, ...] = (
    RdfSyntax("turtle", "Turtle", "text/turtle", ("ttl",), ox.RdfFormat.TURTLE, "Turtle", ("ttl",)),
    RdfSyntax(
        "nt",
        "N-Triples",
        "application/n-triples",
        ("nt",),
        ox.RdfFormat.N_TRIPLES,
        "N-Triples",
        ("ntriples",),
    ),
    RdfSyntax(
        "nquads",
        "N-Quads",
        "application/n-quads",
        ("nq",),
        ox.RdfFormat.N_QUADS,
        "N-Quads",
        ("nq",),
    ),
    RdfSyntax("trig", "TriG", "application/trig", ("trig",), ox.RdfFormat.TRIG, "TriG"),
    RdfSyntax(
        "xml",
        "RDF/XML",
        "application/rdf+xml",
        ("rdf", "owl", "xml"),
        ox.RdfFormat.RDF_XML,
        "RDF_XML",
        ("rdfxml", "rdf"),
        ("application/xml", "text/xml"),
    ),
    RdfSyntax(
        "jsonld",
        "JSON-LD",
        "application/ld+json",
        ("jsonld", "json"),
        ox.RdfFormat.JSON_LD,
        "JSON-LD",
        ("json-ld",),
        ("application/json",),
    ),
    RdfSyntax("n3", "N3", "text/n3", ("n3",), ox.RdfFormat.N3, "N3"),
)

SYNTAX_NAMES: tuple[str, ...] = tuple(s.name for s in SYNTAXES)


def syntax_named(name: str) -> RdfSyntax:
    """The syntax `name` names (`format_for`), or `InputError` listing the names."""
    syntax = format_for(name, SYNTAXES)
    if syntax is not None:
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


@dataclass(frozen=True)
class ResultsFormat:
    """A W3C SPARQL results format: how SELECT and ASK answers are written."""

    name: str
    label: str
    media_type: str
    extensions: tuple[str, ...]
    oxigraph: ox.QueryResultsFormat
    w3c: str  # local name in W3C_FORMATS
    aliases: tuple[str, ...] = ()
    #: Generic media types a client may ask for this format by (answered as such).
    other_media_types: tuple[str, ...] = ()


RESULTS_FORMATS: tuple[ResultsFormat, ...] = (
    ResultsFormat(
        "json",
        "SPARQL JSON results",
        "application/sparql-results+json",
        ("srj", "json"),
        ox.QueryResultsFormat.JSON,
        "SPARQL_Results_JSON",
        other_media_types=("application/json",),
    ),
    ResultsFormat(
        "xml",
        "SPARQL XML results",
        "application/sparql-results+xml",
        ("srx", "xml"),
        ox.QueryResultsFormat.XML,
        "SPARQL_Results_XML",
        other_media_types=("application/xml", "text/xml"),
    ),
    ResultsFormat(
        "csv",
        "SPARQL CSV results",
        "text/csv",
        ("csv",),
        ox.QueryResultsFormat.CSV,
        "SPARQL_Results_CSV",
    ),
    ResultsFormat(
        "tsv",
        "SPARQL TSV results",
        "text/tab-separated-values",
        ("tsv",),
        ox.QueryResultsFormat.TSV,
        "SPARQL_Results_TSV",
    ),
)
RESULTS_FORMAT_NAMES: tuple[str, ...] = tuple(f.name for f in RESULTS_FORMATS)

AnyFormat = TypeVar("AnyFormat", RdfSyntax, ResultsFormat)


def media_types(format_: RdfSyntax | ResultsFormat) -> tuple[str, ...]:
    """The media types that ask for `format_`, its own first."""
    return (format_.media_type, *format_.other_media_types)


def names_of(format_: RdfSyntax | ResultsFormat) -> frozenset[str]:
    """Every name that stands for `format_` (lower case): its name, aliases, extensions, media
    types and their subtypes. The subtypes are what clients send as short names:
    SPARQLWrapper sends `format=rdf+xml`, Oxigraph takes `format=ld+json`; and a full media
    type is what others send (`format=application/sparql-results+json`)."""
    types = media_types(format_)
    subtypes = (media.partition("/")[2] for media in types)
    return frozenset((format_.name, *format_.aliases, *format_.extensions, *types, *subtypes))


def format_for(value: str, among: Sequence[AnyFormat]) -> AnyFormat | None:
    """The format of `among` that `value` names (see `names_of`), ignoring case, spaces and
    media type parameters (`text/csv; charset=utf-8`); None when none does.

    `json` and `xml` name a results format among results formats and an RDF syntax among
    syntaxes (JSON-LD, RDF/XML): the caller says which kind the answer is.
    """
    wanted = value.split(";", 1)[0].strip().lower()
    return next((f for f in among if wanted in names_of(f)), None)
