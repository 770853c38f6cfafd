"""The whole site as a stream of relative paths and their bytes, made from the inputs alone.

Nothing here reads the clock or writes a file: `build_site` is a pure function of the data, the
ontology, the shapes, the validation outcome and the base, which is what makes two publishes of the
same data byte-identical. `learningcity.publish.swap` writes the files as they come.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pyoxigraph as ox

from learningcity.blanknodes import refuse_tangles, tangles_in
from learningcity.errors import InputError
from learningcity.jsonld import Context, dumps, to_jsonld
from learningcity.namespaces import ONTOLOGY_IRI, STANDARD_PREFIXES, prefixes
from learningcity.publish import documents, hosting, rendering
from learningcity.publish.documents import (
    PROJECT_ROOT,
    Files,
    Gate,
    Target,
    html_name,
    language_links,
    resource_names,
    resource_targets,
)
from learningcity.publish.shapes import ShapeDoc, shape_docs
from learningcity.publish.vocabulary import Section, documented_terms, sections
from learningcity.serialize import serialize
from learningcity.server.app import STATIC_DIR, example_queries
from learningcity.server.describe import check_documents
from learningcity.server.iris import IriScheme, page_path, shown
from learningcity.server.labels import LANGUAGES, Text
from learningcity.server.pages import PageRenderer, embedded_json
from learningcity.server.representations import REPRESENTATIONS

_S = STANDARD_PREFIXES
SCHEMA = _S["schema"]
#: As `learningcity embed`: schema.org terms by `@vocab`, no remote context to fetch.
SCHEMA_CONTEXT = {"@vocab": SCHEMA}
RDF_TYPE = ox.NamedNode(_S["rdf"] + "type")
VOCABULARY_PAGE = "ontology"
SHAPES_PAGE = "shapes"
TITLES = {
    "vocabulary": {"en": "The learningcity vocabulary", "ko": "learningcity 어휘"},
    "shapes": {"en": "The learningcity shapes", "ko": "learningcity 형태 제약"},
    "sparql": {"en": "Querying this data", "ko": "이 데이터 질의하기"},
}


@dataclass(frozen=True)
class Inputs:
    """Everything a site is made of; `data` is already under the publishing base."""

    data: ox.Dataset
    ontology: ox.Dataset
    shapes: ox.Dataset
    scheme: IriScheme
    data_base: str
    gate: Gate
    model_svg: bytes | None = None


class SiteRenderer(PageRenderer):
    """The server's renderer plus the pages only a static site has (same templates, same base)."""

    def alternates(self, thing: str) -> list[dict[str, str]]:
        """As the server's, but a folder IRI's HTML is its `index.html` (a static host's rule)."""
        rows = super().alternates(thing)
        return [
            {**row, "href": row["href"][: -len(".html")] + "index.html"}
            if row["href"].endswith("/.html")
            else row
            for row in rows
        ]

    def page(self, template: str, language: str, path: str, **context: object) -> str:
        return self._page(template, language, language_links(self.scheme.root, path), **context)


def build_site(
    inputs: Inputs, *, workers: int = 1, step: Callable[[str], None] = lambda _stage: None
) -> Iterator[tuple[str, bytes]]:
    """Each file of the site as it is made: its path and content.

    A stream rather than a mapping: at network size the site is gigabytes, and only the file names
    are needed to the end (for the sitemap and the hosts' configuration). Resource pages are
    rendered over `workers` processes (`learningcity.publish.rendering`).
    """
    scheme = inputs.scheme
    make_renderer = partial(site_renderer, scheme, inputs.data_base, inputs.gate.notice)
    renderer = make_renderer(inputs.data, inputs.ontology)
    names: set[str] = set()

    def made(files: Files) -> Iterator[tuple[str, bytes]]:
        for name in files:
            contained(name)
        names.update(files)
        yield from files.items()

    pages = rendering.resource_pages(
        renderer, make_renderer, inputs.ontology, workers=workers, step=step
    )
    for files in pages:
        yield from made(files)
    step("writing the vocabulary, the dumps and the index pages")
    yield from made(vocabulary_files(inputs, renderer))
    dump_files = documents.dumps(inputs.data)
    yield from made(dump_files)
    yield from made(documents.context_files(scheme))
    description = documents.description_quads(inputs.data, scheme, dump_files, inputs.gate)
    yield from made(documents.description_files(description, scheme))
    yield from made(
        {"validation.ttl": inputs.gate.report_turtle, "validation.txt": inputs.gate.report_text}
    )
    yield from made(_static_files())
    if inputs.model_svg is not None:
        yield from made({"model.svg": inputs.model_svg})
    for language in LANGUAGES:
        index = _index(renderer, language, inputs).encode()
        sparql = _sparql_page(renderer, language).encode()
        yield from made(
            {html_name("index", language): index, html_name("sparql", language): sparql}
        )
    yield from made({"sitemap.xml": documents.sitemap(documents.page_urls(names, scheme.root))})
    yield from made({"robots.txt": documents.robots(scheme.root)})
    yield from made(hosting.host_configs(scheme, sorted(names)))


