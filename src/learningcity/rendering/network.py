"""The network as a whole: which cities are members, in which country and region, since which
year, in which policy areas and so for which SDGs; the facts behind the home page's summary and
charts and the index pages (`network/countries`, ...), read once from the data and the ontology.

Each fact follows the model (docs/model.md): the country is the `schema:Country` a city's
`schema:containedInPlace` chain reaches; the year is the `time:inXSDgYear` of the beginning of
its `org:Membership`; its policy areas are those of its `lc:hasPolicyStatement`s; its SDGs the
goals the ontology maps those areas to (`lc:contributesToSdg`, a target counted for its goal).
A missing fact puts the city under "not known", in sight, never under a guess.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final

import pyoxigraph as ox

from learningcity.namespaces import STANDARD_PREFIXES, VOCAB
from learningcity.rendering.regions import REGIONS, UNKNOWN, region_name, region_of
from learningcity.rendering.statements import Statements
from learningcity.terms import LEARNING_CITY, RDF_TYPE

_S = STANDARD_PREFIXES
_CONTAINED_IN = ox.NamedNode(_S["schema"] + "containedInPlace")
_COUNTRY = ox.NamedNode(_S["schema"] + "Country")
_MEMBER = ox.NamedNode(_S["org"] + "member")
_MEMBER_DURING = ox.NamedNode(_S["org"] + "memberDuring")
_ORGANIZATION = ox.NamedNode(_S["org"] + "organization")
_BEGINNING = ox.NamedNode(_S["time"] + "hasBeginning")
_YEAR = ox.NamedNode(_S["time"] + "inXSDgYear")
_STATEMENT = ox.NamedNode(VOCAB + "hasPolicyStatement")
_POLICY_AREA = ox.NamedNode(VOCAB + "policyArea")
_SDG = ox.NamedNode(VOCAB + "contributesToSdg")
_CATALOG = ox.NamedNode(_S["dcat"] + "Catalog")
SDG: Final = _S["sdg"]
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

#: The index pages, in the order the home page lists them; each at `network/<name>`.
INDEXES: Final = ("countries", "regions", "years", "policy-areas", "sdgs")
FOLDER: Final = "network/"


@dataclass(frozen=True)
class Member:
    """What the index pages need to know about one member city."""

    city: ox.NamedNode
    country: ox.NamedNode | None
    region: str
    year: str | None
    policy_areas: frozenset[ox.NamedNode]
    goals: frozenset[int]


@dataclass(frozen=True)
class Group:
    """One heading of an index page and its cities: `term` when the heading is a resource (a
    country, a policy area, an SDG), else `names` (English, Korean) for a region, a year or
    "not known"; `anchor` is its fragment on the page."""

    anchor: str
    cities: tuple[ox.NamedNode, ...]
    term: ox.NamedNode | None = None
    names: tuple[str, str] | None = None

    def name(self, language: str) -> str | None:
        if self.names is None:
            return None
        return self.names[1] if language == "ko" else self.names[0]


#: "not known" headings, per index.
UNKNOWN_HEADINGS: Final = {
    "countries": ("Country not known", "국가 미상"),
    "years": ("Year not known", "연도 미상"),
    "policy-areas": ("No policy area stated", "정책 분야 없음"),
    "sdgs": ("No SDG through a policy area", "정책 분야를 통한 SDG 없음"),
}


def members(graph: Statements, vocabulary: ox.Dataset | None) -> list[Member]:
    """Every `lc:LearningCity` of `graph` (named by an IRI), in IRI order."""
    cities = sorted(
        (
            q.subject
            for q in graph.quads_for_object(LEARNING_CITY)
            if q.predicate == RDF_TYPE and isinstance(q.subject, ox.NamedNode)
        ),
        key=lambda node: node.value,
    )
    goals = _goals_of_areas(vocabulary) if vocabulary is not None else {}
    links = _Links(graph)
    found = []
    for city in dict.fromkeys(cities):
        country = links.country(city)
        areas = frozenset(
            area
            for statement in links.nodes(city, _STATEMENT)
            for area in links.nodes(statement, _POLICY_AREA)
            if isinstance(area, ox.NamedNode)
        )
        code = country.value.rsplit("/", 1)[-1] if country is not None else ""
        found.append(
            Member(
                city=city,
                country=country,
                region=region_of(code),
                year=links.year(city),
                policy_areas=areas,
                goals=frozenset(g for area in areas for g in goals.get(area, ())),
            )
        )
    return found


def groups(index: str, found: Iterable[Member]) -> list[Group]:
    """The headings of the index page `index` and the cities under each, "not known" last.
    Countries and policy areas come in IRI order: the page sorts them by their label."""
    found = list(found)
    unknown = UNKNOWN_HEADINGS.get(index)
    if index == "regions":
        by_region = _grouped((m.region, m.city) for m in found)
        order = [*REGIONS, UNKNOWN]
        return [
            Group(f"region-{key}", tuple(by_region[key]), names=_region_names(key))
            for key in order
            if key in by_region
        ]
    if index == "years":
        by_year = _grouped((m.year or "", m.city) for m in found)
        return [
            Group(
                f"year-{year or 'unknown'}", tuple(cities), names=(year, year) if year else unknown
            )
            for year, cities in sorted(by_year.items(), key=lambda kv: (not kv[0], kv[0]))
        ]
    keyed: Callable[[Member], Iterable[str]] = {
        "countries": lambda m: [m.country.value] if m.country is not None else [""],
        "policy-areas": lambda m: sorted(a.value for a in m.policy_areas) or [""],
        "sdgs": lambda m: [f"{SDG}{g}" for g in sorted(m.goals)] or [""],
    }[index]
    by_term = _grouped((key, m.city) for m in found for key in keyed(m))
    known = [key for key in by_term if key]
    if index == "sdgs":
        known.sort(key=lambda iri: int(iri[len(SDG) :]))
    else:
        known.sort()
    listed = [
        Group(f"{index}-{_anchor(key)}", tuple(by_term[key]), term=ox.NamedNode(key))
        for key in known
    ]
    if "" in by_term:
        listed.append(Group(f"{index}-unknown", tuple(by_term[""]), names=unknown))
    return listed


def home_node(graph: Statements, found: list[Member]) -> ox.NamedNode | None:
    """What the home page is titled by: with one city, its dataset (`dcat:Dataset`, as before);
    with more, the catalogue that holds their datasets, else the organization their memberships
    are in (the network), else nothing (the page says "Learning cities")."""
    from_type = sorted(
        (q.subject for q in graph.quads_for_object(_CATALOG) if q.predicate == RDF_TYPE),
        key=str,
    )
    catalogue = next((n for n in from_type if isinstance(n, ox.NamedNode)), None)
    if len(found) > 1 and catalogue is not None:
        return catalogue
    if len(found) > 1:
        links = _Links(graph, (_MEMBER, _ORGANIZATION))
        networks = {
            organization
            for m in found
            for membership in links.subjects(_MEMBER, m.city)
            for organization in links.objects(membership, _ORGANIZATION)
            if isinstance(organization, ox.NamedNode)
        }
        return next(iter(networks)) if len(networks) == 1 else None
    return None


def _region_names(key: str) -> tuple[str, str]:
    return (region_name(key, "en"), region_name(key, "ko"))


def _anchor(iri: str) -> str:
    """A fragment for a heading: the IRI's last segment (`kr`, `equity-and-inclusion`, `4`)."""
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _grouped(pairs: Iterable[tuple[str, ox.NamedNode]]) -> dict[str, list[ox.NamedNode]]:
    grouped: dict[str, list[ox.NamedNode]] = defaultdict(list)
    for key, city in pairs:
        grouped[key].append(city)
    return grouped


