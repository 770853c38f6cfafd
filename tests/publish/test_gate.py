"""Safe and repeatable: data with violations is not published, --force marks the site, two
publishes are byte-identical, and a publish that fails half-way leaves the previous site."""

from __future__ import annotations

import hashlib
import resource
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from learningcity.cli import cli
from learningcity.load import load_paths
from learningcity.publish import publish

FIXTURES = Path(__file__).parent / "fixtures"
SHAPES = FIXTURES / "shapes.ttl"
BANNER = "Not validated: published with --force"
LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))


def run(*arguments: str):
    return CliRunner().invoke(cli, ["publish", *arguments, "--shapes", str(SHAPES)])


def run_installed(*arguments: str) -> subprocess.CompletedProcess[str]:
    """The installed command, for errors (its one-line message and exit code come from main)."""
    command = [LEARNINGCITY, "publish", *arguments, "--shapes", str(SHAPES)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def fingerprint(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def siblings(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir())


def test_violations_stop_the_publication_and_nothing_is_written(tmp_path):
    out = tmp_path / "site"
    result = run(str(FIXTURES / "city-no-name.ttl"), "--out", str(out))
    assert result.exit_code == 1
    assert "A city needs a name." in result.output
    assert "not published" in result.output
    assert siblings(out) == []


def test_violations_leave_a_previous_site_untouched(tmp_path):
    out = tmp_path / "site"
    assert run(str(FIXTURES / "city-valid.ttl"), "--out", str(out)).exit_code == 0
    before = fingerprint(out)
    assert run(str(FIXTURES / "city-no-name.ttl"), "--out", str(out)).exit_code == 1
    assert fingerprint(out) == before
    assert siblings(out) == ["site"]


def test_force_publishes_and_marks_the_site_unvalidated(tmp_path):
    out = tmp_path / "site"
    result = run(str(FIXTURES / "city-no-name.ttl"), "--out", str(out), "--force")
    assert result.exit_code == 0, result.output
    assert "marked not validated" in result.output
    for page in ("index.html", "index.ko.html", "doc/city/kr-yongsan-gu.html", "ontology.html"):
        assert BANNER in (out / page).read_text(encoding="utf-8"), page
    description = (out / ".well-known/void.ttl").read_text(encoding="utf-8")
    assert "skos:editorialNote" in description and "conformsTo" not in description
    assert "sh:conforms false" in (out / "validation.ttl").read_text(encoding="utf-8")


def test_valid_data_has_no_banner_and_conforms_to_the_shapes(tmp_path):
    out = tmp_path / "site"
    assert run(str(FIXTURES / "city-valid.ttl"), "--out", str(out)).exit_code == 0
    assert BANNER not in (out / "index.html").read_text(encoding="utf-8")
    description = (out / ".well-known/void.ttl").read_text(encoding="utf-8")
    assert "dcterms:conformsTo <https://w3id.org/learningcity/shapes>" in description


def test_two_publishes_are_byte_identical(tmp_path):
    data = load_paths(FIXTURES / "city-valid.ttl")
    first, second = tmp_path / "one", tmp_path / "two"
    publish(data, first, shapes=SHAPES)
    publish(data, second, shapes=SHAPES)
    assert fingerprint(first) == fingerprint(second)
    assert len(fingerprint(first)) > 50


def test_the_yongsan_site_is_byte_identical_when_published_again(site, tmp_path):
    again = tmp_path / "again"
    publish(load_paths(Path(__file__).parents[2] / "data" / "yongsan.ttl"), again)
    assert fingerprint(again) == fingerprint(site)


def limit_file_size() -> None:
    """In the child: no file over 40 KB (the resource pages are ~4 KB, the vocabulary page
    ~56 KB), so the write fails half-way with EFBIG (Python ignores SIGXFSZ)."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (40_000, 40_000))


def test_a_publish_that_fails_half_way_keeps_the_previous_site(tmp_path):
    """A file larger than the process may write makes the write fail after other files were
    written; the previous site stays, the temporary folder goes."""
    out = tmp_path / "site"
    assert run(str(FIXTURES / "city-valid.ttl"), "--out", str(out)).exit_code == 0
    before = fingerprint(out)
    command = [LEARNINGCITY, "publish", str(FIXTURES / "city-valid.ttl"), "--out", str(out)]
    done = subprocess.run(
        [*command, "--shapes", str(SHAPES)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit_file_size,
    )
    assert done.returncode == 3, done.stderr
    assert "File too large" in done.stderr
    assert "the previous site is unchanged" in done.stderr
    assert fingerprint(out) == before
    assert siblings(out) == ["site"]


def test_base_must_end_in_id(tmp_path):
    out = tmp_path / "s"
    done = run_installed(
        str(FIXTURES / "city-valid.ttl"), "--out", str(out), "--base", "https://x/"
    )
    assert done.returncode == 2
    assert "must end with '/id/'" in done.stderr
    assert not out.exists()
