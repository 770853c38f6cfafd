"""Exit codes and the one error type the CLI turns into a one-line message."""

from __future__ import annotations

import errno
from enum import IntEnum


class ExitCode(IntEnum):
    """Documented exit codes of every `learningcity` command (README, `--help`)."""

    OK = 0
    FAILED = 1  # the data does not conform, an ASK answered false, `fmt --check` found changes
    BAD_INPUT = 2  # unusable input: unreadable file, parse error, bad query, bad option value
    IO_ERROR = 3  # the output could not be written (disk full, permission); nothing was replaced
    PARTIAL = 4  # `import --keep-going`: pages unreadable or failing the shapes were left out
    RESOURCES = 5  # a worker process was killed (out of memory?); nothing was replaced
    INTERRUPTED = (
        130  # stopped by Ctrl-C (SIGINT); outputs left whole (the message names any written)
    )
    TERMINATED = (
        143  # stopped by SIGTERM (systemd, docker stop, a CI cancel), cleaned up as for 130
    )


class LearningCityError(Exception):
    """An error a person can fix; `str()` is the whole one-line message."""

    exit_code: ExitCode = ExitCode.BAD_INPUT

    def __init__(self, message: str, exit_code: ExitCode | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class InputError(LearningCityError):
    """Input that cannot be used: a file, a query, an option value."""


class OutputError(LearningCityError):
    exit_code = ExitCode.IO_ERROR


class LearningCityWarning(UserWarning):
    """Something a person should know that does not stop the command (`warnings.warn`, so a
    library caller can filter it); the CLI prints it as one line `learningcity: warning: ...`."""


def printable(text: str) -> str:
    """`text` with control and other unprintable characters escaped (`\\n`, `\\x1b`), for text
    from outside (a server's answer, Oxigraph's word on an IRI) put into a one-line message: it
    can neither break the line nor send escape sequences to the terminal."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def os_reason(error: OSError) -> str:
    """What the system said went wrong, for a one-line message: `strerror` ("No space left on
    device"), which is None for an OSError made from a message alone (Oxigraph's, a library's),
    then the error's own text, then its type's name. Every message about an OSError takes its
    reason from here, so that none says "None"."""
    return printable(error.strerror or str(error) or type(error).__name__)


def unreadable(path: object, error: OSError) -> InputError:
    """The one line for an input file that could not be read, for a reason no more particular
    message names (a missing file, a folder, a permission are worded where they are met)."""
    return InputError(f"{path}: cannot read ({os_reason(error)})")


#: What to do about an output that could not be written, by the error's number.
_REMEDIES = {
    errno.ENOSPC: "free some space on its disk or write elsewhere",
    errno.EDQUOT: "free some space within your disk quota or write elsewhere",
    errno.EFBIG: "raise the file size limit (ulimit -f) or write elsewhere",
    errno.EROFS: "write to a disk that is not read-only",
    errno.EACCES: "make the folder writable or write elsewhere",
    errno.EPERM: "make the folder writable or write elsewhere",
    errno.ENOENT: "check that its folder exists",
    errno.ENOTDIR: "check that its folder exists",
    errno.ENAMETOOLONG: "give a shorter name",
}


def output_remedy(error: OSError) -> str:
    """What a person can do about `error` while writing an output: the part of the message
    after the reason, the same for every output a command writes."""
    return _REMEDIES.get(error.errno or 0, "check the folder (its free space, its permissions)")
