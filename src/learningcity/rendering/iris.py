"""The IRI scheme as the server sees it, and the one place where IRIs are rewritten.

Things are named `{root}id/{kind}/{key}` and the documents about them `{root}doc/{kind}/{key}`
(docs/iri-scheme.md): a thing (a city, a person) is not a web page, so a request for it is
answered `303 See Other` to the document, as the Cool URIs note recommends. When the server
publishes the data under another address than its base (a local run on 127.0.0.1), every IRI
under the base is rewritten once, when the dataset is prepared, so that pages, RDF, SPARQL
results and the links between them all name the same, dereferenceable IRIs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from string import ascii_letters, digits
from typing import TypeGuard, TypeVar, cast

import pyoxigraph as ox

from learningcity.errors import InputError
from learningcity.iris import usable_iri
from learningcity.namespaces import DEFAULT_DATA_BASE, PROJECT_ROOT

_ID = "id/"
_DOC = "doc/"
_Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph
_T = TypeVar("_T", bound=_Term)


@dataclass(frozen=True)
class IriScheme:
    """Where things and documents live: `root` is the base without its trailing `id/`."""

    root: str

    @classmethod
    def for_base(cls, base: str) -> IriScheme:
        """The scheme of `base`, refused unless it is an IRI ending in `/id/` (a space or a line
        break in it would reach every IRI, link and header made from it)."""
        if not base.endswith("/" + _ID):
            raise InputError(f"--base {base!r} must end with '/id/' (things are named {{base}}...)")
        return cls(usable_iri(base, "--base")[: -len(_ID)])

    @property
    def base(self) -> str:
        return self.root + _ID

    @property
    def doc_base(self) -> str:
        return self.root + _DOC

    @property
    def endpoint(self) -> str:
        """The SPARQL endpoint's public URL (`/sparql`), also the base IRI of its queries."""
        return self.root + "sparql"

    def thing_for_path(self, path: str) -> str:
        """The thing IRI a request path `id/city/x` or `doc/city/x` is about."""
        return self.base + path.split("/", 1)[1]

    def doc_for(self, thing: str) -> str | None:
        if not thing.startswith(self.base):
            return None
        return self.doc_base + thing[len(self.base) :]

    def local_copy(self, iri: str) -> str | None:
        """`iri` at the same path (and fragment) under this root, for the project's own IRIs (the
        vocabulary, the shapes, the policy areas, the context), which a server or a site serves
        whatever its base; None for every other IRI."""
        if iri.startswith(PROJECT_ROOT) and not iri.startswith(DEFAULT_DATA_BASE):
            return self.root + iri[len(PROJECT_ROOT) :]
        return None

    def document_for(self, iri: str) -> str:
        """The document this server or site answers for `iri` with: a thing's under `doc/`, a
        project IRI's local copy (`local_copy`, no fragment), else `iri` itself."""
        doc = self.doc_for(iri)
        if doc is not None:
            return doc
        local = self.local_copy(iri)
        return iri if local is None else local.split("#", 1)[0]

    def page_of(self, thing: str) -> str:
        """The path of the page about `thing` (under the base) in a static site: `doc/city/x`."""
        doc = self.doc_for(thing)
        if doc is None:
            raise InputError(f"{shown(thing)}: not under the base {self.base}; it has no page")
        return _page(doc[len(self.root) :], thing)

    def path_of(self, iri: str) -> str:
        """The local path (`/doc/city/x`) of an IRI under the root, for links and redirects."""
        return "/" + iri[len(self.root) :]

    def is_local(self, iri: str) -> bool:
        return iri.startswith(self.root)


#: What a folder's documents are named by (`policy-area/index.ttl`, `doc/city/index.html`).
INDEX = "index"


def index_stem(path: str) -> str:
    """The stem the files of the document at `path` are named by: `path`, or a folder's
    (`""`, `policy-area/`) index, `policy-area/index`. `policy-area/.ttl` would be a dot file,
    which hosts hide or serve with no type (nginx: application/octet-stream)."""
    return path + INDEX if path == "" or path.endswith("/") else path


def representation_url(document: str, extension: str) -> str:
    """The URL (or path, or file name) of one representation of `document`: `{document}.ttl`,
    or for a folder `{document}index.ttl` (`index_stem`)."""
    return f"{index_stem(document)}.{extension}"


def document_of_file(stem: str) -> str:
    """The document a file's stem names (the inverse of `index_stem`): a folder's index
    (`policy-area/index`) names the folder, `policy-area/`; any other stem itself."""
    if stem == INDEX or stem.endswith("/" + INDEX):
        return stem[: -len(INDEX)]
    return stem


