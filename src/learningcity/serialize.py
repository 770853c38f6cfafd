"""Deterministic output: the same graph always gives the same bytes, in every syntax.

Blank nodes get canonical labels (RDFC-1.0) and statements are sorted before any writer sees
them, so two exports of one graph are byte-identical and diffs of the data stay reviewable.
Turtle is written by our own writer (subjects grouped in IRI order, `rdf:type` first, objects
sorted, blank nodes used once written inline, lists as lists, only the prefixes in use); the other
syntaxes by Oxigraph from the sorted statements.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import cached_property, lru_cache
from itertools import groupby

import pyoxigraph as ox

from learningcity.blanknodes import refuse_tangles
from learningcity.compaction import PREFIXED_NAME, Compactor
from learningcity.formats import RdfSyntax
from learningcity.namespaces import (
    GEN_DELIMS,
    STANDARD_PREFIXES,
    iri_head,
    namespace_cuts,
    prefixes,
)
from learningcity.oxigraph import serialized
from learningcity.terms import RDF_FIRST, RDF_NIL, RDF_REST, RDF_TYPE

XSD = STANDARD_PREFIXES["xsd"]
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
    if any(map(_has_blank_node, quads)):
        refuse_tangles(quads)
        quads = _canonically_labelled(quads)
    ordered = sorted(quads, key=_quad_key)
    return [q for i, q in enumerate(ordered) if i == 0 or q != ordered[i - 1]]  # duplicates once


def _has_blank_node(quad: ox.Quad) -> bool:
    for term in (quad.subject, quad.object, quad.graph_name):
        if isinstance(term, ox.BlankNode):
            return True
        if isinstance(term, ox.Triple) and _has_blank_node(ox.Quad(*term)):
            return True
    return False


#: The statements that stand for a triple term while blank nodes are labelled.
_TERM_PARTS = tuple(
    ox.NamedNode(f"urn:learningcity:triple-term:{part}")
    for part in ("subject", "predicate", "object")
)


def _canonically_labelled(quads: list[ox.Quad]) -> list[ox.Quad]:
    """RDFC-1.0 labels for every blank node, those inside triple terms too.

    Oxigraph's canonicalization leaves a blank node inside a triple term (RDF 1.2, which a
    CONSTRUCT can make) with the label it came with, so two labellings of one graph gave two
    outputs. Each triple term is labelled as a blank node holding its three parts (one node per
    distinct term), then rebuilt from the parts with their canonical labels.
    """
    standing: dict[ox.Triple, ox.BlankNode] = {}
    parts: list[ox.Quad] = []

    def stand_in(term: Term) -> Term:
        if not isinstance(term, ox.Triple):
            return term
        if term not in standing:
            node = standing[term] = ox.BlankNode()
            values = (stand_in(term.subject), term.predicate, stand_in(term.object))
            parts.extend(
                ox.Quad(node, part, v) for part, v in zip(_TERM_PARTS, values, strict=True)
            )
        return standing[term]

    flat = [
        ox.Quad(_subject(stand_in(q.subject)), q.predicate, stand_in(q.object), q.graph_name)
        for q in quads
    ]
    dataset = ox.Dataset(flat + parts)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    if not standing:
        return list(dataset)
    held: dict[Term, dict[ox.NamedNode, Term]] = {}
    for quad in dataset:
        if quad.predicate in _TERM_PARTS:
            held.setdefault(quad.subject, {})[quad.predicate] = quad.object

    def rebuilt(term: Term) -> Term:
        if term not in held:
            return term
        subject, predicate, value = (held[term][part] for part in _TERM_PARTS)
        assert isinstance(predicate, ox.NamedNode)  # it was one when the term was taken apart
        return ox.Triple(_subject(rebuilt(subject)), predicate, rebuilt(value))

    return [
        ox.Quad(_subject(rebuilt(q.subject)), q.predicate, rebuilt(q.object), q.graph_name)
        for q in dataset
        if q.predicate not in _TERM_PARTS
    ]


def _subject(term: Term) -> ox.NamedNode | ox.BlankNode | ox.Triple:
    """`term`, which stands where a subject stood (never a literal), typed as a subject."""
    assert not isinstance(term, ox.Literal)
    return term


def _quad_key(quad: ox.Quad) -> tuple[str, str]:
    """The graph's name, then the triple's N-Triples text (one string, a third of the cost),
    which sorts as its subject, predicate and object one after the other would: a subject's or
    predicate's text is a proper start of another's only for blank-node labels (`_:b`, `_:b1`:
    IRIs end at `>`), where the space after the shorter sorts first, as its end would."""
    graph = quad.graph_name
    if isinstance(graph, ox.DefaultGraph):
        return "", str(quad)
    return str(graph), str(quad.triple)


def serialize(
    quads: Iterable[ox.Quad], syntax: RdfSyntax, namespaces: dict[str, str] | None = None
) -> bytes:
    """Write quads in `syntax`. Graph-only syntaxes take the default graph and refuse others."""
    return Statements(quads, namespaces).write(syntax)


def serialize_each(
    quads: Iterable[ox.Quad],
    syntaxes: Iterable[RdfSyntax],
    namespaces: dict[str, str] | None = None,
) -> dict[str, bytes]:
    """The quads in each of `syntaxes` (by name), as `serialize` writes them: sorted, labelled
    and their prefixes found once for all (a site writes every resource in six syntaxes)."""
    statements = Statements(quads, namespaces)
    return {syntax.name: statements.write(syntax) for syntax in syntaxes}


class Statements:
    """Statements to write in one syntax or several: what every writer needs of them (the
    canonical order, the triples, the prefixes in use) is made once, when first needed."""

    def __init__(self, quads: Iterable[ox.Quad], namespaces: dict[str, str] | None = None) -> None:
        self.quads = quads if isinstance(quads, list) else list(quads)
        self.namespaces = prefixes() if namespaces is None else namespaces

    @cached_property
    def ordered(self) -> list[ox.Quad]:
        return canonical_quads(self.quads)

    @cached_property
    def prefixes_in_use(self) -> dict[str, str]:
        return used_prefixes(self.ordered, self.namespaces)

    @cached_property
    def triples(self) -> list[ox.Triple] | None:
        """The triples of the default graph, or None when there are named graphs too."""
        triples = [q.triple for q in self.ordered if isinstance(q.graph_name, ox.DefaultGraph)]
        return triples if len(triples) == len(self.ordered) else None

    def write(self, syntax: RdfSyntax) -> bytes:
        """The statements in `syntax`. Graph-only syntaxes refuse named graphs."""
        if syntax.name == "nt":
            return _sorted_ntriples(self.quads)
        if syntax.name == "turtle" and (plain := plain_statements(self.quads)) is not None:
            return TurtleWriter(self.namespaces).write_plain(plain).encode("utf-8")
        if syntax.holds_datasets:
            return serialized(self.ordered, syntax.oxigraph, self.prefixes_in_use)
        triples = self.triples
        if triples is None:
            from learningcity.errors import InputError

            raise InputError(
                f"the data has named graphs, which {syntax.label} cannot hold; "
                "export as trig or nquads instead"
            )
        if syntax.name == "turtle":
            return TurtleWriter(self.namespaces).write(triples).encode("utf-8")
        if syntax.name == "n3" and any(isinstance(t.object, ox.Triple) for t in triples):
            from learningcity.errors import InputError

            raise InputError(  # Oxigraph writes `<<( … )>>` there, which no N3 reader takes
                "a CONSTRUCT made an RDF 1.2 triple term, which N3 cannot carry; "
                "write it as turtle, nt, nquads, trig or xml instead"
            )
        written = serialized(triples, syntax.oxigraph, self.prefixes_in_use)
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
    text = serialized(quads, format)
    if b"_:" in text:  # perhaps a blank node (or just those two characters in a literal)
        return serialized(canonical_quads(quads), format)
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


def plain_statements(quads: list[ox.Quad]) -> list[tuple[str, str, str]] | None:
    """The distinct statements of `quads` as the N-Triples text of their subject, predicate and
    object, or None if one holds a blank node or a triple term or is in a named graph.

    Such statements (all of this project's data: IRIs are minted) need no labelling, and their
    text, which Oxigraph writes in microseconds, is all `TurtleWriter.write_plain` needs: a
    Python object per term, each literal's string copied out of Oxigraph, cost most of the
    time canonical Turtle took. In N-Triples a blank node is `_:` and a triple term `<<` at the
    start of a subject or object, and an IRI holds no space, so a line splits at its first two.
    """
    try:
        text = serialized(quads, ox.RdfFormat.N_TRIPLES)
    except ValueError:  # a named graph
        return None
    return _plain_lines(text)


def _plain_lines(ntriples: bytes) -> list[tuple[str, str, str]] | None:
    """`plain_statements` of N-Triples as Oxigraph writes it."""
    found = []
    for line in dict.fromkeys(ntriples.decode("utf-8").split("\n")[:-1]):
        subject, predicate, value = line[:-2].split(" ", 2)  # each line ends with " ."
        if subject.startswith(_NOT_PLAIN) or value.startswith(_NOT_PLAIN):
            return None
        found.append((subject, predicate, value))
    return found


def turtle_of_ntriples(ntriples: bytes, namespaces: dict[str, str]) -> bytes:
    """Canonical Turtle, as `serialize` writes it, of N-Triples as Oxigraph writes it (a
    CONSTRUCT's answer, which then never becomes Python objects unless it holds blank nodes
    or triple terms: those are read back and labelled)."""
    plain = _plain_lines(ntriples)
    writer = TurtleWriter(namespaces)
    if plain is not None:
        return writer.write_plain(plain).encode("utf-8")
    quads = canonical_quads(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))
    return writer.write([q.triple for q in quads]).encode("utf-8")


#: How a blank node or a triple term starts in N-Triples.
_NOT_PLAIN = ("_:", "<<")
_RDF_TYPE_TEXT = str(RDF_TYPE)


#: How deep blank nodes nest inside one another before one is written as a labelled block of its
#: own: deeper nesting is no easier to read, and a long chain would otherwise recurse as deep.
_MAX_NESTING = 8


class TurtleWriter:
    """Readable, canonical Turtle: a subject block per resource, `a` first, sorted values.

    A blank node that is the object of exactly one statement is written inside it, as `[ … ]`,
    and a well-formed RDF list as `( … )`; the other blank nodes (shared, in a cycle, inside a
    triple term, or nested deeper than `_MAX_NESTING`) keep their canonical label and a block of
    their own. Blocks come in the order of their subjects' IRIs, so a resource comes before those
    whose IRIs extend its own: a node shape before its property shapes `Shape-property`, a city
    before its posts. Every choice depends only on the statements and the canonical labels, so
    the same graph gives the same text.
    """

    def __init__(self, namespaces: dict[str, str]) -> None:
        self._namespaces = dict(namespaces)
        self._key = tuple(self._namespaces.items())
        self._split = _prefixed_names(self._key)
        self._used: set[str] = set()
        self._statements: dict[Term, list[ox.Triple]] = {}
        self._inline: set[ox.BlankNode] = set()
        self._unreferenced: set[ox.BlankNode] = set()
        self._flat: dict[ox.BlankNode, str] = {}

    @property
    def used_prefixes(self) -> set[str]:
        return set(self._used)

    def write(self, triples: list[ox.Triple]) -> str:
        self._statements = {s: list(g) for s, g in groupby(triples, key=lambda t: t.subject)}
        self._inline, self._unreferenced = _inlined(triples, self._statements)
        self._flat = {}
        subjects = sorted(
            (
                s
                for s in self._statements
                if isinstance(s, ox.NamedNode | ox.BlankNode) and s not in self._inline
            ),
            key=_subject_order,
        )
        return self._document([self._block(subject) for subject in subjects])

    def write_plain(self, statements: list[tuple[str, str, str]]) -> str:
        """What `write` writes of the same statements, given as `plain_statements` gives them
        (no blank node, no triple term): the same layout, from the terms' text alone (nothing
        is opened over lines, so a value is written as it is: `_plain_predicates`)."""
        iri, term = self.iri, self._plain_term
        by_subject: dict[str, dict[str, list[str]]] = {}
        for subject, predicate, value in statements:
            key = "a" if predicate == _RDF_TYPE_TEXT else iri(predicate[1:-1])
            by_subject.setdefault(subject, {}).setdefault(key, []).append(term(value))
        blocks = [
            iri(subject[1:-1]) + "\n" + _plain_predicates(by_subject[subject]) + " .\n"
            for subject in sorted(by_subject, key=lambda s: s[1:-1])  # as `_subject_order`
        ]
        return self._document(blocks)

    def _plain_term(self, text: str) -> str:
        """An IRI or a literal in N-Triples, as `term` writes it."""
        if text.startswith("<"):
            return self.iri(text[1:-1])
        end = text.rindex('"')  # the closing quote: a datatype or a language holds none
        if end == len(text) - 1 or text[end + 1] == "@":  # a string, or with a language
            return text
        return self._typed(text[: end + 1], text[end + 4 : -1])  # `"…"^^<datatype>`

    def _document(self, blocks: list[str]) -> str:
        """The prefixes the blocks used, then the blocks."""
        header = _prefix_lines(self._key, frozenset(self._used))
        return header + ("\n" if header and blocks else "") + "\n".join(blocks)

    def _block(self, subject: ox.NamedNode | ox.BlankNode) -> str:
        """A subject and its predicates; a blank node nothing refers to needs no label (`[]`,
        as the SHACL specification writes a validation report)."""
        written = "[]" if subject in self._unreferenced else self.term(subject)
        return written + "\n" + self._predicates(subject, 4) + " .\n"

    def _predicates(self, subject: Term, indent: int) -> str:
        """The predicate lines of `subject`, at `indent`, joined by ` ;`."""
        return self._lines(self._grouped(subject), indent)

    def _lines(self, grouped: list[tuple[str, list[tuple[str, Term | None]]]], indent: int) -> str:
        return " ;\n".join(
            self._predicate_line(predicate, values, indent) for predicate, values in grouped
        )

    def _grouped(self, subject: Term) -> list[tuple[str, list[tuple[str, Term | None]]]]:
        """`subject`'s predicates with their values, each value as it is written on one line
        beside the term (`_in_order`)."""
        by_predicate: dict[str, list[tuple[str, Term | None]]] = {}
        for triple in self._statements.get(subject, ()):
            key = "a" if triple.predicate == RDF_TYPE else self.term(triple.predicate)
            value = triple.object
            by_predicate.setdefault(key, []).append((self._one_line(value), value))
        return _in_order(by_predicate)

    def _predicate_line(
        self, predicate: str, values: list[tuple[str, Term | None]], indent: int
    ) -> str:
        """One line if it fits (or the one value does not, as a long literal), else each value
        on a line of its own; a nested `[ … ]` or `( … )` too long for its line opens there."""
        pad = " " * indent
        one_line = f"{pad}{predicate} {', '.join(flat for flat, _ in values)}"
        if len(one_line) <= _LINE_WIDTH:
            return one_line
        if len(values) == 1:
            room = _LINE_WIDTH - indent - len(predicate) - 1
            return f"{pad}{predicate} {self._fitted(*values[0], indent, room)}"
        inner = indent + 4
        lines = [" " * inner + self._fitted(*v, inner, _LINE_WIDTH - inner - 1) for v in values]
        return f"{pad}{predicate}\n" + ",\n".join(lines)

    def _fitted(self, flat: str, term: Term | None, indent: int, room: int) -> str:
        """`term` (`flat` on one line) as it is if it fits in `room`, else opened over lines
        at `indent`; None stands for a term that is never opened (`write_plain`)."""
        if len(flat) <= room or not isinstance(term, ox.BlankNode) or term not in self._inline:
            return flat
        items = self._list_items(term)
        inner = indent + 4
        if items is None:
            return "[\n" + self._predicates(term, inner) + "\n" + " " * indent + "]"
        lines = [
            " " * inner + self._fitted(self._one_line(i), i, inner, _LINE_WIDTH - inner)
            for i in items
        ]
        return "(\n" + "\n".join(lines) + "\n" + " " * indent + ")"

    def _one_line(self, term: Term) -> str:
        """`term` written on one line: also the order of values, which must not depend on
        where the value is written."""
        if not isinstance(term, ox.BlankNode) or term not in self._inline:
            return self.term(term)
        if term not in self._flat:
            items = self._list_items(term)
            if items is not None:
                self._flat[term] = "( " + " ".join(map(self._one_line, items)) + " )"
            elif term not in self._statements:
                self._flat[term] = "[]"
            else:
                pairs = [
                    f"{p} {', '.join(flat for flat, _ in values)}"
                    for p, values in self._grouped(term)
                ]
                self._flat[term] = "[ " + " ; ".join(pairs) + " ]"
        return self._flat[term]

    def _list_items(self, head: ox.BlankNode) -> list[Term] | None:
        """The members of the well-formed RDF list starting at `head` (each cell written inline,
        holding exactly one `rdf:first` and one `rdf:rest`, the last `rdf:rest` `rdf:nil`), or
        None: a cell with anything else is written as `[ rdf:first … ; rdf:rest … ]`."""
        items: list[Term] = []
        cell: Term = head
        while cell != RDF_NIL:
            rest = _rest(cell, self._inline, self._statements)
            if rest is None:
                return None
            items.append(self._statements[cell][0].object)
            cell = rest
        return items

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
        found = self._split(iri)
        if found is None:
            return f"<{iri}>"
        self._used.add(found[0])
        return f"{found[0]}:{found[1]}"

    def literal(self, literal: ox.Literal) -> str:
        if literal.language:  # with its base direction, if any (`"x"@ar--rtl`)
            return str(literal)
        quoted = str(ox.Literal(literal.value))
        datatype = literal.datatype.value
        if datatype == XSD + "string":
            return quoted
        return self._typed(quoted, datatype)

    def _typed(self, quoted: str, datatype: str) -> str:
        """A literal of `datatype` whose value is written `quoted`: bare when Turtle reads it
        back as the same literal (a well-formed number or boolean holds nothing to escape)."""
        bare = _BARE_LITERALS.get(datatype)
        if bare and bare.fullmatch(quoted[1:-1]):
            return quoted[1:-1]
        return f"{quoted}^^{self.iri(datatype)}"


#: IRIs whose prefixed form each kept compactor remembers (a network has some 100,000).
_KEPT_IRIS = 1 << 16


@lru_cache(maxsize=16)
def _prefixed_names(
    namespaces: tuple[tuple[str, str], ...],
) -> Callable[[str], tuple[str, str] | None]:
    """The prefix name and local part of an IRI under `namespaces` (`Compactor.split`), kept
    per set of namespaces and per IRI: a writer made afresh for each answer found every IRI's
    namespace again, most of the time a one-city CONSTRUCT's Turtle took."""
    return lru_cache(maxsize=_KEPT_IRIS)(Compactor(dict(namespaces), PREFIXED_NAME).split)


