"""The native engine against pyshacl on data nobody wrote a fixture for: seeded random damage to
Yongsan's profile, and generated networks with defects. Whichever engine serves, the results
and the whole report graph must be pyshacl's; the shape fixtures (tests/test_validation.py)
check the damage people foresaw, these check the damage a random walk finds."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef

from learningcity.load import load_paths
from learningcity.terms import RDF_TYPE
from learningcity.validation import Validator, native, outcome_from_report
from model.model_support import DATA, ONTOLOGY
from support import REPO

SEEDS = range(24)
GENERATOR = REPO / "scripts" / "generate_network.py"
XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def bundled() -> Validator:
    return Validator()


@pytest.fixture(scope="module")
def yongsan() -> list[ox.Quad]:
    """Data and ontology together, as the validator reads them (`model_support.mutated_quads`)."""
    return [*load_paths(DATA), *load_paths(ONTOLOGY)]


def damaged(quads: list[ox.Quad], seed: int) -> list[ox.Quad]:
    """A few random edits of the kinds people make: a statement lost or doubled, a literal's
    language, datatype or text changed, an object pointed elsewhere, a type dropped."""
    chance = random.Random(seed)
    data = list(quads)
    literals = [i for i, q in enumerate(data) if isinstance(q.object, ox.Literal)]
    nodes = sorted({q.subject for q in data if isinstance(q.subject, ox.NamedNode)}, key=str)
    for _ in range(chance.randint(1, 6)):
        edit = chance.choice(["drop", "double", "language", "datatype", "text", "point", "type"])
        i = chance.randrange(len(data))
        q = data[i]
        if edit == "drop":
            del data[i]
        elif edit == "double" and isinstance(q.object, ox.Literal):
            data.append(
                ox.Quad(
                    q.subject,
                    q.predicate,
                    ox.Literal(q.object.value + " ", language=q.object.language)
                    if q.object.language
                    else ox.Literal(q.object.value + "x"),
                )
            )
        elif edit in ("language", "datatype", "text"):
            j = chance.choice(literals)
            if j >= len(data):
                continue
            q = data[j]
            value = q.object
            if not isinstance(value, ox.Literal):
                continue
            if edit == "language":
                new = ox.Literal(value.value, language=chance.choice(["en", "ko", "fr", "EN"]))
            elif edit == "datatype":
                kind = chance.choice(["integer", "date", "gYear", "string", "anyURI", "decimal"])
                new = ox.Literal(value.value, datatype=ox.NamedNode(XSD + kind))
            else:
                new = ox.Literal(
                    chance.choice(["", "  ", "-1", "2019", "x" * 300]), language=value.language
                )
            data[j] = ox.Quad(q.subject, q.predicate, new)
        elif edit == "point" and isinstance(q.object, ox.NamedNode):
            data[i] = ox.Quad(q.subject, q.predicate, chance.choice(nodes))
        elif edit == "type":
            types = [k for k, s in enumerate(data) if s.predicate == RDF_TYPE]
            del data[chance.choice(types)]
    return data


def assert_pyshacls_report(bundled: Validator, quads: list[ox.Quad]) -> str:
    ours = bundled.validate(quads, workers=1)
    theirs = outcome_from_report(bundled.engine.check(quads))
    assert ours.results == theirs.results
    assert set(ours.report) == set(theirs.report)
    return ours.engine


@pytest.mark.parametrize("seed", SEEDS)
def test_randomly_damaged_yongsan_gives_pyshacls_report(
    seed: int, bundled: Validator, yongsan: list[ox.Quad]
) -> None:
    assert_pyshacls_report(bundled, damaged(yongsan, seed))


def test_most_damaged_profiles_are_served_natively(
    bundled: Validator, yongsan: list[ox.Quad]
) -> None:
    """Otherwise the comparisons above would prove little about the native engine."""
    engines = [bundled.validate(damaged(yongsan, s), workers=1).engine for s in SEEDS]
    assert engines.count("native") >= len(engines) // 2, engines


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_networks_with_defects_give_pyshacls_report(
    seed: int, bundled: Validator, tmp_path: Path
) -> None:
    network = tmp_path / "network.ttl"
    subprocess.run(
        [
            sys.executable,
            str(GENERATOR),
            "12",
            "--seed",
            str(seed),
            "--defects",
            "0.5",
            "-o",
            str(network),
        ],
        check=True,
        timeout=120,
    )
    quads = [*load_paths(network), *load_paths(ONTOLOGY)]
    assert assert_pyshacls_report(bundled, quads) == "native"


LEXICAL = st.text(alphabet="0123456789+-.eE Z:T", max_size=12)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.tuples(st.sampled_from(sorted(native.RDFLIB_UNCONVERTED)), LEXICAL),
        st.sampled_from(sorted(native.RDFLIB_CANONICAL)).flatmap(
            lambda datatype: st.tuples(
                st.just(datatype),
                st.from_regex(native.RDFLIB_CANONICAL[datatype][0], fullmatch=True),
            )
        ),
    )
)
def test_literals_read_without_rdflib_are_read_as_rdflib_reads_them(
    literal: tuple[str, str],
) -> None:
    """The native engine reads years and canonical numbers itself (`native.as_rdflib_holds`):
    the lexical form, the value and `ill_typed` rdflib would give, or pyshacl's verdicts on
    sh:datatype and the range constraints would change."""
    datatype, lexical = literal
    normal, held = native.as_rdflib_holds(ox.Literal(lexical, datatype=ox.NamedNode(datatype)))
    expected = Literal(lexical, datatype=URIRef(datatype))
    assert isinstance(held, native.Value)
    assert normal.value == str(expected)
    assert type(held.value) is type(expected.value)
    assert held.value == expected.value
    assert held.ill_typed is expected.ill_typed
