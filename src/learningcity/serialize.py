"""Deterministic output: the same graph always gives the same bytes, in every syntax.

Blank nodes get canonical labels (RDFC-1.0) and statements are sorted before any writer sees
them, so two exports of one graph are byte-identical and diffs of the data stay reviewable.
Turtle is written by our own writer (subjects grouped, `rdf:type` first, objects sorted, only the
prefixes in use); the other syntaxes by Oxigraph from the sorted statements.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import groupby

import pyoxigraph as ox

from learningcity.blanknodes import refuse_tangles
from learningcity.formats import RdfSyntax
from learningcity.namespaces import (
    GEN_DELIMS,
    STANDARD_PREFIXES,
    iri_head,
    namespace_cuts,
    prefixes,
)
from learningcity.terms import RDF_TYPE

XSD = STANDARD_PREFIXES["xsd"]
_SAFE_LOCAL = re.compile(r"^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?)?$")
_BARE_LITERALS = {
    XSD + "integer": re.compile(r"^[+-]?[0-9]+$"),
    XSD + "decimal": re.compile(r"^[+-]?[0-9]*\.[0-9]+$"),
    XSD + "double": re.compile(r"^[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+$"),
    XSD + "boolean": re.compile(r"^(?:true|false)$"),
}
_LINE_WIDTH = 100

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def canonical_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """Quads with canonical blank-node labels, in a stable order, each once (parsed files may
    repeat a statement). The one place labels are decided: data whose labelling would take too
    long (`learningcity.blanknodes`) is refused here, before Oxigraph starts."""
    quads = list(quads)
    if any(_has_blank_node(q) for q in quads):
        refuse_tangles(quads)
        dataset = ox.Dataset(quads)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        quads = list(dataset)
    ordered = sorted(quads, key=_quad_key)
    return [q for i, q in enumerate(ordered) if i == 0 or q != ordered[i - 1]]  # duplicates once


def _has_blank_node(quad: ox.Quad) -> bool:
    return any(isinstance(t, ox.BlankNode) for t in (quad.subject, quad.object, quad.graph_name))


def _quad_key(quad: ox.Quad) -> tuple[str, str, str, str]:
    graph = "" if isinstance(quad.graph_name, ox.DefaultGraph) else str(quad.graph_name)
    return (graph, str(quad.subject), str(quad.predicate), str(quad.object))


def serialize(
    quads: Iterable[ox.Quad], syntax: RdfSyntax, namespaces: dict[str, str] | None = None
) -> bytes:
    """Write quads in `syntax`. Graph-only syntaxes take the default graph and refuse others."""
    if syntax.name == "nt":
        return _sorted_ntriples(quads)
    ordered = canonical_quads(quads)
    namespaces = prefixes() if namespaces is None else namespaces
    if syntax.holds_datasets:
        return ox.serialize(
            ordered, format=syntax.oxigraph, prefixes=used_prefixes(ordered, namespaces)
        )
    triples = [q.triple for q in ordered if isinstance(q.graph_name, ox.DefaultGraph)]
    if len(triples) != len(ordered):
        from learningcity.errors import InputError

        raise InputError(
            f"the data has named graphs, which {syntax.label} cannot hold; "
            "export as trig or nquads instead"
        )
    if syntax.name == "turtle":
        return TurtleWriter(namespaces).write(triples).encode("utf-8")
    if syntax.name == "n3" and any(isinstance(t.object, ox.Triple) for t in triples):
        from learningcity.errors import InputError

        raise InputError(  # Oxigraph writes `<<( … )>>` there, which no N3 reader takes
            "a CONSTRUCT made an RDF 1.2 triple term, which N3 cannot carry; "
            "write it as turtle, nt, nquads, trig or xml instead"
        )
    written = ox.serialize(
        triples, format=syntax.oxigraph, prefixes=used_prefixes(ordered, namespaces)
    )
    return _well_formed_xml(triples, written) if syntax.name == "xml" else written


#: What XML 1.0 cannot carry at all, not even as a character reference (outside its `Char`
#: production): C0 controls but tab, newline and carriage return, and U+FFFE, U+FFFF (Oxigraph's
#: strings are UTF-8, so no lone surrogate reaches here).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


#: The end of a predicate IRI that RDF/XML can write: an element name is a namespace and a
#: local name, which starts with a letter or `_` (`http://e/1` or `http://e/` has none).
_LOCAL_NAME = re.compile(r"[^\W\d][\w.\-]*$")


def _well_formed_xml(triples: list[ox.Triple], written: bytes) -> bytes:
    """Oxigraph's RDF/XML of `triples`, refused when XML cannot carry a literal or a predicate.

    Oxigraph writes such characters as they are, and such a predicate as an element named
    `oxprefix:`: no conforming XML parser reads either. It also writes a carriage return as it
    is, which XML parsers read as a newline; a CR byte can only come from a literal (the markup
    uses newlines and tabs), so it becomes `&#13;`.
    """
    for triple in triples:
        value = triple.object
        problem = None
        if isinstance(value, ox.Literal) and (bad := _NOT_XML.search(value.value)):
            where, code = f"{triple.subject} {triple.predicate}", ord(bad.group())
            problem = f"the literal of {where} holds U+{code:04X}"
        elif not _LOCAL_NAME.search(triple.predicate.value):
            problem = f"the predicate {triple.predicate} does not end in an XML name"
        if problem:
            from learningcity.errors import InputError

            raise InputError(
                f"cannot write RDF/XML: {problem}, which XML 1.0 cannot carry; "
                "export as Turtle, N-Triples or JSON-LD instead"
            )
    return written.replace(b"\r", b"&#13;")


def _sorted_ntriples(quads: Iterable[ox.Quad]) -> bytes:
    """N-Triples sorted line by line (see `sorted_lines`); named graphs are refused."""
    try:
        return sorted_lines(quads, ox.RdfFormat.N_TRIPLES)
    except ValueError:
        from learningcity.errors import InputError

        raise InputError(
            "the data has named graphs, which N-Triples cannot hold; "
            "export as trig or nquads instead"
        ) from None


def sorted_lines(quads: Iterable[ox.Quad], format: ox.RdfFormat) -> bytes:
    """N-Triples or N-Quads, each statement once, in an order that depends only on the data.

    Oxigraph writes the lines and Python sorts bytes: ~5x quicker than sorting quads by their
    terms at 1 million statements. For N-Triples this is the order of `canonical_quads` (every
    term ends in `>`, `"`, a tag or a datatype, followed by a space, so lines sort as their terms
    do). Blank-node labels must be canonical first, so data with blank nodes (rare in this
    project: IRIs are minted) takes the general path.
    """
    quads = quads if isinstance(quads, list) else list(quads)
    text = ox.serialize(quads, format=format)
    if b"_:" in text:  # perhaps a blank node (or just those two characters in a literal)
        return ox.serialize(canonical_quads(quads), format=format)
    return sort_lines(text)


def sort_lines(text: bytes) -> bytes:
    """The distinct lines of N-Triples or N-Quads `text`, sorted (see `sorted_lines`)."""
    lines = sorted(set(text.splitlines()))
    return b"\n".join(lines) + b"\n" if lines else b""


def iris_in(quads: Iterable[ox.Quad]) -> set[str]:
    """Every IRI the quads write: terms in any position and the literals' datatypes."""
    quads = quads if isinstance(quads, list) else list(quads)
    return {
        t.value
        for q in quads
        for t in (q.subject, q.predicate, q.object, q.graph_name)
        if isinstance(t, ox.NamedNode)
    } | {q.object.datatype.value for q in quads if isinstance(q.object, ox.Literal)}


