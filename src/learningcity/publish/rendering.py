"""Every resource's page and RDF alternates, rendered in worker processes at network scale.

At 10,000 cities a site has 170,000 resources and 1.4 million files, and rendering them is most of
a publish; one process per CPU renders them in batches. Workers come from a fork server, not from
this (large) process: each gets the rebased data and the ontology once, as N-Quads, and builds the
same renderer as the parent, so the bytes do not depend on which process made them. Small sites
are rendered in this process: a pool costs about a second to start.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Sequence

import pyoxigraph as ox

from learningcity.oxigraph import serialized
from learningcity.publish.documents import Files, Target, resource_files, resource_targets
from learningcity.rendering.pages import PageRenderer

#: Resources from which pages are rendered by a pool of workers.
PARALLEL_FROM = 2_000
#: Resources a worker renders per task: enough that passing the files back costs little.
BATCH = 250
_NQUADS = ox.RdfFormat.N_QUADS

#: Builds the renderer from the data and the ontology; a module-level function, so that it can
#: be sent to the workers.
RendererMaker = Callable[[ox.Dataset, ox.Dataset], PageRenderer]
_worker: PageRenderer | None = None


def resource_pages(
    renderer: PageRenderer,
    make_renderer: RendererMaker,
    ontology: ox.Dataset,
    *,
    workers: int = 1,
    step: Callable[[str], None] = lambda _stage: None,
) -> Iterator[Files]:
    """The files of every local resource of `renderer.graph`, in IRI order, a batch at a time.

    `renderer` is `make_renderer(renderer.graph, ontology)`; workers build their own with it.
    """
    targets = resource_targets(renderer.graph, renderer.scheme)
    batches = [targets[i : i + BATCH] for i in range(0, len(targets), BATCH)]
    if workers < 2 or len(targets) < PARALLEL_FROM:
        yield from _counted(batches, (_render(renderer, b) for b in batches), step)
        return
    initargs = (
        make_renderer,
        serialized(renderer.graph, _NQUADS),
        serialized(ontology, _NQUADS),
    )
    context = multiprocessing.get_context("forkserver")
    with context.Pool(workers, initializer=_start_worker, initargs=initargs) as pool:
        yield from _counted(batches, pool.imap(_render_in_worker, batches), step)


def _counted(
    batches: Sequence[list[Target]], rendered: Iterable[Files], step: Callable[[str], None]
) -> Iterator[Files]:
    total, done = sum(map(len, batches)), 0
    for batch, files in zip(batches, rendered, strict=True):
        done += len(batch)
        step(f"rendering pages: {done} of {total} resources")
        yield files


def _render(renderer: PageRenderer, batch: list[Target]) -> Files:
    files: Files = {}
    for iri, path in batch:
        files.update(resource_files(renderer, iri, path))
    return files


def _start_worker(make_renderer: RendererMaker, data: bytes, ontology: bytes) -> None:
    global _worker
    _worker = make_renderer(
        ox.Dataset(ox.parse(data, format=_NQUADS)), ox.Dataset(ox.parse(ontology, format=_NQUADS))
    )


def _render_in_worker(batch: list[Target]) -> Files:
    assert _worker is not None
    return _render(_worker, batch)
