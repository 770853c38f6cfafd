"""`learningcity preview` (the installed command): a folder that is not a site is refused in one
line; a site published for the default base is previewed under /learningcity/, styled; Ctrl-C
or SIGTERM stops it with exit 0. Its negotiation is held to nginx's answers in test_nginx.py."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from learningcity.errors import ExitCode
from processes import listening, raw_answer_head

COMMAND = str(Path(sys.executable).with_name("learningcity"))


def test_a_folder_that_is_not_a_site_is_refused_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("<p>hello</p>")
    done = subprocess.run([COMMAND, "preview", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == ExitCode.BAD_INPUT
    assert done.stderr.count("\n") == 1 and "not a published site" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_a_site_for_the_default_base_is_previewed_at_its_path_and_styled(
    network_site: Path, preview_folder
) -> None:
    with preview_folder(network_site) as client:
        assert client.get("/").headers["location"] == "/learningcity/"
        home = client.get("/learningcity/", headers={"Accept-Language": "ko-KR,ko;q=0.9"})
        assert home.status_code == 200 and '<html lang="ko">' in home.text
        assert 'href="static/learningcity.css"' in home.text
        style = client.get("/learningcity/static/learningcity.css")
        assert style.headers["content-type"] == "text/css; charset=utf-8"
        index = client.get("/learningcity/network/regions", headers={"Accept": "text/html"})
        assert index.headers["content-location"] == "/learningcity/network/regions.html"
        assert 'href="../static/learningcity.css"' in index.text
        thing = client.get("/learningcity/id/city/kr-yongsan-gu", headers={"Accept": "text/turtle"})
        assert thing.status_code == 303
        assert thing.headers["location"] == "/learningcity/doc/city/kr-yongsan-gu.ttl"
        assert client.get("/learningcity/%2e%2e/robots.txt").status_code == 404


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM], ids=["INT", "TERM"])
def test_ctrl_c_or_sigterm_is_a_normal_stop(network_site: Path, number: signal.Signals) -> None:
    """README: `serve` and `preview` run until stopped, and exit 0 then."""
    with listening([COMMAND, "preview", str(network_site)]) as (process, _):
        process.send_signal(number)
        assert process.wait(timeout=20) == ExitCode.OK


@pytest.mark.parametrize("path", ["/%ea%b0%80", "/%e2%80%ae", "/caf%c3%a9"])
def test_a_path_any_character_is_answered_with_ascii_headers(preview, path: str) -> None:
    """Its Link header held the decoded path: a character outside Latin-1 was HTTP 500 (b9a5be4)."""
    answer = preview.get(path, headers={"Accept": "text/html"})
    assert answer.status_code == 404
    link = answer.headers["link"]
    assert link.isascii() and path.lower() in link.lower(), link


@pytest.mark.parametrize("path", ["/x%00", "/x%7f", "/learningcity/id/%0a"])
def test_a_control_character_in_the_path_is_400(preview, path: str) -> None:
    """It dropped the connection (b9a5be4); now refused as `serve` refuses it (tests/server)."""
    answer = preview.get(path)
    assert answer.status_code == 400
    assert "the path holds a control character" in answer.text


def test_a_port_in_use_is_one_line(network_site: Path) -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        done = subprocess.run(
            [COMMAND, "preview", str(network_site), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == ExitCode.BAD_INPUT
    assert done.stderr.startswith(f"learningcity: error: cannot listen on 127.0.0.1:{port} ")
    assert done.stderr.count("\n") == 1, done.stderr


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("/id/city/kr-yongsan-gu", "/doc/city/kr-yongsan-gu"),
        ("/id/city/kr-yongsan-gu.ttl", "/doc/city/kr-yongsan-gu.ttl"),
        ("//evil.example/id/city/kr-yongsan-gu", None),
    ],
)
def test_a_redirect_keeps_the_previewed_host_whatever_the_headers_say(
    preview, target: str, location: str | None
) -> None:
    """As `serve`'s (tests/server/test_paths.py): a path alone, never a URL from `Host`."""
    hostile = b"Host: evil.example\r\nX-Forwarded-Host: evil2.example\r\n"
    status, headers = raw_answer_head(str(preview.base_url), "GET", target, hostile)
    assert headers.get("location") == location, (status, headers)
