"""The published site, read as a crawler and as a linked-data client read it: every internal link
resolves, every page is valid HTML5, every page's JSON-LD is the RDF it claims to be, and the
dataset description, dumps, sitemap and robots.txt are consistent with each other."""

from __future__ import annotations

import gzip
import os
import stat
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from urllib.parse import urldefrag, urljoin

import extruct
import html5lib
import pyoxigraph as ox
import pytest
from pyld import jsonld

from learningcity.load import load_paths
from learningcity.namespaces import DEFAULT_DATA_BASE
from learningcity.publish.documents import local_resources
from learningcity.rendering.describe import description
from learningcity.rendering.iris import IriScheme
from learningcity.rendering.representations import REPRESENTATIONS
from rdfcompare import canonical
from support import REPO

DATA = REPO / "data" / "yongsan.ttl"
ROOT = IriScheme.for_base(DEFAULT_DATA_BASE).root

XHTML = "{http://www.w3.org/1999/xhtml}"
LINKING = {"a": "href", "link": "href", "img": "src", "script": "src", "form": "action"}


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def parse_strict(path: Path) -> ET.Element:
    """html5lib in strict mode raises on the first parse error (HTML5 conformance of syntax)."""
    parser = html5lib.HTMLParser(strict=True, tree=html5lib.getTreeBuilder("etree"))
    return parser.parse(path.read_bytes())


def page_url(site: Path, path: Path) -> str:
    return ROOT + path.relative_to(site).as_posix()


def target_file(site: Path, url: str) -> Path | None:
    """The file a static host serves for an internal URL (as the generated configs do)."""
    path = url[len(ROOT) :].split("?", 1)[0]
    candidates = [path, f"{path}.html", f"{path}.ttl", f"{path}index.html", f"{path}/index.html"]
    for candidate in candidates:
        file = site / candidate
        if candidate and file.is_file():
            return file
    return site / "index.html" if path == "" else None


@cache
def ids_of(path: Path) -> frozenset[str]:
    return frozenset(e.get("id") for e in parse_strict(path).iter() if e.get("id"))


def links(site: Path, path: Path) -> list[str]:
    base = page_url(site, path)
    found = []
    for element in parse_strict(path).iter():
        attribute = LINKING.get(element.tag.removeprefix(XHTML))
        if attribute and element.get(attribute) is not None:
            found.append(urljoin(base, element.get(attribute)))
    return found


def test_every_page_is_html5_without_parse_errors(site):
    checked = pages(site)
    assert len(checked) > 80
    for path in checked:
        parse_strict(path)  # raises html5lib.html5parser.ParseError


def test_every_internal_link_resolves(site):
    broken = []
    checked = 0
    for path in pages(site):
        for url in links(site, path):
            if not url.startswith(ROOT):
                continue
            checked += 1
            address, fragment = urldefrag(url)
            target = target_file(site, address)
            if target is None:
                broken.append(f"{path.relative_to(site)} -> {url}")
            elif fragment and target.suffix == ".html" and fragment not in ids_of(target):
                broken.append(f"{path.relative_to(site)} -> {url} (no #{fragment})")
    assert checked > 1000
    assert broken == []


@cache
def graph() -> ox.Dataset:
    return load_paths(DATA)


def embedded(path: Path, url: str) -> list[ox.Quad]:
    """The statements of every JSON-LD block extruct finds in the page."""
    blocks = extruct.extract(path.read_text(encoding="utf-8"), base_url=url, syntaxes=["json-ld"])
    quads = []
    for block in blocks["json-ld"]:
        nquads = jsonld.to_rdf(block, {"format": "application/n-quads"})
        quads += ox.parse(nquads.encode(), format=ox.RdfFormat.N_QUADS)
    return quads


def test_each_resource_page_embeds_its_own_description(site):
    """Every resource page, the city's included, embeds the resource's description (the same
    statements as its .ttl alternate), not the schema.org mapping `learningcity embed` prints."""
    scheme = IriScheme.for_base(ROOT + "id/")
    resources = local_resources(graph(), scheme)
    assert len(resources) > 30
    for iri in resources:
        doc = scheme.doc_for(iri)
        for name in (f"{doc}.html", f"{doc}.ko.html"):
            path = site / name[len(ROOT) :]
            expected = description(graph(), ox.NamedNode(iri))
            assert canonical(embedded(path, name), double_values=True) == canonical(
                expected, double_values=True
            ), name


def test_resource_alternates_are_its_description_in_every_syntax(site):
    city = "id/city/kr-yongsan-gu"
    expected = canonical(description(graph(), ox.NamedNode(ROOT + city)))
    for representation in REPRESENTATIONS:
        if representation.syntax is None:
            continue
        body = (site / f"doc/city/kr-yongsan-gu.{representation.extension}").read_bytes()
        quads = ox.parse(body, format=representation.syntax.oxigraph, base_iri=ROOT)
        assert canonical(quads) == expected, representation.name


