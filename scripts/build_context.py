"""Build the published JSON-LD context `context/learningcity.jsonld`.

Why generated: the context must agree with the one prefix source (`learningcity.namespaces`) and
with the ontology, and a hand-kept copy drifts. The output is deterministic (sorted, no dates), so
`tests/test_jsonld.py` can check that the committed file equals what this script writes.

Terms: every prefix; a short term (the local name) for each class and property of our vocabulary
declared in `ontology/learningcity.ttl`, and for each class and property (ours or standard) that
`data/yongsan.ttl` uses. Only object properties get `"@type": "@id"` coercion: those the ontology
declares `owl:ObjectProperty`, and undeclared ones whose every value in the data is an IRI or a
blank node. When two IRIs share a local name, our vocabulary wins, then the IRI the data uses
most, then the prefix that sorts first; the other keeps its compact IRI (`dcterms:description`).
Missing input files are skipped, so the context can be built from the prefixes alone.

    python scripts/build_context.py          # write context/learningcity.jsonld
    python scripts/build_context.py --check  # exit 1 when the committed file is stale
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pyoxigraph as ox

from learningcity.namespaces import STANDARD_PREFIXES, VOCAB, prefixes
from learningcity.terms import RDF_TYPE

ROOT = Path(__file__).resolve().parent.parent
CONTEXT = ROOT / "context" / "learningcity.jsonld"
ONTOLOGY = ROOT / "ontology" / "learningcity.ttl"
DATA = ROOT / "data" / "yongsan.ttl"

RDF = STANDARD_PREFIXES["rdf"]
RDFS = STANDARD_PREFIXES["rdfs"]
OWL = STANDARD_PREFIXES["owl"]
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


def used(data: list[ox.Triple]) -> tuple[Counter[str], set[str]]:
    """How often the data uses each class and property (ours and standard ones), and the
    properties whose every value is a node."""
    known = (VOCAB, *STANDARD_PREFIXES.values())
    uses: Counter[str] = Counter()
    literal_valued: set[str] = set()
    for triple in data:
        if triple.predicate != RDF_TYPE:
            uses[triple.predicate.value] += 1
            if isinstance(triple.object, ox.Literal):
                literal_valued.add(triple.predicate.value)
        elif isinstance(triple.object, ox.NamedNode):
            uses[triple.object.value] += 1
    properties = {t.predicate.value for t in data if t.predicate != RDF_TYPE}
    return Counter({i: n for i, n in uses.items() if i.startswith(known)}), (
        properties - literal_valued
    )


def term_names(own: set[str], uses: Counter[str], namespaces: dict[str, str]) -> dict[str, str]:
    """Term name -> IRI for each IRI that gets a short term: when several IRIs share a local
    name, ours wins, then the one the data uses most, then the one whose prefix sorts first."""
    by_namespace = sorted(namespaces.items(), key=lambda item: -len(item[1]))
    candidates = []
    for iri in own | set(uses):
        prefix, namespace = next((p, ns) for p, ns in by_namespace if iri.startswith(ns))
        local = iri[len(namespace) :]
        if _SIMPLE_TERM.match(local) and local not in namespaces:
            candidates.append((iri not in own, -uses[iri], prefix, local, iri))
    names: dict[str, str] = {}
    for *_, local, iri in sorted(candidates):
        names.setdefault(local, iri)
    return names


def build(ontology: list[ox.Triple], data: list[ox.Triple]) -> dict[str, object]:
    namespaces = prefixes()
    own, kinds = declared(ontology)
    uses, node_valued = used(data)
    coerced = {iri for iri, kind in kinds.items() if OBJECT_PROPERTY in kind} | {
        iri for iri in node_valued if DATATYPE_PROPERTY not in kinds[iri]
    }
    definitions: dict[str, object] = dict(namespaces)
    for name, iri in term_names(own, uses, namespaces).items():
        compact = _compact(iri, namespaces)
        definitions[name] = {"@id": compact, "@type": "@id"} if iri in coerced else compact
    return {"@context": dict(sorted(definitions.items(), key=_context_order))}


def _compact(iri: str, namespaces: dict[str, str]) -> str:
    prefix, namespace = max(
        ((p, ns) for p, ns in namespaces.items() if iri.startswith(ns)), key=lambda i: len(i[1])
    )
    return f"{prefix}:{iri[len(namespace) :]}"


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
