"""Finding the parts of a profile page in its lines, with a warning for everything not found.

The page has a fixed order: the title line `City, Country`, an introduction, labelled fields
(City population, Member since, Mayor, Focal point), then sections (Vision; Policies, plan and
implementation; Good practices) whose parts are a heading line followed by text. A quotation
(an icon line `format_quote`, the quoted words, then the speaker's name and title) may stand
anywhere; it is taken out before the rest is read. The parser keys
on those words, tolerates renamed and extra headings, and never guesses silently: a value it
cannot read is reported (`City population: could not read 'many'`), a heading it does not know is
kept as a generic part of the section it appeared in, and reported too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from learningcity.errors import InputError
from learningcity.iris import slug, usable_iri
from learningcity.profiles.countries import country_code
from learningcity.profiles.lines import Line
from learningcity.profiles.model import (
    Block,
    Notice,
    Official,
    OtherPart,
    Person,
    PolicyStatement,
    Population,
    Profile,
    Quotation,
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
#: Icon text that starts a quotation: the quoted words follow, then who said them.
QUOTE_ICONS = frozenset(["format_quote"])
_HONORIFIC = r"(?:Mrs|Mr|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Hon)\.?"
_HONORIFICS = rf"{_HONORIFIC}(?:\s+{_HONORIFIC})*"
_LEADING_HONORIFIC = re.compile(rf"^(?P<h>{_HONORIFICS})\s+(?P<name>\S.*)$")
_INNER_HONORIFIC = re.compile(rf"(?:^|(?<=\s))(?P<h>{_HONORIFICS})\s+(?=\S)")
_PERSON_SEPARATOR = re.compile(
    rf"\s*;\s*|\s*,\s*(?={_HONORIFIC}\s)|\s+(?:and|&)\s+(?={_HONORIFIC}\s)"
)
_QUOTE_MARKS = '"“”«»„'
_QUOTED = re.compile(rf"^[{_QUOTE_MARKS}]\s*(?P<words>[^{_QUOTE_MARKS}]*?)\s*[{_QUOTE_MARKS}]$")
_AROUND = " ,;:-–—"  # punctuation around a name or a title
_TITLE_WORDS = re.compile(r"\bof\b", re.IGNORECASE)
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


def field_of(text: str) -> tuple[str, str | None] | None:
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
    return bool(_section_of(line)) or (line.level in (1, 2) and field_of(line.text) is None)


def _after_label(text: str, words: int) -> str:
    """The text after the first `words` words of a label (and a colon, if any)."""
    rest = re.sub(rf"^(?:\W*\w+){{{words}}}", "", text, count=1)
    return rest.lstrip(" :\t-–—").strip()


def _display(name: str) -> str:
    return {**FIELDS, **SECTIONS}[name][0]


@dataclass
class Reader:
    """Mutable state of one parse: the notices so far and the parts found."""

    city: str
    notices: list[Notice] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)  # labelled fields by name
    introduction: str | None = None
    vision: str | None = None
    policies: list[PolicyStatement] = field(default_factory=list)
    practices: list[Block] = field(default_factory=list)
    others: list[OtherPart] = field(default_factory=list)
    quotations: list[Quotation] = field(default_factory=list)

    def warn(self, field_name: str, message: str) -> None:
        self.notices.append(Notice(field_name, message))


def page_address(url: str | None, reader: Reader) -> str | None:
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
    title, country, code, reader, rest = begin(lines)
    city = reader.city
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
        quotations=attributed(reader),
        source_url=page_address(reader.fields.get("source") or page_url, reader),
    )
    report_missing(profile, reader)
    return replace(profile, notices=tuple(reader.notices))


def begin(lines: list[Line]) -> tuple[str, str | None, str | None, Reader, list[Line]]:
    """What every layout starts with: the title line read as `City, Country` (its country and
    code), a reader for the rest, and the lines after the title without icons, placeholders and
    quotations (taken out into the reader)."""
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
    reader = Reader(city, notices)
    return title, country, code, reader, _take_quotations(kept[start + 1 :], reader)


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


def _read_head(lines: list[Line], reader: Reader) -> None:
    """The introduction (paragraphs up to the first field label), then the labelled fields."""
    index = 0
    paragraphs = []
    while index < len(lines) and not (lines[index].text and field_of(lines[index].text)):
        if lines[index].text:
            paragraphs.append(lines[index].text)
        index += 1
    if paragraphs:
        reader.introduction = "\n\n".join(paragraphs)
    unknown: list[str] = []
    while index < len(lines):
        line = lines[index]
        found = field_of(line.text) if line.text else None
        if found is None:
            if line.text:
                unknown.append(line.text)
            index += 1
            continue
        name, inline = found
        index, values = field_values(lines, index + 1, inline, name)
        store_field(name, values, reader)
    _keep_unknown_fields(unknown, reader)


def field_values(
    lines: list[Line], index: int, inline: str | None, name: str
) -> tuple[int, list[str]]:
    """The value lines of a field: the value on the label's line alone, or the next line
    unless it is another label (`Member since` with its year on its line: this label's value
    is missing, and the next label keeps its own), then more lines until a blank line or
    another label. The label's own field may start its value (`Mayor` / `Mayor of ...`)."""
    if inline:
        return index, [inline]
    values = []
    while index < len(lines) and not lines[index].text:
        index += 1
    if index < len(lines) and not _labels_another(lines[index].text, name):
        values.append(lines[index].text)
        index += 1
    while index < len(lines) and lines[index].text and not field_of(lines[index].text):
        values.append(lines[index].text)
        index += 1
    return index, values


