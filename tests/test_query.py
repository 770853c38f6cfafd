"""The query library: read-only checks on tokens, results in every format, typed parameters."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest

from learningcity.errors import InputError
from learningcity.formats import SYNTAXES
from learningcity.jsonld import context_document, inline_bundled_context
from learningcity.load import load_paths
from learningcity.query import (
    OUTPUT_FORMATS,
    PARAM_TYPES,
    Param,
    check_query,
    display_width,
    inspect_query,
    list_named_queries,
    named_query,
    parse_param,
    read_named_query,
    run_query,
    scan_query,
    store_for,
    tokenize,
)
from learningcity.remote import prologue, run_remote, substitute_text
from processes import free_port
from support import FIXTURES

QUERY_FIXTURES = FIXTURES / "query"
QUERIES = QUERY_FIXTURES / "queries"
XSD = "http://www.w3.org/2001/XMLSchema#"
YONGSAN = ox.NamedNode("https://w3id.org/learningcity/id/city/kr-yongsan-gu")


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return store_for(load_paths(QUERY_FIXTURES / "city.ttl"))


# --- the tokenizer decides what is a keyword --------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        'SELECT * { ?s ?p "SERVICE" }',
        "SELECT * { ?s ?p 'SERVICE <http://x/> { }' }",
        'SELECT * { ?s ?p """a\nSERVICE <http://x/> { ?a ?b ?c }\n""" }',
        "SELECT * { ?s ?p '''it's\nSERVICE'''}",
        'SELECT * { ?s ?p "say \\"SERVICE\\"" }',
        "SELECT * { ?s <http://example.org/SERVICE> ?o }",
        "SELECT * { ?s <http://example.org/x#SERVICE> ?o }",
        "SELECT * { ?s ?p ?o } # SERVICE <http://example.org/> { }",
        "PREFIX ex: <http://example.org/> SELECT * { ?s ex:SERVICE ?o }",
        "PREFIX : <http://example.org/> SELECT * { ?s :SERVICE ?o }",
        "PREFIX ex: <http://example.org/> SELECT * { ?s ex:x.SERVICE ?o }",
        "SELECT * { ?s ?p ?o FILTER(?o < <http://example.org/x#SERVICE>) }",
        "SELECT * { VALUES (?a ?b) { (<http://a/x> <http://www.w3.org/2002/07/owl#Class>) } }",
        "SELECT ?service { ?service ?p ?o }",
        "SELECT $SERVICE { $SERVICE ?p ?o }",
        'SELECT * { ?s ?p "x"@service }',
        'SELECT * { ?s ?p "INSERT DATA { <a> <b> <c> }" }',
        "SELECT ?delete ?drop ?load { ?delete ?drop ?load }",
        "PREFIX ex: <http://example.org/> ASK { ex:insert ex:add ex:clear }",
    ],
)
def test_keywords_inside_other_tokens_are_harmless(text: str) -> None:
    assert inspect_query(text) in ("SELECT", "ASK")


@pytest.mark.parametrize("keyword", ["SERVICE", "service", "Service", "SERVICE SILENT"])
def test_the_service_keyword_in_any_case_is_refused(keyword: str) -> None:
    text = f"SELECT * {{\n  {keyword} <http://127.0.0.1:9/sparql> {{ ?s ?p ?o }}\n}}"
    with pytest.raises(InputError) as refused:
        inspect_query(text)
    assert str(refused.value) == (
        "query:2:3: SERVICE would make a network request; pass --allow-service to allow it"
    )


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("SELECT * { SERVICESILENT<http://127.0.0.1:9/>{} }", "'SERVICESILENT'"),
        ("SELECT * { ?s ?p trueSERVICE<http://127.0.0.1:9/>{} }", "'trueSERVICE'"),
        ("PREFIX : <http://127.0.0.1:9/> SELECT * { SERVICE:x {} }", "'SERVICE:x'"),
        ("PREFIX service: <http://example.org/> SELECT * { ?s service:x ?o }", "'service:'"),
    ],
)
def test_keywords_glued_to_what_follows_are_service_to_oxigraph(text: str, token: str) -> None:
    """Oxigraph matches keywords without a word boundary: `SERVICE:x` is SERVICE, then `:x`."""
    with pytest.raises(InputError, match=f"{token} reads as SERVICE to the query engine"):
        inspect_query(text)


