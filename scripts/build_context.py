"""Build the published JSON-LD context `context/learningcity.jsonld`.

Why generated: the context must agree with the one prefix source (`learningcity.namespaces`) and
with the ontology, and a hand-kept copy drifts. The output is deterministic (sorted, no dates), so
`tests/test_jsonld.py` can check that the committed file equals what this script writes.

Terms: every prefix; a short term (the local name) for each class and property of our vocabulary
declared in `ontology/learningcity.ttl`, and for each standard class and property that
`data/yongsan.ttl` uses. Only object properties get `"@type": "@id"` coercion: those the ontology
declares `owl:ObjectProperty`, and undeclared ones whose every value in the data is an IRI or a
blank node. When two IRIs share a local name, our vocabulary wins, then the prefix that sorts
first; the other keeps its compact IRI (`schema:name`). Missing input files are skipped, so the
context can be built from the prefixes alone.

    python scripts/build_context.py          # write context/learningcity.jsonld
    python scripts/build_context.py --check  # exit 1 when the committed file is stale
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from learningcity.namespaces import STANDARD_PREFIXES, VOCAB, prefixes

ROOT = Path(__file__).resolve().parent.parent
CONTEXT = ROOT / "context" / "learningcity.jsonld"
ONTOLOGY = ROOT / "ontology" / "learningcity.ttl"
DATA = ROOT / "data" / "yongsan.ttl"

RDF = STANDARD_PREFIXES["rdf"]
RDFS = STANDARD_PREFIXES["rdfs"]
OWL = STANDARD_PREFIXES["owl"]
RDF_TYPE = ox.NamedNode(RDF + "type")
CLASS_TYPES = {OWL + "Class", RDFS + "Class"}
PROPERTY_TYPES = {
    OWL + "ObjectProperty",
    OWL + "DatatypeProperty",
    OWL + "AnnotationProperty",
    RDF + "Property",
}
OBJECT_PROPERTY = OWL + "ObjectProperty"
DATATYPE_PROPERTY = OWL + "DatatypeProperty"
_SIMPLE_TERM = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def read(path: Path) -> list[ox.Triple]:
    if not path.is_file():
        return []
    return [q.triple for q in ox.parse(path=path, format=ox.RdfFormat.TURTLE)]


def declared(ontology: list[ox.Triple]) -> tuple[set[str], dict[str, set[str]]]:
    """Our vocabulary's terms (classes and properties), and the declared types of every IRI."""
    terms: set[str] = set()
    kinds: dict[str, set[str]] = defaultdict(set)
    for triple in ontology:
        subject = triple.subject
        if triple.predicate != RDF_TYPE or not isinstance(subject, ox.NamedNode):
            continue
        kinds[subject.value].add(triple.object.value)
        if subject.value.startswith(VOCAB) and triple.object.value in CLASS_TYPES | PROPERTY_TYPES:
            terms.add(subject.value)
    return terms, kinds


def used(data: list[ox.Triple]) -> tuple[set[str], set[str]]:
    """Classes and properties the data uses (ours and standard ones), and the properties whose
    every value is a node."""
    known = (VOCAB, *STANDARD_PREFIXES.values())
    iris: set[str] = set()
    literal_valued: set[str] = set()
    for triple in data:
        if triple.predicate == RDF_TYPE:
            if isinstance(triple.object, ox.NamedNode):
                iris.add(triple.object.value)
            continue
        iris.add(triple.predicate.value)
        if isinstance(triple.object, ox.Literal):
            literal_valued.add(triple.predicate.value)
    properties = {t.predicate.value for t in data if t.predicate != RDF_TYPE}
    return {i for i in iris if i.startswith(known)}, properties - literal_valued


def term_names(iris: set[str], namespaces: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Term name -> (prefix, local) for each IRI that gets a short term (see module docstring)."""
    ranked = sorted(namespaces.items(), key=lambda item: (item[1] != VOCAB, item[0]))
    names: dict[str, tuple[str, str]] = {}
    for prefix, namespace in ranked:
        for iri in sorted(i for i in iris if i.startswith(namespace)):
            local = iri[len(namespace) :]
            if _SIMPLE_TERM.match(local) and local not in namespaces and local not in names:
                names[local] = (prefix, local)
    return names


def build(ontology: list[ox.Triple], data: list[ox.Triple]) -> dict[str, object]:
    namespaces = prefixes()
    own, kinds = declared(ontology)
    in_data, node_valued = used(data)
    coerced = {iri for iri, kind in kinds.items() if OBJECT_PROPERTY in kind} | {
        iri for iri in node_valued if DATATYPE_PROPERTY not in kinds[iri]
    }
    definitions: dict[str, object] = dict(namespaces)
    for name, (prefix, local) in term_names(own | in_data, namespaces).items():
        compact = f"{prefix}:{local}"
        iri = namespaces[prefix] + local
        definitions[name] = {"@id": compact, "@type": "@id"} if iri in coerced else compact
    return {"@context": dict(sorted(definitions.items(), key=_context_order))}


def _context_order(item: tuple[str, object]) -> tuple[int, str]:
    """Prefixes first, then terms, each alphabetically: the file reads like a glossary."""
    name, value = item
    return (0 if isinstance(value, str) and value.endswith(("/", "#")) else 1, name.lower() + name)


def render(document: dict[str, object]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def main(argv: list[str]) -> int:
    output = render(build(read(ONTOLOGY), read(DATA)))
    if "--check" in argv:
        if not CONTEXT.is_file() or CONTEXT.read_bytes() != output:
            print(f"{CONTEXT.relative_to(ROOT)} is stale; run scripts/build_context.py")
            return 1
        return 0
    if "--stdout" in argv:
        sys.stdout.buffer.write(output)
        return 0
    CONTEXT.parent.mkdir(parents=True, exist_ok=True)
    CONTEXT.write_bytes(output)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
