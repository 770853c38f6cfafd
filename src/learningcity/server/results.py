"""SPARQL results written with a row cap: JSON, XML, CSV and TSV (W3C SPARQL 1.1 Results).

Oxigraph's own writers take the whole result iterator, so a capped result is written here from
the first rows. The cap is announced in the `X-SPARQL-MaxRows` header, the convention DBpedia's
Virtuoso uses, since none of the result formats can say "truncated".
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

Row = Sequence[ox.NamedNode | ox.BlankNode | ox.Literal | None]
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

RESULT_MEDIA_TYPES: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}


def _json_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if not isinstance(term, ox.Literal):
        raise ValueError(f"RDF-star terms are not supported in results: {term}")
    cell = {"type": "literal", "value": term.value}
    if term.language:
        cell["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        cell["datatype"] = term.datatype.value
    return cell


def write_json(variables: Sequence[str], rows: Sequence[Row] | None, boolean: bool | None) -> bytes:
    if rows is None:
        return json.dumps({"head": {}, "boolean": boolean}).encode()
    bindings = [
        {name: _json_term(term) for name, term in zip(variables, row, strict=True) if term}
        for row in rows
    ]
    document = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def _xml_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def write_xml(variables: Sequence[str], rows: Sequence[Row] | None, boolean: bool | None) -> bytes:
    parts = [
        '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>'
    ]
    parts += [f"<variable name={quoteattr(name)}/>" for name in variables]
    parts.append("</head>\n")
    if rows is None:
        parts.append(f"<boolean>{'true' if boolean else 'false'}</boolean>\n")
    else:
        parts.append("<results>\n")
        for row in rows:
            cells = "".join(
                f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>"
                for name, term in zip(variables, row, strict=True)
                if term
            )
            parts.append(f"<result>{cells}</result>\n")
        parts.append("</results>\n")
    parts.append("</sparql>\n")
    return "".join(parts).encode()


def write_csv(variables: Sequence[str], rows: Sequence[Row] | None, boolean: bool | None) -> bytes:
    """CSV carries values only (no datatypes or languages), as the W3C note specifies."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if rows is None:
        writer.writerow(["_askResult"])
        writer.writerow(["true" if boolean else "false"])
    else:
        writer.writerow(variables)
        writer.writerows([_csv_value(term) for term in row] for row in rows)
    return buffer.getvalue().encode()


def _csv_value(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def write_tsv(variables: Sequence[str], rows: Sequence[Row] | None, boolean: bool | None) -> bytes:
    """TSV carries terms in their SPARQL/N-Triples form."""
    if rows is None:
        return f"?_askResult\n{'true' if boolean else 'false'}\n".encode()
    lines = ["\t".join(f"?{name}" for name in variables)]
    lines += ["\t".join("" if term is None else str(term) for term in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


WRITERS = {"json": write_json, "xml": write_xml, "csv": write_csv, "tsv": write_tsv}
