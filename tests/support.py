"""Paths shared by the tests: the repository, its fixtures, and the read-only `../shared`; and
the profile pages imported as `learningcity import` writes them."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

#: Where the third-party test data lives (the W3C suites, the profile's source text, schema.org):
#: `../shared` beside the clone (CI may place it there as a link), or the folder this names.
SHARED_VARIABLE = "LEARNINGCITY_TEST_SHARED"
SHARED = Path(os.environ.get(SHARED_VARIABLE) or REPO.parent / "shared").resolve()
LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))


class MissingShared(pytest.fail.Exception):
    """A test's data from `SHARED` is not there: the test fails (never skips, so that CI cannot
    pass on tests that did not run) with this one line. Raised while a module is collected, it
    becomes that module's one failing test (tests/conftest.py), and the rest of the suite runs."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path} not found: these tests read the W3C suites, the profile's source text and "
            f"schema.org from {SHARED}; place that folder beside the clone or set "
            f"{SHARED_VARIABLE} to it",
            pytrace=False,
        )


def shared(*parts: str | Path) -> Path:
    """The file or folder `parts` under `SHARED` (a path already under it is taken as it is);
    `MissingShared` if it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        raise MissingShared(path)
    return path


#: The RDF media types a client may ask the server for, spelled out here rather than read from
#: the code under test, each with the Oxigraph parser that reads the answer back.
SERVED_RDF_TYPES: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}


def imported(output: Path, *arguments: str, exit_code: int = 0) -> Path:
    """`output`, written by the installed `learningcity import` from `arguments` (pages and
    options), which must exit with `exit_code` (1: written, with violations)."""
    done = subprocess.run(
        [LEARNINGCITY, "import", *arguments, "-o", str(output)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == exit_code, done.stderr[-2000:]
    return output


def generated_network(folder: Path, pages: int, seed: int) -> Path:
    """`pages` pages of both layouts written into `folder` by `scripts/generate_network.py`,
    imported into one dataset (`folder`'s sibling network.ttl) with their sources file."""
    generator = REPO / "scripts" / "generate_network.py"
    command = [sys.executable, str(generator), str(pages), "--seed", str(seed), "--pages"]
    subprocess.run([*command, str(folder)], check=True, capture_output=True)
    output = folder.parent / "network.ttl"
    return imported(output, str(folder), "--sources", str(folder / "sources.csv"))


@contextmanager
def full_disk(folder: Path, size: str = "64k") -> Iterator[Path]:
    """`folder` (made if missing) as a tmpfs of `size` for the block: a real disk that fills
    up, so that a command writing past it meets ENOSPC as it would on a full disk, from
    `write`, `fsync` or Oxigraph. Unmounted afterwards. Mounting needs root (the suite runs as
    root in CI); without it the test fails in one line, never skips."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.fail(
            f"cannot mount a {size} tmpfs at {folder} to fill ({mounted.stderr.strip()}): "
            "the full-disk tests need root",
            pytrace=False,
        )
    try:
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=True)
