"""HTML pages from Jinja2 templates: a resource page, the dataset index, the query page, 404.

Rendering is a pure function of the graph, the resource, the language and the IRI scheme, so
the same `PageRenderer` can later write a static site; nothing here knows about HTTP.
"""

from __future__ import annotations

import difflib
import json
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NamedTuple

import jinja2
import pyoxigraph as ox
from markupsafe import Markup

from learningcity.formats import syntax_named
from learningcity.namespaces import prefixes
from learningcity.query import list_named_queries
from learningcity.rendering import network
from learningcity.rendering.charts import Bar, bar_chart
from learningcity.rendering.describe import Described, dataset_node, described
from learningcity.rendering.iris import IriScheme, representation_url
from learningcity.rendering.labels import LANGUAGES, Labeller, Text, choose, pick
from learningcity.rendering.representations import REPRESENTATIONS
from learningcity.rendering.statements import Statements
from learningcity.resources import queries_dir
from learningcity.serialize import serialize
from learningcity.terms import RDF_TYPE, XSD_STRING

#: The pages' style sheet and scripts, served at `/static/` and copied into a static site.
STATIC_DIR = Path(__file__).parent / "static"
#: Index entries shown per class; the rest are one SPARQL query away (linked from the page).
INDEX_LIMIT = 50
#: The index pages drawn as a chart, in the order the home page shows them.
CHARTS = ("years", "regions", "sdgs")
_S = "http://purl.org/dc/terms/"
_LANGUAGE_NAMES = {"en": "English", "ko": "한국어"}

UI: dict[str, dict[str, str]] = {
    "en": {
        "site": "Learning cities",
        "skip": "Skip to content",
        "nav": "Site",
        "languages": "Language",
        "iri": "IRI",
        "types": "Type",
        "properties": "Statements",
        "incoming": "Referred to by",
        "formats": "Other formats",
        "resources": "Resources",
        "more": "more",
        "queries": "Example queries",
        "run": "Run",
        "query": "SPARQL query",
        "format": "Result format",
        "results": "Results",
        "no_results": "No results.",
        "not_found": "Not found",
        "not_found_text": "There is no resource with this IRI in the data.",
        "did_you_mean": "Did you mean",
        "home": "Home",
        "missing": "translation missing",
        "no_label": "no label known: the term's compact IRI",
        "network": "The network",
        "summary": "Member cities: {cities}. Countries: {countries}.",
        "joined": "Years of joining: {first} to {last}.",
        "index-countries": "Members by country",
        "index-regions": "Members by region",
        "index-years": "Members by year of joining",
        "index-policy-areas": "Members by policy area",
        "index-sdgs": "Members by Sustainable Development Goal",
        "chart-years": "Member cities per year of joining",
        "chart-regions": "Member cities per UNESCO region",
        "chart-sdgs": "Member cities per SDG, through their policy areas",
        "chart-desc": "Bar chart; number of member cities for each bar:",
        "note-regions": "UNESCO's regions, from each city's country.",
        "note-sdgs": "A city counts for a goal through the policy areas of its statements; the "
        "links from policy areas to the goals are the learningcity project's proposal, not the "
        "network's.",
        "endpoint": "SPARQL endpoint",
        "truncated": "Only the first {n} rows are shown.",
    },
    "ko": {
        "site": "학습도시",
        "skip": "본문으로 건너뛰기",
        "nav": "사이트",
        "languages": "언어",
        "iri": "IRI",
        "types": "유형",
        "properties": "진술",
        "incoming": "참조하는 자원",
        "formats": "다른 형식",
        "resources": "자원",
        "more": "더 보기",
        "queries": "예제 질의",
        "run": "실행",
        "query": "SPARQL 질의",
        "format": "결과 형식",
        "results": "결과",
        "no_results": "결과가 없습니다.",
        "not_found": "찾을 수 없음",
        "not_found_text": "데이터에 이 IRI를 가진 자원이 없습니다.",
        "did_you_mean": "혹시 이것을 찾으셨나요",
        "home": "처음",
        "missing": "번역 없음",
        "no_label": "알려진 이름 없음: 용어의 축약 IRI",
        "network": "네트워크",
        "summary": "회원 도시 {cities}곳, 국가 {countries}개.",
        "joined": "가입 연도: {first}년부터 {last}년까지.",
        "index-countries": "국가별 회원 도시",
        "index-regions": "지역별 회원 도시",
        "index-years": "가입 연도별 회원 도시",
        "index-policy-areas": "정책 분야별 회원 도시",
        "index-sdgs": "지속가능발전목표(SDG)별 회원 도시",
        "chart-years": "가입 연도별 회원 도시 수",
        "chart-regions": "유네스코 지역별 회원 도시 수",
        "chart-sdgs": "SDG별 회원 도시 수(정책 분야를 통해)",
        "chart-desc": "막대 그래프. 막대별 회원 도시 수:",
        "note-regions": "각 도시의 국가에 따른 유네스코 지역입니다.",
        "note-sdgs": "도시는 진술의 정책 분야를 통해 목표에 포함됩니다. 정책 분야와 목표의 "
        "연결은 learningcity 프로젝트의 제안이며 네트워크의 것이 아닙니다.",
        "endpoint": "SPARQL 엔드포인트",
        "truncated": "처음 {n}개 행만 표시합니다.",
    },
}


