"""A query's answer and how it is written: the W3C results formats, RDF syntaxes, the table."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from learningcity.compaction import PREFIXED_NAME, Compactor
from learningcity.errors import InputError
from learningcity.formats import (
    RESULTS_FORMAT_NAMES,
    RESULTS_FORMATS,
    SYNTAX_NAMES,
    format_for,
    syntax_named,
)
from learningcity.oxigraph import results_bytes
from learningcity.query.lexer import (
    XSD,
    Form,
    Term,
    default_prefixes,
)
from learningcity.serialize import serialize


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


# --------------------------------------------------------------------------------------------
# Writing results
# --------------------------------------------------------------------------------------------

#: Every `--format` value: table, the W3C results formats, and the RDF syntaxes for graphs.
OUTPUT_FORMATS: tuple[str, ...] = (
    "table",
    *RESULTS_FORMAT_NAMES,
    *(name for name in SYNTAX_NAMES if name != "xml"),
)


def write_result(
    query_result: QueryResult, format_name: str, namespaces: dict[str, str] | None = None
) -> bytes:
    """Serialize a result: SELECT/ASK in table, json, xml, csv, tsv; graphs in RDF syntaxes.

    For CONSTRUCT/DESCRIBE, `json` means JSON-LD (compacted against the project's context, as
    `learningcity export` writes it) and `xml` RDF/XML; `table` lists the triples.
    """
    namespaces = default_prefixes() if namespaces is None else namespaces
    if query_result.is_graph:
        triples = query_result.result
        assert isinstance(triples, list)
        if format_name == "table":
            rows = [[t.subject, t.predicate, t.object] for t in sorted(triples, key=str)]
            return render_table(["subject", "predicate", "object"], rows, namespaces)
        if format_name in ("csv", "tsv"):
            raise InputError(
                f"--format {format_name}: a {query_result.form} result is a graph; "
                f"write it as table or an RDF syntax ({', '.join(SYNTAX_NAMES)})"
            )
        syntax = syntax_named(format_name)  # `json` names JSON-LD here, `xml` RDF/XML
        quads = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
        if syntax.name == "jsonld":
            from learningcity.jsonld import write_jsonld  # only JSON-LD output pays its import

            return write_jsonld(quads)
        return serialize(quads, syntax, namespaces)
    result = query_result.result
    assert isinstance(result, ox.QuerySolutions | ox.QueryBoolean)
    if format_name == "table":
        if isinstance(result, ox.QueryBoolean):
            return b"true\n" if result else b"false\n"
        variables = [v.value for v in result.variables]
        rows = [[solution[name] for name in variables] for solution in result]
        return render_table(variables, rows, namespaces)
    results_format = format_for(format_name, RESULTS_FORMATS)
    if results_format is None:
        raise InputError(
            f"--format {format_name}: a {query_result.form} result is written as "
            f"table, {', '.join(RESULTS_FORMAT_NAMES)}; RDF syntaxes are for CONSTRUCT and "
            "DESCRIBE"
        )
    written = results_bytes(result, results_format.oxigraph)
    return written if written.endswith(b"\n") else written + b"\n"


def display_width(text: str) -> int:
    """Columns a string takes on a terminal: wide East Asian characters (Hangul) count twice."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


_NUMERIC = {XSD + name for name in ("integer", "decimal", "double", "boolean")}
_CONTROL = str.maketrans({"\n": "\\n", "\r": "\\r", "\t": "\\t"})


def term_text(term: Term | None, names: Compactor) -> str:
    """A short, readable form of a term for the table: bare values, and IRIs as the prefixed
    names a query could use (`names`: `compaction.PREFIXED_NAME`)."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return _iri_text(term.value, names)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        value = term.value.translate(_CONTROL)
        if term.language:
            return f"{value}@{term.language}"
        datatype = term.datatype.value
        if datatype == XSD + "string" or datatype in _NUMERIC:
            return value
        return f"{value}^^{_iri_text(datatype, names)}"
    return f"<< {' '.join(term_text(t, names) for t in term)} >>"


def _iri_text(iri: str, names: Compactor) -> str:
    return names.compact(iri) or f"<{iri}>"


def render_table(
    header: list[str], rows: Sequence[Sequence[Term | None]], namespaces: Mapping[str, str]
) -> bytes:
    """An aligned text table with a row count, aligned by display width (Korean included)."""
    names = Compactor(namespaces, PREFIXED_NAME)
    cells = [[term_text(term, names) for term in row] for row in rows]
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
