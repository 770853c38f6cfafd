"""pyoxigraph's writers typed as the project calls them: with no output given they return the
bytes, which its stubs type `bytes | None` for every call (None is for a given output)."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox


def serialized(
    statements: Iterable[ox.Triple] | Iterable[ox.Quad],
    format: ox.RdfFormat,
    prefixes: dict[str, str] | None = None,
) -> bytes:
    """`ox.serialize` into bytes."""
    written = ox.serialize(statements, format=format, prefixes=prefixes)
    assert written is not None  # no output given
    return written


def dumped(store: ox.Store, format: ox.RdfFormat) -> bytes:
    """`Store.dump` of every graph into bytes."""
    written = store.dump(format=format)
    assert written is not None  # no output given
    return written


def results_bytes(
    results: ox.QuerySolutions | ox.QueryBoolean, format: ox.QueryResultsFormat
) -> bytes:
    """A SELECT or ASK answer written in a W3C results format, into bytes."""
    written = results.serialize(format=format)
    assert written is not None  # no output given
    return written
