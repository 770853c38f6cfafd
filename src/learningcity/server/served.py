"""The data a server serves, prepared mostly in Rust: one Store for SPARQL and pages
(`learningcity.stored`), with the hash behind every ETag.

Why: the server used to rebase every statement in Python, index them all in a Dataset for the
pages and copy them into a Store for SPARQL: ~4x the time of `oxigraph load` at 10,000 cities,
with two copies of the data in memory. Now one Store is bulk-loaded from N-Quads, read by the
pages and by the query workers, which share it copy-on-write.

A store built by `learningcity load` (`learningcity.store`) was prepared the same way when it was
built, for the base it is served under, with the vocabulary's graphs beside the data and the
figures that need every statement (how many, the hash behind ETags) recorded: `stored_data`
serves it in place, read-only, without reading it (a full read of an on-disk Store costs ~36 µs
a statement, 37 s at 10,000 cities, while opening it costs 25 ms).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from learningcity.dataset import VOCABULARY_GRAPHS
from learningcity.rendering.pages import Listing
from learningcity.server.caching import dataset_hash, text_digest
from learningcity.stored import ProcessStore, StoredGraph, store_statements


@dataclass(frozen=True)
class ServedData:
    """The Store the server answers from, the data as its pages read it, whether the data may
    hold blank nodes (when not, no document can hold blank nodes tangled together), the hash of
    the data behind every ETag, and whether the Store already holds the vocabulary's graphs (a
    store on disk, built with them)."""

    handle: ProcessStore
    graph: StoredGraph
    blank_nodes: bool
    tag: str
    vocabulary: bool = False
    #: What the pages about the whole data list, as recorded in a store (`store.read_listing`).
    listing: Callable[[], Listing] | None = None

    @property
    def store(self) -> ox.Store:
        """The Store, as this process reads it (`ProcessStore`)."""
        return self.handle.get()


def served_data(
    statements: Iterable[ox.Quad], old_base: str, new_base: str, store: ox.Store | None = None
) -> ServedData:
    """The data of `statements` with its IRIs moved from `old_base` to `new_base`, in a Store
    (`learningcity.stored`): a new one in memory, or `store` (an on-disk store being built);
    its ETag the hash of the N-Quads loaded."""
    digest = text_digest()
    stored = store_statements(statements, old_base, new_base, store, digest.update)
    # blank-node labels differ from one parse to the next: such data is hashed canonically
    tag = dataset_hash(stored.graph) if stored.blank_nodes else digest.hexdigest()
    return ServedData(stored.handle, stored.graph, stored.blank_nodes, tag)


def stored_data(
    store: ox.Store,
    location: Path,
    statements: int,
    blank_nodes: bool,
    tag: str,
    listing: Callable[[], Listing] | None = None,
) -> ServedData:
    """A store on disk built by `learningcity load` (at `location`, opened read-only as
    `store`), served in place: what it holds was prepared as `served_data` prepares it, and
    `statements`, `blank_nodes`, `tag` and `listing` (read when first needed) were recorded
    then. A Store holds literals only in canonical form, so the pages show them so, as they did
    when a store was copied to memory."""
    graphs = [g for g in store.named_graphs() if g not in VOCABULARY_GRAPHS]
    handle = ProcessStore(store, location)
    graph = StoredGraph(handle, [ox.DefaultGraph(), *graphs], [], set(), statements)
    return ServedData(handle, graph, blank_nodes, tag, vocabulary=True, listing=listing)
