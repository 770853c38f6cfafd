"""A path holding a control character is refused before any route (learningcity.server.paths):
Starlette's route patterns end in `$`, which also matches before a final newline, so
`/sparql%0A?query=...` was the service description, its query ignored."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from processes import serving
from support import REPO

ASK = {"query": "ASK { ?s ?p ?o }"}
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def root() -> Iterator[str]:
    with serving(str(REPO / "data" / "yongsan.ttl"), "--processes", "2") as url:
        yield url


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("sparql%0A", "%0A"),
        ("doc/city/kr-yongsan-gu%0A", "%0A"),
        ("id/city/kr-yongsan-gu%0D", "%0D"),
        ("doc/city/%1B%5B31mred", "%1B"),
        ("x%00", "%00"),
        ("sparql%7F", "%7F"),
    ],
)
def test_a_control_character_in_the_path_is_400_naming_it(root: str, path: str, code: str) -> None:
    answer = httpx.get(root + path, params=ASK, headers=JSON)
    assert answer.status_code == 400
    assert (
        answer.text == f"400 Bad Request: the path holds a control character ({code}); remove it\n"
    )


def test_the_same_paths_without_it_are_answered(root: str) -> None:
    assert httpx.get(root + "sparql", params=ASK, headers=JSON).json()["boolean"] is True
    assert httpx.get(root + "doc/city/kr-yongsan-gu").status_code == 200