def test_a_local_name_ends_where_oxigraph_ends_it() -> None:
    """`ex:a.b.SERVICE` is `ex:a.b`, `.` and SERVICE to Oxigraph: one run of dots at most."""
    texts = [t.text for t in tokenize("ex:a.b.SERVICE<x>") if t.kind != "ws"]
    assert texts == ["ex:a.b", ".", "SERVICE", "<x>"]
    with pytest.raises(InputError, match="SERVICE would make a network request"):
        inspect_query("PREFIX ex: <http://e/> SELECT * { ?s ?p ex:a.b.SERVICE<http://e/>{} }")


@pytest.mark.parametrize("after", ["<2)SERVICE:x#>\n{}", "<'''>", "<x(((>", "<#x>", "<urn:x#y>"])
def test_after_a_value_in_an_expression_less_than_is_less_than(after: str) -> None:
    """There `<` is Oxigraph's less-than (SPARQL has no IRI right after a value): compact
    comparisons read as they run, and what could also be an IRI that hides query (`#`, a quote,
    a bracket) is refused in one line. Elsewhere `<...>` is an IRI."""
    texts = [t.text for t in tokenize("FILTER(?a<?b&&?c>?d)") if t.kind != "ws"]
    assert texts == ["FILTER", "(", "?a", "<", "?b", "&&", "?c", ">", "?d", ")"]
    with pytest.raises(InputError, match="could be read as less-than or as an IRI"):
        inspect_query(f"PREFIX : <http://e/> SELECT * {{ FILTER(1{after}) }}")
    iri = after.split("\n")[0]
    assert inspect_query(f"SELECT * {{ ?s ?p {iri} }}", base_iri="http://e/") == "SELECT"
    assert inspect_query(f"SELECT * {{ ?s ?p (1 {iri}) }}", base_iri="http://e/") == "SELECT"


def test_an_iri_with_slashes_after_a_value_is_an_iri() -> None:
    """`//` is no SPARQL outside IRIs, strings and comments: `<http://...#x>` is an IRI."""
    for text in (
        "SELECT (COUNT(DISTINCT <http://e/x#f>(?o)) AS ?c) { ?s ?p ?o }",
        "SELECT * { ?s ?p ?o FILTER(?o > <http://e/x#y>) }",
    ):
        kinds = [t.kind for t in tokenize(text) if t.text.startswith("<http")]
        assert kinds == ["iri"] and inspect_query(text) == "SELECT"


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("ASK " + "{" * 501 + "}" * 501, "1:505"),
        ("SELECT * {\n" + " UNION ".join(["{}"] * 300) + " }", "2:"),
        ("ASK { FILTER(" + " || ".join(["true"] * 600) + ") }", "1:"),
    ],
)
def test_deep_nesting_is_refused_before_oxigraph_parses(text: str, position: str) -> None:
    with pytest.raises(InputError, match=f"^query:{position}.*nested more than 500 levels deep"):
        inspect_query(text)


def test_long_flat_lists_are_not_nesting() -> None:
    """VALUES rows, IN lists, collections and a long basic graph pattern are flat to Oxigraph."""
    numbers = [str(i) for i in range(5_000)]
    rows = " ".join(f"({i} {i})" for i in numbers)
    triples = " ".join(f"?s{i} ?p ?o ." for i in numbers)
    assert inspect_query(f"SELECT * {{ VALUES (?a ?b) {{ {rows} }} }}") == "SELECT"
    assert inspect_query(f"ASK {{ ?s ?p ?o FILTER(?o IN ({', '.join(numbers)})) }}") == "ASK"
    assert inspect_query(f"SELECT * {{ ?s ?p ({' '.join(numbers)}) }}") == "SELECT"
    assert inspect_query(f"SELECT * {{ {triples} }}") == "SELECT"


def test_the_bundled_queries_nest_far_below_the_limit() -> None:
    for query in list_named_queries():
        assert scan_query(query.text, max_nesting=24).form is not None, query.name


def test_comparisons_are_not_mistaken_for_iris_that_hide_keywords() -> None:
    assert inspect_query("SELECT * { ?a ?b ?c FILTER(?a<?b&&?c>?d) }") == "SELECT"
    with pytest.raises(InputError, match="SERVICE would make"):
        inspect_query("SELECT * { ?a ?b ?c FILTER(?a<?b) SERVICE<http://127.0.0.1:9/>{} }")


