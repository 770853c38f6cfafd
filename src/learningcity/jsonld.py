"""Our own JSON-LD writer: deterministic, compacted against the published context, no network.

Why not a JSON-LD processor? pyld's compaction is slow, needs the context fetched, and its output
order depends on input order; Oxigraph writes expanded JSON-LD only. Writing the compact form
directly from sorted, canonically labelled quads is fast and gives byte-identical output. Every
choice below keeps the document unambiguous, so any JSON-LD 1.1 processor reads back exactly the
graph we wrote:

- a term coerced to `"@type": "@id"` is used only for IRI and blank-node values; a literal value
  of the same property goes under the compact IRI key (`lc:population`), never the term;
- plain strings are `xsd:string` only; language-tagged strings are `{"@value", "@language"}` and
  other literals `{"@value", "@type"}`, keeping the lexical form (`"1e3"`, `"0123"`) as written;
- an IRI whose scheme is also a term of the context (`geo:37.5,127.0`) would be expanded as a
  compact IRI, so such terms are switched off with a local `{"geo": null}` context entry.

The written `@context` is, by default, the bundled context itself, inline: the document is then
complete, and any JSON-LD 1.1 processor reads it with no network (`CONTEXT_IRI` is not resolvable
until the site is published and w3id.org redirects to it). `by_iri=True` names the published
context by its IRI instead, the short form web developers reference; `serve` and `publish` host it
at `context_iri(root)` under their own root (`hosted_context`), the IRI a document naming
`CONTEXT_IRI` names once its IRIs are moved there. Reading such a document back never fetches it:
`document_loader` serves the bundled copy to pyld, and `inline_bundled_context` prepares documents
for Oxigraph's parser, which has no loader hook (used by `learningcity.load`).

With `frame`, what belongs to each city is nested under it, as a JSON-LD 1.1 frame selecting the
cities with `"@embed": "@once"` would, following references both ways (a thing the city refers to
under its property; a thing about the city, such as its posts and notes, under `@reverse`); see
`_GraphWriter._plan_embedding`.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from itertools import chain
from json.encoder import encode_basestring as _json_string  # C; what json.dumps writes
from typing import Any, BinaryIO, TypeVar

import pyoxigraph as ox

from learningcity import __version__
from learningcity.compaction import JSONLD, Compactor
from learningcity.errors import InputError
from learningcity.limits import MAX_NESTING
from learningcity.namespaces import (
    DEFAULT_DATA_BASE,
    GEN_DELIMS,
    PROJECT_ROOT,
    STANDARD_PREFIXES,
    iri_head,
    slash_head_end,
)
from learningcity.resources import context_path
from learningcity.serialize import canonical_quads, iris_in
from learningcity.terms import LEARNING_CITY, RDF_FIRST, RDF_NIL, RDF_REST, RDF_TYPE

#: Where a site hosts the versioned context, under its root (the base without `id/`).
CONTEXT_PATH = f"context/{__version__}.jsonld"
CONTEXT_IRI = PROJECT_ROOT + CONTEXT_PATH
XSD_STRING = STANDARD_PREFIXES["xsd"] + "string"
XSD_BOOLEAN = STANDARD_PREFIXES["xsd"] + "boolean"
_BOOLEANS = ("true", "false")
_NOT_HOLDING = (RDF_FIRST, RDF_REST, RDF_TYPE)
#: Entries kept in each cache of compaction choices (one per IRI head) and of streamed JSON texts,
#: bounded so that streaming millions of distinct IRIs stays in constant memory.
_KEPT_LIMIT = 65_536
_MAX_DEPTH = 64
#: Node objects the streaming writer joins into one write.
_NODES_PER_WRITE = 1_000
_STRING = b""  # how a streamed `xsd:string` literal opens: it is a plain JSON string
_TYPE_KEY = b', "@type": '
_QUOTED_BOOLEANS = (b'"true"', b'"false"')
#: First bytes of N-Triples terms: a literal, an IRI, a blank node; a language tag's start.
_QUOTE, _ANGLE, _UNDERSCORE, _AT = b'"<_@'

Node = ox.NamedNode | ox.BlankNode
Json = Any
_Kept = TypeVar("_Kept")
_Term = TypeVar("_Term")


@dataclass
class Context:
    """What compaction needs to know of a JSON-LD context, and what `@context` to write.

    `prefixes` maps prefix name to namespace; `terms` maps a property or class IRI to its term;
    `id_terms` holds the terms coerced to `"@type": "@id"`, `set_terms` those whose values are
    always an array (`"@container": "@set"`, for readers that index them).
    """

    reference: Json
    prefixes: Mapping[str, str] = field(default_factory=dict)
    terms: Mapping[str, str] = field(default_factory=dict)
    id_terms: frozenset[str] = frozenset()
    vocab: str | None = None
    set_terms: frozenset[str] = frozenset()
    names: frozenset[str] = field(init=False)
    _compact_iris: Compactor = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.names = frozenset(self.prefixes) | frozenset(self.terms.values())
        self._compact_iris = Compactor(self.prefixes, JSONLD)

    def without(self, names: frozenset[str]) -> Context:
        """This context with `names` switched off by a local `{name: null}` entry."""
        if not names:
            return self
        local = {name: None for name in sorted(names)}
        reference = [*_as_list(self.reference), local]
        return Context(
            reference,
            {p: ns for p, ns in self.prefixes.items() if p not in names},
            {iri: t for iri, t in self.terms.items() if t not in names},
            self.id_terms - names,
            self.vocab,
            self.set_terms - names,
        )

    def compact_iri(self, iri: str) -> str:
        """The shortest `prefix:local` form (`compaction.JSONLD`), for `@id` values; terms do
        not apply there."""
        return self._compact_iris.compact(iri) or iri

    def vocab_iri(self, iri: str) -> str:
        """A term, a vocabulary-relative name or a compact IRI, for keys and `@type` values."""
        if iri in self.terms:
            return self.terms[iri]
        if self.vocab and iri.startswith(self.vocab):
            local = iri[len(self.vocab) :]
            if local and ":" not in local and local not in self.names:
                return local
        return self.compact_iri(iri)


def context_document() -> dict[str, Json]:
    """The bundled context file (`context/learningcity.jsonld`), parsed."""
    return _context_document()


def context_iri(root: str) -> str:
    """The IRI of the versioned context on a site whose root is `root` (`{root}id/` its base):
    `CONTEXT_IRI` moved there, as `serve` and `publish` move every IRI of the data."""
    return root + CONTEXT_PATH


def hosted_context(base: str = DEFAULT_DATA_BASE) -> bytes:
    """The context document a site whose data lives under `base` hosts at `context_iri`.

    The bundled file, byte for byte, for the project's own base; under another base its data
    prefixes (`city:`, `place:` ...) name that base, so that a document naming the context reads
    as the data moved there (the vocabulary's IRIs do not move).
    """
    document = context_document()
    if base != DEFAULT_DATA_BASE:
        definitions = {name: _moved(value, base) for name, value in document["@context"].items()}
        document = {**document, "@context": definitions}
    text = json.dumps(document, ensure_ascii=False, indent=2)  # as scripts/build_context.py
    return (text + "\n").encode("utf-8")


def _moved(value: Json, base: str) -> Json:
    if isinstance(value, str) and value.startswith(DEFAULT_DATA_BASE):
        return base + value[len(DEFAULT_DATA_BASE) :]
    return value


@cache
def _context_document() -> dict[str, Json]:
    try:
        return json.loads(context_path().read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"{context_path()}: the JSON-LD context is missing; run scripts/build_context.py"
        ) from None


def published_context(*, by_iri: bool = False) -> Context:
    """The project's context: inlined from the bundled file, or referenced by `CONTEXT_IRI`."""
    definitions = context_document()["@context"]
    reference = CONTEXT_IRI if by_iri else definitions
    return parse_context(definitions, reference)


def parse_context(definitions: Mapping[str, Json], reference: Json) -> Context:
    """Read prefixes and terms from a context map of the simple form our build script writes."""
    raw = {k: v for k, v in definitions.items() if not k.startswith("@")}
    prefixes = {
        name: value
        for name, value in raw.items()
        if isinstance(value, str) and ":" not in name and value.endswith(GEN_DELIMS)
    }
    terms: dict[str, str] = {}
    id_terms = set()
    set_terms = set()
    for name, value in sorted(raw.items()):
        if name in prefixes or value is None:
            continue
        target = value if isinstance(value, str) else value["@id"]
        terms[_expand(target, prefixes)] = name
        if isinstance(value, dict) and value.get("@type") == "@id":
            id_terms.add(name)
        if isinstance(value, dict) and value.get("@container") == "@set":
            set_terms.add(name)
    return Context(
        reference,
        prefixes,
        terms,
        frozenset(id_terms),
        definitions.get("@vocab"),
        frozenset(set_terms),
    )


def _expand(value: str, prefixes: Mapping[str, str]) -> str:
    prefix, _, local = value.partition(":")
    if prefix in prefixes and not local.startswith("//"):
        return prefixes[prefix] + local
    return value


def _as_list(value: Json) -> list[Json]:
    return value if isinstance(value, list) else [value]


def to_jsonld(
    quads: Iterable[ox.Quad],
    context: Context | None = None,
    *,
    frame: bool = False,
    roots: Iterable[Node] | None = None,
) -> dict[str, Json]:
    """The quads as one compact JSON-LD document (a dict; see `dumps` for the bytes).

    With `frame`, what belongs to each of the `roots` (by default every `lc:LearningCity`) is
    nested under it (`_GraphWriter._plan_embedding`), an RDF list it holds is a `@list`, and a
    blank node nothing refers to goes without its label; the rest stays top-level in `@graph`
    (`single_node` makes a document of one node that node).
    """
    ordered = canonical_quads(dict.fromkeys(quads))
    roots = None if roots is None else list(roots)
    context = context or published_context()
    context = context.without(context.names & _schemes(ordered))
    by_graph: dict[Node | None, list[ox.Quad]] = defaultdict(list)
    for quad in ordered:
        graph = None if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name
        by_graph[graph].append(quad)
    graph_names = {name for name in by_graph if name is not None}
    labelled = graph_names | _across_graphs(by_graph)
    top = _GraphWriter(context, by_graph.pop(None, []), frame, roots, labelled).nodes()
    for name, graph_quads in by_graph.items():
        assert name is not None  # the default graph was written above
        writer = _GraphWriter(context, graph_quads, frame, roots, labelled)
        members = _sorted_nodes(writer.nodes())
        container = top.setdefault(name, {"@id": _id(context, name)})
        container["@graph"] = members
    return {"@context": context.reference, "@graph": _sorted_nodes(top)}


def _across_graphs(by_graph: Mapping[Node | None, list[ox.Quad]]) -> set[Node]:
    """The blank nodes used in more than one graph: each graph is written on its own, so these
    keep their labels wherever they are (and are not made `@list`s)."""
    seen: dict[Node, Node | None] = {}
    across: set[Node] = set()
    for graph, quads in by_graph.items():
        for quad in quads:
            for term in (quad.subject, quad.object):
                if isinstance(term, ox.BlankNode) and seen.setdefault(term, graph) != graph:
                    across.add(term)
    return across


def single_node(document: dict[str, Json]) -> dict[str, Json]:
    """A document whose `@graph` holds one node object as that node with the `@context`: the
    form readers of one framed thing (a city's page, a validation report) index directly."""
    nodes = document["@graph"]
    if len(nodes) != 1:
        return document
    return {"@context": document["@context"], **nodes[0]}


def dumps(document: Json) -> bytes:
    """Stable bytes: sorted keys, two-space indent, UTF-8 (Korean stays readable), final newline."""
    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True)
    return (text + "\n").encode("utf-8")