#: The predicates the facts of a member follow (`_Links`).
_FOLLOWED: Final = (
    _CONTAINED_IN,
    _STATEMENT,
    _POLICY_AREA,
    _MEMBER,
    _MEMBER_DURING,
    _BEGINNING,
    _YEAR,
)


class _Links:
    """The statements of `predicates`, read once each and held by subject and by object: at
    10,000 cities a lookup by subject per fact read each city's and each country's statements
    again (about 100,000 reads of a store on disk, 9 s of the first index page)."""

    def __init__(self, graph: Statements, predicates: Iterable[ox.NamedNode] = _FOLLOWED) -> None:
        self._objects: dict[tuple[Term, ox.NamedNode], list[Term]] = defaultdict(list)
        self._subjects: dict[tuple[ox.NamedNode, Term], list[ox.NamedNode | ox.BlankNode]] = (
            defaultdict(list)
        )
        for predicate in predicates:
            for q in graph.quads_for_predicate(predicate):
                if isinstance(q.subject, ox.Triple):  # pyoxigraph's stubs allow one
                    continue
                self._objects[q.subject, predicate].append(q.object)
                self._subjects[predicate, q.object].append(q.subject)
        self._countries = {
            q.subject for q in graph.quads_for_object(_COUNTRY) if q.predicate == RDF_TYPE
        }

    def objects(self, subject: Term, predicate: ox.NamedNode) -> list[Term]:
        return self._objects.get((subject, predicate), [])

    def nodes(self, subject: Term, predicate: ox.NamedNode) -> list[ox.NamedNode | ox.BlankNode]:
        """The objects of `predicate` that statements can be about (no literals)."""
        return [
            o
            for o in self.objects(subject, predicate)
            if isinstance(o, ox.NamedNode | ox.BlankNode)
        ]

    def subjects(self, predicate: ox.NamedNode, value: Term) -> list[ox.NamedNode | ox.BlankNode]:
        return self._subjects.get((predicate, value), [])

    def country(self, city: ox.NamedNode) -> ox.NamedNode | None:
        """The first `schema:Country` up the `schema:containedInPlace` chain (cycles end it)."""
        pending, seen = [city], {city}
        while pending:
            place = pending.pop(0)
            for parent in sorted(self.nodes(place, _CONTAINED_IN), key=str):
                if not isinstance(parent, ox.NamedNode) or parent in seen:
                    continue
                if parent in self._countries:
                    return parent
                seen.add(parent)
                pending.append(parent)
        return None

    def year(self, city: ox.NamedNode) -> str | None:
        """The earliest year a membership of the city begins in, as the data writes it."""
        years = [
            year.value
            for membership in self.subjects(_MEMBER, city)
            for interval in self.nodes(membership, _MEMBER_DURING)
            for instant in self.nodes(interval, _BEGINNING)
            for year in self.objects(instant, _YEAR)
            if isinstance(year, ox.Literal)
        ]
        return min(years) if years else None


def _goals_of_areas(vocabulary: ox.Dataset) -> dict[ox.NamedNode, set[int]]:
    """Policy area -> the SDGs (goal numbers) the ontology maps it to; `sdg:4.3` counts for 4."""
    goals: dict[ox.NamedNode, set[int]] = defaultdict(set)
    for quad in vocabulary.quads_for_predicate(_SDG):
        target = quad.object.value if isinstance(quad.object, ox.NamedNode) else ""
        if isinstance(quad.subject, ox.NamedNode) and target.startswith(SDG):
            number = target[len(SDG) :].split(".", 1)[0]
            if number.isdigit():
                goals[quad.subject].add(int(number))
    return goals
