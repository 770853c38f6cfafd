"""The representations of a document: HTML and the RDF syntaxes of `learningcity.formats`.

Names, extensions and media types come from `learningcity.formats`; this module only says
which of them the server offers and how a URL names one (`.ttl`, `?format=turtle`).
"""

from __future__ import annotations

from dataclasses import dataclass

from learningcity.formats import SYNTAXES, RdfSyntax, format_for

HTML_MEDIA_TYPE = "text/html"
#: N3 is left out: it adds nothing over Turtle for plain RDF and Oxigraph cannot write it.
SERVED_SYNTAXES: tuple[RdfSyntax, ...] = tuple(s for s in SYNTAXES if s.name != "n3")
TURTLE = next(s for s in SERVED_SYNTAXES if s.name == "turtle")


def served_syntax(name: str) -> RdfSyntax | None:
    """The served syntax `name` names (`formats.format_for`: a name, alias, extension or media
    type); a name of N3 gets Turtle, which is N3 too (SPARQLWrapper sends `format=n3`)."""
    syntax = format_for(name, SYNTAXES)
    return TURTLE if syntax is not None and syntax not in SERVED_SYNTAXES else syntax


@dataclass(frozen=True)
class Representation:
    name: str
    label: str
    media_type: str
    extension: str
    syntax: RdfSyntax | None  # None for HTML

    @property
    def content_type(self) -> str:
        textual = self.media_type.startswith("text/") or self.syntax is not None
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type


HTML = Representation("html", "HTML", HTML_MEDIA_TYPE, "html", None)
REPRESENTATIONS: tuple[Representation, ...] = (
    HTML,
    *(Representation(s.name, s.label, s.media_type, s.extension, s) for s in SERVED_SYNTAXES),
)
MEDIA_TYPES: tuple[str, ...] = tuple(r.media_type for r in REPRESENTATIONS)


def by_media_type(media_type: str) -> Representation:
    return next(r for r in REPRESENTATIONS if r.media_type == media_type)


def by_extension(extension: str) -> Representation | None:
    wanted = extension.lower()
    for representation in REPRESENTATIONS:
        syntax_extensions = representation.syntax.extensions if representation.syntax else ()
        if wanted == representation.extension or wanted in syntax_extensions:
            return representation
    return None


def by_name(name: str) -> Representation | None:
    """`?format=` takes `html` or what names a served syntax (`served_syntax`)."""
    if name.strip().lower() in (HTML.name, HTML.media_type):
        return HTML
    syntax = served_syntax(name)
    return None if syntax is None else next(r for r in REPRESENTATIONS if r.syntax is syntax)
