"""The data in an Oxigraph Store, read as a Dataset of it reads: what `serve` answers from and
`publish`'s workers render from.

Why a Store: it holds a statement in about a sixth of the memory of an `ox.Dataset` (1.0 million
statements: 0.2 GB against 1.3 GB) and finds a subject's statements as fast (0.9 against 1.1 µs
a statement, measured at 10,000 cities), and SPARQL reads the same copy. The statements cross
into Python once, as they are parsed (with every check of `learningcity.load`), to be written as
N-Quads; the IRIs are moved in those bytes (`rebased_nquads`); the Store is bulk-loaded from
them a batch at a time.

A Store keeps literals in canonical form (`"-0.081760"^^xsd:decimal` as `-0.08176`) while a page
shows the data as written. So the few statements whose literal the Store rewrites are kept
aside as written, and `StoredGraph` reads the Store with those in place of their canonical
forms: exactly the statements a Dataset of the data holds.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from learningcity.oxigraph import dumped, serialized
from learningcity.rendering.iris import rebase

NQUADS = ox.RdfFormat.N_QUADS
#: Statements written as N-Quads and handed to the Store at a time (~17 MB of N-Quads here).
BATCH = 100_000
BATCH_BYTES = 16 * 1024 * 1024
#: Where a typed literal ends in N-Quads as Oxigraph writes them (`"1.50"^^<...#decimal>`).
_TYPED = b'"^^<'
_SCRATCH = ox.NamedNode("urn:learningcity:literal")

_Term = ox.NamedNode | ox.BlankNode | ox.Literal | None


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


class StoredGraph:
    """The data's statements in `store`, each literal as written: what `ox.Dataset` of the data
    holds, with the lookups the pages make (by subject, predicate or object, all of them).

    `written` are the statements whose literal the Store rewrote, as the data wrote them;
    `shadowed` the canonical forms the Store holds for them alone (not also written so); `graphs`
    the graphs of the data (the Store may hold others: the vocabulary's, added later).
    """

    def __init__(
        self,
        store: ProcessStore,
        graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph],
        written: list[ox.Quad],
        shadowed: set[ox.Quad],
        size: int | None = None,
    ) -> None:
        self._store = store
        self._graphs = graphs
        self._written = ox.Dataset(written)
        self._shadowed = frozenset(shadowed)
        # made before anything but the data is added to the store (or recorded when a store on
        # disk was built: counting its statements reads them all)
        stored = len(store.get()) if size is None else size
        self._size = stored + len(self._written) - len(self._shadowed)

    def _stored(
        self,
        subject: ox.NamedNode | ox.BlankNode | None,
        predicate: ox.NamedNode | None,
        value: _Term,
    ) -> Iterator[ox.Quad]:
        for graph in self._graphs:
            quads = self._store.get().quads_for_pattern(subject, predicate, value, graph)
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
        rows = self._store.get().query(
            "SELECT DISTINCT ?s { ?s ?p ?o FILTER isIRI(?s) }", default_graph=self._graphs
        )
        assert isinstance(rows, ox.QuerySolutions)  # a SELECT
        return sorted(row[0].value for row in rows)


class ProcessStore:
    """The Store of the calling process: one in memory, shared copy-on-write by the processes
    forked from the one that loaded it; or one on disk, opened read-only again by each process
    that reads it (a forked query worker closes every descriptor it inherited, the database's
    files among them, and RocksDB does not support a handle used across a fork)."""

    def __init__(self, store: ox.Store, location: Path | None = None) -> None:
        self._store = store
        self._location = location
        self._pid = os.getpid()

    def get(self) -> ox.Store:
        if self._location is not None and self._pid != os.getpid():
            self._store = ox.Store.read_only(str(self._location))
            self._pid = os.getpid()
        return self._store


@dataclass(frozen=True)
class Stored:
    """Statements loaded into a Store: the Store as each process reads it, the statements as a
    Dataset of them reads, and whether they may hold blank nodes."""

    handle: ProcessStore
    graph: StoredGraph
    blank_nodes: bool


def store_statements(
    statements: Iterable[ox.Quad],
    old_base: str = "",
    new_base: str = "",
    store: ox.Store | None = None,
    seen: Callable[[bytes], None] = lambda _text: None,
) -> Stored:
    """`statements` with their IRIs moved from `old_base` to `new_base` (by default none
    moves), in a Store: a new one
    in memory, or `store` (an on-disk store being built); `seen` is given each batch of N-Quads
    as loaded (the server hashes them).

    The statements are written and loaded a batch at a time: while the Store loads one batch
    (Rust, without the GIL, in a thread of its own) the next one is parsed, so that parsing and
    loading share the machine's cores, and only a batch of N-Quads is in memory at once.
    """
    return store_nquads(_batches(statements), old_base, new_base, store, seen)


def store_nquads(
    batches: Iterable[bytes],
    old_base: str = "",
    new_base: str = "",
    store: ox.Store | None = None,
    seen: Callable[[bytes], None] = lambda _text: None,
) -> Stored:
    """`store_statements` of N-Quads as Oxigraph writes them (`learningcity.oxigraph`), in
    batches cut at line ends (`nquads_batches`)."""
    store = ox.Store() if store is None else store
    typed: set[bytes] = set()
    blank_nodes = False
    with _Loader(store) as loader:
        for text in batches:
            text = rebased_nquads(text, old_base, new_base)
            seen(text)
            typed |= _typed_lines(text)
            labelled = b"_:" in text  # perhaps a blank node (or those characters in a literal)
            blank_nodes |= labelled
            loader.load(text, labelled)
    written, shadowed = _rewritten(typed)
    handle = ProcessStore(store)
    graph = StoredGraph(handle, [ox.DefaultGraph(), *store.named_graphs()], written, shadowed)
    return Stored(handle, graph, blank_nodes)


def nquads_batches(text: bytes) -> Iterator[bytes]:
    """N-Quads `text` cut at line ends into batches of about `BATCH_BYTES`."""
    start = 0
    while start < len(text):
        end = text.find(b"\n", start + BATCH_BYTES)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def _batches(statements: Iterable[ox.Quad]) -> Iterator[bytes]:
    """The statements as N-Quads, `BATCH` at a time (a Store's dumped whole in Rust, then cut
    at line ends into batches of about the same size)."""
    if isinstance(statements, ox.Store):
        yield from nquads_batches(dumped(statements, NQUADS))
        return
    remaining = iter(statements)
    while batch := serialized(islice(remaining, BATCH), NQUADS):
        yield batch


class _Loader:
    """Loads N-Quads batches into a Store in a thread of its own, in order, while the caller
    makes the next; a failure is raised by the caller's `with`, after which nothing is left
    running."""

    def __init__(self, store: ox.Store) -> None:
        self._store = store
        self._pending: queue.Queue[tuple[bytes, bool] | None] = queue.Queue(maxsize=2)
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="store-loader", daemon=True)

    def __enter__(self) -> _Loader:
        self._thread.start()
        return self

    def load(self, text: bytes, labelled: bool) -> None:
        """Queue `text`; `labelled` N-Quads (blank nodes) are added statement by statement,
        since the bulk loader relabels blank nodes, and pages name them by their labels."""
        if self._failure is not None:
            raise self._failure
        self._pending.put((text, labelled))

    def _run(self) -> None:
        while (item := self._pending.get()) is not None:
            if self._failure is not None:
                continue
            text, labelled = item
            try:
                if labelled:
                    self._store.bulk_extend(ox.parse(text, format=NQUADS))
                else:  # Oxigraph wrote these bytes from statements it had checked
                    self._store.bulk_load(text, format=NQUADS, lenient=True)
            except BaseException as error:  # raised again in the caller's thread
                self._failure = error

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is not None:  # the caller failed: drop what is queued, stop at once
            self._failure = self._failure or RuntimeError("loading abandoned")
            with contextlib.suppress(queue.Empty):
                while True:
                    self._pending.get_nowait()
        self._pending.put(None)
        self._thread.join()
        if kind is None and self._failure is not None:
            raise self._failure


def _typed_lines(text: bytes) -> set[bytes]:
    """The lines of N-Quads `text` that hold a typed literal (`"..."^^<...>`), the only
    literals a Store may rewrite; they are few (a handful per city) and found in the bytes."""
    lines: set[bytes] = set()
    at = text.find(_TYPED)
    while at >= 0:
        start = text.rfind(b"\n", 0, at) + 1
        end = text.find(b"\n", at)
        end = len(text) if end < 0 else end
        lines.add(text[start:end])
        at = text.find(_TYPED, end)
    return lines


def _rewritten(lines: set[bytes]) -> tuple[list[ox.Quad], set[ox.Quad]]:
    """(the statements of `lines` whose literal a Store rewrites, as written; the canonical
    statements a Store holds only for those)."""
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
