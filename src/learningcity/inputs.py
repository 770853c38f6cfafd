"""Reading one input whole: the way every command reads a file, a gzip member or stdin.

In chunks, so that Ctrl-C and SIGTERM stop the read at once: a single `read()` of `/dev/zero`
or of a pipe that never runs dry stays in C until it has everything, and never lets Python
run a signal handler. And no further than the machine could load (`input_limit`): past that
the input cannot become a graph anyway, and reading on ends in the kernel's OOM killer
(`--input-format nt /dev/zero` reached 20 GiB and SIGKILL on a 23 GiB machine) or in a
MemoryError.
"""

from __future__ import annotations

import contextlib
import io
import os
import resource
import stat
from pathlib import Path
from typing import BinaryIO

from learningcity.errors import InputError

#: Bytes asked for at a time: large enough that the loop costs nothing beside parsing.
CHUNK = 1 << 20
#: The regular files this process has read, as (device, inode, modification time): see
#: `is_source`. The time keeps a new file that reuses a deleted one's inode from counting, in a
#: process that lives on (a test run, a program using the library).
_SOURCES: set[tuple[int, int, int]] = set()
#: The same files by their real paths, for a folder output that would hold one (`source_in`).
_SOURCE_PATHS: set[Path] = set()


def input_limit() -> int:
    """Half of the memory this process may use (the machine's, or its address-space limit,
    `ulimit -v`, if lower): the bytes and the graph parsed from them each take at least the
    input's size, so a larger input could not be loaded whole. Never less than one chunk."""
    memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        memory = min(memory, soft)
    return max(memory // 2, CHUNK)


def read_stream(stream: BinaryIO | io.BufferedIOBase, display: str) -> bytes:
    """Everything `stream` holds, read chunk by chunk up to `input_limit`; past it an
    `InputError` naming `display` (the file, or `<stdin>`)."""
    limit = input_limit()
    buffer = io.BytesIO()
    while chunk := stream.read(CHUNK):
        buffer.write(chunk)
        if buffer.tell() > limit:
            raise InputError(
                f"{display}: more than {limit >> 20:,} MiB without an end, more than this "
                "machine's memory could load; is it a device or an endless stream? give a file"
            )
    return buffer.getvalue()


def read_file(path: Path) -> bytes:
    """The bytes of the file at `path` (`read_stream`); opening errors are the caller's to
    word, as `OSError`s. The file is remembered as a source (`is_source`)."""
    with path.open("rb") as stream:
        _remember(os.fstat(stream.fileno()), path)
        return read_stream(stream, str(path))


def declare_source(path: Path) -> None:
    """Remember `path` as a source before it is read (a streamed export opens its output
    first): see `is_source`. A path that names no file is left to the reading to report."""
    with contextlib.suppress(OSError):
        _remember(path.stat(), path)


def _remember(found: os.stat_result, path: Path) -> None:
    if stat.S_ISREG(found.st_mode):
        _SOURCES.add(_identity(found))
        _SOURCE_PATHS.add(Path(os.path.realpath(path)))


def _identity(found: os.stat_result) -> tuple[int, int, int]:
    return found.st_dev, found.st_ino, found.st_mtime_ns


def is_source(path: Path) -> bool:
    """Whether `path` is a file this process has read (by device, inode and modification
    time, so another name or a link to it counts): `learningcity.atomic` refuses to replace
    one, so that no command changes its own source (`export data.ttl -o data.ttl` replaced it
    with the export)."""
    try:
        found = path.stat()
    except OSError:
        return False
    return _identity(found) in _SOURCES


def source_in(folder: Path) -> Path | None:
    """A file this process has read that lies inside `folder` (a real path, links resolved),
    if any: a folder output replaced whole (`atomic.replacing_folder`) would delete it."""
    return next((path for path in sorted(_SOURCE_PATHS) if folder in path.parents), None)
