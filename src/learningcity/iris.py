"""Minting the IRIs of the data: one pattern per kind of thing, under a configurable base.

Why one module: the profile importer, the curated data and any generator of synthetic networks
must mint the same IRI for the same thing, or their graphs would not join. The patterns are the
ones `data/yongsan.ttl` uses (`city:kr-yongsan-gu`, `post:kr-yongsan-gu.mayor` ...): a city key
`<country code>-<slug of the name>`, then `.<local slug>` for things that belong to the city.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

import pyoxigraph as ox

from learningcity.credentials import HOW_TO_GIVE
from learningcity.errors import InputError, printable
from learningcity.namespaces import DATA_KINDS, DEFAULT_DATA_BASE

_NOT_SLUG = re.compile(r"[^\w]+")
_APOSTROPHES = re.compile(r"['’ʼ`]")


def usable_iri(value: str, option: str, *, web: bool = False) -> str:
    """`value` if it is an absolute IRI RDF can carry (with `web`: an http(s) URL with a host),
    else `InputError` naming `option` (exit 2).

    The one decision for every IRI a person gives on the command line (`--base`, `--resource`,
    `--source-url`, `--graph`, `--endpoint`, `--to`). Oxigraph's RFC 3987 parser decides, because
    every such IRI ends as an Oxigraph term or in a request: checked here first, no later step
    can fail on it with a traceback (spaces, `<>`, control characters, bad percent-encoding,
    a relative reference). The value is shown with `repr` so that a space or a control
    character is visible and the message stays one line; a URL to fetch that holds a user name
    or password is refused without being shown (credentials: `learningcity.credentials`).
    """
    if web and _has_userinfo(value):
        raise InputError(
            f"{option}: the URL holds a user name or password, which process listings and logs "
            f"would show; give it without them, and {HOW_TO_GIVE}"
        )
    try:
        ox.NamedNode(value)
    except ValueError as error:
        raise InputError(
            f"{option} {value!r}: not an absolute IRI ({printable(str(error))}); write it like "
            'https://example.org/a/b, with spaces and <>"{}|^`\\ percent-encoded'
        ) from None
    if web and not _is_web_url(value):
        raise InputError(f"{option} {value!r}: give an http:// or https:// URL")
    return value


def _has_userinfo(value: str) -> bool:
    """Whether the authority of `value` has a `user[:password]@` part (parsed or not)."""
    authority = value.partition("//")[2].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return "@" in authority


def _is_web_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (a port out of range raises ValueError)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def slug(text: str) -> str:
    """Lower-case words joined by `-`; accents dropped, other scripts kept (IRIs are Unicode).

    `Talent Sharing project` -> `talent-sharing-project`, `São Paulo` -> `sao-paulo`,
    `서울` -> `서울`. Apostrophes vanish (`Women's` -> `womens`) rather than split a word.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = unicodedata.normalize("NFC", _APOSTROPHES.sub("", stripped)).casefold()
    return _NOT_SLUG.sub("-", stripped).replace("_", "-").strip("-")


@dataclass(frozen=True)
class Minter:
    """IRIs for one data base; `Minter("https://example.org/id/").city("kr-yongsan-gu")`."""

    base: str = DEFAULT_DATA_BASE

    def __post_init__(self) -> None:
        if not self.base.endswith(("/", "#")):
            raise ValueError(f"the data base IRI must end with '/' or '#': {self.base}")

    def of(self, kind: str, local: str) -> str:
        if kind not in DATA_KINDS:
            raise ValueError(f"unknown kind of IRI: {kind}")
        return f"{self.base}{kind}/{local}"

    @staticmethod
    def city_key(country_code: str | None, name: str) -> str:
        """`kr-yongsan-gu`; without a known country, the slug of the name alone."""
        return f"{country_code}-{slug(name)}" if country_code else slug(name)

    def city(self, key: str) -> str:
        return self.of("city", key)

    def dataset(self, key: str) -> str:
        return self.of("dataset", key)

    def country(self, country_code: str) -> str:
        return self.of("place", country_code)

    def part(self, kind: str, key: str, local: str) -> str:
        """Something that belongs to a city: `post`, `kr-yongsan-gu`, `mayor`."""
        return self.of(kind, f"{key}.{local}")

    def organization(self, local: str) -> str:
        return self.of("organization", local)
