"""A read-write `oxigraph serve` on 127.0.0.1 for the push and serve tests; always stopped."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from processes import free_port, stop, wait_for_port

OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or "oxigraph"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A read-write `oxigraph serve` with an empty store; its base URL. Always stopped."""
    port = free_port()
    process = subprocess.Popen(
        [OXIGRAPH, "serve", "--location", str(tmp_path / "db"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)
