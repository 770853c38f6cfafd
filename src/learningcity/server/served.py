"""The data a server serves, prepared mostly in Rust: one in-memory Store for SPARQL and pages.

Why: the server used to rebase every statement in Python, index them all in a Dataset for the
pages and copy them into a Store for SPARQL: ~4x the time of `oxigraph load` at 10,000 cities,
with two copies of the data in memory. Now the statements cross into Python once, as they are
parsed (with every check of `learningcity.load`), to be written as N-Quads; the IRIs are moved
in those bytes (`rebased_nquads`); one Store is bulk-loaded from them, read by the pages and by
the query workers, which share it copy-on-write.

A Store keeps literals in canonical form (`"-0.081760"^^xsd:decimal` as `-0.08176`) while a page
shows the data as written. So the few statements whose literal the Store rewrites are kept
aside as written, and `ServedGraph` reads the Store with those in place of their canonical
forms: exactly the statements a Dataset of the data holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from learningcity.oxigraph import dumped, serialized
from learningcity.rendering.iris import rebase

NQUADS = ox.RdfFormat.N_QUADS
#: Where a typed literal ends in N-Quads as Oxigraph writes them (`"1.50"^^<...#decimal>`).
_TYPED = b'"^^<'
_SCRATCH = ox.NamedNode("urn:learningcity:literal")

_Term = ox.NamedNode | ox.BlankNode | ox.Literal | None


def nquads(statements: Iterable[ox.Quad]) -> bytes:
    """The statements as N-Quads, written by Oxigraph (a Store's without a Python object each)."""
    if isinstance(statements, ox.Store):
        return dumped(statements, NQUADS)
    return serialized(statements, NQUADS)


def rebased_nquads(text: bytes, old_base: str, new_base: str) -> bytes:
    """N-Quads `text` (as Oxigraph writes them) with every IRI under `old_base` moved under
    `new_base`, exactly as `learningcity.rendering.iris.rebase` moves them: terms in any
    position, but not the text of a literal nor its datatype.

    Oxigraph writes each statement on its line, IRIs whole between `<` and `>`, and a literal's
    quotes escaped; so an IRI under `old_base` is `<old_base...` and a plain replace moves them
    all, unless a literal could hold those characters or a datatype could be under the base.
    A literal holds them only if some `"` precedes them on their line (its opening quote);
    lines where that holds (also a graph name after a literal, where the replace would be
    right) are rare, and then the statements are rebased one by one instead.
    """
    if old_base == new_base:
        return text
    old, new = b"<" + old_base.encode(), b"<" + new_base.encode()
    if old not in text:
        return text
    in_literal = re.compile(rb'"[^"\n]*' + re.escape(old))
    if b"^^" + old in text or in_literal.search(text):
        moved = rebase(ox.parse(text, format=NQUADS), old_base, new_base)
        return serialized(moved, NQUADS)
    return text.replace(old, new)


class ServedGraph:
    """The data's statements in `store`, each literal as written: what `ox.Dataset` of the data
    holds, with the lookups the pages make (by subject, predicate or object, all of them).

    `written` are the statements whose literal the Store rewrote, as the data wrote them;
    `shadowed` the canonical forms the Store holds for them alone (not also written so); `graphs`
    the graphs of the data (the Store may hold others: the vocabulary's, added later).
    """

    def __init__(
        self,
        store: ox.Store,
        graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph],
        written: list[ox.Quad],
        shadowed: set[ox.Quad],
    ) -> None:
        self._store = store
        self._graphs = graphs
        self._written = ox.Dataset(written)
        self._shadowed = frozenset(shadowed)
        # made before anything but the data is added to the store
        self._size = len(store) + len(self._written) - len(self._shadowed)

    def _stored(
        self,
        subject: ox.NamedNode | ox.BlankNode | None,
        predicate: ox.NamedNode | None,
        value: _Term,
    ) -> Iterator[ox.Quad]:
        for graph in self._graphs:
            quads = self._store.quads_for_pattern(subject, predicate, value, graph)
            if self._shadowed:
                yield from (q for q in quads if q not in self._shadowed)
            else:
                yield from quads

    def quads_for_subject(self, subject: ox.NamedNode | ox.BlankNode) -> Iterator[ox.Quad]:
        yield from self._stored(subject, None, None)
        yield from self._written.quads_for_subject(subject)

    def quads_for_predicate(self, predicate: ox.NamedNode) -> Iterator[ox.Quad]:
        yield from self._stored(None, predicate, None)
        yield from self._written.quads_for_predicate(predicate)

    def quads_for_object(
        self, value: ox.NamedNode | ox.BlankNode | ox.Literal
    ) -> Iterator[ox.Quad]:
        # the Store finds a literal by its canonical form: `"+01"` finds `"1"`, also written
        yield from (q for q in self._stored(None, None, value) if q.object == value)
        yield from self._written.quads_for_object(value)

    def __iter__(self) -> Iterator[ox.Quad]:
        yield from self._stored(None, None, None)
        yield from self._written

    def __len__(self) -> int:
        return self._size

    def named_subjects(self) -> list[str]:
        """The IRIs of the data's subjects, sorted (the written statements have the subjects
        of their canonical forms, which the Store holds)."""
        rows = self._store.query(
            "SELECT DISTINCT ?s { ?s ?p ?o FILTER isIRI(?s) }", default_graph=self._graphs
        )
        assert isinstance(rows, ox.QuerySolutions)  # a SELECT
        return sorted(row[0].value for row in rows)


