"""A site is written whole or not at all: built in a temporary folder beside `--out`, then
swapped in (`learningcity.atomic.replacing_folder`, which decides it for every folder output,
and `atomic.FolderWriter`, which writes the files inside one).

A publish that fails or is interrupted (Ctrl-C, SIGTERM) before the swap leaves the previous
site exactly as it was and removes its temporary folder; a symbolic link given as `--out` is
kept, the folder it points to is replaced.

The files are written by whichever process makes them: the rendering workers write the resource
pages themselves (`SiteWriter`), so that a million files' bytes never travel back to this
process, and send back their names (`SiteFolder.record`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from learningcity.atomic import FolderWriter, replacing_folder
from learningcity.errors import InputError
from learningcity.rendering.iris import shown


class SiteWriter(FolderWriter):
    """Writes files of a site under its staging folder, each name checked first (`contained`)."""

    def write(self, files: Mapping[str, bytes]) -> list[str]:
        for name in files:
            contained(name)
        return super().write(files)


class SiteFolder:
    """The staging folder of a site: writes files under it (`SiteWriter`) and remembers the
    names of every file in it, whichever process wrote them (the sitemap and the hosts'
    configuration list them)."""

    def __init__(self, root: Path | str) -> None:
        self.root = str(root)
        self.names: set[str] = set()
        self._writer = SiteWriter(root)

    def write(self, files: Mapping[str, bytes]) -> None:
        self.record(self._writer.write(files))

    def record(self, names: Iterable[str]) -> None:
        """Count files written under this folder (by this process or a rendering worker)."""
        self.names.update(names)


def write_site(out: Path, make: Callable[[SiteFolder], None]) -> int:
    """Replace the folder `out` by the site `make` writes into the folder it is given; the
    number of files written (a path written twice counts once). Every process `make` starts
    has ended when it returns or raises, so nothing writes into the staging folder once it is
    swapped in or removed."""
    with replacing_folder(out, "site") as staging:
        folder = SiteFolder(staging)
        make(folder)
        return len(folder.names)


def contained(name: str) -> None:
    """Refuse (InputError) `name` unless it is a path of plain segments, which stays inside
    whatever folder it is joined to. The last guard before a file is written: the site's staging
    folder is new and holds no link, so a plain relative path resolves inside it."""
    if "\\" in name or "\0" in name or any(part in ("", ".", "..") for part in name.split("/")):
        raise InputError(f"refusing to write {shown(name)!r}: it would leave the site folder")
