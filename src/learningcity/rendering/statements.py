"""What the rendering reads of the data, as a type: an `ox.Dataset`, or the Store-backed graph a
server serves and publish renders from (`learningcity.stored.StoredGraph`), which holds the same
statements."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import pyoxigraph as ox


class Statements(Protocol):
    """The lookups pages, documents and descriptions make."""

    def quads_for_subject(self, subject: ox.NamedNode | ox.BlankNode, /) -> Iterator[ox.Quad]: ...

    def quads_for_predicate(self, predicate: ox.NamedNode, /) -> Iterator[ox.Quad]: ...

    def quads_for_object(
        self, value: ox.NamedNode | ox.BlankNode | ox.Literal, /
    ) -> Iterator[ox.Quad]: ...

    def __iter__(self) -> Iterator[ox.Quad]: ...

    def __len__(self) -> int: ...
