"""The arrows between packages run one way: rendering and publishing never load the web server.

Each check runs in a fresh interpreter, so modules another test imported do not hide a load."""

from __future__ import annotations

import subprocess
import sys

import pytest

WEB_FRAMEWORKS = ("starlette", "uvicorn", "learningcity.server")


def modules_loaded_by(module: str) -> set[str]:
    probe = f"import sys, {module}\nprint('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return set(result.stdout.split())


@pytest.mark.parametrize("module", ["learningcity.rendering.pages", "learningcity.publish"])
def test_importing_it_loads_no_web_framework(module):
    loaded = modules_loaded_by(module)
    offending = sorted(
        name
        for name in loaded
        if any(name == web or name.startswith(web + ".") for web in WEB_FRAMEWORKS)
    )
    assert offending == []


def test_the_server_still_renders_through_the_shared_package():
    loaded = modules_loaded_by("learningcity.server")
    assert "learningcity.rendering.pages" in loaded
