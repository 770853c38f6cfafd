"""The documents about the vocabulary: the ontology, the shapes and each concept of the ontology
(the policy-area scheme and its areas), in HTML (each language) and in every RDF syntax.

One renderer for both places that publish them: `learningcity publish` writes every document as a
file, `learningcity serve` answers each one when it is asked for, so the static site and the live
server cannot say different things. A document lives at the path its IRI has under the project's
root (`https://w3id.org/learningcity/ontology` is `ontology`, `policy-area/x` is `policy-area/x`),
under whatever root the site or the server has (`IriScheme.document_for`).
"""

from __future__ import annotations

from functools import cached_property

import pyoxigraph as ox

from learningcity.jsonld import Context, dumps, to_jsonld
from learningcity.namespaces import ONTOLOGY_IRI, PROJECT_ROOT, SHAPES_IRI, STANDARD_PREFIXES
from learningcity.publish.shapes import ShapeDoc, shape_docs
from learningcity.publish.vocabulary import Section, documented_terms, sections
from learningcity.rendering.describe import description
from learningcity.rendering.iris import page_path
from learningcity.rendering.labels import LANGUAGES, Text
from learningcity.rendering.pages import PageRenderer, embedded_json
from learningcity.rendering.representations import Representation
from learningcity.serialize import serialize
from learningcity.terms import RDF_TYPE

_S = STANDARD_PREFIXES
SCHEMA = _S["schema"]
#: As `learningcity embed`: schema.org terms by `@vocab`, no remote context to fetch.
SCHEMA_CONTEXT = {"@vocab": SCHEMA}
VOCABULARY_PAGE = ONTOLOGY_IRI[len(PROJECT_ROOT) :]
SHAPES_PAGE = SHAPES_IRI[len(PROJECT_ROOT) :]
TITLES = {
    "vocabulary": {"en": "The learningcity vocabulary", "ko": "learningcity 어휘"},
    "shapes": {"en": "The learningcity shapes", "ko": "learningcity 형태 제약"},
}
#: An IRI with a page, and the path of that page in the site (`doc/city/x`).
Target = tuple[str, str]


class VocabularyDocuments:
    """Every document about the vocabulary, by its path under the root: `paths`, `render`.

    `renderer` renders pages about the data (its labels name the data's terms in the examples
    and the incoming links); the concepts' pages are rendered by a renderer of the same kind
    over the ontology. `model` is the address of the model picture, when there is one.
    """

    def __init__(
        self,
        renderer: PageRenderer,
        ontology: ox.Dataset,
        shapes: ox.Dataset,
        model: str | None = None,
    ) -> None:
        self.renderer = renderer
        self.ontology = ontology
        self.shapes = shapes
        self.model = model
        self.concepts = type(renderer)(ontology, renderer.scheme, ontology, notice=renderer.notice)
        self.concepts.labels = renderer.labels
        #: The ontology's own documents: the latest (`ontology`) and each release's.
        self.ontology_paths = {VOCABULARY_PAGE, *(path for _iri, path in release_targets(ontology))}
        self.iris: dict[str, str] = {
            VOCABULARY_PAGE: ONTOLOGY_IRI,
            **{path: iri for iri, path in release_targets(ontology)},
            SHAPES_PAGE: SHAPES_IRI,
            **{path: iri for iri, path in term_targets(ontology)},
        }

    @property
    def paths(self) -> list[str]:
        return list(self.iris)

    def render(self, path: str, representation: Representation, language: str) -> bytes:
        """The document at `path` (one of `paths`) in `representation`, in `language` for HTML."""
        if representation.syntax is not None:
            return serialize(self._quads(path), representation.syntax, self.renderer.namespaces)
        if path in self.ontology_paths:
            return self._vocabulary_page(path, language).encode()
        if path == SHAPES_PAGE:
            return self._shapes_page(language).encode()
        concept = ox.NamedNode(self.iris[path])
        links = self.concepts.language_links(path)
        return self.concepts.resource(concept, language, language_links=links).encode()

    def _quads(self, path: str) -> ox.Dataset | list[ox.Quad]:
        if path in self.ontology_paths:
            return self.ontology
        if path == SHAPES_PAGE:
            return self.shapes
        return description(self.ontology, ox.NamedNode(self.iris[path]))

    @cached_property
    def sections(self) -> list[Section]:
        return sections(self.renderer, self.ontology, self.renderer.graph)

    @cached_property
    def shape_docs(self) -> list[ShapeDoc]:
        return shape_docs(self.renderer, self.shapes)

    def _vocabulary_page(self, path: str, language: str) -> str:
        """The ontology's page, at its IRI's path or at its `owl:versionIRI`'s."""
        renderer = self.renderer
        ontology = ox.NamedNode(ONTOLOGY_IRI)
        metadata = {
            "iri": ONTOLOGY_IRI,
            "version": [
                lit.value for lit in _literals(self.ontology, ontology, _S["owl"] + "versionInfo")
            ],
            "version_iri": version_iris(self.ontology),
            "description": [
                Text(lit.value, lit.language)
                for lit in _literals(self.ontology, ontology, _S["dcterms"] + "description")
            ],
        }
        jsonld = schema_jsonld(vocabulary_schema_quads(self.ontology, self.sections))
        return renderer.page(
            "vocab_ontology.html",
            language,
            path,
            title=Text(TITLES["vocabulary"][language], language),
            metadata=metadata,
            sections=self.sections,
            model=self.model,
            shapes=renderer.scheme.document_for(SHAPES_IRI),
            alternates=renderer.alternates(self.iris[path]),
            jsonld=embedded_json(jsonld),
        )

    def _shapes_page(self, language: str) -> str:
        renderer = self.renderer
        return renderer.page(
            "vocab_shapes.html",
            language,
            SHAPES_PAGE,
            title=Text(TITLES["shapes"][language], language),
            shapes=self.shape_docs,
            vocabulary=renderer.scheme.document_for(ONTOLOGY_IRI),
            alternates=renderer.alternates(SHAPES_IRI),
            jsonld=embedded_json(schema_jsonld(shapes_schema_quads(self.shape_docs))),
        )


