"""Exit codes and the one error type the CLI turns into a one-line message."""

from __future__ import annotations

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
