"""Generate a synthetic network of N learning cities, each profile shaped like data/yongsan.ttl.

Why: the project must publish and validate the whole network (425 cities today, growing) fast on
one machine; benchmarks and scale tests need data of any size that looks like the real thing
(the same classes, properties, IRI patterns, bilingual labels and prose of realistic length) and
is identical for the same seed, so that runs on different days compare.

A seeded fraction of cities carries one known defect each. Every defect is built to break exactly
one constraint of shapes/learningcity.shapes.ttl, and the result it must produce (focus node,
path, severity, source shape, constraint component) is written to FILE.expected.json, which the
scale tests compare with real pyshacl.

The Turtle is written city by city as it is generated (no graph in memory): N = 10,000 takes a
few seconds.

    python scripts/generate_network.py 1000 --seed 1 --defects 0.01 -o /tmp/network-1000.ttl
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from learningcity.namespaces import data_prefixes, prefixes

ID = data_prefixes()
SH = "http://www.w3.org/ns/shacl#"
LCSH = prefixes()["lcsh"]
PROFILE_BASE = "https://www.uil.unesco.org/en/learning-cities/"

COUNTRIES: tuple[tuple[str, str, str, str, str], ...] = (
    # code, English name, Korean name, Wikidata item, GeoNames id
    ("kr", "Republic of Korea", "대한민국", "Q884", "1835841"),
    ("cn", "China", "중국", "Q148", "1814991"),
    ("de", "Germany", "독일", "Q183", "2921044"),
    ("fr", "France", "프랑스", "Q142", "3017382"),
    ("mx", "Mexico", "멕시코", "Q96", "3996063"),
    ("br", "Brazil", "브라질", "Q155", "3469034"),
    ("ng", "Nigeria", "나이지리아", "Q1033", "2328926"),
    ("eg", "Egypt", "이집트", "Q79", "357994"),
    ("in", "India", "인도", "Q668", "1269750"),
    ("jp", "Japan", "일본", "Q17", "1861060"),
    ("ie", "Ireland", "아일랜드", "Q27", "2963597"),
    ("co", "Colombia", "콜롬비아", "Q739", "3686110"),
    ("ua", "Ukraine", "우크라이나", "Q212", "690791"),
    ("ir", "Iran", "이란", "Q794", "130758"),
    ("fi", "Finland", "핀란드", "Q33", "660013"),
    ("ke", "Kenya", "케냐", "Q114", "192950"),
)
POLICY_AREA_NAMES = {
    "decent-work-and-entrepreneurship": (
        "Decent Work and Entrepreneurship",
        "양질의 일자리와 기업가정신",
    ),
    "equity-and-inclusion": ("Equity and Inclusion", "형평성과 포용"),
    "sustainability-and-health": ("Sustainability and Health", "지속가능성과 건강"),
}
SYLLABLES_EN = ("an", "bel", "cor", "da", "el", "fen", "gar", "ho", "ist", "ka", "lum", "mar",
                "nor", "ol", "pra", "ra", "sen", "ta", "ul", "ven", "wi", "yo", "zan")  # fmt: skip
SYLLABLES_KO = "가나다라마바사아자차카타파하강남동서북산천진성원주"
GIVEN = ("Ana", "Bo", "Chen", "Daniel", "Eun", "Fatima", "Grace", "Hiro", "Ines", "Jae", "Kofi",
         "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Sami", "Tomas")  # fmt: skip
FAMILY = ("Kim", "Lee", "Park", "Garcia", "Müller", "Dubois", "Okafor", "Sato", "Murphy", "Silva",
          "Singh", "Rossi", "Novak", "Haddad", "Virtanen", "Otieno")  # fmt: skip
WORDS = [
    "the",
    "city",
    "promotes",
    "lifelong",
    "learning",
    "for",
    "all",
    "citizens",
    "through",
    "community",
    "centres",
    "libraries",
    "and",
    "schools",
    "and",
    "it",
    "supports",
    "learning",
    "families",
    "workplaces",
    "and",
    "neighbourhoods",
    "with",
    "local",
    "partners",
    "universities",
    "and",
    "civil",
    "society",
    "while",
    "strengthening",
    "inclusive",
    "education",
    "digital",
    "skills",
    "health",
    "literacy",
    "environmental",
    "awareness",
    "and",
    "intercultural",
    "dialogue",
    "for",
    "young",
    "people",
    "adults",
    "older",
    "residents",
    "migrants",
    "and",
    "workers",
    "who",
    "seek",
    "new",
    "opportunities",
    "and",
    "decent",
    "jobs",
]


def words(rng: random.Random, count: int) -> str:
    """Prose of `count` words, a sentence per ~15 words: realistic length, not realistic sense."""
    chosen = [rng.choice(WORDS) for _ in range(count)]
    sentences = [chosen[i : i + 15] for i in range(0, count, 15)]
    return " ".join(" ".join(s).capitalize() + "." for s in sentences)


def literal(text: str, language: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{language}' if language else f'"{escaped}"'


@dataclass
class Node:
    """One subject block: predicate -> objects, each already written as Turtle."""

    iri: str
    edges: dict[str, list[str]] = field(default_factory=dict)

    def add(self, predicate: str, *objects: str) -> Node:
        self.edges.setdefault(predicate, []).extend(objects)
        return self

    def turtle(self) -> str:
        lines = [f"    {p} {', '.join(o)}" for p, o in self.edges.items() if o]
        return f"<{self.iri}>\n" + " ;\n".join(lines) + " .\n"


def iri(kind: str, key: str) -> str:
    return f"<{ID[kind]}{key}>"


@dataclass(frozen=True)
class City:
    key: str  # "kr-annor", as in city:kr-yongsan-gu
    name: str
    name_ko: str
    country: tuple[str, str, str, str, str]


def city_profile(rng: random.Random, city: City, number: int) -> dict[str, Node]:
    """Every node of one city's profile, in the order Yongsan's file has them, keyed by role."""
    k, source = city.key, f"<{PROFILE_BASE}{city.key}>"
    nodes: dict[str, Node] = {}

    def node(role: str, kind: str, local: str) -> Node:
        nodes[role] = Node(ID[kind] + local)
        return nodes[role]

    areas = sorted(POLICY_AREA_NAMES)
    statements = [iri("statement", f"{k}.{a}") for a in areas]
    practice_keys = [f"{k}.practice-{i}" for i in (1, 2)]
    city_node = node("city", "city", k)
    city_node.add("a", "lc:LearningCity").add("dcterms:source", source)
    city_node.add("lc:hasGoodPractice", *(iri("practice", p) for p in practice_keys))
    city_node.add("lc:hasPolicyStatement", *statements)
    city_node.add("lc:vision", literal(words(rng, 35), "en"))
    city_node.add("pos:location", iri("place", f"{k}.label-point"))
    city_node.add("schema:containedInPlace", iri("place", city.country[0]))
    city_node.add("schema:description", literal(words(rng, 45), "en"))
    city_node.add("schema:identifier", iri("identifier", f"{k}.geonames"))
    city_node.add("schema:identifier", iri("identifier", f"{k}.wikidata"))
    city_node.add("schema:name", literal(city.name, "en"), literal(city.name_ko, "ko"))
    geonames, wikidata = str(3_000_000 + number), f"Q{900_000 + number}"
    city_node.add("schema:sameAs", f"<https://sws.geonames.org/{geonames}/>", f"wd:{wikidata}")
    for label, value in (("geonames", geonames), ("wikidata", wikidata)):
        ident = node(f"identifier-{label}", "identifier", f"{k}.{label}")
        ident.add("a", "schema:PropertyValue").add("dcterms:source", source)
        prop = "GeoNames ID" if label == "geonames" else "Wikidata item"
        ident.add("schema:propertyID", literal(prop)).add("schema:value", literal(value))
    year = str(rng.randint(2015, 2025))
    start = node("membership-start", "interval", f"{k}.gnlc-membership-start")
    start.add("a", "time:Instant")
    start.add("rdfs:label", literal(f"Start of the membership: {year}", "en"))
    start.add("rdfs:label", literal(f"회원 자격 시작: {year}년", "ko"))
    start.add("time:inXSDgYear", f'"{year}"^^xsd:gYear')
    during = node("membership-interval", "interval", f"{k}.gnlc-membership")
    during.add("a", "time:Interval")
    during.add("rdfs:label", literal(f"Membership of {city.name} in the network", "en"))
    during.add("rdfs:label", literal(f"{city.name_ko}의 네트워크 회원 기간", "ko"))
    during.add("time:hasBeginning", iri("interval", f"{k}.gnlc-membership-start"))
    member = node("membership", "membership", f"{k}.gnlc")
    member.add("a", "org:Membership").add("dcterms:source", source)
    member.add("org:member", iri("city", k))
    member.add("org:memberDuring", iri("interval", f"{k}.gnlc-membership"))
    member.add("org:organization", iri("organization", "gnlc"))
    member.add("rdfs:label", literal(f"{city.name} in the UNESCO Global Network", "en"))
    member.add(
        "rdfs:label", literal(f"{city.name_ko}의 유네스코 학습도시 네트워크 회원 자격", "ko")
    )
    population = node("population", "observation", f"{k}.population")
    population.add("a", "qb:Observation").add("dcterms:source", source)
    population.add("lc:population", str(rng.randint(20_000, 9_000_000)))
    population.add("qb:dataSet", iri("dataset", "network"))
    population.add("rdfs:label", literal(f"Population of {city.name}", "en"))
    population.add("rdfs:label", literal(f"{city.name_ko} 인구", "ko"))
    population.add("sdmxdim:refArea", iri("city", k))
    population.add(
        "skos:note", literal("The profile gives no reference year for this figure.", "en")
    )
    population.add("skos:note", literal("프로필은 이 수치의 기준 연도를 밝히지 않습니다.", "ko"))
    point = node("point", "place", f"{k}.label-point")
    point.add("a", "pos:Point").add("dcterms:source", source)
    point.add("pos:lat", f"{rng.uniform(-60, 70):.6f}").add(
        "pos:long", f"{rng.uniform(-180, 180):.6f}"
    )
    point.add("rdfs:label", literal(f"Label point of {city.name}", "en"))
    point.add("rdfs:label", literal(f"{city.name_ko} 표시 지점", "ko"))
    _posts(rng, city, node, source)
    for area in areas:
        english, korean = POLICY_AREA_NAMES[area]
        item = node(f"statement-{area}", "statement", f"{k}.{area}")
        item.add("a", "lc:PolicyStatement").add("dcterms:source", source)
        item.add("lc:policyArea", f"lcpa:{area}")
        item.add("rdfs:label", literal(f"{city.name}: {english}", "en"))
        item.add("rdfs:label", literal(f"{city.name_ko}: {korean}", "ko"))
        item.add("schema:text", literal(words(rng, 30), "en"))
    for number_, practice_key in enumerate(practice_keys, start=1):
        practice = node(f"practice-{number_}", "practice", practice_key)
        practice.add("a", "lc:GoodPractice").add("dcterms:source", source)
        practice.add("lc:policyArea", f"lcpa:{rng.choice(sorted(POLICY_AREA_NAMES))}")
        practice.add("schema:description", literal(words(rng, 40), "en"))
        practice.add("schema:name", literal(words(rng, 4).rstrip("."), "en"))
    return nodes


def _posts(
    rng: random.Random, city: City, node: Callable[[str, str, str], Node], source: str
) -> None:
    """The mayor's post and person, and the focal point's, as in Yongsan's profile."""
    k = city.key
    holders: set[tuple[str, str]] = set()
    for role, title, title_ko in (
        ("mayor", f"Mayor of {city.name}", f"{city.name_ko} 시장"),
        (
            "focal-point",
            f"Focal point of {city.name} for the network",
            f"{city.name_ko} 학습도시 담당자",
        ),
    ):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        while (given, family) in holders:  # two people, not one with two honorific prefixes
            given = rng.choice(GIVEN)
        holders.add((given, family))
        person_key = f"{k}.{given.lower()}-{family.lower()}".replace("ü", "u")
        post = node(role, "post", f"{k}.{role}")
        post.add("a", "org:Post").add("dcterms:source", source)
        post.add("org:heldBy", iri("person", person_key))
        post.add("org:postIn", iri("city", k))
        post.add("org:role", "lc:mayorRole" if role == "mayor" else "lc:focalPointRole")
        post.add("rdfs:label", literal(title, "en"), literal(title_ko, "ko"))
        person = node(f"{role}-person", "person", person_key)
        person.add("a", "schema:Person").add(
            "schema:honorificPrefix", literal(rng.choice(("Mr", "Ms")))
        )
        person.add("schema:name", literal(f"{given} {family}", "en"))


