"""What a profile page says, as read by the parser: plain values, no RDF yet.

Why a separate structure: the parser's job (finding the parts of a page, warning about what is
missing) and the graph builder's job (minting IRIs, choosing vocabulary) change for different
reasons, and tests can assert what was extracted without reading a graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
    notices: tuple[Notice, ...] = field(default=())