def test_escapes_oxigraph_reads_otherwise_than_section_19_2_are_refused(store: ox.Store) -> None:
    """Oxigraph does not decode `\\u` outside strings and IRIs (a syntax error, not SERVICE),
    where SPARQL 1.1 section 19.2 decodes first: the check refuses it rather than read another
    query than the engine; an escape both read alike (a letter in a string) is kept."""
    text = "SELECT * { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    with pytest.raises(SyntaxError, match=r"expected"):
        ox.Store().query(text)
    with pytest.raises(InputError, match=r"^query:1:12: \\u0053 outside a string or an IRI"):
        inspect_query(text)
    with pytest.raises(InputError, match=r"^query:1:11: \\u0022 in a string"):
        inspect_query('SELECT ("a\\u0022" AS ?x) {}')
    assert inspect_query('SELECT ("\\u0041" AS ?x) {} # \\u0041') == "SELECT"


def test_service_is_accepted_when_allowed() -> None:
    text = "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    assert inspect_query(text, allow_service=True) == "SELECT"


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "delete where { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "CLEAR ALL",
        "CREATE GRAPH <http://g>",
        "DROP ALL",
        "COPY DEFAULT TO <http://g>",
        "MOVE DEFAULT TO <http://g>",
        "ADD DEFAULT TO <http://g>",
        "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "SELECT * { ?s ?p ?o } ; DROP ALL",
    ],
)
def test_updates_are_refused(text: str) -> None:
    with pytest.raises(InputError, match="this is read-only; updates are refused"):
        inspect_query(text)


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("SELECT * { ?s ?p ?o }", "SELECT"),
        ("# a comment with ASK\nBASE <http://example.org/>\nask { ?s ?p ?o }", "ASK"),
        ("PREFIX ex: <http://example.org/>\nCONSTRUCT WHERE { ?s ex:p ?o }", "CONSTRUCT"),
        ("DESCRIBE <http://example.org/a>", "DESCRIBE"),
        ("SELECT * { { SELECT ?s { ?s ?p ?o } } }", "SELECT"),
    ],
)
def test_the_form_is_reported(text: str, form: str) -> None:
    assert inspect_query(text) == form


def test_a_syntax_error_names_line_and_column(store: ox.Store) -> None:
    """The run reports it (the check parses nothing), with Oxigraph's position."""
    assert inspect_query("SELECT *\nWHERE { ?s ?p }", source="q.rq") == "SELECT"
    with pytest.raises(InputError) as error:
        run_query(store, "SELECT *\nWHERE { ?s ?p }", source="q.rq")
    assert str(error.value).startswith("q.rq:2:16: expected")


def test_an_unknown_prefix_is_named() -> None:
    with pytest.raises(InputError) as error:
        inspect_query("SELECT * {\n  ?s nope:p ?o }")
    assert (
        str(error.value) == "query:2:6: unknown prefix 'nope:'; declare it with PREFIX nope: <...>"
    )


def test_project_prefixes_need_no_declaration_unless_turned_off() -> None:
    assert inspect_query("SELECT * { ?s schema:name ?o }") == "SELECT"
    with pytest.raises(InputError, match="unknown prefix 'schema:'"):
        inspect_query("SELECT * { ?s schema:name ?o }", prefixes=False)


def test_an_unterminated_string_is_reported_before_anything_runs() -> None:
    with pytest.raises(InputError, match=r"^query:1:18: unterminated string"):
        inspect_query("SELECT * { ?s ?p 'SERVICE <x> }")


def test_not_a_query() -> None:
    with pytest.raises(InputError, match="not a SPARQL query"):
        inspect_query("PREFIX ex: <http://example.org/>")


def test_tokens_cover_the_text_with_positions() -> None:
    text = 'SELECT ?x\n# c\nWHERE { ?x <http://a#b> """é\n""" }'
    tokens = tokenize(text)
    assert "".join(t.text for t in tokens) == text
    where = next(t for t in tokens if t.keyword == "WHERE")
    assert (where.line, where.column) == (3, 1)


# --- running and writing ------------------------------------------------------------------------


def test_a_store_canonicalizes_numbers(store: ox.Store) -> None:
    result = run_query(store, "SELECT ?p { city:zz-example schema:population ?p }")
    (solution,) = list(result.result)
    assert solution["p"] == ox.Literal("1000", datatype=ox.NamedNode(XSD + "double"))


SELECT_NAMES = "SELECT ?thing ?name { ?thing schema:name ?name } ORDER BY ?thing ?name"


