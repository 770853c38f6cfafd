"""`--base-iri`: relative IRIs in every syntax resolve against it, through the installed command;
without it against the file's own `file:` IRI, with one warning line; stdin has no IRI of its
own; a bad value is one line, exit 2; data without relative IRIs gives the same bytes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from learningcity.cli import COMMANDS, cli
from learningcity.errors import ExitCode
from support import REPO

LEARNINGCITY = str(Path(sys.executable).with_name("learningcity"))
YONGSAN = REPO / "data" / "yongsan.ttl"
#: The IRI the test documents are published at: `data/city.<ext>` under it.
SITE = "https://example.org/"
RDF_NS = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e.org/"'

#: syntax -> (extension, a document with relative IRIs, what it says when it lies at
#: `{root}data/city.<ext>`)
DOCUMENTS: dict[str, tuple[str, str, set[str]]] = {
    "turtle": (
        "ttl",
        "@prefix e: <http://e.org/> .\n<x> e:p <../y#z> .\n<#w> a <sub/C> .\n",
        {
            "<{root}data/x> <http://e.org/p> <{root}y#z>",
            "<{root}data/city.ttl#w> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
            "<{root}data/sub/C>",
        },
    ),
    "trig": (
        "trig",
        "@prefix e: <http://e.org/> .\n<g> { <x> e:p <../y> . }\n",
        {"<{root}data/x> <http://e.org/p> <{root}y> <{root}data/g>"},
    ),
    "n3": (
        "n3",
        "@prefix : <#> .\n:a :b :c .\n",
        {"<{root}data/city.n3#a> <{root}data/city.n3#b> <{root}data/city.n3#c>"},
    ),
    "xml": (
        "rdf",
        f'<rdf:RDF {RDF_NS}>\n  <rdf:Description rdf:about="x"><e:p rdf:resource="#y"/>'
        '</rdf:Description>\n  <rdf:Description rdf:ID="z"><e:q>1</e:q></rdf:Description>\n'
        "</rdf:RDF>\n",
        {
            "<{root}data/x> <http://e.org/p> <{root}data/city.rdf#y>",
            '<{root}data/city.rdf#z> <http://e.org/q> "1"',
        },
    ),
    "jsonld": (
        "jsonld",
        '{"@id": "x", "http://e.org/p": {"@id": "../y"}, "@type": "#T"}\n',
        {
            "<{root}data/x> <http://e.org/p> <{root}y>",
            "<{root}data/x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
            "<{root}data/city.jsonld#T>",
        },
    ),
}


def run(*arguments: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([LEARNINGCITY, *arguments], input=stdin, capture_output=True, timeout=120)


def document(syntax: str, folder: Path) -> Path:
    """The syntax's document as `folder/data/city.<ext>`, as it lies under SITE."""
    extension, text, _ = DOCUMENTS[syntax]
    path = folder / "data" / f"city.{extension}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def expected(syntax: str, root: str) -> set[str]:
    """What the document says when it lies at `root` + `data/city.<ext>`."""
    return {line.format(root=root) + " ." for line in DOCUMENTS[syntax][2]}


def statements(nquads: bytes) -> set[str]:
    return {str(quad) + " ." for quad in ox.parse(nquads, format=ox.RdfFormat.N_QUADS)}


@pytest.mark.parametrize("syntax", list(DOCUMENTS))
def test_relative_iris_resolve_against_the_base_iri(syntax: str, tmp_path: Path) -> None:
    path = document(syntax, tmp_path)
    base = f"{SITE}data/{path.name}"
    done = run("export", str(path), "--base-iri", base, "--format", "nquads")
    assert done.returncode == ExitCode.OK, done.stderr
    assert done.stderr == b""
    assert statements(done.stdout) == expected(syntax, SITE)


