"""`learningcity serve`: the linked-data server (a thin wrapper over `learningcity.server`)."""

from __future__ import annotations

import contextlib
import functools
import warnings
from collections.abc import Iterable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

import click
import pyoxigraph as ox
from click.core import ParameterSource

from learningcity.blanknodes import tangles_in
from learningcity.cli import show_warnings
from learningcity.cli.common import (
    base_option,
    data_or_store_arguments,
    host_option,
    iri_value,
    open_input,
)
from learningcity.cli.progress import TerminalProgress
from learningcity.errors import InputError, LearningCityWarning
from learningcity.host import parent_death_signal_supported
from learningcity.limits import MAX_ROWS, QUERY_TIMEOUT_S, QUERY_WORKERS, WORKER_MEMORY_MIB
from learningcity.store import DATABASE, Data, read_listing

if TYPE_CHECKING:
    from learningcity.server.served import ServedData


@click.command()
@data_or_store_arguments
@host_option
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--endpoint",
    metavar="URL",
    help="Serve a copy of this SPARQL 1.1 endpoint's data (read at start-up) instead of DATA.",
)
@click.option(
    "--graph",
    metavar="IRI",
    help="With --endpoint: serve this named graph (as `learningcity push` wrote it).",
)
@base_option
@click.option(
    "--public-base",
    metavar="IRI",
    callback=iri_value,
    help="Publish the data under this base instead (default: http://HOST:PORT/id/; with --store, "
    "the base the store was built for, which this must name).",
)
@click.option(
    "--timeout",
    default=QUERY_TIMEOUT_S,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds a SPARQL query may run before it is stopped (503).",
)
@click.option(
    "--workers",
    default=QUERY_WORKERS,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Query worker processes per serving process; a keep-alive connection sending queries "
    "holds one while it does (each query that times out costs one restart).",
)
@click.option(
    "--memory-limit",
    default=WORKER_MEMORY_MIB,
    show_default=True,
    type=click.IntRange(0),
    metavar="MIB",
    help="MiB of memory a query worker may take beyond the data it shares with the server; "
    "a query that needs more is stopped (503). 0: no cap. Enforced on Linux.",
)
@click.option(
    "--max-rows",
    default=MAX_ROWS,
    show_default=True,
    type=click.IntRange(1),
    help="Most rows (or triples) a SPARQL answer carries.",
)
@click.option(
    "--processes",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Serving processes sharing the port (one per core in a deployment).",
)
def serve(
    data: tuple[str, ...],
    input_format: str | None,
    base_iri: str | None,
    store: Path | None,
    endpoint: str | None,
    graph: str | None,
    host: str,
    port: int,
    base: str,
    public_base: str | None,
    timeout: float,
    workers: int,
    memory_limit: int,
    max_rows: int,
    processes: int,
) -> None:
    """Serve DATA as linked data: a page and RDF for every IRI, and a SPARQL endpoint.

    \b
    Examples:
      learningcity serve
      learningcity serve data/yongsan.ttl --port 8080 --timeout 5
      learningcity serve --processes 2   # one serving process per core
      learningcity serve --store dist/store
      learningcity serve --endpoint http://localhost:7878/query --graph IRI  # a pushed graph
      curl -H 'Accept: text/turtle' -L http://127.0.0.1:8000/id/city/kr-yongsan-gu

    \b
    With --endpoint: the graph is read whole, in pages past the server's row limit; credentials
    come from LEARNINGCITY_USER and LEARNINGCITY_PASSWORD, LEARNINGCITY_TOKEN or ~/.netrc
    (docs/remote.md).
    """
    from learningcity.server import Limits, create_app
    from learningcity.server.access import start_logging
    from learningcity.server.run import listen
    from learningcity.server.run import serve as run_server

    address = f"[{host}]" if ":" in host else host
    with TerminalProgress.for_stderr() as progress:
        progress("reading the data" if endpoint is None else f"copying the graph of {endpoint}")
        opened, source, reading = _statements(data, input_format, base_iri, store, endpoint, graph)
        served: Iterable[ox.Quad] | ServedData
        if isinstance(opened, Data):  # a store: served in place, under the base built for
            served, base, public_base = _in_place(opened, base, public_base)
        else:
            served = opened
        with reading, tangles_in(source):
            app = create_app(
                served,
                base=base,
                public_base=public_base or f"http://{address}:{port}/id/",
                limits=Limits(
                    timeout=timeout, workers=workers, max_rows=max_rows, memory_limit=memory_limit
                ),
                progress=progress,
            )
    start_logging()
    if not parent_death_signal_supported():
        warnings.warn(
            LearningCityWarning(
                "this system cannot have the kernel stop the query workers (and serving "
                "processes) of a server killed outright (kill -9): stop it with Ctrl-C or "
                "SIGTERM, which ends them too"
            ),
            stacklevel=1,
        )
    listener = listen(host, port)
    show_warnings()
    click.echo(
        f"serving {len(app.state.site.graph)} statements at http://{address}:{port}/"
        + (f" ({processes} processes)" if processes > 1 else ""),
        err=True,
    )
    # A stop signal is how a server ends: after the graceful shutdown uvicorn raises it again
    # (SIGTERM now raises Stopped, see learningcity.interrupt); exit 0 as --processes N does.
    with contextlib.suppress(KeyboardInterrupt):
        run_server(app, listener, processes)


def _in_place(data: Data, base: str, public_base: str | None) -> tuple[ServedData, str, str]:
    """The store of `data` as the server serves it in place, the base its things are minted
    under and the one it is served under: those it was built for (`learningcity load`), which
    --base and --public-base, when given, must name (a store is not rebased when served: its
    IRIs would be moved in every statement, and reading them all takes minutes at network
    size)."""
    from learningcity.server.served import stored_data

    given = click.get_current_context().get_parameter_source("base")
    built = data.served(None if given is ParameterSource.DEFAULT else base, public_base)
    assert data.store is not None and data.location is not None
    listing = functools.cache(functools.partial(read_listing, data.location))
    served = stored_data(
        data.store,
        data.location / DATABASE,
        built.statements,
        built.blank_nodes,
        built.tag,
        listing,
    )
    return served, built.base, built.public_base


def _statements(
    data: tuple[str, ...],
    input_format: str | None,
    base_iri: str | None,
    store: Path | None,
    endpoint: str | None,
    graph: str | None,
) -> tuple[Iterable[ox.Quad] | Data, str, AbstractContextManager[None]]:
    """DATA, the store, or a copy of the endpoint's graph: what the server serves (the store as
    opened), its name for messages, and the context that reports damage a store shows only when
    it is read."""
    if endpoint is None:
        if graph is not None:
            raise InputError("--graph names a graph of --endpoint; add --endpoint URL")
        statements = open_input(data, input_format, store, base_iri)
        if statements.store is not None:
            return statements, statements.display, statements.reading()
        return statements.quads(), statements.display, contextlib.nullcontext()
    if data or store is not None:
        raise InputError("give DATA, --store or --endpoint, not more than one")
    if base_iri is not None:
        raise InputError("--base-iri resolves relative IRIs of DATA files; drop it with --endpoint")
    from learningcity.remote import fetch_graph

    return fetch_graph(endpoint, graph), endpoint, contextlib.nullcontext()