def term_targets(ontology: ox.Dataset) -> list[Target]:
    """Each concept of the ontology with a page of its own (`policy-area/x`) and its path; a
    term named with a fragment (`ontology#LearningCity`) is documented on the vocabulary page."""
    return [
        (node.value, page_path(node.value, PROJECT_ROOT))
        for node in documented_terms(ontology)
        if "#" not in node.value and node.value != ONTOLOGY_IRI
    ]


def page_targets(ontology: ox.Dataset) -> list[Target]:
    """Every document the ontology's IRIs add besides `ontology` and `shapes`, with its path:
    what `publish` checks before writing a file (`site.check_pages`)."""
    return release_targets(ontology) + term_targets(ontology)


def release_targets(ontology: ox.Dataset) -> list[Target]:
    """The ontology's release IRIs (`owl:versionIRI`, `ontology/0.1.0`) under the project's root,
    each documented by the ontology itself, and their paths."""
    return [
        (iri, page_path(iri, PROJECT_ROOT))
        for iri in version_iris(ontology)
        if iri.startswith(PROJECT_ROOT)
    ]


def version_iris(ontology: ox.Dataset) -> list[str]:
    """The ontology's `owl:versionIRI`s: this release's IRI, whose document is the ontology's."""
    wanted = ox.NamedNode(_S["owl"] + "versionIRI")
    return sorted(
        q.object.value
        for q in ontology.quads_for_subject(ox.NamedNode(ONTOLOGY_IRI))
        if q.predicate == wanted and isinstance(q.object, ox.NamedNode)
    )


def _literals(dataset: ox.Dataset, node: ox.NamedNode, predicate: str) -> list[ox.Literal]:
    wanted = ox.NamedNode(predicate)
    return sorted(
        (
            q.object
            for q in dataset.quads_for_subject(node)
            if q.predicate == wanted and isinstance(q.object, ox.Literal)
        ),
        key=lambda lit: (lit.language or "", lit.value),
    )


# -- schema.org descriptions embedded in the documentation pages --------------------------------


def _schema(name: str) -> ox.NamedNode:
    return ox.NamedNode(SCHEMA + name)


def vocabulary_schema_quads(ontology: ox.Dataset, term_sections: list[Section]) -> list[ox.Quad]:
    """The vocabulary as a schema:DefinedTermSet of schema:DefinedTerms (names in en and ko)."""
    node = ox.NamedNode(ONTOLOGY_IRI)
    quads = [ox.Quad(node, RDF_TYPE, _schema("DefinedTermSet"))]
    quads += [
        ox.Quad(node, _schema("name"), ox.Literal(text, language=code))
        for code, text in (("en", TITLES["vocabulary"]["en"]), ("ko", TITLES["vocabulary"]["ko"]))
    ]
    for predicate, target in (
        (_S["dcterms"] + "description", "description"),
        (_S["owl"] + "versionInfo", "version"),
    ):
        quads += [
            ox.Quad(node, _schema(target), lit) for lit in _literals(ontology, node, predicate)
        ]
    for section in term_sections:
        for term in section.terms:
            iri = ox.NamedNode(term.iri)
            quads += [
                ox.Quad(node, _schema("hasDefinedTerm"), iri),
                ox.Quad(iri, RDF_TYPE, _schema("DefinedTerm")),
                ox.Quad(iri, _schema("termCode"), ox.Literal(term.name)),
                ox.Quad(iri, _schema("inDefinedTermSet"), node),
            ]
            quads += [
                ox.Quad(iri, _schema("name"), ox.Literal(t.value, language=t.language))
                for t in term.labels.values()
                if t is not None and t.language
            ]
            quads += [
                ox.Quad(iri, _schema("description"), ox.Literal(t.value, language=t.language))
                for kind, t in term.notes
                if kind == "definition" and t.language
            ]
    return quads


def shapes_schema_quads(docs: list[ShapeDoc]) -> list[ox.Quad]:
    """The shapes as a schema:DefinedTermSet: each shape a term, its messages the description."""
    node = ox.NamedNode(SHAPES_IRI)
    quads = [ox.Quad(node, RDF_TYPE, _schema("DefinedTermSet"))]
    quads += [
        ox.Quad(node, _schema("name"), ox.Literal(TITLES["shapes"][code], language=code))
        for code in LANGUAGES
    ]
    for doc in docs:
        iri = ox.NamedNode(doc.iri)
        quads += [
            ox.Quad(node, _schema("hasDefinedTerm"), iri),
            ox.Quad(iri, RDF_TYPE, _schema("DefinedTerm")),
            ox.Quad(iri, _schema("termCode"), ox.Literal(doc.name)),
        ]
        quads += [
            ox.Quad(iri, _schema("description"), ox.Literal(m.value, language=m.language))
            for m in doc.messages
            if m.language
        ]
    return quads


def schema_jsonld(quads: list[ox.Quad]) -> bytes:
    context = Context(SCHEMA_CONTEXT, vocab=SCHEMA)
    return dumps(to_jsonld(quads, context))