@dataclass(frozen=True)
class ServedData:
    """The Store the server answers from, the data as its pages read it, and whether the data
    may hold blank nodes (when not, no document can hold blank nodes tangled together)."""

    store: ox.Store
    graph: ServedGraph
    blank_nodes: bool


def served_data(statements: Iterable[ox.Quad], old_base: str, new_base: str) -> ServedData:
    """The data of `statements` with its IRIs moved from `old_base` to `new_base`, in a Store."""
    text = rebased_nquads(nquads(statements), old_base, new_base)
    blank_nodes = b"_:" in text  # perhaps a blank node (or those two characters in a literal)
    store = ox.Store()
    if blank_nodes:  # the bulk loader would relabel them, and pages name them by their labels
        store.bulk_extend(ox.parse(text, format=NQUADS))
    else:  # Oxigraph wrote these bytes from statements it had checked
        store.bulk_load(text, format=NQUADS, lenient=True)
    written, shadowed = _rewritten(text)
    graphs = [ox.DefaultGraph(), *store.named_graphs()]
    return ServedData(store, ServedGraph(store, graphs, written, shadowed), blank_nodes)


def _rewritten(text: bytes) -> tuple[list[ox.Quad], set[ox.Quad]]:
    """(the statements of `text` whose literal a Store rewrites, as written; the canonical
    statements a Store holds only for those). Only typed literals are rewritten, and they are
    few (a handful per city), so their lines are found in the bytes and parsed alone."""
    lines: set[bytes] = set()
    at = text.find(_TYPED)
    while at >= 0:
        start = text.rfind(b"\n", 0, at) + 1
        end = text.find(b"\n", at)
        end = len(text) if end < 0 else end
        lines.add(text[start:end])
        at = text.find(_TYPED, end)
    if not lines:
        return [], set()
    typed = list(ox.parse(b"\n".join(lines), format=NQUADS))
    canonical = _canonical_literals({q.object for q in typed if isinstance(q.object, ox.Literal)})
    written, kept = [], set()
    for quad in typed:
        if canonical.get(quad.object, quad.object) == quad.object:
            kept.add(quad)
        else:
            written.append(quad)
    shadowed = {ox.Quad(q.subject, q.predicate, canonical[q.object], q.graph_name) for q in written}
    return written, shadowed - kept


def _canonical_literals(literals: set[ox.Literal]) -> dict[ox.Literal, ox.Literal]:
    """Each literal as a Store keeps it (found by storing them, one subject each)."""
    ordered = list(literals)
    scratch = ox.Store()
    scratch.extend(
        ox.Quad(ox.NamedNode(f"{_SCRATCH.value}:{i}"), _SCRATCH, lit)
        for i, lit in enumerate(ordered)
    )
    prefix = len(_SCRATCH.value) + 1
    return {
        ordered[int(q.subject.value[prefix:])]: q.object
        for q in scratch
        if isinstance(q.object, ox.Literal)
    }