@pytest.mark.parametrize("syntax", list(DOCUMENTS))
def test_without_it_a_file_resolves_against_its_own_iri_and_says_so(
    syntax: str, tmp_path: Path
) -> None:
    path = document(syntax, tmp_path)
    done = run("export", str(path), "--format", "nquads")
    assert done.returncode == ExitCode.OK, done.stderr
    assert statements(done.stdout) == expected(syntax, tmp_path.resolve().as_uri() + "/")
    assert done.stderr.decode() == (
        f"learningcity: warning: {path}: relative IRIs were resolved against the file's own IRI "
        f"{path.resolve().as_uri()}, so they depend on where the file lies; give --base-iri IRI, "
        "or declare a base in the file (its only remedy for --shapes and --ontology)\n"
    )


@pytest.mark.parametrize("syntax", list(DOCUMENTS))
def test_stdin_resolves_against_the_base_iri(syntax: str, tmp_path: Path) -> None:
    extension, text, _ = DOCUMENTS[syntax]
    base = f"{SITE}data/city.{extension}"
    done = run(
        "export", "-", "--input-format", syntax, "--base-iri", base, "--format", "nquads",
        stdin=text.encode(),
    )  # fmt: skip
    assert done.returncode == ExitCode.OK, done.stderr
    assert statements(done.stdout) == expected(syntax, SITE)


@pytest.mark.parametrize("syntax", list(DOCUMENTS))
def test_a_relative_iri_on_stdin_without_a_base_is_one_line(syntax: str) -> None:
    done = run("export", "-", "--input-format", syntax, stdin=DOCUMENTS[syntax][1].encode())
    assert done.returncode == ExitCode.BAD_INPUT
    message = done.stderr.decode()
    assert message.count("\n") == 1 and "Traceback" not in message
    assert message.startswith("learningcity: error: <stdin>:")
    assert message.endswith(
        "a relative IRI needs a base and <stdin> has none: give --base-iri IRI\n"
    )
    assert done.stdout == b""


@pytest.mark.parametrize("command", ["export", "validate", "info"])
@pytest.mark.parametrize("syntax", ["turtle", "xml", "jsonld"])
def test_a_refused_file_with_relative_iris_is_still_one_line(
    command: str, syntax: str, tmp_path: Path
) -> None:
    """The warning is shown once the command has ended without an error, so a refusal stays
    the one line it names."""
    path = document(syntax, tmp_path)
    path.write_text(path.read_text(encoding="utf-8")[:-3], encoding="utf-8")  # cut off
    done = run(command, str(path))
    assert done.returncode == ExitCode.BAD_INPUT
    message = done.stderr.decode()
    assert message.count("\n") == 1 and message.startswith(f"learningcity: error: {path}:")


def test_data_that_sets_its_own_base_resolves_against_it_without_a_warning(
    tmp_path: Path,
) -> None:
    turtle = tmp_path / "based.ttl"
    turtle.write_text("@base <http://b.org/d/> .\n<x> <http://e.org/p> <y> .\n", encoding="utf-8")
    xml = tmp_path / "based.rdf"
    xml.write_text(
        f'<rdf:RDF {RDF_NS} xml:base="http://b.org/d/doc">'
        '<rdf:Description rdf:ID="x"><e:p rdf:resource="y"/></rdf:Description></rdf:RDF>',
        encoding="utf-8",
    )
    for path, says in (
        (turtle, "<http://b.org/d/x> <http://e.org/p> <http://b.org/d/y> ."),
        (xml, "<http://b.org/d/doc#x> <http://e.org/p> <http://b.org/d/y> ."),
    ):
        for given in ((), ("--base-iri", "https://elsewhere.example/")):
            done = run("export", str(path), *given, "--format", "nt")
            assert (done.returncode, done.stderr) == (ExitCode.OK, b"")
            assert statements(done.stdout) == {says}


#: Every command that reads RDF, with what else it needs to get as far as reading (`{tmp}`: the
#: test's folder).
READERS = {
    "validate": (),
    "query": ("ASK {{}}",),
    "export": (),
    "embed": (),
    "info": (),
    "fmt": (),
    "serve": (),
    "publish": ("--out", "{tmp}/site"),
    "load": ("--store", "{tmp}/store"),
    "push": ("--to", "http://127.0.0.1:9/store"),
}