def write_jsonld(quads: Iterable[ox.Quad], *, frame: bool = False, by_iri: bool = False) -> bytes:
    """The quads as JSON-LD compacted against the project's context, inline unless `by_iri`."""
    context = published_context(by_iri=by_iri)
    return dumps(to_jsonld(quads, context, frame=frame))


def stream_jsonld(ntriples: Iterable[bytes], out: BinaryIO, *, by_iri: bool = False) -> None:
    """Write compact JSON-LD to `out` from N-Triples as Oxigraph writes it, in blocks of whole
    lines (`learningcity.forked.ntriples_blocks`): one node object per run of statements about
    one subject, in input order, in constant memory.

    For network-sized data where sorted output costs too much memory and time. A subject whose
    statements are not together in the input gets several node objects (JSON-LD merges them);
    an IRI whose scheme is a context term is refused (the sorted writer handles it by switching
    the term off, which needs the whole data first). Node objects are written
    `_NODES_PER_WRITE` at a time: one encoding and one write call per node cost a tenth of the
    time per statement. Nothing is written before the first statements arrive, so that input
    refused before any (a syntax error in a small file) leaves even stdout empty.
    """
    context = published_context(by_iri=by_iri)
    reference = json.dumps(context.reference, ensure_ascii=False)
    blocks = iter(ntriples)
    first = next(blocks, b"")  # so that an error found before any statement writes nothing
    out.write(f'{{"@context": {reference}, "@graph": ['.encode())
    _NodeTexts(context).write(chain((first,), blocks), out)
    out.write(b"\n]}\n")


