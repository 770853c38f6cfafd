"""Draw the learningcity ontology as an SVG diagram (docs/model.svg), in pure Python.

Why no graphviz: the picture must be reproducible byte for byte on any machine (a test compares
the committed SVG with this script's output), and the model is small enough for a fixed layout.
Everything drawn is read from ontology/learningcity.ttl: our classes (blue), the standard classes
they specialise or point to (grey), object properties as labelled arrows, subclass links as
dashed arrows with hollow heads, and datatype properties listed inside the box of their domain.
A class the layout does not know yet is still drawn, in a row at the bottom.

Usage: python scripts/draw_model.py [ONTOLOGY] > docs/model.svg
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from rdflib import OWL, RDF, RDFS, BNode, Graph, URIRef
from rdflib.collection import Collection

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "learningcity.ttl"
sys.path.insert(0, str(ROOT / "src"))

from learningcity.namespaces import VOCAB, prefixes  # noqa: E402

#: Hand-placed centres (x, y) for a readable picture; unknown classes go to the bottom row.
LAYOUT: dict[str, tuple[int, int]] = {
    "lc:LearningCity": (300, 90),
    "schema:AdministrativeArea": (760, 50),
    "org:Organization": (760, 130),
    "lc:PolicyStatement": (650, 260),
    "schema:CreativeWork": (990, 200),
    "prov:Entity": (960, 400),
    "lc:GoodPractice": (560, 430),
    "lc:LearningProgramme": (560, 580),
    "schema:EducationalOccupationalProgram": (940, 600),
    "skos:Concept": (170, 330),
    "org:Post": (170, 530),
    "time:Interval": (170, 680),
    "lc:EditorialNote": (560, 740),
    "rdf:Property": (170, 830),
    "lc:Enrichment": (430, 900),
    "lc:Discrepancy": (700, 900),
    "qb:Observation": (960, 740),
    "foaf:Document": (960, 880),
}
WIDTH, HEIGHT = 1160, 980
CHAR = 6.8  # average width of an 11px sans-serif character
TITLE_CHAR = 8.4  # average width of a 13px bold character
LINE = 16
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'


@dataclass
class Box:
    name: str
    own: bool
    x: float
    y: float
    attributes: list[str] = field(default_factory=list)

    @property
    def width(self) -> float:
        widest = max([len(self.name) * TITLE_CHAR, *(len(a) * CHAR for a in self.attributes)])
        return max(120.0, widest + 24)

    @property
    def height(self) -> float:
        return 28.0 + LINE * len(self.attributes)

    def border_point(self, tx: float, ty: float) -> tuple[float, float]:
        """Where the line from this box's centre towards (tx, ty) leaves the box."""
        dx, dy = tx - self.x, ty - self.y
        if dx == 0 and dy == 0:
            return self.x, self.y
        scale = min(
            (self.width / 2) / abs(dx) if dx else math.inf,
            (self.height / 2) / abs(dy) if dy else math.inf,
        )
        return self.x + dx * scale, self.y + dy * scale


def curie(iri: URIRef) -> str:
    for name, namespace in sorted(prefixes().items(), key=lambda item: -len(item[1])):
        if str(iri).startswith(namespace):
            return f"{name}:{str(iri)[len(namespace) :]}"
    return str(iri)


def members(graph: Graph, node: object) -> list[URIRef]:
    """A class, or the members of an owl:unionOf class expression."""
    if isinstance(node, BNode):
        union = graph.value(node, OWL.unionOf)
        return [m for m in Collection(graph, union) if isinstance(m, URIRef)] if union else []
    return [node] if isinstance(node, URIRef) else []


