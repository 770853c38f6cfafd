"""Documentation of the vocabulary (ontology/) and of the shapes (shapes/), from the files alone.

Every class, property, concept and other named term of the ontology gets an entry with its labels
in English and Korean side by side (a missing one is shown as missing, never filled from the other
language), its definition, domain and range, the standard terms it relates to, and examples taken
from the published data. Every shape is explained in plain words built from its constraints, with
its severity and messages. pyLODE was considered and not used: it has no Korean (pyLODE#18), no
examples from instance data, and its own templates, while these pages share the site's.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

import pyoxigraph as ox

from learningcity.namespaces import STANDARD_PREFIXES, VOCAB
from learningcity.rendering.labels import LANGUAGES, Text
from learningcity.rendering.pages import Link, PageRenderer, Value
from learningcity.rendering.statements import Statements
from learningcity.terms import RDF_TYPE

_S = STANDARD_PREFIXES
RDF, RDFS, OWL, SKOS, SH = _S["rdf"], _S["rdfs"], _S["owl"], _S["skos"], _S["sh"]
EXAMPLES = 3
T = TypeVar("T")

#: Kinds of term, in the order the page lists them: (key, heading en, heading ko, rdf:types).
KINDS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("class", "Classes", "클래스", (OWL + "Class", RDFS + "Class")),
    (
        "property",
        "Properties",
        "속성",
        (
            OWL + "ObjectProperty",
            OWL + "DatatypeProperty",
            OWL + "AnnotationProperty",
            RDF + "Property",
        ),
    ),
    ("concept", "Concepts", "개념", (SKOS + "Concept", SKOS + "ConceptScheme")),
    ("other", "Other terms", "기타 용어", ()),
)
#: Relations to standard terms shown under "Related standard terms".
RELATIONS: tuple[tuple[str, str], ...] = (
    (RDFS + "subClassOf", "subclass of"),
    (RDFS + "subPropertyOf", "subproperty of"),
    (OWL + "equivalentClass", "equivalent class"),
    (OWL + "equivalentProperty", "equivalent property"),
    (OWL + "inverseOf", "inverse of"),
    (SKOS + "exactMatch", "exact match"),
    (SKOS + "closeMatch", "close match"),
    (SKOS + "broadMatch", "broad match"),
    (SKOS + "narrowMatch", "narrow match"),
    (SKOS + "relatedMatch", "related match"),
    (SKOS + "broader", "broader"),
    (SKOS + "inScheme", "in scheme"),
    (VOCAB + "contributesToSdg", "contributes to SDG"),
    (RDFS + "seeAlso", "see also"),
)
LABELS = (SKOS + "prefLabel", RDFS + "label")
DEFINITIONS = (SKOS + "definition", RDFS + "comment", SKOS + "scopeNote")


@dataclass(frozen=True)
class Example:
    subject: Link
    predicate: Link | None
    value: Value | None


@dataclass(frozen=True)
class Term:
    iri: str
    anchor: str
    name: str  # the prefixed name, lc:LearningCity
    labels: dict[str, Text | None]
    notes: list[tuple[str, Text]]  # (kind of note: definition, comment, scope note; text)
    types: list[Link]
    domain: list[Link]
    range: list[Link]
    related: list[tuple[str, Link]]
    examples: list[Example]


@dataclass
class Section:
    key: str
    headings: dict[str, str]
    terms: list[Term] = field(default_factory=list)


class Terms:
    """Looks up statements in the ontology (and the data, for examples)."""

    def __init__(self, renderer: PageRenderer, ontology: ox.Dataset, data: Statements) -> None:
        self.renderer = renderer
        self.ontology = ontology
        self.data = data

    def objects(self, subject: ox.NamedNode | ox.BlankNode, predicate: str) -> list:
        wanted = ox.NamedNode(predicate)
        found = {
            q.object for q in self.ontology.quads_for_subject(subject) if q.predicate == wanted
        }
        return sorted(found, key=str)

    def members(self, node: ox.NamedNode | ox.BlankNode) -> list:
        """A class expression as the named classes it joins (`owl:unionOf` lists unrolled)."""
        if isinstance(node, ox.NamedNode):
            return [node]
        union = self.objects(node, OWL + "unionOf")
        if not union:
            return []
        items, current = [], union[0]
        while isinstance(current, ox.BlankNode):
            items += self.objects(current, RDF + "first")
            rest = self.objects(current, RDF + "rest")
            current = rest[0] if rest else None
        return items

    def link(self, term: ox.NamedNode | ox.BlankNode, language: str = LANGUAGES[0]) -> Link:
        return self.renderer.link(term, language)

    def labels(self, term: ox.NamedNode) -> dict[str, Text | None]:
        literals = [
            lit
            for predicate in LABELS
            for lit in self.objects(term, predicate)
            if isinstance(lit, ox.Literal)
        ]
        found: dict[str, Text | None] = {}
        for language in LANGUAGES:
            match = [lit for lit in literals if (lit.language or "").split("-")[0] == language]
            found[language] = Text(match[0].value, match[0].language) if match else None
        return found

    def notes(self, term: ox.NamedNode) -> list[tuple[str, Text]]:
        notes = []
        for predicate in DEFINITIONS:
            kind = predicate.rsplit("#", 1)[-1]
            literals = [lit for lit in self.objects(term, predicate) if isinstance(lit, ox.Literal)]
            order = {code: index for index, code in enumerate(LANGUAGES)}
            literals.sort(key=lambda lit: (order.get(lit.language or "", 9), lit.value))
            notes += [(kind, Text(lit.value, lit.language)) for lit in literals]
        return notes

    def examples(self, term: ox.NamedNode, kind: str) -> list[Example]:
        """Up to three uses of the term in the data: instances, statements or references, the
        first in sort order (the same on every run). The three smallest, not a sorted copy of
        every use: `serve` renders this page on its event loop, and a property of a network
        has hundreds of thousands of uses."""
        if kind == "class":
            typed = {q.subject for q in self.data.quads_for_object(term) if q.predicate == RDF_TYPE}
            # (a triple term, which data cannot hold, is no example: `learningcity.load`)
            return [
                Example(self.link(s), None, None)
                for s in _first(typed)
                if not isinstance(s, ox.Triple)
            ]
        if kind == "property":
            return [
                Example(self.link(s), None, self.renderer.cell(o, LANGUAGES[0]))
                for q in _first(self.data.quads_for_predicate(term))
                if not isinstance(s := q.subject, ox.Triple)
                and not isinstance(o := q.object, ox.Triple)
            ]
        return [
            Example(self.link(s), self.link(q.predicate), None)
            for q in _first(self.data.quads_for_object(term))
            if not isinstance(s := q.subject, ox.Triple)
        ]

    def term(self, node: ox.NamedNode, kind: str) -> Term:
        related = [
            (label, self.link(value))
            for predicate, label in RELATIONS
            for value in self.objects(node, predicate)
            if isinstance(value, ox.NamedNode)
        ]
        return Term(
            iri=node.value,
            anchor=anchor(node.value),
            name=self.renderer.labels.short(node),
            labels=self.labels(node),
            notes=self.notes(node),
            types=[self.link(t) for t in self.objects(node, RDF + "type")],
            domain=self._expression(node, RDFS + "domain"),
            range=self._expression(node, RDFS + "range"),
            related=related,
            examples=self.examples(node, kind),
        )

    def _expression(self, node: ox.NamedNode, predicate: str) -> list[Link]:
        return [self.link(m) for c in self.objects(node, predicate) for m in self.members(c)]


def _first(items: Iterable[T]) -> list[T]:
    """The `EXAMPLES` smallest of `items` by their N-Triples form, smallest first."""
    return heapq.nsmallest(EXAMPLES, items, key=str)


def anchor(iri: str) -> str:
    """The fragment a term is documented under: its local name."""
    for separator in ("#", "/"):
        if separator in iri.rstrip("/"):
            return iri.rstrip("/").rsplit(separator, 1)[1] or "term"
    return "term"


def kind_of(types: Iterable[str]) -> str:
    types = set(types)
    for key, _en, _ko, members in KINDS:
        if types & set(members):
            return key
    return "other"


def sections(renderer: PageRenderer, ontology: ox.Dataset, data: Statements) -> list[Section]:
    """The terms the ontology defines (`rdfs:isDefinedBy` it, or in its namespaces), by kind."""
    terms = Terms(renderer, ontology, data)
    by_kind = {key: Section(key, {"en": en, "ko": ko}) for key, en, ko, _ in KINDS}
    for node in documented_terms(ontology):
        types = [t.value for t in terms.objects(node, RDF + "type")]
        if OWL + "Ontology" in types:
            continue
        kind = kind_of(types)
        by_kind[kind].terms.append(terms.term(node, kind))
    return [s for s in by_kind.values() if s.terms]


def documented_terms(ontology: ox.Dataset) -> list[ox.NamedNode]:
    """Named subjects of the ontology in the project's namespaces, sorted by anchor."""
    own = (VOCAB, "https://w3id.org/learningcity/policy-area/")
    nodes = {
        q.subject
        for q in ontology
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(own)
    }
    return sorted(nodes, key=lambda n: (anchor(n.value).lower(), n.value))
