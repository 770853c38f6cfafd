"""Headless Chromium (Debian's) renders the published index and vocabulary pages as served by
nginx with the generated configuration; the screenshots are kept under
test-artifacts/publish/ for a human to look at. Without Chromium the test fails, never skips."""

from __future__ import annotations

import pytest

from browser import ARTIFACTS, render

WIDTH, HEIGHT = 1280, 2000
PAGES = {
    "index": ("/", "<h1>"),
    "index-ko": ("/index.ko.html", '<html lang="ko">'),
    "vocabulary": ("/ontology", 'id="LearningCity"'),
    "shapes": ("/shapes", 'id="LearningCity"'),
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_chromium_renders_the_page(nginx, tmp_path, page):
    path, marker = PAGES[page]
    url = str(nginx.base_url).rstrip("/") + path
    shot = ARTIFACTS / "publish" / f"{page}.png"
    dom, messages = render(tmp_path / "profile", url, shot, WIDTH, HEIGHT)
    assert marker in dom, dom[:2000]
    assert "· " in dom.split("<title>", 1)[1].split("</title>", 1)[0]
    assert messages == []
