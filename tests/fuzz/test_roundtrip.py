"""Any graph survives every export format: `learningcity.export.export`, written to a file,
read back by `learningcity.load` (the path `learningcity export` and every command take),
compared as canonical datasets.

tests/test_jsonld.py checks the JSON-LD writer against pyld; this covers every syntax the
command writes, with the literals real data brings: every common XSD datatype in canonical and
non-canonical lexical forms, language tags, Hangul and other scripts, long strings, and IRIs
with characters that need escaping somewhere.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learningcity.export import export
from learningcity.formats import SYNTAXES, RdfSyntax
from learningcity.load import load, resolve_sources
from rdfcompare import canonical

XSD = "http://www.w3.org/2001/XMLSchema#"
#: datatype -> lexical forms, canonical and not (and a few ill-typed: RDF keeps them as written)
LEXICAL_FORMS: dict[str, list[str]] = {
    "integer": ["0", "-5", "+7", "007", "123456789012345678901234567890", "1.0", "x"],
    "decimal": ["1.5", "1.50", "+.5", "-0.0", "10", "1e3"],
    "double": ["1E3", "1.0e-3", "INF", "-INF", "NaN", "+1.5", "00.1e01", "1"],
    "float": ["1.5", "-INF", "3.4028235E38", "1"],
    "boolean": ["true", "false", "1", "0", "TRUE"],
    "date": ["2016-10-01", "2016-10-01Z", "2016-10-01+09:00", "-0044-03-15", "2020-13-45"],
    "dateTime": ["2016-10-01T09:00:00", "2016-10-01T09:00:00.000+09:00", "2016-10-01T24:00:00"],
    "gYear": ["2016", "0001", "-0044", "2016Z", "16"],
    "anyURI": ["https://example.org/a b", "", "relative/path"],
    "string": ["", " padded ", "line\nbreak\ttab\r", 'quote " and \\ backslash'],
    "nonNegativeInteger": ["0", "+3", "-1"],
}
LANGUAGES = ["en", "ko", "ko-KR", "zh-Hant-TW", "en-GB", "x-private", "de-CH-1996", "EN"]
#: Text that XML 1.0 can carry (no C0 controls but tab, newline, carriage return; no surrogates),
#: weighted towards scripts the data uses.
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", blacklist_categories=("Cs", "Cc")),
        st.sampled_from("\t\n\r 가나다라용산구학습도시 é中文ÅØ\u200b\ufeff\u00a0<>&\"'\\{}"),
    ),
    max_size=40,
)
LONG_TEXT = st.integers(1_000, 20_000).map(lambda n: ("평생학습 learning " * n)[:n])
NAMESPACES = [
    "https://w3id.org/learningcity/id/city/",
    "https://w3id.org/learningcity/ontology#",
    "https://schema.org/",
    "http://example.org/odd%20path/",
    "http://example.org/한국어/",
    "urn:uuid:",
    "http://example.org/q?x=1&y=",
]
ODD_LOCAL = r"[A-Za-z][A-Za-z0-9_.~\-'()!*,;=:@$+]{0,8}|[0-9]{1,3}|용산-[0-9]"
LOCAL = st.from_regex(ODD_LOCAL, fullmatch=True)
IRIS = st.builds(str.__add__, st.sampled_from(NAMESPACES), LOCAL).map(ox.NamedNode)
#: Predicates must end in an XML name for RDF/XML (a W3C constraint, not ours).
PREDICATES = st.builds(
    str.__add__,
    st.sampled_from([ns for ns in NAMESPACES if ns[-1] in "/#"]),
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True),
).map(ox.NamedNode)
BLANKS = st.sampled_from(["b0", "b1", "b2", "b3"]).map(ox.BlankNode)
TYPED = st.sampled_from(sorted(LEXICAL_FORMS)).flatmap(
    lambda name: st.sampled_from(LEXICAL_FORMS[name]).map(
        lambda value: ox.Literal(value, datatype=ox.NamedNode(XSD + name))
    )
)
LITERALS = st.one_of(
    TEXT.map(ox.Literal),
    LONG_TEXT.map(ox.Literal),
    st.builds(lambda v, tag: ox.Literal(v, language=tag), TEXT, st.sampled_from(LANGUAGES)),
    TYPED,
)
SUBJECTS = st.one_of(IRIS, BLANKS)
TRIPLES = st.lists(
    st.builds(ox.Quad, SUBJECTS, PREDICATES, st.one_of(IRIS, BLANKS, LITERALS)), max_size=10
)
GRAPH_NAMES = st.one_of(st.just(ox.DefaultGraph()), IRIS, BLANKS)
QUADS = st.lists(
    st.builds(ox.Quad, SUBJECTS, PREDICATES, st.one_of(IRIS, BLANKS, LITERALS), GRAPH_NAMES),
    max_size=10,
)
EXAMPLES = 150


def round_trip(quads: list[ox.Quad], syntax: RdfSyntax) -> list[ox.Quad]:
    """Export in `syntax` to a file named as the command would, and load it back."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"data.{syntax.extension}"
        path.write_bytes(export(quads, syntax))
        return list(load(resolve_sources([str(path)])))


def check_every_syntax(quads: list[ox.Quad], syntaxes: tuple[RdfSyntax, ...]) -> None:
    expected = canonical(quads)
    for syntax in syntaxes:
        assert canonical(round_trip(quads, syntax)) == expected, syntax.name


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(quads=TRIPLES)
def test_any_graph_round_trips_through_every_syntax(quads: list[ox.Quad]) -> None:
    check_every_syntax(quads, SYNTAXES)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(quads=QUADS)
def test_any_dataset_round_trips_through_every_dataset_syntax(quads: list[ox.Quad]) -> None:
    check_every_syntax(quads, tuple(s for s in SYNTAXES if s.holds_datasets))
