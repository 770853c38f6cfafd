"""A real browser (Debian's headless Chromium) loads pages from a real `learningcity serve`.

What a reader sees is checked the way a reader gets it: the city page (through the 303 from the
thing's IRI) and the query page render their titles, log nothing to the console (no script
error, no failed asset), and give a screenshot that is a real picture; the screenshots are kept
under test-artifacts/browser/ for a human to look at. Chromium is driven by its command line
(`--dump-dom`, `--screenshot`, console messages logged to stderr), so no driver package is
needed. CI installs Chromium; without it these tests fail, they do not skip.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import struct
import subprocess
import zlib
from pathlib import Path
from urllib.parse import quote

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
CHROMIUM_SECONDS = 60
WIDTH, HEIGHT = 1280, 900
CHROMIUM_FLAGS = (
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
CITY_QUERY = "SELECT ?label WHERE { ?city rdfs:label ?label } LIMIT 3"

PAGES = {
    "city": ("id/city/kr-yongsan-gu", "Yongsan-gu · Learning cities", "<h1"),
    "query": ("sparql", "SPARQL endpoint · Learning cities", "<textarea"),
    "query-results": (
        "sparql?format=html&query=" + quote(CITY_QUERY),
        "SPARQL endpoint · Learning cities",
        "<table",
    ),
}


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
    command = [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *arguments]
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
        kind = data[position + 4 : position + 8]
        if kind == b"IDAT":
            pixels += data[position + 8 : position + 8 + length]
        position += 12 + length
    return width, height, len(set(zlib.decompress(bytes(pixels))))


@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_renders_in_chromium_without_console_errors(live_server, tmp_path, page):
    path, title, element = PAGES[page]
    url = live_server.url(path)

    dom, log = run_chromium(tmp_path / "dom-profile", "--dump-dom", url)
    assert f"<title>{title}</title>" in dom, dom[:2000]
    assert element in dom
    assert console_messages(log) == []

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTIFACTS / f"{page}.png"
    screenshot.unlink(missing_ok=True)
    _, log = run_chromium(
        tmp_path / "shot-profile",
        f"--screenshot={screenshot}",
        f"--window-size={WIDTH},{HEIGHT}",
        "--hide-scrollbars",
        url,
    )
    assert console_messages(log) == []
    assert screenshot.stat().st_size > 10_000, "the screenshot is too small to show a page"
    width, height, distinct = png_facts(screenshot)
    assert (width, height) == (WIDTH, HEIGHT)
    assert distinct > 32, "the screenshot is (nearly) one colour: nothing was rendered"


def test_the_console_check_sees_a_script_error(tmp_path):
    """The check above is only worth something if it catches errors: a page with one fails it."""
    broken = tmp_path / "broken.html"
    broken.write_text(
        "<!doctype html><title>broken</title><script>notDefinedAnywhere();</script>",
        encoding="utf-8",
    )
    _, log = run_chromium(tmp_path / "profile", "--dump-dom", broken.as_uri())
    messages = console_messages(log)
    assert any("Uncaught ReferenceError" in m and "notDefinedAnywhere" in m for m in messages)
