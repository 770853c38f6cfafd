from __future__ import annotations

import gzip
import warnings
from pathlib import Path

import pyoxigraph as ox
import pytest

from learningcity.errors import InputError, LearningCityWarning
from learningcity.formats import syntax_named
from learningcity.limits import MAX_NESTING
from learningcity.load import (
    _KEYWORD_WINDOW,
    load_paths,
    load_with_prefixes,
    parse_bytes,
    resolve_sources,
)
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


#: A namespace or base of 1 MiB, which 3,000 references would copy into 3 GiB of terms.
LONG_IRI = "http://e/" + "x" * 2**20 + "/"
EXPANDING = {
    "prefix": f"PrEfIx e: <{LONG_IRI}>\n" + "e:a e:b e:c .\n" * 1000,
    "base": f"bAsE <{LONG_IRI}>\n" + "<a> <b> <c> .\n" * 1000,
}


@pytest.mark.parametrize("keyword", list(EXPANDING))
@pytest.mark.parametrize("offset", range(-7, 2))
def test_a_declaration_in_any_case_across_a_keyword_window_is_found(
    keyword: str, offset: int
) -> None:
    """Keywords are looked for in lower-cased windows (no lower-cased copy of the whole input):
    one starting before, across or at a window's end must still bound the expansion."""
    padding = "#" + "-" * (_KEYWORD_WINDOW + offset - 2) + "\n"  # the keyword starts at the offset
    data = (padding + EXPANDING[keyword]).encode()
    assert data[_KEYWORD_WINDOW + offset :].lower().startswith(keyword.encode())
    with pytest.raises(InputError, match="namespaces or bases of up to 1,048,"):
        list(parse_bytes(data, syntax_named("turtle"), "x.ttl"))


def test_nesting_is_measured_past_the_count_of_openings() -> None:
    """More than MAX_NESTING openings is not refused by itself: only as deep as that."""
    side_by_side = "<http://e/s> <http://e/p> " + ", ".join(["[]"] * (MAX_NESTING + 1)) + " .\n"
    assert len(list(parse_bytes(side_by_side.encode(), syntax_named("turtle"), "x.ttl"))) == 1001
    deepest = "<http://e/s> <http://e/p> " + "[ <http://e/p> " * MAX_NESTING + "1" + " ]" * 1000
    assert len(list(parse_bytes(f"{deepest} .\n".encode(), syntax_named("turtle"), "x.ttl")))
    deeper = "<http://e/s> <http://e/p> " + "(" * (MAX_NESTING + 1) + ")" * (MAX_NESTING + 1)
    with pytest.raises(InputError, match=f"nested more than {MAX_NESTING} levels deep"):
        list(parse_bytes(f"{deeper} .\n".encode(), syntax_named("turtle"), "x.ttl"))


WEB = "<http://e/s> <https://e/p> "


@pytest.mark.parametrize("iri", ["<o>", "<//e/o>", "<#o>", "<?o>", "<>"])
def test_one_relative_iri_among_web_iris_is_warned_of(iri: str) -> None:
    """Whether every `<` opens an http(s) IRI is found once, and tells relative IRIs apart."""
    with pytest.warns(LearningCityWarning, match="resolved against the file's own IRI"):
        turtle = f"{WEB}<http://e/o> .\n{WEB}{iri} .\n".encode()
        list(parse_bytes(turtle, syntax_named("turtle"), "x.ttl", "file:///d/x.ttl", assumed=True))


@pytest.mark.parametrize("iri", ["<HTTP://e/o>", "<urn:e:o>", "<http:/e/o>", '"<o>"'])
def test_absolute_iris_of_other_forms_are_not_warned_of(iri: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        turtle = f"{WEB}{iri} .\n".encode()
        list(parse_bytes(turtle, syntax_named("turtle"), "x.ttl", "file:///d/x.ttl", assumed=True))


def test_a_long_base_is_counted_where_an_iri_may_be_relative() -> None:
    """A base is copied into every relative IRI, so it counts then; with every `<` opening an
    http(s) IRI nothing is resolved against it, and nothing it could copy is refused."""
    relative = ("<a> <b> <c> .\n" * 1000).encode()
    for turtle, base in (
        (relative, LONG_IRI),
        (f"@base <{LONG_IRI}> .\n".encode() + relative, None),
    ):
        with pytest.raises(InputError, match="namespaces or bases of up to 1,048,"):
            list(parse_bytes(turtle, syntax_named("turtle"), "x.ttl", base))
    web = ("<http://e/a> <https://e/b> <http://e/c> .\n" * 1000).encode()
    for turtle, base in ((web, LONG_IRI), (f"@base <{LONG_IRI}> .\n".encode() + web, None)):
        assert len(list(parse_bytes(turtle, syntax_named("turtle"), "x.ttl", base))) == 1000


def test_a_parse_type_literal_is_exclusive_canonical_xml_a_typed_one_as_written(
    tmp_path: Path,
) -> None:
    """RDF/XML 7.2.17: an `rdf:parseType="Literal"` value is exclusive canonical XML, declaring
    only the namespaces it uses (W3C xml-canon-test001; on 18e0332 Oxigraph's every namespace
    in scope was kept); a value given with `rdf:datatype` is the text as written."""
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    parse_type = tmp_path / "parse-type.rdf"
    parse_type.write_text(
        f'<rdf:RDF xmlns:rdf="{rdf}" xmlns:eg="http://example.org/" xmlns:h="urn:h">'
        '<rdf:Description rdf:about="http://example.org/a">'
        '<eg:p rdf:parseType="Literal"><br/><h:b>x</h:b></eg:p>'
        "</rdf:Description></rdf:RDF>"
    )
    [quad] = load_paths(parse_type)
    assert quad.object.value == '<br></br><h:b xmlns:h="urn:h">x</h:b>'
    typed = tmp_path / "typed.rdf"
    typed.write_text(
        f'<rdf:RDF xmlns:rdf="{rdf}" xmlns:eg="http://example.org/">'
        '<rdf:Description rdf:about="http://example.org/a">'
        f'<eg:p rdf:datatype="{rdf}XMLLiteral">&lt;b xmlns:x="urn:x"/&gt;</eg:p>'
        '<eg:q rdf:parseType="Literal"><br/></eg:q>'
        "</rdf:Description></rdf:RDF>"
    )
    values = {quad.predicate.value: quad.object.value for quad in load_paths(typed)}
    assert values["http://example.org/p"] == '<b xmlns:x="urn:x"/>'
