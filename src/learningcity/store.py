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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from learningcity.atomic import replacing_folder
from learningcity.dataset import with_vocabulary
from learningcity.errors import InputError, OutputError
from learningcity.load import Source, names_of, read_quads, resolve_sources

DATABASE = "oxigraph"
PREFIXES = "prefixes.json"


def build_store(sources: Sequence[Source], directory: Path) -> int:
    """Write the statements of `sources` to a new store in `directory`; return how many it holds.

    The store is built beside `directory` and swapped in only once complete
    (`learningcity.atomic.replacing_folder`), so a failed or interrupted load (a parse error
    half-way, Ctrl-C, SIGTERM) leaves an existing store as it was and no temporary folder. A
    `directory` that holds something other than a store is refused rather than replaced.
    """
    with replacing_folder(directory, "store") as building:
        if directory.is_dir() and not _is_store(directory) and any(directory.iterdir()):
            raise InputError(f"{directory}: exists and is not a learningcity store; choose another")
        return _fill(sources, building)


def _fill(sources: Sequence[Source], building: Path) -> int:
    declared: dict[str, str] = {}
    store = ox.Store(str(building / DATABASE))
    try:
        store.bulk_extend(read_quads(sources, declared))
        store.flush()
        count = len(store)
    except OSError as error:
        raise OutputError(f"cannot write the store ({error})") from None
    finally:
        del store  # closes the database before it is moved, or removed after a failure
    (building / PREFIXES).write_text(json.dumps(declared, indent=2) + "\n", encoding="utf-8")
    return count


def _is_store(directory: Path) -> bool:
    try:
        return (directory / DATABASE).is_dir() and (directory / PREFIXES).is_file()
    except OSError:  # a name too long, a loop of links: not a store either
        return False


def open_store(directory: Path) -> tuple[ox.Store, dict[str, str]]:
    """The store in `directory`, read-only, and the prefixes its files declared.

    A store whose database or prefix file is damaged (a deleted or garbled `CURRENT`, a cut-off
    `prefixes.json`) is reported in one line that says how to rebuild it.
    """
    if not _is_store(directory):
        raise InputError(
            f"{directory}: not a learningcity store; build one with "
            f"`learningcity load DATA... --store {directory}`"
        )
    try:
        store = ox.Store.read_only(str(directory / DATABASE))
        declared = json.loads((directory / PREFIXES).read_text(encoding="utf-8"))
    except (OSError, ValueError, RuntimeError) as error:  # RuntimeError: Oxigraph's corruption
        raise damaged(directory, error) from None
    if not isinstance(declared, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in declared.items()
    ):
        raise damaged(directory, f"{PREFIXES} is not an object of prefix names and IRIs")
    return store, declared


def _is_storage_error(error: Exception) -> bool:
    """RocksDB's own status (`Corruption: block checksum mismatch ...`), not a query's error
    (a SERVICE endpoint's bad answer is a RuntimeError too)."""
    return isinstance(error, OSError) or str(error).startswith(_STORAGE_STATUSES)


_STORAGE_STATUSES = ("Corruption:", "IO error:")


def damaged(directory: Path, error: object) -> InputError:
    """The one line for a store that cannot be read: what failed and how to rebuild it."""
    return InputError(
        f"{directory}: the store is damaged ({error}); rebuild it with "
        f"`learningcity load DATA... --store {directory}`"
    )


@dataclass
class Data:
    """The statements a command works on, from DATA files or from a store.

    Files are parsed on demand, once per call, straight into the form asked for (no Dataset is
    built for a caller that only streams); a store is opened once and read in place.
    """

    sources: list[Source]
    store: ox.Store | None = None
    declared: dict[str, str] = field(default_factory=dict)
    location: Path | None = None  # the store's folder

    def quads(self) -> Iterator[ox.Quad]:
        """Every statement; prefixes the files declare land in `declared` as they are read."""
        if self.store is not None:
            return self._stored_quads(self.store)
        return read_quads(self.sources, self.declared)

    def _stored_quads(self, store: ox.Store) -> Iterator[ox.Quad]:
        with self.reading():
            yield from store

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Damage that reading the store finds (a garbled block: Oxigraph checks blocks as it
        reads them, not when it opens the store) reported like damage found when opening it."""
        try:
            yield
        except (OSError, RuntimeError) as error:
            if self.location is None or not _is_storage_error(error):
                raise
            raise damaged(self.location, error) from None

    def sparql_store(self, names_graphs: bool) -> ox.Store:
        """A Store for SPARQL over the served dataset (`learningcity.dataset`): the data, and the
        vocabulary graphs when the query `names_graphs`. An on-disk store is used as it is for
        a query of the default graph alone, and copied into memory to add them otherwise."""
        if self.store is not None and not names_graphs:
            return self.store
        store = ox.Store()
        store.bulk_extend(self.quads())
        return with_vocabulary(store, self.display) if names_graphs else store

    def dataset(self) -> ox.Dataset:
        return ox.Dataset(self.quads())

    @property
    def display(self) -> str:
        return names_of(self.sources) or "the store"


def open_data(
    arguments: Sequence[str],
    store: Path | None,
    input_format: str | None = None,
    base_iri: str | None = None,
) -> Data:
    """DATA files or a store (never both): the one decision every command makes the same way.
    A store was parsed when it was built, so a base IRI for it is refused, not ignored."""
    if store is None:
        return Data(resolve_sources(arguments, input_format, base_iri))
    if arguments or input_format:
        raise InputError("give DATA or --store, not both")
    if base_iri is not None:
        raise InputError(
            "--base-iri resolves relative IRIs of DATA files, and a store was parsed when it was "
            "built: give --base-iri to `learningcity load`"
        )
    opened, declared = open_store(store)
    return Data([], opened, declared, location=store)
