"""The JSON-LD writer, the published context and reading our JSON-LD back without network."""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys

import pyoxigraph as ox
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pyld import jsonld as pyld
from pyld.jsonld import JsonLdError

from learningcity import __version__
from learningcity.errors import InputError
from learningcity.forked import ntriples_blocks
from learningcity.jsonld import (
    CONTEXT_IRI,
    context_document,
    document_loader,
    dumps,
    inline_bundled_context,
    parse_context,
    published_context,
    stream_jsonld,
    to_jsonld,
    write_jsonld,
)
from learningcity.load import load_paths
from learningcity.namespaces import prefixes
from learningcity.serialize import canonical_quads
from rdfcompare import canonical, from_nquads
from support import FIXTURES, REPO

TRICKY = FIXTURES / "export" / "tricky-literals.ttl"
NAMED = FIXTURES / "export" / "named-graphs.trig"
STREAMABLE = FIXTURES / "export" / "streamable.ttl"
YONGSAN = REPO / "data" / "yongsan.ttl"
LOADER = {"documentLoader": document_loader}


def read_with_pyld(document: bytes) -> list[ox.Quad]:
    nquads = pyld.to_rdf(json.loads(document), {"format": "application/n-quads", **LOADER})
    return from_nquads(nquads)


def read_with_learningcity(document: bytes, tmp_path) -> ox.Dataset:
    path = tmp_path / "out.jsonld"
    path.write_bytes(document)
    return load_paths(path)


def key(curie: str) -> str:
    """The key the published context gives a property or class (`rdfs:label` -> `label`)."""
    prefix, _, local = curie.partition(":")
    return published_context().vocab_iri(prefixes()[prefix] + local)


def nodes_by_id(document: bytes) -> dict[str, dict]:
    return {node.get("@id"): node for node in json.loads(document)["@graph"]}


def test_committed_context_is_what_the_build_script_writes() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_context.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout


def test_context_iri_carries_the_package_version() -> None:
    assert CONTEXT_IRI.endswith(f"/context/{__version__}.jsonld")


def test_every_context_term_expands_to_an_absolute_iri_with_pyld() -> None:
    definitions = context_document()["@context"]
    for term in definitions:
        node = {"@context": CONTEXT_IRI, "@id": "city:x", term: {"@id": "city:y"}}
        expanded = pyld.expand(node, LOADER)
        assert expanded[0]["@id"] == "https://w3id.org/learningcity/id/city/x"
        (key,) = (k for k in expanded[0] if k != "@id")
        assert key.startswith(("http://", "https://")), term


def test_only_object_properties_are_coerced_to_iris() -> None:
    definitions = context_document()["@context"]
    for term, value in definitions.items():
        if isinstance(value, dict):
            assert value == {"@id": value["@id"], "@type": "@id"}, term


def test_loader_serves_only_the_bundled_context() -> None:
    assert document_loader(CONTEXT_IRI)["document"] == context_document()
    with pytest.raises(JsonLdError):
        pyld.expand({"@context": "https://schema.org/", "name": "x"}, LOADER)


@pytest.mark.parametrize("frame", [False, True])
def test_round_trips_through_pyld_and_learningcity_load(frame: bool, tmp_path) -> None:
    original = load_paths(TRICKY)
    document = write_jsonld(original, frame=frame)
    assert canonical(read_with_learningcity(document, tmp_path)) == canonical(original)
    assert canonical(read_with_pyld(document), double_values=True) == canonical(
        original, double_values=True
    )


def test_literals_keep_lexical_form_language_and_datatype() -> None:
    city = nodes_by_id(write_jsonld(load_paths(TRICKY)))["city:kr-yongsan-gu"]
    assert {"@type": "xsd:double", "@value": "1e3"} in city[key("lc:score")]
    assert {"@type": "xsd:integer", "@value": "0123"} in city[key("lc:score")]
    assert {"@language": "ko", "@value": "용산구"} in city[key("rdfs:label")]
    assert "용산" in city[key("skos:altLabel")]


def test_korean_is_written_as_utf8_not_escapes() -> None:
    document = write_jsonld(load_paths(TRICKY))
    assert "용산구".encode() in document
    assert b"\\u" not in document


def test_output_is_byte_identical_whatever_the_input_order() -> None:
    quads = list(load_paths(TRICKY))
    first = write_jsonld(quads, frame=True)
    random.Random(7).shuffle(quads)
    assert write_jsonld(quads, frame=True) == first
    assert write_jsonld(load_paths(TRICKY), frame=True) == first