@pytest.mark.parametrize("name", ["json", "xml", "tsv"])
def test_select_results_parse_back(store: ox.Store, name: str) -> None:
    written = run_query(store, SELECT_NAMES).write(name)
    parsed = ox.parse_query_results(written, format=getattr(ox.QueryResultsFormat, name.upper()))
    expected = list(run_query(store, SELECT_NAMES).result)
    assert [list(s) for s in parsed] == [list(s) for s in expected]


def test_select_csv_is_rfc4180_with_plain_values(store: ox.Store) -> None:
    written = run_query(store, SELECT_NAMES).write("csv").decode("utf-8")
    rows = list(csv.reader(io.StringIO(written)))
    assert rows[0] == ["thing", "name"]
    assert ["https://w3id.org/learningcity/id/city/kr-yongsan-gu", "용산구"] in rows


@pytest.mark.parametrize("name", ["json", "xml", "tsv"])
def test_ask_parses_back(store: ox.Store, name: str) -> None:
    for text, answer in (
        ("ASK { ?s schema:leader ?o }", True),
        ("ASK { ?s a ?nothing . FILTER(false) }", False),
    ):
        written = run_query(store, text).write(name)
        parsed = ox.parse_query_results(
            written, format=getattr(ox.QueryResultsFormat, name.upper())
        )
        assert bool(parsed) is answer


def test_ask_as_table_and_csv(store: ox.Store) -> None:
    assert run_query(store, "ASK { ?s schema:leader ?o }").write("table") == b"true\n"
    assert run_query(store, "ASK { ?s schema:foo ?o }").write("csv") == b"false\n"


@pytest.mark.parametrize("syntax", SYNTAXES, ids=lambda s: s.name)
def test_graph_results_parse_back_in_every_syntax(store: ox.Store, syntax: object) -> None:
    text = "CONSTRUCT WHERE { city:kr-yongsan-gu ?p ?o }"
    expected = set(run_query(store, text).result)
    written = run_query(store, text).write(syntax.name)
    readable = inline_bundled_context(written) if syntax.name == "jsonld" else written
    parsed = {q.triple for q in ox.parse(readable, format=syntax.oxigraph)}
    assert parsed == expected
    assert written == run_query(store, text).write(syntax.name)


def test_graph_json_means_json_ld_and_xml_means_rdf_xml(store: ox.Store) -> None:
    text = "DESCRIBE city:kr-yongsan-gu"
    assert run_query(store, text).write("json") == run_query(store, text).write("jsonld")
    document = json.loads(run_query(store, text).write("jsonld"))
    assert document["@context"] == context_document()["@context"], "inline: read offline"
    assert run_query(store, text).write("xml").startswith(b"<?xml")


def test_results_formats_do_not_take_rdf_syntaxes(store: ox.Store) -> None:
    with pytest.raises(InputError, match="--format turtle: a SELECT result"):
        run_query(store, SELECT_NAMES).write("turtle")


def test_every_output_format_works_for_its_forms(store: ox.Store) -> None:
    for name in OUTPUT_FORMATS:
        if name in ("csv", "tsv"):
            with pytest.raises(InputError, match=f"--format {name}: a DESCRIBE result is a graph"):
                run_query(store, "DESCRIBE city:kr-yongsan-gu").write(name)
        else:
            assert run_query(store, "DESCRIBE city:kr-yongsan-gu").write(name)
        if name in ("table", "json", "xml", "csv", "tsv"):
            assert run_query(store, SELECT_NAMES).write(name)


def test_the_table_aligns_korean_by_display_width(store: ox.Store) -> None:
    lines = run_query(store, SELECT_NAMES).write("table").decode("utf-8").splitlines()
    assert lines[-1] == "5 rows"
    bar_columns = {
        display_width(line[: line.index(" | ")]) for line in lines[2:-1] if " | " in line
    }
    assert len(bar_columns) == 1
    assert lines[0].startswith("thing ")
    assert "city:kr-yongsan-gu" in lines[2] and "용산구@ko" in "".join(lines)
    assert display_width("용산구") == 6


def test_the_table_keeps_one_line_per_row(store: ox.Store) -> None:
    text = "SELECT ?d { city:kr-yongsan-gu schema:description ?d }"
    table = run_query(store, text).write("table").decode("utf-8")
    assert "A district of Seoul.\\nSecond line.@en" in table
    assert table.count("\n") == 4