class _NodeTexts:
    """Node objects as JSON text, the text `json.dumps` gives for the node's dict, made straight
    from N-Triples lines (see `stream_jsonld`).

    Building a dict per node and encoding it took most of the time at a million statements, and
    so did building an Oxigraph term object for each term: the lines are read as bytes. A
    predicate, class, IRI, datatype or language has the same N-Triples text each time it comes,
    so its JSON text is made once and kept under it. A literal's quoted lexical form is
    already its JSON string, for N-Triples and JSON escape alike but for `\\u` escapes (of
    control characters), which are written again as `json.dumps` writes them. Literals are not
    kept: two thirds of a network's are new, and a cache lookup per literal cost more than it
    saved. The caches are bounded (`_remember`), so memory stays constant whatever the data.

    The texts are UTF-8 bytes, joined as they are: joined as `str`, one Korean string widened a
    whole batch to two bytes a character, and widening and encoding it again took 4% of the
    conversion at 1,000 cities (2% at 10,000).
    """

    def __init__(self, context: Context) -> None:
        self._context = context
        self._keys: dict[bytes, _Key] = {}
        #: What a literal's lexical form follows, by what follows it in N-Triples.
        self._datatypes: dict[bytes, bytes] = {}
        self._languages: dict[bytes, bytes] = {}
        self._heads: dict[str | None, tuple[str, int]] = {}
        self._slash_heads: dict[bytes, tuple[bytes, int]] = {}  # `_opening`s by `<iri>` head
        #: JSON texts of IRIs, by N-Triples text: a class (`@type` value), a plain string (`@id`,
        #: a term coerced to `@id`), a node object `{"@id": ...}` (any other key).
        self._classes: dict[bytes, bytes] = {}
        self._plain: dict[bytes, bytes] = {}
        self._wrapped: dict[bytes, bytes] = {}
        self._boolean = self._value_opening(XSD_BOOLEAN)

    def write(self, ntriples: Iterable[bytes], out: BinaryIO) -> None:
        """Write the node objects to `out`, one per run of statements about one subject, each
        after a line break (and a comma past the first).

        One loop with the common steps inline: at a million statements, each function call per
        statement costs about a tenth of Oxigraph's whole conversion. A line is
        `subject predicate object .`: neither a subject nor a predicate holds a space, and no
        line holds a raw line break, so a block is cut into statements at " .\\n" (which drops
        the ending too: 13% fewer instructions than cutting lines and then their endings). The
        texts of a batch of nodes are joined once, from their parts, not node by node.
        """
        keys, languages, typed = self._keys, self._languages, self._typed
        quote, angle, at = _QUOTE, _ANGLE, _AT
        parts: list[bytes] = []
        nodes = 0
        subject: bytes | None = None
        entries: dict[bytes, list[bytes]] = {}
        for block in ntriples:
            escapes = b"\\u" in block
            lines = block.split(b" .\n")  # each line, and after the last an empty one
            lines.pop()
            for line in lines:
                node, predicate, value = line.split(b" ", 2)
                if node != subject:
                    if subject is not None:
                        self._object(parts, subject, entries, nodes)
                        nodes += 1
                        if nodes % _NODES_PER_WRITE == 0:
                            out.write(b"".join(parts))
                            parts.clear()
                    subject, entries = node, {}
                key = keys.get(predicate) or _remember(keys, predicate, self._key)
                kind = value[0]
                if kind == quote:
                    name = key.for_literals
                    close = value.rindex(b'"')
                    lexical = value[: close + 1]
                    if escapes and b"\\u" in lexical:
                        lexical = _json_bytes(json.loads(lexical))
                    suffix = value[close + 1 :]
                    if not suffix:
                        text = lexical
                    elif suffix[0] == at:
                        opening = languages.get(suffix) or _remember(
                            languages, suffix, _language_opening
                        )
                        text = opening + lexical + b"}"
                    else:
                        text = typed(suffix, lexical)
                elif kind == angle:
                    name = key.for_references
                    texts = key.iris
                    text = texts.get(value) or _remember(texts, value, key.iri_text)
                else:  # a blank node, `_:label`: the label needs no escape in JSON
                    name = key.for_references
                    label = b'"' + value + b'"'
                    text = b'{"@id": ' + label + b"}" if key.wrapped else label
                values = entries.get(name)
                if values is None:
                    entries[name] = [text]
                else:
                    values.append(text)
        if subject is not None:
            self._object(parts, subject, entries, nodes)
        out.write(b"".join(parts))

    def _object(
        self, parts: list[bytes], subject: bytes, entries: Mapping[bytes, list[bytes]], written: int
    ) -> None:
        """Add the parts of one node object's text to `parts`; `written` nodes came before."""
        if subject[0] == _UNDERSCORE:  # `_:label`
            reference = b'"' + subject + b'"'
        else:
            reference = self._plain.get(subject) or _remember(self._plain, subject, self._id)
        parts += (b",\n" if written else b"\n", b'{"@id": ', reference)
        for key, texts in entries.items():
            parts.append(key)
            parts.append(texts[0] if len(texts) == 1 else b"[" + b", ".join(texts) + b"]")
        parts.append(b"}")

    def _key(self, predicate: bytes) -> _Key:
        iri, context = _iri(predicate), self._context
        term = self._written(iri, context.vocab_iri(iri))
        if iri == RDF_TYPE.value:  # a blank-node class is written as the sorted writer does
            return _Key(self._entry(term), _TYPE_KEY, self._classes, self._class, False)
        if term in context.id_terms:
            literals = self._written(iri, context.compact_iri(iri))
            return _Key(self._entry(literals), self._entry(term), self._plain, self._id, False)
        entry = self._entry(term)
        return _Key(entry, entry, self._wrapped, self._node_reference, True)

    @staticmethod
    def _entry(key: str) -> bytes:
        return b", " + _json_bytes(key) + b": "

    def _typed(self, suffix: bytes, lexical: bytes) -> bytes:
        """The JSON text of a literal whose N-Triples text is `lexical` then `suffix`
        (`^^<datatype>`): the one literal rule (`_literal`), written without the dict."""
        opening = self._datatypes.get(suffix)
        if opening is None:  # not `or`: `_STRING` is empty
            opening = _remember(self._datatypes, suffix, self._datatype)
        if opening is _STRING:
            return lexical
        if opening is self._boolean and lexical in _QUOTED_BOOLEANS:
            return lexical[1:-1]  # the JSON literal `true` or `false`
        return opening + lexical + b"}"

    def _datatype(self, suffix: bytes) -> bytes:
        """What a literal of this datatype (`^^<iri>`) is written with before its lexical form:
        `_STRING` (nothing: a plain JSON string) for `xsd:string`, else the start of a value
        object (for `xsd:boolean`, the one object `_typed` tells it by)."""
        iri = _iri(suffix[2:])
        if iri == XSD_STRING:
            return _STRING
        if iri == XSD_BOOLEAN:
            return self._boolean
        return self._value_opening(iri)

    def _value_opening(self, datatype: str) -> bytes:
        compact = self._written(datatype, self._context.compact_iri(datatype))
        return b'{"@type": ' + _json_bytes(compact) + b', "@value": '

    def _id(self, text: bytes) -> bytes:
        """The JSON text of an IRI (`<iri>`) as an `@id`: its compact IRI, whose prefix is found
        once per IRI head (JSON-LD's compact IRI depends on the head alone,
        `compaction.JSONLD`); most subjects of a network are new IRIs under a few heads, which
        end with a slash: those are cut as bytes (a decoded IRI and its JSON encoding cost
        13% of the writer at 1,000 cities), since an IRI holds nothing JSON escapes."""
        end = slash_head_end(text)
        if end:
            kept = self._slash_heads.get(text[:end])
            if kept is None:
                kept = _remember(self._slash_heads, text[:end], lambda _: self._opening(text))
            opening, cut = kept
            return opening + text[cut:-1] + b'"'
        value = _iri(text)
        head = iri_head(value)
        found = self._heads.get(head)
        if found is None:
            found = _remember(self._heads, head, lambda _: self._head_cut(value))
        prefix, start = found
        return _json_bytes(prefix + value[start:])

    def _opening(self, text: bytes) -> tuple[bytes, int]:
        """What the `@id` text of every IRI with the head of `text` (`<iri>`) opens with (a
        quote, and `prefix:` unless written whole), and where in such a text the rest starts."""
        value = _iri(text)
        prefix, start = self._head_cut(value)
        return _json_bytes(prefix)[:-1], 1 + len(value[:start].encode())

    def _head_cut(self, iri: str) -> tuple[str, int]:
        """What the `@id` of every IRI with the head of `iri` starts with (`prefix:`, or nothing
        when written whole), and where in the IRI the rest starts."""
        written = self._written(iri, self._context.compact_iri(iri))
        if written == iri:
            return "", 0
        name, _, local = written.partition(":")
        return f"{name}:", len(iri) - len(local)

    def _node_reference(self, text: bytes) -> bytes:
        """`{"@id": ...}` from the `@id` text kept for the IRI (most were a subject first)."""
        plain = self._plain.get(text) or _remember(self._plain, text, self._id)
        return b'{"@id": ' + plain + b"}"

    def _class(self, text: bytes) -> bytes:
        iri = _iri(text)
        return _json_bytes(self._written(iri, self._context.vocab_iri(iri)))

    def _written(self, iri: str, written: str) -> str:
        """`written`, the form chosen for `iri`, unless a reader would expand it to another IRI."""
        if written == iri and iri.partition(":")[0] in self._context.names:
            raise InputError(
                f"<{iri}> would read as a compact IRI in JSON-LD; export without --stream"
            )
        return written


