"""Human-readable names in English or Korean, with a visible fallback when one is missing.

A label is looked for in the data, then in the ontology (`skos:prefLabel`, `rdfs:label`,
`schema:name`, ...); when none is in the page's language, one in another language is shown and
marked, so a reader sees that a translation is missing instead of silently reading the other
language. A term with no label at all is shown by its prefixed name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from learningcity.compaction import DISPLAY, Compactor
from learningcity.namespaces import STANDARD_PREFIXES, VOCAB

LANGUAGES: tuple[str, ...] = ("en", "ko")
_S = STANDARD_PREFIXES
LABEL_PREDICATES: tuple[ox.NamedNode, ...] = tuple(
    ox.NamedNode(iri)
    for iri in (
        _S["skos"] + "prefLabel",
        _S["rdfs"] + "label",
        _S["schema"] + "name",
        _S["dcterms"] + "title",
        _S["foaf"] + "name",
        VOCAB + "name",
    )
)


@dataclass(frozen=True)
class Text:
    """A string to show, its language tag, and whether it stands in for a missing translation."""

    value: str
    language: str | None = None
    fallback: bool = False


def choose(literals: Iterable[ox.Literal], language: str) -> list[tuple[ox.Literal, bool]]:
    """The literals in `language` (and untagged ones); else the others, flagged as a fallback."""
    literals = sorted(literals, key=lambda lit: (lit.language or "", lit.value))
    chosen = [lit for lit in literals if lit.language is None or _same(lit.language, language)]
    if any(lit.language for lit in chosen) or not any(lit.language for lit in literals):
        return [(lit, False) for lit in chosen]
    untagged = [(lit, False) for lit in chosen]
    return untagged + [(lit, True) for lit in literals if lit.language]


def pick(literals: Iterable[ox.Literal], language: str) -> list[Text]:
    return [Text(lit.value, lit.language, fallback) for lit, fallback in choose(literals, language)]


def _same(tag: str, language: str) -> bool:
    return tag.lower().split("-")[0] == language


class Labeller:
    """Labels for terms, from the data and the ontology; cached because pages repeat them."""

    def __init__(self, graphs: Iterable[ox.Dataset], namespaces: dict[str, str]) -> None:
        self._graphs = tuple(graphs)
        self._names = Compactor(namespaces, DISPLAY)
        self.label = lru_cache(maxsize=65536)(self._label)

    def _label(self, term: ox.NamedNode | ox.BlankNode, language: str) -> Text:
        for predicate in LABEL_PREDICATES:
            literals = [
                q.object
                for graph in self._graphs
                for q in graph.quads_for_subject(term)
                if q.predicate == predicate and isinstance(q.object, ox.Literal)
            ]
            if literals:
                return pick(literals, language)[0]
        return Text(self.short(term))

    def short(self, term: ox.NamedNode | ox.BlankNode) -> str:
        """`schema:name` for a term in a known namespace (`compaction.DISPLAY`), else the IRI."""
        if isinstance(term, ox.BlankNode):
            return f"_:{term.value}"
        return self._names.compact(term.value) or term.value