@lru_cache(maxsize=256)
def _prefix_lines(namespaces: tuple[tuple[str, str], ...], used: frozenset[str]) -> str:
    """The `@prefix` lines of the `used` namespaces, sorted by name: the same few sets again
    and again in a server's answers and a site's documents."""
    return "".join(f"@prefix {name}: <{ns}> .\n" for name, ns in sorted(namespaces) if name in used)


def _plain_predicates(by_predicate: dict[str, list[str]]) -> str:
    """The predicate lines of a subject whose values are all written as they are (IRIs and
    literals): as `TurtleWriter._lines` lays them out (`a` first, then sorted, each with its
    values sorted; one line if it fits or holds one value, else a value a line), without the
    per-value bookkeeping a nested value needs: most of the time a CONSTRUCT's Turtle took."""
    names = sorted(by_predicate)
    if "a" in by_predicate:
        names.remove("a")
        names.insert(0, "a")
    lines = []
    for predicate in names:
        values = sorted(by_predicate[predicate])
        line = "    " + predicate + " " + ", ".join(values)
        if len(line) > _LINE_WIDTH and len(values) > 1:
            line = "    " + predicate + "\n" + ",\n".join("        " + v for v in values)
        lines.append(line)
    return " ;\n".join(lines)


def _in_order(
    by_predicate: dict[str, list[tuple[str, Term | None]]],
) -> list[tuple[str, list[tuple[str, Term | None]]]]:
    """Predicates `a` first, then sorted, each with its values sorted by their text."""
    return [
        (predicate, sorted(by_predicate[predicate], key=lambda v: v[0]))
        for predicate in sorted(by_predicate, key=lambda p: (p != "a", p))
    ]


