"""The earlier layout of profile pages (2016-2020), known by its shape, not by a date.

Such a page has, after the title line, a bullet list of indicators (city population, city/urban
area, population density, GDP per capita of the city and of the country, average years of
schooling), a tagline, then three sections, "Vision and motivation", "Challenges and goals"
(with a bullet list) and "Plan and implementation", and a closing disclaimer line. A page is
read in this layout when it has one of those section headings, or two indicators besides the
population (`is_earlier`).

Indicators are read as the page states them: an exact figure with its unit, or a class by the
bounds it states (`More than 500 inhabitants per km²` has a lower bound of 500 and no upper one;
`Between USD 15,000 and USD 25,000` both), never a number the page does not give. A figure
without a unit the label does not imply, or with a unit other than the indicator's, is kept as a
generic statement with a warning. The disclaimer is not the city's statement: it is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from learningcity.profiles.lines import Line
from learningcity.profiles.model import Indicator, OtherPart, Profile, Section
from learningcity.profiles.parse import (
    Reader,
    attributed,
    begin,
    field_of,
    field_values,
    heading_key,
    page_address,
    read_population,
    store_field,
)

#: The sections, by the vocabulary's property (`vision`: the city's `lc:vision`, as in the
#: current layout): (heading as displayed, heading keys).
SECTIONS = {
    "vision": (
        "Vision and motivation",
        ("vision and motivation", "vision and motivations", "motivation and vision"),
    ),
    "challengesAndGoals": (
        "Challenges and goals",
        ("challenges and goals", "goals and challenges", "challenges and objectives"),
    ),
    "planAndImplementation": (
        "Plan and implementation",
        ("plan and implementation", "plans and implementation", "planning and implementation"),
    ),
}


@dataclass(frozen=True)
class _Kind:
    """An indicator: its label as displayed in warnings, the keys of its labels, the
    vocabulary's measure, whether it is the country's figure, and its unit when the label alone
    implies one (`Average years of schooling` is in years)."""

    label: str
    keys: tuple[str, ...]
    measure: str
    country: bool = False
    implied_unit: str | None = None


INDICATORS = (
    _Kind(
        "City population",
        ("population", "city population", "total population", "population of the city"),
        "population",
    ),
    _Kind(
        "City/urban area",
        ("city urban area", "city area", "urban area", "city or urban area", "area"),
        "cityArea",
    ),
    _Kind("Population density", ("population density", "density"), "populationDensity"),
    _Kind(
        "GDP per capita (city)",
        ("gdp per capita city", "city gdp per capita", "gdp per capita of the city"),
        "gdpPerCapita",
    ),
    _Kind(
        "GDP per capita (country)",
        (
            "gdp per capita country",
            "country gdp per capita",
            "gdp per capita of the country",
            "national gdp per capita",
        ),
        "gdpPerCapita",
        country=True,
    ),
    _Kind(
        "Average years of schooling",
        ("average years of schooling", "mean years of schooling", "years of schooling"),
        "averageYearsOfSchooling",
        implied_unit="year",
    ),
)
_BY_KEY = {key: kind for kind in INDICATORS for key in kind.keys}
_BULLET = re.compile(r"^[-•*·▪●◦–]\s+")
_DISCLAIMER = re.compile(
    r"\b(?:disclaimer|views expressed|do(?:es)? not necessarily|not (?:be )?(?:held )?"
    r"(?:liable|responsible)|responsibility of|provided by the city)\b",
    re.IGNORECASE,
)
_NUMBER = r"\d{1,3}(?:[,\s'’]\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?"
_AMOUNT = re.compile(
    rf"(?<![^\W\d])(?P<number>{_NUMBER})(?:\s*(?P<scale>million|thousand|billion)\b)?", re.I
)
_CURRENCY = re.compile(r"US\s?\$|US dollars?|\bUSD\b|\$|€|\bEUR\b|euros?\b|\b[A-Z]{3}\b")
_CURRENCIES = {"$": "USD", "€": "EUR"}
#: Units by the vocabulary's name, each as pages write it.
_UNITS = {
    "inhabitantsPerSquareKilometre": re.compile(
        r"^(?:inhabitants|inh\.?|people|persons|residents)?\s*(?:per|/)\s*"
        r"(?:km²|km2|km\^2|sq\.?\s*km|square kilomet(?:re|er))$",
        re.I,
    ),
    "squareKilometre": re.compile(
        r"^(?:km²|km2|km\^2|sq\.?\s*km|square kilomet(?:re|er)s?)$", re.I
    ),
    "year": re.compile(r"^(?:years?|yrs?\.?)$", re.I),
}
_EXPECTED_UNIT = {
    "cityArea": "squareKilometre",
    "populationDensity": "inhabitantsPerSquareKilometre",
    "averageYearsOfSchooling": "year",
}
_LOWER = re.compile(
    r"^(?:more than|over|above|greater than|at least|exceeding|>)\s*", re.I
)  # a lower bound only
_UPPER = re.compile(r"^(?:less than|under|below|fewer than|up to|at most|<)\s*", re.I)
_BETWEEN = re.compile(r"^(?:between|from)\s+(?P<low>.+?)\s+(?:and|to)\s+(?P<high>.+)$", re.I)
_DASH = re.compile(r"^(?P<low>.+?)\s*[-–—]\s*(?P<high>.+)$")
_ABOUT = re.compile(r"^(?:about|approximately|approx\.?|around|circa|ca\.|nearly|roughly)\s*", re.I)


def section_of(text: str) -> str | None:
    key = heading_key(text)
    return next((name for name, (_, keys) in SECTIONS.items() if key in keys), None)


def _indicator_of(text: str) -> tuple[_Kind, str | None] | None:
    """The indicator a line labels, with its value when written on the line (`Population
    density: More than 500 ...`, or the label's words then the value)."""
    text = _BULLET.sub("", text)
    label, colon, value = text.partition(":")
    if colon and heading_key(label) in _BY_KEY:
        return _BY_KEY[heading_key(label)], value.strip()
    key = heading_key(text)
    if key in _BY_KEY:
        return _BY_KEY[key], None
    return None


def is_earlier(lines: list[Line]) -> bool:
    """The earlier layout's shape: one of its section headings, or two indicators besides the
    population (which the current layout gives too)."""
    others = 0
    for line in lines:
        if section_of(line.text):
            return True
        found = _indicator_of(line.text) if line.text else None
        others += bool(found and found[0].measure != "population")
        if others >= 2:
            return True
    return False


def parse_earlier(lines: list[Line], page_url: str | None = None) -> Profile:
    """The profile in `lines`, a page of the earlier layout."""
    title, country, code, reader, rest = begin(lines)
    rest = _without_disclaimer(rest)
    first = next((i for i, line in enumerate(rest) if _starts_section(line)), len(rest))
    indicators, introduction, tagline = _read_head(rest[:first], reader)
    sections = _read_sections(rest[first:], reader)
    vision = next((s for s in sections if s.kind == "vision"), None)
    sections = [s for s in sections if s is not vision]
    if country is None:
        indicators = _without_country_figures(indicators, reader)
    profile = Profile(
        title=title,
        city=reader.city,
        country=country,
        country_code=code,
        introduction=introduction,
        population=reader.fields.get("population"),
        member_since=reader.fields.get("member_since"),
        mayor=reader.fields.get("mayor"),
        focal_points=tuple(reader.fields.get("focal_points", ())),
        vision="\n\n".join([vision.text, *vision.items]).strip() if vision else None,
        others=tuple(reader.others),
        quotations=attributed(reader),
        source_url=page_address(reader.fields.get("source") or page_url, reader),
        layout="earlier",
        tagline=tagline,
        indicators=tuple(indicators),
        sections=tuple(sections),
    )
    _report_missing(profile, reader)
    return replace(profile, notices=tuple(reader.notices))


def _without_country_figures(indicators: list[Indicator], reader: Reader) -> list[Indicator]:
    """A country's figure needs the country: without one in the title, it is kept as a
    generic statement."""
    for indicator in indicators:
        if indicator.country:
            label = next(k.label for k in INDICATORS if k.country)
            reader.warn(label, "the title names no country; kept as a generic statement")
            reader.others.append(OtherPart("Profile", label, indicator.as_written))
    return [i for i in indicators if not i.country]


def _starts_section(line: Line) -> bool:
    return bool(line.text) and (
        section_of(line.text) is not None
        or (line.level in (1, 2) and _indicator_of(line.text) is None)
    )


def _without_disclaimer(lines: list[Line]) -> list[Line]:
    """The lines without the closing disclaimer (the page's last line, when it reads as one)."""
    last = next((i for i in range(len(lines) - 1, -1, -1) if lines[i].text), None)
    if last is not None and _DISCLAIMER.search(lines[last].text):
        return lines[:last]
    return lines


# --- indicators, tagline -------------------------------------------------------------------


def _read_head(lines: list[Line], reader: Reader) -> tuple[list[Indicator], str | None, str | None]:
    """Indicators (and any labelled field of the current layout) in the head; the paragraphs
    before the first indicator are the introduction, those after the last one the tagline."""
    indicators: list[Indicator] = []
    before: list[str] = []
    after: list[str] = []
    labelled = False  # an indicator or field seen: paragraphs after it are no introduction
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line.text:
            continue
        found = _indicator_of(line.text)
        field = None if found else field_of(line.text)
        if found or field:
            _keep_unknown(after, reader)
            after, labelled = [], True
        if found:
            index, value = _value(lines, index, found[1], line)
            _store_indicator(found[0], value, reader, indicators)
        elif field:
            index, values = field_values(lines, index, field[1], field[0])
            store_field(field[0], values, reader)
        else:
            (after if labelled else before).append(line.text)
    tagline = after[0] if after else None
    for extra in after[1:]:
        reader.warn("tagline", f"extra line '{extra}' kept as a generic statement")
        reader.others.append(OtherPart("Profile", "Tagline", extra))
    return indicators, "\n\n".join(before) or None, tagline


def _keep_unknown(lines: list[str], reader: Reader) -> None:
    """Lines among the indicators that are none: kept as generic statements, with a warning."""
    for text in lines:
        reader.warn(text, "not a known indicator; kept as a generic statement")
        reader.others.append(OtherPart("Profile", text, ""))


def _value(
    lines: list[Line], index: int, inline: str | None, label: Line
) -> tuple[int, str | None]:
    """The value on the label's line, else the next line unless it labels something itself
    or the label is a list item the line is not part of (a bullet, or another HTML item): then
    this label's value is missing, and that line keeps its own part."""
    if inline:
        return index, inline
    while index < len(lines) and not lines[index].text:
        index += 1
    if index == len(lines) or _BULLET.match(label.text):
        return index, None
    text = lines[index].text
    elsewhere = label.item and lines[index].item != label.item
    if elsewhere or _indicator_of(text) or field_of(text) or _starts_section(lines[index]):
        return index, None
    return index + 1, _BULLET.sub("", text)


def _store_indicator(
    kind: _Kind, text: str | None, reader: Reader, indicators: list[Indicator]
) -> None:
    if text is None:
        reader.warn(kind.label, "label found but no value after it")
        return
    taken = {(i.measure, i.country) for i in indicators}
    if (kind.measure, kind.country) in taken or (
        kind.measure == "population" and "population" in reader.fields
    ):
        reader.warn(kind.label, "given twice; the first value is kept, the second as a statement")
        reader.others.append(OtherPart("Profile", kind.label, text))
        return
    if kind.measure == "population":
        population = read_population(text, kind.label, reader)
        if population is not None:
            reader.fields["population"] = population
        return
    indicator, doubt = _indicator(kind, text)
    if indicator is None:
        reader.warn(kind.label, f"{doubt}; kept as a generic statement")
        reader.others.append(OtherPart("Profile", kind.label, text))
        return
    indicators.append(indicator)


def _indicator(kind: _Kind, text: str) -> tuple[Indicator | None, str]:
    """An indicator from its written value, or None and why not."""
    about = _ABOUT.match(text)
    rest = text[about.end() :] if about else text
    unit, unit_text, rest = _unit(kind, rest)
    if unit is None:
        return None, unit_text
    bounds = _bounds(rest)
    if bounds is None:
        return None, f"could not read a figure or a class in '{text}'"
    value, low, high = bounds
    if low is not None and high is not None and low > high:
        return None, f"the class '{text}' has its lower bound above its upper bound"
    indicator = Indicator(
        kind.measure, kind.country, unit, unit_text, text, value, low, high, bool(about)
    )
    return indicator, ""


def _unit(kind: _Kind, text: str) -> tuple[str | None, str, str]:
    """(unit or currency, unit as written, the text without it), or (None, why, text)."""
    if kind.measure == "gdpPerCapita":
        return _currency(text)
    numbers = list(_AMOUNT.finditer(text))
    if not numbers:
        return None, f"could not read a figure or a class in '{text}'", text
    written = text[numbers[-1].end() :].strip(" .,;")
    rest = text[: numbers[-1].end()]
    expected = _EXPECTED_UNIT[kind.measure]
    if not written:
        if kind.implied_unit:
            return kind.implied_unit, "", rest
        return None, f"no unit given in '{text}'", text
    # a unit after each bound (`between 100 km² and 500 km²`) is written once more inside
    rest = re.sub(re.escape(written), " ", rest)
    unit = next((name for name, form in _UNITS.items() if form.match(written)), None)
    if unit != expected:
        return None, f"'{written}' is not a unit of this indicator", text
    return unit, written, rest


def _currency(text: str) -> tuple[str | None, str, str]:
    """(ISO 4217 code, the currency as first written, the text without it), or (None, why,
    text): `US$`, `$` and `US dollars` are USD, `€` and `euros` EUR."""
    found = list(_CURRENCY.finditer(text))
    codes = [_CURRENCIES.get(m.group(0), m.group(0)) for m in found]
    codes = ["USD" if c.upper().startswith("US") else c for c in codes]
    codes = ["EUR" if c.lower().startswith("euro") else c for c in codes]
    if not codes:
        return None, "no currency given", text
    if len(set(codes)) > 1:
        return None, f"more than one currency in '{text}'", text
    return codes[0], found[0].group(0), _CURRENCY.sub(" ", text)


def _bounds(text: str) -> tuple[Decimal | None, Decimal | None, Decimal | None] | None:
    """(value, lower, upper) of a figure or a class written without its unit."""
    text = " ".join(text.split())
    if match := _LOWER.match(text):
        low = _number(text[match.end() :])
        return None if low is None else (None, low, None)
    if match := _UPPER.match(text):
        high = _number(text[match.end() :])
        return None if high is None else (None, None, high)
    if match := _BETWEEN.match(text) or _DASH.match(text):
        low, high = _number(match.group("low")), _number(match.group("high"))
        return None if low is None or high is None else (None, low, high)
    value = _number(text)
    return None if value is None else (value, None, None)


def _number(text: str) -> Decimal | None:
    """The one number `text` is (`15,000`, `47.8`, `12,1`, `1.2 million`), or None."""
    match = _AMOUNT.fullmatch(text.strip(" .,;"))
    if not match:
        return None
    number, scale = match.group("number"), match.group("scale")
    if re.fullmatch(r"\d{1,3}(?:[,\s'’]\d{3})+(?:\.\d+)?", number):
        number = re.sub(r"[,\s'’]", "", number)
    number = number.replace(",", ".")
    factor = {"million": 10**6, "thousand": 10**3, "billion": 10**9}.get((scale or "").lower(), 1)
    return (Decimal(number) * factor).normalize() if factor != 1 else Decimal(number)


# --- sections ------------------------------------------------------------------------------


def _read_sections(lines: list[Line], reader: Reader) -> list[Section]:
    """Each known section's paragraphs and bullet list; an unknown section kept as generic."""
    sections: list[Section] = []
    current: tuple[str | None, str, list[Line]] | None = None
    parts: list[tuple[str | None, str, list[Line]]] = []
    for line in lines:
        if _starts_section(line):
            current = (section_of(line.text), line.text, [])
            parts.append(current)
        elif current:
            current[2].append(line)
    seen: set[str] = set()
    for kind, heading, body in parts:
        paragraphs = [_BULLET.sub("", b.text) for b in body if b.text and not _is_item(b)]
        items = tuple(_BULLET.sub("", b.text) for b in body if b.text and _is_item(b))
        text = "\n\n".join(paragraphs)
        if kind is None or kind in seen:
            why = "not a known section" if kind is None else "appears twice"
            reader.warn(heading, f"{why}; kept as a generic statement")
            reader.others.append(OtherPart(heading, heading, "\n\n".join([text, *items]).strip()))
            continue
        seen.add(kind)
        if not text and not items:
            reader.warn(heading, "heading found but no text after it")
            continue
        sections.append(Section(kind, heading, text, items))
    return sections


def _is_item(line: Line) -> bool:
    return line.item > 0 or bool(_BULLET.match(line.text))


def _report_missing(profile: Profile, reader: Reader) -> None:
    """One warning per part of the earlier layout the page lacks."""
    reported = {n.field for n in reader.notices}
    found = {(i.measure, i.country) for i in profile.indicators}
    missing = [
        k.label
        for k in INDICATORS
        if (k.measure, k.country) not in found and k.measure != "population"
    ]
    if profile.population is None:
        missing.insert(0, INDICATORS[0].label)
    if profile.tagline is None:
        missing.append("tagline")
    kinds = {s.kind for s in profile.sections} | ({"vision"} if profile.vision else set())
    missing += [heading for name, (heading, _) in SECTIONS.items() if name not in kinds]
    for label in missing:
        if label not in reported:
            reader.warn(label, "not found")
