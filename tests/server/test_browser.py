"""A real browser (Debian's headless Chromium) loads pages from a real `learningcity serve`.

What a reader sees is checked the way a reader gets it: the city page (through the 303 from the
thing's IRI) and the query page render their titles, log nothing to the console (no script
error, no failed asset), and give a screenshot that is a real picture; the screenshots are kept
under test-artifacts/browser/ for a human to look at. Chromium is driven by its command line
(`--dump-dom`, `--screenshot`, console messages logged to stderr), so no driver package is
needed. CI installs Chromium; without it these tests fail, they do not skip.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from browser import ARTIFACTS, console_messages, render, run_chromium

WIDTH, HEIGHT = 1280, 900
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


@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_renders_in_chromium_without_console_errors(live_server, tmp_path, page):
    path, title, element = PAGES[page]
    url = live_server.url(path)

    shot = ARTIFACTS / "browser" / f"{page}.png"
    dom, messages = render(tmp_path / "profile", url, shot, WIDTH, HEIGHT)
    assert f"<title>{title}</title>" in dom, dom[:2000]
    assert element in dom
    assert messages == []


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