@cache
def ui_words(language: str) -> SimpleNamespace:
    """`UI[language]` as attributes, as the templates read it (`ui.site`): Jinja looks `x.y` up
    as an attribute first, so each word of a dict cost a raised and caught AttributeError
    (about 12 per page)."""
    return SimpleNamespace(**UI[language])


#: The templates ship with the package and do not change while it runs, so Jinja is not asked
#: to check their files again for every page (`auto_reload`: a stat of each template, and of
#: each one it extends or imports, per page: 3.1 against 0.8 µs a `get_template`, measured).
_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    auto_reload=False,
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)


#: The distinct texts, links and values whose HTML a process keeps, per macro and language.
FRAGMENTS_KEPT = 1 << 16


@dataclass(frozen=True)
class Link:
    text: Text
    href: str | None
    iri: str


@dataclass(frozen=True)
class ClassMembers:
    """A class on the home page: how many of the data's resources it types, and the IRIs of the
    first `INDEX_LIMIT` of them by label (`_by_label`) in one language."""

    iri: str
    count: int
    first: tuple[str, ...]


@dataclass(frozen=True)
class Listing:
    """What the pages about the whole data list, which takes reading every statement of a kind:
    the IRIs of the data's subjects, sorted (a 404 page's suggestions), the home page's classes
    in each language, the network's member cities and what titles the home page
    (`network.home_node`). `learningcity load` records it in a store, so that a store's first
    home page, index page and 404 read a file instead (seconds each at network size)."""

    subjects: list[str]
    classes: dict[str, list[ClassMembers]]
    members: list[network.Member]
    home: ox.NamedNode | None


class Alternate(NamedTuple):
    """A representation of a page's document, linked from its head and its list of formats; a
    tuple, whose fields the templates read as attributes without the failed attribute lookup a
    dict's keys cost (Jinja tries `getattr` first: 35 per resource page)."""

    label: str
    href: str
    media_type: str


class MemberLink(NamedTuple):
    """A member city on the index pages: where it sorts (`_by_label`) and its link."""

    order: tuple[str, str]
    html: Markup


@dataclass(frozen=True)
class Value:
    """An object shown on a page: a link, or a literal with its datatype's short name."""

    link: Link | None = None
    text: Text | None = None
    datatype: Text | None = None


@dataclass(frozen=True)
class Statement:
    predicate: Link
    values: list[Value] = field(default_factory=list)


@dataclass(frozen=True)
class ExampleQuery:
    name: str
    title: str
    text: str


class Fragments:
    """The macros of `_macros.html` in one language, each distinct argument written once.

    Every page writes its terms, links and values with these macros, and pages repeat most of
    what they show (predicates, classes, the countries and policy areas every city links to);
    a Jinja macro call costs about ten times a cached lookup. The arguments are frozen
    dataclasses, so equal ones give the same HTML: each macro's result is a function of its
    argument and the language alone.
    """

    def __init__(self, language: str) -> None:
        # a template's macros are attributes made at run time, unknown to jinja2's types
        macros: Any = _ENVIRONMENT.get_template("_macros.html").make_module(
            {"lang": language, "ui": ui_words(language)}
        )
        self.text: Callable[[Text], Markup] = lru_cache(FRAGMENTS_KEPT)(macros.text)
        self.link: Callable[[Link], Markup] = lru_cache(FRAGMENTS_KEPT)(macros.link)
        self.value: Callable[[Value], Markup] = lru_cache(FRAGMENTS_KEPT)(macros.value)


