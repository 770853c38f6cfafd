"""The data part of the site: a page and every RDF alternate per resource, the dataset's dumps,
its DCAT/VoID description, the index, the query placeholder, sitemap.xml and robots.txt.

Every file is made in memory from the data alone (no clock, no environment), so two publishes of
the same data give the same bytes. File names follow the IRIs: the document about a thing
`{root}id/K/X` is `{root}doc/K/X`, written as `doc/K/X.html` (English), `doc/K/X.ko.html`
(Korean) and `doc/K/X.ttl`, `.nt`, ... (the server's `{doc}.{ext}` alternates).
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from learningcity import __version__
from learningcity.export import export
from learningcity.formats import RdfSyntax
from learningcity.jsonld import CONTEXT_PATH, hosted_context
from learningcity.namespaces import SHAPES_IRI, STANDARD_PREFIXES, prefixes
from learningcity.rendering.describe import dataset_node, described
from learningcity.rendering.iris import IriScheme, index_stem, representation_url
from learningcity.rendering.labels import LANGUAGES
from learningcity.rendering.pages import PageRenderer
from learningcity.rendering.representations import REPRESENTATIONS, SERVED_SYNTAXES
from learningcity.rendering.statements import Statements
from learningcity.rendering.void import void_quads
from learningcity.serialize import serialize, serialize_each
from learningcity.terms import RDF_TYPE

DUMP_STEM = "dump/data"
_S = STANDARD_PREFIXES
_DCAT = _S["dcat"]
_DCT = _S["dcterms"]
_VOID = _S["void"]
_IANA = "https://www.iana.org/assignments/media-types/"

Files = dict[str, bytes]
#: An IRI with a page, and the path of that page in the site (`doc/city/x`).
Target = tuple[str, str]


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def html_name(stem: str, language: str) -> str:
    """`stem.html` for the first language, `stem.ko.html` for the others."""
    return f"{stem}.html" if language == LANGUAGES[0] else f"{stem}.{language}.html"


def language_links(root: str, path: str) -> dict[str, str]:
    """Each translation of the page at `path` (static files, not `?lang=`)."""
    return {code: root + html_name(index_stem(path), code) for code in LANGUAGES}


@dataclass(frozen=True)
class Gate:
    """What validation said, as the site shows it: a banner and metadata when not validated."""

    conforms: bool
    violations: int
    report_turtle: bytes
    report_text: bytes

    @property
    def notice(self) -> str | None:
        if self.conforms:
            return None
        return (
            f"Not validated: published with --force although the data has {self.violations} "
            "violation(s) of the shapes; see validation.txt."
        )


def page_name(path: str, language: str) -> str:
    """The HTML file of the page at `path` in `language`."""
    return html_name(index_stem(path), language)


def alternate_name(path: str, syntax: RdfSyntax) -> str:
    """The file of the RDF alternate in `syntax` of the page at `path`."""
    return representation_url(path, syntax.extension)


def resource_names(path: str) -> list[str]:
    """Every file `resource_files` writes for the page at `path`."""
    return [page_name(path, code) for code in LANGUAGES] + [
        alternate_name(path, syntax) for syntax in SERVED_SYNTAXES
    ]


def resource_files(renderer: PageRenderer, iri: str, path: str) -> Files:
    """The page (each language) and every RDF alternate of one resource at `path`."""
    about = described(renderer.graph, _n(iri))
    bodies = serialize_each(about.quads, SERVED_SYNTAXES, renderer.namespaces)
    jsonld = renderer.embedded(about, bodies["jsonld"])  # each page embeds the JSON-LD alternate
    files: Files = {}
    links = language_links(renderer.scheme.root, path)
    for language in LANGUAGES:
        page = renderer.resource_page(about, language, jsonld, language_links=links)
        files[page_name(path, language)] = page.encode("utf-8")
    for syntax in SERVED_SYNTAXES:
        files[alternate_name(path, syntax)] = bodies[syntax.name]
    return files


def local_resources(graph: Statements, scheme: IriScheme) -> list[str]:
    """Every IRI under the base that the data mentions as subject or object (as the server)."""
    iris = {
        term.value
        for quad in graph
        for term in (quad.subject, quad.object)
        if isinstance(term, ox.NamedNode) and term.value.startswith(scheme.base)
    }
    return sorted(iris)


def resource_targets(graph: Statements, scheme: IriScheme) -> list[Target]:
    """Each local resource's IRI and the path of its page (`IriScheme.page_of`, which refuses
    an IRI no page can be written for)."""
    return [(iri, scheme.page_of(iri)) for iri in local_resources(graph, scheme)]


def _flat(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    return list(dict.fromkeys(ox.Quad(q.subject, q.predicate, q.object) for q in quads))


def dump_files(quads: Iterable[ox.Quad], syntax: RdfSyntax) -> Files:
    """The whole dataset in `syntax`, plain and gzipped (gzip with no time stamp); syntaxes
    without named graphs get the union of the graphs, made as the statements are read (not
    from a list of them too: a million statements at network size). Each syntax is then tens
    of megabytes and seconds of work: workers make and write one each
    (`learningcity.publish.rendering`)."""
    body = export(list(quads) if syntax.holds_datasets else _flat(quads), syntax)
    name = f"{DUMP_STEM}.{syntax.extension}"
    return {name: body, name + ".gz": gzip.compress(body, compresslevel=9, mtime=0)}


def context_files(scheme: IriScheme) -> Files:
    """The JSON-LD context, under its short name and at `context_iri(root)`, the IRI that a
    document naming the published context names once moved under the site's base."""
    body = hosted_context(scheme.base)
    return {"context/learningcity.jsonld": body, CONTEXT_PATH: body}