# --- Defects: each breaks exactly one constraint, with the result it must produce ---------------


@dataclass(frozen=True)
class Defect:
    name: str
    role: str  # the node of the profile it changes
    focus: str  # the node the result is about
    path: str  # expected sh:resultPath (full IRI), or "" for none
    shape: str  # expected sh:sourceShape (full IRI)
    component: str  # expected sh:sourceConstraintComponent (full IRI)
    severity: str
    apply: Callable[[Node], None]
    constraint: str = ""  # expected sh:sourceConstraint of a SHACL-SPARQL result


def _drop(predicate: str, language: str | None = None) -> Callable[[Node], None]:
    def change(node: Node) -> None:
        if language is None:
            node.edges.pop(predicate)
        else:
            node.edges[predicate] = [
                o for o in node.edges[predicate] if not o.endswith("@" + language)
            ]

    return change


def _replace(predicate: str, value: str) -> Callable[[Node], None]:
    def change(node: Node) -> None:
        node.edges[predicate] = [value]

    return change


def _violation(name: str, role: str, path: str, shape: str, component: str,
               apply: Callable[[Node], None], focus: str | None = None,
               constraint: str = "") -> Defect:  # fmt: skip
    """A defect whose one result is a violation; `focus` defaults to the node it changes."""
    prefix, _, local = path.partition(":")
    full_path = prefixes()[prefix] + local if path else ""
    return Defect(name, role, focus or role, full_path, LCSH + shape,
                  f"{SH}{component}ConstraintComponent", SH + "Violation", apply,
                  LCSH + constraint if constraint else "")  # fmt: skip