@dataclass(frozen=True, slots=True)
class _Key:
    """How one predicate's values are written: the entry's opening (`, "key": `) for literal
    values and for references; for an IRI value, the cache of its texts and how one is made
    (a class, a plain string under a term coerced to `@id`, else a node object), and whether a
    blank node is a node object too."""

    for_literals: bytes
    for_references: bytes
    iris: dict[bytes, bytes]
    iri_text: Callable[[bytes], bytes]
    wrapped: bool


def _iri(text: bytes) -> str:
    """The IRI of its N-Triples text `<iri>`; an RDF 1.2 triple term `<<( s p o )>>` is refused
    (JSON-LD has none)."""
    if text.startswith(b"<<"):
        raise InputError(f"cannot write {text.decode()} in JSON-LD (RDF 1.2 triple terms)")
    return text[1:-1].decode()


def _language_opening(suffix: bytes) -> bytes:
    """What a streamed string opens with, before its lexical form, by the N-Triples text after
    it: `@language`, or `@language--direction` (RDF 1.2), keys in the order json sorts them."""
    language, _, direction = suffix[1:].decode().partition("--")
    opening = b'{"@language": ' + _json_bytes(language) + b', "@value": '
    if direction:
        opening = b'{"@direction": ' + _json_bytes(direction) + b", " + opening[1:]
    return opening


