"""A summary of a dataset for people deciding what they hold: size, classes, properties,
prefixes and the DCAT/VoID description the data gives of itself."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pyoxigraph as ox

from learningcity.namespaces import STANDARD_PREFIXES, prefixes
from learningcity.serialize import TurtleWriter
from learningcity.terms import DCAT_DATASET, RDF_TYPE

_DCTERMS = STANDARD_PREFIXES["dcterms"]
METADATA_FIELDS = ("title", "description", "modified", "license", "publisher", "source")


@dataclass
class Summary:
    statements: int
    subjects: int
    graphs: int
    classes: list[tuple[str, int]]
    properties: list[tuple[str, int]]
    prefixes: dict[str, str]
    metadata: dict[str, list[str]] = field(default_factory=dict)
    validation: str | None = None


def summarize(dataset: ox.Dataset, namespaces: dict[str, str] | None = None) -> Summary:
    namespaces = prefixes() if namespaces is None else namespaces
    writer = TurtleWriter(namespaces)
    classes: Counter[str] = Counter()
    properties: Counter[str] = Counter()
    subjects = set()
    graphs = set()
    for quad in dataset:
        subjects.add(quad.subject)
        graphs.add(quad.graph_name)
        properties[writer.term(quad.predicate)] += 1
        if quad.predicate == RDF_TYPE:
            classes[writer.term(quad.object)] += 1
    return Summary(
        statements=len(dataset),
        subjects=len(subjects),
        graphs=len(graphs),
        classes=_by_count(classes),
        properties=_by_count(properties),
        prefixes={name: namespaces[name] for name in sorted(writer.used_prefixes)},
        metadata=_dataset_metadata(dataset, writer),
    )


def _by_count(counter: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


def _dataset_metadata(dataset: ox.Dataset, writer: TurtleWriter) -> dict[str, list[str]]:
    described = [
        q.subject for q in dataset.quads_for_object(DCAT_DATASET) if q.predicate == RDF_TYPE
    ]
    metadata: dict[str, list[str]] = {}
    if described:
        metadata["dataset"] = sorted(writer.term(s) for s in described)
    for name in METADATA_FIELDS:
        predicate = ox.NamedNode(_DCTERMS + name)
        values = {
            _plain(q.object, writer)
            for subject in described
            for q in dataset.quads_for_subject(subject)
            if q.predicate == predicate
        }
        if values:
            metadata[name] = sorted(values)
    return metadata


def _plain(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, writer: TurtleWriter) -> str:
    if isinstance(term, ox.Literal):
        return f"{term.value} ({term.language})" if term.language else term.value
    return writer.term(term)


def render_text(summary: Summary) -> str:
    lines = [
        f"{summary.statements} statements about {summary.subjects} subjects "
        f"in {summary.graphs} graph{'s' if summary.graphs != 1 else ''}",
    ]
    if summary.validation:
        lines.append(f"validation: {summary.validation}")
    if summary.metadata:
        lines += ["", "Dataset:"] + [
            f"  {name:<12} {value}" for name, values in summary.metadata.items() for value in values
        ]
    lines += ["", "Classes:"] + [f"  {count:>7}  {name}" for name, count in summary.classes]
    lines += ["", "Properties:"] + [f"  {count:>7}  {name}" for name, count in summary.properties]
    lines += ["", "Prefixes:"] + [f"  {name}: <{iri}>" for name, iri in summary.prefixes.items()]
    return "\n".join(lines) + "\n"