DEFECTS: tuple[Defect, ...] = (
    _violation("population-not-integer", "population", "lc:population", "Observation-population",
               "Datatype", _replace("lc:population", '"229770.5"^^xsd:decimal')),
    _violation("latitude-out-of-range", "point", "pos:lat", "Point-lat-range", "MaxInclusive",
               _replace("pos:lat", "123.456789")),
    _violation("membership-before-2013", "membership-start", "", "Membership", "SPARQL",
               _replace("time:inXSDgYear", '"2009"^^xsd:gYear'), focus="membership",
               constraint="Membership-start-range"),
    _violation("unknown-policy-area", "statement-equity-and-inclusion", "lc:policyArea",
               "PolicyStatement-policyArea", "In", _replace("lc:policyArea", "lcpa:unknown")),
    _violation("practice-without-source", "practice-1", "dcterms:source", "GoodPractice-source",
               "MinCount", _drop("dcterms:source")),
    _violation("city-without-english-name", "city", "schema:name", "LearningCity-name-en",
               "QualifiedMinCount", _drop("schema:name", "en")),
)  # fmt: skip


def defect_result(defect: Defect, nodes: dict[str, Node]) -> dict[str, str]:
    return {
        "defect": defect.name,
        "focus_node": nodes[defect.focus].iri,
        "path": defect.path,
        "severity": defect.severity,
        "source_shape": defect.shape,
        "component": defect.component,
        "source_constraint": defect.constraint,
    }


