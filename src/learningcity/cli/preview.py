"""`learningcity preview`: serve a published site locally as its hosts would (a thin wrapper over
`learningcity.server.preview`)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from learningcity.cli.common import host_option


@click.command()
@click.argument("site", type=click.Path(file_okay=False, exists=True, path_type=Path))
@host_option
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def preview(site: Path, host: str, port: int) -> None:
    """Serve the site folder SITE that `publish` wrote, negotiating as its hosts do.

    Unlike `python -m http.server`, /id/X answers 303 See Other to its document and /doc/X
    serves the page or the RDF that Accept asks for, by the same rules as the nginx, Apache
    and Caddy configuration written with the site (docs/publish.md). The site is served at the
    path of the base it was published for (/learningcity/ for the default base; / redirects
    there). Links between pages point where the site will live: publish with
    --base http://127.0.0.1:PORT/id/ to follow them locally.

    \b
    Examples:
      learningcity publish data/yongsan.ttl --out site/ && learningcity preview site/
      curl -i -H 'Accept: text/turtle' 127.0.0.1:8000/learningcity/id/city/kr-yongsan-gu
    """
    from learningcity.server.preview import preview_app, site_root
    from learningcity.server.run import listen, serve

    app = preview_app(site)
    address = f"[{host}]" if ":" in host else host
    path = site_root(site).split("://", 1)[-1].partition("/")[2]
    listener = listen(host, port)
    click.echo(f"previewing {site} at http://{address}:{port}/{path}", err=True)
    with contextlib.suppress(KeyboardInterrupt):
        serve(app, listener)
