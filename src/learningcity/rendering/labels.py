"""Human-readable names in English or Korean, with a visible fallback when one is missing.

A label is looked for in the data, then in the ontology (`skos:prefLabel`, `rdfs:label`,
`schema:name`, ...); an identifier (`schema:PropertyValue`) is named by its kind and value; a
standard term (`schema:name`, `dcat:Dataset`, `xsd:date`, an SDG) by the bundled label table
`labels.ttl`, which is for pages only and never part of the data. When no label is in the page's
language, one in another language is shown and marked, so a reader sees that a translation is
missing instead of silently reading the other language. A term with no label at all is shown by
its compact IRI, marked as such (`Text.term`), never passed off as a name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import pyoxigraph as ox

from learningcity.compaction import DISPLAY, Compactor
from learningcity.namespaces import STANDARD_PREFIXES, VOCAB
from learningcity.rendering.statements import Statements

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
_PROPERTY_ID = ox.NamedNode(_S["schema"] + "propertyID")
_VALUE = ox.NamedNode(_S["schema"] + "value")
#: The predicates a label is made from (`_labelled`, `_identifier`).
_NAMING = (*LABEL_PREDICATES, _PROPERTY_ID, _VALUE)
Term = ox.NamedNode | ox.BlankNode
#: English and Korean labels of the standard terms the data, the ontology and the shapes use.
LABEL_TABLE = Path(__file__).with_name("labels.ttl")


@dataclass(frozen=True)
class Text:
    """A string to show, its language tag, and whether it stands in for a missing translation;
    `term` when no label is known and `value` is the term's compact IRI (shown as code)."""

    value: str
    language: str | None = None
    fallback: bool = False
    term: bool = False


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


@cache
def label_table() -> ox.Dataset:
    """The bundled label table, read once per process."""
    return ox.Dataset(ox.parse(path=str(LABEL_TABLE), format=ox.RdfFormat.TURTLE))


class Labeller:
    """Labels for terms, from the data and the ontology, else the bundled table; cached because
    pages repeat them."""

    def __init__(self, graphs: Iterable[Statements], namespaces: dict[str, str]) -> None:
        self._graphs = tuple(graphs)
        self._names = Compactor(namespaces, DISPLAY)
        self.label = lru_cache(maxsize=65536)(self._label)

    def labels(self, terms: Iterable[Term], language: str) -> dict[Term, Text]:
        """`label(term, language)` of each of `terms`, from one pass over each naming predicate
        instead of a lookup per term: the home page sorts every resource of the data by its
        label (170,000 at 10,000 cities, where a lookup each took minutes)."""
        own: dict[Term, dict[ox.NamedNode, list[ox.Literal]]] = {term: {} for term in terms}
        for graph in self._graphs:
            for predicate in _NAMING:
                for quad in graph.quads_for_predicate(predicate):
                    found = own.get(quad.subject)  # type: ignore[arg-type]  # never a triple term
                    if found is not None and isinstance(quad.object, ox.Literal):
                        found.setdefault(predicate, []).append(quad.object)
        return {term: self._chosen(term, literals, language) for term, literals in own.items()}

    def _label(self, term: Term, language: str) -> Text:
        return self._chosen(term, _literals(self._graphs, term), language)

    def _chosen(self, term: Term, own: dict[ox.NamedNode, list[ox.Literal]], language: str) -> Text:
        """The data's and the ontology's own label first: they may name a standard term for
        their readers; the table only fills in."""
        found = _labelled(own, language) or _identifier(own)
        found = found or _labelled(_literals((label_table(),), term), language)
        return found or Text(self.short(term), term=True)

    def short(self, term: ox.NamedNode | ox.BlankNode) -> str:
        """`schema:name` for a term in a known namespace (`compaction.DISPLAY`), else the IRI."""
        if isinstance(term, ox.BlankNode):
            return f"_:{term.value}"
        return self._names.compact(term.value) or term.value


def _literals(
    graphs: Iterable[Statements], term: ox.NamedNode | ox.BlankNode
) -> dict[ox.NamedNode, list[ox.Literal]]:
    """The literal values of `term`, by predicate, in one pass over its statements (a page
    labels hundreds of terms: one pass per label predicate cost six)."""
    found: dict[ox.NamedNode, list[ox.Literal]] = {}
    for graph in graphs:
        for quad in graph.quads_for_subject(term):
            if isinstance(quad.object, ox.Literal):
                found.setdefault(quad.predicate, []).append(quad.object)
    return found


def _labelled(literals: dict[ox.NamedNode, list[ox.Literal]], language: str) -> Text | None:
    """The first label predicate's value in `language` (or another, flagged)."""
    for predicate in LABEL_PREDICATES:
        if predicate in literals:
            return pick(literals[predicate], language)[0]
    return None


def _identifier(literals: dict[ox.NamedNode, list[ox.Literal]]) -> Text | None:
    """`GeoNames ID: 1832311` for an identifier (`schema:PropertyValue`), which has no name of
    its own: its IRI (`identifier:kr-yongsan-gu.geonames`) is no reading matter."""
    kinds, values = literals.get(_PROPERTY_ID, []), literals.get(_VALUE, [])
    if len(kinds) != 1 or len(values) != 1:
        return None
    return Text(f"{kinds[0].value}: {values[0].value}", kinds[0].language)