def test_pages_link_their_alternates(site):
    page = (site / "doc/city/kr-yongsan-gu.html").read_text(encoding="utf-8")
    for representation in REPRESENTATIONS:
        href = f"{ROOT}doc/city/kr-yongsan-gu.{representation.extension}"
        assert f'<link rel="alternate" type="{representation.media_type}" href="{href}">' in page
        assert f'href="{href}"' in page.split("<main", 1)[1]


def test_vocabulary_page_embeds_the_schema_org_description_of_every_term(site):
    """The vocabulary page's JSON-LD is a schema:DefinedTermSet whose terms carry the English and
    Korean labels of the ontology (its mapping to schema.org, not the ontology's own RDF)."""
    ontology = load_paths(site / "ontology.ttl")
    quads = embedded(site / "ontology.html", ROOT + "ontology")
    schema = "https://schema.org/"
    terms = {q.object for q in quads if q.predicate.value == schema + "hasDefinedTerm"}
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    labelled = {q.subject for q in ontology.quads_for_predicate(label)}
    assert labelled <= terms
    names = {(q.subject, q.object) for q in quads if q.predicate.value == schema + "name"}
    for q in ontology.quads_for_predicate(label):
        assert (q.subject, q.object) in names


def test_vocabulary_page_documents_every_term_with_both_labels(site):
    page = (site / "ontology.html").read_text(encoding="utf-8")
    assert 'id="LearningCity"' in page and 'id="hasGoodPractice"' in page
    assert "학습도시" in page and "learning city" in page
    assert "Domain" in page and "Range" in page and "Examples from the data" in page
    shapes = (site / "shapes.html").read_text(encoding="utf-8")
    assert "Requires" in shapes and "violation (blocks publishing)" in shapes
    assert "at least 1 value(s)" in shapes


def test_dumps_in_every_syntax_plain_and_gzipped_hold_the_data(site):
    expected = canonical(graph())
    for representation in REPRESENTATIONS:
        if representation.syntax is None:
            continue
        plain = (site / f"dump/data.{representation.extension}").read_bytes()
        assert (
            gzip.decompress((site / f"dump/data.{representation.extension}.gz").read_bytes())
            == plain
        )
        if representation.syntax.name == "jsonld":
            continue  # names the published context by IRI; read back in tests/test_export.py
        quads = ox.parse(plain, format=representation.syntax.oxigraph)
        assert canonical(quads) == expected, representation.name


def test_description_lists_every_distribution_with_its_size(site):
    description_graph = ox.Dataset(
        ox.parse((site / ".well-known/void.ttl").read_bytes(), format=ox.RdfFormat.TURTLE)
    )
    dcat = "http://www.w3.org/ns/dcat#"
    sizes = {
        q.subject.value: int(q.object.value)
        for q in description_graph
        if q.predicate.value == dcat + "byteSize"
    }
    dumps = sorted((site / "dump").iterdir())
    assert len(dumps) == 12
    assert sizes == {ROOT + f"dump/{p.name}": p.stat().st_size for p in dumps}
    conforms = [q for q in description_graph if q.predicate.value.endswith("/conformsTo")]
    assert any(q.object.value == ROOT + "shapes" for q in conforms)


def test_sitemap_and_robots(site):
    tree = ET.fromstring((site / "sitemap.xml").read_bytes())
    urls = [e.text for e in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert ROOT in urls and ROOT + "doc/city/kr-yongsan-gu" in urls and ROOT + "ontology" in urls
    assert all(target_file(site, url) is not None for url in urls)
    assert (
        site / "robots.txt"
    ).read_text() == f"User-agent: *\nAllow: /\nSitemap: {ROOT}sitemap.xml\n"


def test_the_context_is_published_under_its_iri(site):
    from learningcity.jsonld import CONTEXT_IRI, hosted_context

    context = (site / CONTEXT_IRI[len(ROOT) :]).read_bytes()
    assert context == (site / "context/learningcity.jsonld").read_bytes()
    assert context == hosted_context(), "at the project's base, the bundled file"


@pytest.mark.parametrize(
    "name",
    [
        ".htaccess",
        "_redirects",
        "_headers",
        "_hosting/Caddyfile",
        "_hosting/nginx/http.conf",
        "_hosting/nginx/server.conf",
        "_hosting/nginx/site.conf",
    ],
)
def test_host_configuration_is_generated(site, name):
    text = (site / name).read_text()
    assert text.startswith("# Generated by `learningcity publish`")


def test_files_and_folders_get_the_umasks_permissions_for_a_web_server_to_read(site):
    umask = os.umask(0)
    os.umask(umask)
    modes = {p: stat.S_IMODE(p.stat().st_mode) for p in [site, *site.rglob("*")]}
    wrong = {
        str(p): oct(mode)
        for p, mode in modes.items()
        if mode != (0o777 if p.is_dir() else 0o666) & ~umask
    }
    assert wrong == {}
