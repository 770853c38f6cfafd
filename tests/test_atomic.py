"""`learningcity.atomic` in-process: whole files or none, batches all or none, the registry of
what was put in place. The installed command is tested in tests/hardening/test_outputs_signals.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from learningcity import atomic
from learningcity.atomic import open_output, write_output, write_outputs
from learningcity.errors import OutputError


def test_replaces_whole_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    target.write_text("old")
    write_output(target, b"new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]
    assert atomic.written()[-1] == target


def test_a_batch_with_one_unwritable_output_replaces_none(tmp_path: Path) -> None:
    first = tmp_path / "first.ttl"
    first.write_text("previous")
    with pytest.raises(OutputError, match=r"missing-folder/second\.ttl: cannot write"):
        write_outputs([(first, b"new"), (tmp_path / "missing-folder" / "second.ttl", b"new")])
    assert first.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["first.ttl"]


def test_an_error_inside_a_stream_keeps_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "out.nt"
    target.write_text("previous")
    with pytest.raises(KeyboardInterrupt), open_output(target) as out:
        out.write(b"partial")
        raise KeyboardInterrupt
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.nt"]


def test_an_error_inside_a_folder_swap_keeps_the_previous_folder(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("previous")
    with pytest.raises(KeyboardInterrupt), atomic.replacing_folder(site, "site") as staging:
        (staging / "index.html").write_text("new")
        raise KeyboardInterrupt
    assert (site / "index.html").read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_remove_temporaries_removes_what_an_interruption_left(tmp_path: Path) -> None:
    """A signal may come between a temporary's creation and the code that removes it; the CLI
    then removes every temporary still recorded."""
    name, handle = atomic._new_file(tmp_path / "out.nt")
    os.close(handle)
    folder = atomic._new_folder(tmp_path / "site", ".new")
    (folder / "page.html").write_text("half")
    atomic.remove_temporaries()
    assert list(tmp_path.iterdir()) == []
    assert not name.exists()
