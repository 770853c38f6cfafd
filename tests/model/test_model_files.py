"""The model files themselves: canonical form, one prefix source, one version, declared terms.

These checks keep the three Turtle files reviewable (re-serializing gives the same bytes), keep
their prefixes and version tied to `learningcity.namespaces` and `learningcity.__version__`, and
make sure no term is used that neither the ontology nor a standard vocabulary declares.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib.namespace as ns
from model_support import (
    ALIGNMENTS,
    DATA,
    ENRICHMENTS,
    FIXTURES,
    MODEL_FILES,
    ONTOLOGY,
    SCHEMAORG,
    SHAPES,
)
from rdflib import OWL, RDF, RDFS, SH, BNode, Graph, Literal, URIRef

import learningcity
from learningcity.load import load_paths
from learningcity.namespaces import (
    DATA_KINDS,
    DEFAULT_DATA_BASE,
    ONTOLOGY_IRI,
    POLICY_AREAS,
    VOCAB,
    prefixes,
)
from learningcity.serialize import to_turtle
from support import shared

PREFIX_LINE = re.compile(r"^@prefix ([A-Za-z][\w-]*)?: <([^>]*)> \.$", re.MULTILINE)

#: Terms of vocabularies that rdflib 7.6.0 has no (correct) module for: WGS84 (rdflib's WGS has
#: a wrong https namespace, RDFLib/rdflib#3529) and the SDMX dimension, attribute and measure
#: vocabularies.
EMBEDDED_TERMS = {
    "http://www.w3.org/2003/01/geo/wgs84_pos#": {
        "SpatialThing",
        "Point",
        "lat",
        "long",
        "alt",
        "location",
    },
    "http://purl.org/linked-data/sdmx/2009/attribute#": {"obsStatus"},
    "http://purl.org/linked-data/sdmx/2009/dimension#": {"refArea", "refPeriod"},
    "http://purl.org/linked-data/sdmx/2009/measure#": {"obsValue"},
}
#: rdflib modules whose declared names count as known terms (looked up by name, when needed).
RDFLIB_MODULES = [
    "DCAT",
    "DCTERMS",
    "FOAF",
    "ORG",
    "PROV",
    "QB",
    "SKOS",
    "TIME",
    "VANN",
    "VOID",
    "OWL",
    "RDF",
    "RDFS",
    "SH",
    "XSD",
]


def rdflib_terms() -> dict[str, set[str]]:
    """The declared terms of each standard namespace, from rdflib's generated modules."""
    known: dict[str, set[str]] = {ns: set(names) for ns, names in EMBEDDED_TERMS.items()}
    for name in RDFLIB_MODULES:
        module = getattr(ns, name)
        names = set(getattr(module, "__annotations__", {})) | set(getattr(module, "_extras", []))
        known[str(module._NS)] = {n for n in names if not n.startswith("_")}
    return known


@pytest.fixture(scope="module")
def schemaorg_terms() -> set[str]:
    graph = Graph().parse(shared(SCHEMAORG), format="turtle")
    return {str(s) for s in graph.subjects() if isinstance(s, URIRef)}


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda p: p.name)
def test_file_is_in_canonical_form(path: Path) -> None:
    """Written by learningcity.serialize.to_turtle: re-serializing gives the same bytes."""
    assert to_turtle(load_paths(path)) == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "path",
    [*MODEL_FILES, *sorted(FIXTURES.glob("*/*.expected.ttl"))],
    ids=lambda p: str(p.relative_to(p.parents[1])),
)
def test_declared_prefixes_come_from_namespaces(path: Path) -> None:
    declared = dict(PREFIX_LINE.findall(path.read_text(encoding="utf-8")))
    assert declared
    expected = prefixes()
    assert {name: expected.get(name) for name in declared} == declared


def test_sparql_prefix_declarations_come_from_namespaces(shapes_graph: Graph) -> None:
    declared = {
        str(shapes_graph.value(d, SH.prefix)): str(shapes_graph.value(d, SH.namespace))
        for d in shapes_graph.objects(None, SH.declare)
    }
    assert declared
    assert {name: prefixes()[name] for name in declared} == declared


