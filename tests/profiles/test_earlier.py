"""The earlier layout (2016-2020), on fixtures written for it: exactly what is extracted (the
indicators as the figures or classes they state, the tagline, the sections and the challenges
as a list), exactly what is warned, and the import conforming to the bundled shapes."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from learningcity.profiles import import_profile, parse_text, read_profile
from learningcity.profiles.model import Indicator, Notice, OtherPart, Population, Section
from support import FIXTURES

PROFILES = FIXTURES / "profiles"
LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))
LC = "https://w3id.org/learningcity/ontology#"
SCHEMA = "https://schema.org/"


def test_text_page_every_part() -> None:
    profile = read_profile(PROFILES / "earlier-layout.txt")
    assert profile.layout == "earlier"
    assert (profile.city, profile.country_code) == ("Hanbit-si", "kr")
    assert profile.population == Population(512300, False, "512,300")
    assert profile.indicators == (
        Indicator("cityArea", False, "squareKilometre", "km²", "47.8 km²", value=Decimal("47.8")),
        Indicator(
            "populationDensity",
            False,
            "inhabitantsPerSquareKilometre",
            "inhabitants per km²",
            "More than 500 inhabitants per km²",
            minimum=Decimal(500),
        ),
        Indicator(
            "gdpPerCapita",
            False,
            "USD",
            "USD",
            "Between USD 15,000 and USD 25,000",
            minimum=Decimal(15000),
            maximum=Decimal(25000),
        ),
        Indicator(
            "gdpPerCapita",
            True,
            "USD",
            "USD",
            "about USD 31,000",
            value=Decimal(31000),
            approximate=True,
        ),
        Indicator("averageYearsOfSchooling", False, "year", "", "12.1", value=Decimal("12.1")),
    )
    assert profile.tagline == "A city of lanterns that learns by night."
    assert profile.vision == (
        "Hanbit-si, written for the importer's tests, wants every resident to keep learning."
    )
    assert profile.sections == (
        Section(
            "challengesAndGoals",
            "Challenges and goals",
            "The city names three challenges.",
            (
                "An ageing population in the old town",
                "Few evening classes for workers",
                "Low digital skills among older residents",
            ),
        ),
        Section(
            "planAndImplementation",
            "Plan and implementation",
            "The city opens ten lantern learning centres by 2020.",
        ),
    )
    assert profile.others == ()  # the disclaimer is dropped, not kept
    assert profile.notices == ()


def test_html_page_with_a_missing_value_and_accents() -> None:
    profile = read_profile(PROFILES / "earlier-layout.html")
    assert profile.city == "Sainte-Lumière-sur-Loire"
    assert profile.source_url == "https://example.org/learning-cities/sainte-lumiere-sur-loire"
    assert profile.population == Population(48200, False, "48 200")
    # `City/urban area:` has no value: it is warned about, and the next label keeps its own
    assert profile.notices == (Notice("City/urban area", "label found but no value after it"),)
    measures = [(i.measure, i.country, i.value, i.minimum, i.maximum) for i in profile.indicators]
    assert measures == [
        ("populationDensity", False, None, Decimal(100), Decimal(500)),
        ("gdpPerCapita", False, None, None, Decimal(45000)),
        ("gdpPerCapita", True, None, Decimal(25000), None),
        ("averageYearsOfSchooling", False, Decimal("11.4"), None, None),
    ]
    assert profile.tagline == "Learning along the river"
    assert profile.sections[0] == Section(
        "challengesAndGoals",
        "Challenges and goals",
        "",
        ("Young people leave the town", "Villages have no library"),
    )
    assert [s.kind for s in profile.sections] == ["challengesAndGoals", "planAndImplementation"]


def _page(*indicators: str) -> str:
    head = "\n".join(f"- {line}" for line in indicators)
    return (
        f"Hanbit-si, Republic of Korea\n\n{head}\n\nA tagline.\n\nVision and motivation\n"
        "A vision.\n\nChallenges and goals\n- One\n\nPlan and implementation\nA plan.\n"
    )


@pytest.mark.parametrize(
    ("written", "notice"),
    [
        ("City/urban area: 47.8", "no unit given in '47.8'; kept as a generic statement"),
        (
            "City/urban area: 18 sq mi",
            "'sq mi' is not a unit of this indicator; kept as a generic statement",
        ),
        ("GDP per capita (city): 15,000", "no currency given; kept as a generic statement"),
        (
            "GDP per capita (city): Between USD 25,000 and USD 15,000",
            "the class 'Between USD 25,000 and USD 15,000' has its lower bound above its upper "
            "bound; kept as a generic statement",
        ),
        (
            "Population density: high",
            "could not read a figure or a class in 'high'; kept as a generic statement",
        ),
    ],
)
def test_an_unreadable_indicator_is_kept_and_warned_not_guessed(written: str, notice: str) -> None:
    profile = parse_text(_page(written), "text")
    label = written.split(":")[0]
    assert Notice(label, notice) in profile.notices
    assert OtherPart("Profile", label, written.split(": ", 1)[1]) in profile.others
    assert profile.indicators == ()


@pytest.mark.parametrize(
    ("written", "value", "low", "high"),
    [
        ("Population density: 1,250 inhabitants/km2", Decimal(1250), None, None),
        ("Population density: Less than 100 people per sq km", None, None, Decimal(100)),
        ("Population density: 100-500 inhabitants per km²", None, Decimal(100), Decimal(500)),
        ("GDP per capita (city): US$ 12,500", Decimal(12500), None, None),
        ("GDP per capita (city): More than USD 45,000", None, Decimal(45000), None),
        ("City/urban area: between 100 km² and 500 km²", None, Decimal(100), Decimal(500)),
        ("Average years of schooling: 9.5 years", Decimal("9.5"), None, None),
    ],
)
def test_figures_and_classes_as_written(
    written: str, value: Decimal | None, low: Decimal | None, high: Decimal | None
) -> None:
    profile = parse_text(_page(written), "text")
    (indicator,) = profile.indicators
    assert (indicator.value, indicator.minimum, indicator.maximum) == (value, low, high)
    assert indicator.as_written == written.split(": ", 1)[1]


def test_the_current_layout_is_not_read_as_the_earlier_one() -> None:
    assert read_profile(PROFILES / "yongsan-gu.txt").layout == "current"
    assert read_profile(PROFILES / "quotation-titles-first.html").layout == "current"


def test_a_class_is_its_bounds_in_the_graph_not_a_number() -> None:
    profile = read_profile(PROFILES / "earlier-layout.txt")
    quads = import_profile(profile, dt.date(2026, 11, 24), "https://example.org/p").quads
    value = "https://w3id.org/learningcity/id/observation/kr-hanbit-si.population-density-value"
    facts = {(q.predicate.value, q.object.value) for q in quads if q.subject.value == value}
    assert facts == {
        ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", SCHEMA + "QuantitativeValue"),
        (SCHEMA + "minValue", "500"),
        (SCHEMA + "unitCode", LC + "inhabitantsPerSquareKilometre"),
        (SCHEMA + "unitText", "inhabitants per km²"),
        (SCHEMA + "description", "More than 500 inhabitants per km²"),
    }
    country = "https://w3id.org/learningcity/id/observation/kr-hanbit-si.gdp-per-capita-country"
    areas = {
        q.object.value
        for q in quads
        if q.subject.value == country
        and q.predicate.value == "http://purl.org/linked-data/sdmx/2009/dimension#refArea"
    }
    assert areas == {"https://w3id.org/learningcity/id/place/kr"}


@pytest.mark.parametrize("page", ["earlier-layout.txt", "earlier-layout.html"])
def test_the_installed_command_imports_the_earlier_layout_and_it_conforms(page: str) -> None:
    done = subprocess.run(
        [LEARNINGCITY, "import", str(PROFILES / page), "--read-on", "2026-11-24"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "0 violations" in done.stderr.splitlines()[-1]
    assert "schema:ItemList" in done.stdout
    assert "qb:structure lc:indicatorStructure" in done.stdout
