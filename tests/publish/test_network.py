"""A publication for the network (issue 16.4): the home page titled for the network, index pages
by country, region, year of joining, policy area and SDG in English and Korean, and their charts
as accessible inline SVG; the counts are checked against SPARQL over the same data, not against
the code that made the pages."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from learningcity.load import load_paths
from learningcity.profiles.countries import _TABLE as COUNTRY_TABLE
from learningcity.rendering.network import INDEXES
from learningcity.rendering.regions import REGION_OF, REGIONS
from support import REPO

SVG = "{http://www.w3.org/2000/svg}"
PREFIXES = """PREFIX lc: <https://w3id.org/learningcity/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
PREFIX time: <http://www.w3.org/2006/time#>
"""


def page(site: Path, name: str, language: str = "en") -> str:
    suffix = ".html" if language == "en" else f".{language}.html"
    return (site / f"{name}{suffix}").read_text(encoding="utf-8")


def svgs(html: str) -> list[ET.Element]:
    """Each inline chart, parsed as the standalone XML an SVG is."""
    return [ET.fromstring(svg) for svg in re.findall(r"<svg\b.*?</svg>", html, re.S)]


def headings(html: str) -> dict[str, int]:
    """Each index section's id and the count its heading shows."""
    found = re.findall(r'<h2 id="([^"]+)">.*?<small>\((\d+)\)</small></h2>', html)
    return {anchor: int(count) for anchor, count in found}


@pytest.fixture(scope="module")
def store(network_data: Path) -> ox.Store:
    store = ox.Store()
    store.bulk_extend(load_paths(network_data, REPO / "data" / "yongsan.ttl"))
    return store


