"""`learningcity load` and `learningcity push`: put the data where other tools read it fast —
an on-disk Oxigraph store, or a named graph of a SPARQL server (thin layers over
`learningcity.store` and `learningcity.remote`)."""

from __future__ import annotations

from pathlib import Path

import click

from learningcity.cli.common import (
    OutputPath,
    base_option,
    data_arguments,
    data_or_default,
    iri_value,
)
from learningcity.cli.progress import TerminalProgress
from learningcity.load import names_of, resolve_sources


@click.command(context_settings={"max_content_width": 100})
@data_arguments
@click.option(
    "--store",
    required=True,
    type=OutputPath(folder=True, replacing="store"),
    metavar="DIR",
    help="Folder of the store to build (replaced once the new one is complete).",
)
@base_option
@click.option(
    "--public-base",
    metavar="IRI",
    callback=iri_value,
    help="Serve the data under this base: its IRIs under --base are moved there in the store "
    "(default: kept under --base).",
)
def load(
    data: tuple[str, ...],
    input_format: str | None,
    base_iri: str | None,
    store: Path,
    base: str,
    public_base: str | None,
) -> None:
    """Parse DATA once into an on-disk Oxigraph store that query, validate, export, info and
    serve open at once with --store DIR.

    The store keeps literals in canonical form: "1e3"^^xsd:double is read back as 1000 and
    "01"^^xsd:integer as 1; everything else comes back as written.

    `serve --store DIR` serves the store in place, under the base it was built for: --public-base
    here (the address the server answers at, e.g. http://127.0.0.1:8000/id/), else --base.

    \b
    Examples:
      learningcity load data/yongsan.ttl --store dist/store
      learningcity query --name mayor --store dist/store
      learningcity load data/yongsan.ttl --store dist/site --public-base http://127.0.0.1:8000/id/
      learningcity serve --store dist/site
    """
    from learningcity.rendering.iris import IriScheme
    from learningcity.store import build_store

    IriScheme.for_base(base)
    if public_base is not None:
        IriScheme.for_base(public_base)
    sources = resolve_sources(data_or_default(data), input_format, base_iri)
    with TerminalProgress.for_stderr() as progress:
        progress(f"loading {names_of(sources)} into {store}")
        count = build_store(sources, store, base, public_base)
    click.echo(f"loaded {count} statements into {store}", err=True)


@click.command(context_settings={"max_content_width": 100})
@data_arguments
@click.option(
    "--to",
    "store_url",
    required=True,
    metavar="URL",
    help="Graph Store Protocol address of the server (Oxigraph: http://HOST:7878/store, "
    "Fuseki: http://HOST:3030/DATASET/data).",
)
@click.option(
    "--graph",
    metavar="IRI",
    callback=iri_value,
    help="Named graph to replace (default: the IRI of the dcat:Dataset the data describes).",
)
def push(
    data: tuple[str, ...],
    input_format: str | None,
    base_iri: str | None,
    store_url: str,
    graph: str | None,
) -> None:
    """Upload DATA to a SPARQL server: one HTTP PUT (SPARQL 1.1 Graph Store Protocol) replaces
    the named graph, so readers see the old graph or the new one, and pushing twice changes
    nothing. Every statement of DATA goes into that one graph. The bundled ontology and
    policy-area scheme are put first into graphs of their own, as `serve` serves them, so that
    the named queries answer there as they do locally (query --endpoint URL --graph IRI).

    \b
    Examples:
      learningcity push data/yongsan.ttl --to http://localhost:7878/store
      learningcity push city.ttl --to http://localhost:3030/ds/data --graph https://example.org/g
      learningcity query 'SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g' \\
          --endpoint http://localhost:7878/query
      learningcity query --name mayor --endpoint http://localhost:7878/query \\
          --graph https://w3id.org/learningcity/id/dataset/kr-yongsan-gu

    \b
    Credentials (never on the command line; docs/remote.md):
      LEARNINGCITY_USER, LEARNINGCITY_PASSWORD  HTTP Basic, or Digest if the server asks
      LEARNINGCITY_TOKEN                        a bearer token
      the 'machine HOST' entry of ~/.netrc (or of the file NETRC names)

    \b
    Exit codes:
      0  the graphs were replaced
      2  unusable input, a URL that is not http(s), or a server that cannot be reached
      3  the server refused an upload (the HTTP status is shown); the data's graph was not
         replaced
    """
    from learningcity.dataset import pushed_graphs
    from learningcity.load import read_quads
    from learningcity.remote import dataset_iri
    from learningcity.remote import push as push_graph

    sources = resolve_sources(data_or_default(data), input_format, base_iri)
    with TerminalProgress.for_stderr() as progress:
        progress(f"reading {names_of(sources)} and sending it to {store_url}")
        statements = list(read_quads(sources))
        for name, quads in pushed_graphs(statements, graph or dataset_iri(statements)):
            pushed = push_graph(quads, store_url, name)
            click.echo(
                f"replaced <{pushed.graph}> with {pushed.statements} statements "
                f"(HTTP {pushed.status})",
                err=True,
            )
