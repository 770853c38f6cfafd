"""SHACL-SPARQL: what rdflib may run, and no network while pyshacl runs.

Every SHACL-SPARQL query is read by rdflib's own parser before anything runs, and one that uses
SERVICE or FROM (which rdflib would fetch) is refused, as is one nested deeper than rdflib's parser
can recurse (see `shacl_sparql`); while pyshacl runs, an audit hook refuses any socket or URL this
thread opens, should a future query slip through (`offline`).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from learningcity.errors import InputError
from learningcity.namespaces import prefixes
from learningcity.query import scan_query, tokenize
from learningcity.serialize import TurtleWriter
from learningcity.validation.report import SH, Term, local_name

#: Deepest brackets in a SHACL-SPARQL query. rdflib's parser (pyparsing) recurses in Python, some
#: 45 frames per parenthesis and 30 per group, and pyshacl runs it already deep in its own calls:
#: at the default recursion limit it fails (RecursionError) from 24 nested parentheses or 26
#: nested `FILTER EXISTS {` (measured with rdflib 7.6 under pyshacl 0.40). Real shapes nest 3 or 4.
MAX_SHACL_SPARQL_BRACKETS = 12
#: Shape properties whose values are SPARQL text pyshacl hands to rdflib (constraints, validators
#: of constraint components, SPARQL targets and rules).
_SPARQL_TEXTS = frozenset(SH + name for name in ("select", "ask", "construct"))
#: Values pyshacl pastes into that text as `PREFIX {prefix}: <{namespace}>` lines.
_DECLARATIONS = frozenset((SH + "prefix", SH + "namespace"))
_NETWORK_WORDS = re.compile("SERVICE|FROM", re.IGNORECASE)
_NETWORK_EVENTS = frozenset(
    (
        "socket.connect",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.sendto",
        "urllib.Request",
    )
)
#: While pyshacl runs in this thread: where it tried to reach (`offline`); else None.
_ATTEMPTS: ContextVar[list[str] | None] = ContextVar("network_attempts", default=None)


class SparqlRefused(InputError):
    """A SHACL-SPARQL query that validation must not run; the message says why."""

    def __init__(self, message: str, *, unreadable: bool = False) -> None:
        super().__init__(message)
        self.unreadable = unreadable  # rdflib cannot parse it (as written, it may still be
        # completed by pyshacl: `$PATH` replaced, prefixes prepended)


def shacl_sparql(text: str, source: str = "query") -> Any:
    """rdflib's parse of a SHACL-SPARQL query, once nothing in it could reach the network.

    Refused (`SparqlRefused`): nesting that rdflib's recursive parser could not survive
    (`_checked_tokens`); then whatever in rdflib's own parse tree would open a URL: SERVICE
    (`S\\u0045RVICE` is one to rdflib, and pyshacl's own check, a regular expression, misses
    it), and FROM or FROM NAMED, which rdflib loads from the web. Deciding on rdflib's tree
    decides on exactly what rdflib would execute.
    """
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery

    _checked_tokens(text, source)
    try:
        tree = parseQuery(text)
    except ParseBaseException as error:
        raise SparqlRefused(
            f"{source}:{error.lineno}:{error.col}: rdflib cannot parse it ({error.msg})",
            unreadable=True,
        ) from None
    except RecursionError:
        raise SparqlRefused(f"{source}: too complex for rdflib's SPARQL parser") from None
    reason = _network_use(tree)
    if reason:
        raise SparqlRefused(f"{source}: {reason}; validation never uses the network")
    return tree


def _checked_tokens(text: str, source: str) -> str:
    """The text as rdflib's parser reads it (`\\u` escapes decoded first), after refusing on
    its tokens what `query.scan_query` refuses, with brackets at most
    `MAX_SHACL_SPARQL_BRACKETS` deep (brackets in strings, IRIs and comments do not count)."""
    try:
        expanded = _expanded(text)
        scan_query(
            expanded,
            allow_service=True,  # decided on rdflib's parse tree: exactly what it would run
            max_brackets=MAX_SHACL_SPARQL_BRACKETS,
            source=source,
        )
    except InputError as error:
        raise SparqlRefused(str(error)) from None
    except ValueError as error:  # an escape that is no code point
        raise SparqlRefused(f"{source}: {error}") from None
    return expanded


def _expanded(text: str) -> str:
    """The text with its `\\u` and `\\U` escapes decoded, as rdflib's parser does first (its
    parser module, ~0.25 s to import, only for a text that has any)."""
    if "\\u" not in text and "\\U" not in text:
        return text
    from rdflib.plugins.sparql.parser import expandUnicodeEscapes

    return expandUnicodeEscapes(text)


def _network_use(tree: Any) -> str | None:
    """What in an rdflib parse tree would open a URL (walked without recursion)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                return "SERVICE would make a network request"
            if node.name == "DatasetClause":
                return "FROM would make rdflib load a graph from the web"
            pending.extend(node.values())
        elif isinstance(node, ParseResults | list | tuple):
            pending.extend(node)
    return None


