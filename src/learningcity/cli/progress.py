"""One progress line on a terminal, for every command that can take longer than a second.

At network size (10,000 cities, a million statements) reading alone takes seconds, and validating
or starting a server minutes; a person at a terminal should see what is happening. Scripts, logs
and pipes should not: the line is written only to a terminal's stderr, only once a run has
lasted a second, never while the command's own output goes to the same terminal, and it is
erased before the command prints anything else. `LEARNINGCITY_PROGRESS_AFTER=0` shows it at
once (seconds; default 1).
"""

from __future__ import annotations

import os
import sys
import threading
from typing import TextIO


class TerminalProgress:
    """`with TerminalProgress.for_stderr() as progress: progress("reading x.ttl"); ...`"""

    def __init__(self, stream: TextIO | None, delay: float | None = None) -> None:
        if delay is None:
            delay = float(os.environ.get("LEARNINGCITY_PROGRESS_AFTER", "1"))
        self._stream = stream
        self._stage = ""
        self._shown = False
        self._lock = threading.Lock()
        self._timer = threading.Timer(delay, self._show)
        self._timer.daemon = True

    @classmethod
    def for_stderr(cls, *, writes_stdout: bool = False) -> TerminalProgress:
        """Progress on stderr if it is a terminal; `writes_stdout`: the command writes its
        output to stdout while the line would show (a terminal there means no line)."""
        on_terminal = sys.stderr.isatty() and not (writes_stdout and sys.stdout.isatty())
        return cls(sys.stderr if on_terminal else None)

    def __enter__(self) -> TerminalProgress:
        if self._stream is not None:
            self._timer.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._timer.cancel()
        with self._lock:
            if self._shown and self._stream is not None:
                self._stream.write("\r\033[K")
                self._stream.flush()
            self._shown = False

    def __call__(self, stage: str) -> None:
        with self._lock:
            self._stage = stage
            if self._shown:
                self._write()

    def _show(self) -> None:
        with self._lock:
            self._shown = True
            self._write()

    def _write(self) -> None:
        assert self._stream is not None
        self._stream.write(f"\r\033[Klearningcity: {self._stage}…")
        self._stream.flush()
