"""What a profile page says, as read by the parser: plain values, no RDF yet.

Why a separate structure: the parser's job (finding the parts of a page, warning about what is
missing) and the graph builder's job (minting IRIs, choosing vocabulary) change for different
reasons, and tests can assert what was extracted without reading a graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Notice:
    """A warning about one field of the profile: `population: not found`."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


@dataclass(frozen=True)
class Person:
    name: str
    honorific: str | None = None


@dataclass(frozen=True)
class Official:
    """A mayor or focal point line: the post's title as given (`Mayor of Yongsan-gu`,
    `Director of the Lifelong Learning Division`), if any, and who holds it."""

    post_title: str | None
    person: Person


@dataclass(frozen=True)
class Quotation:
    """Words the page quotes (after an icon line such as `format_quote`), with the speaker as
    named under them and the attribution as written (`Ms Hee Young Park, Mayor of Yongsan-gu`)."""

    text: str
    speaker: Person
    attribution: str


@dataclass(frozen=True)
class Population:
    """`value` as stated; `approximate` when the page says `about 230,000` and the like."""

    value: int
    approximate: bool
    as_written: str


@dataclass(frozen=True)
class Indicator:
    """One indicator of the earlier layout (2016-2020), as the page states it: an exact `value`,
    or a class given by its bounds (`More than 500 inhabitants per km²`: `minimum` 500), never a
    number the page does not give. `measure` is the vocabulary's local name (`cityArea`);
    `country` is true for the figure of the country (GDP per capita of the country); `unit` is
    the vocabulary's unit (`squareKilometre`) or, for money, the ISO 4217 currency (`USD`)."""

    measure: str
    country: bool
    unit: str
    unit_text: str
    as_written: str
    value: Decimal | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    approximate: bool = False


@dataclass(frozen=True)
class Section:
    """A section of the earlier layout: `kind` is `challengesAndGoals` or `planAndImplementation`
    (the vocabulary's property; "Vision and motivation" is the profile's `vision`); `items` the
    bullet list, in order."""

    kind: str
    heading: str
    text: str
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Block:
    """A heading and its text: a policy statement, a good practice or an unknown part."""

    heading: str
    text: str


@dataclass(frozen=True)
class PolicyStatement:
    area: str  # notation of the policy area, e.g. `equity-and-inclusion`
    heading: str
    text: str


@dataclass(frozen=True)
class OtherPart:
    """A heading the importer does not know, kept with the section it appeared in."""

    section: str
    heading: str
    text: str


@dataclass(frozen=True)
class Profile:
    title: str
    city: str
    country: str | None
    country_code: str | None
    introduction: str | None = None
    population: Population | None = None
    member_since: int | None = None
    mayor: Official | None = None
    focal_points: tuple[Official, ...] = ()
    vision: str | None = None
    policies: tuple[PolicyStatement, ...] = ()
    practices: tuple[Block, ...] = ()
    others: tuple[OtherPart, ...] = ()
    quotations: tuple[Quotation, ...] = ()
    source_url: str | None = None
    layout: str = "current"  # or "earlier": the 2016-2020 layout (`learningcity.profiles.earlier`)
    tagline: str | None = None
    indicators: tuple[Indicator, ...] = ()
    sections: tuple[Section, ...] = ()
    notices: tuple[Notice, ...] = field(default=())
