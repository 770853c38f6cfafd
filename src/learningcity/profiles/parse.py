"""Finding the parts of a profile page in its lines, with a warning for everything not found.

The page has a fixed order: the title line `City, Country`, an introduction, labelled fields
(City population, Member since, Mayor, Focal point), then sections (Vision; Policies, plan and
implementation; Good practices) whose parts are a heading line followed by text. The parser keys
on those words, tolerates renamed and extra headings, and never guesses silently: a value it
cannot read is reported (`City population: could not read 'many'`), a heading it does not know is
kept as a generic part of the section it appeared in, and reported too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from learningcity.errors import InputError
from learningcity.iris import slug, usable_iri
from learningcity.profiles.countries import country_code
from learningcity.profiles.lines import Line
from learningcity.profiles.model import (
    Block,
    Mayor,
    Notice,
    OtherPart,
    Person,
    PolicyStatement,
    Population,
    Profile,
)

#: Text of icon ligatures (Material icons) that a copied page shows as words on their own line.
ICON_WORDS = frozenset(
    [
        "groups",
        "group",
        "person",
        "people",
        "person_outline",
        "account_circle",
        "calendar_today",
        "calendar_month",
        "event",
        "public",
        "language",
        "location_on",
        "place",
        "flag",
        "star",
        "badge",
        "home",
        "link",
    ]
)
_HONORIFIC = r"(?:Mrs|Mr|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Hon)\.?"
_HONORIFICS = rf"{_HONORIFIC}(?:\s+{_HONORIFIC})*"
_LEADING_HONORIFIC = re.compile(rf"^(?P<h>{_HONORIFICS})\s+(?P<name>\S.*)$")
_INNER_HONORIFIC = re.compile(rf"(?:^|(?<=\s))(?P<h>{_HONORIFICS})\s+(?=\S)")
_PERSON_SEPARATOR = re.compile(
    rf"\s*;\s*|\s*,\s*(?={_HONORIFIC}\s)|\s+(?:and|&)\s+(?={_HONORIFIC}\s)"
)
_PLACEHOLDER = re.compile(r"^<[^<>]*>$")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_URL = re.compile(r"^https?://\S+$")
_SENTENCE_END = re.compile(r"[.!?。…\"”’)]$")
_APPROXIMATE = re.compile(
    r"^(?:about|approximately|approx\.?|around|circa|ca\.|c\.|some|nearly|almost|roughly|over|"
    r"more than|~|±)\s*",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"^(?P<number>\d{1,3}(?:[,.\s'’]\d{3})+|\d+(?:[.,]\d+)?)\s*(?P<scale>million|thousand)?\b",
    re.IGNORECASE,
)
_PEOPLE_WORDS = re.compile(r"^(?:inhabitants|people|residents|citizens|persons)\.?$", re.I)

#: The sections of a profile, by the key of their heading (see `heading_key`).
SECTIONS = {
    "vision": ("Vision", ("vision", "our vision", "learning city vision")),
    "policies": (
        "Policies, plan and implementation",
        (
            "policies plan and implementation",
            "policies plans and implementation",
            "policy plan and implementation",
            "policies and plans",
            "policies",
        ),
    ),
    "practices": (
        "Good practices",
        ("good practices", "good practice", "best practices", "examples of good practice"),
    ),
}
#: The labelled fields after the introduction.
FIELDS = {
    "population": ("City population", ("city population", "population")),
    "member_since": ("Member since", ("member since", "gnlc member since", "network member since")),
    "mayor": ("Mayor", ("mayor",)),
    "focal_points": (
        "Focal point",
        ("focal point", "focal points", "focal point s", "focal person", "contact person"),
    ),
    "source": ("Source", ("source", "profile page", "source url")),
}
#: Policy areas by the set of words of their name (so `Health and Sustainability` is found too).
POLICY_AREAS = {
    frozenset({"sustainability", "health"}): "sustainability-and-health",
    frozenset({"equity", "inclusion"}): "equity-and-inclusion",
    frozenset({"decent", "work", "entrepreneurship"}): "decent-work-and-entrepreneurship",
}


def heading_key(text: str) -> str:
    """Headings compared without case, punctuation or `&`/`and` differences."""
    return " ".join(re.findall(r"\w+", text.replace("&", " and ").casefold()))


def _section_of(line: Line) -> str | None:
    key = heading_key(line.text)
    return next((name for name, (_, keys) in SECTIONS.items() if key in keys), None)


def _field_of(text: str) -> tuple[str, str | None] | None:
    """The field a line labels, with the value written on the same line (`Member since 2016`)."""
    key = heading_key(text)
    for name, (_, keys) in FIELDS.items():
        if key in keys:
            return name, None
        for label in keys:
            if name != "mayor" and key.startswith(label + " "):
                value = _after_label(text, len(label.split()))
                if _plausible_inline(name, value, text):
                    return name, value
    if key.startswith("mayor of ") and not _SENTENCE_END.search(text):
        return "mayor", text
    if re.match(r"^mayor\s*:", text, re.IGNORECASE):
        return "mayor", text.split(":", 1)[1].strip()
    return None


def _plausible_inline(name: str, value: str, text: str) -> bool:
    """A value on the label's line must look like one, so that an introduction sentence
    starting with `Population ...` is not read as a field."""
    if re.match(r"^[^:]{1,40}:", text):
        return True
    return {
        "population": bool(_APPROXIMATE.match(value) or _NUMBER.match(value)),
        "member_since": bool(_YEAR.fullmatch(value)),
        "source": bool(_URL.match(value)),
        "focal_points": bool(_LEADING_HONORIFIC.match(value)),
    }[name]


def _starts_section(line: Line) -> bool:
    """A known section heading, or (in HTML) an h1/h2 heading that is not a field label."""
    if not line.text:
        return False
    return bool(_section_of(line)) or (line.level in (1, 2) and _field_of(line.text) is None)


def _after_label(text: str, words: int) -> str:
    """The text after the first `words` words of a label (and a colon, if any)."""
    rest = re.sub(rf"^(?:\W*\w+){{{words}}}", "", text, count=1)
    return rest.lstrip(" :\t-–—").strip()


def _display(name: str) -> str:
    return {**FIELDS, **SECTIONS}[name][0]


@dataclass
class _Reader:
    """Mutable state of one parse: the notices so far and the parts found."""

    city: str
    notices: list[Notice] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)  # labelled fields by name
    introduction: str | None = None
    vision: str | None = None
    policies: list[PolicyStatement] = field(default_factory=list)
    practices: list[Block] = field(default_factory=list)
    others: list[OtherPart] = field(default_factory=list)

    def warn(self, field_name: str, message: str) -> None:
        self.notices.append(Notice(field_name, message))


def _page_address(url: str | None, reader: _Reader) -> str | None:
    """The page's own address (Source field, canonical link) if it is a usable http(s) IRI; an
    unusable one is a warning and left out, so --source-url or the network's pattern stands in."""
    if url is None:
        return None
    try:
        return usable_iri(url, "the page's address", web=True)
    except InputError as error:
        reader.warn("source", f"{error}; ignored (give --source-url)")
        return None


