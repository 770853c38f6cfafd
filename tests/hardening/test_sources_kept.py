"""No command replaces its own source: an output that is one of the files it reads (by another
name or through a link too) is refused in one line, exit 2, and the source kept byte for byte
(`learningcity.inputs.is_source`, checked where every output is staged). `fmt` alone rewrites
its files, which is its job. Before, `export data.ttl -o data.ttl` replaced the data with the
export, and `import page.txt -o page.txt` the page with Turtle, both with exit 0."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from learningcity.errors import ExitCode
from learningcity.inputs import is_source, read_file
from support import FIXTURES, LEARNINGCITY, REPO

MESSAGE = "is also an input of this command; write the output to another file"


@pytest.mark.parametrize(
    "arguments",
    [
        ["export", "{data}", "-o", "{data}", "--format", "nt"],
        ["export", "{data}", "-o", "{data}", "--format", "jsonld", "--stream"],
        ["export", "{data}", "-o", "{link}"],
        ["validate", "{data}", "-o", "{data}"],
        ["query", "ASK {{}}", "{data}", "-o", "{data}", "--format", "json"],
        ["import", "{page}", "-o", "{page}"],
    ],
    ids=["export", "export --stream", "through a link", "validate", "query", "import"],
)
def test_an_output_that_is_an_input_is_refused_and_the_source_kept(
    tmp_path: Path, arguments: list[str]
) -> None:
    data, page, link = tmp_path / "city.ttl", tmp_path / "page.txt", tmp_path / "link.ttl"
    shutil.copy(REPO / "data" / "yongsan.ttl", data)
    shutil.copy(FIXTURES / "profiles" / "earlier-layout.txt", page)
    link.symlink_to(data)
    before = {path: path.read_bytes() for path in (data, page)}
    command = [part.format(data=data, page=page, link=link) for part in arguments]
    done = subprocess.run([LEARNINGCITY, *command], capture_output=True, text=True, check=False)
    assert done.returncode == ExitCode.BAD_INPUT, done.stderr
    error = done.stderr.strip().splitlines()[-1]
    assert error.startswith("learningcity: error: ") and MESSAGE in error, done.stderr
    assert "Traceback" not in done.stderr
    assert {path: path.read_bytes() for path in before} == before


def test_fmt_still_rewrites_its_file(tmp_path: Path) -> None:
    data = tmp_path / "city.ttl"
    data.write_text((REPO / "data" / "yongsan.ttl").read_text(encoding="utf-8") + "\n\n")
    done = subprocess.run([LEARNINGCITY, "fmt", str(data)], capture_output=True, text=True)
    assert done.returncode == ExitCode.OK, done.stderr
    assert data.read_bytes() == (REPO / "data" / "yongsan.ttl").read_bytes()


def test_a_source_is_known_by_its_file_not_its_inode_alone(tmp_path: Path) -> None:
    """In a process that lives on (a test run, a program using the library), a new file may
    reuse a deleted source's inode: the modification time tells them apart."""
    data = tmp_path / "city.ttl"
    data.write_bytes(b"")
    read_file(data)
    assert is_source(data) and is_source(tmp_path / "." / "city.ttl")
    os.utime(data, ns=(0, 0))  # what a new file in the same inode would differ by
    assert not is_source(data)
    assert not is_source(tmp_path / "never-read.ttl")