def _json_bytes(text: str) -> bytes:
    """`text` as a JSON string, UTF-8: what the streaming writer joins (see `_NodeTexts`)."""
    return _json_string(text).encode()


def _remember(cache: dict[_Term, _Kept], key: _Term, make: Callable[[_Term], _Kept]) -> _Kept:
    """`make(key)`, kept in `cache`, which is emptied when full."""
    if len(cache) >= _KEPT_LIMIT:
        cache.clear()
    kept = cache[key] = make(key)
    return kept


def _schemes(quads: list[ox.Quad]) -> set[str]:
    """URI schemes of every IRI in the quads (to find IRIs a context term would misread)."""
    return {iri.partition(":")[0] for iri in iris_in(quads)}


def _sorted_nodes(nodes: dict[Node, dict[str, Json]]) -> list[dict[str, Json]]:
    return [nodes[key] for key in sorted(nodes, key=str)]


def _id(context: Context, node: Node) -> str:
    if isinstance(node, ox.BlankNode):
        return f"_:{node.value}"
    return context.compact_iri(node.value)


class _GraphWriter:
    """Node objects of one graph, optionally nested (framed) from the roots."""

    def __init__(
        self,
        context: Context,
        quads: list[ox.Quad],
        frame: bool,
        roots: Iterable[Node] | None,
        labelled: set[Node],
    ) -> None:
        """`labelled`: the nodes that name a graph or are used in another graph too."""
        self._context = context
        self._frame = frame
        self._labelled = labelled
        self._by_subject: dict[Node, list[ox.Quad]] = defaultdict(list)
        self._by_object: dict[Node, list[ox.Quad]] = defaultdict(list)
        for quad in quads:
            subject = quad.subject
            assert not isinstance(subject, ox.Triple)  # pyoxigraph 0.5 refuses one; stubs allow it
            self._by_subject[subject].append(quad)
            if frame and isinstance(quad.object, ox.NamedNode | ox.BlankNode):
                self._by_object[quad.object].append(quad)  # only framing looks back
        #: The statement each nested node is written through: under its subject's property, or
        #: (the nested node being that statement's subject) under its object's `@reverse`.
        self._nested_by: dict[Node, ox.Quad] = {}
        self._reversed: dict[Node, list[ox.Quad]] = defaultdict(list)
        #: Framed: the items of each RDF list written as `@list`, by its head, and every node of
        #: those lists (their statements are the `@list`, so they are not written as nodes).
        self._lists: dict[Node, list[ox.NamedNode | ox.BlankNode | ox.Literal]] = {}
        self._in_lists: set[Node] = set()
        if frame:
            self._find_lists()
            self._plan_embedding(roots)

    def _find_lists(self) -> None:
        """Each well-formed RDF list: blank nodes, each with one `rdf:first`, one `rdf:rest` and
        nothing else, each referred to once (the head by its holder, the others by `rdf:rest`),
        ending in `rdf:nil`. Anything else (a shared or cyclic tail, a list inside a list, whose
        depth would be the data's) stays as nodes."""
        for head, references in self._by_object.items():
            if len(references) != 1 or references[0].predicate in _NOT_HOLDING:
                continue  # a tail, an item of another list (written as nodes), or a class
            items: list[ox.NamedNode | ox.BlankNode | ox.Literal] = []
            chain: list[Node] = []
            node: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple = head
            while node != RDF_NIL:
                if not isinstance(node, ox.BlankNode) or node in self._labelled or node in chain:
                    break
                statements = self._by_subject.get(node, [])
                if (
                    len(statements) != 2
                    or {q.predicate for q in statements} != {RDF_FIRST, RDF_REST}
                    or len(self._by_object.get(node, ())) != 1
                ):
                    break
                first, rest = sorted(statements, key=lambda q: q.predicate != RDF_FIRST)
                if isinstance(first.object, ox.Triple):
                    break
                items.append(first.object)
                chain.append(node)
                node = rest.object
            else:
                if chain:
                    self._lists[head] = items
                    self._in_lists.update(chain)

    def _plan_embedding(self, roots: Iterable[Node] | None) -> None:
        """Choose which node goes under which: breadth first from the roots, both ways.

        A node is nested once, through the first statement that reaches it on a shortest path
        from a root (`"@embed": "@once"`); every other statement refers to it by `@id`. A node
        that two roots reach at the same distance (the network's organisation, a shared country)
        belongs to neither and stays top-level, and so do the roots, the nodes that name a graph
        (their `@graph` is attached at the top) and nodes no root reaches. Nesting stops at
        `_MAX_DEPTH` levels, so a long chain cannot exhaust a reader's stack.
        """
        if roots is None:
            roots = [s for s, qs in self._by_subject.items() if _is_learning_city(qs)]
        roots = [r for r in sorted(roots, key=str) if r in self._by_subject]
        owner = {root: root for root in roots}  # the root each node was reached from
        nestable = self._by_subject.keys() - self._labelled - self._in_lists
        shared: set[Node] = set()
        level = roots
        for _depth in range(_MAX_DEPTH):
            reached: dict[Node, None] = {}
            for node in level:
                for quad, other in self._neighbours(node):
                    if other in reached and owner[other] != owner[node]:
                        shared.add(other)
                        owner[other] = other  # what it leads to is nested under it
                    elif other not in owner and other in nestable:
                        owner[other] = owner[node]
                        self._nested_by[other] = quad
                        reached[other] = None
            level = list(reached)
        for node in shared:
            del self._nested_by[node]
        for node, quad in self._nested_by.items():
            if quad.subject == node and isinstance(quad.object, ox.NamedNode | ox.BlankNode):
                self._reversed[quad.object].append(quad)

    def _neighbours(self, node: Node) -> Iterator[tuple[ox.Quad, Node]]:
        """The statements linking `node` to another node (never through `rdf:type`), with it:
        what `node` refers to (the items of a list it holds included), then what refers to
        `node`, each in canonical order."""
        for quad in self._by_subject[node]:
            if quad.predicate == RDF_TYPE:
                continue
            value = quad.object
            targets = (
                self._lists.get(value, [value]) if isinstance(value, ox.BlankNode) else [value]
            )
            for target in targets:
                if isinstance(target, ox.NamedNode | ox.BlankNode):
                    yield quad, target
        for quad in self._by_object.get(node, ()):
            if quad.predicate != RDF_TYPE and quad.subject not in self._in_lists:
                referrer = quad.subject
                assert not isinstance(referrer, ox.Triple)  # pyoxigraph 0.5 refuses one
                yield quad, referrer

    def nodes(self) -> dict[Node, dict[str, Json]]:
        """Top-level node objects by subject; nested nodes sit inside the nodes they belong to."""
        return {
            s: self._node(s)
            for s in self._by_subject
            if s not in self._nested_by and s not in self._in_lists
        }

    def _node(self, subject: Node) -> dict[str, Json]:
        node: dict[str, Json] = {}
        if not self._anonymous(subject):
            node["@id"] = _id(self._context, subject)
        values: dict[str, list[Json]] = defaultdict(list)
        through = self._nested_by.get(subject)
        for quad in self._by_subject[subject]:
            if quad != through:  # the statement it is nested by: the `@reverse` above says it
                key, value = self._entry(quad)
                values[key].append(value)
        node.update(_entries(self._context, values))
        reverse: dict[str, list[Json]] = defaultdict(list)
        for quad in self._reversed.get(subject, ()):
            referrer = quad.subject
            assert not isinstance(referrer, ox.Triple)  # pyoxigraph 0.5 refuses one; stubs allow it
            reverse[self._context.vocab_iri(quad.predicate.value)].append(self._node(referrer))
        if reverse:
            node["@reverse"] = _entries(self._context, reverse)
        return node

    def _anonymous(self, node: Node) -> bool:
        """Whether a blank node can go without its label, framed: nothing refers to it but the
        statement it is nested by (if any), in this graph or any other."""
        if not self._frame or not isinstance(node, ox.BlankNode) or node in self._labelled:
            return False
        through = self._nested_by.get(node)
        return all(quad == through for quad in self._by_object.get(node, ()))

    def _entry(self, quad: ox.Quad) -> tuple[str, Json]:
        context = self._context
        predicate, value = quad.predicate.value, quad.object
        if isinstance(value, ox.Literal):
            key = context.vocab_iri(predicate)
            if key in context.id_terms:
                key = context.compact_iri(predicate)
            return key, _literal(context, value)
        if not isinstance(value, ox.NamedNode | ox.BlankNode):
            raise InputError(f"cannot write {value} in JSON-LD (RDF 1.2 triple terms)")
        if quad.predicate == RDF_TYPE and isinstance(value, ox.NamedNode):
            return "@type", context.vocab_iri(value.value)
        if quad.predicate == RDF_TYPE:
            return "@type", _id(context, value)
        key = context.vocab_iri(predicate)
        items = self._lists.get(value)
        if items is not None:
            if key in context.id_terms and any(isinstance(i, ox.Literal) for i in items):
                key = context.compact_iri(predicate)
            return key, {"@list": [self._value(quad, key, item) for item in items]}
        return key, self._value(quad, key, value)

    def _value(
        self, quad: ox.Quad, key: str, value: ox.NamedNode | ox.BlankNode | ox.Literal
    ) -> Json:
        """A value under `key` of the statement `quad` (or of a list it holds): a literal, the
        node nested there, or a reference (a plain string under a term coerced to `@id`)."""
        if isinstance(value, ox.Literal):
            return _literal(self._context, value)
        if self._nested_by.get(value) == quad:
            return self._node(value)
        reference = _id(self._context, value)
        return reference if key in self._context.id_terms else {"@id": reference}


