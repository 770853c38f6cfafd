"""A parsed profile as statements in the project's vocabulary, the way `data/yongsan.ttl` says it.

Why these choices: every statement the page supports is written, in English as the page writes
it, with `dcterms:source` the profile page; nothing the page does not say is added (no Korean
names, identifiers, coordinates, programme names, dates of office): those are curated
enrichments, layered on top (docs/import.md). The statements are a pure function of the profile
and the `ImportOptions`, so two imports with the same options give the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

import pyoxigraph as ox

from learningcity.iris import Minter, slug
from learningcity.namespaces import (
    DEFAULT_DATA_BASE,
    ONTOLOGY_IRI,
    POLICY_AREAS,
    STANDARD_PREFIXES,
    VOCAB,
)
from learningcity.profiles.model import Indicator, OtherPart, Person, Profile
from learningcity.terms import RDF_TYPE

T = TypeVar("T")
NS = {**STANDARD_PREFIXES, "lc": VOCAB, "lcpa": POLICY_AREAS}
SDMX_ATTRIBUTE = "http://purl.org/linked-data/sdmx/2009/attribute#"
SDMX_CODE = "http://purl.org/linked-data/sdmx/2009/code#"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
NETWORK_PROFILES = "https://www.uil.unesco.org/en/learning-cities/"
RIGHTS = (
    "The English prose is quoted verbatim from the profile published by the UNESCO Institute "
    "for Lifelong Learning; rights in that text remain with its publisher."
)
#: Vocabularies every imported dataset uses (void:vocabulary); curated layers add their own.
VOCABULARIES = ("dcat", "dcterms", "foaf", "lc", "lcpa", "org", "qb", "schema", "sdmxdim", "skos")


@dataclass(frozen=True)
class ImportOptions:
    """What the page cannot say: where it was read, when, and under which data base."""

    source_url: str
    read_on: dt.date
    base: str = DEFAULT_DATA_BASE


def iri(curie: str) -> ox.NamedNode:
    prefix, local = curie.split(":", 1)
    return ox.NamedNode(NS[prefix] + local)


def en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=iri(datatype))


A = RDF_TYPE
SOURCE = iri("dcterms:source")
LABEL = iri("rdfs:label")
NAME = iri("schema:name")


class _Builder:
    def __init__(self, profile: Profile, options: ImportOptions) -> None:
        self.profile = profile
        self.options = options
        self.mint = Minter(options.base)
        self.key = Minter.city_key(profile.country_code, profile.city)
        self.city = ox.NamedNode(self.mint.city(self.key))
        self.dataset = ox.NamedNode(self.mint.dataset(self.key))
        self.source = ox.NamedNode(options.source_url)
        self.quads: list[ox.Quad] = []

    def add(
        self, subject: ox.NamedNode, predicate: ox.NamedNode, obj: ox.Literal | ox.NamedNode
    ) -> None:
        self.quads.append(ox.Quad(subject, predicate, obj))

    def node(self, kind: str, local: str) -> ox.NamedNode:
        return ox.NamedNode(self.mint.part(kind, self.key, local))

    def org(self, local: str) -> ox.NamedNode:
        return ox.NamedNode(self.mint.organization(local))

    def build(self) -> list[ox.Quad]:
        self.city_node()
        self.source_document()
        self.dataset_node()
        self.organizations()
        self.population()
        self.membership()
        self.posts()
        self.policies()
        self.practices()
        self.others()
        self.quotations()
        self.indicators()
        self.sections()
        return sorted(set(self.quads), key=str)

    @property
    def earlier(self) -> bool:
        return self.profile.layout == "earlier"

    def city_node(self) -> None:
        p = self.profile
        self.add(self.city, A, iri("lc:LearningCity"))
        self.add(self.city, SOURCE, self.source)
        self.add(self.city, NAME, en(p.city))
        if p.introduction:
            self.add(self.city, iri("schema:description"), en(p.introduction))
        if p.vision:
            self.add(self.city, iri("lc:vision"), en(p.vision))
        if p.tagline:
            self.add(self.city, iri("schema:slogan"), en(p.tagline))
        if p.country:
            local = p.country_code or slug(p.country)
            country = ox.NamedNode(self.mint.country(local))
            self.add(self.city, iri("schema:containedInPlace"), country)
            self.add(country, A, iri("schema:Country"))
            self.add(country, NAME, en(p.country))

    def source_document(self) -> None:
        self.add(self.source, A, iri("foaf:Document"))
        self.add(self.source, iri("dcterms:publisher"), self.org("uil"))
        self.add(self.source, iri("dcterms:title"), en(self.profile.title))
        read_on = typed(self.options.read_on.isoformat(), "xsd:date")
        self.add(self.source, iri("lc:retrievedOn"), read_on)

    def dataset_node(self) -> None:
        d, p = self.dataset, self.profile
        for cls in ("dcat:Dataset", "qb:DataSet", "void:Dataset"):
            self.add(d, A, iri(cls))
        self.add(d, iri("dcterms:conformsTo"), ox.NamedNode(ONTOLOGY_IRI))
        self.add(d, iri("dcterms:creator"), self.org("learningcity"))
        self.add(d, iri("dcterms:publisher"), self.org("learningcity"))
        self.add(d, iri("dcterms:license"), ox.NamedNode(LICENSE))
        self.add(d, iri("dcterms:rights"), en(RIGHTS))
        self.add(d, iri("dcterms:modified"), typed(self.options.read_on.isoformat(), "xsd:date"))
        self.add(d, SOURCE, self.source)
        self.add(d, iri("dcterms:subject"), self.city)
        self.add(d, iri("dcterms:title"), en(f"{p.title}: learning city profile as linked data"))
        self.add(
            d,
            iri("dcterms:description"),
            en(
                f"The network profile of {p.city}, a member of the UNESCO Global Network of "
                "Learning Cities, as linked data: every statement of the profile, imported from "
                "the page by learningcity."
            ),
        )
        self.add(d, iri("void:exampleResource"), self.city)
        self.add(d, iri("void:uriSpace"), ox.Literal(self.options.base))
        used = VOCABULARIES + (("time",) if p.member_since else ())
        for prefix in used:
            self.add(d, iri("void:vocabulary"), ox.NamedNode(NS[prefix]))
        if (p.population and p.population.approximate) or any(i.approximate for i in p.indicators):
            self.add(d, iri("void:vocabulary"), ox.NamedNode(SDMX_ATTRIBUTE))

    def organizations(self) -> None:
        """The network, its secretariat and the publisher: fixed, as every dataset names them."""
        org_types = (iri("org:Organization"), iri("schema:Organization"))
        described = {
            "gnlc": ("UNESCO Global Network of Learning Cities", "GNLC", NETWORK_PROFILES[:-1]),
            "uil": ("UNESCO Institute for Lifelong Learning", "UIL", "https://www.uil.unesco.org/"),
            "unesco": ("UNESCO", None, "https://www.unesco.org/"),
            "learningcity": ("learningcity developers", None, "https://w3id.org/learningcity/"),
        }
        for local, (name, short, url) in described.items():
            node = self.org(local)
            for cls in org_types:
                self.add(node, A, cls)
            self.add(node, NAME, en(name))
            self.add(node, iri("schema:url"), ox.NamedNode(url))
            if short:
                self.add(node, iri("schema:alternateName"), en(short))
        self.add(self.org("learningcity"), NAME, ox.Literal("learningcity 개발자", language="ko"))
        self.add(self.org("uil"), iri("org:subOrganizationOf"), self.org("unesco"))

    def population(self) -> None:
        population = self.profile.population
        if population is None:
            return
        node = ox.NamedNode(self.mint.part("observation", self.key, "population"))
        self.add(node, A, iri("qb:Observation"))
        self.add(node, SOURCE, self.source)
        self.add(node, iri("lc:population"), typed(str(population.value), "xsd:integer"))
        self.add(node, iri("qb:dataSet"), self.dataset)
        self.add(node, iri("sdmxdim:refArea"), self.city)
        self.add(self.dataset, iri("qb:structure"), self.structure())
        if self.earlier:
            self.add(node, iri("qb:measureType"), iri("lc:population"))
        label = f"Population of {self.profile.city} as given by the network profile"
        self.add(node, LABEL, en(label))
        approximate = ", an approximate figure," if population.approximate else ""
        self.add(
            node,
            iri("skos:note"),
            en(
                f"The profile gives the city population as {population.as_written}{approximate} "
                "without a reference year or a statistical source, so this observation has no "
                "sdmxdim:refPeriod. Add one only from a source that states it."
            ),
        )
        if population.approximate:
            estimated = ox.NamedNode(SDMX_CODE + "obsStatus-E")
            self.add(node, ox.NamedNode(SDMX_ATTRIBUTE + "obsStatus"), estimated)

    def structure(self) -> ox.NamedNode:
        """The data-cube structure of the dataset: one measure (population), or the earlier
        layout's indicators, each observation naming its measure (`qb:measureType`)."""
        return iri("lc:indicatorStructure" if self.earlier else "lc:populationStructure")

    def indicators(self) -> None:
        """Each indicator an observation of the city (or of its country) whose measure's value
        is a `schema:QuantitativeValue` (`schema:MonetaryAmount` for money): the figure as
        `schema:value`, or the class as the bounds it states, with the unit and the words of
        the page."""
        for indicator in self.profile.indicators:
            name, local = _INDICATORS[indicator.measure]
            local += "-country" if indicator.country else ""
            node = ox.NamedNode(self.mint.part("observation", self.key, local))
            value = ox.NamedNode(self.mint.part("observation", self.key, local + "-value"))
            area = self.country_node() if indicator.country else self.city
            self.add(self.dataset, iri("qb:structure"), self.structure())
            self.add(node, A, iri("qb:Observation"))
            self.add(node, SOURCE, self.source)
            self.add(node, iri("qb:dataSet"), self.dataset)
            self.add(node, iri("sdmxdim:refArea"), area)
            self.add(node, iri("qb:measureType"), iri(f"lc:{indicator.measure}"))
            self.add(node, iri(f"lc:{indicator.measure}"), value)
            whose = self.profile.country if indicator.country else self.profile.city
            label = f"{name} of {whose} as given by the network "
            self.add(node, LABEL, en(label + "profile"))
            self.add(
                node,
                iri("skos:note"),
                en(
                    f"The profile of {self.profile.city} gives this figure as "
                    f"{indicator.as_written} without a reference year or a statistical source, "
                    "so this observation has no sdmxdim:refPeriod. Add one only from a source "
                    "that states it."
                ),
            )
            self.quantity(value, indicator)

    def quantity(self, node: ox.NamedNode, indicator: Indicator) -> None:
        money = indicator.measure == "gdpPerCapita"
        self.add(node, A, iri("schema:MonetaryAmount" if money else "schema:QuantitativeValue"))
        for predicate, number in (
            ("schema:value", indicator.value),
            ("schema:minValue", indicator.minimum),
            ("schema:maxValue", indicator.maximum),
        ):
            if number is not None:
                self.add(node, iri(predicate), typed(_decimal(number), "xsd:decimal"))
        if money:
            self.add(node, iri("schema:currency"), ox.Literal(indicator.unit))
        else:
            self.add(node, iri("schema:unitCode"), iri(f"lc:{indicator.unit}"))
        if indicator.unit_text:
            self.add(node, iri("schema:unitText"), ox.Literal(indicator.unit_text))
        self.add(node, iri("schema:description"), en(indicator.as_written))
        if indicator.approximate:
            estimated = ox.NamedNode(SDMX_CODE + "obsStatus-E")
            self.add(node, ox.NamedNode(SDMX_ATTRIBUTE + "obsStatus"), estimated)

    def country_node(self) -> ox.NamedNode:
        p = self.profile
        return ox.NamedNode(self.mint.country(p.country_code or slug(p.country or "")))

    def sections(self) -> None:
        """The earlier layout's sections, each a statement of the city linked by its own
        property (`lc:challengesAndGoals`); a bullet list is a `schema:ItemList` of
        `schema:ListItem`s in page order."""
        for section in self.profile.sections:
            local = _SECTION_SLUGS[section.kind]
            node = self.node("statement", local)
            self.add(self.city, iri(f"lc:{section.kind}"), node)
            self.add(node, A, iri("lc:ProfileStatement"))
            self.add(node, SOURCE, self.source)
            self.add(node, iri("schema:about"), self.city)
            self.add(node, iri("schema:isPartOf"), self.source)
            self.add(node, NAME, en(section.heading))
            self.add(node, LABEL, en(f"{self.profile.city}: {section.heading}"))
            if section.text:
                self.add(node, iri("schema:text"), en(section.text))
            if not section.items:
                continue
            self.add(node, A, iri("schema:ItemList"))
            self.add(node, iri("schema:itemListOrder"), iri("schema:ItemListOrderAscending"))
            count = str(len(section.items))
            self.add(node, iri("schema:numberOfItems"), typed(count, "xsd:integer"))
            for position, text in enumerate(section.items, start=1):
                item = self.node("statement", f"{local}-{position}")
                self.add(node, iri("schema:itemListElement"), item)
                self.add(item, A, iri("schema:ListItem"))
                self.add(item, iri("schema:position"), typed(str(position), "xsd:integer"))
                self.add(item, iri("schema:description"), en(text))

    def membership(self) -> None:
        city, year = self.profile.city, self.profile.member_since
        node = ox.NamedNode(self.mint.part("membership", self.key, "gnlc"))
        self.add(node, A, iri("org:Membership"))
        self.add(node, SOURCE, self.source)
        self.add(node, iri("org:member"), self.city)
        self.add(node, iri("org:organization"), self.org("gnlc"))
        self.add(node, LABEL, en(f"{city} in the UNESCO Global Network of Learning Cities"))
        if year is None:
            return
        interval = self.node("interval", "gnlc-membership")
        start = self.node("interval", "gnlc-membership-start")
        self.add(node, iri("org:memberDuring"), interval)
        self.add(interval, A, iri("time:Interval"))
        self.add(interval, LABEL, en(f"Membership of {city} in the network, from {year}"))
        self.add(interval, iri("time:hasBeginning"), start)
        self.add(start, A, iri("time:Instant"))
        self.add(start, LABEL, en(f"Start of the membership: {year} (Member since {year})"))
        self.add(start, iri("time:inXSDgYear"), typed(str(year), "xsd:gYear"))

    def posts(self) -> None:
        city = self.profile.city
        mayor = self.profile.mayor
        if mayor:
            title = mayor.post_title or f"Mayor of {city}"
            self.post("mayor", "lc:mayorRole", title, mayor.person)
        people = self.profile.focal_points
        for official in people:
            person = official.person
            local = "focal-point" if len(people) == 1 else f"focal-point-{slug(person.name)}"
            label = official.post_title or f"Focal point of {city} for the network"
            if len(people) > 1:
                label += f" ({person.name})"
            self.post(local, "lc:focalPointRole", label, person)

    def person(self, person: Person) -> ox.NamedNode:
        """The person's node, one per name: a post holder and a speaker of that name are one."""
        node = self.node("person", slug(person.name))
        self.add(node, A, iri("schema:Person"))
        self.add(node, NAME, en(person.name))
        if person.honorific:
            self.add(node, iri("schema:honorificPrefix"), ox.Literal(person.honorific))
        return node

    def post(self, local: str, role: str, label: str, person: Person) -> None:
        node = self.node("post", local)
        holder = self.person(person)
        self.add(node, A, iri("org:Post"))
        self.add(node, SOURCE, self.source)
        self.add(node, iri("org:heldBy"), holder)
        self.add(node, iri("org:postIn"), self.city)
        self.add(node, iri("org:role"), iri(role))
        self.add(node, LABEL, en(label))

    def policies(self) -> None:
        for statement in self.profile.policies:
            node = self.node("statement", statement.area)
            self.add(self.city, iri("lc:hasPolicyStatement"), node)
            self.add(node, A, iri("lc:PolicyStatement"))
            self.add(node, SOURCE, self.source)
            self.add(node, iri("lc:policyArea"), ox.NamedNode(POLICY_AREAS + statement.area))
            self.add(node, LABEL, en(f"{self.profile.city}: {statement.heading}"))
            self.add(node, iri("schema:text"), en(statement.text))

    def practices(self) -> None:
        for local, practice in _unique_slugs((p.heading, p) for p in self.profile.practices):
            node = self.node("practice", local)
            self.add(self.city, iri("lc:hasGoodPractice"), node)
            self.add(node, A, iri("lc:GoodPractice"))
            self.add(node, SOURCE, self.source)
            self.add(node, NAME, en(practice.heading))
            if practice.text:
                self.add(node, iri("schema:description"), en(practice.text))

    def others(self) -> None:
        """Unknown headings: a generic `schema:CreativeWork` part of the page, about the city,
        named by its section and heading, so nothing the page says is dropped."""
        named = ((f"{part.section} {part.heading}", part) for part in self.profile.others)
        for local, part in _unique_slugs(named):
            node = self.node("statement", local)
            self.add(self.city, iri("schema:subjectOf"), node)
            self.add(node, A, iri("schema:CreativeWork"))
            self.add(node, SOURCE, self.source)
            self.add(node, iri("schema:about"), self.city)
            self.add(node, iri("schema:isPartOf"), self.source)
            self.add(node, NAME, en(part.heading))
            self.add(node, LABEL, en(_other_label(self.profile.city, part)))
            if part.text:
                self.add(node, iri("schema:text"), en(part.text))

    def quotations(self) -> None:
        """A quotation is a `schema:Quotation` about the city, part of the page, attributed
        (`schema:spokenByCharacter`: "to whom the quotation is attributed within the containing
        CreativeWork") to the person the page names, with the attribution as written."""
        named = (("quotation", q) for q in self.profile.quotations)
        for local, quotation in _unique_slugs(named):
            node = self.node("statement", local)
            self.add(self.city, iri("schema:subjectOf"), node)
            self.add(node, A, iri("schema:Quotation"))
            self.add(node, SOURCE, self.source)
            self.add(node, iri("schema:about"), self.city)
            self.add(node, iri("schema:isPartOf"), self.source)
            self.add(node, iri("schema:spokenByCharacter"), self.person(quotation.speaker))
            self.add(node, iri("schema:creditText"), en(quotation.attribution))
            self.add(node, iri("schema:text"), en(quotation.text))
            label = f"{self.profile.city}: quotation of {quotation.speaker.name}"
            self.add(node, LABEL, en(label))