def test_the_table_shows_datatypes_that_are_not_plain(store: ox.Store) -> None:
    text = (
        "SELECT ?date ?pop "
        "{ city:kr-yongsan-gu schema:foundingDate ?date ; schema:population ?pop }"
    )
    table = run_query(store, text).write("table").decode("utf-8")
    assert "1944-10-23^^xsd:date | 217194" in table


def test_output_is_deterministic(store: ox.Store) -> None:
    for name in ("table", "json", "csv"):
        assert run_query(store, SELECT_NAMES).write(name) == run_query(store, SELECT_NAMES).write(
            name
        )


# --- parameters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "term"),
    [
        ("iri", "city:kr-yongsan-gu", YONGSAN),
        ("iri", "<https://example.org/a>", ox.NamedNode("https://example.org/a")),
        ("string", 'a "quoted" value', ox.Literal('a "quoted" value')),
        ("lang-string", "용산구@ko", ox.Literal("용산구", language="ko")),
        (
            "lang-string",
            "e-mail@example.org@en-GB",
            ox.Literal("e-mail@example.org", language="en-gb"),
        ),
        ("integer", "-42", ox.Literal("-42", datatype=ox.NamedNode(XSD + "integer"))),
        ("decimal", "2.5", ox.Literal("2.5", datatype=ox.NamedNode(XSD + "decimal"))),
        ("date", "2016-10-01", ox.Literal("2016-10-01", datatype=ox.NamedNode(XSD + "date"))),
        ("year", "2016", ox.Literal("2016", datatype=ox.NamedNode(XSD + "gYear"))),
        ("boolean", "False", ox.Literal("false", datatype=ox.NamedNode(XSD + "boolean"))),
    ],
)
def test_parameters_become_typed_terms(kind: str, value: str, term: object) -> None:
    assert parse_param(Param("x", kind), value) == term


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("iri", "not an iri"),
        ("iri", ":thing"),
        ("iri", "http://exa mple.org/"),
        ("iri", "relative/path"),
        ("lang-string", "no language"),
        ("lang-string", "text@not a tag"),
        ("integer", "1.5"),
        ("integer", "ten"),
        ("decimal", "1e3"),
        ("date", "2016-02-30"),
        ("date", "01/10/2016"),
        ("year", "16"),
        ("boolean", "yes"),
    ],
)
def test_wrong_parameters_are_refused_naming_the_parameter(kind: str, value: str) -> None:
    with pytest.raises(InputError, match=rf"^--param since={value}: not a valid {kind} \("):
        parse_param(Param("since", kind), value)


#: A value of each parameter type and the term it must become.
PARSED = {
    "iri": (
        "city:kr-yongsan-gu",
        ox.NamedNode("https://w3id.org/learningcity/id/city/kr-yongsan-gu"),
    ),
    "string": ("용산구", ox.Literal("용산구")),
    "lang-string": ("용산구@KO", ox.Literal("용산구", language="ko")),
    "integer": ("-7", ox.Literal("-7", datatype=ox.NamedNode(XSD + "integer"))),
    "decimal": ("2.5", ox.Literal("2.5", datatype=ox.NamedNode(XSD + "decimal"))),
    "date": ("2016-10-01", ox.Literal("2016-10-01", datatype=ox.NamedNode(XSD + "date"))),
    "year": ("2016", ox.Literal("2016", datatype=ox.NamedNode(XSD + "gYear"))),
    "boolean": ("TRUE", ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))),
}


def test_every_parameter_type_has_a_parser() -> None:
    assert set(PARSED) == set(PARAM_TYPES)
    for kind, (value, term) in PARSED.items():
        assert parse_param(Param("x", kind), value) == term, kind


def test_named_query_headers() -> None:
    names = read_named_query(QUERIES / "names.rq")
    assert names.title == "Names of a thing"
    assert names.description == "Every name of one resource, in every language."
    assert names.params == (
        Param("thing", "iri", "city:kr-yongsan-gu"),
        Param("lang", "string", "en"),
    )
    assert [q.name for q in list_named_queries(QUERIES)] == [
        "bigger-than",
        "names",
        "typed",
        "with-name",
    ]


def test_binding_uses_defaults_and_checks_names() -> None:
    names = named_query("names", QUERIES)
    assert names.bind({}) == {"thing": YONGSAN, "lang": ox.Literal("en")}
    with pytest.raises(InputError, match=r"^--param colour: query 'names' has no such parameter"):
        names.bind({"colour": "red"})
    with pytest.raises(InputError, match=r"^--param name: query 'with-name' needs it"):
        named_query("with-name", QUERIES).bind({})