def _entries(context: Context, values: dict[str, list[Json]]) -> dict[str, Json]:
    """Each key's values, sorted; a single value on its own unless the key is a `@set` term."""
    entries: dict[str, Json] = {}
    for key, items in values.items():
        if len(items) > 1:
            items.sort(key=_sort_key)
        entries[key] = items[0] if len(items) == 1 and key not in context.set_terms else items
    return entries


def _is_learning_city(quads: list[ox.Quad]) -> bool:
    return any(q.predicate == RDF_TYPE and q.object == LEARNING_CITY for q in quads)


def _literal(context: Context, literal: ox.Literal) -> Json:
    """The one literal rule (the streamed text is the same): a plain string for `xsd:string`, a
    JSON boolean for the canonical `xsd:boolean` forms (JSON-LD reads `true` back as
    `"true"^^xsd:boolean`), a value object for anything else, lexical form as written; an
    RDF 1.2 base direction as `@direction`, as Oxigraph writes and reads it."""
    if literal.language:
        if literal.direction:
            return {
                "@direction": literal.direction.value,
                "@language": literal.language,
                "@value": literal.value,
            }
        return {"@language": literal.language, "@value": literal.value}
    if literal.datatype.value == XSD_STRING:
        return literal.value
    if literal.datatype.value == XSD_BOOLEAN and literal.value in _BOOLEANS:
        return literal.value == "true"
    return {"@type": context.compact_iri(literal.datatype.value), "@value": literal.value}


