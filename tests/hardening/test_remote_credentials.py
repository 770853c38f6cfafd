"""Credentials for protected stores, and answers that say they are partial, through the installed
command against real HTTP servers on 127.0.0.1.

The server is a test double of a protected SPARQL store (an `http.server` in a thread): it wants
`Authorization: Basic …` (as Fuseki behind Shiro, GraphDB or an nginx proxy do) or `Bearer …`,
answers anything else with 401 and a body that echoes what it was sent (a hostile server: what
it echoes must not reach a message), or 403 as Virtuoso's `/sparql-graph-crud` does before
`GRANT SPARQL_UPDATE`. Digest, which Virtuoso's `-auth` endpoints want, is tested against a real
Virtuoso (tests/store/test_virtuoso.py). Credentials come from LEARNINGCITY_USER and
LEARNINGCITY_PASSWORD, LEARNINGCITY_TOKEN or a netrc file; never from the command line.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from learningcity.errors import ExitCode
from processes import serve_in_thread
from support import REPO

LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))
YONGSAN = str(REPO / "data" / "yongsan.ttl")
SELECT = "SELECT * { ?s ?p ?o }"
JSON = "application/sparql-results+json"
RESULTS = (
    b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"uri","value":"http://e/a"}}]}}'
)
USER, PASSWORD, TOKEN = "editor", "s3cret-Pa55", "tok-9f8e7d6c5b4a"
BASIC = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()

Handler = Callable[[BaseHTTPRequestHandler], None]


class Store:
    """An HTTP server on 127.0.0.1 answering every request with `answer`; it keeps the
    `Authorization` header of each request."""

    def __init__(self, answer: Handler) -> None:
        store = self

        class Answer(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self._handle()

            def do_PUT(self) -> None:
                self._handle()

            def _handle(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                store.authorizations.append(self.headers.get("Authorization"))
                answer(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.authorizations: list[str | None] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        serve_in_thread(self.server)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def store() -> Iterator[Callable[[Handler], Store]]:
    started: list[Store] = []

    def start(answer: Handler) -> Store:
        started.append(Store(answer))
        return started[-1]

    yield start
    for each in started:
        each.close()


def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes, **headers: str) -> None:
    if "Server" in headers:  # in place of http.server's own
        handler.server_version, handler.sys_version = headers.pop("Server"), ""
    handler.send_response(status)
    handler.send_header("Content-Type", JSON if status == 200 else "text/html")
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def guarded(wanted: str) -> Handler:
    """Answers a request carrying `Authorization: wanted`; 401 otherwise, echoing what came."""

    def answer(handler: BaseHTTPRequestHandler) -> None:
        sent = handler.headers.get("Authorization") or ""
        if sent == wanted:
            _send(handler, 200 if handler.command == "POST" else 201, RESULTS)
            return
        decoded = base64.b64decode(sent[6:]).decode() if sent.startswith("Basic ") else ""
        echo = f"<html><body>denied: {sent} ({decoded})</body></html>".encode()
        _send(handler, 401, echo, WWW_Authenticate='Basic realm="store"')

    return answer


def learningcity(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The installed command with HOME at `home` (no ~/.netrc unless a test writes one) and no
    credentials in the environment but those given."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LEARNINGCITY_")}
    clean.pop("NETRC", None)
    return subprocess.run(
        [LEARNINGCITY, *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**clean, "HOME": str(home), **env},
    )


def query(home: Path, url: str, **env: str) -> subprocess.CompletedProcess[str]:
    return learningcity(
        home, "query", SELECT, "--endpoint", f"{url}/sparql", "--format", "csv", **env
    )


def push(home: Path, url: str, **env: str) -> subprocess.CompletedProcess[str]:
    return learningcity(home, "push", YONGSAN, "--to", f"{url}/store", **env)


def assert_one_line(done: subprocess.CompletedProcess[str], code: int, *parts: str) -> None:
    assert done.returncode == code, done.stderr
    assert done.stderr.startswith("learningcity: error: "), done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    for part in parts:
        assert part in done.stderr, done.stderr
    assert done.stdout == ""


def assert_unshown(done: subprocess.CompletedProcess[str]) -> None:
    for secret in (PASSWORD, TOKEN, BASIC.split()[1]):
        assert secret not in done.stderr + done.stdout


# --- credentials reach the server -------------------------------------------------------------


PAIR = {"LEARNINGCITY_USER": USER, "LEARNINGCITY_PASSWORD": PASSWORD}


@pytest.mark.parametrize(
    ("env", "wanted"),
    [(PAIR, BASIC), ({"LEARNINGCITY_TOKEN": TOKEN}, f"Bearer {TOKEN}")],
    ids=["basic", "bearer"],
)
def test_credentials_from_the_environment_reach_the_server(store, tmp_path, env, wanted) -> None:
    protected = store(guarded(wanted))
    asked = query(tmp_path, protected.url, **env)
    assert asked.returncode == ExitCode.OK, asked.stderr
    assert asked.stdout.splitlines() == ["s", "http://e/a"]
    pushed = push(tmp_path, protected.url, **env)
    assert pushed.returncode == ExitCode.OK, pushed.stderr
    assert set(protected.authorizations) == {wanted}  # with every request, none sent without
    assert_unshown(asked)
    assert_unshown(pushed)


@pytest.mark.parametrize("where", ["home", "NETRC"])
def test_credentials_from_a_netrc_file(store, tmp_path: Path, where: str) -> None:
    protected = store(guarded(BASIC))
    netrc = tmp_path / ".netrc" if where == "home" else tmp_path / "elsewhere" / "credentials"
    netrc.parent.mkdir(exist_ok=True)
    lines = f"machine example.org login other password other\nmachine 127.0.0.1 login {USER} "
    netrc.write_text(lines + f"password {PASSWORD}\n")
    netrc.chmod(0o600)
    env = {"NETRC": str(netrc)} if where == "NETRC" else {}
    done = push(tmp_path, protected.url, **env)
    assert done.returncode == ExitCode.OK, done.stderr
    assert set(protected.authorizations) == {BASIC}


def test_a_netrc_without_the_host_is_left_alone(store, tmp_path: Path) -> None:
    """No entry for the host: nothing is sent, and the file's mode is none of this command's
    business (curl, wget and ftp read it too)."""
    open_store = store(lambda h: _send(h, 200, RESULTS))
    netrc = tmp_path / ".netrc"
    netrc.write_text(f"machine example.org login {USER} password {PASSWORD}\n")
    netrc.chmod(0o644)
    done = query(tmp_path, open_store.url)
    assert done.returncode == ExitCode.OK, done.stderr
    assert open_store.authorizations == [None]


# --- what a refusal says, and what it never says ------------------------------------------------


def test_a_401_without_credentials_says_how_to_give_them(store, tmp_path: Path) -> None:
    protected = store(guarded(BASIC))
    for done, code in ((query(tmp_path, protected.url), 2), (push(tmp_path, protected.url), 3)):
        assert_one_line(
            done, code, "HTTP 401", "LEARNINGCITY_USER and LEARNINGCITY_PASSWORD", "~/.netrc"
        )


@pytest.mark.parametrize(
    "env",
    [
        {"LEARNINGCITY_USER": USER, "LEARNINGCITY_PASSWORD": PASSWORD + "x"},
        {"LEARNINGCITY_TOKEN": TOKEN + "x"},
    ],
    ids=["basic", "bearer"],
)
def test_refused_credentials_are_named_never_shown(store, tmp_path: Path, env) -> None:
    """The server echoes the header and the decoded pair: the message names where the
    credentials came from, and neither the password, the token nor the Basic pair."""
    protected = store(guarded("Basic nobody"))
    source = "LEARNINGCITY_TOKEN" if "LEARNINGCITY_TOKEN" in env else "LEARNINGCITY_USER and"
    for done, code in (
        (query(tmp_path, protected.url, **env), 2),
        (push(tmp_path, protected.url, **env), 3),
    ):
        assert_one_line(done, code, "HTTP 401", f"refused the credentials of {source}")
        assert_unshown(done)
        assert "denied:" in done.stderr  # the server's words are there, scrubbed


def test_a_403_from_virtuoso_says_what_to_grant(store, tmp_path: Path) -> None:
    """Virtuoso 7.2's `/sparql-graph-crud` before the grant: 403 and an HTML page."""
    body = b"<html><body><h3>Error 42000</h3><xmp>SQ110:SECURITY: Permission denied</xmp>"
    forbidden = store(lambda h: _send(h, 403, body, Server="Virtuoso/07.20.3229 (Linux)"))
    done = push(tmp_path, forbidden.url)
    assert_one_line(
        done,
        3,
        "HTTP 403 Forbidden: the server does not allow this without credentials",
        'GRANT SPARQL_UPDATE TO "SPARQL"',
        "SQ110:SECURITY: Permission denied",
    )
    assert "<" not in done.stderr  # the page's tags are dropped


