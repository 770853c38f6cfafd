"""The IRI scheme as the server sees it, and the one place where IRIs are rewritten.

Things are named `{root}id/{kind}/{key}` and the documents about them `{root}doc/{kind}/{key}`
(docs/iri-scheme.md): a thing (a city, a person) is not a web page, so a request for it is
answered `303 See Other` to the document, as the Cool URIs note recommends. When the server
publishes the data under another address than its base (a local run on 127.0.0.1), every IRI
under the base is rewritten once, when the dataset is prepared, so that pages, RDF, SPARQL
results and the links between them all name the same, dereferenceable IRIs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from learningcity.errors import InputError

_ID = "id/"
_DOC = "doc/"
_Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.DefaultGraph


@dataclass(frozen=True)
class IriScheme:
    """Where things and documents live: `root` is the base without its trailing `id/`."""

    root: str

    @classmethod
    def for_base(cls, base: str) -> IriScheme:
        if not base.endswith("/" + _ID):
            raise InputError(f"--base {base!r} must end with '/id/' (things are named {{base}}...)")
        return cls(base[: -len(_ID)])

    @property
    def base(self) -> str:
        return self.root + _ID

    @property
    def doc_base(self) -> str:
        return self.root + _DOC

    def thing_for_path(self, path: str) -> str:
        """The thing IRI a request path `id/city/x` or `doc/city/x` is about."""
        return self.base + path.split("/", 1)[1]

    def doc_for(self, thing: str) -> str | None:
        if not thing.startswith(self.base):
            return None
        return self.doc_base + thing[len(self.base) :]

    def path_of(self, iri: str) -> str:
        """The local path (`/doc/city/x`) of an IRI under the root, for links and redirects."""
        return "/" + iri[len(self.root) :]

    def is_local(self, iri: str) -> bool:
        return iri.startswith(self.root)


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

    def move(term: _Term) -> _Term:
        if not _under(term, old_base):
            return term
        found = moved.get(term.value)
        if found is None:
            found = moved[term.value] = ox.NamedNode(new_base + term.value[len(old_base) :])
        return found

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


def _under(term: _Term, base: str) -> bool:
    return type(term) is ox.NamedNode and term.value.startswith(base)
