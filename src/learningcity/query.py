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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Literal as TypingLiteral
from typing import cast

import pyoxigraph as ox

from learningcity.compaction import PREFIXED_NAME, Compactor
from learningcity.compat import oxigraph_unknown_function
from learningcity.errors import InputError
from learningcity.formats import (
    RESULTS_FORMAT_NAMES,
    RESULTS_FORMATS,
    SYNTAX_NAMES,
    format_for,
    syntax_named,
)
from learningcity.load import position_message
from learningcity.namespaces import STANDARD_PREFIXES, prefixes
from learningcity.oxigraph import results_bytes
from learningcity.resources import queries_dir
from learningcity.serialize import serialize
from learningcity.terms import XSD_BOOLEAN, XSD_DATE

Form = TypingLiteral["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

FORMS: tuple[str, ...] = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD"}
)
XSD = STANDARD_PREFIXES["xsd"]

# --------------------------------------------------------------------------------------------
# Checks on tokens: the SPARQL lexical grammar as Oxigraph reads it; nothing is evaluated.
# --------------------------------------------------------------------------------------------

#: Deepest nesting a query may have. Each bracket is one level deeper, and each element of a
#: group (`{`, `OPTIONAL`, `FILTER`, `UNION` ...), each binary operator and each step of a path
#: is one more level of the tree Oxigraph folds them into, counted along the way into the text.
#: Oxigraph recurses per level and overflows its stack (SIGSEGV), on the default 8 MiB stack and
#: in a thread alike, from about 1,660 such levels (`FILTER EXISTS {` nested 830 deep), 2,200
#: nested groups, 2,600 BINDs in one group, 4,650 nested parentheses or 6,500 UNIONs (measured
#: with pyoxigraph 0.5.13).
MAX_QUERY_NESTING = 500

