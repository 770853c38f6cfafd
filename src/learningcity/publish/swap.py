"""A site is written whole or not at all: built in a temporary folder beside `--out`, then
swapped in (`learningcity.atomic.write_folder`, which decides it for every folder output).

A publish that fails or is interrupted (Ctrl-C, SIGTERM) before the swap leaves the previous
site exactly as it was and removes its temporary folder; a symbolic link given as `--out` is
kept, the folder it points to is replaced.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from learningcity.atomic import write_folder


def write_site(out: Path, files: Iterable[tuple[str, bytes]]) -> int:
    """Replace the folder `out` by one holding `files` (relative path, content) as they come;
    the number of files written. A path given twice holds its last content."""
    return write_folder(out, "site", files)