#: The longest file name, in bytes, of Linux and macOS file systems (Windows: 255 UTF-16 units).
NAME_MAX = 255
#: The longest path of a file in the site, in bytes: a quarter of Linux's PATH_MAX (4,096), so
#: that the site can be written and copied under any reasonable folder.
PATH_MAX = 1024


def check_pages(data: ox.Dataset, ontology: ox.Dataset, scheme: IriScheme, data_base: str) -> None:
    """Refuse (InputError, one line), before anything is written, a site that could not be
    written whole or served: blank nodes too tangled to label (`check_documents`), an IRI no
    page can be written for (`page_path`), a base no host
    configuration can carry (`hosting.prefix_of`, `hosting.host_of`), a file name over
    `NAME_MAX` bytes or a path over `PATH_MAX`, two pages that would be one file (the same
    name, or names that differ only by case or Unicode normalization, which macOS and Windows
    file systems do not tell apart), or one page's file where another's folder must be.

    `data` is not yet moved under `scheme.base`: its IRIs under `data_base` get the pages they
    will have there, and a refusal names the IRI as the data writes it.
    """
    hosting.prefix_of(scheme)
    hosting.host_of(scheme)
    check_documents(data)
    with tangles_in("--ontology"):
        refuse_tangles(list(ontology))
    targets = term_targets(ontology) + resource_targets(data, scheme)
    if data_base != scheme.base:
        targets += resource_targets(data, IriScheme.for_base(data_base))
    pages: dict[str, str] = {}  # one page per path: an IRI and its rebased twin are one page
    for iri, path in targets:
        pages.setdefault(path, iri)
    _check_names([(iri, path) for path, iri in pages.items()])


def _check_names(targets: list[Target]) -> None:
    owners: dict[str, str] = {}  # a file's name as a case-insensitive system sees it -> its IRI
    folders: dict[str, str] = {}  # the same for folders
    for iri, path in targets:
        for name in resource_names(path):
            too_long = len(name.encode()) > PATH_MAX
            if too_long or any(len(part.encode()) > NAME_MAX for part in name.split("/")):
                what = f"path over {PATH_MAX}" if too_long else f"file name over {NAME_MAX}"
                raise InputError(
                    f"{shown(iri)}: its page would have a {what} bytes, more than file systems "
                    "allow; mint a shorter IRI"
                )
            key = _file_key(name)
            other = owners.setdefault(key, iri)
            if other != iri:
                raise InputError(
                    f"{shown(iri)} and {shown(other)}: their pages would be one file, "
                    f"{shown(name)} (names that differ only by case are one file on macOS "
                    "and Windows); mint IRIs that differ otherwise"
                )
            folder = key.rpartition("/")[0]
            while folder and folder not in folders:  # a known folder's parents are known
                folders[folder] = iri
                folder = folder.rpartition("/")[0]
    for key, iri in owners.items():
        if key in folders:
            raise InputError(
                f"{shown(iri)} and {shown(folders[key])}: the first's page is a file where "
                "the second's page needs a folder; mint IRIs that do not extend another's "
                "file name"
            )


def _file_key(name: str) -> str:
    """`name` as a case-insensitive, normalization-insensitive file system compares it."""
    return name.lower() if name.isascii() else unicodedata.normalize("NFC", name).lower()


def contained(name: str) -> None:
    """Refuse (InputError) `name` unless it is a path of plain segments, which stays inside
    whatever folder it is joined to. The last guard before a file is written: the site's staging
    folder is new and holds no link, so a plain relative path resolves inside it."""
    if "\\" in name or "\0" in name or any(part in ("", ".", "..") for part in name.split("/")):
        raise InputError(f"refusing to write {shown(name)!r}: it would leave the site folder")


def site_renderer(
    scheme: IriScheme, data_base: str, notice: str | None, data: ox.Dataset, ontology: ox.Dataset
) -> SiteRenderer:
    """The renderer of every page of a site (made the same way in each worker)."""
    queries = example_queries(scheme, data_base)
    return SiteRenderer(data, scheme, ontology, queries, notice=notice)


def _static_files() -> Files:
    return {f"static/{p.name}": p.read_bytes() for p in sorted(STATIC_DIR.iterdir()) if p.is_file()}


def _downloads(root: str) -> list[dict[str, str]]:
    rows = [
        {"label": r.label, "href": f"{root}{documents.DUMP_STEM}.{r.extension}"}
        for r in REPRESENTATIONS
        if r.syntax is not None
    ]
    return [*rows, *({"label": f"{r['label']} (gzip)", "href": r["href"] + ".gz"} for r in rows)]


def _index(renderer: SiteRenderer, language: str, inputs: Inputs) -> str:
    root = inputs.scheme.root
    return renderer.index(
        language,
        language_links(root, ""),
        template="site_index.html",
        downloads=_downloads(root),
        vocabulary=root + VOCABULARY_PAGE,
        shapes=root + SHAPES_PAGE,
        context=root + "context/learningcity.jsonld",
        description_href=root + ".well-known/void",
        validation=root + "validation.txt",
        validated=inputs.gate.conforms,
    )


