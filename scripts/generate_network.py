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

With `--pages DIR` it writes profile pages instead, as `learningcity import` reads them (both
layouts, text and HTML, with seeded variation), with `sources.csv` (each page's retrieval date)
and `expected.json` (the facts of each city an import must recover exactly); its random stream
is its own, so the Turtle for a seed stays the same:

    python scripts/generate_network.py 1000 --seed 1 --pages /tmp/pages
    learningcity import /tmp/pages --sources /tmp/pages/sources.csv -o /tmp/network.ttl
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TextIO

import pyoxigraph as ox

from learningcity.iris import Minter
from learningcity.namespaces import data_prefixes, prefixes

ID = data_prefixes()
SH = "http://www.w3.org/ns/shacl#"
LCSH = prefixes()["lcsh"]
PROFILE_BASE = "https://www.uil.unesco.org/en/learning-cities/"

Country = tuple[str, str, str, str, str]
COUNTRIES: tuple[Country, ...] = (
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


# --- Profile pages: what `learningcity import` reads, with the facts it must recover ----------

ACCENTED = {"a": "á", "e": "é", "o": "ö", "u": "ü", "i": "í"}
PAGE_GIVEN = ("Ana", "José", "Zoë", "Søren", "Inès", "Jae-won", "Kofi", "Mateo", "Nadia", "Priya")
PAGE_FAMILY = ("Kim", "Müller", "Dubois", "Okafor", "Núñez", "Sato", "Ó Briain", "Virtanen")
HONORIFICS = ("Mr", "Ms", "Mrs", "Dr")
PROVINCES = ("North Province", "Sample Region", "Hill County")
POLICY_HEADINGS = {  # each policy area as pages write it: title case, sentence case, with `&`
    "sustainability-and-health": (
        "Sustainability and Health",
        "Sustainability and health",
        "Health & Sustainability",
    ),
    "equity-and-inclusion": ("Equity and Inclusion", "Equity and inclusion", "Equity & Inclusion"),
    "decent-work-and-entrepreneurship": (
        "Decent Work and Entrepreneurship",
        "Decent work and entrepreneurship",
        "Decent work & entrepreneurship",
    ),
}
DISCLAIMER = (
    "The views expressed in this profile are those of the city and do not necessarily reflect "
    "those of UNESCO."
)


@dataclass
class Page:
    """One generated profile page: its lines (text) or markup (HTML), and the facts it states."""

    name: str
    content: str
    facts: dict[str, object]


def _person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(HONORIFICS), f"{rng.choice(PAGE_GIVEN)} {rng.choice(PAGE_FAMILY)}"


def _official(
    rng: random.Random, city: str, mayor: bool, besides: str | None = None
) -> tuple[str, dict[str, str | None]]:
    """An official's line as pages write it (title first, name first, or a title naming the
    city then the person) and the post and person it states; never named `besides` (the
    other official of the city: one person of a city has one IRI, so one honorific)."""
    honorific, name = _person(rng)
    while name == besides:
        honorific, name = _person(rng)
    if mayor:
        title = rng.choice((f"Mayor of {city}", f"Head of {city}, {rng.choice(PROVINCES)}"))
    else:
        title = rng.choice(("Director of the Lifelong Learning Division", None))
    if title is None:
        line = f"{honorific} {name}"
    elif rng.random() < 0.5 and "," not in title:
        line = f"{honorific} {name}, {title}"
    else:
        line = f"{title} {honorific} {name}"
    return line, {"post": title, "honorific": honorific, "name": name}


def _page_city(rng: random.Random, seen: set[str]) -> tuple[str, Country, str]:
    """A city name (sometimes with accents), its country, and its key as the importer mints it."""
    while True:
        country = COUNTRIES[rng.randrange(len(COUNTRIES))]
        name = "".join(rng.choice(SYLLABLES_EN) for _ in range(rng.randint(2, 3))).capitalize()
        if rng.random() < 0.3:
            at = rng.randrange(1, len(name))
            name = name[:at] + ACCENTED.get(name[at], name[at]) + name[at + 1 :]
        if rng.random() < 0.2:
            name += "-" + rng.choice(("gu", "si", "sur-Mer"))
        key = Minter.city_key(country[0], name)
        if key not in seen:
            seen.add(key)
            return name, country, key


def _indicator(rng: random.Random, measure: str) -> tuple[str, dict[str, object]]:
    """An indicator's value as the earlier layout writes it, a figure or a class, and what it
    states (bounds as decimal strings, the unit)."""

    def fact(value: object = None, low: object = None, high: object = None) -> dict[str, object]:
        unit = {"cityArea": "squareKilometre", "populationDensity":
                "inhabitantsPerSquareKilometre", "averageYearsOfSchooling": "year"}.get(
                    measure, "USD")  # fmt: skip
        return {"value": value, "min": low, "max": high, "unit": unit}

    if measure == "cityArea":
        area = f"{rng.randint(10, 900)}.{rng.randint(0, 9)}"
        return f"{area} km²", fact(area)
    if measure == "populationDensity":
        choice = rng.randrange(4)
        if choice == 0:
            return "More than 500 inhabitants per km²", fact(low="500")
        if choice == 1:
            return "Less than 100 inhabitants per km²", fact(high="100")
        if choice == 2:
            return "Between 100 and 500 inhabitants per km²", fact(low="100", high="500")
        number = rng.randint(1000, 20000)
        return f"{number:,} inhabitants per km²", fact(str(number))
    if measure == "averageYearsOfSchooling":
        years = f"{rng.randint(5, 14)}.{rng.randint(0, 9)}"
        return rng.choice((years, f"{years} years")), fact(years)
    choice = rng.randrange(4)
    if choice == 0:
        return "Between USD 15,000 and USD 25,000", fact(low="15000", high="25000")
    if choice == 1:
        return "Less than USD 5,000", fact(high="5000")
    if choice == 2:
        return "More than USD 45,000", fact(low="45000")
    number = rng.randint(1000, 90000)
    return f"USD {number:,}", fact(str(number))


INDICATOR_LABELS = (
    ("City/urban area", "cityArea", False),
    ("Population density", "populationDensity", False),
    ("GDP per capita (city)", "gdpPerCapita", False),
    ("GDP per capita (country)", "gdpPerCapita", True),
    ("Average years of schooling", "averageYearsOfSchooling", False),
)


def _current_page(rng: random.Random, city: str, country: str, url: str, html: bool) -> Page:
    """A page of the current layout: fields, vision (perhaps a quotation), policies, practices."""
    facts: dict[str, object] = {"layout": "current", "warned": []}
    warned: list[str] = facts["warned"]  # type: ignore[assignment]
    population = rng.randint(20_000, 9_000_000)
    written = rng.choice((f"{population:,}", f"{population:,}".replace(",", " ")))
    year: int | None = rng.randint(2013, 2025)
    if rng.random() < 0.1:
        year = None  # the label is there, its value is missing
        warned.append("Member since")
    mayor_line, mayor = _official(rng, city, mayor=True)
    focal_line, focal = _official(rng, city, mayor=False, besides=mayor["name"])
    vision = words(rng, 30)
    quotation = words(rng, 12) if rng.random() < 0.3 else None
    areas = {a: (rng.choice(POLICY_HEADINGS[a]), words(rng, 25)) for a in sorted(POLICY_HEADINGS)}
    practices = [(words(rng, 3).rstrip("."), words(rng, 20)) for _ in range(rng.randint(1, 3))]
    facts.update(
        population=population, approximate=False, member_since=year, mayor=mayor,
        focal_point=focal, vision=vision, policies={a: t for a, (_, t) in areas.items()},
        practices=sorted(practices),
        quotation={"text": quotation, "speaker": mayor["name"]} if quotation else None,
    )  # fmt: skip
    intro = words(rng, 40)
    fields = [("City population", written), ("Member since", str(year) if year else None),
              ("Mayor", mayor_line), ("Focal point", focal_line)]  # fmt: skip
    speaker = [f"{mayor['honorific']} {mayor['name']}", mayor["post"] or f"Mayor of {city}"]
    if html:
        items = "".join(
            f'<li><div class="label">{label}</div>'
            + (f'<div class="value">{escape(value)}</div>' if value else "")
            + "</li>\n"
            for label, value in fields
        )
        quote = (
            f'<figure><span class="material-icons" aria-hidden="true">format_quote</span>'
            f"<blockquote><p>“{quotation}”</p></blockquote><figcaption><strong>"
            f"{escape(speaker[0])}</strong><br>{escape(speaker[1])}</figcaption></figure>\n"
            if quotation
            else ""
        )
        policies = "".join(f"<h3>{escape(h)}</h3><p>{t}</p>\n" for h, t in areas.values())
        done = "".join(f"<h3>{n}</h3><p>{d}</p>\n" for n, d in practices)
        body = (
            f"<h1>{escape(city)}, {country}</h1>\n<p>{intro}</p>\n<ul>{items}</ul>\n"
            f"<h2>Vision</h2>\n<p>{vision}</p>\n{quote}"
            f"<h2>Policies, plan and implementation</h2>\n{policies}"
            f"<h2>Good practices</h2>\n{done}"
        )
        return Page("", _html_page(city, country, url, body), facts)
    lines = [f"{city}, {country}", "", intro]
    for label, value in fields:
        lines += [rng.choice(("groups", "person")), label] + ([value] if value else [])
    lines += ["Source", url, "", "Vision", "", vision]
    if quotation:
        lines += ["format_quote", f"“{quotation}”", *speaker]
    lines += ["", "Policies, plan and implementation", ""]
    for heading, text in areas.values():
        lines += [heading, text]
    lines += ["", "Good practices", ""]
    for name, description in practices:
        lines += [name, description]
    return Page("", "\n".join(lines) + "\n", facts)


def _earlier_page(rng: random.Random, city: str, country: str, url: str, html: bool) -> Page:
    """A page of the earlier layout: indicators, tagline, the three sections, a disclaimer."""
    facts: dict[str, object] = {"layout": "earlier", "warned": []}
    warned: list[str] = facts["warned"]  # type: ignore[assignment]
    population = rng.randint(20_000, 9_000_000)
    indicators: list[tuple[str, str | None]] = [("City population", f"{population:,}")]
    stated = []
    for label, measure, of_country in INDICATOR_LABELS:
        written, fact = _indicator(rng, measure)
        if rng.random() < 0.08:
            indicators.append((label, None))  # the label without its value
            warned.append(label)
            continue
        indicators.append((label, written))
        stated.append({"measure": measure, "country": of_country, **fact})
    tagline = words(rng, 6).rstrip(".")
    vision, challenges, plan = words(rng, 30), words(rng, 15), words(rng, 30)
    items = [words(rng, 6) for _ in range(rng.randint(2, 4))]
    facts.update(
        population=population, approximate=False, member_since=None, mayor=None,
        focal_point=None, vision=vision, policies={}, practices=[], quotation=None,
        tagline=tagline, indicators=sorted(stated, key=lambda i: (i["measure"], i["country"])),
        sections={"challengesAndGoals": {"text": challenges, "items": items},
                  "planAndImplementation": {"text": plan, "items": []}},
    )  # fmt: skip
    if html:
        shown = "".join(
            f"<li><strong>{label}:</strong> {escape(value or '')}</li>\n"
            for label, value in indicators
        )
        listed = "".join(f"<li>{item}</li>" for item in items)
        body = (
            f"<h1>{escape(city)}, {country}</h1>\n<ul>{shown}</ul>\n<p><em>{tagline}</em></p>\n"
            f"<h2>Vision and motivation</h2>\n<p>{vision}</p>\n"
            f"<h2>Challenges and goals</h2>\n<p>{challenges}</p>\n<ul>{listed}</ul>\n"
            f"<h2>Plan and implementation</h2>\n<p>{plan}</p>\n<p><small>{DISCLAIMER}</small></p>"
        )
        return Page("", _html_page(city, country, url, body), facts)
    bullet = rng.choice(("•", "-"))
    lines = [f"{city}, {country}", ""]
    lines += [f"{bullet} {label}:" + (f" {value}" if value else "") for label, value in indicators]
    lines += [f"Source: {url}", "", tagline, "", "Vision and motivation", vision, ""]
    lines += ["Challenges and goals", challenges, *(f"{bullet} {item}" for item in items), ""]
    lines += ["Plan and implementation", plan, "", DISCLAIMER]
    return Page("", "\n".join(lines) + "\n", facts)


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _html_page(city: str, country: str, url: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>{escape(city)}, '
        f'{country}</title>\n<link rel="canonical" href="{url}"></head>\n<body><nav><ul><li>'
        f'<a href="/en">Home</a></ul></nav><main>\n{body}\n</main><footer><p>© UNESCO</p>'
        "</footer></body></html>\n"
    )


def profile_pages(count: int, seed: int = 0) -> Iterator[Page]:
    """`count` profile pages of both layouts, text and HTML, with seeded variation: officials
    with their title before the name, sentence-case headings, labels without their values,
    quotations, accents in names. Each page's facts are what an exact import recovers."""
    rng = random.Random(f"pages-{seed}")
    seen: set[str] = set()
    for _ in range(count):
        city, country, key = _page_city(rng, seen)
        url = f"{PROFILE_BASE}{key}"
        html = rng.random() < 0.5
        write = _earlier_page if rng.random() < 0.5 else _current_page
        page = write(rng, city, country[1], url, html)
        read_on = f"20{rng.randint(16, 26)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        page.name = f"{key}.{'html' if html else 'txt'}"
        page.facts.update(key=key, city=city, country=country[0], source=url, read_on=read_on)
        page.facts["title"] = f"{city}, {country[1]}"
        yield page


def write_pages(folder: Path, count: int, seed: int = 0) -> None:
    """The pages into `folder`, with `sources.csv` (each page's retrieval date, for `import
    --sources`) and `expected.json` (each city's facts by key)."""
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, object] = {}
    rows = ["file,source_url,read_on"]
    for page in profile_pages(count, seed):
        (folder / page.name).write_text(page.content, encoding="utf-8")
        rows.append(f"{page.name},,{page.facts['read_on']}")
        expected[str(page.facts["key"])] = page.facts
    (folder / "sources.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    text = json.dumps(expected, ensure_ascii=False, indent=1, sort_keys=True)
    (folder / "expected.json").write_text(text + "\n", encoding="utf-8")


# --- Reading the facts back from an import ------------------------------------------------------

QUERY_PREFIXES = """
PREFIX lc: <https://w3id.org/learningcity/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX sdmxdim: <http://purl.org/linked-data/sdmx/2009/dimension#>
PREFIX sdmxatt: <http://purl.org/linked-data/sdmx/2009/attribute#>
"""


def _rows(store: ox.Store, query: str) -> list[list[str | None]]:
    return [
        [None if term is None else term.value for term in row]
        for row in store.query(QUERY_PREFIXES + query)
    ]


def _city_key(city: str) -> str:
    return city.removeprefix(ID["city"])


def _number(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _post_fact(post: str | None, default: str, honorific: str, name: str) -> dict:
    return {"post": post or default, "honorific": honorific, "name": name}


def recovered_facts(store: ox.Store) -> dict[str, dict]:
    """Each city's facts as an imported dataset states them, in the terms of `expected.json`,
    so that a test or a benchmark can compare them with what the pages were generated from."""
    facts: dict[str, dict] = {}
    for city, name, country, source, read_on, title in _rows(
        store,
        "SELECT ?c ?n ?k ?s ?d ?t WHERE { ?c a lc:LearningCity ; schema:name ?n ; "
        "schema:containedInPlace ?k ; dcterms:source ?s . ?s lc:retrievedOn ?d ; "
        "dcterms:title ?t }",
    ):
        facts[_city_key(city)] = {
            "title": title,
            "city": name,
            "country": country.rsplit("/", 1)[1],
            "source": source,
            "read_on": read_on,
            "population": None,
            "approximate": False,
            "member_since": None,
            "mayor": None,
            "focal_point": None,
            "vision": None,
            "policies": {},
            "practices": [],
            "quotation": None,
            "tagline": None,
            "indicators": [],
            "sections": {},
        }
    for city, value, status in _rows(
        store,
        "SELECT ?c ?v ?s WHERE { ?o lc:population ?v ; sdmxdim:refArea ?c "
        "OPTIONAL { ?o sdmxatt:obsStatus ?s } }",
    ):
        facts[_city_key(city)].update(population=int(value), approximate=status is not None)
    for city, year in _rows(
        store,
        "SELECT ?c ?y WHERE { ?m org:member ?c ; org:memberDuring/time:hasBeginning/"
        "time:inXSDgYear ?y }",
    ):
        facts[_city_key(city)]["member_since"] = int(year)
    for city, role, label, honorific, name in _rows(
        store,
        "SELECT ?c ?r ?l ?h ?n WHERE { ?p org:postIn ?c ; org:role ?r ; rdfs:label ?l ; "
        "org:heldBy ?x . ?x schema:name ?n ; schema:honorificPrefix ?h }",
    ):
        field = "mayor" if role.endswith("mayorRole") else "focal_point"
        facts[_city_key(city)][field] = {"post": label, "honorific": honorific, "name": name}
    for city, vision, slogan in _rows(
        store,
        "SELECT ?c ?v ?s WHERE { ?c a lc:LearningCity OPTIONAL { ?c lc:vision ?v } "
        "OPTIONAL { ?c schema:slogan ?s } }",
    ):
        facts[_city_key(city)].update(vision=vision, tagline=slogan)
    for city, area, text in _rows(
        store,
        "SELECT ?c ?a ?t WHERE { ?c lc:hasPolicyStatement ?s . ?s lc:policyArea ?a ; "
        "schema:text ?t }",
    ):
        facts[_city_key(city)]["policies"][area.rsplit("/", 1)[1]] = text
    for city, name, description in _rows(
        store,
        "SELECT ?c ?n ?d WHERE { ?c lc:hasGoodPractice ?p . ?p schema:name ?n ; "
        "schema:description ?d }",
    ):
        facts[_city_key(city)]["practices"].append([name, description])
    for city, text, speaker in _rows(
        store,
        "SELECT ?c ?t ?n WHERE { ?q a schema:Quotation ; schema:about ?c ; schema:text ?t ; "
        "schema:spokenByCharacter/schema:name ?n }",
    ):
        facts[_city_key(city)]["quotation"] = {"text": text, "speaker": speaker}
    for row in _rows(
        store,
        "SELECT ?c ?m ?country ?v ?lo ?hi ?unit ?cur WHERE { ?o qb:measureType ?m ; "
        "qb:dataSet/dcterms:subject ?c ; sdmxdim:refArea ?a ; ?m ?x . "
        "BIND(EXISTS { ?a a schema:Country } AS ?country) "
        "OPTIONAL { ?x schema:value ?v } OPTIONAL { ?x schema:minValue ?lo } "
        "OPTIONAL { ?x schema:maxValue ?hi } OPTIONAL { ?x schema:unitCode ?unit } "
        "OPTIONAL { ?x schema:currency ?cur } FILTER(?m != lc:population) }",
    ):
        city, measure, country, value, low, high, unit, currency = row
        facts[_city_key(city)]["indicators"].append(
            {
                "measure": measure.rsplit("#", 1)[1],
                "country": country == "true",
                "value": _number(value),
                "min": _number(low),
                "max": _number(high),
                "unit": currency or (unit or "").rsplit("#", 1)[1],
            }
        )
    for city, kind, text, position, item in _rows(
        store,
        "SELECT ?c ?k ?t ?p ?i WHERE { VALUES ?k { lc:challengesAndGoals lc:planAndImplementation }"
        " ?c ?k ?s . OPTIONAL { ?s schema:text ?t } OPTIONAL { ?s schema:itemListElement ?e . "
        "?e schema:position ?p ; schema:description ?i } }",
    ):
        section = facts[_city_key(city)]["sections"].setdefault(
            kind.rsplit("#", 1)[1], {"text": text or "", "items": []}
        )
        if item is not None:
            section["items"].append((int(position), item))
    for city in facts.values():
        city["practices"].sort()
        city["indicators"].sort(key=lambda i: (i["measure"], i["country"]))
        for section in city["sections"].values():
            section["items"] = [text for _, text in sorted(section["items"])]
    return facts


def expected_facts(page: dict) -> dict:
    """The generator's facts in the dataset's terms: a post without a title is labelled with
    the default the importer writes; figures as decimals."""
    city = page["city"]
    want = {k: v for k, v in page.items() if k not in ("key", "layout", "warned")}
    want["tagline"] = page.get("tagline")
    want["sections"] = page.get("sections", {})
    want["indicators"] = [
        {**i, "value": _number(i["value"]), "min": _number(i["min"]), "max": _number(i["max"])}
        for i in page.get("indicators", [])
    ]
    if page["mayor"]:
        want["mayor"] = _post_fact(**page["mayor"], default=f"Mayor of {city}")
    if page["focal_point"]:
        default = f"Focal point of {city} for the network"
        want["focal_point"] = _post_fact(**page["focal_point"], default=default)
    return want


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="number of cities")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--defects", type=float, default=0.0, help="fraction of cities with one defect"
    )
    parser.add_argument("-o", "--output", type=Path, help="Turtle file (default: stdout)")
    parser.add_argument(
        "--pages",
        type=Path,
        metavar="DIR",
        help="write COUNT profile pages (both layouts, text and HTML) into DIR instead, with "
        "sources.csv and expected.json (the facts an import must recover)",
    )
    args = parser.parse_args(argv)
    if args.pages is not None:
        write_pages(args.pages, args.count, args.seed)
        return 0
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