def test_nodes_and_values_are_sorted() -> None:
    graph = json.loads(write_jsonld(load_paths(TRICKY)))["@graph"]
    ids = [node["@id"] for node in graph]
    assert ids == ["city:kr-seoul", "city:kr-yongsan-gu", "_:c14n0", "_:c14n1", "_:c14n2"]
    types = graph[1]["@type"]
    assert types == sorted(types)


@pytest.mark.parametrize("by_iri", [False, True])
def test_an_iri_in_a_scheme_named_like_a_prefix_switches_that_prefix_off(by_iri: bool) -> None:
    document = json.loads(write_jsonld(load_paths(TRICKY), by_iri=by_iri))
    reference = CONTEXT_IRI if by_iri else context_document()["@context"]
    assert document["@context"] == [reference, {"geo": None}]
    city = nodes_by_id(dumps(document))["city:kr-yongsan-gu"]
    assert city[key("schema:geo")] == {"@id": "geo:37.533873,126.981132"}


def test_a_coerced_term_is_used_for_iris_and_the_compact_iri_for_literals() -> None:
    definitions = {
        "dcterms": "http://purl.org/dc/terms/",
        "city": "https://w3id.org/learningcity/id/city/",
        "source": {"@id": "dcterms:source", "@type": "@id"},
    }
    context = parse_context(definitions, definitions)
    original = load_paths(TRICKY)
    document = to_jsonld(original, context)
    city = next(n for n in document["@graph"] if n["@id"] == "city:kr-yongsan-gu")
    assert city["source"] == "https://www.uil.unesco.org/en/learning-cities/yongsan-gu"
    assert city["dcterms:source"] == "UIL profile"
    assert canonical(read_with_pyld(dumps(document)), double_values=True) == canonical(
        original, double_values=True
    )


def test_frame_nests_every_node_once_under_the_city() -> None:
    graph = json.loads(write_jsonld(load_paths(TRICKY), frame=True))["@graph"]
    (city,) = graph
    membership = city[key("org:hasMembership")]
    assert membership["@type"] == key("org:Membership")
    assert "@id" not in membership, "a blank node nothing else refers to needs no label"
    assert membership[key("org:memberDuring")][key("lc:start")]["@value"] == "2019-01-01"
    note = city[key("lc:note")]
    assert note["@id"] == "_:c14n2", "a blank node referred to twice keeps its label"
    assert note["@reverse"][key("lc:note")]["@id"] == "city:kr-seoul"


def test_frame_leaves_what_two_cities_share_at_the_top() -> None:
    turtle = rb"""
        @prefix lc: <https://w3id.org/learningcity/ontology#> .
        @prefix org: <http://www.w3.org/ns/org#> .
        @prefix x: <https://w3id.org/learningcity/id/> .
        x:city\/a a lc:LearningCity ; org:hasMembership x:membership\/a .
        x:city\/b a lc:LearningCity ; org:hasMembership x:membership\/b .
        x:membership\/a org:organization x:organization\/gnlc .
        x:membership\/b org:organization x:organization\/gnlc .
        x:organization\/gnlc org:subOrganizationOf x:organization\/unesco .
        x:organization\/unesco a org:Organization .
        x:post\/a org:postIn x:city\/a .
    """
    original = list(ox.parse(turtle, format=ox.RdfFormat.TURTLE))
    graph = json.loads(write_jsonld(original, frame=True))["@graph"]
    assert [n["@id"] for n in graph] == ["city:a", "city:b", "organization:gnlc"]
    assert graph[0]["@reverse"][key("org:postIn")]["@id"] == "post:a"
    assert graph[1][key("org:hasMembership")]["@id"] == "membership:b"
    assert graph[2][key("org:subOrganizationOf")]["@id"] == "organization:unesco"
    assert canonical(read_with_pyld(write_jsonld(original, frame=True))) == canonical(original)