def rows(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    return [tuple(term.value for term in row) for row in store.query(PREFIXES + query)]


def test_the_home_page_is_titled_for_the_network_not_for_one_city(network_site, site) -> None:
    """Before, the index of two cities took one city's dataset title."""
    network = page(network_site, "index")
    assert "<h1><span>UNESCO Global Network of Learning Cities</span></h1>" in network
    assert "Member cities: 21. Countries: 16. Years of joining: 2015 to 2025." in network
    assert "회원 도시 21곳, 국가 16개." in page(network_site, "index", "ko")
    one = page(site, "index")
    assert "<h1><span>Yongsan-gu, Republic of Korea: learning city profile as linked data" in one
    assert "<svg" not in one, "one city has nothing to compare: no chart"


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_home_page_shows_the_datasets_iri_as_a_resource_page_does(site, language) -> None:
    """Before, the "IRI:" line showed the dataset's title, so a reader could not copy its IRI."""
    iri = "https://w3id.org/learningcity/id/dataset/kr-yongsan-gu"
    home = page(site, "index", language)
    line = re.search(r'<p class="iri">(.*?)</p>', home, re.S)
    assert line is not None and f"<code>{iri}</code>" in line.group(1)
    city = page(site, "doc/city/kr-yongsan-gu", language)
    city_iri = "https://w3id.org/learningcity/id/city/kr-yongsan-gu"
    assert f'<p class="iri">IRI: <code>{city_iri}</code>' in city


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("name", INDEXES)
def test_every_index_page_is_written_in_both_languages(network_site, name, language) -> None:
    html = page(network_site, f"network/{name}", language)
    assert f'<html lang="{language}">' in html
    assert html.count('<section aria-labelledby="') >= 1
    assert f"network/{name}" in (network_site / "sitemap.xml").read_text()


def test_the_index_by_region_counts_what_sparql_counts(network_site, store) -> None:
    countries = rows(
        store,
        "SELECT ?city ?country WHERE { ?city a lc:LearningCity ; "
        "schema:containedInPlace+ ?country . ?country a schema:Country }",
    )
    expected = Counter(REGION_OF[country.rsplit("/", 1)[-1]] for _, country in countries)
    assert len(countries) == 21
    shown = headings(page(network_site, "network/regions"))
    assert shown == {f"region-{region}": count for region, count in expected.items()}
    (chart,) = svgs(page(network_site, "network/regions"))
    description = chart.find(f"{SVG}desc").text
    for region, count in expected.items():
        assert f"{REGIONS[region][0]}: {count}" in description


def test_the_index_by_year_counts_what_sparql_counts(network_site, store) -> None:
    years = rows(
        store,
        "SELECT ?city ?year WHERE { ?m org:member ?city ; "
        "org:memberDuring/time:hasBeginning/time:inXSDgYear ?year }",
    )
    expected = Counter(year for _, year in years)
    assert headings(page(network_site, "network/years")) == {
        f"year-{year}": count for year, count in expected.items()
    }
    korean = page(network_site, "network/years", "ko")
    assert headings(korean) == headings(page(network_site, "network/years"))


def test_the_index_by_country_lists_each_city_under_its_country(network_site, store) -> None:
    html = page(network_site, "network/countries")
    countries = rows(
        store,
        "SELECT ?country (COUNT(DISTINCT ?city) AS ?n) WHERE { ?city a lc:LearningCity ; "
        "schema:containedInPlace+ ?country . ?country a schema:Country } GROUP BY ?country",
    )
    assert headings(html) == {
        f"countries-{country.rsplit('/', 1)[-1]}": int(n) for country, n in countries
    }
    korea = html.split('id="countries-kr"', 1)[1].split("</section>", 1)[0]
    assert "Yongsan-gu" in korea


def test_the_index_by_sdg_goes_through_the_policy_areas_and_says_whose_mapping(
    network_site,
) -> None:
    html = page(network_site, "network/sdgs")
    assert set(headings(html)) == {f"sdgs-{goal}" for goal in (3, 4, 8, 10, 11)}
    assert "SDG 4: Quality education" in html and "proposal, not the network" in html
    korean = page(network_site, "network/sdgs", "ko")
    assert "SDG 4: 양질의 교육" in korean and "네트워크의 것이 아닙니다" in korean


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("name", ["index", "network/years", "network/regions", "network/sdgs"])
def test_charts_are_inline_accessible_svg(network_site, name, language) -> None:
    html = page(network_site, name, language)
    charts = svgs(html)
    assert charts, f"{name} has no chart"
    for chart in charts:
        assert chart.get("role") == "img"
        title, description = chart.find(f"{SVG}title"), chart.find(f"{SVG}desc")
        assert chart.get("aria-labelledby") == f"{title.get('id')} {description.get('id')}"
        assert title.text and description.text
        assert bool(re.search("[가-힣]", title.text)) == (language == "ko"), (
            f"{title.text!r} is not in {language}"
        )
        bars = chart.findall(f".//{SVG}rect")
        labels = [t.text for t in chart.iter(f"{SVG}text")]
        assert len(labels) == 2 * len(bars) > 0, "every bar has its label and its value as text"
        assert not chart.findall(f".//{SVG}script") and not chart.findall(f".//{SVG}image")
        for link in chart.iter(f"{SVG}a"):
            href = link.get("href")
            assert href.startswith(("#", "https://w3id.org/learningcity/network/")), href
    assert "<script" not in html.split("<svg", 1)[1]


@pytest.mark.parametrize(
    ("language", "names", "identifier"),
    [
        ("en", ["name", "identifier", "same as", "located in"], "GeoNames ID: 1832311"),
        ("ko", ["이름", "식별자", "동일 대상", "소재지"], "GeoNames ID: 1832311"),
    ],
)
def test_a_city_page_labels_standard_terms_in_its_language(
    network_site, language, names, identifier
) -> None:
    html = page(network_site, "doc/city/kr-yongsan-gu", language)
    terms = re.findall(r"<dt><a [^>]*><span>([^<]*)</span></a></dt>", html)
    assert set(names) <= set(terms), terms
    assert not [t for t in terms if re.fullmatch(r"[a-z]+:\w+", t)], terms
    assert f"<span>{identifier}</span>" in html
    assert ">identifier:kr-yongsan-gu." not in html
    # a term no table knows is shown as what it is, marked, never passed off as a name
    assert re.search(r'<code class="unlabelled" title="[^"]+">wd:Q50429</code>', html)
    dataset = page(network_site, "doc/dataset/kr-yongsan-gu", language)
    assert ("<span>dataset</span>" if language == "en" else "<span>데이터셋</span>") in dataset


def test_every_page_links_its_style_sheet_relatively(network_site: Path) -> None:
    """A site published for https://w3id.org/learningcity/ linked its style sheet there, so a
    local preview was unstyled; every page now reaches `static/` from where it is."""
    style = (network_site / "static" / "learningcity.css").resolve()
    checked = 0
    for path in network_site.rglob("*.html"):
        (href,) = re.findall(r'<link rel="stylesheet" href="([^"]+)">', path.read_text("utf-8"))
        assert not href.startswith(("http:", "https:", "/")), (path, href)
        assert (path.parent / href).resolve() == style, (path, href)
        checked += 1
    assert checked > 800  # every page, the vocabulary's and the index pages included


def test_every_country_the_importer_knows_has_a_unesco_region() -> None:
    codes = {line.split("|", 1)[0] for line in COUNTRY_TABLE.strip().splitlines()}
    assert codes == set(REGION_OF)
