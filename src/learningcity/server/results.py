"""SPARQL results written with a row cap: JSON, XML, CSV and TSV (W3C SPARQL 1.2 Results).

Oxigraph's own writers take the whole result iterator, so a capped result is written here from
the first rows. The cap is announced in the `X-SPARQL-MaxRows` header, the convention DBpedia's
Virtuoso uses, since none of the result formats can say "truncated".

Oxigraph evaluates RDF 1.2, so a binding may be a triple term (`<<( s p o )>>`) or a literal
with a base direction (`"x"@ar--rtl`). Each format writes them as SPARQL 1.2 says: JSON
`"type": "triple"` and `"its:dir"`, XML `<triple>` and `its:dir`, TSV the Turtle form, CSV
that same form as text. The JSON form is also read back (`term_from_json`, for the HTML table).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = Sequence[Term | None]
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
TRIPLE_PARTS = ("subject", "predicate", "object")
ITS = "http://www.w3.org/2005/11/its"
DIRECTIONS = {"ltr": ox.BaseDirection.LTR, "rtl": ox.BaseDirection.RTL}


def _json_term(term: Term) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        parts = zip(TRIPLE_PARTS, (term.subject, term.predicate, term.object), strict=True)
        return {"type": "triple", "value": {name: _json_term(part) for name, part in parts}}
    cell: dict[str, object] = {"type": "literal", "value": term.value}
    if term.language:
        cell["xml:lang"] = term.language
        if term.direction is not None:
            cell["its:dir"] = str(term.direction)
    elif term.datatype.value != XSD_STRING:
        cell["datatype"] = term.datatype.value
    return cell


def term_from_json(cell: dict[str, object]) -> Term:
    """The term a SPARQL JSON cell (as `write_json` writes it) stands for."""
    value = cell["value"]
    if cell["type"] == "uri":
        return ox.NamedNode(str(value))
    if cell["type"] == "bnode":
        return ox.BlankNode(str(value))
    if cell["type"] == "triple" and isinstance(value, dict):
        subject, predicate, object_ = (term_from_json(value[name]) for name in TRIPLE_PARTS)
        return ox.Triple(subject, predicate, object_)  # type: ignore[arg-type]
    if "xml:lang" in cell:
        direction = DIRECTIONS.get(str(cell.get("its:dir")))
        return ox.Literal(str(value), language=str(cell["xml:lang"]), direction=direction)
    datatype = cell.get("datatype")
    return ox.Literal(str(value), datatype=ox.NamedNode(str(datatype)) if datatype else None)


def term_text(term: Term) -> str:
    """A term in its Turtle/SPARQL form, a triple term as `<<( s p o )>>` (TSV, CSV, HTML)."""
    return f"<<( {term} )>>" if isinstance(term, ox.Triple) else str(term)


def write_json(variables: Sequence[str], rows: Sequence[Row] | None, boolean: bool | None) -> bytes:
    if rows is None:
        return json.dumps({"head": {}, "boolean": boolean}).encode()
    bindings = [
        {name: _json_term(term) for name, term in zip(variables, row, strict=True) if term}
        for row in rows
    ]
    document = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        parts = zip(TRIPLE_PARTS, (term.subject, term.predicate, term.object), strict=True)
        inner = "".join(f"<{name}>{_xml_term(part)}</{name}>" for name, part in parts)
        return f"<triple>{inner}</triple>"
    if term.language:
        direction = "" if term.direction is None else f" its:dir={quoteattr(str(term.direction))}"
        language = quoteattr(term.language)
        return f"<literal xml:lang={language}{direction}>{escape(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def write_xml(variables: Sequence[str], rows: Sequence[Row] | None, boolean: bool | None) -> bytes:
    parts = [
        '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"'
        f" xmlns:its={quoteattr(ITS)}>\n<head>"
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


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return term_text(term)
    return term.value


def write_tsv(variables: Sequence[str], rows: Sequence[Row] | None, boolean: bool | None) -> bytes:
    """TSV carries terms in their SPARQL/N-Triples form."""
    if rows is None:
        return f"?_askResult\n{'true' if boolean else 'false'}\n".encode()
    lines = ["\t".join(f"?{name}" for name in variables)]
    lines += ["\t".join("" if term is None else term_text(term) for term in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


WRITERS = {"json": write_json, "xml": write_xml, "csv": write_csv, "tsv": write_tsv}