# --- Writing ------------------------------------------------------------------------------------


def cities(rng: random.Random, count: int) -> Iterator[City]:
    """`count` cities with unique keys, spread over the countries."""
    seen: set[str] = set()
    while len(seen) < count:
        country = COUNTRIES[len(seen) % len(COUNTRIES)]
        length = rng.randint(2, 3)
        name = "".join(rng.choice(SYLLABLES_EN) for _ in range(length)).capitalize()
        key = f"{country[0]}-{name.lower()}"
        if key in seen:
            key = f"{key}-{len(seen)}"
        seen.add(key)
        name_ko = "".join(rng.choice(SYLLABLES_KO) for _ in range(length)) + "시"
        yield City(key, name, name_ko, country)


def shared_nodes() -> list[Node]:
    """Nodes every profile points to: the network, its dataset, the countries."""
    network = Node(ID["organization"] + "gnlc").add("a", "org:Organization", "schema:Organization")
    network.add("schema:alternateName", literal("GNLC", "en"))
    network.add("schema:name", literal("UNESCO Global Network of Learning Cities", "en"))
    network.add("schema:url", "<https://www.uil.unesco.org/en/learning-cities>")
    dataset = Node(ID["dataset"] + "network").add("a", "qb:DataSet")
    dataset.add("dcterms:title", literal("Synthetic learning-city network", "en"))
    dataset.add("dcterms:title", literal("합성 학습도시 네트워크", "ko"))
    dataset.add("qb:structure", "lc:populationStructure")
    countries = []
    for code, english, korean, wikidata, geonames in COUNTRIES:
        country = Node(ID["place"] + code).add("a", "schema:Country")
        country.add("schema:name", literal(english, "en"), literal(korean, "ko"))
        country.add("schema:sameAs", f"<https://sws.geonames.org/{geonames}/>", f"wd:{wikidata}")
        countries.append(country)
    return [network, dataset, *countries]


