"""The whole site, made from the inputs alone and written into its staging folder.

Nothing here reads the clock: `build_site` writes a pure function of the data, the ontology, the
shapes, the validation outcome and the base, which is what makes two publishes of the same data
byte-identical. `learningcity.publish.swap` gives the folder and swaps it in once complete.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

import pyoxigraph as ox

from learningcity.blanknodes import refuse_tangles, tangles_in
from learningcity.errors import InputError
from learningcity.publish import documents, hosting, rendering
from learningcity.publish.documents import (
    Files,
    Gate,
    Target,
    alternate_name,
    html_name,
    language_links,
    page_name,
    resource_names,
    resource_targets,
)
from learningcity.publish.swap import SiteFolder
from learningcity.publish.vocabulary_documents import (
    SHAPES_PAGE,
    VOCABULARY_PAGE,
    VocabularyDocuments,
    page_targets,
)
from learningcity.rendering import network
from learningcity.rendering.describe import check_documents
from learningcity.rendering.iris import IriScheme, shown
from learningcity.rendering.labels import LANGUAGES, Text
from learningcity.rendering.pages import STATIC_DIR, PageRenderer, example_queries
from learningcity.rendering.representations import REPRESENTATIONS
from learningcity.rendering.statements import Statements

SPARQL_TITLE = {"en": "Querying this data", "ko": "이 데이터 질의하기"}


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

    def language_links(self, path: str) -> Mapping[str, str]:
        """A page's translations are files of their own: `x.html`, `x.ko.html`."""
        return language_links(self.scheme.root, path)

    def href_in(self, path: str, language: str) -> str:
        """A page in `language` is a file of its own, which every host serves as it is."""
        return language_links(self.scheme.root, path)[language]


def build_site(
    inputs: Inputs,
    folder: SiteFolder,
    *,
    workers: int = 1,
    step: Callable[[str], None] = lambda _stage: None,
) -> None:
    """Write each file of the site into `folder` as it is made.

    At network size the site is gigabytes: no file is kept once written, and only the names are
    kept to the end (for the sitemap and the hosts' configuration). Resource pages and the dumps
    are made and written over `workers` processes (`learningcity.publish.rendering`).
    """
    scheme = inputs.scheme
    make_renderer = partial(site_renderer, scheme, inputs.data_base, inputs.gate.notice)
    renderer = make_renderer(inputs.data, inputs.ontology)
    dump_sizes = rendering.resource_pages(
        renderer, make_renderer, inputs.ontology, folder, workers=workers, step=step
    )
    step("writing the vocabulary and the index pages")
    folder.write(vocabulary_files(inputs, renderer))
    folder.write(documents.context_files(scheme))
    description = documents.description_quads(inputs.data, scheme, dump_sizes, inputs.gate)
    folder.write(documents.description_files(description, scheme))
    folder.write(
        {"validation.ttl": inputs.gate.report_turtle, "validation.txt": inputs.gate.report_text}
    )
    folder.write(_static_files())
    if inputs.model_svg is not None:
        folder.write({"model.svg": inputs.model_svg})
    for language in LANGUAGES:
        index = _index(renderer, language, inputs).encode()
        sparql = _sparql_page(renderer, language).encode()
        folder.write({html_name("index", language): index, html_name("sparql", language): sparql})
        folder.write(
            {
                html_name(network.FOLDER + name, language): renderer.network_page(
                    name, language
                ).encode()
                for name in network.INDEXES
            }
        )
    urls = documents.page_urls(folder.names, scheme.root)
    folder.write({"sitemap.xml": documents.sitemap(urls)})
    folder.write({"robots.txt": documents.robots(scheme.root)})
    folder.write(hosting.host_configs(scheme, sorted(folder.names)))


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
    targets = page_targets(ontology) + resource_targets(data, scheme)
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


def site_renderer(
    scheme: IriScheme, data_base: str, notice: str | None, data: Statements, ontology: ox.Dataset
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
        title=Text(SPARQL_TITLE[language], language),
        queries=renderer.queries,
        downloads=_downloads(root),
        alternates=[],
    )


# -- vocabulary and shapes ----------------------------------------------------------------------


def vocabulary_files(inputs: Inputs, renderer: SiteRenderer) -> Files:
    """The vocabulary and shapes pages, their RDF, and a page per concept of the ontology."""
    model = inputs.scheme.root + "model.svg" if inputs.model_svg is not None else None
    docs = VocabularyDocuments(renderer, inputs.ontology, inputs.shapes, model)
    files: Files = {}
    for path in docs.paths:
        for representation in REPRESENTATIONS:
            if representation.syntax is None:
                for language in LANGUAGES:
                    files[page_name(path, language)] = docs.render(path, representation, language)
            else:
                name = alternate_name(path, representation.syntax)
                files[name] = docs.render(path, representation, LANGUAGES[0])
    return files
