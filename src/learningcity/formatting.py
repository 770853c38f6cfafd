"""Canonical formatting of Turtle files, so that committed data diffs line by line.

Formatting is a parse and a canonical rewrite (`learningcity.serialize`). Comments are not kept:
a comment is not in the graph, so no canonical form can place it (the same graph must give the
same bytes, whatever comments its file held), and what it says would reach only who opens the
file, never the published pages, the JSON-LD or a SPARQL query. Explanations belong in
`rdfs:comment`, `skos:note` or `skos:editorialNote`, where they are data; `fmt` counts the
comments it drops and says so, so that none is lost unnoticed.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from learningcity.atomic import write_outputs
from learningcity.blanknodes import tangles_in
from learningcity.errors import InputError, LearningCityWarning
from learningcity.load import load_with_prefixes, resolve_sources
from learningcity.namespaces import with_declared
from learningcity.serialize import to_turtle


@dataclass(frozen=True)
class FormatResult:
    path: Path
    changed: bool
    comments: int = 0  # comments the source held, which the canonical form does not keep


def canonical_text(path: Path, base_iri: str | None = None) -> str:
    """The canonical Turtle of `path`, its relative IRIs written resolved against `base_iri`.

    Without `base_iri`, a file with relative IRIs is refused rather than rewritten: what other
    commands read with a warning (`learningcity.load.parse_bytes`) would be written into the
    source as `file:` IRIs holding this machine's path.
    """
    source = resolve_sources([str(path)], base_iri=base_iri)[0]
    if source.syntax.name != "turtle":
        raise InputError(f"{path}: fmt rewrites Turtle files only (.ttl)")
    with warnings.catch_warnings():
        warnings.simplefilter("error", LearningCityWarning)
        try:
            dataset, declared = load_with_prefixes([source])
        except LearningCityWarning:
            raise InputError(
                f"{path}: its relative IRIs would be written resolved against the file's own IRI "
                f"{source.base_iri}; give --base-iri IRI (no file was rewritten)"
            ) from None
    with tangles_in(str(path)):
        return to_turtle(dataset, with_declared(declared))


def format_files(
    paths: Iterable[Path], *, check: bool = False, base_iri: str | None = None
) -> list[FormatResult]:
    """Rewrite each file in canonical form (unless `check`): all of them or none. Every file is
    parsed before any is written, so a syntax error in one leaves all of them untouched, and
    the rewritten files are put in place together (`learningcity.atomic.write_outputs`)."""
    planned = [(path, canonical_text(path, base_iri).encode("utf-8")) for path in paths]
    sources = {path: path.read_bytes() for path, _ in planned}
    changed = {path: content for path, content in planned if sources[path] != content}
    if not check:
        write_outputs(changed.items(), replacing_sources=True)
    return [  # a file with comments is never canonical: only changed files can hold any
        FormatResult(path, path in changed, count_comments(sources[path]) if path in changed else 0)
        for path, _ in planned
    ]


#: What can hold a `#` that opens no comment, and comments themselves; characters between
#: matches cannot. Long strings may hold one or two quotes in a row (Turtle's
#: STRING_LITERAL_LONG_QUOTE), `\#` escapes a local name's `#`, and `<<` opens a triple term.
_TOKENS = re.compile(
    rb"#[^\n\r]*"
    rb"|<<|<[^>]*>"
    rb'|"""(?:"{0,2}(?:[^"\\]|\\.))*"""'
    rb"|'''(?:'{0,2}(?:[^'\\]|\\.))*'''"
    rb'|"(?:[^"\\\n\r]|\\.)*"'
    rb"|'(?:[^'\\\n\r]|\\.)*'"
    rb"|\\.",
    re.DOTALL,
)


def count_comments(source: bytes) -> int:
    """How many comments the Turtle `source` (which has parsed) holds: `#` to the end of the
    line, outside IRIs (`<…#x>`), strings and escaped local names (`ex:a\\#b`)."""
    return sum(1 for token in _TOKENS.finditer(source) if token.group().startswith(b"#"))
