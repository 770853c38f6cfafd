"""How every output is written, decided once for every command (`-o`, `export --stream` and
`--all`, `fmt`, `import`, `publish --out`, `load --store`) so that none drifts from the others.

- **A regular file** is written to a temporary file beside its target, fsynced and renamed over
  it: a failed or interrupted write (full disk, Ctrl-C, SIGTERM) leaves the previous file as it
  was and no temporary file.
- **A folder** (a site, a store) is built in a temporary folder beside it and swapped in by two
  renames; the previous folder is removed only once the new one is in place. Its files are not
  fsynced one by one (a site of the network holds a million): the swap makes it whole against
  errors and interruptions, as a file is, but a power cut may leave some of it unwritten.
- **Standard output, a FIFO or a character device** (`-o /dev/null`, a named pipe) cannot be
  replaced without destroying it: it is written in place, as a shell redirection does.
- **Permissions**: a new output takes the umask's (0644 and 0755 under umask 022, applied by the
  kernel when the temporary file or folder is made); a replaced one keeps its mode, and its owner
  and group where the user may set them, as editors do. Files and folders inside a folder output
  are all new: they take the umask's (`FolderWriter`).
- **Symbolic links** are written through: the link stays, its target is replaced in the target's
  own folder.
- **Refused, left unchanged**: read-only targets (no write permission bit, or none for this
  user: root could rename over a 0444 file, and must not), folders given as files, files given
  as folders, sockets and block devices, a folder to write in that is read-only, and a folder
  to replace that is the current folder or a parent by any name or link (`.`, `..`, `/`,
  `link -> .`: they hold the user's other files) or holds a file the command read. What needs
  no work to see is refused before any input is read (`refuse_unusable_output`).
- Several outputs of one command (`fmt`, `export --all`) are all staged before the first is put
  in place, and the renames run with SIGINT and SIGTERM held back (`interrupt.deferred`): the
  batch lands whole or not at all. `written()` lists what was put in place, so an interruption
  message can say exactly that.
- **Folders made for outputs** (`export --all DIR`, `import --out-dir`, the parents of a site
  or store) are removed again when the command fails or is interrupted and they are still
  empty (`new_folders`): a failed command leaves no new folder behind.

Every failure is one `OutputError` line naming the output (exit 3).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TypeVar, cast

from learningcity.errors import InputError, OutputError, os_reason, output_remedy
from learningcity.inputs import is_source, source_in
from learningcity.interrupt import deferred

T = TypeVar("T")
BUFFER = 1 << 20
#: What writing to an open stream fails with: full disk, quota, file size limit, device error.
STREAM_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})
_WRITTEN: list[Path] = []
_TEMPORARIES: set[Path] = set()  # made by this process and neither put in place nor removed yet


def written() -> list[Path]:
    """The outputs this process has put in place so far, in order (as the user named them)."""
    return list(_WRITTEN)


def remove_temporaries() -> None:
    """Remove every temporary file and folder still left: the CLI's last step after a signal,
    which may arrive between a temporary's creation and the code that would remove it."""
    for path in sorted(_TEMPORARIES):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    _TEMPORARIES.clear()


def unwritable_stdout(error: OSError) -> OutputError | None:
    """The one line for a write error that reached the CLI without naming a file: click's own
    writes to stdout (`--help`, `--version` onto a full disk); None for any other error."""
    if error.filename is not None or error.errno not in STREAM_ERRORS:
        return None
    return _Checked(sys.stdout.buffer, "stdout", "the output is incomplete").failure(error)


def write_output(path: Path | None, data: bytes) -> None:
    """`data` to the file `path` (as the module docstring says), or to stdout when None."""
    with open_output(path) as out:
        out.write(data)


def write_outputs(outputs: Iterable[tuple[Path, bytes]], replacing_sources: bool = False) -> None:
    """Write every (path, content) or none: all are staged, then put in place together. Only
    with `replacing_sources` (`fmt`, whose job it is) may an output be a file this process read."""
    staged: list[_Staged] = []
    try:
        for path, data in outputs:
            staged.append(_Staged.begin(path, replacing_sources))
            staged[-1].stream.write(data)
            staged[-1].finish()  # and closed: a batch of a thousand files holds one open
        with deferred():
            for output in staged:
                output.put_in_place()
    finally:
        for output in staged:
            output.discard()


