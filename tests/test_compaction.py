"""One IRI-compaction rule (`learningcity.compaction`), with a local-part test per syntax, and
every writer of compact IRIs following it."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from learningcity.compaction import DISPLAY, JSONLD, PREFIXED_NAME, Compactor
from learningcity.jsonld import Context
from learningcity.query import render_table
from learningcity.rendering.labels import Labeller
from learningcity.serialize import TurtleWriter

NAMESPACES = {
    "e": "http://e/",
    "elongname": "http://e/a/",
    "eb": "http://e/b",  # ends with no gen-delim, as a data file may declare
    "h": "http:",
    "verylongprefixname": "http://long/",
}

#: (IRI, prefixed name, JSON-LD compact IRI, display); None: written whole.
CASES = [
    # JSON-LD: the shortest form; the others: the longest namespace
    ("http://e/a/x", "elongname:x", "e:a/x", "elongname:x"),
    ("http://e/a/x.y-z_1", "elongname:x.y-z_1", "e:a/x.y-z_1", "elongname:x.y-z_1"),
    ("http://e/a/x.", None, "e:a/x.", "elongname:x."),  # no final dot in a prefixed name
    ("http://e/a/-x", None, "e:a/-x", "elongname:-x"),  # nor a first hyphen
    ("http://e/a/용산", None, "e:a/용산", "elongname:용산"),  # ASCII only: nothing to escape
    ("http://e/c/d", None, "e:c/d", "e:c/d"),  # nor a slash
    ("http://e/", "e:", "e:", "h://e/"),  # an empty local part: not for display
    ("http://e/bx", "eb:x", "e:bx", "eb:x"),  # JSON-LD: only gen-delim namespaces
    ("http://e/b-1", "e:b-1", "e:b-1", "eb:-1"),  # eb's local part is no name: the next one
    ("http://long/x", "verylongprefixname:x", None, "verylongprefixname:x"),  # not shorter
    ("http://x/y", None, None, "h://x/y"),  # JSON-LD would read `h://x/y` as an IRI
    ("urn:x", None, None, None),
]


@pytest.mark.parametrize(("iri", "prefixed", "jsonld", "display"), CASES)
def test_each_syntax_has_its_local_part_rule(
    iri: str, prefixed: str | None, jsonld: str | None, display: str | None
) -> None:
    found = {
        syntax.name: Compactor(NAMESPACES, syntax).compact(iri)
        for syntax in (PREFIXED_NAME, JSONLD, DISPLAY)
    }
    assert found == {PREFIXED_NAME.name: prefixed, JSONLD.name: jsonld, DISPLAY.name: display}


def test_a_namespace_with_two_names_takes_the_shortest() -> None:
    names = Compactor({"zz": "http://e/", "aaa": "http://e/", "yy": "http://e/"}, PREFIXED_NAME)
    assert names.compact("http://e/x") == "yy:x"


def test_the_answer_does_not_depend_on_what_came_before() -> None:
    """Candidates are kept per head: IRIs sharing a head still get their own local-part test."""
    names = Compactor(NAMESPACES, PREFIXED_NAME)
    assert [names.compact(i) for i in ("http://e/a/x", "http://e/a/x.", "http://e/a/y")] == [
        "elongname:x",
        None,
        "elongname:y",
    ]


def test_jsonld_decides_once_per_head() -> None:
    """JSON-LD keeps the winner per head (`Syntax.head_decides`): one compactor answering every
    case, twice, and more IRIs under each head, as fresh compactors answer each (the `h:`
    form refused for `//`, the whole IRI when no form is shorter)."""
    names = Compactor(NAMESPACES, JSONLD)
    iris = [case[0] for case in CASES] * 2 + ["http://x/z", "http://long/y", "http://e/a/"]
    assert [names.compact(i) for i in iris] == [
        Compactor(NAMESPACES, JSONLD).compact(i) for i in iris
    ]
    assert [names.compact(i) for i in ("http://x/z", "http://long/y", "http://e/a/")] == [
        None,
        None,
        "e:a/",
    ]


@pytest.mark.parametrize(("iri", "prefixed", "jsonld", "display"), CASES)
def test_every_writer_follows_the_rule(
    iri: str, prefixed: str | None, jsonld: str | None, display: str | None
) -> None:
    assert TurtleWriter(NAMESPACES).iri(iri) == (prefixed or f"<{iri}>")
    table = render_table(["x"], [[ox.NamedNode(iri)]], NAMESPACES).decode().splitlines()
    assert table[2] == (prefixed or f"<{iri}>")
    assert Context({}, NAMESPACES).compact_iri(iri) == (jsonld or iri)
    assert Labeller([], NAMESPACES).short(ox.NamedNode(iri)) == (display or iri)