_PN_PREFIX = r"[^\W\d_](?:[\w.\-\u00B7]*[\w\-\u00B7])?"
_PN_ESCAPE = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_LOCAL = (
    rf"(?:[\w:]|{_PN_ESCAPE})(?:[\w\-:\u00B7]|{_PN_ESCAPE})*"
    # Oxigraph's local names take one run of dots at most (`ex:a.b` of `ex:a.b.c`): what follows
    # is read as more query, so it is lexed as more query here too.
    rf"(?:\.+(?:[\w\-:\u00B7]|{_PN_ESCAPE})+)?"
)
_STRING = "|".join(
    (
        r"'''(?:[^'\\]|\\.|'(?!''))*'''",
        r'"""(?:[^"\\]|\\.|"(?!""))*"""',
        r"'(?:[^'\\\r\n]|\\.)*'",
        r'"(?:[^"\\\r\n]|\\.)*"',
    )
)
_TOKEN_RE = re.compile(
    "|".join(
        f"(?P<{kind}>{pattern})"
        for kind, pattern in (
            ("ws", r"\s+"),
            ("comment", r"#[^\r\n]*"),
            ("string", _STRING),
            # Oxigraph reads `\u` escapes inside an IRI: such an IRI is one token to it.
            ("iri", r'<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>'),
            ("var", r"[?$]\w[\w\u00B7]*"),
            ("langtag", r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*"),
            ("bnode", r"_:\w(?:[\w.\-\u00B7]*[\w\-\u00B7])?"),
            ("pname", rf"(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?"),
            ("number", r"[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?"),
            ("word", r"[A-Za-z_][A-Za-z0-9_]*"),
            ("punct", r"\^\^|&&|\|\||!=|<=|>=|."),
        )
    ),
    re.DOTALL,
)
_SKIPPED = frozenset(("ws", "comment"))
_QUOTES = frozenset(("'", '"'))  # a quote the string patterns left over: never closed


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
    """Split a query into tokens, whitespace and comments included (their texts add up)."""
    return _tokens(text, (match for match, _bracket in lex(text)), source)


def _tokens(text: str, matches: Iterable[re.Match[str]], source: str) -> list[Token]:
    """`Token`s of the matches `lex` made of `text`, with their lines and columns."""
    tokens = []
    line = 1
    line_start = 0
    for match in matches:
        kind = match.lastgroup or "punct"
        token_text = match.group()
        start = match.start()
        if kind == "punct" and token_text in _QUOTES:
            raise _unterminated(text, start, source)
        tokens.append(Token(kind, token_text, start, line, start - line_start + 1))
        if "\n" in token_text:
            line += token_text.count("\n")
            line_start = start + token_text.rindex("\n") + 1
    return tokens


def _significant(tokens: list[Token]) -> Iterator[Token]:
    return (t for t in tokens if t.kind not in _SKIPPED)


def position(text: str, offset: int, source: str = "query") -> str:
    """`source:line:column` of a character of `text`, 1-based as Oxigraph reports positions."""
    line_start = text.rfind("\n", 0, offset) + 1
    return f"{source}:{text.count(chr(10), 0, offset) + 1}:{offset - line_start + 1}"


def _unterminated(text: str, offset: int, source: str) -> InputError:
    return InputError(f"{position(text, offset, source)}: unterminated string; close the quote")


#: Words that add an element to a group pattern, which Oxigraph folds into one more level.
_CHAINING_WORDS = frozenset(
    ("UNION", "OPTIONAL", "MINUS", "FILTER", "BIND", "VALUES", "SERVICE", "GRAPH", "LATERAL")
)
#: Binary operators and path steps, likewise folded into one more level each.
_CHAINING_PUNCT = frozenset(
    ("||", "&&", "=", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "|", "^", "!")
)
#: Tokens that end a value, after which a `<` in an expression is Oxigraph's less-than (`lex`):
#: terms, the boolean words, a closing bracket, the `>>` that ends a triple term. Not the words
#: that start an expression (`DISTINCT <f>(?x)`, `NOT IN`) nor an operator (`?a > <x>`).
_VALUE_KINDS = frozenset(("var", "number", "string", "iri", "pname", "bnode", "langtag"))
_VALUE_WORDS = frozenset(("TRUE", "FALSE"))
_VALUE_PUNCT = frozenset((")", "]"))


@dataclass
class QueryScan:
    """What one pass over a query's tokens found (see `scan_query`)."""

    text: str
    source: str  # the query's name in messages
    #: Every token `lex` made of the text, whitespace and comments included: what later steps
    #: read (`CheckedQuery.tokens`), so that a query is lexed once.
    matches: list[re.Match[str]] = field(default_factory=list)
    form: str | None = None
    declared: set[str] = field(default_factory=set)  # prefixes the query declares
    used: dict[str, int] = field(default_factory=dict)  # prefix -> offset of its first use
    #: Whether the query may read named graphs (a GRAPH pattern, a FROM or FROM NAMED clause):
    #: without them it reads the default graph only (`learningcity.dataset`).
    names_graphs: bool = False
    #: Offset of the first IRI that is relative (no scheme) and read before any BASE, if any:
    #: it resolves only against a base IRI given with the query (`_check_tokens`).
    relative: int | None = None

    def needed_prefixes(self, namespaces: Mapping[str, str]) -> dict[str, str]:
        """The prefixes of `namespaces` the query uses without declaring them, by name: all a
        parser needs to be handed (Oxigraph's took ~40 µs more per query when handed all 40),
        and all a remote endpoint, which knows none of ours, needs declared."""
        return {
            prefix: namespaces[prefix]
            for prefix in sorted(self.used)
            if prefix not in self.declared and prefix in namespaces
        }


#: What a bracket holds, which decides where Oxigraph reads `<` as less-than (`lex`):
#: an expression (parentheses of FILTER, BIND, a call, a clause), clauses (outside any group,
#: or a subquery's group: SELECT ... ORDER BY ?x <f>(?y), where terms follow each other), a
#: group (`{`: triples and pattern keywords), a VALUES data block, or terms (a collection, a
#: VALUES row, `[ ... ]`, a property path in parentheses), where no operator can stand.
_EXPRESSION, _CLAUSES, _GROUP, _DATA, _TERMS = "expression", "clauses", "group", "data", "terms"


def scan_query(
    text: str,
    *,
    allow_service: bool = False,
    max_nesting: int = MAX_QUERY_NESTING,
    max_brackets: int | None = None,
    source: str = "query",
) -> QueryScan:
    """One pass over the tokens of a query, refusing what must never reach a parser.

    Refused (`InputError`, one line with the position): SPARQL Update keywords (this tool never
    changes data); SERVICE unless `allow_service`; nesting deeper than `max_nesting` (see
    `MAX_QUERY_NESTING`) or, if given, brackets deeper than `max_brackets` (for parsers that
    recurse further per bracket), before any parser recurses; an unterminated string. Any
    other query of the SPARQL 1.1 grammar passes (the W3C syntax tests, tests/conformance), but
    for a prefix or a word that contains SERVICE (below). Nothing is parsed or evaluated, so
    this costs the same whatever the query would do; syntax errors come from the run itself.

    SERVICE is decided the way Oxigraph's parser matches keywords: without a word boundary, so
    `trueSERVICE<...>`, `SERVICESILENT<...>` and the prefixed name `SERVICE:x` (the keyword,
    then `:x`) are SERVICE to it (measured). Every word, and the prefix of every prefixed name,
    that contains SERVICE in any case is refused. Strings, IRIs, comments, variables, language
    tags, blank node labels and local names are read whole by Oxigraph and lexed here as it
    lexes them (`lex`: one run of dots in a local name, `\\u` escapes in IRIs, less-than after a
    value in an expression), so SERVICE inside them is harmless. Oxigraph does not decode `\\u`
    escapes elsewhere (SPARQL 1.1 section 19.2 says a parser should), so `S\\u0045RVICE` is a
    syntax error to it, not SERVICE (measured).
    """
    scan = QueryScan(text, source)
    opened: list[str] = []  # the open brackets, innermost last
    chained = [0]  # per open bracket, and for the top level: the levels it has added
    nesting = 0  # the sum of `chained`: how deep the current token sits in Oxigraph's tree
    previous: re.Match[str] | None = None  # the previous significant token
    based = False  # a BASE was declared: relative IRIs after it resolve against it
    for match, bracket in lex(text):
        scan.matches.append(match)
        kind = match.lastgroup
        if kind in _SKIPPED:
            continue
        token = match.group()
        deeper = False  # the token adds a level that stays until its bracket closes
        if kind == "word":
            keyword = token.upper()
            if keyword in UPDATE_KEYWORDS:
                raise InputError(
                    f"{position(text, match.start(), source)}: {keyword} is SPARQL Update; "
                    "this is read-only; updates are refused"
                )
            if "SERVICE" in keyword and not allow_service:
                raise _service_refused(text, match, source)
            if scan.form is None and keyword in FORMS:
                scan.form = keyword
            scan.names_graphs = scan.names_graphs or keyword in ("GRAPH", "FROM")
            based = based or keyword == "BASE"
            deeper = keyword in _CHAINING_WORDS
        elif kind == "pname":
            prefix = token.partition(":")[0]
            if "SERVICE" in prefix.upper() and not allow_service:
                raise _service_refused(text, match, source)
            if previous is not None and previous.group().upper() == "PREFIX":
                scan.declared.add(prefix)
            else:
                scan.used.setdefault(prefix, match.start())
        elif kind == "iri":
            if scan.relative is None and not based and _RELATIVE.match(token):
                scan.relative = match.start()
        elif kind == "punct":
            if token in _QUOTES:
                raise _unterminated(text, match.start(), source)
            if bracket == "open":
                # A `{` is one more element of the group it is in; `(`, `[`, `<<` hold flat
                # lists (arguments, VALUES rows, collections), deeper only while open.
                chained[-1] += token == "{"
                opened.append(token)
                chained.append(token != "{")
                nesting += 1
                if nesting > max_nesting:
                    raise _too_deep(text, match, max_nesting, source)
                if max_brackets is not None and len(opened) > max_brackets:
                    raise _too_deep(text, match, max_brackets, source, "brackets")
            elif bracket == "less-than":
                _check_less_than(text, match, source)
            elif bracket == "close":
                if opened:
                    opened.pop()
                    nesting -= chained.pop()
            else:
                deeper = bracket in (None, "less-than") and token in _CHAINING_PUNCT
        if deeper:
            chained[-1] += 1
            nesting += 1
            if nesting > max_nesting:
                raise _too_deep(text, match, max_nesting, source)
        previous = match
    return scan


#: An IRI with no scheme: relative, resolved against the query's base IRI.
_RELATIVE = re.compile(r"<(?![A-Za-z][A-Za-z0-9+.\-]*:)")
_LESS_THAN = re.compile("(?P<punct><)")
#: What makes the two readings of `<...>` differ past its `>`: a comment, a string, brackets.
_HIDES = re.compile(r"[#'\"()\[\]{}]")


def _only_an_iri(token: str) -> bool:
    """Whether `<...>` can only be an IRI: `//` comes before anything that could hide query
    (`//` is no SPARQL outside strings, IRIs and comments), so `<http://e/x#y>` is an IRI
    wherever it stands, as Oxigraph reads it (`?o > <http://e/x#y>`, `DISTINCT <http://...>`)."""
    inner = token[1:-1]
    hides = _HIDES.search(inner)
    slashes = inner.find("//")
    return slashes >= 0 and (hides is None or slashes < hides.start())


def _check_less_than(text: str, match: re.Match[str], source: str) -> None:
    """Refuse a `<` read as less-than when the IRI it could also start would hide query.

    `lex` reads `<` after a value in an expression as less-than, as Oxigraph does. Should that
    reading ever be wrong, what it takes for code is code here too, and both readings meet
    again at the `>`, unless the IRI holds a `#` (a comment past the `>`), a quote (a string)
    or a bracket (nesting): then one line asks for a space, so no reading can hide a SERVICE.
    """
    iri = _TOKEN_RE.match(text, match.start())
    if iri is None or iri.lastgroup != "iri" or _HIDES.search(iri.group()) is None:
        return
    shown = iri.group() if len(iri.group()) <= 40 else iri.group()[:36] + "...>"
    raise InputError(
        f"{position(text, match.start(), source)}: {shown} after a value could be read as "
        "less-than or as an IRI; write a space after '<' for less-than"
    )


def lex(text: str) -> Iterator[tuple[re.Match[str], str | None]]:
    """The tokens of a query as Oxigraph reads them, whitespace and comments included, each with
    what it is to the brackets: "open", "close", "pair" (the second `<` of `<<`, `>` of `>>`),
    "less-than" (a `<` that could have started an IRI: `_check_less_than`) or None.

    Two tokens depend on where they stand. After a value in an expression (`_holds`), `<` is
    less-than, never the start of an IRI or of `<<`, since SPARQL has no term right after a
    value there: `FILTER(?a<?b)#x>` is `?a < ?b`, then a comment, `FILTER(1<2)SERVICE:x#>` is
    SERVICE, and `FILTER(?x<<a>)` is `?x < <a>`. Elsewhere (a triple, a collection, a VALUES
    row, a triple term) `<...>` is an IRI: `(1 <urn:x#y>)`. And `>>` closes a triple term only
    where one is open; `<<<a>` is `<<` and `<a>`.
    """
    holds: list[tuple[str, str]] = []  # per open bracket: its token and what it holds
    previous: re.Match[str] | None = None  # the previous significant token
    before: re.Match[str] | None = None  # and the one before it
    data_next = False  # a VALUES was read: the next `{` opens its data block
    pair_at = -1  # where the second `<` of an opening `<<` (or `>` of a closing `>>`) stands
    ended_value = False  # whether the previous significant token ends a value
    offset: int | None = 0  # where to lex on from after a less-than; None: at the end
    while offset is not None:
        matches, offset = _TOKEN_RE.finditer(text, offset), None
        for match in matches:
            kind = match.lastgroup
            if kind in _SKIPPED:
                yield match, None
                continue
            less_than = bool(holds) and holds[-1][1] == _EXPRESSION and ended_value
            bracket = None
            if kind == "iri" and less_than and not _only_an_iri(match.group()):
                operator = _LESS_THAN.match(text, match.start())
                assert operator is not None  # the IRI starts with `<`
                match, offset, bracket = operator, operator.end(), "less-than"
            elif kind == "word":
                keyword = match.group().upper()
                if keyword == "SELECT" and holds and holds[-1][1] == _GROUP:
                    holds[-1] = (holds[-1][0], _CLAUSES)  # a subquery's clauses
                data_next = data_next or keyword == "VALUES"
            elif kind == "punct" and match.group() in _BRACKETS:
                bracket = _bracket(text, match, holds, less_than, pair_at)
                if bracket == "open":
                    outer = holds[-1][1] if holds else _CLAUSES
                    token = match.group()
                    holds.append((token, _holds(token, outer, previous, before, data_next)))
                    data_next = data_next and token != "{"
                elif bracket == "close" and holds:
                    holds.pop()
                if bracket in ("open", "close") and match.group() in "<>":
                    pair_at = match.end()
            previous, before = match, previous
            ended_value = _ends_value(match, bracket)
            yield match, bracket
            if offset is not None:
                break  # lex on after the less-than


_BRACKETS = frozenset("{([<})]>")


def _bracket(
    text: str,
    match: re.Match[str],
    holds: list[tuple[str, str]],
    less_than: bool,
    pair_at: int,
) -> str | None:
    """What a bracket punct is to nesting (see `lex`): `<` opens `<<` unless it is less-than,
    `>` closes `>>` only when a `<<` is the innermost open bracket."""
    token = match.group()
    if token in "{([":
        return "open"
    if token in "})]":
        return "close"
    if match.start() == pair_at:
        return "pair"
    if not text.startswith(token, match.end()):
        return None
    if token == "<":
        return None if less_than else "open"
    return "close" if holds and holds[-1][0] == "<" else None


#: Words after which, in a group, `(` opens an expression (`FILTER(`, `BIND(`), and the word
#: before a call's name that makes `name(` one (`FILTER regex(`, `FILTER ex:f(`).
_EXPRESSION_WORDS = frozenset(("FILTER", "BIND"))
_NAME_KINDS = frozenset(("word", "iri", "pname"))


def _holds(
    token: str,
    outer: str,
    previous: re.Match[str] | None,
    before: re.Match[str] | None,
    data_next: bool,
) -> str:
    """What the bracket `token` opens holds, inside a bracket holding `outer` (a bracket in
    the clauses holds an expression: a SELECT's `( ... AS ?x)`, ORDER BY, HAVING).

    A `{` holds a group, or the data block of the VALUES before it; a `<<` a triple term, even
    in an expression (`BIND(<<( <s> <p> <o> )>> AS ?t)`). Inside an expression every other
    bracket holds one. In a group only FILTER and BIND start one (`FILTER(`, `BIND(`,
    `FILTER regex(`, `FILTER <f>(`); any other `(` there is a collection or a property path,
    and inside a data block a row: terms, between which SPARQL has no operator.
    """
    if token == "{":
        return _DATA if data_next else _GROUP
    if token == "<":
        return _TERMS
    if outer in (_EXPRESSION, _CLAUSES):
        return _EXPRESSION
    if token == "(" and outer == _GROUP and _starts_expression(previous, before):
        return _EXPRESSION
    return _TERMS


def _starts_expression(previous: re.Match[str] | None, before: re.Match[str] | None) -> bool:
    if previous is None:
        return False
    if previous.group().upper() in _EXPRESSION_WORDS:
        return True
    return (
        previous.lastgroup in _NAME_KINDS
        and before is not None
        and before.group().upper() == "FILTER"
    )


def _ends_value(match: re.Match[str], bracket: str | None) -> bool:
    kind, token = match.lastgroup, match.group()
    if kind == "word":
        return token.upper() in _VALUE_WORDS
    if kind == "punct":
        return token in _VALUE_PUNCT or (token == ">" and bracket == "pair")
    return kind in _VALUE_KINDS


def _service_refused(text: str, match: re.Match[str], source: str) -> InputError:
    token = match.group()
    where = position(text, match.start(), source)
    if token.upper() == "SERVICE":
        return InputError(
            f"{where}: SERVICE would make a network request; pass --allow-service to allow it"
        )
    return InputError(
        f"{where}: {token!r} reads as SERVICE to the query engine, which would make a network "
        "request; rename it, or pass --allow-service to allow SERVICE"
    )


def _too_deep(
    text: str, match: re.Match[str], limit: int, source: str, what: str = "levels"
) -> InputError:
    counted = (
        "" if what == "brackets" else " (brackets, and chains of UNION, FILTER, operators ...)"
    )
    return InputError(
        f"{position(text, match.start(), source)}: nested more than {limit} {what} deep"
        f"{counted}; refused (the parser would overflow its stack)"
    )


@dataclass(frozen=True)
class CheckedQuery:
    """A read-only query that passed every check (`check_query`), with what its one lexer pass
    found: running it, or sending it to an endpoint, reads that pass instead of lexing again.

    `prefixes`: the project's prefixes (`schema:`, `lc:`, `city:` ...) are declared for it, as
    they were when its prefixes were checked.
    """

    scan: QueryScan
    form: Form
    prefixes: bool

    @property
    def text(self) -> str:
        return self.scan.text

    @property
    def source(self) -> str:
        return self.scan.source

    def tokens(self) -> list[Token]:
        """Its tokens, whitespace and comments included (their texts add up to `text`)."""
        return _tokens(self.text, self.scan.matches, self.source)

    def run(
        self,
        store: ox.Store,
        *,
        substitutions: Mapping[str, Term] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        """Its answer over `store` (`run_query` says what the arguments mean)."""
        result = evaluate(
            store,
            self.text,
            prefixes=self.scan.needed_prefixes(_default_prefixes()) if self.prefixes else None,
            base_iri=base_iri,
            substitutions=substitutions,
            source=self.source,
        )
        if isinstance(result, ox.QueryTriples):
            return QueryResult(self.form, list(result))
        return QueryResult(self.form, result)


def check_query(
    text: str,
    *,
    allow_service: bool = False,
    prefixes: bool = True,
    source: str = "query",
    base_iri: str | None = None,
) -> CheckedQuery:
    """`text` as a `CheckedQuery`, or the `InputError` that refuses it (`checked`)."""
    return checked(scan_query(text, allow_service=allow_service, source=source), prefixes, base_iri)


def checked(scan: QueryScan, prefixes: bool = True, base_iri: str | None = None) -> CheckedQuery:
    """The scanned query as a `CheckedQuery`, after the checks `scan_query` leaves to a whole
    scan: it has a query form, no undeclared prefix (named plainly: Oxigraph lists every
    character it expected) and, with no `base_iri` to resolve against, no relative IRI before
    any BASE (Oxigraph reports it as a syntax error further on: "expected OPTIONAL")."""
    text, source = scan.text, scan.source
    if scan.form is None:
        raise InputError(
            f"{source}: not a SPARQL query; expected SELECT, ASK, CONSTRUCT or DESCRIBE"
        )
    known = _default_prefixes() if prefixes else {}
    for prefix, offset in scan.used.items():
        if prefix not in scan.declared and prefix not in known:
            raise InputError(
                f"{position(text, offset, source)}: unknown prefix '{prefix}:'; "
                f"declare it with PREFIX {prefix}: <...>"
            )
    if base_iri is None and scan.relative is not None:
        iri = _TOKEN_RE.match(text, scan.relative)
        shown = iri.group() if iri and len(iri.group()) <= 40 else "an IRI"
        raise InputError(
            f"{position(text, scan.relative, source)}: {shown} is relative and the query has no "
            "base IRI; declare BASE <...> or give one (--base-iri)"
        )
    return CheckedQuery(scan, cast(Form, scan.form), prefixes)


def inspect_query(
    text: str,
    *,
    allow_service: bool = False,
    prefixes: bool = True,
    source: str = "query",
    base_iri: str | None = None,
) -> Form:
    """The form of a read-only query ("SELECT", "ASK", "CONSTRUCT" or "DESCRIBE").

    Raises `InputError` for what `scan_query` refuses, for an undeclared prefix and, unless the
    query will run with a `base_iri`, for a relative IRI it does not resolve itself (BASE).
    Decided on tokens only: nothing is parsed or evaluated (pyoxigraph has no parse-only call,
    and even a SELECT over an empty store starts evaluating, SERVICE requests included:
    measured), so this costs the same whatever the query would do. Syntax errors are reported
    by the run itself (`query:line:column: ...`).
    """
    checked_query = check_query(
        text, allow_service=allow_service, prefixes=prefixes, source=source, base_iri=base_iri
    )
    return checked_query.form


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


def evaluate(
    store: ox.Store,
    text: str,
    *,
    prefixes: Mapping[str, str] | None,
    base_iri: str | None = None,
    substitutions: Mapping[str, Term] | None = None,
    source: str = "query",
    default_graph: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] | None = None,
    named_graphs: list[ox.NamedNode | ox.BlankNode] | None = None,
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """Oxigraph's answer to a checked query (`inspect_query`); what it refuses, in one line.

    `base_iri` resolves the query's relative IRIs (a BASE in the query takes precedence);
    `default_graph` and `named_graphs`, when given, are the dataset it runs over.
    A call of a function Oxigraph does not know is an error value, as SPARQL 1.1 (section 17)
    makes any function error: the expression is unbound, a FILTER false (`_error_functions`).
    """
    variables = {ox.Variable(name): term for name, term in (substitutions or {}).items()}
    declared = dict(prefixes) if prefixes is not None else None
    unknown: dict[ox.NamedNode, Callable[..., Term | None]] = {}
    try:
        while True:
            try:
                return store.query(
                    text,
                    prefixes=declared,
                    base_iri=base_iri,
                    substitutions=variables or None,
                    default_graph=default_graph,
                    named_graphs=named_graphs,
                    custom_functions=unknown or None,
                )
            except RuntimeError as error:
                named = _unknown_function(error)
                if named is None or named in unknown:
                    raise
                unknown.update(_error_functions(text, declared, base_iri) if not unknown else {})
                unknown[named] = _error_value
    except SyntaxError as error:
        raise InputError(position_message(source, error)) from None
    except RuntimeError as error:
        if "does not contains variable" in str(error):
            raise InputError(
                f"{source}: a parameter must be a variable of the query's SELECT clause ({error})"
            ) from None
        raise InputError(f"{source}: the query failed: {error}") from None


# --------------------------------------------------------------------------------------------
# Functions Oxigraph does not know: SPARQL error values
# --------------------------------------------------------------------------------------------
#
# Oxigraph refuses a whole query that calls a function it does not implement ("The custom
# function <...> is not supported"), before evaluating anything. SPARQL 1.1 has no such
# refusal: a function that cannot be evaluated raises an error in the expression, which leaves
# a BIND or a projected expression unbound and makes a FILTER false (section 17.2), and is how
# Jena's ARQ answers an unknown function. pyoxigraph offers one hook that keeps that behaviour
# inside its own evaluation: `custom_functions`, which map an IRI to a Python callable that may
# return None, an error. It needs the IRIs in advance, and a custom function replaces a built-in
# of the same IRI (the `xsd:` casts, measured: `xsd:integer("1")` became unbound), so only what
# Oxigraph itself names as unsupported becomes an error function, never a built-in. Rewriting
# the query text instead would move every error position and risk changing what it means.


def _unknown_function(error: RuntimeError) -> ox.NamedNode | None:
    """The function Oxigraph refused a query for, or None for any other error."""
    iri = oxigraph_unknown_function(str(error))
    return ox.NamedNode(iri) if iri is not None else None


def _error_value(*_arguments: Term) -> None:
    """An unknown function's value: None, an error to Oxigraph (unbound, a false FILTER)."""
    return None


def _error_functions(
    text: str, prefixes: dict[str, str] | None, base_iri: str | None
) -> dict[ox.NamedNode, Callable[..., Term | None]]:
    """Every function the query calls that Oxigraph does not know, as error functions.

    Found in one pass, so a query calling many unknown functions costs one more parse, not one
    per function (each refusal names a single IRI; a retry per IRI was measured at 122 s for
    1,000). The names called (an IRI or prefixed name before `(`) are resolved by Oxigraph
    itself, as values of a VALUES block under the query's own prologue (PREFIX, BASE) and the
    run's prefixes and base IRI; each is then kept if Oxigraph refuses a call of it alone. A name
    missed here (the VALUES block refused) is still caught, one refusal at a time, by
    `evaluate`.
    """
    tokens = list(_significant(tokenize(text)))
    start = next((t.start for t in tokens if t.keyword in FORMS), 0)
    called = {
        token.text
        for token, following in pairwise(tokens)
        if token.kind in ("iri", "pname") and following.text == "("
    }
    probe = f"{text[:start]}\nSELECT * {{ VALUES ?f {{ {' '.join(sorted(called))} }} }}"
    empty = ox.Store()
    try:
        solutions = empty.query(probe, prefixes=prefixes, base_iri=base_iri)
        assert isinstance(solutions, ox.QuerySolutions)  # a SELECT
        names = {row["f"] for row in solutions}
    except (SyntaxError, RuntimeError):
        return {}
    return {
        name: _error_value
        for name in names
        if isinstance(name, ox.NamedNode) and _is_unknown(empty, name)
    }


def _is_unknown(empty: ox.Store, name: ox.NamedNode) -> bool:
    try:
        empty.query(f"SELECT ({name}() AS ?v) {{}}")
    except RuntimeError as error:
        return _unknown_function(error) == name
    return False


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
    base_iri: str | None = None,
) -> QueryResult:
    """Run a read-only query on `store`.

    `substitutions` binds variables (by name, without `?`) to RDF terms the SEP-0007 way, so a
    value can never change the query's structure. `prefixes` makes the project's prefixes
    (`schema:`, `lc:`, `city:` ...) usable without PREFIX lines. `base_iri` resolves relative
    IRIs; without it, a relative IRI the query does not resolve itself (BASE) is refused.
    """
    checked_query = check_query(
        text, allow_service=allow_service, prefixes=prefixes, source=source, base_iri=base_iri
    )
    return checked_query.run(store, substitutions=substitutions, base_iri=base_iri)


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
    namespaces = _default_prefixes() if namespaces is None else namespaces
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


# --------------------------------------------------------------------------------------------
# Named queries (grlc-style headers) and their typed parameters
# --------------------------------------------------------------------------------------------

PARAM_TYPES: tuple[str, ...] = (
    "iri",
    "string",
    "lang-string",
    "integer",
    "decimal",
    "date",
    "year",
    "boolean",
)
_HEADER = re.compile(r"^#\+\s*(?P<key>[\w-]+)\s*:\s*(?P<value>.*?)\s*$")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s+(?P<type>[\w-]+)(?:\s*=\s*(?P<default>.+))?$")
_LANG = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|^`\\]*$")


@dataclass(frozen=True)
class Param:
    """A declared parameter: bound to the query variable of the same name."""

    name: str
    type: str
    default: str | None = None

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    title: str
    description: str
    params: tuple[Param, ...]
    text: str

    def bind(self, values: Mapping[str, str]) -> dict[str, Term]:
        """RDF terms for `--param` values (and defaults), each checked against its type."""
        declared = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            known = ", ".join(declared) or "none"
            raise InputError(
                f"--param {unknown[0]}: query {self.name!r} has no such parameter "
                f"(parameters: {known})"
            )
        bindings = {}
        for param in self.params:
            value = values.get(param.name, param.default)
            if value is None:
                raise InputError(
                    f"--param {param.name}: query {self.name!r} needs it "
                    f"({param.type}); give --param {param.name}=VALUE"
                )
            bindings[param.name] = parse_param(param, value)
        return bindings


def parse_param(param: Param, value: str) -> Term:
    """Turn a `--param` string into an RDF term of the declared type, or say what is wrong."""
    try:
        return _PARSERS[param.type](value.strip())
    except (ValueError, KeyError) as error:
        raise InputError(
            f"--param {param.name}={value}: not a valid {param.type} ({_PARAM_HINTS[param.type]})"
            + (f": {error}" if str(error) and not isinstance(error, KeyError) else "")
        ) from None


def _iri(value: str) -> ox.NamedNode:
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    name, colon, local = value.partition(":")
    known = _default_prefixes()
    if colon and name in known and not local.startswith("//"):
        value = known[name] + local
    if not _ABSOLUTE_IRI.match(value):
        raise ValueError("")
    return ox.NamedNode(value)


def _lang_string(value: str) -> ox.Literal:
    text, at, language = value.rpartition("@")
    if not at or not _LANG.match(language):
        raise ValueError("")
    return ox.Literal(text, language=language.lower())


def _typed(pattern: str, datatype: str) -> Callable[[str], ox.Literal]:
    def parse(value: str) -> ox.Literal:
        if not re.fullmatch(pattern, value):
            raise ValueError("")
        return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))

    return parse


def _date(value: str) -> ox.Literal:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("")
    date.fromisoformat(value)
    return ox.Literal(value, datatype=XSD_DATE)


def _boolean(value: str) -> ox.Literal:
    if value.lower() not in ("true", "false"):
        raise ValueError("")
    return ox.Literal(value.lower(), datatype=XSD_BOOLEAN)


_PARSERS: dict[str, Callable[[str], Term]] = {
    "iri": _iri,
    "string": ox.Literal,
    "lang-string": _lang_string,
    "integer": _typed(r"[+-]?[0-9]+", "integer"),
    "decimal": _typed(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", "decimal"),
    "date": _date,
    "year": _typed(r"[0-9]{4}", "gYear"),
    "boolean": _boolean,
}
_PARAM_HINTS = {
    "iri": "an absolute IRI or a known prefixed name like city:kr-yongsan-gu",
    "string": "any text",
    "lang-string": "text@lang, like 용산구@ko",
    "integer": "a whole number like 2016",
    "decimal": "a number like 2.5",
    "date": "YYYY-MM-DD, like 2016-10-01",
    "year": "four digits, like 2016",
    "boolean": "true or false",
}


def read_named_query(path: Path) -> NamedQuery:
    """Read one `.rq` file and its `#+ key: value` header (title, description, params)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror})") from None
    title = description = ""
    params: list[Param] = []
    for line in text.splitlines():
        match = _HEADER.match(line)
        if not match:
            if line.strip() and not line.startswith("#"):
                break
            continue
        key, value = match.group("key").lower(), match.group("value")
        if key == "title":
            title = value
        elif key == "description":
            description = f"{description} {value}".strip()
        elif key == "param":
            params.append(_declared_param(path, value))
    for param in params:
        if param.default is not None:
            parse_param(param, param.default)
    return NamedQuery(path.stem, path, title, description, tuple(params), text)


def _declared_param(path: Path, declaration: str) -> Param:
    match = _PARAM.match(declaration)
    if not match or match.group("type") not in PARAM_TYPES:
        raise InputError(
            f"{path}: '#+ param: {declaration}' should read 'NAME TYPE [= DEFAULT]' "
            f"with TYPE one of {', '.join(PARAM_TYPES)}"
        )
    return Param(match.group("name"), match.group("type"), match.group("default"))


def list_named_queries(directory: Path | None = None) -> list[NamedQuery]:
    """The bundled named queries (or those in `directory`), sorted by name."""
    folder = queries_dir() if directory is None else directory
    return [read_named_query(path) for path in sorted(folder.glob("*.rq"))]


def named_query(name: str, directory: Path | None = None) -> NamedQuery:
    folder = queries_dir() if directory is None else directory
    path = folder / f"{name}.rq"
    if re.fullmatch(r"[\w.-]+", name) and path.is_file():
        return read_named_query(path)
    names = ", ".join(q.name for q in list_named_queries(directory)) or "none"
    raise InputError(f"--name {name}: no such named query (available: {names}); see --list")
