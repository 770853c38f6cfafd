"""How much work canonical blank-node labels would take, known before any is spent.

RDFC-1.0 (the canonicalization `learningcity.serialize` runs on every output) labels at once the
blank nodes it can tell apart by their own statements (their first-degree hash). The others it
tells apart by exploring their links to one another, from each of them, and through every order
of neighbours that look alike: a chain of 300 such nodes took 11.6 s, one of 999 took 327 s, and
two blank nodes with 8 look-alike blank neighbours each 2.4 s. The specification asks
implementations to bound that work on such "poisoned" data (RDFC-1.0, section 7.1). This module
estimates it in time linear in the statements, with the same notion of "alike" as the first-degree
hash, so that `canonical_quads` refuses such data in one line instead of running for minutes.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pyoxigraph as ox

from learningcity.errors import InputError, printable

#: The most estimated work (`Tangle.work`) canonical labelling may take beyond what grows with
#: the data, and the work every statement may add (work that grows like the data, such as
#: thousands of identical isolated pairs, is never refused). Measured here, with 0.02-0.4 us of
#: Oxigraph per unit: the slowest inputs just under it (a chain of 105 look-alike blank nodes, 130
#: chains of 20) canonicalize in 0.2-1 s; blank nodes that carry values of their own or hang off
#: distinct IRIs cost nothing, however many.
WORK_LIMIT = 2_500_000
WORK_PER_STATEMENT = 150
#: Steps of one visit of a node (hashing its neighbours) against one copied identifier.
VISIT_STEPS = 13


class TangledBlankNodes(InputError):
    """Data whose blank nodes would take too long to label canonically (exit 2)."""

    def within(self, source: str) -> TangledBlankNodes:
        """The same refusal, naming where the blank nodes are (a file, a document)."""
        return TangledBlankNodes(f"{source}: {self}")


def refuse_tangles(quads: list[ox.Quad]) -> None:
    """Raise `TangledBlankNodes` when canonical labels for `quads` would take too long (see
    `tangle`): called by `canonical_quads` before Oxigraph starts, and by the commands that
    must refuse before they write anything (`publish`, `serve` at start-up)."""
    found = tangle(quads)
    if found.work > WORK_LIMIT:
        raise TangledBlankNodes(
            f"{found.nodes} blank nodes can be told apart only by their links to one another "
            f"(up to {found.largest} linked together, near {found.near}); labelling them "
            f"canonically would take {_times(found.work / WORK_LIMIT)} the limit of "
            f"{WORK_LIMIT:,} steps; give them IRIs, or values of their own"
        )


def _times(ratio: float) -> str:
    """How far over the limit, in words a person reads (factorials reach 1e300)."""
    return f"about {ratio:.3g} times" if ratio < 1000 else "over 1,000 times"


@contextmanager
def tangles_in(source: str) -> Iterator[None]:
    """Name `source` (the input as the command shows it) in a refusal raised inside."""
    try:
        yield
    except TangledBlankNodes as error:
        raise error.within(source) from None


@dataclass(frozen=True)
class Tangle:
    """Blank nodes that only their links to other such nodes tell apart, and the work they cost.

    `nodes` counts them, `largest` is the most of them linked together, `work` estimates the
    RDFC-1.0 steps (statement hashes and identifier copies) they take, `near` names one
    statement of the largest group, for the message."""

    nodes: int
    largest: int
    work: float
    near: str | None


def tangle(quads: list[ox.Quad]) -> Tangle:
    """Estimate the work of labelling the blank nodes of `quads` canonically (RDFC-1.0).

    Each blank node's signature is its statements with itself as `_:a` and other blank nodes as
    `_:z`, exactly what its first-degree hash covers; a node with a signature of its own is
    labelled at once and stops every exploration. The others are grouped by their links to one
    another; for each group of n nodes RDFC-1.0 explores the group from each of them, copying
    what it has labelled at every step and hashing the neighbours of every node it visits (about
    n x (n^2 + VISIT_STEPS x visits)), once for every order of neighbours that look alike (the
    product of their factorials). What a group costs up to WORK_PER_STATEMENT per statement is
    free: only work that grows faster than the data counts.
    """
    mentions: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    linking: list[tuple[tuple[str, ...], list[str]]] = []
    for quad in quads:
        terms, nodes = _terms(quad)
        for node in nodes:
            mentions[node].append(terms)
        if len(nodes) > 1:
            linking.append((terms, nodes))
    signature = {
        node: hash(tuple(sorted(_pattern(terms, node) for terms in mentioned)))
        for node, mentioned in mentions.items()
    }
    alike = Counter(signature.values())
    shared = {node for node, sig in signature.items() if alike[sig] > 1}
    groups: dict[str, dict[tuple[int, str, int], set[str]]] = defaultdict(lambda: defaultdict(set))
    parent = {node: node for node in shared}
    for terms, nodes in linking:
        linked = [n for n in nodes if n in shared]
        for node in linked:
            for other in linked:
                if other != node:
                    key = (_position(terms, other), terms[1], signature[other])
                    groups[node][key].add(other)
                    parent[_root(parent, node)] = _root(parent, other)
    members: dict[str, list[str]] = defaultdict(list)
    for node in shared:
        members[_root(parent, node)].append(node)
    work, counted, largest, near = 0.0, 0, 0, None
    for group in members.values():
        size = len(group)
        links = [ones for node in group for ones in groups[node].values()]
        orders = sum(math.lgamma(len(ones) + 1) for ones in links)
        visits = size + sum(len(mentions[other]) for ones in links for other in ones)
        steps = size * (size * size + VISIT_STEPS * visits)
        statements = sum(len(mentions[node]) for node in group)
        cost = math.exp(min(orders + math.log(steps), 700.0))
        work += max(0.0, cost - WORK_PER_STATEMENT * statements)
        if size > 1:
            counted += size
            if size > largest:
                largest, near = size, _near(group, mentions)
    return Tangle(counted, largest, work, near)


def _terms(quad: ox.Quad) -> tuple[tuple[str, ...], list[str]]:
    """The statement's terms as N-Quads text, and its blank nodes (`_:x`, inside triple terms
    too: RDFC-1.0 relates them all). A triple term is kept as its parts, flattened."""
    terms: list[str] = []
    nodes: list[str] = []
    _flatten(quad.subject, terms, nodes)
    terms.append(str(quad.predicate))
    _flatten(quad.object, terms, nodes)
    _flatten(quad.graph_name, terms, nodes)
    return tuple(terms), list(dict.fromkeys(nodes))


def _flatten(term: object, terms: list[str], nodes: list[str]) -> None:
    if isinstance(term, ox.Triple):
        terms.append("<<")
        for part in (term.subject, term.predicate, term.object):
            _flatten(part, terms, nodes)
        terms.append(">>")
        return
    text = "" if isinstance(term, ox.DefaultGraph) else str(term)
    if isinstance(term, ox.BlankNode):
        nodes.append(text)
    terms.append(text)


def _pattern(terms: tuple[str, ...], node: str) -> tuple[str, ...]:
    """The statement as the first-degree hash of `node` sees it: `node` as a, others as z."""
    return tuple(
        ("_:a" if term == node else "_:z") if term.startswith("_:") else term for term in terms
    )


def _position(terms: tuple[str, ...], node: str) -> int:
    """Where `node` stands in the statement (subject, object, graph, inside a triple term), as
    RDFC-1.0's related hash records it: the first place it appears."""
    return terms.index(node)


def _near(group: list[str], mentions: dict[str, list[tuple[str, ...]]]) -> str:
    """A statement of the group for the message, one with an IRI subject when there is one."""
    statements = [terms for node in group[:1000] for terms in mentions[node]]
    named = [terms for terms in statements if terms[0].startswith("<")]
    return printable(" ".join(t for t in (named or statements)[0] if t))[:300]


def _root(parent: dict[str, str], node: str) -> str:
    while parent[node] != node:
        parent[node] = parent[parent[node]]
        node = parent[node]
    return node