def _is_exact_label(text: str) -> bool:
    found = field_of(text)
    return found is not None and found[1] is None


def _labels_another(text: str, name: str) -> bool:
    found = field_of(text)
    return found is not None and (found[1] is None or found[0] != name)


def store_field(name: str, values: list[str], reader: Reader) -> None:
    label = _display(name)
    if not values:
        reader.warn(label, "label found but no value after it")
        return
    if name in reader.fields:
        reader.warn(label, "given twice; the first value is kept, the second kept as a statement")
        reader.others.append(OtherPart("Profile", label, " ".join(values)))
        return
    if name == "focal_points":
        people = [p for value in values for p in _officials(value, label, reader)]
        if people:
            reader.fields[name] = people
        return
    first, extra = values[0], values[1:]
    for line in extra:
        reader.warn(label, f"extra line '{line}' kept as a generic statement")
        reader.others.append(OtherPart("Profile", label, line))
    reader_of = {
        "population": read_population,
        "member_since": _member_since,
        "mayor": _mayor,
        "source": _source,
    }[name]
    value = reader_of(first, label, reader)
    if value is not None:
        reader.fields[name] = value


def _keep_unknown_fields(unknown: list[str], reader: Reader) -> None:
    """Unknown lines among the fields, read as label/value pairs, kept as generic statements."""
    for start in range(0, len(unknown), 2):
        label, *value = unknown[start : start + 2]
        reader.warn(label, "not a known field; kept as a generic statement")
        reader.others.append(OtherPart("Profile", label, value[0] if value else ""))


def read_population(text: str, label: str, reader: Reader) -> Population | None:
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


def _member_since(text: str, label: str, reader: Reader) -> int | None:
    years = _YEAR.findall(text)
    if len(years) != 1:
        reader.warn(label, f"could not read one year in '{text}'")
        return None
    return int(years[0])


def _source(text: str, label: str, reader: Reader) -> str | None:
    if not _URL.match(text):
        reader.warn(label, f"'{text}' is not an http(s) address")
        return None
    return text


def _folded(text: str) -> str:
    """Each character without case or accents, one for one (`Medellín` ~ `MEDELLIN`)."""
    return "".join(
        (unicodedata.normalize("NFD", c)[0] if c.isalpha() else c).casefold()[:1] for c in text
    )


def _end_of_city(text: str, city: str) -> int:
    """Where the city's name ends in `text` (written with or without its accents), or -1."""
    at = _folded(text).find(_folded(city))
    return at + len(city) if at > 0 else -1