def _subject_order(subject: ox.NamedNode | ox.BlankNode) -> tuple[bool, str]:
    """IRIs by their text (`…#Shape` before `…#Shape-name`, which `<…#Shape>` would not be),
    then labelled blank nodes."""
    return (isinstance(subject, ox.BlankNode), subject.value)


def _inlined(
    triples: list[ox.Triple], statements: dict[Term, list[ox.Triple]]
) -> tuple[set[ox.BlankNode], set[ox.BlankNode]]:
    """The blank nodes written inside the one statement whose object they are, and the blank
    subjects nothing refers to (no object, in no triple term).

    Not those inside a triple term (Turtle has no `[ … ]` there), nor the object of more than
    one statement. Of a cycle of such nodes (`_:a p _:b . _:b p _:a`) the one with the lowest
    canonical label keeps its label and block, and so does every node that would nest deeper
    than `_MAX_NESTING` (the cells of a list after the first do not nest): each is then where
    nesting starts again. Linear in the statements and without recursion, for chains of any
    length.
    """
    uses: Counter[ox.BlankNode] = Counter()
    pinned: set[ox.BlankNode] = set()
    parent: dict[ox.BlankNode, Term] = {}
    for triple in triples:
        if isinstance(triple.object, ox.BlankNode):
            uses[triple.object] += 1
            parent[triple.object] = triple.subject
        for part in (triple.subject, triple.object):
            if isinstance(part, ox.Triple):
                pinned.update(_blank_nodes_in(part))
    inline = {node for node, count in uses.items() if count == 1 and node not in pinned}
    _break_cycles(inline, parent)
    continuing = _later_list_cells(inline, parent, statements)
    depth: dict[Term, int] = {}
    for start in sorted(inline, key=lambda n: n.value):
        path: list[ox.BlankNode] = []
        node: Term = start
        while isinstance(node, ox.BlankNode) and node in inline and node not in depth:
            path.append(node)
            node = parent[node]
        level = depth.get(node, 0)
        for member in reversed(path):
            level += member not in continuing
            if level > _MAX_NESTING:
                inline.discard(member)
                level = 0
            depth[member] = level
    unreferenced = {
        node
        for node in statements
        if isinstance(node, ox.BlankNode) and node not in uses and node not in pinned
    }
    return inline, unreferenced


