"""Many profile pages into one network dataset: the pages of a folder, each page's own source
and retrieval date, one catalogue of the cities' datasets, and which city each validation
result is about.

Why a catalogue: a network publication is many datasets (one per city, each with its own
source page, date and description), and a reader or harvester needs the list of them; DCAT's
`dcat:Catalog` with `dcat:dataset` is that list, as portals expect it. It is the same
statements whether the batch is written as one file or as a folder of one file per city
(`catalogue`): the folder read together is the one file.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from learningcity.errors import InputError, unreadable
from learningcity.iris import Minter, usable_iri
from learningcity.profiles import ImportResult
from learningcity.profiles.graph import LICENSE, en, iri, typed

#: File names read from a folder (the importer's formats: text and HTML).
PAGE_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm", ".xhtml")
#: The catalogue's local name under `dataset/` (and its file's name in a folder of cities). A
#: city's key has its country code, so only a city of an unknown country named "Network"
#: could take it: `catalogue` refuses that.
CATALOGUE = "network"
#: The catalogue's title names the network, as a city's dataset's names its city: a site
#: published from it is titled so (in English and Korean, as `data/yongsan.ttl` names it).
NETWORK, NETWORK_KO = "UNESCO Global Network of Learning Cities", "유네스코 학습도시 국제 네트워크"


@dataclass(frozen=True)
class Page:
    """One page to import, with what a `--sources` file says of it (None: the defaults)."""

    path: Path
    source_url: str | None = None
    read_on: dt.date | None = None


def pages(paths: Iterable[Path]) -> list[Path]:
    """The files given, a folder standing for its profile files (sorted by name, not recursive:
    a batch is one folder of saved pages)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.suffix.lower() in PAGE_SUFFIXES)
            if not inside:
                raise InputError(f"{path}: no profile files ({', '.join(PAGE_SUFFIXES)}) in it")
            found.extend(inside)
        else:
            found.append(path)
    return found


def read_sources(path: Path) -> dict[Path, Page]:
    """A CSV of `file,source_url,read_on` (header first; paths relative to the CSV's folder;
    empty cells take the defaults), so that each page of a batch keeps its own address and the
    date it was saved."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise unreadable(path, error) from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    rows = csv.DictReader(text.splitlines())
    if rows.fieldnames is None or "file" not in rows.fieldnames:
        raise InputError(f"{path}:1: the header must name the columns file,source_url,read_on")
    found: dict[Path, Page] = {}
    for number, row in enumerate(rows, start=2):
        where = f"{path}:{number}"
        if not row.get("file"):
            raise InputError(f"{where}: no file named")
        page = (path.parent / row["file"]).resolve()
        url = (row.get("source_url") or "").strip() or None
        if url:
            try:
                usable_iri(url, "source_url", web=True)
            except InputError as error:
                raise InputError(f"{where}: {error}") from None
        found[page] = Page(page, url, _date((row.get("read_on") or "").strip(), where))
    return found


def _date(text: str, where: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{where}: read_on '{text}' is not a date YYYY-MM-DD") from None


def catalogue(results: Sequence[ImportResult]) -> list[ox.Quad]:
    """The network's catalogue: a `dcat:Catalog` listing each city's dataset (each of which
    keeps its own source page and date), modified when the newest page was read."""
    clash = next((r for r in results if r.key == CATALOGUE), None)
    if clash is not None:
        raise InputError(
            f"{clash.profile.title}: its key '{CATALOGUE}' (a name in a country the importer "
            "does not know) is the network catalogue's; import it apart"
        )
    mint = Minter(results[0].base)
    node = ox.NamedNode(mint.dataset(CATALOGUE))
    publisher = ox.NamedNode(mint.organization("learningcity"))
    datasets = [r.dataset for r in results]
    modified = max(r.read_on for r in results)
    count = len(datasets)
    statements: list[tuple[ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (iri("rdf:type"), iri("dcat:Catalog")),
        (iri("dcterms:title"), en(f"{NETWORK}: learning city profiles as linked data")),
        (
            iri("dcterms:title"),
            ox.Literal(f"{NETWORK_KO}: 학습도시 프로필 링크드 데이터", language="ko"),
        ),
        (
            iri("dcterms:description"),
            en(
                f"The network profiles of {count} member cities of the {NETWORK}, each a "
                "dataset with its own source page, imported by learningcity."
            ),
        ),
        (iri("dcterms:publisher"), publisher),
        (iri("dcterms:creator"), publisher),
        (iri("dcterms:license"), ox.NamedNode(LICENSE)),
        (iri("dcterms:modified"), typed(modified.isoformat(), "xsd:date")),
        *((iri("dcat:dataset"), dataset) for dataset in datasets),
    ]
    return [ox.Quad(node, predicate, obj) for predicate, obj in statements]


def city_key_of(term: object, keys: set[str], base: str) -> str | None:
    """The city a minted IRI belongs to (`post/kr-yongsan-gu.mayor` → `kr-yongsan-gu`), if any
    of `keys`; shared nodes (organisations, countries, source pages) belong to none."""
    if not isinstance(term, ox.NamedNode) or not term.value.startswith(base):
        return None
    _, _, local = term.value[len(base) :].partition("/")
    key = local.split(".", 1)[0]
    return key if key in keys else None