def _sparql_page(renderer: SiteRenderer, language: str) -> str:
    root = renderer.scheme.root
    return renderer.page(
        "site_sparql.html",
        language,
        "sparql",
        title=Text(TITLES["sparql"][language], language),
        queries=renderer.queries,
        downloads=_downloads(root),
        alternates=[],
    )


# -- vocabulary and shapes ----------------------------------------------------------------------


def vocabulary_files(inputs: Inputs, renderer: SiteRenderer) -> Files:
    """The vocabulary and shapes pages, their RDF, and a page per concept of the ontology."""
    vocab_renderer = SiteRenderer(
        inputs.ontology, inputs.scheme, inputs.ontology, notice=renderer.notice
    )
    vocab_renderer.labels = renderer.labels  # labels of data terms too (examples, incoming)
    files: Files = {}
    term_sections = sections(renderer, inputs.ontology, inputs.data)
    docs = shape_docs(renderer, inputs.shapes)
    namespaces = prefixes(inputs.scheme.base)
    for representation in REPRESENTATIONS:
        if representation.syntax is not None:
            ext = representation.extension
            files[f"{VOCABULARY_PAGE}.{ext}"] = serialize(
                inputs.ontology, representation.syntax, namespaces
            )
            files[f"{SHAPES_PAGE}.{ext}"] = serialize(
                inputs.shapes, representation.syntax, namespaces
            )
    for language in LANGUAGES:
        page = _vocabulary_page(renderer, language, inputs, term_sections)
        files[html_name(VOCABULARY_PAGE, language)] = page.encode()
        page = _shapes_page(renderer, language, docs)
        files[html_name(SHAPES_PAGE, language)] = page.encode()
    for iri, path in term_targets(inputs.ontology):
        files.update(documents.resource_files(vocab_renderer, iri, path))
    return files


def term_targets(ontology: ox.Dataset) -> list[Target]:
    """Each concept of the ontology with a page of its own (`policy-area/x`) and its path; a
    term named with a fragment (`ontology#LearningCity`) is documented on the vocabulary page."""
    return [
        (node.value, page_path(node.value, PROJECT_ROOT))
        for node in documented_terms(ontology)
        if "#" not in node.value and node.value != ONTOLOGY_IRI
    ]


def _alternates(root: str, stem: str) -> list[dict[str, str]]:
    return [
        {"label": r.label, "href": f"{root}{stem}.{r.extension}", "media_type": r.media_type}
        for r in REPRESENTATIONS
    ]


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


def _vocabulary_page(
    renderer: SiteRenderer, language: str, inputs: Inputs, term_sections: list[Section]
) -> str:
    root = inputs.scheme.root
    ontology = ox.NamedNode(ONTOLOGY_IRI)
    metadata = {
        "iri": ONTOLOGY_IRI,
        "version": [
            lit.value for lit in _literals(inputs.ontology, ontology, _S["owl"] + "versionInfo")
        ],
        "version_iri": [
            q.object.value
            for q in inputs.ontology.quads_for_subject(ontology)
            if q.predicate.value == _S["owl"] + "versionIRI"
        ],
        "description": [
            Text(lit.value, lit.language)
            for lit in _literals(inputs.ontology, ontology, _S["dcterms"] + "description")
        ],
    }
    jsonld = vocabulary_jsonld(inputs.ontology, term_sections, renderer)
    return renderer.page(
        "vocab_ontology.html",
        language,
        VOCABULARY_PAGE,
        title=Text(TITLES["vocabulary"][language], language),
        metadata=metadata,
        sections=term_sections,
        model=root + "model.svg" if inputs.model_svg is not None else None,
        shapes=root + SHAPES_PAGE,
        alternates=_alternates(root, VOCABULARY_PAGE),
        jsonld=embedded_json(jsonld),
    )


def _shapes_page(renderer: SiteRenderer, language: str, docs: list[ShapeDoc]) -> str:
    root = renderer.scheme.root
    return renderer.page(
        "vocab_shapes.html",
        language,
        SHAPES_PAGE,
        title=Text(TITLES["shapes"][language], language),
        shapes=docs,
        vocabulary=root + VOCABULARY_PAGE,
        alternates=_alternates(root, SHAPES_PAGE),
        jsonld=embedded_json(shapes_jsonld(docs)),
    )


# -- schema.org descriptions embedded in the documentation pages --------------------------------


def _schema(name: str) -> ox.NamedNode:
    return ox.NamedNode(SCHEMA + name)


def vocabulary_schema_quads(
    ontology: ox.Dataset, term_sections: list[Section], renderer: PageRenderer
) -> list[ox.Quad]:
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
    node = ox.NamedNode(PROJECT_ROOT + SHAPES_PAGE)
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


def vocabulary_jsonld(
    ontology: ox.Dataset, term_sections: list[Section], renderer: PageRenderer
) -> bytes:
    return schema_jsonld(vocabulary_schema_quads(ontology, term_sections, renderer))


def shapes_jsonld(docs: list[ShapeDoc]) -> bytes:
    return schema_jsonld(shapes_schema_quads(docs))


def read_model_svg(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None