@pytest.mark.parametrize(
    "url", ["http://{u}:{p}@127.0.0.1:9/sparql", "http://{p}@127.0.0.1:9/sparql"]
)
def test_a_url_holding_credentials_is_refused_unshown(tmp_path: Path, url: str) -> None:
    given = url.format(u=USER, p=PASSWORD)
    for args in (("query", SELECT, "--endpoint", given), ("push", YONGSAN, "--to", given)):
        done = learningcity(tmp_path, *args)
        assert_one_line(done, 2, "the URL holds a user name or password")
        assert_unshown(done)


@pytest.mark.parametrize(
    ("netrc", "mode", "message"),
    [
        (f"machine 127.0.0.1 login {USER} password {PASSWORD}\n", 0o644, "chmod 600"),
        (
            f"machine 127.0.0.1 login {USER} {PASSWORD}\n",
            0o600,
            "not a netrc file",
        ),
    ],
    ids=["readable-by-others", "malformed"],
)
def test_an_unusable_netrc_is_one_line_unshown(tmp_path: Path, netrc, mode, message) -> None:
    path = tmp_path / ".netrc"
    path.write_text(netrc)
    path.chmod(mode)
    done = learningcity(tmp_path, "query", SELECT, "--endpoint", "http://127.0.0.1:9/sparql")
    assert_one_line(done, 2, "learningcity: error: ~/.netrc", message)
    assert_unshown(done)