def test_ontology_version_is_the_package_version(ontology_graph: Graph) -> None:
    ontology = URIRef(ONTOLOGY_IRI)
    assert str(ontology_graph.value(ontology, OWL.versionInfo)) == learningcity.__version__
    assert ontology_graph.value(ontology, OWL.versionIRI) == URIRef(
        f"{ONTOLOGY_IRI}/{learningcity.__version__}"
    )


def test_ontology_header_is_complete(ontology_graph: Graph) -> None:
    ontology = URIRef(ONTOLOGY_IRI)
    for predicate in (
        ns.DCTERMS.title,
        ns.DCTERMS.description,
        ns.DCTERMS.license,
        ns.DCTERMS.creator,
        ns.DCTERMS.issued,
        ns.DCTERMS.modified,
    ):
        assert (ontology, predicate, None) in ontology_graph, predicate
    titles = {t.language for t in ontology_graph.objects(ontology, ns.DCTERMS.title)}
    assert titles == {"en", "ko"}
    assert str(ontology_graph.value(ontology, ns.VANN.preferredNamespacePrefix)) == "lc"
    assert str(ontology_graph.value(ontology, ns.VANN.preferredNamespaceUri)) == VOCAB
    for predicate in (ns.DCTERMS.issued, ns.DCTERMS.modified):
        assert ontology_graph.value(ontology, predicate).datatype == ns.XSD.date


def used_terms(graph: Graph) -> set[URIRef]:
    """Predicates and classes of a graph, plus the paths and classes its shapes name."""
    terms: set[URIRef] = set()
    for _s, p, o in graph:
        terms.add(p)
        if p in (RDF.type, SH.targetClass, SH["class"], SH.path) and isinstance(o, URIRef):
            terms.add(o)
    for alternatives in graph.objects(None, SH.alternativePath):
        node = alternatives
        while node and node != RDF.nil:
            terms.add(graph.value(node, RDF.first))
            node = graph.value(node, RDF.rest)
    return terms


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda p: p.name)
def test_every_term_is_declared(
    path: Path, ontology_graph: Graph, schemaorg_terms: set[str]
) -> None:
    graph = Graph().parse(path, format="turtle")
    own = {str(s) for s in ontology_graph.subjects(RDFS.isDefinedBy, URIRef(ONTOLOGY_IRI))}
    known = rdflib_terms()
    undeclared = []
    for term in sorted(used_terms(graph)):
        iri = str(term)
        if iri.startswith(VOCAB):
            ok = iri in own
        elif iri.startswith("https://schema.org/"):
            ok = iri in schemaorg_terms
        else:
            namespace = next((ns for ns in known if iri.startswith(ns)), None)
            ok = namespace is not None and iri[len(namespace) :] in known[namespace]
        if not ok:
            undeclared.append(iri)
    assert undeclared == []


def test_data_has_no_blank_nodes(data_graph: Graph) -> None:
    assert [t for triple in data_graph for t in triple if isinstance(t, BNode)] == []


KEY = r"[a-z]{2}(?:-[a-z0-9]+)+"
SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
MINTED = re.compile(
    rf"^{re.escape(DEFAULT_DATA_BASE)}(?P<kind>[a-z]+)/(?:{KEY}(?:\.{SLUG})?|{SLUG})$"
)


def test_minted_iris_follow_the_iri_scheme(data_graph: Graph) -> None:
    """One path segment per kind (docs/iri-scheme.md): `{kind}/{city-key}[.{slug}]`."""
    minted = {
        str(t)
        for triple in data_graph
        for t in triple
        if isinstance(t, URIRef) and str(t).startswith(DEFAULT_DATA_BASE)
    }
    assert minted
    wrong = [iri for iri in minted if not (m := MINTED.match(iri)) or m["kind"] not in DATA_KINDS]
    assert wrong == []


def test_city_key_is_country_code_and_slug(data_graph: Graph) -> None:
    city = URIRef(f"{DEFAULT_DATA_BASE}city/kr-yongsan-gu")
    assert (city, RDF.type, URIRef(VOCAB + "LearningCity")) in data_graph
    assert (
        URIRef(f"{DEFAULT_DATA_BASE}dataset/kr-yongsan-gu"),
        ns.DCTERMS.subject,
        city,
    ) in data_graph


