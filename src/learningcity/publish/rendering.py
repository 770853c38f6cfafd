"""Every resource's page and RDF alternates, and the dataset's dumps, made and written by worker
processes at network scale.

At 10,000 cities a site has 170,000 resources and 1.4 million files, and rendering and writing
them is most of a publish; one process per CPU renders them in batches and writes each batch
into the site's staging folder itself, sending back only the names it wrote (the files' bytes,
gigabytes at that size, never travel between processes or wait in memory). The dumps (the whole
dataset in each syntax, plain and gzipped) are made first, by workers of their own that end
before the pages are sent: a dump holds every statement at once (a gigabyte at that size), and
a worker that had made one kept that memory while it rendered (2.5 GiB at 10,000 cities). The
page workers build their Store meanwhile. Workers (`learningcity.pool`) each get the rebased
data (and the page workers the ontology) once, as N-Quads; the page workers build the same
renderer as the parent over a Store of the data (a sixth of a Dataset's memory), so the bytes
do not depend on which process made them. Small sites are made in this process: a pool costs
about a second to start.

The pool is stopped (its workers terminated) before `resource_pages` returns or raises, so no
worker writes into the staging folder once it is swapped in or removed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from learningcity.formats import syntax_named
from learningcity.oxigraph import serialized
from learningcity.pool import WorkerPool
from learningcity.publish.documents import Target, dump_files, resource_files, resource_targets
from learningcity.publish.swap import SiteFolder, SiteWriter
from learningcity.rendering.pages import PageRenderer
from learningcity.rendering.representations import SERVED_SYNTAXES
from learningcity.rendering.statements import Statements
from learningcity.stored import nquads_batches, store_nquads

#: Resources from which pages are rendered by a pool of workers.
PARALLEL_FROM = 2_000
#: Resources a worker renders per task: enough that a task's overhead is small, few enough that
#: the last tasks keep both workers busy.
BATCH = 250
_NQUADS = ox.RdfFormat.N_QUADS

#: Builds the renderer from the data and the ontology; a module-level function, so that it can
#: be sent to the workers.
RendererMaker = Callable[[Statements, ox.Dataset], PageRenderer]
#: One task: the dump in a syntax (its name), or the pages of a batch of resources. Tasks name
#: what to do rather than carry a function, so that a worker runs its own module's code.
Task = str | list[Target]
_worker: tuple[PageRenderer, SiteWriter] | None = None
_dumper: tuple[bytes, SiteWriter] | None = None


@dataclass(frozen=True)
class Made:
    """What a task sends back: the resources it rendered, the files it wrote, and the size of
    each dump file (the dataset's description lists them)."""

    resources: int
    names: list[str]
    sizes: dict[str, int] = field(default_factory=dict)


def resource_pages(
    renderer: PageRenderer,
    make_renderer: RendererMaker,
    ontology: ox.Dataset,
    folder: SiteFolder,
    *,
    workers: int = 1,
    step: Callable[[str], None] = lambda _stage: None,
) -> dict[str, int]:
    """Write the dumps and the files of every local resource of `renderer.graph` into `folder`;
    the size of each dump file.

    `renderer` is `make_renderer(renderer.graph, ontology)`; workers build their own with it.
    """
    targets = resource_targets(renderer.graph, renderer.scheme)
    dumps = [syntax.name for syntax in SERVED_SYNTAXES]
    batches = [targets[i : i + BATCH] for i in range(0, len(targets), BATCH)]
    if workers < 2 or len(targets) < PARALLEL_FROM:
        writer = SiteWriter(folder.root)
        tasks: list[Task] = [*dumps, *batches]
        made = (_run(renderer, writer, t) for t in tasks)
        return _count(folder, len(targets), made, step)
    data = serialized(renderer.graph, _NQUADS)
    start_args = (make_renderer, data, serialized(ontology, _NQUADS), folder.root)
    # Results are consumed inside the blocks: an error or a signal here stops the workers first.
    with WorkerPool(workers, _start_worker, start_args, _run_in_worker) as pool:
        step("writing the dumps")
        with WorkerPool(workers, _start_dumper, (data, folder.root), _dump_in_worker) as dumpers:
            sizes = _count(folder, 0, dumpers.results(dumps), lambda _stage: None)
        return sizes | _count(folder, len(targets), pool.results(batches), step)


def _count(
    folder: SiteFolder, total: int, made: Iterable[Made], step: Callable[[str], None]
) -> dict[str, int]:
    """Record each task's files in `folder` as it is done, saying how far rendering is; the
    dump files' sizes."""
    done = 0
    sizes: dict[str, int] = {}
    for task in made:
        folder.record(task.names)
        sizes.update(task.sizes)
        done += task.resources
        step(f"rendering pages: {done} of {total} resources")
    return sizes


def _run(renderer: PageRenderer, writer: SiteWriter, task: Task) -> Made:
    if isinstance(task, str):
        return _dump(renderer.graph, writer, task)
    return _render(renderer, writer, task)


def _dump(quads: Iterable[ox.Quad], writer: SiteWriter, syntax: str) -> Made:
    """Make and write the dump of `quads` in `syntax` (plain and gzipped)."""
    files = dump_files(quads, syntax_named(syntax))
    return Made(0, writer.write(files), {name: len(body) for name, body in files.items()})


def _render(renderer: PageRenderer, writer: SiteWriter, batch: list[Target]) -> Made:
    """Render and write one batch of resources."""
    names: list[str] = []
    for iri, path in batch:
        names += writer.write(resource_files(renderer, iri, path))
    return Made(len(batch), names)


def _start_worker(make_renderer: RendererMaker, data: bytes, ontology: bytes, root: str) -> None:
    """The worker's renderer, reading the data from a Store (`learningcity.stored`): a Dataset of
    it took 2.2 GiB in each worker at 10,000 cities."""
    global _worker
    graph = store_nquads(nquads_batches(data)).graph
    renderer = make_renderer(graph, ox.Dataset(ox.parse(ontology, format=_NQUADS)))
    _worker = (renderer, SiteWriter(root))


def _run_in_worker(task: Task) -> Made:
    assert _worker is not None
    renderer, writer = _worker
    return _run(renderer, writer, task)


def _start_dumper(data: bytes, root: str) -> None:
    """A dump worker keeps the data as N-Quads and reads each dump's statements from them."""
    global _dumper
    _dumper = (data, SiteWriter(root))


def _dump_in_worker(syntax: str) -> Made:
    assert _dumper is not None
    data, writer = _dumper
    return _dump(ox.parse(data, format=_NQUADS), writer, syntax)
