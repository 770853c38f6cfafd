"""The one IRI-compaction rule: which `prefix:local` form stands for an IRI, for every place
that writes one (Turtle and TriG, the query table, JSON-LD, pages and reports).

An IRI compacts under a namespace it starts with; the rest is the local part. What the local part
may hold, and which namespace wins when several fit, depends on who reads the result
(`Syntax`), and nothing else:

- `PREFIXED_NAME` (Turtle, TriG, SPARQL, and the query table, whose cells a query can use): the
  local part must be a prefixed name's local part as every Turtle and SPARQL parser reads it,
  here the ASCII subset (letters, digits, `_`, `-`, `.` inside, nothing to escape); the longest
  namespace whose local part qualifies wins, else the IRI is written whole (`<...>`).
- `JSONLD` (compact IRIs of JSON-LD 1.1): any local part but one starting with `//` (which would
  read as an IRI with a scheme); only namespaces ending with a gen-delim are prefixes (JSON-LD
  1.1, section 4.4); the shortest form wins, ties going to the shorter namespace, and the IRI
  itself when no form is shorter.
- `DISPLAY` (labels on pages, reports for people): any non-empty local part; the longest
  namespace wins.

Which namespaces can fit depends only on the IRI up to its last gen-delim (its head, `city/` for
every city), so the candidates are found once per head and reused for every IRI under it; only
namespaces that do not end with a gen-delim (rare: a data file may declare one) are tried per IRI.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from learningcity.namespaces import GEN_DELIMS, iri_head, namespace_cuts

_PREFIXED_LOCAL = re.compile(r"(?:[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?)?")
#: Heads remembered per compactor before the cache starts afresh (a network has a few hundred).
_KEPT_HEADS = 65_536
_UNKNOWN = (-2, "")  # a head whose winner is not found yet


@dataclass(frozen=True)
class Syntax:
    """Who reads a compact IRI: what its local part may be, and which namespace wins."""

    name: str
    local: Callable[[str], bool]
    #: The shortest `prefix:local` wins (JSON-LD), not the longest namespace.
    shortest: bool = False
    #: Only namespaces ending with a gen-delim can be prefixes (JSON-LD 1.1).
    delimited_only: bool = False
    #: Whether `local` decides from the head alone (with `delimited_only`, so every candidate is
    #: a cut of the head): the winner is then found once per head, not once per IRI (most IRIs
    #: of a network are new: each city's, each practice's; 3x quicker at 10,000 cities).
    head_decides: bool = False


PREFIXED_NAME: Final = Syntax(
    "Turtle or SPARQL prefixed name", lambda local: _PREFIXED_LOCAL.fullmatch(local) is not None
)
JSONLD: Final = Syntax(
    "JSON-LD compact IRI",
    lambda local: not local.startswith("//"),
    shortest=True,
    delimited_only=True,
    # past the head an IRI holds no gen-delim, so no `/`: a local part starts with `//` exactly
    # when its part in the head does
    head_decides=True,
)
DISPLAY: Final = Syntax("display", lambda local: local != "")


class Compactor:
    """Compact IRIs against one set of namespaces (prefix name -> namespace IRI) for one
    `Syntax`. A namespace with several names is written with the shortest, then the first in
    alphabetical order."""

    def __init__(self, namespaces: Mapping[str, str], syntax: Syntax) -> None:
        self.syntax = syntax
        names: dict[str, str] = {}
        for name, namespace in sorted(namespaces.items(), key=lambda i: (len(i[0]), i[0])):
            names.setdefault(namespace, name)
        self._delimited = {ns: name for ns, name in names.items() if ns.endswith(GEN_DELIMS)}
        self._undelimited = (
            ()
            if syntax.delimited_only
            else tuple((ns, name) for ns, name in names.items() if not ns.endswith(GEN_DELIMS))
        )
        self._by_head: dict[str, list[tuple[int, str]]] = {}
        self._winners: dict[str, tuple[int, str] | None] = {}

    def split(self, iri: str) -> tuple[str, str] | None:
        """The prefix name and local part `iri` is written with, or None: written whole."""
        if self.syntax.head_decides:
            head = iri_head(iri)
            if head is None:
                return None
            winner = self._winners.get(head, _UNKNOWN)
            if winner is _UNKNOWN:
                if len(self._winners) >= _KEPT_HEADS:
                    self._winners.clear()
                winner = self._winners[head] = self._first_fitting(head, self._for_head(head))
            return None if winner is None else (winner[1], iri[winner[0] :])
        found = self._first_fitting(iri, self._candidates(iri))
        return None if found is None else (found[1], iri[found[0] :])

    def _first_fitting(self, iri: str, candidates: list[tuple[int, str]]) -> tuple[int, str] | None:
        """The first of `candidates` whose local part of `iri` qualifies, or None."""
        for cut, name in candidates:
            if cut < 0:  # JSON-LD's "the IRI itself is shorter"
                return None
            if self.syntax.local(iri[cut:]):
                return cut, name
        return None

    def compact(self, iri: str) -> str | None:
        """`prefix:local` for `iri`, or None when it is written whole."""
        found = self.split(iri)
        return None if found is None else f"{found[0]}:{found[1]}"

    def _candidates(self, iri: str) -> list[tuple[int, str]]:
        """(cut, prefix name) of each namespace `iri` starts with, best first."""
        head = iri_head(iri)
        found = [] if head is None else self._for_head(head)
        if self._undelimited:
            extra = [(len(ns), name) for ns, name in self._undelimited if iri.startswith(ns)]
            if extra:
                found = sorted([*found, *extra], key=lambda c: self._rank(c, len(head or "")))
        return found

    def _for_head(self, head: str) -> list[tuple[int, str]]:
        found = self._by_head.get(head)
        if found is None:
            if len(self._by_head) >= _KEPT_HEADS:
                self._by_head.clear()
            cuts = [
                (cut, name)
                for cut in namespace_cuts(head)
                if (name := self._delimited.get(head[:cut])) is not None
            ]
            if self.syntax.shortest:
                cuts.append((-1, ""))  # the whole IRI, which wins over any form as long
            found = self._by_head[head] = sorted(cuts, key=lambda c: self._rank(c, len(head)))
        return found

    def _rank(self, candidate: tuple[int, str], head_length: int) -> tuple[int, int]:
        """Sort key of a candidate: the longest namespace first, or for the shortest form the
        length it adds to the local part past the head, then the shorter namespace."""
        cut, name = candidate
        if not self.syntax.shortest:
            return (-cut, 0)
        if cut < 0:
            return (head_length, -1)
        return (len(name) + 1 + head_length - cut, cut)