# ------------------------------------------------------------------ vocabulary lint
LINT_PREFIXES = f"""
PREFIX lc: <{VOCAB}>
PREFIX lcpa: <{POLICY_AREAS}>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
PROPERTY = "VALUES ?kind { owl:ObjectProperty owl:DatatypeProperty } ?term a ?kind ."
OWN_TERM = f'?term a ?kind . FILTER(STRSTARTS(STR(?term), "{VOCAB}"))'

#: Each query names every offender; it must return no rows.
LINT = {
    "label-en": f"SELECT ?term WHERE {{ {OWN_TERM} FILTER NOT EXISTS {{ ?term rdfs:label ?l . "
    'FILTER(LANG(?l) = "en") } }',
    "label-ko": f"SELECT ?term WHERE {{ {OWN_TERM} FILTER NOT EXISTS {{ ?term rdfs:label ?l . "
    'FILTER(LANG(?l) = "ko") } }',
    "definition-en": f"SELECT ?term WHERE {{ {OWN_TERM} FILTER NOT EXISTS {{ "
    '?term skos:definition ?d . FILTER(LANG(?d) = "en") } }',
    "definition-ko": f"SELECT ?term WHERE {{ {OWN_TERM} FILTER NOT EXISTS {{ "
    '?term skos:definition ?d . FILTER(LANG(?d) = "ko") } }',
    "is-defined-by": f"SELECT ?term WHERE {{ {OWN_TERM} FILTER NOT EXISTS {{ "
    f"?term rdfs:isDefinedBy <{ONTOLOGY_IRI}> }} }}",
    # A domain, or an editorial note saying why none: a domain that is false of some use of
    # the property would infer a wrong type (see "domain-holds-in-the-data").
    "property-domain": f"SELECT ?term WHERE {{ {PROPERTY} "
    "FILTER NOT EXISTS { ?term rdfs:domain ?d } "
    "FILTER NOT EXISTS { ?term skos:editorialNote ?n } }",
    "property-range": f"SELECT ?term WHERE {{ {PROPERTY} "
    "FILTER NOT EXISTS { ?term rdfs:range ?r } }",
    # A standard superclass, perhaps through one of ours, or an editorial note saying why none
    # fits (`rdfs:subClassOf schema:Thing` would say nothing).
    "class-related-to-standard": f"SELECT ?term WHERE {{ ?term a owl:Class . "
    f'FILTER(STRSTARTS(STR(?term), "{VOCAB}")) '
    "FILTER NOT EXISTS { ?term (rdfs:subClassOf|owl:equivalentClass)+ ?std . "
    f'FILTER(!STRSTARTS(STR(?std), "{VOCAB}")) }} '
    "FILTER NOT EXISTS { ?term skos:editorialNote ?n } }",
    # SKOS gives its mapping properties domain and range skos:Concept: between classes or
    # properties they would make them concepts. Alignments use rdfs:subPropertyOf or seeAlso.
    "no-skos-mapping-of-owl-terms": "SELECT ?term WHERE { "
    "VALUES ?kind { owl:Class owl:ObjectProperty owl:DatatypeProperty } ?term a ?kind ; "
    "skos:closeMatch|skos:exactMatch|skos:broadMatch|skos:narrowMatch|skos:relatedMatch ?x }",
    "policy-area-labels": "SELECT ?c WHERE { ?c skos:inScheme lcpa: . "
    "FILTER NOT EXISTS { ?c skos:prefLabel ?en , ?ko . "
    'FILTER(LANG(?en) = "en" && LANG(?ko) = "ko") } }',
    "policy-area-sdg": "SELECT ?c WHERE { ?c skos:inScheme lcpa: . FILTER NOT EXISTS { "
    '?c lc:contributesToSdg ?g . FILTER(STRSTARTS(STR(?g), "http://metadata.un.org/sdg/")) } }',
    "policy-area-marked-as-ours": "SELECT ?c WHERE { ?c skos:inScheme lcpa: . FILTER NOT EXISTS { "
    '?c skos:scopeNote ?n . FILTER(CONTAINS(STR(?n), "learningcity project")) } }',
}


def vocabulary_store(*extra: Path) -> ox.Store:
    """The ontology with its alignments (the vocabulary as served), and `extra` files."""
    store = ox.Store()
    for path in (ONTOLOGY, ALIGNMENTS, *extra):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


@pytest.fixture(scope="module")
def ontology_store() -> ox.Store:
    return vocabulary_store()


#: Uses of our properties whose subject is not of the property's domain (a class, or one of a
#: union): RDFS would infer a type the data does not mean.
DOMAIN_HOLDS = (
    "SELECT DISTINCT ?term ?s WHERE { ?term rdfs:domain ?d . ?s ?term ?o . "
    "FILTER NOT EXISTS { ?s a/rdfs:subClassOf* ?d } "
    "FILTER NOT EXISTS { ?d owl:unionOf/rdf:rest*/rdf:first ?c . ?s a/rdfs:subClassOf* ?c } }"
)


def test_domain_holds_in_the_data() -> None:
    """Every domain of ours is true of every use in the data: it infers nothing false."""
    store = vocabulary_store(DATA, ENRICHMENTS)
    assert [tuple(t.value for t in row) for row in store.query(LINT_PREFIXES + DOMAIN_HOLDS)] == []
    store.update(LINT_PREFIXES + "INSERT DATA { <http://e/post> lc:vision 'x'@en }")
    rows = [row[1].value for row in store.query(LINT_PREFIXES + DOMAIN_HOLDS)]
    assert rows == ["http://e/post"]


@pytest.mark.parametrize(
    ("name", "term"),
    [
        ("property-domain", "lc:open a owl:ObjectProperty"),
        ("class-related-to-standard", "lc:Alone a owl:Class"),
        ("class-related-to-standard", "lc:Alone a owl:Class ; rdfs:subClassOf lc:Discrepancy2"),
        ("no-skos-mapping-of-owl-terms", "lc:held a owl:ObjectProperty ; skos:closeMatch lc:x"),
    ],
)
def test_relaxed_lints_still_name_what_gives_no_reason(name: str, term: str) -> None:
    """A property without a domain, a class without a standard superclass: named unless an
    editorial note says why; a SKOS mapping of an OWL term: always named."""
    store = vocabulary_store()
    subject = term.split()[0]
    store.update(LINT_PREFIXES + f"INSERT DATA {{ {term} }}")
    rows = [row[0].value for row in store.query(LINT_PREFIXES + LINT[name])]
    assert rows == [VOCAB + subject[3:]]
    store.update(LINT_PREFIXES + f"INSERT DATA {{ {subject} skos:editorialNote 'Why: …'@en }}")
    rows = [row[0].value for row in store.query(LINT_PREFIXES + LINT[name])]
    assert rows == ([VOCAB + subject[3:]] if name.startswith("no-skos") else [])


@pytest.mark.parametrize("name", sorted(LINT))
def test_vocabulary_lint(name: str, ontology_store: ox.Store) -> None:
    rows = [row[0].value for row in ontology_store.query(LINT_PREFIXES + LINT[name])]
    assert rows == []


def test_lint_catches_an_unlabelled_term() -> None:
    """The lint queries can fail: a term without labels is named."""
    store = vocabulary_store()
    store.update(LINT_PREFIXES + "INSERT DATA { lc:Bare a owl:Class }")
    rows = [row[0].value for row in store.query(LINT_PREFIXES + LINT["label-ko"])]
    assert rows == [VOCAB + "Bare"]


def test_policy_areas_are_the_three_of_the_profile(ontology_graph: Graph) -> None:
    concepts = set(ontology_graph.subjects(ns.SKOS.inScheme, URIRef(POLICY_AREAS)))
    labels = {
        str(label)
        for c in concepts
        for label in ontology_graph.objects(c, ns.SKOS.prefLabel)
        if isinstance(label, Literal) and label.language == "en"
    }
    assert labels == {
        "Sustainability and Health",
        "Equity and Inclusion",
        "Decent Work and Entrepreneurship",
    }


def test_shapes_file_is_named_after_the_shapes_namespace() -> None:
    assert prefixes()["lcsh"] == "https://w3id.org/learningcity/shapes#"
    assert SHAPES.name == "learningcity.shapes.ttl"
    assert DATA.exists()
