"""A persistent, on-disk Oxigraph store: parse once with `learningcity load`, open at once after.

Why: parsing a network-sized file costs seconds every run, while an Oxigraph store on disk
opens in milliseconds and answers SPARQL from its indexes. A store directory holds the Oxigraph
database in `oxigraph/` (so `oxigraph serve --location DIR/oxigraph` can serve it too) and the
prefixes the files declared in `prefixes.json` (a Store keeps none), so commands print the same
prefixed names as from the files.

A store is also what `learningcity serve --store DIR` serves in place, read-only, ready at once:
so it is built as the server prepares the data it serves (`learningcity.server.served`), for one
base: the data's IRIs under `base` are moved under `public_base` when built, the vocabulary's
graphs are added beside the data (moved alike), and `served.json` records the bases and what
would need every statement read (how many there are, the hash behind every ETag), with a
fingerprint of the database's files, so that a database changed since (another program wrote to
it) is refused rather than served with a stale ETag. `listing.json` records what the pages about
the whole data list (`learningcity.rendering.pages.Listing`: the subjects a 404 page suggests
from, the home page's classes, the network's members), which takes reading every statement of a
kind (seconds at network size, at each server's first home page, index page and 404);
`served.json` fingerprints it too. Other commands read the data without the vocabulary's
graphs.

A Store keeps literals in canonical form: `"1e3"^^xsd:double` is read back as `"1000"`, `"01"`
as `"1"`. Everything else (IRIs, strings, language tags, graphs) comes back as written.

`open_data` is the one place that decides whether a command reads DATA files or a store, so every
command gets its statements, its Store or its Dataset the same way.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from learningcity.atomic import replacing_folder
from learningcity.dataset import VOCABULARY_GRAPHS, with_vocabulary
from learningcity.dataset import vocabulary as bundled_vocabulary
from learningcity.errors import InputError
from learningcity.load import Source, names_of, read_quads, resolve_sources
from learningcity.namespaces import DEFAULT_DATA_BASE
from learningcity.rendering.iris import rebase
from learningcity.resources import vocabulary_paths

if TYPE_CHECKING:
    from learningcity.rendering.pages import Listing

DATABASE = "oxigraph"
PREFIXES = "prefixes.json"
SERVED = "served.json"
LISTING = "listing.json"


@dataclass(frozen=True)
class Built:
    """What `served.json` records of a store when it was built: the base the data's things were
    minted under and the one they are served under (the same unless `load --public-base`), how
    many statements the data has, whether it may hold blank nodes, the hash behind every ETag
    (`learningcity.server.served`), the hash of the vocabulary's graphs as stored, the
    fingerprint of the database's files then (`fingerprint`) and that of `listing.json` (none
    in a store built before it was recorded)."""

    base: str
    public_base: str
    statements: int
    blank_nodes: bool
    tag: str
    vocabulary: str
    database: str
    listing: str = ""


def served_vocabulary(base: str, public_base: str) -> list[ox.Quad]:
    """The vocabulary's graphs as a server under `public_base` serves them beside data minted
    under `base` (`learningcity.dataset`): the data's IRIs it names moved as the data's are."""
    return list(rebase(bundled_vocabulary(), base, public_base))


def vocabulary_hash() -> str:
    """A hash of the bundled vocabulary's files, to tell whether a store holds this version's
    vocabulary: its graphs are made from them and the two bases, recorded beside."""
    return _hash(b"\0".join(path.read_bytes() for path in vocabulary_paths()))


def _hash(text: bytes) -> str:
    return hashlib.blake2b(text, digest_size=12).hexdigest()


def fingerprint(database: Path) -> str:
    """A hash of the names, sizes and modification times of the database's files: RocksDB never
    rewrites a file in place, so any write to it (even opening it for writing) adds or grows a
    file, and a file changed by other means has a new time. Opening it read-only changes none;
    its log of messages (`LOG*`) is not the data. A file (`listing.json`) is fingerprinted
    alike."""
    files = [database] if database.is_file() else sorted(database.iterdir())
    entries = []
    for entry in files:
        if not entry.name.startswith("LOG"):
            stat = entry.stat()
            entries.append(f"{entry.name}\t{stat.st_size}\t{stat.st_mtime_ns}")
    return _hash("\n".join(entries).encode())


def build_store(
    sources: Sequence[Source],
    directory: Path,
    base: str = DEFAULT_DATA_BASE,
    public_base: str | None = None,
) -> int:
    """Write the statements of `sources` to a new store in `directory`, to be served under
    `public_base` (default: `base`, where the data's things are minted); return how many
    statements the data has.

    The store is built beside `directory` and swapped in only once complete
    (`learningcity.atomic.replacing_folder`), so a failed or interrupted load (a parse error
    half-way, Ctrl-C, SIGTERM) leaves an existing store as it was and no temporary folder. A
    `directory` that holds something other than a store is refused rather than replaced.
    """
    with replacing_folder(directory, "store") as building:
        if directory.is_dir() and not _is_store(directory) and any(directory.iterdir()):
            raise InputError(f"{directory}: exists and is not a learningcity store; choose another")
        return _fill(sources, building, base, public_base or base)


def _fill(sources: Sequence[Source], building: Path, base: str, public_base: str) -> int:
    declared: dict[str, str] = {}
    # An OSError here (a full disk, Oxigraph's own) is the one line of `replacing_folder`.
    quads = read_quads(sources, declared)
    built = _load(quads, building / DATABASE, names_of(sources), base, public_base)
    # after the database is closed (`_load` returned): closing it writes its last files
    built = replace(built, database=fingerprint(building / DATABASE))
    _write_listing(building, built)
    built = replace(built, listing=fingerprint(building / LISTING))
    (building / PREFIXES).write_text(json.dumps(declared, indent=2) + "\n", encoding="utf-8")
    (building / SERVED).write_text(json.dumps(asdict(built), indent=2) + "\n", encoding="utf-8")
    return built.statements


def _load(
    statements: Iterator[ox.Quad], database: Path, display: str, base: str, public_base: str
) -> Built:
    """Load the data into a new database as the server serves it, then the vocabulary's graphs;
    the database is closed once this returns (nothing else holds its Store)."""
    from learningcity.server.served import served_data

    store = ox.Store(str(database))
    data = served_data(statements, base, public_base, store)
    count = len(store)  # the data as stored (literals in canonical form), without the vocabulary
    vocabulary = served_vocabulary(base, public_base)
    with_vocabulary(store, display, vocabulary)
    store.flush()
    return Built(base, public_base, count, data.blank_nodes, data.tag, vocabulary_hash(), "")


def _write_listing(building: Path, built: Built) -> None:
    """Record what the whole-data pages list (`Listing`) as the server would read it from the
    store being built: its own renderer decides, so the pages are those it would make."""
    from learningcity.server.app import create_app
    from learningcity.server.served import stored_data

    database = building / DATABASE
    # as data without blank nodes: the server checks the documents of data with them (reading
    # every statement), which the listing does not depend on
    served = stored_data(ox.Store.read_only(str(database)), database, built.statements, False, "")
    site = create_app(served, base=built.base, public_base=built.public_base).state.site
    listing = site.listing()
    record = {
        "subjects": listing.subjects,
        "classes": {
            language: [[c.iri, c.count, list(c.first)] for c in classes]
            for language, classes in listing.classes.items()
        },
        "members": [
            [
                m.city.value,
                None if m.country is None else m.country.value,
                m.region,
                m.year,
                sorted(area.value for area in m.policy_areas),
                sorted(m.goals),
            ]
            for m in listing.members
        ],
        "home": None if listing.home is None else listing.home.value,
    }
    text = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
    (building / LISTING).write_text(text, encoding="utf-8")


def read_listing(directory: Path) -> Listing:
    """The `Listing` a store records (`open_store` checked that it is the one recorded)."""
    from learningcity.rendering.network import Member
    from learningcity.rendering.pages import ClassMembers, Listing

    def node(iri: str | None) -> ox.NamedNode | None:
        return None if iri is None else ox.NamedNode(iri)

    try:
        record = json.loads((directory / LISTING).read_text(encoding="utf-8"))
        classes = {
            language: [ClassMembers(iri, count, tuple(first)) for iri, count, first in entries]
            for language, entries in record["classes"].items()
        }
        members = [
            Member(
                ox.NamedNode(city),
                node(country),
                region,
                year,
                frozenset(ox.NamedNode(area) for area in areas),
                frozenset(goals),
            )
            for city, country, region, year, areas, goals in record["members"]
        ]
        return Listing(record["subjects"], classes, members, node(record["home"]))
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise damaged(directory, f"{LISTING}: {error}") from None


def _is_store(directory: Path) -> bool:
    try:
        return (directory / DATABASE).is_dir() and (directory / PREFIXES).is_file()
    except OSError:  # a name too long, a loop of links: not a store either
        return False


def open_store(directory: Path) -> tuple[ox.Store, dict[str, str], Built | None]:
    """The store in `directory`, read-only, the prefixes its files declared, and what its
    `served.json` records (None for a store built by an earlier version, without it).

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
    built = _built(directory)
    if built is not None and fingerprint(directory / DATABASE) != built.database:
        raise damaged(
            directory,
            "its files changed since `learningcity load` built it: another program wrote to it, "
            "or it was copied without their times",
        )
    if built is not None and built.listing and _listing_print(directory) != built.listing:
        raise damaged(directory, f"{LISTING} changed since `learningcity load` wrote it")
    return store, declared, built


def _listing_print(directory: Path) -> str | None:
    try:
        return fingerprint(directory / LISTING)
    except OSError:
        return None


def _built(directory: Path) -> Built | None:
    path = directory / SERVED
    if not path.exists():
        return None
    try:
        return Built(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError) as error:  # TypeError: other fields
        raise damaged(directory, f"{SERVED}: {error}") from None


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
    built: Built | None = None  # what the store's served.json records

    def quads(self) -> Iterator[ox.Quad]:
        """Every statement; prefixes the files declare land in `declared` as they are read."""
        if self.store is not None:
            return self._stored_quads(self.store)
        return read_quads(self.sources, self.declared)

    def ntriples(self) -> AbstractContextManager[Iterator[bytes]]:
        """Every statement as N-Triples, in blocks of lines (`learningcity.forked`): files are
        parsed in a forked process, beside the caller's work; a store is read here."""
        from learningcity.forked import ntriples_blocks

        return ntriples_blocks(self.quads, fork=self.store is None)

    def _stored_quads(self, store: ox.Store) -> Iterator[ox.Quad]:
        """The data's statements: those of the vocabulary's graphs, which a store holds beside
        the data to serve it (`Built`), are not the data's."""
        with self.reading():
            if self.built is None:
                yield from store
                return
            graphs = [g for g in store.named_graphs() if g not in VOCABULARY_GRAPHS]
            for graph in (ox.DefaultGraph(), *graphs):
                yield from store.quads_for_pattern(None, None, None, graph)

    def served(self, base: str | None, public_base: str | None) -> Built:
        """What the store records for serving it in place, once checked: built by this version
        (with its vocabulary), for `base` and `public_base` when given (unchanged since it was
        built: `open_store` checked)."""
        assert self.store is not None and self.location is not None
        directory, built = self.location, self.built
        rebuild = f"rebuild it with `learningcity load DATA... --store {directory}`"
        if built is None or not built.listing:
            raise InputError(
                f"{directory}: built by an earlier learningcity, to be read but not served; "
                + rebuild
            )
        if base is not None and base != built.base:
            raise InputError(
                f"{directory}: the store's things are minted under {built.base}, not {base}: "
                f"give --base {base} to `learningcity load`, or leave it out here"
            )
        if public_base is not None and public_base != built.public_base:
            raise InputError(
                f"{directory}: the store was built to be served under {built.public_base}, not "
                f"{public_base}: serve it without --public-base, or rebuild it for that base with "
                f"`learningcity load DATA... --store {directory} --public-base {public_base}`"
            )
        if vocabulary_hash() != built.vocabulary:
            raise InputError(
                f"{directory}: holds the vocabulary of another learningcity version; {rebuild}"
            )
        return built

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
    opened, declared, built = open_store(store)
    return Data([], opened, declared, location=store, built=built)