def test_half_a_pair_is_one_line(tmp_path: Path) -> None:
    done = learningcity(
        tmp_path, "push", YONGSAN, "--to", "http://127.0.0.1:9/store", LEARNINGCITY_USER=USER
    )
    assert_one_line(done, 2, "LEARNINGCITY_USER is set but LEARNINGCITY_PASSWORD is not")


def test_help_names_the_variables(tmp_path: Path) -> None:
    for command in ("push", "query", "serve"):
        done = learningcity(tmp_path, command, "--help", **PAIR)
        assert "LEARNINGCITY_USER" in done.stdout and "netrc" in done.stdout, command
        assert_unshown(done)


# --- answers a server marks as partial ----------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "headers", "said"),
    [
        (200, {"X-SQL-State": "S1TAT"}, "X-SQL-State: S1TAT"),  # Virtuoso 7 Anytime Query
        (206, {}, "HTTP 206 Partial Content"),  # Virtuoso 8, HTTPAnytimeStatus = 206
        (200, {"X-SPARQL-MaxRows": "ten"}, "X-SPARQL-MaxRows: ten"),  # a limit, not a number
        (200, {"X-SPARQL-MaxRows": "1"}, "X-SPARQL-MaxRows: 1; 1 rows came"),
    ],
)
def test_an_answer_marked_partial_is_refused(store, tmp_path, status, headers, said) -> None:
    def partial(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", JSON)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(RESULTS)))
        handler.end_headers()
        handler.wfile.write(RESULTS)

    done = query(tmp_path, store(partial).url)
    assert_one_line(done, 2, f"the answer may be incomplete ({said}")