def parse_profile(lines: list[Line], page_url: str | None = None) -> Profile:
    """The profile in `lines` (plain text or HTML already turned into lines)."""
    content = _without_icons_and_placeholders(lines)
    notices = [n for n in content if isinstance(n, Notice)]
    kept = [line for line in content if isinstance(line, Line)]
    start = next((i for i, line in enumerate(kept) if line.text), None)
    if start is None:
        raise InputError("no text found; is this a profile page?")
    title = kept[start].text
    city, country, code = _title(title, notices)
    if not slug(city):
        raise InputError(f"the title line '{title}' names no city (no letters or digits)")
    reader = _Reader(city, notices)
    rest = kept[start + 1 :]
    first_section = next((i for i, line in enumerate(rest) if _starts_section(line)), len(rest))
    _read_head(rest[:first_section], reader)
    _read_sections(rest[first_section:], reader)
    profile = Profile(
        title=title,
        city=city,
        country=country,
        country_code=code,
        introduction=reader.introduction,
        population=reader.fields.get("population"),
        member_since=reader.fields.get("member_since"),
        mayor=reader.fields.get("mayor"),
        focal_points=tuple(reader.fields.get("focal_points", ())),
        vision=reader.vision,
        policies=tuple(reader.policies),
        practices=tuple(reader.practices),
        others=tuple(reader.others),
        source_url=_page_address(reader.fields.get("source") or page_url, reader),
    )
    _report_missing(profile, reader)
    return replace(profile, notices=tuple(reader.notices))


