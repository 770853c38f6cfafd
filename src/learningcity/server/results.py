"""SPARQL results written with a row cap, by Oxigraph's own writers (W3C SPARQL 1.2 Results).

Oxigraph's writers take the whole result iterator and have no row limit, and a Python object
per term is what made answers slow (a 300-row JSON answer: 21 ms written here term by term,
2.4 ms by Oxigraph, the query's evaluation included). So the cap is counted in Oxigraph's own
bytes: the solutions are written as TSV, which has one line per solution (its writer escapes
line breaks inside literals), into `_RowCut`, which keeps the head line and the first
`max_rows` lines and stops the writer at the next. TSV carries every term whole (blank-node
labels, datatypes, directions, triple terms), so it is parsed back (in Rust) and written in
the format asked for; the capped TSV itself is the TSV answer. The cap is announced in the
`X-SPARQL-MaxRows` header, the convention DBpedia's Virtuoso uses, since none of the result
formats can say "truncated".

Oxigraph evaluates RDF 1.2, so a binding may be a triple term (`<<( s p o )>>`) or a literal
with a base direction (`"x"@ar--rtl`); its writers give JSON `"type": "triple"` and `"its:dir"`,
XML `<triple>` and `its:dir`, TSV the Turtle form. CSV is written here (Oxigraph's CSV writes a
triple term as its three values run together, which reads back as a plain string): values only,
a triple term in its Turtle form as text. ASK in CSV and TSV is a one-column table of its own
(`_askResult`), as before; Oxigraph writes a bare `true`.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Sequence

import pyoxigraph as ox

from learningcity.formats import RESULTS_FORMATS
from learningcity.oxigraph import results_bytes

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = Sequence[Term | None]
TSV = ox.QueryResultsFormat.TSV
ASK_VARIABLE = "_askResult"
OXIGRAPH_FORMATS = {f.name: f.oxigraph for f in RESULTS_FORMATS}


class _Full(Exception):
    """Raised by `_RowCut` into Oxigraph's writer: the rows wanted are in, stop writing."""


class _RowCut:
    """A binary file for an Oxigraph writer of one line per row (TSV: after a head line;
    N-Triples) keeping the first `rows` rows at most.

    `truncated` is set when the writer had more to write. Oxigraph writes in 8 KiB chunks and
    may write again after the exception (dropping its buffer): those writes are refused too.
    """

    def __init__(self, rows: int, head_lines: int) -> None:
        self.parts: list[bytes] = []
        self.lines_left = rows + head_lines
        self.truncated = False

    def write(self, chunk: bytes) -> int:
        if self.truncated:
            raise _Full
        if not chunk:
            return 0
        newlines = chunk.count(b"\n")
        if newlines < self.lines_left or (newlines == self.lines_left and chunk[-1:] == b"\n"):
            self.parts.append(chunk)
            self.lines_left -= newlines
            return len(chunk)
        if self.lines_left > 0:
            end = -1
            for _ in range(self.lines_left):
                end = chunk.index(b"\n", end + 1)
            self.parts.append(chunk[: end + 1])
            self.lines_left = 0
        self.truncated = True
        raise _Full

    def flush(self) -> None:
        """Nothing to flush: the parts are kept in memory."""


def capped_tsv(solutions: ox.QuerySolutions, max_rows: int) -> tuple[bytes, bool]:
    """The first `max_rows` solutions as Oxigraph's TSV, and whether there were more.

    Errors while the solutions are computed (a type error Oxigraph raises, a store error)
    come out as they are; only the cut is swallowed."""
    cut = _RowCut(max_rows, head_lines=1)
    with contextlib.suppress(_Full):
        # pyoxigraph writes to any object with write(); its stubs ask for IO[bytes]
        solutions.serialize(cut, format=TSV)  # type: ignore[arg-type]
    return b"".join(cut.parts), cut.truncated


def capped_ntriples(triples: ox.QueryTriples, max_rows: int) -> tuple[bytes, bool]:
    """The first `max_rows` triples of a CONSTRUCT or DESCRIBE as Oxigraph's N-Triples (one
    line each: its writer escapes line breaks), and whether there were more; as `capped_tsv`."""
    cut = _RowCut(max_rows, head_lines=0)
    with contextlib.suppress(_Full):
        triples.serialize(cut, format=ox.RdfFormat.N_TRIPLES)  # type: ignore[arg-type]  # as above
    return b"".join(cut.parts), cut.truncated


def from_tsv(tsv: bytes) -> ox.QuerySolutions:
    """Solutions back from `capped_tsv`'s bytes, for the other formats and the HTML table."""
    parsed = ox.parse_query_results(tsv, TSV)
    assert isinstance(parsed, ox.QuerySolutions)
    return parsed


def rows_of(solutions: ox.QuerySolutions) -> tuple[list[str], list[list[Term | None]]]:
    """(variables, rows of terms); a solution is read by position (by name it was ~5x slower)."""
    variables = [v.value for v in solutions.variables]
    width = range(len(variables))
    return variables, [[row[i] for i in width] for row in solutions]


def write_solutions(solutions: ox.QuerySolutions, name: str, max_rows: int) -> tuple[bytes, bool]:
    """The first `max_rows` solutions in the results format `name`, and whether rows were cut."""
    tsv, truncated = capped_tsv(solutions, max_rows)
    if name == "tsv":
        return tsv, truncated
    parsed = from_tsv(tsv)
    if name == "csv":
        return write_csv(*rows_of(parsed)), truncated
    return results_bytes(parsed, OXIGRAPH_FORMATS[name]), truncated


def write_boolean(answer: ox.QueryBoolean, name: str) -> bytes:
    """An ASK answer in the results format `name`."""
    value = "true" if answer else "false"
    if name == "csv":
        return f"{ASK_VARIABLE}\r\n{value}\r\n".encode()
    if name == "tsv":
        return f"?{ASK_VARIABLE}\n{value}\n".encode()
    return results_bytes(answer, OXIGRAPH_FORMATS[name])


def term_text(term: Term) -> str:
    """A term in its Turtle/SPARQL form, a triple term as `<<( s p o )>>` (CSV, HTML)."""
    return f"<<( {term} )>>" if isinstance(term, ox.Triple) else str(term)


def write_csv(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    """CSV carries values only (no datatypes or languages), as the W3C note specifies."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
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
