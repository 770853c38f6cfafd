"""`learningcity serve` of many cities (the installed command, a real socket): the home page is
titled for the network, with its summary and charts, and answers the index pages at
/network/<name> in the language asked for, as `publish` writes them (issue 16.4)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from learningcity.rendering.network import INDEXES
from processes import serving
from support import REPO


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("network-served")
    network = folder / "network.ttl"
    generator = REPO / "scripts" / "generate_network.py"
    subprocess.run(
        [sys.executable, str(generator), "8", "--seed", "1", "-o", str(network)], check=True
    )
    with serving(str(network), str(REPO / "data" / "yongsan.ttl"), log=folder / "serve.log") as url:
        yield url


def test_the_served_home_is_titled_for_the_network(root: str) -> None:
    home = httpx.get(root)
    assert "<h1><span>UNESCO Global Network of Learning Cities</span></h1>" in home.text
    assert "Member cities: 9." in home.text
    assert home.text.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3
    korean = httpx.get(root, headers={"Accept-Language": "ko"})
    assert "회원 도시 9곳" in korean.text and "가입 연도별 회원 도시 수" in korean.text


@pytest.mark.parametrize("name", INDEXES)
def test_the_index_pages_are_served_in_each_language(root: str, name: str) -> None:
    english = httpx.get(f"{root}network/{name}")
    assert english.status_code == 200 and english.headers["content-language"] == "en"
    assert "Accept-Language" in english.headers["vary"]
    korean = httpx.get(f"{root}network/{name}?lang=ko")
    assert '<html lang="ko">' in korean.text and 'href="../static/learningcity.css"' in korean.text
    tag = english.headers["etag"]
    assert httpx.get(f"{root}network/{name}", headers={"If-None-Match": tag}).status_code == 304


def test_an_index_that_does_not_exist_is_404(root: str) -> None:
    assert httpx.get(f"{root}network/cities", headers={"Accept": "text/html"}).status_code == 404