@cache
def fragments(language: str) -> Fragments:
    """The one `Fragments` of `language` in this process, which every page in it calls."""
    return Fragments(language)


def example_queries(scheme: IriScheme, data_base: str) -> list[ExampleQuery]:
    """The bundled named queries, their IRIs moved to where this server publishes the data."""
    folder = queries_dir()
    if not folder.is_dir():
        return []
    return [
        ExampleQuery(q.name, q.title or q.name, q.text.replace(data_base, scheme.base))
        for q in list_named_queries(folder)
    ]


def embedded_json(data: bytes) -> str:
    """JSON text safe inside `<script>`: no `</script>` or `<!--` can end the element early."""
    compact = json.dumps(json.loads(data), ensure_ascii=False, separators=(",", ":"))
    return compact.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class PageRenderer:
    """Renders pages about `graph`; `vocabulary` (the ontology) supplies property labels."""

    def __init__(
        self,
        graph: Statements,
        scheme: IriScheme,
        vocabulary: ox.Dataset | None = None,
        queries: Sequence[ExampleQuery] = (),
        notice: str | None = None,
        listing: Callable[[], Listing] | None = None,
    ) -> None:
        self.graph = graph
        #: The recorded `Listing` of the data (a store's), else it is read from the graph.
        self.listing = listing
        #: A warning shown atop every page (the static site's "not validated" banner).
        self.notice = notice
        self.scheme = scheme
        self.namespaces = prefixes(scheme.base)
        graphs = [graph] if vocabulary is None else [graph, vocabulary]
        self.labels = Labeller(graphs, self.namespaces)
        self.vocabulary = vocabulary
        self._member_links: dict[str, dict[ox.NamedNode, MemberLink]] = {}
        self.queries = tuple(queries)

    # -- building blocks -------------------------------------------------------------------

    def href(self, iri: str) -> str | None:
        """Local things link to their document (no 303 hop), the vocabulary's terms to the copy
        served under the same root; other IRIs link to themselves."""
        local = self.scheme.doc_for(iri) or self.scheme.local_copy(iri)
        if local is not None:
            return local
        return iri if iri.startswith(("http://", "https://")) else None

    def link(self, term: ox.NamedNode | ox.BlankNode, language: str) -> Link:
        return self._linked(term, self.labels.label(term, language))

    def _linked(self, term: ox.NamedNode | ox.BlankNode, text: Text) -> Link:
        if isinstance(term, ox.BlankNode):
            return Link(text, None, f"_:{term.value}")
        return Link(text, self.href(term.value), term.value)

    def literal(self, literal: ox.Literal, language: str, fallback: bool = False) -> Value:
        """A literal, with its datatype's label in `language` unless it is plain text."""
        plain = literal.language or literal.datatype == XSD_STRING
        datatype = None if plain else self.labels.label(literal.datatype, language)
        return Value(text=Text(literal.value, literal.language, fallback), datatype=datatype)

    def cell(
        self, term: ox.NamedNode | ox.BlankNode | ox.Literal | None, language: str
    ) -> Value | None:
        """A result-table cell: a link for IRIs, the value for literals, nothing when unbound."""
        if term is None:
            return None
        if isinstance(term, ox.Literal):
            return self.literal(term, language)
        return Value(link=self.link(term, language))

    def statements(self, quads: list[ox.Quad], language: str) -> list[Statement]:
        by_predicate: dict[ox.NamedNode, list[ox.Quad]] = defaultdict(list)
        for quad in quads:
            by_predicate[quad.predicate].append(quad)
        rows = []
        for predicate, group in by_predicate.items():
            literals = [q.object for q in group if isinstance(q.object, ox.Literal)]
            values = [
                Value(link=self.link(q.object, language))
                for q in group
                if isinstance(q.object, ox.NamedNode | ox.BlankNode)
            ] + [
                self.literal(lit, language, fallback)
                for lit, fallback in choose(literals, language)
            ]
            rows.append(Statement(self.link(predicate, language), values))
        return sorted(rows, key=lambda s: _by_label(s.predicate))

    def alternates(self, thing: str) -> list[Alternate]:
        doc = self.scheme.document_for(thing)
        return [
            Alternate(r.label, representation_url(doc, r.extension), r.media_type)
            for r in REPRESENTATIONS
        ]

    def language_links(self, path: str) -> Mapping[str, str] | None:
        """Each translation of the page at `path` under the root, or None for the server's
        `?lang=` (a static site overrides this with its per-language files)."""
        return None

    def page(self, template: str, language: str, path: str, **context: object) -> str:
        """A page at `path` under the root, from `template`, linked to its translations."""
        return self._page(template, language, self.language_links(path), path, **context)

    def _page(
        self,
        template: str,
        language: str,
        language_links: Mapping[str, str] | None = None,
        path: str | None = None,
        **context: object,
    ) -> str:
        """`language_links` (code -> href) name each translation of the page; the server's
        default is `?lang=`, a static site links its per-language files instead. A page whose
        `path` under the root is known links the style sheet relatively (`relative_root`)."""
        links = language_links or {code: f"?lang={code}" for code in LANGUAGES}
        languages = [(code, _LANGUAGE_NAMES[code], links[code]) for code in LANGUAGES]
        static = self.scheme.root if path is None else relative_root(path)
        macros = fragments(language)
        return _ENVIRONMENT.get_template(template).render(
            text=macros.text,
            link=macros.link,
            value=macros.value,
            lang=language,
            ui=ui_words(language),
            root=self.scheme.root,
            static=static + "static/",
            languages=languages,
            notice=self.notice,
            **context,
        )

    def _path_of(self, iri: str) -> str | None:
        """The path under the root of the page about `iri` (`doc/city/x`, `policy-area/x`)."""
        document = self.scheme.document_for(iri)
        return document[len(self.scheme.root) :] if self.scheme.is_local(document) else None

    # -- pages -----------------------------------------------------------------------------

    def resource(
        self,
        resource: ox.NamedNode,
        language: str,
        jsonld: bytes | None = None,
        language_links: Mapping[str, str] | None = None,
    ) -> str:
        """The page of one resource; `jsonld` (else its own description) is embedded."""
        about = described(self.graph, resource)
        return self.resource_page(about, language, self.embedded(about, jsonld), language_links)

    def embedded(self, about: Described, jsonld: bytes | None = None) -> str | None:
        """The JSON-LD the pages of a resource embed: `jsonld`, else its description written
        now; none for a resource without statements of its own."""
        if not about.quads:
            return None
        if jsonld is None:
            jsonld = serialize(about.quads, syntax_named("jsonld"), self.namespaces)
        return embedded_json(jsonld)

    def resource_page(
        self,
        about: Described,
        language: str,
        jsonld: str | None,
        language_links: Mapping[str, str] | None = None,
    ) -> str:
        """The page of the resource `about` describes in `language`, embedding `jsonld`
        (`embedded`): a site makes both from one `Described` for all its pages."""
        resource = about.resource
        own = [q for q in about.quads if q.subject == resource]
        # A class is an IRI or a blank node; a literal given as a type (data may say anything)
        # is shown as the statement it is.
        typed = {
            q: o
            for q in own
            if q.predicate == RDF_TYPE and isinstance(o := q.object, ox.NamedNode | ox.BlankNode)
        }
        # Its terms come written (`Fragments`): a call from a template costs more than the
        # cached macro it calls, and a page has dozens.
        html = fragments(language)
        types = [html.link(self.link(o, language)) for o in typed.values()]
        statements = [
            (html.link(s.predicate), [html.value(v) for v in s.values])
            for s in self.statements([q for q in own if q not in typed], language)
        ]
        pointing = [
            (html.link(self.link(q.subject, language)), html.link(self.link(q.predicate, language)))
            for q in about.incoming
            if not isinstance(q.subject, ox.Triple)  # pyoxigraph's stubs allow one; 0.5 does not
        ]
        return self._page(
            "resource.html",
            language,
            language_links,
            self._path_of(resource.value),
            title=self.labels.label(resource, language),
            iri=resource.value,
            types=types,
            statements=statements,
            incoming=pointing,
            alternates=self.alternates(resource.value),
            jsonld=jsonld,
        )

    def index(
        self,
        language: str,
        language_links: Mapping[str, str] | None = None,
        template: str = "index.html",
        **extra: object,
    ) -> str:
        """The home page: titled for the network (`network.home_node`), or for the one city's
        dataset; the network's summary, index pages and charts; resources by class; example
        queries. A static site extends the template (`template`, `extra`) with its downloads."""
        node = self.home_node
        if node is None and len(self.members) <= 1:
            node = dataset_node(self.graph)
        title = self.labels.label(node, language) if node else Text(UI[language]["site"])
        description_text = self._literals(node, _S + "description", language) if node else []
        return self._page(
            template,
            language,
            language_links,
            "",
            title=title,
            description=description_text,
            dataset=self.link(node, language) if node else None,
            network=self._network_home(language),
            classes=self._classes(language),
            queries=self.queries,
            alternates=[],
            **extra,
        )

    # -- the network -------------------------------------------------------------------------

    @cached_property
    def members(self) -> list[network.Member]:
        """The member cities, read once (only the home and the index pages need them), or as
        recorded (`Listing`)."""
        if self.listing is not None:
            return self.listing().members
        return network.members(self.graph, self.vocabulary)

    @cached_property
    def home_node(self) -> ox.NamedNode | None:
        """What titles the home page (`network.home_node`), found once or as recorded."""
        if self.listing is not None:
            return self.listing().home
        return network.home_node(self.graph, self.members)

    def member_links(self, language: str) -> Mapping[ox.NamedNode, MemberLink]:
        """Each member city's link as HTML in `language` and where it sorts, made once and
        labelled in one pass: the five index pages list every city, and at network scale one
        template call (and one label lookup) per city and page was most of their cost."""
        if language not in self._member_links:
            html = fragments(language).link
            cities = [m.city for m in self.members]
            labels = self.labels.labels(cities, language)
            made: dict[ox.NamedNode, MemberLink] = {}
            for city in cities:
                link = self._linked(city, labels[city])
                made[city] = MemberLink(_by_label(link), html(link))
            self._member_links[language] = made
        return self._member_links[language]

    def href_in(self, path: str, language: str) -> str:
        """The link to the page at `path` under the root in `language` (the server's `?lang=`;
        a static site links its per-language file)."""
        return f"{self.scheme.root}{path}?lang={language}"

    def network_page(self, name: str, language: str) -> str:
        """The index page `network/<name>`: the network's cities under each country, region,
        year of joining, policy area or SDG, with a chart where one is drawn."""
        ui = UI[language]
        links = self.member_links(language)
        headed = [(self._heading(g, language), g) for g in network.groups(name, self.members)]
        if name in ("countries", "policy-areas"):  # by label, "not known" staying last
            headed.sort(key=lambda hg: (hg[0].iri == "", _by_label(hg[0])))
        sections = [
            {
                "anchor": group.anchor,
                "heading": heading,
                "cities": [
                    links[city].html for city in sorted(group.cities, key=lambda c: links[c].order)
                ],
            }
            for heading, group in headed
        ]
        return self.page(
            "network.html",
            language,
            network.FOLDER + name,
            title=Text(ui[f"index-{name}"], language),
            summary=self._summary(language),
            indexes=self._indexes(language, current=name),
            chart=self._chart(name, language, here=True) if name in CHARTS else None,
            note=ui.get(f"note-{name}"),
            sections=sections,
            alternates=[],
        )

    def _network_home(self, language: str) -> dict[str, object] | None:
        """The home page's part about the network; charts only when there is more than one
        city to compare."""
        if not self.members:
            return None
        charts = [self._chart(name, language) for name in CHARTS] if len(self.members) > 1 else []
        return {
            "summary": self._summary(language),
            "indexes": self._indexes(language),
            "charts": charts,
        }

    def _summary(self, language: str) -> str:
        ui = UI[language]
        countries = {m.country for m in self.members if m.country is not None}
        text = ui["summary"].format(cities=len(self.members), countries=len(countries))
        years = sorted({m.year for m in self.members if m.year})
        if len(years) > 1:
            text += " " + ui["joined"].format(first=years[0], last=years[-1])
        return text

    def _indexes(self, language: str, current: str | None = None) -> list[dict[str, object]]:
        return [
            {
                "title": UI[language][f"index-{name}"],
                "href": self.href_in(network.FOLDER + name, language),
                "current": name == current,
            }
            for name in network.INDEXES
        ]

    def _heading(self, group: network.Group, language: str) -> Link:
        if group.term is not None:
            return self.link(group.term, language)
        return Link(Text(group.name(language) or "", language), None, "")

    def _chart(self, name: str, language: str, here: bool = False) -> dict[str, object]:
        """The chart of the index `name` (its caption, its SVG); each bar links to its list (on
        this page when `here`)."""
        ui = UI[language]
        page = "" if here else self.href_in(network.FOLDER + name, language)
        bars = [
            Bar(
                self._heading(group, language).text.value,
                len(group.cities),
                f"{page}#{group.anchor}",
            )
            for group in network.groups(name, self.members)
        ]
        title = ui[f"chart-{name}"]
        return {"title": title, "svg": bar_chart(f"chart-{name}", title, ui["chart-desc"], bars)}

    def _literals(self, node: ox.NamedNode, predicate: str, language: str) -> list[Text]:
        wanted = ox.NamedNode(predicate)
        literals = [
            q.object
            for q in self.graph.quads_for_subject(node)
            if q.predicate == wanted and isinstance(q.object, ox.Literal)
        ]
        return pick(literals, language)

    def class_members(self, language: str) -> list[ClassMembers]:
        """The classes of the data's resources, with their first members by label in
        `language`: from the recorded `Listing` when there is one, else read from the graph
        (every `rdf:type` statement, every resource labelled to sort them)."""
        if self.listing is not None:
            return self.listing().classes[language]
        members: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
        for quad in self.graph.quads_for_predicate(RDF_TYPE):
            if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
                members[quad.object].add(quad.subject)
        labels = self.labels.labels(
            {s for subjects in members.values() for s in subjects}, language
        )

        def first(subjects: set[ox.NamedNode]) -> tuple[str, ...]:
            order = sorted(_by_text(labels[s], s.value) for s in subjects)
            return tuple(iri for _text, iri in order[:INDEX_LIMIT])

        return [
            ClassMembers(cls.value, len(subjects), first(subjects))
            for cls, subjects in members.items()
        ]

    def _classes(self, language: str) -> list[dict[str, object]]:
        classes: list[tuple[Link, dict[str, object]]] = []
        for cls in self.class_members(language):
            link = self.link(ox.NamedNode(cls.iri), language)
            entry = {
                "link": link,
                "count": cls.count,
                "members": [self.link(ox.NamedNode(m), language) for m in cls.first],
                "query": f"SELECT ?resource WHERE {{ ?resource a <{cls.iri}> }}",
            }
            classes.append((link, entry))
        return [entry for link, entry in sorted(classes, key=lambda c: _by_label(c[0]))]

    def not_found(self, iri: str, language: str, known: Sequence[str]) -> str:
        """A 404 page that names the IRI and suggests close matches from the data."""
        suggestions = difflib.get_close_matches(iri, known, n=5, cutoff=0.6)
        links = [self.link(ox.NamedNode(s), language) for s in suggestions]
        return self._page("not_found.html", language, iri=iri, suggestions=links, alternates=[])

    def query_page(
        self,
        language: str,
        query: str = "",
        head: Sequence[str] = (),
        rows: Sequence[Sequence[Value | None]] | None = None,
        truncated_at: int | None = None,
        error: str | None = None,
    ) -> str:
        """The query form, with results as a table when a query was run from it."""
        return self._page(
            "query.html",
            language,
            query=query,
            head=head,
            rows=rows,
            truncated_at=truncated_at,
            error=error,
            queries=self.queries,
            alternates=[],
        )


def relative_root(path: str) -> str:
    """The root as seen from the page at `path` under it (`doc/city/x`: `../../`), so that a
    site published for `https://w3id.org/learningcity/` is styled wherever it is opened (a
    local preview, a copy on disk); `""` for a page at the root."""
    return "../" * path.count("/")


def _by_label(link: Link) -> tuple[str, str]:
    """Alphabetical, then by IRI: resources and classes may share a label, and the data's own
    order (a `Dataset`'s) differs from one process to the next."""
    return _by_text(link.text, link.iri)


def _by_text(text: Text, iri: str) -> tuple[str, str]:
    """`_by_label` of the link to `iri` labelled `text`."""
    return str(text.value).lower(), iri