def used_prefixes(quads: list[ox.Quad], namespaces: dict[str, str]) -> dict[str, str]:
    """Only the prefixes whose namespace starts some IRI of the data (short, stable headers)."""
    iris = iris_in(quads)
    heads = {head for head in map(iri_head, iris) if head is not None}
    starts = {head[:cut] for head in heads for cut in namespace_cuts(head)}
    return {
        p: ns
        for p, ns in namespaces.items()
        if ns in starts or (not ns.endswith(GEN_DELIMS) and any(i.startswith(ns) for i in iris))
    }


class TurtleWriter:
    """Readable, canonical Turtle: a subject block per resource, `a` first, sorted values."""

    def __init__(self, namespaces: dict[str, str]) -> None:
        self._by_length = sorted(namespaces.items(), key=lambda item: -len(item[1]))
        self._used: set[str] = set()

    @property
    def used_prefixes(self) -> set[str]:
        return set(self._used)

    def write(self, triples: list[ox.Triple]) -> str:
        blocks = [
            self._block(subject, list(group))
            for subject, group in groupby(triples, key=lambda t: t.subject)
        ]
        header = "".join(
            f"@prefix {name}: <{ns}> .\n"
            for name, ns in sorted(self._by_length)
            if name in self._used
        )
        return header + ("\n" if header and blocks else "") + "\n".join(blocks)

    def _block(self, subject: ox.NamedNode | ox.BlankNode, triples: list[ox.Triple]) -> str:
        by_predicate: dict[str, list[str]] = {}
        for triple in triples:
            key = "a" if triple.predicate == RDF_TYPE else self.term(triple.predicate)
            by_predicate.setdefault(key, []).append(self.term(triple.object))
        order = sorted(by_predicate, key=lambda p: (p != "a", p))
        lines = [self._predicate_line(p, sorted(by_predicate[p])) for p in order]
        return self.term(subject) + "\n" + " ;\n".join(lines) + " .\n"

    @staticmethod
    def _predicate_line(predicate: str, objects: list[str]) -> str:
        one_line = f"    {predicate} {', '.join(objects)}"
        if len(one_line) <= _LINE_WIDTH or len(objects) == 1:
            return one_line
        return f"    {predicate}\n        " + ",\n        ".join(objects)

    def term(self, term: Term) -> str:
        if isinstance(term, ox.NamedNode):
            return self.iri(term.value)
        if isinstance(term, ox.BlankNode):
            return f"_:{term.value}"
        if isinstance(term, ox.Literal):
            return self.literal(term)
        # A CONSTRUCT may make an RDF 1.2 triple term (data files holding one are refused when
        # read): written in Turtle 1.2's form, which Oxigraph reads back.
        parts = (self.term(term.subject), self.term(term.predicate), self.term(term.object))
        return f"<<( {' '.join(parts)} )>>"

    def iri(self, iri: str) -> str:
        for name, namespace in self._by_length:
            if iri.startswith(namespace) and _SAFE_LOCAL.match(iri[len(namespace) :]):
                self._used.add(name)
                return f"{name}:{iri[len(namespace) :]}"
        return f"<{iri}>"

    def literal(self, literal: ox.Literal) -> str:
        if literal.language:  # with its base direction, if any (`"x"@ar--rtl`)
            return str(literal)
        quoted = str(ox.Literal(literal.value))
        datatype = literal.datatype.value
        if datatype == XSD + "string":
            return quoted
        bare = _BARE_LITERALS.get(datatype)
        if bare and bare.match(literal.value):
            return literal.value
        return f"{quoted}^^{self.iri(datatype)}"


def to_turtle(quads: Iterable[ox.Quad], namespaces: dict[str, str] | None = None) -> str:
    from learningcity.formats import syntax_named

    return serialize(quads, syntax_named("turtle"), namespaces).decode("utf-8")
