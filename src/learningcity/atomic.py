"""Outputs are written whole or not at all: a temp file beside the target, fsync, then rename.

An interrupted or failed write (full disk, Ctrl-C) leaves the previous file as it was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from learningcity.errors import OutputError


def write_atomically(path: Path, data: bytes) -> None:
    directory = path.parent
    if path.is_dir():
        raise OutputError(f"{path}: is a directory; give a file name for -o")
    try:
        handle, name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise OutputError(f"{path}: cannot write ({error.strerror}); check the folder") from None
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists():
            temporary.chmod(path.stat().st_mode & 0o7777)
        else:
            temporary.chmod(0o666 & ~_umask())
        temporary.replace(path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if isinstance(error, OSError):
            raise OutputError(
                f"{path}: cannot write ({error.strerror}); the previous file is unchanged"
            ) from None
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