def _without_icons_and_placeholders(lines: list[Line]) -> list[Line | Notice]:
    """Icon text is dropped; an unfilled `<placeholder>` of the scaffold becomes a blank line."""
    out: list[Line | Notice] = []
    for line in lines:
        if line.text.casefold() in ICON_WORDS:
            continue
        if _PLACEHOLDER.match(line.text):
            out.append(Notice("placeholder", f"'{line.text}' was not filled in"))
            out.append(Line(""))
            continue
        out.append(line)
    return out


def _title(title: str, notices: list[Notice]) -> tuple[str, str | None, str | None]:
    """`Yongsan-gu, Republic of Korea` -> city, country, `kr`; a country name may hold commas
    (`Korea, Republic of`), so each comma is tried from the left for a known country."""
    parts = [p.strip() for p in title.split(",")]
    if len(parts) < 2 or not parts[0]:
        notices.append(Notice("title", f"no 'City, Country' in the title line '{title}'"))
        return title, None, None
    for cut in range(1, len(parts)):
        country = ", ".join(parts[cut:])
        code = country_code(country)
        if code:
            return ", ".join(parts[:cut]), country, code
    city, country = ", ".join(parts[:-1]), parts[-1]
    notices.append(
        Notice("country", f"'{country}' is not a known country name; IRIs use no country code")
    )
    return city, country, None


# --- introduction and fields ---------------------------------------------------------------


def _read_head(lines: list[Line], reader: _Reader) -> None:
    """The introduction (paragraphs up to the first field label), then the labelled fields."""
    index = 0
    paragraphs = []
    while index < len(lines) and not (lines[index].text and _field_of(lines[index].text)):
        if lines[index].text:
            paragraphs.append(lines[index].text)
        index += 1
    if paragraphs:
        reader.introduction = "\n\n".join(paragraphs)
    unknown: list[str] = []
    while index < len(lines):
        line = lines[index]
        found = _field_of(line.text) if line.text else None
        if found is None:
            if line.text:
                unknown.append(line.text)
            index += 1
            continue
        name, inline = found
        index, values = _values(lines, index + 1, inline)
        _store_field(name, values, reader)
    _keep_unknown_fields(unknown, reader)


def _values(lines: list[Line], index: int, inline: str | None) -> tuple[int, list[str]]:
    """The value lines of a field: the value on the label's line alone, or the next line
    whatever it says, then more lines until a blank line or another label."""
    if inline:
        return index, [inline]
    values = []
    while index < len(lines) and not lines[index].text:
        index += 1
    if index < len(lines) and not _is_exact_label(lines[index].text):
        values.append(lines[index].text)
        index += 1
    while index < len(lines) and lines[index].text and not _field_of(lines[index].text):
        values.append(lines[index].text)
        index += 1
    return index, values


def _is_exact_label(text: str) -> bool:
    found = _field_of(text)
    return found is not None and found[1] is None


def _store_field(name: str, values: list[str], reader: _Reader) -> None:
    label = _display(name)
    if not values:
        reader.warn(label, "label found but no value after it")
        return
    if name in reader.fields:
        reader.warn(label, "given twice; the first value is kept, the second kept as a statement")
        reader.others.append(OtherPart("Profile", label, " ".join(values)))
        return
    if name == "focal_points":
        people = [p for value in values for p in _people(value, label, reader)]
        if people:
            reader.fields[name] = people
        return
    first, extra = values[0], values[1:]
    for line in extra:
        reader.warn(label, f"extra line '{line}' kept as a generic statement")
        reader.others.append(OtherPart("Profile", label, line))
    reader_of = {
        "population": _population,
        "member_since": _member_since,
        "mayor": _mayor,
        "source": _source,
    }[name]
    value = reader_of(first, label, reader)
    if value is not None:
        reader.fields[name] = value


