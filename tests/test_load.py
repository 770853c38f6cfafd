from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox
import pytest

from learningcity.errors import InputError
from learningcity.load import load_paths, load_with_prefixes, resolve_sources
from support import FIXTURES


def test_literals_keep_their_lexical_form() -> None:
    dataset = load_paths(FIXTURES / "core" / "literals-and-blank-nodes.ttl")
    lexical = {q.object.value for q in dataset if isinstance(q.object, ox.Literal)}
    assert {"1e3", "1.50", "0123", "용산구"} <= lexical


def test_syntax_error_names_file_line_and_column() -> None:
    path = FIXTURES / "core" / "broken-line-3.ttl"
    with pytest.raises(InputError) as caught:
        load_paths(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:4:1: ") or message.startswith(f"{path}:3:")
    assert "\n" not in message


def test_missing_file_and_directory_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_paths(tmp_path / "absent.ttl")
    folder = tmp_path / "folder.ttl"
    folder.mkdir()
    with pytest.raises(InputError, match="is a directory"):
        load_paths(folder)


def test_unknown_extension_asks_for_input_format(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_text("<http://a> <http://b> <http://c> .\n")
    with pytest.raises(InputError, match="--input-format"):
        load_paths(path)
    assert len(load_paths(path, input_format="nt")) == 1


def test_urls_are_refused_not_fetched() -> None:
    with pytest.raises(InputError, match="URLs are not fetched"):
        resolve_sources(["http://127.0.0.1:9/data.ttl"])


def test_stdin_needs_a_format() -> None:
    with pytest.raises(InputError, match="--input-format"):
        resolve_sources(["-"])


def test_gzip_files_are_read(tmp_path: Path) -> None:
    path = tmp_path / "data.nt.gz"
    path.write_bytes(gzip.compress(b"<http://a> <http://b> <http://c> .\n"))
    assert len(load_paths(path)) == 1


def test_declared_prefixes_are_reported() -> None:
    sources = resolve_sources([str(FIXTURES / "core" / "literals-and-blank-nodes.ttl")])
    _, declared = load_with_prefixes(sources)
    assert declared["ex"] == "http://example.org/"


def test_remote_json_ld_context_is_not_fetched(tmp_path: Path) -> None:
    path = tmp_path / "remote.jsonld"
    path.write_text('{"@context": "http://127.0.0.1:9/context.jsonld", "name": "x"}')
    with pytest.raises(InputError, match=str(path)):
        load_paths(path)
