"""Sites published once per test session: the Yongsan data with the bundled shapes and ontology
at the default base (`site`), and the same data published for and served by Debian's nginx on
127.0.0.1 with the site's GENERATED configuration (`nginx`), and by `learningcity preview`
(`preview`), which must answer as nginx does.

The nginx fixture owns nginx's prefix, pid, logs and temp folders, and always stops it. CI
installs nginx (`apt-get install nginx`); without it the tests fail with that instruction.
"""

from __future__ import annotations

import contextlib
import getpass
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from learningcity.load import load_paths
from learningcity.publish import publish
from processes import free_port, listening
from support import REPO

DATA = REPO / "data" / "yongsan.ttl"


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("publish") / "site"
    result = publish(load_paths(DATA), out)
    assert result.written, "data/yongsan.ttl must pass the bundled shapes to be published"
    return out


START_SECONDS = 10


def nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if Path(p).exists()), None
    )
    if found is None:
        pytest.fail(
            "nginx is not installed: this test serves the published site with Debian's nginx "
            "(apt-get install -y nginx; .ci/run installs it)",
            pytrace=False,
        )
    return found


def configuration(prefix: Path, site: Path, port: int, root: Path | None = None) -> str:
    """A main nginx.conf owned by the test that includes the site's generated files; the
    server's root is the site, or `root` when the site is served below it."""
    hosting = site / "_hosting" / "nginx"
    temp = "\n".join(
        f"    {name}_temp_path {prefix / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""
user {getpass.getuser()};
worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} info;
events {{ worker_connections 64; }}
http {{
    access_log {prefix / "access.log"};
{temp}
    include {hosting / "http.conf"};
    server {{
        listen 127.0.0.1:{port};
        server_name 127.0.0.1;
        root {root or site};
        include {hosting / "server.conf"};
    }}
}}
"""


def wait_for(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"nginx exited: {log.read_text() if log.exists() else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"nginx did not listen on {port}: {log.read_text() if log.exists() else ''}")


@contextlib.contextmanager
def running_nginx(
    prefix: Path, site: Path, port: int, root: Path | None = None
) -> Iterator[httpx.Client]:
    """Debian's nginx on 127.0.0.1:`port` with the site's configuration, which `nginx -t` must
    accept first (see `configuration` for `root`); always stopped."""
    binary = nginx_binary()
    conf = prefix / "nginx.conf"
    conf.write_text(configuration(prefix, site, port, root))
    check = subprocess.run([binary, "-t", "-p", str(prefix), "-c", str(conf)], capture_output=True)
    assert check.returncode == 0, check.stderr.decode()
    process = subprocess.Popen(
        [binary, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        wait_for(port, process, prefix / "error.log")
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", follow_redirects=False) as client:
            yield client
    finally:
        process.send_signal(signal.SIGQUIT)  # graceful stop of master and workers
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def nginx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    prefix = tmp_path_factory.mktemp("nginx")
    port = free_port()
    site = prefix / "site"
    publish(load_paths(REPO / "data" / "yongsan.ttl"), site, base=f"http://127.0.0.1:{port}/id/")
    with running_nginx(prefix, site, port) as client:
        yield client


#: The network the index pages and the browser tests publish: twenty generated cities (sixteen
#: countries, five regions, 2015-2025) and Yongsan-gu, at the default base.
NETWORK_SIZE, NETWORK_SEED = 20, 1


@pytest.fixture(scope="session")
def network_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("network") / "network.ttl"
    generator = REPO / "scripts" / "generate_network.py"
    command = [sys.executable, str(generator), str(NETWORK_SIZE), "--seed", str(NETWORK_SEED)]
    subprocess.run([*command, "-o", str(out)], check=True, capture_output=True)
    return out


@pytest.fixture(scope="session")
def network_site(tmp_path_factory: pytest.TempPathFactory, network_data: Path) -> Path:
    out = tmp_path_factory.mktemp("network-site") / "site"
    result = publish(load_paths(network_data, DATA), out)
    assert result.written, "the generated network and Yongsan-gu must pass the bundled shapes"
    return out


@contextlib.contextmanager
def previewing(site: Path) -> Iterator[httpx.Client]:
    """The installed `learningcity preview SITE` on a free port; always stopped."""
    command = [str(Path(sys.executable).with_name("learningcity")), "preview", str(site)]
    with (
        listening(command) as (_, port),
        httpx.Client(base_url=f"http://127.0.0.1:{port}", follow_redirects=False) as client,
    ):
        yield client


@pytest.fixture(scope="session")
def preview_folder() -> Callable[[Path], contextlib.AbstractContextManager[httpx.Client]]:
    """`previewing`, for a test module that previews a site of its own."""
    return previewing


@pytest.fixture(scope="session")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """The same site as `nginx`'s, served by the installed `learningcity preview`."""
    site = tmp_path_factory.mktemp("preview") / "site"
    publish(load_paths(DATA), site, base="http://127.0.0.1/id/")
    with previewing(site) as client:
        yield client


@pytest.fixture(scope="session")
def serve_with_nginx() -> Callable[..., contextlib.AbstractContextManager[httpx.Client]]:
    """`running_nginx`, for a test module that serves a site of its own."""
    return running_nginx