def _break_cycles(inline: set[ox.BlankNode], parent: dict[ox.BlankNode, Term]) -> None:
    """Take out of `inline` the lowest-labelled node of each cycle of inline nodes."""
    settled: set[Term] = set()
    for start in sorted(inline, key=lambda n: n.value):
        path: list[ox.BlankNode] = []
        node: Term = start
        while isinstance(node, ox.BlankNode) and node in inline and node not in settled:
            if node in path:
                inline.discard(min(path[path.index(node) :], key=lambda n: n.value))
                break
            path.append(node)
            node = parent[node]
        settled.update(path)


def _later_list_cells(
    inline: set[ox.BlankNode],
    parent: dict[ox.BlankNode, Term],
    statements: dict[Term, list[ox.Triple]],
) -> set[ox.BlankNode]:
    """The cells after the first of every well-formed list of inline cells (see
    `TurtleWriter._list_items`): written beside the first, not inside it."""
    ends: dict[Term, bool] = {RDF_NIL: True}
    for start in sorted(inline, key=lambda n: n.value):
        path: list[Term] = []
        node: Term = start
        while node not in ends:
            rest = _rest(node, inline, statements)
            if rest is None:
                ends[node] = False
                break
            path.append(node)
            node = rest
        for cell in path:
            ends[cell] = ends[node]
    return {
        node
        for node in inline
        if ends.get(node) and _rest(parent[node], inline, statements) == node
    }


def _rest(
    node: Term, inline: set[ox.BlankNode], statements: dict[Term, list[ox.Triple]]
) -> Term | None:
    """The `rdf:rest` of `node` if it is an inline list cell (one `rdf:first`, one `rdf:rest`,
    nothing else), else None."""
    if not isinstance(node, ox.BlankNode) or node not in inline:
        return None
    found = statements.get(node, [])
    if len(found) != 2 or found[0].predicate != RDF_FIRST or found[1].predicate != RDF_REST:
        return None
    return found[1].object


def _blank_nodes_in(term: ox.Triple) -> Iterable[ox.BlankNode]:
    for part in (term.subject, term.object):
        if isinstance(part, ox.BlankNode):
            yield part
        elif isinstance(part, ox.Triple):
            yield from _blank_nodes_in(part)


def to_turtle(quads: Iterable[ox.Quad], namespaces: dict[str, str] | None = None) -> str:
    from learningcity.formats import syntax_named

    return serialize(quads, syntax_named("turtle"), namespaces).decode("utf-8")