def test_every_command_that_reads_data_takes_the_option() -> None:
    """Read from each command's help in-process: the installed command's start-up is tested
    everywhere else, and twelve of them here took half a minute."""
    helps = {name: CliRunner().invoke(cli, [name, "--help"]) for name in COMMANDS}
    assert all(done.exit_code == ExitCode.OK for done in helps.values())
    assert {name for name, done in helps.items() if "--base-iri IRI" in done.output} == set(READERS)


@pytest.mark.parametrize("command", list(READERS))
@pytest.mark.parametrize("value", ["relative/path", "http://a b/"])
def test_a_bad_base_iri_is_one_line_exit_2(command: str, value: str, tmp_path: Path) -> None:
    needs = [argument.format(tmp=tmp_path) for argument in READERS[command]]
    done = run(command, "--base-iri", value, *needs, str(YONGSAN))
    assert done.returncode == ExitCode.BAD_INPUT
    message = done.stderr.decode()
    assert message.count("\n") == 1 and "Traceback" not in message
    assert message.startswith(f"learningcity: error: --base-iri {value!r}: not an absolute IRI")
    assert not (tmp_path / "site").exists() and not (tmp_path / "store").exists()


@pytest.fixture(scope="module")
def yongsan_nquads() -> bytes:
    """The project's data as N-Quads, read from its Turtle (one run for every syntax below)."""
    direct = run("export", str(YONGSAN), "--format", "nquads")
    assert (direct.returncode, direct.stderr) == (ExitCode.OK, b"")
    return direct.stdout


@pytest.mark.parametrize("syntax", ["turtle", "nt", "nquads", "trig", "xml", "jsonld", "n3"])
def test_data_without_relative_iris_gives_the_same_bytes_and_no_warning(
    syntax: str, yongsan_nquads: bytes, tmp_path: Path
) -> None:
    """The project's data, exported to every syntax, read back with and without the option:
    the same bytes either way (and as read from the Turtle), and nothing on stderr."""
    written = run("export", str(YONGSAN), "--format", syntax, "-o", str(tmp_path / f"y.{syntax}"))
    assert written.returncode == ExitCode.OK, written.stderr
    source = str(tmp_path / f"y.{syntax}")
    plain = run("export", source, "--input-format", syntax, "--format", "nquads")
    based = run(
        "export", source, "--input-format", syntax, "--format", "nquads",
        "--base-iri", "https://example.org/elsewhere/",
    )  # fmt: skip
    assert (plain.returncode, plain.stderr, based.stderr) == (ExitCode.OK, b"", b"")
    assert plain.stdout == based.stdout == yongsan_nquads


def test_query_and_info_read_against_the_base_iri(tmp_path: Path) -> None:
    path = document("turtle", tmp_path)
    base = f"{SITE}data/city.ttl"
    done = run("query", "SELECT ?s { ?s ?p ?o } ORDER BY ?s", str(path), "--base-iri", base,
               "--format", "csv")  # fmt: skip
    assert (done.returncode, done.stderr) == (ExitCode.OK, b"")
    assert done.stdout.decode().split() == ["s", f"{SITE}data/city.ttl#w", f"{SITE}data/x"]
    info = run("info", str(path), "--base-iri", base, "--format", "json")
    assert (info.returncode, info.stderr) == (ExitCode.OK, b"")
    assert json.loads(info.stdout)["statements"] == 2


def test_validate_warns_without_the_option_and_not_with_it(tmp_path: Path) -> None:
    path = document("xml", tmp_path)
    without = run("validate", str(path))
    assert without.stderr.decode().startswith(f"learningcity: warning: {path}: relative IRIs")
    given = run("validate", str(path), "--base-iri", f"{SITE}data/city.rdf")
    assert b"warning" not in given.stderr and given.returncode == without.returncode


