"""The one prefix source: Turtle files, SPARQL queries and the JSON-LD context all take their
prefixes from here, and a test fails when a file declares a prefix differently."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

#: Where the project's own IRIs live (ontology, shapes, policy areas, context), whatever --base;
#: a server or a site serves their documents at the same paths under its own root.
PROJECT_ROOT: Final = "https://w3id.org/learningcity/"
VOCAB: Final = PROJECT_ROOT + "ontology#"
ONTOLOGY_IRI: Final = PROJECT_ROOT + "ontology"
SHAPES_IRI: Final = PROJECT_ROOT + "shapes"
POLICY_AREAS: Final = PROJECT_ROOT + "policy-area/"
DEFAULT_DATA_BASE: Final = PROJECT_ROOT + "id/"

#: Kinds of things the project mints IRIs for, each with its own path segment under the data base
#: (see docs/iri-scheme.md). The prefix of a kind is its name.
DATA_KINDS: Final = (
    "city",
    "person",
    "post",
    "membership",
    "practice",
    "programme",
    "statement",
    "dataset",
    "organization",
    "observation",
    "place",
    "interval",
    "identifier",
    "note",
)

STANDARD_PREFIXES: Final[dict[str, str]] = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "gn": "https://sws.geonames.org/",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "pos": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "prov": "http://www.w3.org/ns/prov#",
    "qb": "http://purl.org/linked-data/cube#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "sdg": "http://metadata.un.org/sdg/",
    "sdmxdim": "http://purl.org/linked-data/sdmx/2009/dimension#",
    "sdmxmeasure": "http://purl.org/linked-data/sdmx/2009/measure#",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "time": "http://www.w3.org/2006/time#",
    "vann": "http://purl.org/vocab/vann/",
    "void": "http://rdfs.org/ns/void#",
    "wd": "http://www.wikidata.org/entity/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def data_prefixes(base: str = DEFAULT_DATA_BASE) -> dict[str, str]:
    """One prefix per kind of minted IRI, so that data files read `city:kr-yongsan-gu`."""
    return {kind: f"{base}{kind}/" for kind in DATA_KINDS}


def prefixes(base: str = DEFAULT_DATA_BASE) -> dict[str, str]:
    """Every prefix the project writes, sorted by name (stable output)."""
    merged = {
        **STANDARD_PREFIXES,
        "lc": VOCAB,
        "lcpa": POLICY_AREAS,
        "lcsh": "https://w3id.org/learningcity/shapes#",
        **data_prefixes(base),
    }
    return dict(sorted(merged.items()))


def sparql_prologue(base: str = DEFAULT_DATA_BASE) -> str:
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes(base).items())


def with_declared(declared: dict[str, str], base: str = DEFAULT_DATA_BASE) -> dict[str, str]:
    """The project's prefixes plus those a file declares for other namespaces (the project's
    names win, so `schema:` always means https://schema.org/)."""
    ours = prefixes(base)
    known = set(ours.values())
    extra = {name: iri for name, iri in declared.items() if name not in ours and iri not in known}
    return dict(sorted({**ours, **extra}.items()))


#: RFC 3986 gen-delims: every namespace here ends with one (a test checks the prefixes do).
GEN_DELIMS: Final = tuple(":/?#[]@")
_HEAD = re.compile(r".*[:/?#\[\]@]", re.DOTALL)
_NOT_SLASH_GEN_DELIM = re.compile(r"[:?#\[\]@]")
_NOT_SLASH_GEN_DELIM_BYTE = re.compile(_NOT_SLASH_GEN_DELIM.pattern.encode())
_AFTER_GEN_DELIM = re.compile(r"(?<=[:/?#\[\]@])")


def iri_head(iri: str) -> str | None:
    """`iri` up to and including its last gen-delim: the part that decides which namespaces it
    is in (`https://w3id.org/learningcity/id/city/` for every city), or None without one.

    Namespaces end with a gen-delim, so every namespace an IRI starts with is a start of its head
    ending just after a gen-delim (`namespace_cuts`): many IRIs share a head, and a few cuts of
    each head replace a `startswith` per IRI and namespace. Most IRIs end after a `/`, which
    is found quicker than by matching the head (a search of the rest for the other gen-delims).
    """
    cut = iri.rfind("/") + 1
    if cut and _NOT_SLASH_GEN_DELIM.search(iri, cut) is None:
        return iri[:cut]
    head = _HEAD.match(iri)
    return None if head is None else head.group()


def slash_head_end(iri: bytes) -> int:
    """Where `iri_head` of `iri` (UTF-8, whole or in N-Triples' `<>`) ends when it ends with a
    slash, as most do; else 0. For writers that read IRIs as bytes and never decode most."""
    cut = iri.rfind(b"/") + 1
    return cut if cut and _NOT_SLASH_GEN_DELIM_BYTE.search(iri, cut) is None else 0


def namespace_cuts(head: str) -> Iterator[int]:
    """Each position just after a gen-delim of `head`: where a namespace can end."""
    return (match.start() for match in _AFTER_GEN_DELIM.finditer(head))