def _keep_unknown_fields(unknown: list[str], reader: _Reader) -> None:
    """Unknown lines among the fields, read as label/value pairs, kept as generic statements."""
    for start in range(0, len(unknown), 2):
        label, *value = unknown[start : start + 2]
        reader.warn(label, "not a known field; kept as a generic statement")
        reader.others.append(OtherPart("Profile", label, value[0] if value else ""))


def _population(text: str, label: str, reader: _Reader) -> Population | None:
    """`229,770`, `229 770`, `229.770` (groups of three digits), `about 230,000` (approximate),
    `1.2 million` (approximate: a scaled figure is rounded)."""
    approximate = _APPROXIMATE.match(text)
    rest = text[approximate.end() :] if approximate else text
    match = _NUMBER.match(rest)
    if not match:
        reader.warn(label, f"could not read a number in '{text}'")
        return None
    number, scale = match.group("number"), match.group("scale")
    if scale:
        factor = 1_000_000 if scale.casefold() == "million" else 1_000
        value = round(float(number.replace(",", ".")) * factor)
    elif re.fullmatch(r"\d+[.,]\d{1,2}", number):
        reader.warn(label, f"'{text}' is not a whole number of inhabitants")
        return None
    else:
        value = int(re.sub(r"\D", "", number))
    trailing = rest[match.end() :].strip()
    if trailing and not _PEOPLE_WORDS.match(trailing):
        reader.warn(label, f"'{trailing}' after the number is kept only in the note")
    if value <= 0:
        reader.warn(label, f"'{text}' is not a positive number")
        return None
    return Population(value, bool(approximate or scale), text)


def _member_since(text: str, label: str, reader: _Reader) -> int | None:
    years = _YEAR.findall(text)
    if len(years) != 1:
        reader.warn(label, f"could not read one year in '{text}'")
        return None
    return int(years[0])


def _source(text: str, label: str, reader: _Reader) -> str | None:
    if not _URL.match(text):
        reader.warn(label, f"'{text}' is not an http(s) address")
        return None
    return text


def _person(text: str) -> Person:
    match = _LEADING_HONORIFIC.match(text)
    if match:
        return Person(match.group("name").strip(" ,;"), match.group("h"))
    return Person(text.strip(" ,;"))


def _people(text: str, label: str, reader: _Reader) -> Iterator[Person]:
    for part in _PERSON_SEPARATOR.split(text):
        person = _person(part.strip())
        if person.name:
            yield person
        elif part.strip():
            reader.warn(label, f"no name found in '{part.strip()}'")


def _mayor(text: str, label: str, reader: _Reader) -> Mayor | None:
    """`Mayor of Yongsan-gu Ms Hee Young Park`: the post's title, then the person. Without an
    honorific, the title ends after the city's name; without either, the line is the name."""
    match = _INNER_HONORIFIC.search(text)
    if match:
        title = text[: match.start()].strip(" ,;:-–—") or None
        person = Person(text[match.end() :].strip(" ,;"), match.group("h"))
    else:
        at = text.find(reader.city)
        cut = at + len(reader.city) if at >= 0 and text[:at].strip() else 0
        title = text[:cut].strip(" ,;:-–—") or None
        person = Person(text[cut:].strip(" ,;:-–—"))
    if not person.name:
        reader.warn(label, f"no name found in '{text}'")
        return None
    if title is None:
        reader.warn(label, f"no title of the post given; labelled 'Mayor of {reader.city}'")
    return Mayor(title, person)


# --- sections ------------------------------------------------------------------------------


def _read_sections(lines: list[Line], reader: _Reader) -> None:
    for name, heading, body in _split_sections(lines):
        preamble, blocks = _blocks(body)
        if name == "vision":
            _read_vision(heading, preamble, blocks, reader)
        elif name == "policies":
            _read_policies(heading, preamble, blocks, reader)
        elif name == "practices":
            _read_practices(heading, preamble, blocks, reader)
        else:
            reader.warn(heading, "not a known section; its parts are kept as generic statements")
            _keep_other(heading, preamble, blocks, reader)


