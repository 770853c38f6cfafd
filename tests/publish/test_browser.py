"""Headless Chromium (Debian's) renders the published index and vocabulary pages as served by
nginx with the generated configuration; the screenshots are kept under
test-artifacts/publish/ for a human to look at. Without Chromium the test fails, never skips."""

from __future__ import annotations

import os
import shutil
import signal
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from support import REPO

ARTIFACTS = REPO / "test-artifacts" / "publish"
WIDTH, HEIGHT = 1280, 2000
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
)
PAGES = {
    "index": ("/", "<h1>"),
    "index-ko": ("/index.ko.html", '<html lang="ko">'),
    "vocabulary": ("/ontology", 'id="LearningCity"'),
    "shapes": ("/shapes", 'id="LearningCity"'),
}


def chromium() -> str:
    found = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if found is None:
        pytest.fail(
            "Chromium is not installed: this test renders the site in Debian's headless "
            "browser (apt-get install chromium; .ci/run installs it)",
            pytrace=False,
        )
    return found


def run_chromium(profile: Path, *arguments: str) -> str:
    """Chromium's stdout; its whole process group is killed if it overruns."""
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
    assert process.returncode == 0, f"Chromium exited with {process.returncode}: {err[-2000:]}"
    return out


def png_facts(path: Path) -> tuple[int, int, int]:
    """(width, height, distinct byte values of the decoded rows): a blank page has a handful."""
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


@pytest.mark.parametrize("page", sorted(PAGES))
def test_chromium_renders_the_page(nginx, tmp_path, page):
    path, marker = PAGES[page]
    url = str(nginx.base_url).rstrip("/") + path
    dom = run_chromium(tmp_path / "dom", "--dump-dom", url)
    assert marker in dom, dom[:2000]
    assert "· " in dom.split("<title>", 1)[1].split("</title>", 1)[0]

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTIFACTS / f"{page}.png"
    screenshot.unlink(missing_ok=True)
    run_chromium(
        tmp_path / "shot",
        f"--screenshot={screenshot}",
        f"--window-size={WIDTH},{HEIGHT}",
        "--hide-scrollbars",
        url,
    )
    assert screenshot.stat().st_size > 20_000, "the screenshot is too small to show a page"
    width, height, distinct = png_facts(screenshot)
    assert (width, height) == (WIDTH, HEIGHT)
    assert distinct > 32, "the screenshot is (nearly) one colour: nothing was rendered"