LISTS = {
    "literals": "<urn:x:a> a lc:LearningCity ; lc:items ( 1 'two' \"3\"@ko ) .",
    "under a coerced term": "<urn:x:a> a lc:LearningCity ; lc:hasGoodPractice ( <urn:x:p> 'q' ) .",
    "of lists": "<urn:x:a> a lc:LearningCity ; lc:items ( ( 1 2 ) 3 ) .",
    "shared tail": "<urn:x:a> a lc:LearningCity ; lc:items _:l1, _:l2 . "
    "_:l1 rdf:first 1 ; rdf:rest _:t . _:l2 rdf:first 2 ; rdf:rest _:t . "
    "_:t rdf:first 3 ; rdf:rest rdf:nil .",
    "a class": "<urn:x:a> a lc:LearningCity, ( 1 ) .",
    "with more": "<urn:x:a> a lc:LearningCity ; lc:items _:l . "
    "_:l rdf:first 1 ; rdf:rest rdf:nil ; rdfs:label 'x' .",
}


@pytest.mark.parametrize("turtle", LISTS.values(), ids=LISTS.keys())
def test_framed_lists_are_json_ld_lists_and_read_back(turtle: str) -> None:
    prologue = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in prefixes().items())
    original = list(ox.parse((prologue + turtle).encode(), format=ox.RdfFormat.TURTLE))
    document = write_jsonld(original, frame=True)
    parsed = ox.parse(document, format=ox.RdfFormat.JSON_LD)
    assert canonical(parsed) == canonical(original)
    assert canonical(read_with_pyld(document)) == canonical(original)
    well_formed = turtle.startswith("<urn:x:a> a lc:LearningCity ; lc:") and "_:" not in turtle
    assert (b'"@list"' in document) == well_formed


def test_canonical_booleans_are_json_booleans_and_others_keep_their_form() -> None:
    turtle = b"""@prefix lc: <https://w3id.org/learningcity/ontology#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <urn:x:a> lc:yes true ; lc:no false ; lc:odd "1"^^xsd:boolean ."""
    original = list(ox.parse(turtle, format=ox.RdfFormat.TURTLE))
    for document in (write_jsonld(original), streamed(original)):
        (node,) = json.loads(document)["@graph"]
        assert node["lc:yes"] is True and node["lc:no"] is False
        assert node["lc:odd"] == {"@type": "xsd:boolean", "@value": "1"}
        assert canonical(read_with_pyld(document)) == canonical(original)


def test_a_base_direction_is_written_as_direction_and_read_back(tmp_path) -> None:
    """It was dropped: `"x"@ar--rtl` came back as `"x"@ar` (RDF 1.2's base direction)."""
    original = list(ox.parse(b'<urn:x:a> <urn:x:p> "x"@ar--rtl .', format=ox.RdfFormat.TURTLE))
    for document in (write_jsonld(original), streamed(original)):
        (node,) = json.loads(document)["@graph"]
        assert node["urn:x:p"] == {"@direction": "rtl", "@language": "ar", "@value": "x"}
        assert canonical(read_with_learningcity(document, tmp_path)) == canonical(original)


def test_named_graphs_become_jsonld_named_graphs(tmp_path) -> None:
    original = load_paths(NAMED)
    document = write_jsonld(original)
    nodes = nodes_by_id(document)
    assert key("dcterms:issued") in nodes["dataset:uil-2019"]
    assert nodes["dataset:uil-2019"]["@graph"][0]["@id"] == "city:kr-yongsan-gu"
    assert set(nodes["dataset:press-2018"]) == {"@id", "@graph"}
    assert canonical(read_with_learningcity(document, tmp_path)) == canonical(original)
    assert canonical(read_with_pyld(document)) == canonical(original)


def test_the_default_inline_context_needs_no_loader() -> None:
    original = load_paths(TRICKY)
    document = write_jsonld(original)
    assert json.loads(document)["@context"][0] == context_document()["@context"]
    parsed = ox.parse(document, format=ox.RdfFormat.JSON_LD)
    assert canonical(parsed) == canonical(original)


def test_inlining_leaves_other_documents_alone() -> None:
    other = b'{"@context": {"@vocab": "https://schema.org/"}, "name": "x"}'
    assert inline_bundled_context(other) == other
    broken = b'{"@context": "' + CONTEXT_IRI.encode() + b'", '
    assert inline_bundled_context(broken) == broken


def test_inlining_replaces_the_context_iri_wherever_it_appears() -> None:
    document = {"@context": [CONTEXT_IRI], "@graph": [{"@context": CONTEXT_IRI, "@id": "city:a"}]}
    inlined = json.loads(inline_bundled_context(json.dumps(document).encode()))
    bundled = context_document()["@context"]
    assert inlined["@context"] == [bundled]
    assert inlined["@graph"][0]["@context"] == bundled


