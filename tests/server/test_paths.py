"""A path holding a control character is refused before any route (learningcity.server.paths):
Starlette's route patterns end in `$`, which also matches before a final newline, so
`/sparql%0A?query=...` was the service description, its query ignored. And every redirect's
`Location` is a path on the served host, whatever `Host` or `X-Forwarded-Host` say."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from processes import raw_answer_head, serving
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


#: Hostile headers a client or a proxy in front may send: none may name the redirect's host.
HOSTILE = (
    b"Host: evil.example\r\nX-Forwarded-Host: evil2.example\r\n"
    b"X-Forwarded-Proto: https\r\nForwarded: host=evil3.example\r\n"
)


@pytest.mark.parametrize(
    ("method", "target", "status", "location"),
    [
        ("GET", "/id/city/kr-yongsan-gu", 303, "/doc/city/kr-yongsan-gu"),
        ("GET", "/sparql/?query=ASK%7B%7D", 307, "/sparql?query=ASK%7B%7D"),
        ("POST", "/sparql/", 307, "/sparql"),
        ("GET", "/health/", 307, "/health"),
        ("GET", "/static", 307, "/static/"),
        ("GET", "/id", 307, "/id/"),
        ("GET", "/doc", 307, "/doc/"),
        ("GET", "//evil.example/sparql", 404, None),
        ("GET", "//evil.example/id/", 404, None),
    ],
)
def test_a_redirect_keeps_the_served_host_whatever_the_headers_say(
    root: str, method: str, target: str, status: int, location: str | None
) -> None:
    """9953fa5: a path with its trailing slash added or removed (Starlette's own redirect)
    was `307 Location: http://evil.example/sparql`, a POST sent on there with its body."""
    answer_status, headers = raw_answer_head(root, method, target, HOSTILE)
    assert (answer_status, headers.get("location")) == (status, location), headers