@contextmanager
def open_output(path: Path | None) -> Iterator[BinaryIO]:
    """A stream to write one output to: stdout when `path` is None, else as the module says;
    the output is put in place only if the block ends without an error."""
    if path is None:
        stdout = _Checked(sys.stdout.buffer, "stdout", "the output is incomplete")
        yield cast(BinaryIO, stdout)
        stdout.flush()
        return
    output = _Staged.begin(path)
    try:
        yield cast(BinaryIO, output.stream)
        output.finish()
        with deferred():
            output.put_in_place()
    finally:
        output.discard()


@contextmanager
def replacing_folder(out: Path, what: str) -> Iterator[Path]:
    """A new empty folder to fill in the block; it then replaces the folder `out` (`what` names
    it in messages: "site", "store"). On an error or interruption it is removed instead."""
    target = refuse_unusable_output(out, folder=True, replacing=what)
    source = source_in(Path(os.path.realpath(out)))
    if source is not None:
        raise OutputError(
            f"{out}: holds {source}, which this command reads and the {what} would replace "
            f"whole; give the {what} folder another name"
        )
    with new_folders(target.path.parent):
        try:
            staging = _new_folder(target.path, ".new")
            if target.existing is not None:
                _keep_mode_and_owner(staging, target.existing)
        except OSError as error:
            raise _failure(out, f"cannot create the {what} folder", error) from None
        try:
            yield staging
            _swap(staging, target)
        except OSError as error:
            # The file that failed, named as the user knows it: under `out`, not under the
            # hidden staging folder (an error of Oxigraph's names it in its text).
            file = None if error.filename is None else os.fsdecode(error.filename)
            failure = _failure(
                out, f"cannot write the {what}", error, f"the previous {what} is unchanged", file
            )
            raise OutputError(str(failure).replace(str(staging), str(out))) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def refuse_unusable_output(given: Path, *, folder: bool, replacing: str | None = None) -> _Target:
    """Where the output `given` goes, or one line refusing it (exit 3) for what needs no work
    to see: a file given as a folder or the reverse, a read-only target, a folder it would be
    written in that is read-only (checked, as for a target, by its write bits too: root could
    write there, and must not), and for a folder `replacing` whole (a "site", a "store") one
    that is the current folder or holds it, by any name or link (`.`, `..`, `/`, `link -> .`).

    The option's type (`cli.common.OutputPath`) calls this before the command reads any input,
    so a command does not read and validate the data to refuse its output; `replacing_folder`
    and the writes call it again (`_Target.of`), for what changed meanwhile."""
    if replacing is not None:
        real = Path(os.path.realpath(given))
        try:
            here = [Path.cwd()]  # the kernel's own name for it: no link left in it
        except OSError:  # a folder removed from under the process is held by no name
            here = []
        # pathlib keeps no "." but a lone one, whose name is ""
        if given.name in ("", "..") or any(real == h or real in h.parents for h in here):
            raise OutputError(
                f"{given}: is the current folder or a parent, which the {replacing} would "
                f"replace whole; give the {replacing} folder its own name "
                f"({replacing}/, ../{replacing})"
            )
    target = _Target.of(given, folder=folder)
    if not target.in_place:
        _refuse_read_only_folder(given, target.path)
    return target


def _refuse_read_only_folder(given: Path, path: Path) -> None:
    """Refuse an output whose temporary file or folder could not be made beside it: the
    nearest folder above `path` that exists (the missing ones would be made in it) is
    read-only."""
    folder = next((parent for parent in path.parents if parent.exists()), None)
    if folder is None:
        return
    if not _writable(folder, folder.stat().st_mode, os.W_OK | os.X_OK):
        raise OutputError(
            f"{given}: its folder {folder} is read-only, nothing written; make it writable "
            "(chmod u+w) or write elsewhere"
        )


@contextmanager
def new_folders(folder: Path) -> Iterator[None]:
    """`folder`, and any of its parents missing, made for the block's outputs (`export --all`,
    `import --out-dir`, the folder a site or store goes into). If the block fails or is
    interrupted, those this made are removed again while empty: a command that wrote nothing
    leaves no new folder behind (an empty DIR looked like a successful export of nothing)."""
    try:
        missing = [made for made in (folder, *folder.parents) if not made.exists()]
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _failure(folder, "cannot create the folder", error) from None
    try:
        yield
    except BaseException:
        for made in missing:  # the deepest first; rmdir leaves a folder something was put in
            with contextlib.suppress(OSError):
                made.rmdir()
        raise


