"""A site is written whole or not at all: built in a temporary folder beside `--out`, then
swapped in.

The temporary folder is on the same file system as the target, so the swap is two renames; the
previous site is moved aside first and removed only once the new one is in place. A publish that
fails or is interrupted before the swap leaves the previous site exactly as it was and removes its
temporary folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from learningcity.errors import OutputError


def write_site(out: Path, files: Iterable[tuple[str, bytes]]) -> int:
    """Replace the folder `out` by one holding `files` (relative path, content) as they come;
    the number of files written. A path given twice holds its last content."""
    parent = out.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=parent, prefix=f".{out.name}.", suffix=".new"))
    except OSError as error:
        raise OutputError(f"{out}: cannot create the site folder ({error.strerror})") from None
    try:
        written = _write_files(staging, files)
        _swap(staging, out)
    except BaseException as error:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(error, OSError):
            raise OutputError(
                f"{out}: cannot write the site ({error.strerror}: {error.filename}); "
                "the previous site is unchanged"
            ) from None
        raise
    return written


def _write_files(staging: Path, files: Iterable[tuple[str, bytes]]) -> int:
    """Write each file under `staging`; the number of distinct paths.

    At network size this writes over a million files while the workers render, so each folder is
    made once and nothing is changed after writing: new files and folders get the umask's
    permissions from the system; only the temporary folder (made private by `mkdtemp`) is opened.
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
    staging.chmod(0o777 & ~_umask())
    return len(written)


def _swap(staging: Path, out: Path) -> None:
    """Put `staging` at `out`; the old site, if any, is moved aside and then removed."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: is a file; --out names a folder")
    previous = None
    if out.exists():
        previous = Path(tempfile.mkdtemp(dir=staging.parent, prefix=f".{out.name}.", suffix=".old"))
        previous.rmdir()
        out.rename(previous)
    try:
        staging.rename(out)
    except BaseException:
        if previous is not None:
            with contextlib.suppress(OSError):
                previous.rename(out)
        raise
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