def read_model(graph: Graph) -> tuple[dict[str, Box], list[tuple[str, str, str]], list[tuple]]:
    """Boxes, subclass links (sub, super) and property arrows (domain, range, label)."""
    boxes: dict[str, Box] = {}

    def box(iri: URIRef) -> Box:
        name = curie(iri)
        if name not in boxes:
            x, y = LAYOUT.get(name, (0, 0))
            boxes[name] = Box(name, str(iri).startswith(VOCAB), x, y)
        return boxes[name]

    own_classes = sorted(c for c in graph.subjects(RDF.type, OWL.Class) if str(c).startswith(VOCAB))
    subclass_links = []
    for cls in own_classes:
        box(cls)
        for parent in sorted(graph.objects(cls, RDFS.subClassOf)):
            box(parent)
            subclass_links.append((curie(cls), curie(parent), "subClassOf"))
    arrows = []
    for prop in sorted(graph.subjects(RDF.type, OWL.ObjectProperty)):
        if not str(prop).startswith(VOCAB):
            continue
        for domain in members(graph, graph.value(prop, RDFS.domain)):
            for rng in members(graph, graph.value(prop, RDFS.range)):
                box(domain)
                box(rng)
                arrows.append((curie(domain), curie(rng), curie(prop)))
    for prop in sorted(graph.subjects(RDF.type, OWL.DatatypeProperty)):
        if not str(prop).startswith(VOCAB):
            continue
        for domain in members(graph, graph.value(prop, RDFS.domain)):
            rng = graph.value(prop, RDFS.range)
            box(domain).attributes.append(f"{curie(prop)} : {curie(rng)}")
    unplaced = sorted(name for name, b in boxes.items() if name not in LAYOUT)
    for index, name in enumerate(unplaced):
        boxes[name].x, boxes[name].y = 120 + 200 * (index % 5), HEIGHT + 60 * (index // 5)
    return boxes, subclass_links, arrows


def line(a: Box, b: Box, dashed: bool, marker: str) -> tuple[str, tuple[float, float]]:
    x1, y1 = a.border_point(b.x, b.y)
    x2, y2 = b.border_point(a.x, a.y)
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    svg = (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#333"'
        f'{dash} marker-end="url(#{marker})"/>'
    )
    return svg, ((x1 + x2) / 2, (y1 + y2) / 2)


def self_loop(a: Box, label: str) -> list[str]:
    """A property whose domain and range are the same class: a loop above the box."""
    left = a.x - a.width / 4
    right = a.x + a.width / 4
    top = a.y - a.height / 2
    return [
        f'<path d="M {left:.1f} {top:.1f} C {left:.1f} {top - 50:.1f} {right:.1f} {top - 50:.1f} '
        f'{right:.1f} {top:.1f}" fill="none" stroke="#333" marker-end="url(#arrow)"/>',
        label_svg(a.x, top - 46, label),
    ]


def label_svg(x: float, y: float, text: str) -> str:
    width = len(text) * CHAR * 0.92 + 8
    return (
        f'<rect x="{x - width / 2:.1f}" y="{y - 9:.1f}" width="{width:.1f}" height="16" '
        f'fill="white" fill-opacity="0.9"/>'
        f'<text x="{x:.1f}" y="{y + 3:.1f}" text-anchor="middle" font-size="11" {FONT} '
        f'fill="#1a4f8b">{escape(text)}</text>'
    )


def box_svg(b: Box) -> list[str]:
    fill, stroke = ("#dcebfb", "#1a4f8b") if b.own else ("#eeeeee", "#777777")
    left, top = b.x - b.width / 2, b.y - b.height / 2
    parts = [
        f'<rect x="{left:.1f}" y="{top:.1f}" width="{b.width:.1f}" height="{b.height:.1f}" '
        f'rx="6" fill="{fill}" stroke="{stroke}"/>',
        f'<text x="{b.x:.1f}" y="{top + 19:.1f}" text-anchor="middle" font-size="13" '
        f'font-weight="bold" {FONT}>{escape(b.name)}</text>',
    ]
    for index, attribute in enumerate(sorted(b.attributes)):
        parts.append(
            f'<text x="{left + 10:.1f}" y="{top + 38 + LINE * index:.1f}" font-size="11" '
            f"{FONT}>{escape(attribute)}</text>"
        )
    return parts


def draw(ontology: Path = ONTOLOGY) -> str:
    """The SVG text of the model diagram (deterministic: sorted input, fixed layout)."""
    graph = Graph().parse(ontology, format="turtle")
    boxes, subclass_links, arrows = read_model(graph)
    height = max(HEIGHT, *(int(b.y + b.height) + 40 for b in boxes.values()))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}">',
        "<title>learningcity ontology: classes, properties and reused standard terms</title>",
        "<defs>",
        '<marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto"><path d="M 0 0 L 10 5 L 0 10 z" fill="#333"/></marker>',
        '<marker id="hollow" viewBox="0 0 12 12" refX="12" refY="6" markerWidth="12" '
        'markerHeight="12" orient="auto"><path d="M 0 0 L 12 6 L 0 12 z" fill="white" '
        'stroke="#333"/></marker>',
        "</defs>",
        f'<rect width="{WIDTH}" height="{height}" fill="white"/>',
    ]
    labels = []
    for sub, sup, _ in subclass_links:
        svg, _ = line(boxes[sub], boxes[sup], dashed=True, marker="hollow")
        out.append(svg)
    for domain, rng, prop in arrows:
        if domain == rng:
            loop = self_loop(boxes[domain], prop)
            out.append(loop[0])
            labels.append(loop[1])
            continue
        svg, (mx, my) = line(boxes[domain], boxes[rng], dashed=False, marker="arrow")
        out.append(svg)
        labels.append(label_svg(mx, my, prop))
    for name in sorted(boxes):
        out.extend(box_svg(boxes[name]))
    out.extend(labels)
    legend_y = height - 24
    out.append(
        f'<text x="20" y="{legend_y}" font-size="11" {FONT} fill="#444">Blue: learningcity terms '
        "(lc:). Grey: reused standard terms. Solid arrow: object property (domain to range). "
        "Dashed arrow with hollow head: rdfs:subClassOf. Text in a box: datatype property : range."
        "</text>"
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    ontology = Path(argv[0]) if argv else ONTOLOGY
    sys.stdout.write(draw(ontology))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
