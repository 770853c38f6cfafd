"""A persistent, on-disk Oxigraph store: parse once with `learningcity load`, open at once after.

Why: parsing a network-sized file costs seconds every run, while an Oxigraph store on disk
opens in milliseconds and answers SPARQL from its indexes. A store directory holds the Oxigraph
database in `oxigraph/` (so `oxigraph serve --location DIR/oxigraph` can serve it too) and the
prefixes the files declared in `prefixes.json` (a Store keeps none), so commands print the same
prefixed names as from the files.

A Store keeps literals in canonical form: `"1e3"^^xsd:double` is read back as `"1000"`, `"01"`
as `"1"`. Everything else (IRIs, strings, language tags, graphs) comes back as written.

`open_data` is the one place that decides whether a command reads DATA files or a store, so every
command gets its statements, its Store or its Dataset the same way.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from learningcity.errors import InputError, OutputError
from learningcity.load import Source, names_of, read_quads, resolve_sources

DATABASE = "oxigraph"
PREFIXES = "prefixes.json"


def build_store(sources: Sequence[Source], directory: Path) -> int:
    """Write the statements of `sources` to a new store in `directory`; return how many it holds.

    The store is built beside `directory` and swapped in only once complete, so a failed load
    (a parse error half-way) leaves an existing store as it was. A `directory` that holds
    something other than a store is refused rather than replaced.
    """
    if directory.exists() and not _is_store(directory) and any(directory.iterdir()):
        raise InputError(f"{directory}: exists and is not a learningcity store; choose another")
    try:
        directory.parent.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(dir=directory.parent, prefix=f".{directory.name}."))
    except OSError as error:
        raise OutputError(f"{directory}: cannot create the store ({error.strerror})") from None
    try:
        count = _fill(sources, building)
        _swap_in(building, directory)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return count


def _fill(sources: Sequence[Source], building: Path) -> int:
    declared: dict[str, str] = {}
    store = ox.Store(str(building / DATABASE))
    try:
        store.bulk_extend(read_quads(sources, declared))
        store.flush()
        count = len(store)
        del store  # closes the database before it is moved
    except OSError as error:
        raise OutputError(f"cannot write the store ({error})") from None
    (building / PREFIXES).write_text(json.dumps(declared, indent=2) + "\n", encoding="utf-8")
    return count


def _swap_in(building: Path, directory: Path) -> None:
    """Replace `directory` with `building`: the old store stays whole until the new one is in."""
    old = directory.with_name(f".{directory.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    try:
        if directory.exists():
            directory.rename(old)
        building.rename(directory)
    except OSError as error:
        raise OutputError(
            f"{directory}: cannot put the store in place ({error.strerror})"
        ) from None
    shutil.rmtree(old, ignore_errors=True)


def _is_store(directory: Path) -> bool:
    return (directory / DATABASE).is_dir() and (directory / PREFIXES).is_file()


def open_store(directory: Path) -> tuple[ox.Store, dict[str, str]]:
    """The store in `directory`, read-only, and the prefixes its files declared."""
    if not _is_store(directory):
        raise InputError(
            f"{directory}: not a learningcity store; build one with "
            f"`learningcity load DATA... --store {directory}`"
        )
    try:
        store = ox.Store.read_only(str(directory / DATABASE))
        declared = json.loads((directory / PREFIXES).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(f"{directory}: cannot open the store ({error})") from None
    return store, declared


@dataclass
class Data:
    """The statements a command works on, from DATA files or from a store.

    Files are parsed on demand, once per call, straight into the form asked for (no Dataset is
    built for a caller that only streams); a store is opened once and read in place.
    """

    sources: list[Source]
    store: ox.Store | None = None
    declared: dict[str, str] = field(default_factory=dict)

    def quads(self) -> Iterator[ox.Quad]:
        """Every statement; prefixes the files declare land in `declared` as they are read."""
        if self.store is not None:
            return iter(self.store)
        return read_quads(self.sources, self.declared)

    def sparql_store(self, *extra: Source) -> ox.Store:
        """A Store for SPARQL over the data plus `extra` sources (bundled graphs a named query
        reads). An on-disk store without extras is used as it is."""
        if self.store is not None and not extra:
            return self.store
        store = ox.Store()
        store.bulk_extend(self.quads())
        store.bulk_extend(read_quads(extra))
        return store

    def dataset(self) -> ox.Dataset:
        return ox.Dataset(self.quads())

    @property
    def display(self) -> str:
        return names_of(self.sources) or "the store"


def open_data(
    arguments: Sequence[str], store: Path | None, input_format: str | None = None
) -> Data:
    """DATA files or a store (never both): the one decision every command makes the same way."""
    if store is None:
        return Data(resolve_sources(arguments, input_format))
    if arguments or input_format:
        raise InputError("give DATA or --store, not both")
    opened, declared = open_store(store)
    return Data([], opened, declared)