def _distribution(
    root: str, node: ox.NamedNode, syntax: RdfSyntax, sizes: Mapping[str, int], gz: bool
) -> list[ox.Quad]:
    name = f"{DUMP_STEM}.{syntax.extension}" + (".gz" if gz else "")
    dist = _n(root + name)
    size = ox.Literal(str(sizes[name]), datatype=_n(_S["xsd"] + "nonNegativeInteger"))
    title = f"{syntax.label} dump" + (", gzipped" if gz else "")
    quads = [
        ox.Quad(node, _n(_DCAT + "distribution"), dist),
        ox.Quad(node, _n(_VOID + "dataDump"), dist),
        ox.Quad(dist, RDF_TYPE, _n(_DCAT + "Distribution")),
        ox.Quad(dist, _n(_DCAT + "downloadURL"), dist),
        ox.Quad(dist, _n(_DCAT + "mediaType"), _n(_IANA + syntax.media_type)),
        ox.Quad(dist, _n(_DCAT + "byteSize"), size),
        ox.Quad(dist, _n(_DCT + "title"), ox.Literal(title, language="en")),
    ]
    if gz:
        quads.append(ox.Quad(dist, _n(_DCAT + "compressFormat"), _n(_IANA + "application/gzip")))
    return quads


def description_quads(
    graph: ox.Dataset, scheme: IriScheme, dump_sizes: Mapping[str, int], gate: Gate
) -> list[ox.Quad]:
    """VoID (as the server's /.well-known/void, without the SPARQL endpoint a static site lacks)
    plus a DCAT distribution per dump (`dump_sizes`: each dump file's name and bytes), and what
    validation said."""
    endpoint = _n(_VOID + "sparqlEndpoint")
    quads = [q for q in void_quads(graph, scheme) if q.predicate != endpoint]
    node = dataset_node(graph) or _n(scheme.root + ".well-known/void#dataset")
    for syntax in SERVED_SYNTAXES:
        for gz in (False, True):
            quads += _distribution(scheme.root, node, syntax, dump_sizes, gz)
    quads.append(ox.Quad(node, _n(_S["rdfs"] + "seeAlso"), _n(scheme.root + "validation.ttl")))
    if gate.conforms:
        quads.append(ox.Quad(node, _n(_DCT + "conformsTo"), _n(SHAPES_IRI)))
    else:
        note = ox.Literal(gate.notice or "", language="en")
        quads.append(ox.Quad(node, _n(_S["skos"] + "editorialNote"), note))
    return quads


def description_files(quads: list[ox.Quad], scheme: IriScheme) -> Files:
    namespaces = prefixes(scheme.base)
    return {
        f".well-known/void.{r.extension}": serialize(quads, r.syntax, namespaces)
        for r in REPRESENTATIONS
        if r.syntax is not None
    }


def sitemap(urls: Iterable[str]) -> bytes:
    entries = "".join(f"<url><loc>{_xml_escape(u)}</loc></url>\n" for u in sorted(set(urls)))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}</urlset>\n"
    ).encode()


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def robots(root: str) -> bytes:
    return f"User-agent: *\nAllow: /\nSitemap: {root}sitemap.xml\n".encode()


def page_urls(names: Iterable[str], root: str) -> list[str]:
    """The canonical (extension-less, first-language) URL of every HTML page of the site."""
    urls = []
    for name in names:
        if not name.endswith(".html") or any(name.endswith(f".{c}.html") for c in LANGUAGES[1:]):
            continue
        stem = name[: -len(".html")]
        urls.append(root + (stem[: -len("index")] if stem.endswith("index") else stem))
    return urls


def generator_note() -> str:
    return f"learningcity {__version__}"