class FolderWriter:
    """Writes files inside a folder output being built (its staging folder, `replacing_folder`);
    several processes may each write some of them (a site's rendering workers).

    Each folder is made once and nothing is changed after writing, so that a million files cost
    a million writes: new files and folders get the umask's permissions from the system, as the
    staging folder itself did. A file is opened without following a link and without being
    inherited by a child process.
    """

    _CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC

    def __init__(self, root: Path | str) -> None:
        self.root = str(root)
        self._folders = {""}

    def write(self, files: Mapping[str, bytes]) -> list[str]:
        """Write each (relative path, content) of `files`, relative paths of plain segments
        (the caller's to check); their names, in order. A path written twice holds its last
        content."""
        for name, content in files.items():
            folder = name.rpartition("/")[0]
            if folder not in self._folders:
                Path(self.root, folder).mkdir(parents=True, exist_ok=True)  # a worker's too
                self._folders.add(folder)
            path = f"{self.root}/{name}"
            try:
                handle = os.open(path, self._CREATE, 0o666)
                try:
                    _write_all(handle, memoryview(content))
                finally:
                    os.close(handle)
            except OSError as error:
                # os.write names no file: the message names the one that did not fit.
                error.filename = error.filename or path
                raise
        return list(files)


def _writable(path: Path, mode: int, access: int) -> bool:
    """Whether an output may be written at `path`: a write permission bit in its `mode` and
    `access` for this user. The bits count on their own because root passes every access check
    and could replace a 0444 file or fill a 0555 folder, and must not."""
    return bool(mode & 0o222) and os.access(path, access)


def _failure(
    output: object, doing: str, error: OSError, consequence: str = "", file: str | None = None
) -> OutputError:
    """The one line for every OSError met writing an output: the output, what could not be
    done, the system's reason (with the `file` it failed on, inside a folder output), what to
    do about it, and what became of the previous output."""
    reason = os_reason(error) + (f": {file}" if file else "")
    tail = f"; {consequence}" if consequence else ""
    return OutputError(f"{output}: {doing} ({reason}); {output_remedy(error)}{tail}")


def _write_all(handle: int, content: memoryview) -> None:
    """Write all of `content`: a write cut short (a file size limit, a full disk) is retried,
    so that it fails with its error instead of leaving a shorter file."""
    while content:
        content = content[os.write(handle, content) :]


@dataclass(frozen=True)
class _Target:
    """Where an output really goes (`path`, after symbolic links) and what is there now."""

    given: Path
    path: Path
    existing: os.stat_result | None

    @classmethod
    def of(cls, given: Path, *, folder: bool) -> _Target:
        """The target of `given`, refused in one line if it must not be replaced."""
        try:
            path = Path(os.path.realpath(given)) if given.is_symlink() else given
            existing = path.stat()
        except FileNotFoundError:
            return cls(given, path, None)
        except OSError as error:
            reason = os_reason(error)
            raise OutputError(f"{given}: cannot write ({reason}); check the path") from None
        target = cls(given, path, existing)
        target._refuse_unless_writable(folder)
        return target

    @property
    def in_place(self) -> bool:
        """A FIFO or character device, written into rather than replaced."""
        mode = self.existing.st_mode if self.existing else 0
        return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)

    def _refuse_unless_writable(self, folder: bool) -> None:
        assert self.existing is not None
        mode = self.existing.st_mode
        if folder and not stat.S_ISDIR(mode):
            raise OutputError(f"{self.given}: is not a folder; name a folder (or a new name)")
        if not folder and stat.S_ISDIR(mode):
            raise OutputError(f"{self.given}: is a folder; give a file name")
        if not folder and not (stat.S_ISREG(mode) or self.in_place):
            raise OutputError(
                f"{self.given}: is neither a regular file, a FIFO nor a character device; "
                "give another name"
            )
        if not _writable(self.path, mode, os.W_OK):
            raise OutputError(
                f"{self.given}: is read-only, left unchanged; make it writable (chmod u+w) "
                "or give another name"
            )


class _Checked:
    """A binary stream whose write errors (a full disk) become one line naming the output; a
    closed pipe stays a BrokenPipeError, which the CLI ends quietly like `head` expects."""

    def __init__(self, raw: BinaryIO, name: str, consequence: str) -> None:
        self.raw = raw
        self.name = name
        self.consequence = consequence

    def write(self, data: bytes) -> int:
        try:
            return self.raw.write(data)
        except BrokenPipeError:
            raise
        except OSError as error:
            raise self.failure(error) from None

    def flush(self) -> None:
        try:
            self.raw.flush()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise self.failure(error) from None

    def failure(self, error: OSError) -> OutputError:
        return _failure(self.name, "cannot write", error, self.consequence)