#: Each measure of the earlier layout's indicators: its name in labels, its IRIs' local part.
_INDICATORS = {
    "cityArea": ("City or urban area", "city-area"),
    "populationDensity": ("Population density", "population-density"),
    "gdpPerCapita": ("GDP per capita", "gdp-per-capita"),
    "averageYearsOfSchooling": ("Average years of schooling", "average-years-of-schooling"),
}
_SECTION_SLUGS = {
    "challengesAndGoals": "challenges-and-goals",
    "planAndImplementation": "plan-and-implementation",
}


def _decimal(number: Decimal) -> str:
    """The canonical xsd:decimal form: no exponent, no trailing zeros after the point."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _other_label(city: str, part: OtherPart) -> str:
    if part.section == part.heading:
        return f"{city}: {part.section}"
    return f"{city}: {part.section}: {part.heading}"


def _unique_slugs(named: Iterable[tuple[str, T]]) -> list[tuple[str, T]]:
    """Slugs of names, numbered `-2`, `-3` ... when two parts would mint the same IRI."""
    seen: dict[str, int] = {}
    out = []
    for name, item in named:
        base = slug(name) or "part"
        seen[base] = seen.get(base, 0) + 1
        out.append((base if seen[base] == 1 else f"{base}-{seen[base]}", item))
    return out


def build_graph(profile: Profile, options: ImportOptions) -> list[ox.Quad]:
    """The statements of one profile, sorted (deterministic)."""
    return _Builder(profile, options).build()


def guessed_source_url(profile: Profile) -> str:
    """The network's address pattern for a profile page; used only with a warning."""
    return NETWORK_PROFILES + slug(profile.city)