@pytest.mark.parametrize("frame", [False, True])
def test_the_yongsan_profile_reads_back_with_pyld(frame: bool) -> None:
    original = load_paths(YONGSAN)
    document = write_jsonld(original, frame=frame)
    assert canonical(read_with_pyld(document)) == canonical(original)


def test_framed_profile_is_one_city_object_holding_the_whole_profile() -> None:
    graph = json.loads(write_jsonld(load_paths(YONGSAN), frame=True))["@graph"]
    (city,) = graph
    assert city["@id"] == "city:kr-yongsan-gu"
    identifiers = city[key("schema:identifier")]
    assert all(isinstance(i, dict) and "@type" in i for i in identifiers)
    practices = city[key("lc:hasGoodPractice")]
    assert {p["@id"] for p in practices} == {
        "practice:kr-yongsan-gu.talent-sharing-project",
        "practice:kr-yongsan-gu.yongsan-lifelong-education-festival",
    }
    assert all(key("dcterms:source") in p for p in practices), "nested, not referred to"
    posts = city["@reverse"][key("org:postIn")]
    assert {p["@id"] for p in posts} == {
        "post:kr-yongsan-gu.focal-point",
        "post:kr-yongsan-gu.mayor",
    }
    assert key("org:postIn") not in posts[0], "the statement is the @reverse entry itself"


#: A namespace and a local name drawn side by side: the name does not depend on the namespace, and
#: a `flatmap` building the regex strategy again for every draw took most of the time of the
#: round-trip tests below (13 s for 200 examples under load; 3.4 s drawn this way).
IRIS = st.tuples(
    st.sampled_from(
        [
            "https://w3id.org/learningcity/id/city/",
            "https://w3id.org/learningcity/ontology#",
            "http://purl.org/dc/terms/",
            "https://schema.org/",
            "http://www.opengis.net/ont/geosparql#",
            "geo:",
            "urn:example:",
            "http://example.org/a//",
            "https://sws.geonames.org/",
        ]
    ),
    st.from_regex(r"[A-Za-z0-9_.~-]{0,8}", fullmatch=True),
).map("".join)
TERMS = st.sampled_from(
    [
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
        "http://purl.org/dc/terms/source",
        "https://schema.org/name",
        "https://w3id.org/learningcity/ontology#hasGoodPractice",
        "https://w3id.org/learningcity/ontology#LearningCity",
    ]
)
BLANKS = st.sampled_from(["b0", "b1", "b2"]).map(ox.BlankNode)
NODES = st.one_of(st.one_of(IRIS, TERMS).map(ox.NamedNode), BLANKS)
LITERALS = st.one_of(
    st.text().map(ox.Literal),
    st.tuples(st.text(), st.sampled_from(["en", "ko", "zh-hant", "en-gb", "x-private"])).map(
        lambda v: ox.Literal(v[0], language=v[1])
    ),
    st.tuples(st.text(), IRIS).map(lambda v: ox.Literal(v[0], datatype=ox.NamedNode(v[1]))),
)
GRAPHS = st.one_of(st.just(ox.DefaultGraph()), IRIS.map(ox.NamedNode), BLANKS)
QUADS = st.lists(
    st.builds(
        ox.Quad, NODES, st.one_of(IRIS, TERMS).map(ox.NamedNode), st.one_of(NODES, LITERALS), GRAPHS
    ),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(quads=QUADS, frame=st.booleans())
def test_any_dataset_round_trips_through_oxigraph_and_pyld(
    quads: list[ox.Quad], frame: bool
) -> None:
    document = write_jsonld(quads, frame=frame)
    parsed = ox.parse(inline_bundled_context(document), format=ox.RdfFormat.JSON_LD)
    assert canonical(parsed) == canonical(quads)
    assert canonical(read_with_pyld(document)) == canonical(quads)


def test_framing_a_long_list_stops_nesting_before_the_stack_runs_out() -> None:
    members = " ".join(f'"{i}"' for i in range(3000))
    turtle = f"""
        @prefix lc: <https://w3id.org/learningcity/ontology#> .
        <https://w3id.org/learningcity/id/city/x> a lc:LearningCity ; lc:items ({members}) .
    """
    original = list(ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE))
    document = write_jsonld(original, frame=True)
    parsed = ox.parse(inline_bundled_context(document), format=ox.RdfFormat.JSON_LD)
    assert canonical(parsed) == canonical(original)