#: Punctuation a page's path may hold, beside letters, digits and marks of any script: the IRI
#: unreserved marks and the sub-delimiters that no file system (Linux, macOS, Windows), static
#: host or host configuration the site is written for gives a meaning. Refused, with why:
#: `%` (hosts decode it before looking for the file), `?` `#` (a query or fragment is no file),
#: `*` (a splat in `_redirects`, a wildcard on Windows), `:` (a placeholder in `_redirects`, a
#: stream name on Windows), backslash (a separator on Windows); IRIs hold no spaces or quotes.
PAGE_PUNCTUATION = "-._~!$&'()+,;=@"
#: Where a site is served (the path of `--base`): only the unreserved marks, so that the path is
#: literal in every host's syntax (nginx, Apache, Caddy, `_redirects`, `_headers`) once `.` is
#: escaped in regular expressions.
PREFIX_PUNCTUATION = "-._~"
#: What a segment of a path may not be called on Windows, whatever its extension.
_WINDOWS_DEVICES = frozenset(
    ["con", "prn", "aux", "nul"]
    + [f"{name}{n}" for name in ("com", "lpt") for n in "0123456789\u00b9\u00b2\u00b3"]
)
_WHY = {
    "%": "a percent-encoded octet ('%'), which static hosts decode before looking for the file",
    "?": "a query ('?'), which no file can be named after",
    "#": "a fragment ('#'), which no file can be named after",
    "*": "'*', a splat in _redirects and a wildcard on Windows",
    ":": "':', a placeholder in _redirects and a stream name on Windows",
    "\\": "a backslash, a folder separator on Windows",
}
SHOWN_CHARACTERS = 200


def page_path(iri: str, root: str) -> str:
    """The path, relative to the site folder, of the page of `iri` (an IRI under `root`).

    The one place where an IRI becomes a file path, so containment holds by construction: the
    path is made of plain segments (no `.` or `..`, none empty but a folder IRI's last, none a
    Windows device name or ending in `.`), of characters every host carries as they are; any
    other IRI is refused in one line that names it (InputError), before a file is written.
    An IRI under `root` keeps its path: `{root}doc/city/x` is the page `doc/city/x`.
    """
    return _page(iri[len(root) :], iri)


def _page(path: str, iri: str) -> str:
    """`path` if it is a page's path (see `page_path`), else InputError naming `iri`."""
    segments = path.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        problem = segment_problem(segment, PAGE_PUNCTUATION, empty_ok=last and index > 0)
        if problem is not None:
            raise InputError(
                f"{shown(iri)}: no page can be written for this IRI: it holds {problem}; "
                "mint IRIs of letters, digits and '-', '.', '_' (docs/publish.md, "
                "'Which IRIs get a page')"
            )
    return path


def segment_problem(segment: str, punctuation: str, *, empty_ok: bool = False) -> str | None:
    """What makes `segment` unfit for a file or URL path that every host serves as it is, or
    None: dot segments, an empty segment, characters outside letters, digits, marks and
    `punctuation`, invisible or control characters, a trailing `.`, a Windows device name."""
    if segment == "":
        return None if empty_ok else "an empty segment ('//')"
    if segment in (".", ".."):
        return f"a '{segment}' segment"
    if not _plain(punctuation).fullmatch(segment):  # the common case, at C speed
        for character in segment:
            if not _allowed(character, punctuation):
                why = _WHY.get(character)
                return why or f"the character {character!r} (U+{ord(character):04X})"
    if segment.endswith("."):
        return f"the segment {shown(segment)!r} ending in '.', which Windows drops"
    if segment.split(".", 1)[0].casefold() in _WINDOWS_DEVICES:
        return f"the segment {shown(segment)!r}, a device name on Windows"
    return None


@cache
def _plain(punctuation: str) -> re.Pattern[str]:
    """Segments of ASCII letters, digits and `punctuation` only."""
    return re.compile(f"[A-Za-z0-9{re.escape(punctuation)}]+")


def _allowed(character: str, punctuation: str) -> bool:
    if character.isascii():
        return character in punctuation or character in _ALPHANUMERIC
    return unicodedata.category(character)[0] not in "CZ"  # no control, format or space


_ALPHANUMERIC = frozenset(ascii_letters + digits)


def shown(text: str) -> str:
    """`text` on one visible line: controls and invisible characters as `\\uXXXX`, cut short."""
    visible = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)
    if len(visible) > SHOWN_CHARACTERS:
        return visible[:SHOWN_CHARACTERS] + "..."
    return visible


def rebase(quads: Iterable[ox.Quad], old_base: str, new_base: str) -> ox.Dataset:
    """A dataset of `quads` with every IRI under `old_base` moved under `new_base` (literals
    untouched).

    Takes the statements as they are parsed, so that a server builds one dataset, not two (a
    million statements: ~10 s and ~1 GiB each); a statement with nothing to move is kept as it
    is, and each moved IRI is made once.
    """
    if old_base == new_base:
        return quads if isinstance(quads, ox.Dataset) else ox.Dataset(quads)
    moved: dict[str, ox.NamedNode] = {}

    def move(term: _T) -> _T:
        """The term, or the IRI it moves to: an IRI stays an IRI in its place."""
        if not _under(term, old_base):
            return term
        found = moved.get(term.value)
        if found is None:
            found = moved[term.value] = ox.NamedNode(new_base + term.value[len(old_base) :])
        return cast(_T, found)

    def rebased() -> Iterator[ox.Quad]:
        for quad in quads:
            subject, predicate, value, graph = quad  # a Quad unpacks to its four terms
            if (
                _under(subject, old_base)
                or _under(value, old_base)
                or _under(predicate, old_base)
                or _under(graph, old_base)
            ):
                quad = ox.Quad(move(subject), move(predicate), move(value), move(graph))
            yield quad

    return ox.Dataset(rebased())


def _under(term: _Term | None, base: str) -> TypeGuard[ox.NamedNode]:
    return type(term) is ox.NamedNode and term.value.startswith(base)