PREFIXES = ("dcat", "dcterms", "lc", "lcpa", "org", "pos", "qb", "rdfs", "schema", "sdmxdim",
            "skos", "time", "void", "wd", "xsd")  # fmt: skip


def write_network(
    out: TextIO, count: int, seed: int = 0, defect_rate: float = 0.0
) -> list[dict[str, str]]:
    """Write the network as Turtle to `out`; return the results its defects must produce."""
    rng = random.Random(seed)
    names = prefixes()
    out.write("".join(f"@prefix {p}: <{names[p]}> .\n" for p in PREFIXES))
    out.write("\n" + "\n".join(n.turtle() for n in shared_nodes()))
    expected = []
    for number, city in enumerate(cities(rng, count)):
        nodes = city_profile(rng, city, number)
        if DEFECTS and rng.random() < defect_rate:
            defect = DEFECTS[rng.randrange(len(DEFECTS))]
            defect.apply(nodes[defect.role])
            expected.append(defect_result(defect, nodes))
        out.write("\n" + "\n".join(n.turtle() for n in nodes.values()))
    expected.sort(key=lambda r: (r["focus_node"], r["path"], r["source_shape"]))
    return expected


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="number of cities")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--defects", type=float, default=0.0, help="fraction of cities with one defect"
    )
    parser.add_argument("-o", "--output", type=Path, help="Turtle file (default: stdout)")
    args = parser.parse_args(argv)
    if args.output is None:
        write_network(sys.stdout, args.count, args.seed, args.defects)
        return 0
    with args.output.open("w", encoding="utf-8", buffering=1 << 20) as out:
        expected = write_network(out, args.count, args.seed, args.defects)
    sidecar = args.output.with_name(args.output.name + ".expected.json")
    sidecar.write_text(json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
