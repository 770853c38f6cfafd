"""SPARQL over the data: read-only, no surprise network access, typed named queries.

Queries are evaluated by Oxigraph. Two safety checks happen *before* Oxigraph sees a query,
on the tokens of the query text (comments, strings, IRIs, prefixed names and variables are
skipped, so `ex:SERVICE`, `?service` or `"INSERT"` are harmless):

- SPARQL Update keywords are refused: this tool never changes data.
- `SERVICE` is refused unless the caller allows it. Oxigraph sends SERVICE requests from Rust
  code, where no Python audit hook or URL opener can stop them, so the only reliable place to
  refuse them is the query text itself.

Named queries live in `queries/*.rq` with a grlc-style header (`#+ title:`, `#+ description:`,
`#+ param: NAME TYPE [= DEFAULT]`); parameter values are checked against their type and become
RDF terms, never pasted into the query as text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Literal as TypingLiteral

import pyoxigraph as ox

from learningcity.errors import InputError
from learningcity.formats import SYNTAX_NAMES, syntax_named
from learningcity.load import position_message
from learningcity.namespaces import STANDARD_PREFIXES, prefixes
from learningcity.serialize import serialize

Form = TypingLiteral["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

FORMS: tuple[str, ...] = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD"}
)
XSD = STANDARD_PREFIXES["xsd"]

# --------------------------------------------------------------------------------------------
# Tokenizer: just enough of the SPARQL 1.1 lexical grammar to tell keywords from everything else.
# --------------------------------------------------------------------------------------------

_PN_PREFIX = r"[^\W\d_](?:[\w.\-\u00B7]*[\w\-\u00B7])?"
_PN_LOCAL_CHAR = r"(?:[\w\-:\u00B7]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_TOKEN_PATTERNS: tuple[tuple[str, str], ...] = (
    ("ws", r"\s+"),
    ("comment", r"#[^\r\n]*"),
    ("string", r"'''(?:[^'\\]|\\.|'(?!''))*'''"),
    ("string", r'"""(?:[^"\\]|\\.|"(?!""))*"""'),
    ("string", r"'(?:[^'\\\r\n]|\\.)*'"),
    ("string", r'"(?:[^"\\\r\n]|\\.)*"'),
    ("iri", r"<[^<>\"{}|^`\\\x00-\x20]*>"),
    ("var", r"[?$][\w\u00B7]+"),
    ("langtag", r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*"),
    (
        "pname",
        rf"(?:{_PN_PREFIX}|_)?:(?:{_PN_LOCAL_CHAR}(?:(?:{_PN_LOCAL_CHAR}|\.)*{_PN_LOCAL_CHAR})?)?",
    ),
    ("number", r"[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?"),
    ("word", r"[A-Za-z_][A-Za-z0-9_]*"),
    ("punct", r"\^\^|&&|\|\||!=|<=|>=|."),
)
_TOKEN_RE = re.compile(
    "|".join(f"(?P<{kind}{i}>{pattern})" for i, (kind, pattern) in enumerate(_TOKEN_PATTERNS)),
    re.DOTALL,
)
_UNTERMINATED = re.compile(r"'''|\"\"\"|['\"<]")


@dataclass(frozen=True)
class Token:
    """One lexical token; `line` and `column` are 1-based like Oxigraph's error positions."""

    kind: str
    text: str
    start: int
    line: int
    column: int

    @property
    def keyword(self) -> str | None:
        """The upper-cased word when this token is a bare keyword (`select`, `Service`)."""
        return self.text.upper() if self.kind == "word" else None


def tokenize(text: str, source: str = "query") -> list[Token]:
    """Split a query into tokens, whitespace and comments included (their offsets add up)."""
    tokens = []
    position = 0
    line = 1
    line_start = 0
    while position < len(text):
        match = _TOKEN_RE.match(text, position)
        assert match is not None  # the last pattern matches any character
        kind = re.sub(r"\d+$", "", match.lastgroup or "punct")
        token_text = match.group()
        if kind == "punct" and _UNTERMINATED.fullmatch(token_text) and token_text != "<":
            raise InputError(
                f"{source}:{line}:{position - line_start + 1}: unterminated string; close the quote"
            )
        tokens.append(Token(kind, token_text, position, line, position - line_start + 1))
        newlines = token_text.count("\n")
        if newlines:
            line += newlines
            line_start = position + token_text.rindex("\n") + 1
        position = match.end()
    return tokens


def _significant(tokens: list[Token]) -> Iterator[Token]:
    return (t for t in tokens if t.kind not in ("ws", "comment"))


def _check_tokens(text: str, allow_service: bool, source: str) -> Form:
    """The query form, after refusing updates and (unless allowed) SERVICE."""
    form: str | None = None
    for token in _significant(tokenize(text, source)):
        keyword = token.keyword
        if keyword in UPDATE_KEYWORDS:
            raise InputError(
                f"{source}:{token.line}:{token.column}: {keyword} is SPARQL Update; "
                "this is read-only; updates are refused"
            )
        if keyword == "SERVICE" and not allow_service:
            raise InputError(
                f"{source}:{token.line}:{token.column}: SERVICE would make a network request; "
                "pass --allow-service to allow it"
            )
        if form is None and keyword in FORMS:
            form = keyword
    if form is None:
        raise InputError(
            f"{source}: not a SPARQL query; expected SELECT, ASK, CONSTRUCT or DESCRIBE"
        )
    return form  # type: ignore[return-value]


def _has_service(text: str) -> bool:
    return any(t.keyword == "SERVICE" for t in tokenize(text))


def inspect_query(
    text: str, *, allow_service: bool = False, prefixes: bool = True, source: str = "query"
) -> Form:
    """The form of a read-only query ("SELECT", "ASK", "CONSTRUCT" or "DESCRIBE").

    Raises `InputError` for SPARQL Update, for SERVICE unless `allow_service`, and for syntax
    errors (`query:line:column: message`). The syntax is checked by parsing with Oxigraph over an
    empty store; a query that may use SERVICE is not parsed here, because Oxigraph would already
    send the request: its syntax is checked when it runs.
    """
    form = _check_tokens(text, allow_service, source)
    if not _has_service(text):
        _evaluate(ox.Store(), text, source, prefixes=prefixes)
    return form


# --------------------------------------------------------------------------------------------
# Running queries
# --------------------------------------------------------------------------------------------


def store_for(dataset: ox.Dataset) -> ox.Store:
    """An in-memory Oxigraph store holding `dataset`, for SPARQL.

    A Store keeps literals in canonical form: `"1e3"^^xsd:double` comes back as `1000` and
    `"01"^^xsd:integer` as `1`. Query results show canonical values; the `Dataset` from
    `learningcity.load` keeps the text as written, which is why exports do not go through a Store.
    """
    store = ox.Store()
    store.extend(dataset)
    return store


@dataclass
class QueryResult:
    """The outcome of one query: its form and Oxigraph's result object.

    `result` is `pyoxigraph.QuerySolutions` (SELECT), `pyoxigraph.QueryBoolean` (ASK) or a list
    of `pyoxigraph.Triple` (CONSTRUCT, DESCRIBE). Solutions are an iterator: write them once.
    """

    form: Form
    result: ox.QuerySolutions | ox.QueryBoolean | list[ox.Triple]

    @property
    def boolean(self) -> bool:
        if self.form != "ASK":
            raise ValueError(f"a {self.form} query has no boolean answer")
        return bool(self.result)

    @property
    def is_graph(self) -> bool:
        return self.form in ("CONSTRUCT", "DESCRIBE")

    def write(self, format_name: str, namespaces: dict[str, str] | None = None) -> bytes:
        return write_result(self, format_name, namespaces)


def _evaluate(
    store: ox.Store,
    text: str,
    source: str,
    *,
    prefixes: bool,
    substitutions: Mapping[str, Term] | None = None,
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    variables = {ox.Variable(name): term for name, term in (substitutions or {}).items()}
    try:
        return store.query(
            text,
            prefixes=_default_prefixes() if prefixes else None,
            substitutions=variables or None,
        )
    except SyntaxError as error:
        raise InputError(position_message(source, error)) from None
    except RuntimeError as error:
        if "does not contains variable" in str(error):
            raise InputError(
                f"{source}: a parameter must be a variable of the query's SELECT clause ({error})"
            ) from None
        raise InputError(f"{source}: the query failed: {error}") from None


@cache
def _default_prefixes() -> dict[str, str]:
    return prefixes()


def run_query(
    store: ox.Store,
    text: str,
    *,
    allow_service: bool = False,
    substitutions: Mapping[str, Term] | None = None,
    prefixes: bool = True,
    source: str = "query",
) -> QueryResult:
    """Run a read-only query on `store`.

    `substitutions` binds variables (by name, without `?`) to RDF terms the SEP-0007 way, so a
    value can never change the query's structure. `prefixes` makes the project's prefixes
    (`schema:`, `lc:`, `city:` ...) usable without PREFIX lines.
    """
    form = _check_tokens(text, allow_service, source)
    result = _evaluate(store, text, source, prefixes=prefixes, substitutions=substitutions)
    if isinstance(result, ox.QueryTriples):
        return QueryResult(form, list(result))
    return QueryResult(form, result)


# --------------------------------------------------------------------------------------------
# Writing results
# --------------------------------------------------------------------------------------------

RESULTS_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
#: Every `--format` value: table, the W3C results formats, and the RDF syntaxes for graphs.
OUTPUT_FORMATS: tuple[str, ...] = (
    "table",
    *RESULTS_FORMATS,
    *(name for name in SYNTAX_NAMES if name != "xml"),
)
_GRAPH_ALIASES = {"json": "jsonld", "xml": "xml"}


def write_result(
    query_result: QueryResult, format_name: str, namespaces: dict[str, str] | None = None
) -> bytes:
    """Serialize a result: SELECT/ASK in table, json, xml, csv, tsv; graphs in RDF syntaxes.

    For CONSTRUCT/DESCRIBE, `json` means JSON-LD and `xml` RDF/XML; `table` lists the triples.
    """
    namespaces = _default_prefixes() if namespaces is None else namespaces
    if query_result.is_graph:
        triples = query_result.result
        assert isinstance(triples, list)
        if format_name == "table":
            rows = [[t.subject, t.predicate, t.object] for t in sorted(triples, key=str)]
            return render_table(["subject", "predicate", "object"], rows, namespaces)
        syntax = syntax_named(_GRAPH_ALIASES.get(format_name, format_name))
        quads = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
        return serialize(quads, syntax, namespaces)
    result = query_result.result
    assert isinstance(result, ox.QuerySolutions | ox.QueryBoolean)
    if format_name == "table":
        if isinstance(result, ox.QueryBoolean):
            return b"true\n" if result else b"false\n"
        variables = [v.value for v in result.variables]
        rows = [[solution[name] for name in variables] for solution in result]
        return render_table(variables, rows, namespaces)
    if format_name not in RESULTS_FORMATS:
        raise InputError(
            f"--format {format_name}: a {query_result.form} result is written as "
            f"table, {', '.join(RESULTS_FORMATS)}; RDF syntaxes are for CONSTRUCT and DESCRIBE"
        )
    return result.serialize(format=RESULTS_FORMATS[format_name])


def display_width(text: str) -> int:
    """Columns a string takes on a terminal: wide East Asian characters (Hangul) count twice."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


_NUMERIC = {XSD + name for name in ("integer", "decimal", "double", "boolean")}
_CONTROL = str.maketrans({"\n": "\\n", "\r": "\\r", "\t": "\\t"})


def term_text(term: Term | None, namespaces: Mapping[str, str]) -> str:
    """A short, readable form of a term for the table: prefixed names, bare values."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return _compact(term.value, namespaces)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        value = term.value.translate(_CONTROL)
        if term.language:
            return f"{value}@{term.language}"
        datatype = term.datatype.value
        if datatype == XSD + "string" or datatype in _NUMERIC:
            return value
        return f"{value}^^{_compact(datatype, namespaces)}"
    return f"<< {' '.join(term_text(t, namespaces) for t in term)} >>"


def _compact(iri: str, namespaces: Mapping[str, str]) -> str:
    best = max(
        ((name, ns) for name, ns in namespaces.items() if iri.startswith(ns)),
        key=lambda item: len(item[1]),
        default=None,
    )
    if best is None or not re.fullmatch(r"[\w.\-]*", iri[len(best[1]) :]):
        return f"<{iri}>"
    return f"{best[0]}:{iri[len(best[1]) :]}"


def render_table(
    header: list[str], rows: list[list[Term | None]], namespaces: Mapping[str, str]
) -> bytes:
    """An aligned text table with a row count, aligned by display width (Korean included)."""
    cells = [[term_text(term, namespaces) for term in row] for row in rows]
    widths = [
        max([display_width(name), *(display_width(row[i]) for row in cells)])
        for i, name in enumerate(header)
    ]
    lines = [_table_line(header, widths), "-+-".join("-" * w for w in widths)]
    lines += [_table_line(row, widths) for row in cells]
    lines.append(f"{len(cells)} row{'' if len(cells) == 1 else 's'}")
    return ("\n".join(line.rstrip() for line in lines) + "\n").encode("utf-8")


def _table_line(values: list[str], widths: list[int]) -> str:
    return " | ".join(v + " " * (w - display_width(v)) for v, w in zip(values, widths, strict=True))
