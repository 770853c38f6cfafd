from __future__ import annotations

from pathlib import Path

import pytest

from learningcity.atomic import write_atomically
from learningcity.errors import OutputError


def test_replaces_whole_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    target.write_text("old")
    write_atomically(target, b"new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


def test_failure_keeps_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "out.ttl"
    with pytest.raises(OutputError, match="cannot write"):
        write_atomically(target, b"new")


def test_interrupted_write_leaves_previous_content(tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    target.write_text("old")

    class Interrupting(bytes):
        pass

    import os

    real_write = os.fsync

    def interrupt(_fd: int) -> None:
        raise KeyboardInterrupt

    os.fsync = interrupt
    try:
        with pytest.raises(KeyboardInterrupt):
            write_atomically(target, b"partial")
    finally:
        os.fsync = real_write
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]