class _Staged:
    """One file output under way: a temporary file beside its target, or the target itself
    when that is a FIFO or device."""

    def __init__(self, target: _Target, temporary: Path | None, stream: _Checked) -> None:
        self.target = target
        self.temporary = temporary
        self.stream = stream

    @classmethod
    def begin(cls, given: Path, replacing_sources: bool = False) -> _Staged:
        if not replacing_sources and is_source(given):
            raise InputError(
                f"{given}: is also an input of this command; write the output to another file "
                "(a source is never replaced)"
            )
        target = _Target.of(given, folder=False)
        try:
            if target.in_place:
                raw = target.path.open("wb", buffering=BUFFER)
                return cls(target, None, _Checked(raw, str(given), "the output is incomplete"))
            temporary, handle = _new_file(target.path)
        except OSError as error:
            raise _failure(given, "cannot write", error) from None
        stream = _Checked(
            os.fdopen(handle, "wb", buffering=BUFFER),
            str(given),
            "nothing was replaced",
        )
        staged = cls(target, temporary, stream)
        if target.existing is not None:
            try:
                _keep_mode_and_owner(temporary, target.existing)
            except BaseException:
                staged.discard()
                raise
        return staged

    def finish(self) -> None:
        """Everything written reaches the disk (or the FIFO) before anything is replaced; a
        temporary file is closed, to be renamed."""
        self.stream.flush()
        if self.temporary is not None:
            try:
                os.fsync(self.stream.raw.fileno())
                self.stream.raw.close()
            except OSError as error:
                raise self.stream.failure(error) from None

    def put_in_place(self) -> None:
        """The rename that makes the output visible (run under `deferred`)."""
        if self.temporary is not None:
            try:
                self.temporary.replace(self.target.path)
            except OSError as error:
                raise self.stream.failure(error) from None
            _TEMPORARIES.discard(self.temporary)
            self.temporary = None
            _sync_folder(self.target.path.parent)
        _WRITTEN.append(self.target.given)

    def discard(self) -> None:
        """Close the stream and remove the temporary file, if it was not put in place."""
        with contextlib.suppress(OSError):
            self.stream.raw.close()
        if self.temporary is not None:
            with contextlib.suppress(OSError):
                self.temporary.unlink()
            _TEMPORARIES.discard(self.temporary)
            self.temporary = None


def _swap(staging: Path, target: _Target) -> None:
    """Put `staging` at the target; the previous folder is moved aside first, then removed."""
    previous = None
    with deferred():
        if target.existing is not None:
            previous = _new_folder(target.path, ".old")
            target.path.replace(previous)  # onto the empty folder just made
        try:
            staging.replace(target.path)
        except BaseException:
            if previous is not None:
                with contextlib.suppress(OSError):
                    previous.replace(target.path)
            raise
        _TEMPORARIES.discard(staging)
        _WRITTEN.append(target.given)
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)
        _TEMPORARIES.discard(previous)


def _fresh(target: Path, suffix: str, make: Callable[[Path], T]) -> T:
    """`make(name)` for a new hidden name beside `target`, short enough to fit beside a target
    name of 255 bytes; `make` creates the file or folder exclusively (FileExistsError: retry).
    It is made and recorded with signals held back, so that none can leave it unrecorded."""
    for _ in range(100):
        name = target.with_name(f".learningcity-{secrets.token_hex(6)}{suffix}")
        with contextlib.suppress(FileExistsError), deferred():
            made = make(name)
            _TEMPORARIES.add(name)
            return made
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(target.parent))


def _new_file(target: Path) -> tuple[Path, int]:
    """A new temporary file beside `target` and its descriptor; mode 0666 minus the umask."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    return _fresh(target, ".tmp", lambda name: (name, os.open(name, flags, 0o666)))


def _new_folder(target: Path, suffix: str) -> Path:
    """A new empty folder beside `target`; mode 0777 minus the umask."""

    def make(name: Path) -> Path:
        name.mkdir(0o777)
        return name

    return _fresh(target, suffix, make)


def _keep_mode_and_owner(path: Path, previous: os.stat_result) -> None:
    """Give `path` the mode of the output it replaces, and its owner and group if allowed."""
    path.chmod(stat.S_IMODE(previous.st_mode))
    with contextlib.suppress(PermissionError):
        os.chown(path, previous.st_uid, previous.st_gid)


def _sync_folder(folder: Path) -> None:
    """Make a rename durable; file systems that cannot sync a folder are left to themselves."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
