"""A read-write `oxigraph serve` on 127.0.0.1 for the push and serve tests; always stopped."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from processes import oxigraph_serving


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A read-write `oxigraph serve` with an empty store; its base URL. Always stopped."""
    with oxigraph_serving(tmp_path / "db") as root:
        yield root