def test_an_unknown_named_query_lists_the_known_ones() -> None:
    with pytest.raises(InputError, match=r"no such named query \(available: bigger-than, names,"):
        named_query("nope", QUERIES)
    with pytest.raises(InputError, match="no such named query"):
        named_query("../city", QUERIES)


def test_a_bad_param_declaration_names_the_file(tmp_path: object) -> None:
    path = tmp_path / "bad.rq"
    path.write_text("#+ param: since when\nSELECT * {}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.rq: '#\+ param: since when' should read"):
        read_named_query(path)


def test_parameters_are_bound_locally(store: ox.Store) -> None:
    query = named_query("bigger-than", QUERIES)
    result = run_query(store, query.text, substitutions=query.bind({"min": "5000"}))
    assert [s["place"] for s in result.result] == [YONGSAN]


HOSTILE = 'x" } UNION { ?thing ?p ?name } #'


def test_substitution_is_injection_safe_locally(store: ox.Store) -> None:
    query = named_query("with-name", QUERIES)
    value = HOSTILE + "@en"
    result = run_query(store, query.text, substitutions=query.bind({"name": value}))
    assert list(result.result) == []


def test_textual_substitution_writes_terms_not_text(store: ox.Store) -> None:
    query = named_query("with-name", QUERIES)
    bindings = query.bind({"name": HOSTILE + "\nDROP ALL@en"})
    text = substitute_text(check_query(query.text), bindings)
    assert inspect_query(text) == "SELECT"
    assert list(run_query(store, text).result) == []
    assert "(" + str(bindings["name"]) + " AS ?name)" in text


def test_textual_and_local_substitution_agree(store: ox.Store) -> None:
    for query in list_named_queries(QUERIES):
        values = {"name": "용산구@ko"} if query.name == "with-name" else {}
        bindings = query.bind(values)
        local = run_query(store, query.text, substitutions=bindings).write("json")
        textual = run_query(store, substitute_text(check_query(query.text), bindings)).write("json")
        assert local == textual, query.name


def test_a_parameter_cannot_be_an_as_target() -> None:
    with pytest.raises(InputError, match=r"parameter \?x cannot be the target of AS"):
        substitute_text(check_query("SELECT (1 AS ?x) {}"), {"x": ox.Literal("a")})


def test_the_prologue_adds_only_used_undeclared_prefixes() -> None:
    text = "PREFIX city: <http://other/>\nSELECT * { city:a schema:name ?n ; lc:x _:b }"
    assert prologue(check_query(text)) + text == (
        "PREFIX lc: <https://w3id.org/learningcity/ontology#>\n"
        "PREFIX schema: <https://schema.org/>\n" + text
    )


# --- remote errors (the endpoint itself is exercised in tests/cli/test_query.py) --------------


def test_an_unreachable_endpoint_is_one_line() -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(InputError, match=rf"^POST {url}: cannot connect \("):
        run_remote(url, "ASK {}", timeout=5)


def test_an_endpoint_must_be_http() -> None:
    with pytest.raises(InputError, match="give an http:// or https:// URL"):
        run_remote("file:///etc/passwd", "ASK {}")


def test_a_triple_term_in_an_expression_holds_terms() -> None:
    """`<<( <s> <p> <o> )>>` in a BIND is a triple term: its IRIs are IRIs, not less-than."""
    text = "SELECT ?t { BIND(<<( <http://e/s> <http://e/p> <http://e/o> )>> AS ?t) }"
    assert [t.kind for t in tokenize(text) if t.text.startswith("<http")] == ["iri"] * 3
    assert inspect_query(text) == "SELECT"


def test_less_than_before_a_triple_term_opener_is_less_than() -> None:
    """`?o<<a>` is `?o < <a>`, and `<<<a>` is `<<` then `<a>`: no bracket is left open."""
    texts = [t.text for t in tokenize("FILTER(?o<<http://e/a>)") if t.kind != "ws"]
    assert texts == ["FILTER", "(", "?o", "<", "<http://e/a>", ")"]
    with pytest.raises(InputError, match="less-than or as an IRI"):
        inspect_query("SELECT * { <<<http://e/s> <http://e/p> 1>> ?p ?o FILTER(1<2)SERVICE:x#>\n}")
