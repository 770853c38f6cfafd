"""Debian's headless Chromium, driven by its command line, for the tests that look at pages the
way a reader does (`--dump-dom`, `--screenshot`, console messages logged to stderr), so no driver
package is needed. CI installs Chromium; without it the tests fail with the fix, never skip."""

from __future__ import annotations

import os
import re
import shutil
import signal
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from support import REPO

ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_SECONDS = 60
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--enable-logging=stderr",
    "--v=0",
)
#: Chromium logs every console message (log, warning, error, uncaught exception, failed
#: resource load) as `...:INFO:CONSOLE:<line>] "<message>", source: <url> (<line>)`.
CONSOLE = re.compile(r":CONSOLE[:(]\d*\)?\]\s*(.*)")


def chromium() -> str:
    """The browser's path; its absence is a failure with the fix, never a skip."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and Path("/usr/bin/chromium").exists():
        found = "/usr/bin/chromium"
    if found is None:
        pytest.fail(
            "Chromium is not installed: these tests need Debian's headless browser "
            "(apt-get install chromium; .ci/run installs it)",
            pytrace=False,
        )
    return found


def run_chromium(profile: Path, *arguments: str) -> tuple[str, str]:
    """(stdout, stderr) of one headless Chromium run, bounded in time; its whole process group
    (browser, renderer, GPU and utility processes) is killed if it overruns."""
    command = [chromium(), *FLAGS, f"--user-data-dir={profile}", *arguments]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=CHROMIUM_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        pytest.fail(f"Chromium did not finish in {CHROMIUM_SECONDS} s: {err[-2000:]}")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 0, f"Chromium exited with {process.returncode}: {err[-2000:]}"
    return out, err


def console_messages(stderr: str) -> list[str]:
    return [match.group(1) for match in map(CONSOLE.search, stderr.splitlines()) if match]


def render(profile: Path, url: str, path: Path, width: int, height: int) -> tuple[str, list[str]]:
    """Load `url` once, in a window of that size: its DOM after loading (`--dump-dom`) and a
    screenshot saved as `path` (kept for a human to look at), checked to be a real picture of
    that size; returns the DOM and the console messages logged while rendering. One run does
    both (a second browser for the screenshot cost ~1.5 s a page)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    dom, log = run_chromium(
        profile,
        "--dump-dom",
        f"--screenshot={path}",
        f"--window-size={width},{height}",
        "--hide-scrollbars",
        url,
    )
    assert path.stat().st_size > 10_000, "the screenshot is too small to show a page"
    assert png_facts(path)[:2] == (width, height)
    assert png_facts(path)[2] > 32, "the screenshot is (nearly) one colour: nothing was rendered"
    return dom, console_messages(log)


def png_facts(path: Path) -> tuple[int, int, int]:
    """(width, height, distinct byte values of the decoded pixel rows) of a PNG file.

    A blank or failed page decodes to a handful of byte values; a rendered page to many.
    """
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    position, pixels = 8, bytearray()
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        if data[position + 4 : position + 8] == b"IDAT":
            pixels += data[position + 8 : position + 8 + length]
        position += 12 + length
    return width, height, len(set(zlib.decompress(bytes(pixels))))
