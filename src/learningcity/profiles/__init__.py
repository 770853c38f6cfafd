"""Importing learning-city profile pages (plain text or HTML) as validated RDF.

`read_profile` finds the parts of a page and warns about what it lacks; `import_profile` turns
it into statements in the project's vocabulary (`learningcity.profiles.graph`); `apply_layers`
adds curated enrichments on top (docs/import.md); `scaffold` writes a blank profile for a new
city. The CLI (`learningcity import`, `learningcity new`) is a thin layer over these.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from learningcity.errors import InputError, unreadable
from learningcity.inputs import read_file
from learningcity.iris import Minter
from learningcity.namespaces import DEFAULT_DATA_BASE
from learningcity.profiles.earlier import is_earlier, parse_earlier
from learningcity.profiles.graph import ImportOptions, build_graph, guessed_source_url
from learningcity.profiles.html import html_lines
from learningcity.profiles.lines import text_lines
from learningcity.profiles.model import Notice, Profile
from learningcity.profiles.parse import parse_profile
from learningcity.profiles.scaffold import scaffold

__all__ = [
    "ImportOptions",
    "ImportResult",
    "Notice",
    "Profile",
    "apply_layers",
    "import_profile",
    "parse_text",
    "read_profile",
    "scaffold",
    "split_layers",
]

FORMATS = ("text", "html")
_HTML_START = re.compile(
    r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)


def profile_format(path: Path, data: str) -> str:
    """`html` for .html/.htm files or markup that starts like a page, else `text`."""
    if path.suffix.lower() in (".html", ".htm", ".xhtml"):
        return "html"
    if path.suffix.lower() in (".txt", ".text", ".md"):
        return "text"
    return "html" if _HTML_START.match(data) else "text"


def parse_text(data: str, format: str) -> Profile:
    """A profile from page text or markup already in memory, in the layout its shape shows
    (the earlier layout of 2016-2020, `learningcity.profiles.earlier`, or the current one)."""
    lines, url = html_lines(data) if format == "html" else (text_lines(data), None)
    parse = parse_earlier if is_earlier(lines) else parse_profile
    return parse(lines, url)


def read_profile(path: Path, format: str | None = None) -> Profile:
    """Read and parse one profile file; unreadable or undecodable files raise `InputError`."""
    try:
        data = read_file(path).decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; check the path") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory; give a profile file") from None
    except OSError as error:
        raise unreadable(path, error) from None
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text (byte {error.start}); save it as UTF-8") from None
    try:
        return parse_text(data, format or profile_format(path, data))
    except InputError as error:
        raise InputError(f"{path}: {error}") from None


@dataclass(frozen=True)
class ImportResult:
    profile: Profile
    quads: list[ox.Quad]
    notices: tuple[Notice, ...]
    source_url: str
    read_on: dt.date
    base: str

    @property
    def key(self) -> str:
        """The city's key (`kr-yongsan-gu`), as its IRIs have it: what names its file in a
        folder of cities, its dataset in the catalogue and its validation results."""
        return Minter.city_key(self.profile.country_code, self.profile.city)

    @property
    def dataset(self) -> ox.NamedNode:
        """The city's dataset, as the catalogue lists it."""
        return ox.NamedNode(Minter(self.base).dataset(self.key))


def import_profile(
    profile: Profile,
    read_on: dt.date,
    source_url: str | None = None,
    base: str = DEFAULT_DATA_BASE,
) -> ImportResult:
    """The statements of a parsed profile. The source URL is the one given, else the page's own
    (HTML canonical link, or a `Source` field), else the network's address pattern, with a
    warning, since that one is a guess."""
    notices = list(profile.notices)
    url = source_url or profile.source_url
    if url is None:
        url = guessed_source_url(profile)
        notices.append(Notice("source", f"no --source-url and none in the page; assumed {url}"))
    quads = build_graph(profile, ImportOptions(url, read_on, base))
    return ImportResult(profile, quads, tuple(notices), url, read_on, base)


def apply_layers(
    imported: list[ox.Quad], enrichments: list[ox.Quad], retractions: list[ox.Quad]
) -> list[ox.Quad]:
    """`(imported − retractions) ∪ enrichments`, refusing retractions the import did not make
    (they would mean the import changed and the curated layer is out of date)."""
    have = set(imported)
    stale = [q for q in retractions if q not in have]
    if stale:
        raise InputError(
            f"{len(stale)} retracted statement(s) are not in the import, e.g. {stale[0]}; "
            "update the retractions file"
        )
    removed = set(retractions)
    return [q for q in imported if q not in removed] + [q for q in enrichments if q not in have]


def split_layers(
    imported: list[ox.Quad], curated: list[ox.Quad]
) -> tuple[list[ox.Quad], list[ox.Quad]]:
    """The layers that make `curated` from `imported`: (additions, retractions), the inverse of
    `apply_layers`, for re-deriving them after the curated data was edited by hand."""
    have, want = set(imported), set(curated)
    return [q for q in curated if q not in have], [q for q in imported if q not in want]
