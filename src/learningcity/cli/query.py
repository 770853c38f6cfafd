"""`learningcity query`: SPARQL over local files or a remote endpoint (a thin layer over
`learningcity.query`)."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import click

from learningcity.cli.common import (
    data_or_store_arguments,
    emit,
    iri_values,
    open_input,
    output_option,
)
from learningcity.cli.progress import TerminalProgress
from learningcity.errors import ExitCode, InputError
from learningcity.formats import RESULTS_FORMATS, SYNTAXES, format_for
from learningcity.inputs import read_file, read_stream
from learningcity.interrupt import interruptible
from learningcity.load import document_base, warn_assumed_base
from learningcity.namespaces import with_declared
from learningcity.query import (
    OUTPUT_FORMATS,
    NamedQuery,
    Param,
    QueryResult,
    Term,
    checked,
    display_width,
    list_named_queries,
    named_query,
    scan_query,
    write_result,
)
from learningcity.remote import query_remote


@click.command(context_settings={"max_content_width": 100})
@click.argument("query_text", metavar="[QUERY]", required=False)
@data_or_store_arguments
@click.option(
    "-f",
    "--file",
    "query_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read the query from this file ('-' for stdin).",
)
@click.option("-n", "--name", help="Run the named query NAME from queries/ (see --list).")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="A parameter of the named query, checked against its declared type (repeatable).",
)
@click.option("--list", "list_only", is_flag=True, help="List the named queries and exit.")
@click.option(
    "--endpoint", metavar="URL", help="Run the query on this SPARQL 1.1 endpoint, not on DATA."
)
@click.option(
    "--graph",
    "graphs",
    multiple=True,
    metavar="IRI",
    callback=iri_values,
    help="With --endpoint: query this graph (as `learningcity push` wrote it; repeatable) as "
    "the default graph, beside the vocabulary's named graphs; the store's other graphs are not "
    "read.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(OUTPUT_FORMATS, case_sensitive=False),
    help="Output format. Default: table on a terminal, else json (SELECT, ASK) or turtle "
    "(CONSTRUCT, DESCRIBE), or the format the -o extension names.",
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Allow SERVICE, which makes the query engine send HTTP requests.",
)
@output_option
def query(
    query_text: str | None,
    data: tuple[str, ...],
    input_format: str | None,
    base_iri: str | None,
    store: Path | None,
    query_file: Path | None,
    name: str | None,
    params: tuple[str, ...],
    list_only: bool,
    endpoint: str | None,
    graphs: tuple[str, ...],
    output_format: str | None,
    allow_service: bool,
    output: Path | None,
) -> ExitCode:
    """Run a read-only SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE) on DATA
    (default: data/yongsan.ttl) or on a remote endpoint.

    The project's prefixes (schema:, lc:, city:, ...) need no PREFIX lines. Updates are refused;
    SERVICE is refused unless --allow-service. An ASK query exits 0 when true, 1 when false.
    --base-iri is the base of the query too (a query file's default is its own file: IRI); a
    function the engine does not know is a SPARQL error: unbound, or a FILTER that is false.

    \b
    Examples:
      learningcity query 'SELECT ?name { ?city a schema:City ; schema:name ?name }'
      learningcity query -f queries/vision.rq data/yongsan.ttl --format csv
      learningcity query --list
      learningcity query --name mayor
      learningcity query --name practices-for-sdg --param goal=4 --format csv
      learningcity query --name mayor --param lang=ko
      learningcity query 'ASK { ?post org:role lc:mayorRole }' && echo has a mayor
      learningcity query --name mayor --store dist/store
      learningcity query --name mayor --endpoint http://localhost:7878/query \\
          --graph https://w3id.org/learningcity/id/dataset/kr-yongsan-gu

    \b
    With --endpoint: credentials come from LEARNINGCITY_USER and LEARNINGCITY_PASSWORD (Basic,
    or Digest), LEARNINGCITY_TOKEN (Bearer) or ~/.netrc (NETRC); an answer the server cut at
    its row limit is refused (exit 2): page it with LIMIT and OFFSET (docs/remote.md).
    """
    if list_only:
        emit(_listing(list_named_queries(), output_format), output)
        return ExitCode.OK
    request = _request(query_text, data, query_file, name, params)
    query_base = document_base(request.path, base_iri)
    # The query is lexed once, here: the checks, the run and what goes to an endpoint all read
    # that one pass (`learningcity.query.CheckedQuery`).
    scan = scan_query(request.text, allow_service=allow_service, source=request.source)
    if query_base is not None and base_iri is None and scan.relative is not None:
        warn_assumed_base(request.source, query_base)
    if graphs and not endpoint:
        raise InputError("--graph names graphs of --endpoint; add --endpoint URL")
    if endpoint:
        if request.data:
            raise InputError("give DATA or --endpoint, not both")
        if store is not None:
            raise InputError("give --store or --endpoint, not both")
        result = query_remote(
            endpoint,
            checked(scan, base_iri=query_base or endpoint),
            substitutions=request.bindings,
            graphs=graphs,
            base_iri=query_base,
        )
        body, asked_false = _written(result, output_format, output, None)
    else:
        query = checked(scan, base_iri=query_base)
        # With --store, --base-iri is the query's alone: the store's IRIs were resolved by `load`.
        opened = open_input(request.data, input_format, store, None if store else base_iri)
        with TerminalProgress.for_stderr() as progress:
            progress(f"reading {opened.display}")
            # straight into a Store, no Dataset; the vocabulary only if the query can read it
            sparql_store = opened.sparql_store(scan.names_graphs)
            namespaces = with_declared(opened.declared)

            def run_and_write() -> tuple[bytes, bool]:
                # Errors raised as the answer is computed: damage the store's blocks show as
                # they are read, else the query's own (a SERVICE answer that is no results).
                try:
                    with opened.reading():
                        result = query.run(
                            sparql_store, substitutions=request.bindings, base_iri=query_base
                        )
                        return _written(result, output_format, output, namespaces)
                except RuntimeError as error:
                    raise InputError(f"{request.source}: the query failed: {error}") from None

            progress(f"running {request.source}")  # (a Store counts its statements by scanning)
            # Oxigraph evaluates (lazily, as the answer is written) in Rust; its result objects
            # must stay in the thread that made them, so evaluation and writing share one thread.
            body, asked_false = interruptible(run_and_write)
    emit(body, output)
    return ExitCode.FAILED if asked_false else ExitCode.OK


def _written(
    result: QueryResult,
    output_format: str | None,
    output: Path | None,
    namespaces: dict[str, str] | None,
) -> tuple[bytes, bool]:
    """The answer as bytes, and whether it is an ASK answered false (exit 1)."""
    body = write_result(result, _format(output_format, output, result), namespaces)
    return body, result.form == "ASK" and not result.boolean


@dataclass(frozen=True)
class _Request:
    """What to run: the query text, its name in messages, DATA, bound parameters, and the file
    the text was read from (None: the command line or stdin), whose IRI is the query's default
    base."""

    text: str
    source: str
    data: tuple[str, ...]
    bindings: dict[str, Term] = field(default_factory=dict)
    path: Path | None = None


def _request(
    query_text: str | None,
    data: tuple[str, ...],
    query_file: Path | None,
    name: str | None,
    params: tuple[str, ...],
) -> _Request:
    """Sort out the arguments. With -f or --name, a first positional argument is DATA."""
    if query_file is not None and name is not None:
        raise InputError("give one of QUERY, -f FILE or --name NAME")
    if params and name is None:
        raise InputError("--param is for named queries; use it with --name")
    if query_file is None and name is None:
        if query_text is None:
            raise InputError("give a QUERY, -f FILE or --name NAME (see --list)")
        return _Request(query_text, "query", data)
    if query_text is not None:
        data = (query_text, *data)
    if name is not None:
        named = named_query(name)
        bindings = named.bind(_param_values(params))
        return _Request(named.text, str(named.path), data, bindings, named.path)
    assert query_file is not None
    read_from = None if str(query_file) == "-" else query_file
    return _Request(_read_query_file(query_file, data), str(query_file), data, path=read_from)


def _read_query_file(path: Path, data: tuple[str, ...]) -> str:
    if str(path) == "-" and "-" in data:
        raise InputError("stdin ('-') can hold the query or DATA, not both")
    try:
        raw = read_stream(sys.stdin.buffer, "<stdin>") if str(path) == "-" else read_file(path)
        return raw.decode("utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; check the path of -f") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read the query ({error})") from None


def _param_values(params: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for param in params:
        key, equals, value = param.partition("=")
        if not equals or not key.strip():
            raise InputError(f"--param {param}: write it as KEY=VALUE")
        if key.strip() in values:
            raise InputError(f"--param {key.strip()}: given twice")
        values[key.strip()] = value
    return values


def _format(output_format: str | None, output: Path | None, result: QueryResult) -> str:
    if output_format:
        return output_format.lower()
    if output is not None:
        guessed = _format_of(output.suffix.lstrip(".").lower())
        if guessed:
            return guessed
    elif sys.stdout.isatty():
        return "table"
    return "turtle" if result.is_graph else "json"


def _format_of(extension: str) -> str | None:
    """The `--format` an `-o FILE` extension names (`formats.format_for`; `.txt`: table): a
    results format first (`.json`, `.xml`: for a graph they mean JSON-LD and RDF/XML), else an
    RDF syntax."""
    if extension == "txt":
        return "table"
    if not extension:
        return None
    found = format_for(extension, RESULTS_FORMATS) or format_for(extension, SYNTAXES)
    return found.name if found else None


def _listing(queries: list[NamedQuery], output_format: str | None) -> bytes:
    """The named queries as an aligned list (or JSON with --format json)."""
    if output_format == "json":
        entries = [
            {
                "name": q.name,
                "title": q.title,
                "description": q.description,
                "params": [
                    {"name": p.name, "type": p.type, "default": p.default} for p in q.params
                ],
            }
            for q in queries
        ]
        return (json.dumps(entries, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    rows = [(q.name, " ".join(_param_usage(p) for p in q.params), q.title) for q in queries]
    widths = [max([0, *(display_width(row[i]) for row in rows)]) for i in range(2)]
    lines = [
        "  ".join(
            [
                *(
                    cell + " " * (w - display_width(cell))
                    for cell, w in zip(row[:2], widths, strict=True)
                ),
                row[2],
            ]
        ).rstrip()
        for row in rows
    ]
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def _param_usage(param: Param) -> str:
    usage = f"{param.name}={param.type.upper()}"
    return usage if param.required else f"[{usage}]"