def streamed(quads) -> bytes:
    out = io.BytesIO()
    with ntriples_blocks(lambda: quads, fork=False) as blocks:
        stream_jsonld(blocks, out)
    return out.getvalue()


def as_sets(node: dict) -> dict[str, set[str]]:
    """A node object with each key's values as a set of JSON texts (order and list-ness aside)."""
    values = {k: v if isinstance(v, list) else [v] for k, v in node.items()}
    return {
        k: {json.dumps(v, ensure_ascii=False, sort_keys=True) for v in vs}
        for k, vs in values.items()
    }


def misread_schemes(quads: list[ox.Quad]) -> bool:
    """Whether any IRI is in a URI scheme named like a context term (`geo:` here)."""
    names = published_context().names
    iris = [
        t.value
        for q in quads
        for t in (q.subject, q.predicate, q.object, getattr(q.object, "datatype", None))
        if isinstance(t, ox.NamedNode)
    ]
    return any(iri.partition(":")[0] in names for iri in iris)


@pytest.mark.parametrize("path", [YONGSAN, STREAMABLE])
def test_streamed_node_objects_are_the_sorted_writers(path) -> None:
    quads = canonical_quads(load_paths(path))
    sorted_nodes = json.loads(write_jsonld(quads))["@graph"]
    streamed_nodes = json.loads(streamed(quads))["@graph"]
    assert [as_sets(n) for n in streamed_nodes] == [as_sets(n) for n in sorted_nodes]


def test_streamed_text_is_what_json_writes_for_the_node() -> None:
    document = streamed(canonical_quads(load_paths(STREAMABLE)))
    lines = document.decode().splitlines()[1:-1]
    for line in lines:
        node = line.removesuffix(",")
        assert json.dumps(json.loads(node), ensure_ascii=False) == node


@settings(max_examples=200, deadline=None)
@given(quads=QUADS)
def test_any_default_graph_streams_and_round_trips_through_oxigraph_and_pyld(
    quads: list[ox.Quad],
) -> None:
    quads = [ox.Quad(q.subject, q.predicate, q.object) for q in quads]
    assume(not misread_schemes(quads))
    document = streamed(quads)
    parsed = ox.parse(inline_bundled_context(document), format=ox.RdfFormat.JSON_LD)
    assert canonical(parsed) == canonical(quads)
    assert canonical(read_with_pyld(document)) == canonical(quads)


@pytest.mark.parametrize(
    "turtle",
    [
        "<geo:37.5,127.0> schema:name 'x' .",
        "<urn:x:a> <geo:37.5,127.0> 'x' .",
        "<urn:x:a> schema:geo <geo:37.5,127.0> .",
        "<urn:x:a> a <geo:37.5,127.0> .",
        "<urn:x:a> schema:name '1'^^<geo:37.5,127.0> .",
    ],
    ids=["subject", "predicate", "object", "class", "datatype"],
)
def test_streaming_refuses_an_iri_a_reader_would_take_for_a_compact_iri(turtle: str) -> None:
    quads = ox.parse(
        f"@prefix schema: <https://schema.org/> . {turtle}".encode(), format=ox.RdfFormat.TURTLE
    )
    with pytest.raises(InputError, match=r"<geo:37\.5,127\.0> would read as a compact IRI"):
        streamed(quads)


def test_streaming_refuses_named_graphs() -> None:
    with pytest.raises(InputError, match="default graph only"):
        streamed(load_paths(NAMED))


@pytest.mark.parametrize(
    "text", ["a\x01b", "del \x7f", "tab\tand\nline", "a backslash then u: \\u0041", "\x1f\u2028"]
)
def test_streamed_escapes_are_what_json_writes(text: str) -> None:
    """N-Triples escapes a control character as `\\u001F` and DEL too, JSON as `\\u001f` and
    DEL not at all: a literal holding `\\u` is written again as json writes it."""
    quad = ox.Quad(ox.NamedNode("urn:x:a"), ox.NamedNode("urn:x:p"), ox.Literal(text))
    node = streamed([quad]).decode().split("\n")[1]  # not splitlines: U+2028 is a line break
    assert json.dumps(json.loads(node), ensure_ascii=False) == node
    assert json.loads(node)["urn:x:p"] == text
