"""Headless Chromium reads the network's home, an index page and a city page, in English and in
Korean, at a desktop's and a phone's width, as `learningcity preview` serves a site published
with the default base (issue 16.4): nothing overflows sideways, the charts are there with their
titles in the page's language, standard terms read as words of that language, the style sheet
is applied. The screenshots are kept in test-artifacts/publish/network/ for a human to look at.

The measurements come from a probe page the test adds to its copy of the site: it loads the page
in a frame of the wanted width (same origin, so it can read it) and writes what it found into
its own DOM, which `--dump-dom` prints. The pages themselves run no script.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from browser import ARTIFACTS, render, run_chromium

PREFIX = "/learningcity/"
WIDTHS = {"desktop": (1280, 1600), "phone": (390, 1600)}
PAGES = {"home": "", "index": "network/regions", "city": "doc/city/kr-yongsan-gu"}
#: What each page must show in each language: a chart's title, or standard terms as words.
EXPECTED = {
    ("home", "en"): {"charts": ["Member cities per year of joining"]},
    ("home", "ko"): {"charts": ["가입 연도별 회원 도시 수"]},
    ("index", "en"): {"charts": ["Member cities per UNESCO region"]},
    ("index", "ko"): {"charts": ["유네스코 지역별 회원 도시 수"]},
    ("city", "en"): {"terms": ["name", "identifier", "same as"]},
    ("city", "ko"): {"terms": ["이름", "식별자", "동일 대상"]},
}
PROBE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>probe</title></head>
<body>
<iframe id="page" title="page"></iframe>
<script>
const query = new URLSearchParams(location.search);
const frame = document.getElementById("page");
frame.style.cssText = `width:${query.get("width")}px;height:900px;border:0`;
frame.addEventListener("load", () => {
  const doc = frame.contentDocument;
  const root = doc.documentElement;
  const found = {
    lang: root.lang,
    scrollWidth: root.scrollWidth,
    clientWidth: root.clientWidth,
    bodyMaxWidth: getComputedStyle(doc.body).maxWidth,
    charts: [...doc.querySelectorAll("svg")].map((svg) => ({
      title: svg.querySelector("title")?.textContent ?? null,
      desc: svg.querySelector("desc")?.textContent ?? null,
      right: svg.getBoundingClientRect().right,
    })),
    terms: [...doc.querySelectorAll("dt")].map((dt) => dt.textContent.trim()),
    scripts: doc.querySelectorAll("script:not([type='application/ld+json'])").length,
  };
  const out = document.createElement("pre");
  out.id = "found";
  out.textContent = JSON.stringify(found);
  document.body.append(out);
});
frame.src = query.get("page");
</script>
</body></html>
"""


@pytest.fixture(scope="module")
def served(
    network_site: Path,
    tmp_path_factory: pytest.TempPathFactory,
    preview_folder: Callable[[Path], contextlib.AbstractContextManager[httpx.Client]],
) -> Iterator[httpx.Client]:
    """A copy of the network's site with the probe, previewed (the shared site stays as
    `publish` wrote it)."""
    copy = tmp_path_factory.mktemp("network-browser") / "site"
    shutil.copytree(network_site, copy)
    (copy / "_probe.html").write_text(PROBE, encoding="utf-8")
    with preview_folder(copy) as client:
        yield client


def page_path(page: str, language: str) -> str:
    """The page's URL path; the Korean one by its file, as the language switch links it."""
    path = PAGES[page]
    if language == "en":
        return PREFIX + path
    return PREFIX + (f"{path}.ko.html" if path else "index.ko.html")


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("page", sorted(PAGES))
def test_the_page_reads_well_at_this_width_in_this_language(
    served: httpx.Client, tmp_path: Path, page: str, language: str, width: str
) -> None:
    base = str(served.base_url).rstrip("/")
    path = page_path(page, language)
    assert served.get(path).status_code == 200
    pixels, height = WIDTHS[width]
    probe = f"{base}{PREFIX}_probe.html?page={quote(path)}&width={pixels}"
    dom, _ = run_chromium(tmp_path / "probe", "--virtual-time-budget=10000", "--dump-dom", probe)
    match = re.search(r'<pre id="found">(.*?)</pre>', dom, re.S)
    assert match, f"the probe found nothing: {dom[-2000:]}"
    found = json.loads(match[1].replace("&quot;", '"').replace("&amp;", "&"))
    assert found["lang"] == language
    assert pixels - 20 < found["clientWidth"] <= pixels  # less a vertical scroll bar's width
    assert found["scrollWidth"] <= found["clientWidth"], "the page overflows sideways"
    assert found["bodyMaxWidth"] == "768px", "the style sheet was not applied"
    assert found["scripts"] == 0, "the pages work without script"
    expected = EXPECTED[(page, language)]
    titles = [chart["title"] for chart in found["charts"]]
    for title in expected.get("charts", []):
        assert title in titles, titles
    for chart in found["charts"]:
        assert chart["desc"] and chart["right"] <= pixels, chart
    assert set(expected.get("terms", [])) <= set(found["terms"]), found["terms"]
    assert not [t for t in found["terms"] if re.fullmatch(r"[a-z]+:\w+", t)], found["terms"]
    shot = ARTIFACTS / "publish" / "network" / f"{page}-{language}-{width}.png"
    _, messages = render(tmp_path / "shot", base + path, shot, pixels, height)
    assert messages == [], messages  # a style sheet that failed to load is logged here