def test_shapes_with_relative_iris_warn_once_even_when_validated_in_parts(tmp_path: Path) -> None:
    """Worker processes read the shapes again; only the command's own line is shown."""
    network = tmp_path / "network.ttl"
    generator = REPO / "scripts" / "generate_network.py"
    # 40 cities: about 4,200 statements, so several parts of `PART_STATEMENTS` (300 took 29 s)
    subprocess.run([sys.executable, str(generator), "40", "-o", str(network)], check=True)
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n<#City> a sh:NodeShape ; "
        "sh:targetClass <http://schema.org/City> ; sh:property [ sh:path <http://schema.org/name> "
        "; sh:minCount 1 ] .\n",
        encoding="utf-8",
    )
    done = run("validate", str(network), "--shapes", str(shapes))
    assert done.returncode == ExitCode.OK, done.stderr
    lines = done.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"learningcity: warning: {shapes}: relative")


def test_fmt_writes_the_iris_resolved_against_the_base_iri(tmp_path: Path) -> None:
    path = document("turtle", tmp_path)
    done = run("fmt", str(path), "--base-iri", f"{SITE}data/city.ttl")
    assert done.returncode == ExitCode.OK, done.stderr
    text = path.read_text(encoding="utf-8")
    assert f"<{SITE}data/x>" in text and "file:" not in text


@pytest.mark.parametrize("check", [(), ("--check",)])
def test_fmt_without_the_option_refuses_to_write_the_files_path_into_it(
    check: tuple[str, ...], tmp_path: Path
) -> None:
    relative = document("turtle", tmp_path)
    other = tmp_path / "other.ttl"
    other.write_text("<http://e.org/s> <http://e.org/p> 1 .\n", encoding="utf-8")
    before = {path: path.read_bytes() for path in (relative, other)}
    done = run("fmt", *check, str(other), str(relative))
    assert done.returncode == ExitCode.BAD_INPUT
    assert done.stderr.decode() == (
        f"learningcity: error: {relative}: its relative IRIs would be written resolved against "
        f"the file's own IRI {relative.resolve().as_uri()}; give --base-iri IRI (no file was "
        "rewritten)\n"
    )
    assert {path: path.read_bytes() for path in before} == before


def test_load_stores_the_iris_resolved_against_the_base_iri(tmp_path: Path) -> None:
    path = document("trig", tmp_path)
    store = tmp_path / "store"
    loaded = run("load", str(path), "--store", str(store), "--base-iri", f"{SITE}data/city.trig")
    assert loaded.returncode == ExitCode.OK, loaded.stderr
    done = run("export", "--store", str(store), "--format", "nquads")
    assert statements(done.stdout) == expected("trig", SITE)


def test_a_store_was_parsed_when_loaded_so_the_option_is_refused(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run("load", str(YONGSAN), "--store", str(store)).returncode == ExitCode.OK
    done = run("export", "--store", str(store), "--base-iri", SITE)
    assert done.returncode == ExitCode.BAD_INPUT
    assert done.stderr.decode() == (
        "learningcity: error: --base-iri resolves relative IRIs of DATA files, and a store was "
        "parsed when it was built: give --base-iri to `learningcity load`\n"
    )


def test_publish_and_embed_read_against_the_base_iri(tmp_path: Path) -> None:
    """The project's data with its IRIs written relative to its base: with the option, `embed`
    and `publish` give the same bytes as from the absolute IRIs."""
    base = "https://w3id.org/learningcity/id/"
    triples = run("export", str(YONGSAN), "--format", "nt").stdout.decode()
    absolute, relative = tmp_path / "absolute.ttl", tmp_path / "relative.ttl"
    absolute.write_text(triples, encoding="utf-8")
    relative.write_text(triples.replace(f"<{base}", "<"), encoding="utf-8")
    read = ((absolute, ()), (relative, ("--base-iri", base)))
    embedded = [run("embed", str(path), *given) for path, given in read]
    assert [(done.returncode, done.stderr) for done in embedded] == [(ExitCode.OK, b"")] * 2
    assert embedded[0].stdout == embedded[1].stdout
    sites = []
    for number, (path, given) in enumerate(read):
        site = tmp_path / f"site-{number}"
        done = run("publish", str(path), *given, "--out", str(site))
        assert done.returncode == ExitCode.OK, done.stderr
        assert b"warning" not in done.stderr
        sites.append(
            sorted(
                (str(p.relative_to(site)), p.read_bytes()) for p in site.rglob("*") if p.is_file()
            )
        )
    assert sites[0] == sites[1]