def _split_sections(lines: list[Line]) -> Iterator[tuple[str | None, str, list[Line]]]:
    """(known section or None, heading as written, lines) for each section, in page order."""
    current: tuple[str | None, str, list[Line]] | None = None
    for line in lines:
        if _starts_section(line):
            if current:
                yield current
            current = (_section_of(line), line.text, [])
        elif current:
            current[2].append(line)
    if current:
        yield current


def _is_heading(line: Line) -> bool:
    """An HTML heading, or a short line that does not end a sentence (plain text has no
    markup: in the network's pages, headings are the only lines without final punctuation)."""
    if line.level:
        return True
    return (
        len(line.text) <= 120
        and len(line.text.split()) <= 15
        and not (_SENTENCE_END.search(line.text))
    )


def _blocks(lines: list[Line]) -> tuple[str, list[Block]]:
    """Text before the first heading, then (heading, text) blocks; paragraphs joined by a
    blank line."""
    preamble: list[str] = []
    blocks: list[tuple[str, list[str]]] = []
    for line in lines:
        if not line.text:
            continue
        if _is_heading(line):
            blocks.append((line.text.rstrip(":").strip(), []))
        elif blocks:
            blocks[-1][1].append(line.text)
        else:
            preamble.append(line.text)
    return "\n\n".join(preamble), [Block(h, "\n\n".join(text)) for h, text in blocks]


def _read_vision(heading: str, preamble: str, blocks: list[Block], reader: _Reader) -> None:
    """The section's text; a short line without a full stop is vision text too, unless text
    follows it (then it is a sub-heading, kept as a generic statement)."""
    paragraphs = [preamble] if preamble else []
    while blocks and not blocks[0].text:
        paragraphs.append(blocks.pop(0).heading)
    if paragraphs:
        reader.vision = "\n\n".join(paragraphs)
    for block in blocks:
        reader.warn(heading, f"heading '{block.heading}' kept as a generic statement")
        reader.others.append(OtherPart(heading, block.heading, block.text))


def _read_policies(heading: str, preamble: str, blocks: list[Block], reader: _Reader) -> None:
    statements = reader.policies
    if preamble:
        reader.warn(heading, "text before the first policy area kept as a generic statement")
        reader.others.append(OtherPart(heading, heading, preamble))
    for block in blocks:
        area = POLICY_AREAS.get(frozenset(heading_key(block.heading).split()) - {"and"})
        taken = {s.area for s in statements}
        if area is None or area in taken or not block.text:
            why = (
                "is not a known policy area"
                if area is None
                else "has no text"
                if not block.text
                else "appears twice"
            )
            reader.warn(heading, f"'{block.heading}' {why}; kept as a generic statement")
            reader.others.append(OtherPart(heading, block.heading, block.text))
            continue
        statements.append(PolicyStatement(area, block.heading, block.text))


def _read_practices(heading: str, preamble: str, blocks: list[Block], reader: _Reader) -> None:
    practices = reader.practices
    if preamble:
        reader.warn(heading, "text before the first practice title kept as a generic statement")
        reader.others.append(OtherPart(heading, heading, preamble))
    for block in blocks:
        if not block.text:
            reader.warn(heading, f"'{block.heading}' has no description")
        practices.append(block)


def _keep_other(heading: str, preamble: str, blocks: list[Block], reader: _Reader) -> None:
    if preamble or not blocks:
        reader.others.append(OtherPart(heading, heading, preamble))
    reader.others.extend(OtherPart(heading, b.heading, b.text) for b in blocks)


def _report_missing(profile: Profile, reader: _Reader) -> None:
    """One warning per part the page lacks, in page order."""
    checks = [
        ("introduction", profile.introduction),
        (_display("population"), profile.population),
        (_display("member_since"), profile.member_since),
        (_display("mayor"), profile.mayor),
        (_display("focal_points"), profile.focal_points),
        (_display("vision"), profile.vision),
        (_display("policies"), profile.policies),
        (_display("practices"), profile.practices),
    ]
    reported = {n.field for n in reader.notices}
    for label, value in checks:
        if not value and label not in reported:
            reader.warn(label, "not found")
