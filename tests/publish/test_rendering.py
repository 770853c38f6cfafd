"""Resource pages and dumps made by worker processes are byte for byte those made in one process."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from learningcity.load import load_paths
from learningcity.publish import publish, rendering
from support import REPO

LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))


def contents(site: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()
    }


def refuse_to_render_here(*_args: object) -> None:
    raise AssertionError("pages or dumps were made in the parent process, not by the workers")


def test_a_site_rendered_by_workers_is_the_site_rendered_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = load_paths(REPO / "data" / "yongsan.ttl")
    here = publish(data, tmp_path / "here", workers=1)
    monkeypatch.setattr(rendering, "PARALLEL_FROM", 1)
    monkeypatch.setattr(rendering, "BATCH", 7)  # several batches, unevenly split
    # Workers start from a fork server and import the module afresh: only this process fails,
    # were it to render a page or make a dump.
    monkeypatch.setattr(rendering, "_render", refuse_to_render_here)
    monkeypatch.setattr(rendering, "_dump", refuse_to_render_here)
    stages: list[str] = []
    by_workers = publish(data, tmp_path / "workers", workers=2, progress=stages.append)
    assert by_workers.files == here.files == len(contents(tmp_path / "here"))
    assert contents(tmp_path / "workers") == contents(tmp_path / "here")
    counts = [re.fullmatch(r"rendering pages: (\d+) of (\d+) resources", s) for s in stages]
    done = [(int(m[1]), int(m[2])) for m in counts if m]
    assert len(done) > 2 and done == sorted(done) and done[-1][0] == done[-1][1]


def test_a_literal_given_as_a_type_is_shown_as_a_statement(tmp_path: Path) -> None:
    """`a "odd"` is no class: the page lists it among the statements (publish ended in a
    TypeError traceback when the page asked for the label of a literal)."""
    data = tmp_path / "odd.ttl"
    data.write_text(
        "@prefix schema: <https://schema.org/> .\n"
        '<https://w3id.org/learningcity/id/city/x> a "odd", schema:City ; schema:name "X"@en .\n',
        encoding="utf-8",
    )
    site = tmp_path / "site"
    done = subprocess.run(
        [LEARNINGCITY, "publish", str(data), "--out", str(site), "--force"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    page = (site / "doc" / "city" / "x.html").read_text(encoding="utf-8")
    assert ">odd<" in page