def _official(text: str, city: str) -> tuple[Official | None, str | None]:
    """A post's title and its holder from one line, and a doubt to warn about, if any.

    `Head of Jung-gu, Daegu Mr Kim`: the honorific ends the title. `Ms Park, Mayor of X`: the
    name comes first, the title after the comma. Without an honorific see `_unmarked`."""
    text = text.strip(_AROUND)
    match = _INNER_HONORIFIC.search(text)
    if match and match.start() > 0:
        person = Person(text[match.end() :].strip(_AROUND), match.group("h"))
        return Official(text[: match.start()].strip(_AROUND), person), None
    if match:
        name, _, title = text[match.end() :].partition(",")
        person = Person(name.strip(_AROUND), match.group("h"))
        return Official(title.strip(_AROUND) or None, person), None
    return _unmarked(text, city) if text else (None, None)


def _unmarked(text: str, city: str) -> tuple[Official, str | None]:
    """A line without an honorific: `Name, Title` when the part before the comma does not
    read like a title (`... of ...`); else the title ends after the city's name (`Mayor of
    Bremen Andreas Bovenschulte`), doubtful when a comma follows the city (`Head of Jongno-gu,
    Seoul Kim`); else the whole line is the name, doubtful when it reads like a title."""
    name, comma, title = text.partition(",")
    if comma and title.strip(_AROUND) and not _TITLE_WORDS.search(name):
        return Official(title.strip(_AROUND), Person(name.strip())), None
    cut = _end_of_city(text, city)
    name = text[cut:].strip(_AROUND) if cut > 0 else ""
    if name:
        official = Official(text[:cut].strip(_AROUND), Person(name))
        if not text[cut:].lstrip().startswith(","):
            return official, None
        return official, (
            f"no honorific to tell where the post's title ends in '{text}'; read as "
            f"'{official.post_title}' held by '{name}'; check it"
        )
    if not _TITLE_WORDS.search(text):
        return Official(None, Person(text)), None
    return Official(None, Person(text)), (
        f"no honorific to tell the post's title from the name in '{text}'; "
        "the whole line is taken as the name; check it"
    )


def _officials(text: str, label: str, reader: Reader) -> Iterator[Official]:
    for part in _PERSON_SEPARATOR.split(text):
        official, doubt = _official(part, reader.city)
        if doubt:
            reader.warn(label, doubt)
        if official and official.person.name:
            yield official
        elif part.strip():
            reader.warn(label, f"no name found in '{part.strip()}'")


def _mayor(text: str, label: str, reader: Reader) -> Official | None:
    """`Mayor of Yongsan-gu Ms Hee Young Park`: the post's title, then the person."""
    official, doubt = _official(text, reader.city)
    if doubt:
        reader.warn(label, doubt)
    if official is None or not official.person.name:
        reader.warn(label, f"no name found in '{text}'")
        return None
    if official.post_title is None:
        reader.warn(label, f"no title of the post given; labelled 'Mayor of {reader.city}'")
    return official


# --- quotations ----------------------------------------------------------------------------


def _take_quotations(lines: list[Line], reader: Reader) -> list[Line]:
    """The lines without their quotations, each read by `_read_quotation`: from an icon line to
    the next icon, section heading or field label, or a quotation without its icon (HTML drops
    icons, see `_unmarked_quotation_end`)."""
    kept: list[Line] = []
    index = 0
    while index < len(lines):
        if lines[index].text.casefold() in QUOTE_ICONS:
            ends = (j for j in range(index + 1, len(lines)) if _ends_quotation(lines[j]))
            end = next(ends, len(lines))
            _read_quotation(lines[index + 1 : end], reader)
        elif end := _unmarked_quotation_end(lines, index):
            _read_quotation(lines[index:end], reader)
        else:
            kept.append(lines[index])
            end = index + 1
        index = end
    return kept


def _ends_quotation(line: Line) -> bool:
    return (
        line.text.casefold() in QUOTE_ICONS
        or _starts_section(line)
        or bool(line.text and _is_exact_label(line.text))
    )