def check_shacl_sparql(shapes: Iterable[ox.Quad], path: Path) -> None:
    """Refuse a shapes file holding a SPARQL text that `shacl_sparql` refuses, naming the shape.

    Checked before pyshacl reads the shapes, on each text as written. pyshacl may still change a
    text (prefixes prepended, `$PATH` replaced), so every text it composes is checked again where
    rdflib receives it (`engine._preparing_graph_class`); a text rdflib cannot parse as written is
    left to that check.
    """
    quads = list(shapes)
    for quad in quads:
        if not isinstance(quad.object, ox.Literal):
            continue
        where = f"sh:{local_name(quad.predicate)}"
        if quad.predicate.value in _DECLARATIONS and not _declares(quad):
            value = quad.object.value
            shown = repr(value if len(value) <= 40 else value[:36] + "...")
            raise InputError(
                f"{path}: {_named_owner(quads, quad.subject)} {where} {shown}: pyshacl would "
                "write it into SPARQL as more than a prefix declaration; give a prefix name "
                "and an IRI"
            )
        if quad.predicate.value not in _SPARQL_TEXTS:
            continue
        try:
            # The network words cannot be keywords of rdflib's parse unless their letters are
            # in the text it reads: only then is it parsed here (10 ms a text).
            if _NETWORK_WORDS.search(_checked_tokens(quad.object.value, where)):
                shacl_sparql(quad.object.value, where)
        except SparqlRefused as error:
            if not error.unreadable:
                shape = _named_owner(quads, quad.subject)
                raise InputError(f"{path}: shape {shape}: {error}") from None


def _declares(quad: ox.Quad) -> bool:
    """Whether pyshacl's `PREFIX p: <namespace>` line with this value declares one prefix and
    nothing else (a namespace holding `> SELECT ... #` would write a query of its own)."""
    assert isinstance(quad.object, ox.Literal)  # only literals are checked (`check_texts`)
    value = quad.object.value
    is_prefix = quad.predicate.value == SH + "prefix"
    line = f"PREFIX {value}: <>" if is_prefix else f"PREFIX p: <{value}>"
    try:
        kinds = [token.kind for token in tokenize(line) if token.kind != "ws"]
    except InputError:
        return False
    return kinds == ["word", "pname", "iri"] and (is_prefix or _is_iri(value))


def _is_iri(value: str) -> bool:
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return True


def _named_owner(quads: list[ox.Quad], node: Term | ox.Triple) -> str:
    """The named node a blank node (`sh:sparql [ ... ]`) hangs from, written as in Turtle."""
    parents = {q.object: q.subject for q in quads if isinstance(q.object, ox.BlankNode)}
    seen = set()
    while isinstance(node, ox.BlankNode) and node in parents and node not in seen:
        seen.add(node)
        node = parents[node]
    return TurtleWriter(prefixes()).term(node)


@contextmanager
def offline() -> Iterator[list[str]]:
    """While pyshacl runs: no socket, name lookup or URL opened by this thread, whatever asks.

    A Python audit hook (installed once per process, `_install_network_guard`) refuses them while
    this context is active in the current thread; other threads are not affected. The list it
    yields holds what was refused, in case rdflib swallowed the refusal (SERVICE SILENT).
    """
    _install_network_guard()
    attempts: list[str] = []
    token = _ATTEMPTS.set(attempts)
    try:
        yield attempts
    finally:
        _ATTEMPTS.reset(token)


@cache
def _install_network_guard() -> None:
    sys.addaudithook(_network_guard)


def _network_guard(event: str, args: tuple[Any, ...]) -> None:
    if event not in _NETWORK_EVENTS:
        return
    attempts = _ATTEMPTS.get()
    if attempts is None:
        return
    target = str(args[1] if event == "socket.connect" else args[0])
    attempts.append(target)
    raise SparqlRefused(network_refused(target))


def network_refused(target: str) -> str:
    return f"validation never uses the network; refused to reach {target}"
