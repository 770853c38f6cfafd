"""Every resource's page and RDF alternates, rendered and written by worker processes at
network scale.

At 10,000 cities a site has 170,000 resources and 1.4 million files, and rendering and writing
them is most of a publish; one process per CPU renders them in batches and writes each batch
into the site's staging folder itself, sending back only the names it wrote (the files' bytes,
gigabytes at that size, never travel between processes or wait in memory). Workers
(`learningcity.pool`) each get the rebased data and the ontology once, as
N-Quads, and build the same renderer as the parent, so the bytes do not depend on which process
made them. Small sites are rendered in this process: a pool costs about a second to start.

The pool is stopped (its workers terminated) before `resource_pages` returns or raises, so no
worker writes into the staging folder once it is swapped in or removed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pyoxigraph as ox

from learningcity.oxigraph import serialized
from learningcity.pool import WorkerPool
from learningcity.publish.documents import Target, resource_files, resource_targets
from learningcity.publish.swap import SiteFolder, SiteWriter
from learningcity.rendering.pages import PageRenderer

#: Resources from which pages are rendered by a pool of workers.
PARALLEL_FROM = 2_000
#: Resources a worker renders per task: enough that a task's overhead is small, few enough that
#: the last tasks keep both workers busy.
BATCH = 250
_NQUADS = ox.RdfFormat.N_QUADS

#: Builds the renderer from the data and the ontology; a module-level function, so that it can
#: be sent to the workers.
RendererMaker = Callable[[ox.Dataset, ox.Dataset], PageRenderer]
_worker: tuple[PageRenderer, SiteWriter] | None = None


def resource_pages(
    renderer: PageRenderer,
    make_renderer: RendererMaker,
    ontology: ox.Dataset,
    folder: SiteFolder,
    *,
    workers: int = 1,
    step: Callable[[str], None] = lambda _stage: None,
) -> None:
    """Write the files of every local resource of `renderer.graph` into `folder`.

    `renderer` is `make_renderer(renderer.graph, ontology)`; workers build their own with it.
    """
    targets = resource_targets(renderer.graph, renderer.scheme)
    batches = [targets[i : i + BATCH] for i in range(0, len(targets), BATCH)]
    if workers < 2 or len(targets) < PARALLEL_FROM:
        writer = SiteWriter(folder.root)
        _count(folder, len(targets), (_render(renderer, writer, b) for b in batches), step)
        return
    start_args = (
        make_renderer,
        serialized(renderer.graph, _NQUADS),
        serialized(ontology, _NQUADS),
        folder.root,
    )
    with WorkerPool(workers, _start_worker, start_args, _render_in_worker) as pool:
        # Consumed inside the block: an error or a signal here stops the workers first.
        _count(folder, len(targets), pool.results(batches), step)


#: What a batch's rendering sends back: how many resources it held, and the files written.
Written = tuple[int, list[str]]


def _count(
    folder: SiteFolder, total: int, batches: Iterable[Written], step: Callable[[str], None]
) -> None:
    """Record each batch's files in `folder` as it is done, saying how far rendering is."""
    done = 0
    for resources, names in batches:
        folder.record(names)
        done += resources
        step(f"rendering pages: {done} of {total} resources")


def _render(renderer: PageRenderer, writer: SiteWriter, batch: list[Target]) -> Written:
    """Render and write one batch of resources."""
    names: list[str] = []
    for iri, path in batch:
        names += writer.write(resource_files(renderer, iri, path))
    return len(batch), names


def _start_worker(make_renderer: RendererMaker, data: bytes, ontology: bytes, root: str) -> None:
    global _worker
    renderer = make_renderer(
        ox.Dataset(ox.parse(data, format=_NQUADS)), ox.Dataset(ox.parse(ontology, format=_NQUADS))
    )
    _worker = (renderer, SiteWriter(root))


def _render_in_worker(batch: list[Target]) -> Written:
    assert _worker is not None
    renderer, writer = _worker
    return _render(renderer, writer, batch)
