"""A checked query, and running it over a Store (unknown functions become SPARQL error values)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import cast

import pyoxigraph as ox

from learningcity.compat import oxigraph_unknown_function
from learningcity.errors import InputError
from learningcity.load import position_message
from learningcity.query.lexer import (
    FORMS,
    TOKEN_RE,
    Form,
    QueryScan,
    Term,
    Token,
    default_prefixes,
    position,
    scan_query,
    significant,
    tokenize,
    tokens_of,
)
from learningcity.query.results import QueryResult


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
        return tokens_of(self.text, self.scan.matches, self.source)

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
            prefixes=self.scan.needed_prefixes(default_prefixes()) if self.prefixes else None,
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
    known = default_prefixes() if prefixes else {}
    for prefix, offset in scan.used.items():
        if prefix not in scan.declared and prefix not in known:
            raise InputError(
                f"{position(text, offset, source)}: unknown prefix '{prefix}:'; "
                f"declare it with PREFIX {prefix}: <...>"
            )
    if base_iri is None and scan.relative is not None:
        iri = TOKEN_RE.match(text, scan.relative)
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
        raise InputError(stated(position_message(source, error))) from None
    except RuntimeError as error:
        if "does not contains variable" in str(error):
            raise InputError(
                f"{source}: a parameter must be a variable of the query's SELECT clause ({error})"
            ) from None
        raise InputError(f"{source}: the query failed: {error}") from None


def stated(message: str) -> str:
    """A syntax error's `message` with what Oxigraph found wrong said alone, when it says it.

    Oxigraph's parser lists a rule the query breaks among the tokens it expected at that point,
    so that `SELECT * { } GROUP BY ?s` reads "expected one of "$", "(", ... SELECT * is not
    authorized with GROUP BY, STR, SUM, ... ['A' ..= 'Z' | ...], [_]" (W3C syn-bad-01; also
    a duplicated or rebound SELECT variable, syn-bad-03, syntax-SELECTscope2). Such a rule is
    the one expected item that is a sentence (words with spaces, not a quoted token or a
    character class); with one, the message is that sentence alone, at the same position.
    """
    where, found, expected = message.partition(": expected ")
    if not found:
        return message
    items = expected.removeprefix("one of ").split(", ")
    rules = [item for item in items if " " in item and item[:1] not in "\"'["]
    return f"{where}: {'; '.join(rules)}" if rules else message


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
    tokens = list(significant(tokenize(text)))
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