def _sort_key(value: Json) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def inline_bundled_context(data: bytes) -> bytes:
    """A JSON-LD document with every reference to `CONTEXT_IRI` replaced by the bundled context.

    Oxigraph's parser refuses remote contexts and has no loader hook, so our own JSON-LD is made
    self-contained before parsing. Other documents, and text that is not JSON (left for the
    parser to report with its position), come back unchanged. The caller has checked that the
    document is nested at most `MAX_NESTING` levels deep (`learningcity.load.bounded`); the
    standard library's JSON reader and writer recurse once per level, so they get room for that.
    """
    if CONTEXT_IRI.encode() not in data:
        return data
    with _recursion_room(3 * MAX_NESTING):
        try:
            document = json.loads(data)
        except (ValueError, RecursionError):
            return data
        _inline(document)
        return json.dumps(document, ensure_ascii=False).encode("utf-8")


@contextmanager
def _recursion_room(levels: int) -> Iterator[None]:
    """Python's recursion limit raised by `levels` for the block (C code, not the C stack, is
    what it guards here: a thousand levels of JSON take a few hundred kilobytes)."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(limit + levels)
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


def _inline(document: Json) -> None:
    """Replace, in place, each `CONTEXT_IRI` in every `@context` of `document` (scoped contexts
    included) by the bundled definitions; a loop, as the document may be deeply nested."""
    bundled = context_document()["@context"]
    pending = [document]
    while pending:
        value = pending.pop()
        if isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, dict):
            pending.extend(value.values())
            context = value.get("@context")
            if context == CONTEXT_IRI:
                value["@context"] = bundled
            elif isinstance(context, list):
                value["@context"] = [bundled if item == CONTEXT_IRI else item for item in context]


def document_loader(url: str, options: Mapping[str, Json] | None = None) -> dict[str, Json]:
    """A pyld document loader that serves only the bundled context and refuses every other URL.

    Use it as `pyld.jsonld.expand(doc, {"documentLoader": document_loader})`: reading our
    JSON-LD then needs no network, and no document can make pyld fetch anything.
    """
    if url == CONTEXT_IRI:
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": context_document(),
        }
    from pyld.jsonld import JsonLdError

    raise JsonLdError(
        f"refusing to load {url}: only the bundled context {CONTEXT_IRI} is served",
        "jsonld.LoadDocumentError",
        {"url": url},
        code="loading document failed",
    )