def _unmarked_quotation_end(lines: list[Line], index: int) -> int:
    """A paragraph wholly in double quotation marks after a paragraph (not after a heading, whose
    text it would be), then one or two short lines that are no HTML heading, the first with an
    honorific (`Mr Han Seo-jun`), is a quotation even without its icon: the index after it,
    else 0 (a quoted description of a practice, then the next practice's title, is none)."""
    before = next((line for line in reversed(lines[:index]) if line.text), None)
    if not _QUOTED.match(lines[index].text) or before is None or _is_heading(before):
        return 0
    speaker = index + 1
    while speaker < len(lines) and not lines[speaker].text:
        speaker += 1
    end = speaker
    while (
        end < len(lines)
        and end - speaker < 2
        and lines[end].text
        and lines[end].level == 0
        and _is_heading(lines[end])
        and not _ends_quotation(lines[end])
    ):
        end += 1
    if end == speaker or not _INNER_HONORIFIC.search(lines[speaker].text):
        return 0
    return end


def _read_quotation(lines: list[Line], reader: Reader) -> None:
    """The quoted paragraphs, then one or two short lines naming the speaker (`Ms Hee Young
    Park` / `Mayor of Yongsan-gu`, or both on one line); enclosing quotation marks dropped."""
    written = [line for line in lines if line.text]
    cut = len(written)
    while cut > 0 and len(written) - cut < 2 and _is_heading(written[cut - 1]):
        cut -= 1
    words = "\n\n".join(line.text for line in written[:cut])
    attribution = ", ".join(line.text for line in written[cut:])
    if not words:
        reader.warn("Quotation", "an icon line with no quoted words after it; ignored")
        if attribution:
            reader.others.append(OtherPart("Profile", "Quotation", attribution))
        return
    official, doubt = _official(attribution, reader.city)
    if official is None or not official.person.name:
        reader.warn("Quotation", "no speaker named under the quoted words; kept as a statement")
        reader.others.append(OtherPart("Profile", "Quotation", words))
        return
    if doubt:
        reader.warn("Quotation", doubt)
    text = _QUOTED.sub(r"\g<words>", words)
    reader.quotations.append(Quotation(text, official.person, attribution))


def attributed(reader: Reader) -> tuple[Quotation, ...]:
    """Quotations whose speaker is the mayor or a focal point (same name, any honorific) are
    attributed to that person as the page names them; anyone else is warned about."""
    holders = [reader.fields.get("mayor"), *reader.fields.get("focal_points", ())]
    people = {_folded(o.person.name): o.person for o in holders if o}
    out = []
    for quotation in reader.quotations:
        person = people.get(_folded(quotation.speaker.name))
        if person is None:
            reader.warn(
                "Quotation",
                f"'{quotation.speaker.name}' is not the mayor or a focal point the page names; "
                "recorded as the speaker all the same",
            )
        out.append(replace(quotation, speaker=person or quotation.speaker))
    return tuple(out)


# --- sections ------------------------------------------------------------------------------


def _read_sections(lines: list[Line], reader: Reader) -> None:
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


def _read_vision(heading: str, preamble: str, blocks: list[Block], reader: Reader) -> None:
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


def _read_policies(heading: str, preamble: str, blocks: list[Block], reader: Reader) -> None:
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


def _read_practices(heading: str, preamble: str, blocks: list[Block], reader: Reader) -> None:
    practices = reader.practices
    if preamble:
        reader.warn(heading, "text before the first practice title kept as a generic statement")
        reader.others.append(OtherPart(heading, heading, preamble))
    for block in blocks:
        if not block.text:
            reader.warn(heading, f"'{block.heading}' has no description")
        practices.append(block)


def _keep_other(heading: str, preamble: str, blocks: list[Block], reader: Reader) -> None:
    if preamble or not blocks:
        reader.others.append(OtherPart(heading, heading, preamble))
    reader.others.extend(OtherPart(heading, b.heading, b.text) for b in blocks)


def report_missing(profile: Profile, reader: Reader) -> None:
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
