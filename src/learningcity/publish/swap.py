"""A site is written whole or not at all: built in a temporary folder beside `--out`, then
swapped in (`learningcity.atomic.replacing_folder`, which decides it for every folder output).

A publish that fails or is interrupted (Ctrl-C, SIGTERM) before the swap leaves the previous
site exactly as it was and removes its temporary folder; a symbolic link given as `--out` is
kept, the folder it points to is replaced.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from learningcity.atomic import replacing_folder


def write_site(out: Path, files: Iterable[tuple[str, bytes]]) -> int:
    """Replace the folder `out` by one holding `files` (relative path, content) as they come;
    the number of files written. A path given twice holds its last content."""
    with replacing_folder(out, "site") as staging:
        return _write_files(staging, files)


def _write_files(staging: Path, files: Iterable[tuple[str, bytes]]) -> int:
    """Write each file under `staging`; the number of distinct paths.

    At network size this writes over a million files while the workers render, so each folder is
    made once and nothing is changed after writing: new files and folders get the umask's
    permissions from the system, as the staging folder itself did.
    """
    folders = {staging}
    written: set[str] = set()
    for relative, content in files:
        path = staging / relative
        if path.parent not in folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            folders.add(path.parent)
        path.write_bytes(content)
        written.add(relative)
    return len(written)
