"""The SPARQL lexical grammar as Oxigraph reads it, and the checks made on a query's tokens before
Oxigraph sees it (see the package's docstring); nothing here is evaluated."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Literal as TypingLiteral

import pyoxigraph as ox

from learningcity.errors import InputError
from learningcity.namespaces import STANDARD_PREFIXES, prefixes

Form = TypingLiteral["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

FORMS: tuple[str, ...] = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD"}
)
XSD = STANDARD_PREFIXES["xsd"]


@cache
def default_prefixes() -> dict[str, str]:
    """The project's prefixes (`schema:`, `lc:`, `city:` ...), which a query may use undeclared."""
    return prefixes()


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
TOKEN_RE = re.compile(
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
    return tokens_of(text, (match for match, _bracket in lex(text)), source)


def tokens_of(text: str, matches: Iterable[re.Match[str]], source: str) -> list[Token]:
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


def significant(tokens: list[Token]) -> Iterator[Token]:
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
    value in an expression), so SERVICE inside them is harmless.

    SPARQL 1.1 section 19.2 has `\\u` escapes decoded before parsing, anywhere in the text;
    Oxigraph decodes them only inside strings and IRIs, as characters of that token (measured:
    `S\\u0045RVICE` is a syntax error to it, `"a\\u0022"` a string holding a quote). So that
    this check, Oxigraph and any engine that decodes first (an `--endpoint`) read one query, an
    escape outside a string or an IRI is refused, and so is one inside that decodes to a
    character that would end or change its token under the section 19.2 reading (`_ESCAPED`).
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
            if kind == "comment":
                _check_escapes(text, match, source, _LINE_ENDS)
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
            _check_escapes(text, match, source)
            if scan.relative is None and not based and _RELATIVE.match(token):
                scan.relative = match.start()
        elif kind == "string":
            _check_escapes(text, match, source)
        elif kind == "punct":
            if token in _QUOTES:
                raise _unterminated(text, match.start(), source)
            if token == "\\" and _ESCAPE.match(text, match.start()):
                raise _escape_refused(text, match.start(), source, "outside a string or an IRI")
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
    iri = TOKEN_RE.match(text, match.start())
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
        matches, offset = TOKEN_RE.finditer(text, offset), None
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


#: A `\\u` or `\\U` codepoint escape (SPARQL 1.1 section 19.2).
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
#: Characters an escape in a string or an IRI may not stand for: decoded before parsing, as
#: section 19.2 has it, each would end the token, start an escape or a line, where Oxigraph
#: reads it as one character of the token (`"a\\u0022 SERVICE ... "` would be code).
_ESCAPED = frozenset("\"'<>\\") | frozenset(map(chr, range(0x20)))
#: In a comment, the characters that would end it: what follows would be code to such engines.
_LINE_ENDS = frozenset("\r\n")
_WHERE = {"string": "in a string", "iri": "in an IRI", "comment": "in a comment"}


def _check_escapes(
    text: str, match: re.Match[str], source: str, forbidden: frozenset[str] = _ESCAPED
) -> None:
    """Refuse an escape in the string, IRI or comment `match` that stands for one of the
    `forbidden` characters, about which the two readings disagree (`scan_query`)."""
    token = match.group()
    if "\\u" not in token and "\\U" not in token:
        return
    for escape in _ESCAPE.finditer(token):
        code = int(escape.group(1) or escape.group(2), 16)
        if code > 0x10FFFF or chr(code) in forbidden:
            where = _WHERE[match.lastgroup or "string"]
            raise _escape_refused(text, match.start() + escape.start(), source, where)


def _escape_refused(text: str, offset: int, source: str, where: str) -> InputError:
    escape = text[offset : offset + (6 if text[offset + 1] == "u" else 10)]
    return InputError(
        f"{position(text, offset, source)}: {escape} {where} is decoded before parsing by "
        "SPARQL 1.1 (section 19.2) but not by Oxigraph, so engines would read this query "
        "differently; write the character itself (in a string: \\\", \\' or \\\\)"
    )


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
