"""SPARQL over the data: read-only, no surprise network access, typed named queries.

In four modules: `lexer` (the tokens and the checks on them), `run` (a checked query and its
evaluation), `results` (writing answers) and `named` (the named queries).

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

from learningcity.query.lexer import (
    MAX_QUERY_NESTING,
    Form,
    QueryScan,
    Term,
    lex,
    scan_query,
    tokenize,
)
from learningcity.query.named import (
    PARAM_TYPES,
    NamedQuery,
    Param,
    list_named_queries,
    named_query,
    parse_param,
    read_named_query,
)
from learningcity.query.results import (
    OUTPUT_FORMATS,
    QueryResult,
    display_width,
    render_table,
    term_text,
    write_result,
)
from learningcity.query.run import (
    CheckedQuery,
    check_query,
    checked,
    evaluate,
    inspect_query,
    run_query,
    store_for,
)

__all__ = [
    "MAX_QUERY_NESTING",
    "OUTPUT_FORMATS",
    "PARAM_TYPES",
    "CheckedQuery",
    "Form",
    "NamedQuery",
    "Param",
    "QueryResult",
    "QueryScan",
    "Term",
    "check_query",
    "checked",
    "display_width",
    "evaluate",
    "inspect_query",
    "lex",
    "list_named_queries",
    "named_query",
    "parse_param",
    "read_named_query",
    "render_table",
    "run_query",
    "scan_query",
    "store_for",
    "term_text",
    "tokenize",
    "write_result",
]
