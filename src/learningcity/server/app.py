"""The ASGI application: dereferenceable IRIs, content negotiation, SPARQL, VoID, health.

`create_app` prepares everything that depends only on the data once, at start-up (the rebased
data in one Store for pages and SPARQL, `learningcity.server.served`; the data hash behind every
ETag), and caches rendered
representations, since the data cannot change while the server runs.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from learningcity import __version__
from learningcity.dataset import vocabulary as served_vocabulary
from learningcity.dataset import with_vocabulary
from learningcity.errors import InputError
from learningcity.jsonld import CONTEXT_PATH, hosted_context
from learningcity.limits import MAX_ROWS, QUERY_TIMEOUT_S, QUERY_WORKERS, WORKER_MEMORY_MIB
from learningcity.load import load_paths
from learningcity.namespaces import DEFAULT_DATA_BASE, prefixes
from learningcity.publish.vocabulary_documents import VocabularyDocuments
from learningcity.rendering import network
from learningcity.rendering.describe import (
    check_documents,
    description,
    is_known,
    last_modified,
)
from learningcity.rendering.iris import IriScheme, document_of_file, rebase, representation_url
from learningcity.rendering.labels import LANGUAGES
from learningcity.rendering.pages import (
    STATIC_DIR,
    ExampleQuery,
    Listing,
    PageRenderer,
    example_queries,
)
from learningcity.rendering.representations import (
    HTML,
    MEDIA_TYPES,
    REPRESENTATIONS,
    Representation,
    by_extension,
    by_media_type,
    by_name,
)
from learningcity.rendering.void import service_description, void_quads
from learningcity.resources import shapes_path, vocabulary_paths
from learningcity.serialize import serialize
from learningcity.server import sparql
from learningcity.server.access import AccessLogMiddleware
from learningcity.server.caching import (
    CACHE_CONTROL,
    GZIP_LEVEL,
    GZIP_MINIMUM_SIZE,
    GzipETagMiddleware,
    dataset_hash,
    http_date,
    matching_tag,
    not_modified_since,
    precondition_failed,
)
from learningcity.server.conneg import choose_language, choose_media_type
from learningcity.server.fastpath import ResponseCacheMiddleware
from learningcity.server.paths import ControlCharacterGuard, redirect_slashes_in_place
from learningcity.server.served import ServedData, served_data
from learningcity.server.workers import Answer, Job, QueryPool

#: A 404 page suggests close matches among this many known IRIs on each side of the missing one,
#: for a missing IRI at most this long (difflib's cost grows with both).
SUGGESTION_WINDOW = 100
MAX_SUGGESTED_IRI = 300
RDF_MEDIA_TYPES = tuple(m for m in MEDIA_TYPES if m != HTML.media_type)
#: Response headers a cross-origin script may read (CORS): every origin may read every answer.
EXPOSED_HEADERS = ("Content-Location", "ETag", "Last-Modified", "Link", "Vary", "X-SPARQL-MaxRows")
#: The dataset description (VoID), in RDF only.
VOID_PATH = ".well-known/void"
#: Renders one representation of one document: (representation, language) -> body.
Render = Callable[[Representation, str], bytes]


@dataclass(frozen=True)
class Limits:
    """Protection for the SPARQL endpoint: wall-clock seconds, query workers, result rows,
    request bytes, and the memory (MiB) each worker may add to what it shares (0: no cap)."""

    timeout: float = QUERY_TIMEOUT_S
    workers: int = QUERY_WORKERS
    max_rows: int = MAX_ROWS
    max_request_bytes: int = 64 * 1024
    memory_limit: int = WORKER_MEMORY_MIB


class LinkedDataSite:
    """The request handlers, over data prepared once."""

    def __init__(
        self,
        data: ServedData,
        scheme: IriScheme,
        vocabulary: ox.Dataset | None,
        queries: list[ExampleQuery],
        limits: Limits,
        shapes: ox.Dataset | None = None,
    ) -> None:
        self.graph = data.graph
        self.data = data
        self.scheme = scheme
        self.limits = limits
        self.namespaces = prefixes(scheme.base)
        if data.blank_nodes:  # without blank nodes every document is written whole
            check_documents(self.graph)
        self.renderer = PageRenderer(self.graph, scheme, vocabulary, queries, listing=data.listing)
        self.tag = data.tag
        self.modified = last_modified(self.graph)
        self.pool: QueryPool | None = None
        self.results = sparql.ResultCache()
        self.render = lru_cache(maxsize=4096)(self._render)
        #: The vocabulary's documents (ontology, shapes, concepts), as `publish` writes them.
        ontology = ox.Dataset() if vocabulary is None else vocabulary
        shapes = ox.Dataset() if shapes is None else shapes
        self.vocabulary = VocabularyDocuments(self.renderer, ontology, shapes)
        self.render_vocabulary = lru_cache(maxsize=256)(self.vocabulary.render)
        self.index_page = lru_cache(maxsize=len(LANGUAGES))(self.renderer.index)
        self.network_page = lru_cache(maxsize=len(LANGUAGES) * len(network.INDEXES))(
            self.renderer.network_page
        )
        self.jsonld_context = hosted_context(scheme.base)

    @functools.cached_property
    def vocabulary_tag(self) -> str:
        """The hash behind the vocabulary documents' ETags, at the first one served (hashing the
        ontology and the shapes canonically took half of a store's start-up)."""
        return dataset_hash(self.vocabulary.ontology, self.vocabulary.shapes)

    @property
    def store(self) -> ox.Store:
        """The Store this process answers from (an on-disk one is opened by each process)."""
        return self.data.store

    # -- shared HTTP plumbing --------------------------------------------------------------

    def etag(self, *variant: str) -> str:
        return '"' + "-".join((self.tag, *variant)) + '"'

    def validators(self, etag: str) -> dict[str, str]:
        headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
        if self.modified is not None:
            headers["Last-Modified"] = http_date(self.modified)
        return headers

    def conditional(self, request: Request, etag: str, headers: dict[str, str]) -> Response | None:
        """The answer the request's preconditions decide (`learningcity.server.caching`), else
        None: a 412 when `If-Match` or `If-Unmodified-Since` fails, a 304 when the client's
        copy is current (its own tag echoed back). Every response with an ETag asks here."""
        if precondition_failed(request, etag, self.modified):
            kept: dict[str, str] = {k: headers[k] for k in ("ETag", "Vary") if k in headers}
            return PlainTextResponse(
                "412 Precondition Failed: If-Match names no current representation (or it "
                "changed after If-Unmodified-Since); its ETag is " + etag,
                status_code=412,
                headers=kept,
            )
        tag = matching_tag(request, etag)
        if tag is not None:
            return Response(status_code=304, headers={**headers, "ETag": tag})
        if not_modified_since(request, self.modified):
            return Response(status_code=304, headers=headers)
        return None

    def language(self, request: Request) -> str:
        return self.page_language(
            request.query_params.get("lang"), request.headers.get("accept-language")
        )

    def page_language(self, lang: str | None, accept_language: str | None) -> str:
        """A page's language: `?lang=` when it names one, else by `Accept-Language`."""
        if lang in LANGUAGES:
            return lang
        return choose_language(accept_language, LANGUAGES)

    # -- documents -------------------------------------------------------------------------

    def _render(self, thing: str, representation: Representation, language: str) -> bytes:
        resource = ox.NamedNode(thing)
        if representation.syntax is None:
            return self.renderer.resource(resource, language).encode()
        return serialize(description(self.graph, resource), representation.syntax, self.namespaces)

    @functools.cached_property
    def known(self) -> list[str]:
        """The data's IRIs that name a subject, sorted: what a 404 page suggests from (listed at
        the first 404, not at start-up; a store recorded them)."""
        if self.data.listing is not None:
            return self.data.listing().subjects
        return self.graph.named_subjects()

    def listing(self) -> Listing:
        """What the pages about the whole data list, read from the data (`learningcity load`
        records it in a store, so that serving the store reads it instead)."""
        renderer = self.renderer
        classes = {language: renderer.class_members(language) for language in LANGUAGES}
        subjects = self.graph.named_subjects()
        return Listing(subjects, classes, renderer.members, renderer.home_node)

    def knows(self, thing: str) -> bool:
        """Whether `thing` is in the data. A path that makes no valid IRI (a decoded space,
        invalid UTF-8 decoded to U+FFFD) names nothing here: a 404, not a server error."""
        try:
            node = ox.NamedNode(thing)
        except ValueError:
            return False
        return is_known(self.graph, node)

    def vocabulary_tops(self) -> list[str]:
        """The first segments of the vocabulary's paths (`ontology`, `policy-area`): a route
        each, so that every other path stays Starlette's plain 404."""
        return sorted({path.split("/", 1)[0] for path in self.vocabulary.paths})

    def link_header(self, thing: str) -> str:
        doc = self.scheme.document_for(thing)
        return ", ".join(
            f'<{representation_url(doc, r.extension)}>; rel="alternate"; type="{r.media_type}"'
            for r in REPRESENTATIONS
        )

    def choose(self, request: Request, path: str) -> tuple[str, Representation | None, str]:
        """(thing IRI, representation or None when nothing fits, Vary) for a request path."""
        stem, representation, vary = negotiate(request, path, MEDIA_TYPES)
        return self.scheme.thing_for_path(stem), representation, vary

    async def thing(self, request: Request) -> Response:
        """/id/... names a thing, not a document: 303 See Other to the document about it."""
        path = "id/" + request.path_params["path"]
        thing, representation, vary = self.choose(request, path)
        if not self.knows(thing):
            return self.not_found(request, thing)
        if representation is None:
            return self.not_acceptable(vary)
        doc_path = self.scheme.path_of(self.scheme.doc_for(thing) or thing)
        if representation is not HTML:
            doc_path = representation_url(doc_path, representation.extension)
        if request.url.query:
            doc_path += "?" + request.url.query
        headers = {"Location": doc_path, "Cache-Control": CACHE_CONTROL}
        if vary:
            headers["Vary"] = vary
        return Response(status_code=303, headers=headers)

    async def document(self, request: Request) -> Response:
        path = "doc/" + request.path_params["path"]
        thing, representation, vary = self.choose(request, path)
        if not self.knows(thing):
            return self.not_found(request, thing)
        render = functools.partial(self.render, thing)
        return self.represent(request, thing, representation, vary, render, ())

    async def vocabulary_document(self, request: Request) -> Response:
        """`/ontology`, `/shapes`, `/policy-area/x` (each with `.ttl`, ... or negotiated): the
        vocabulary's documents, rendered as `publish` writes them, about the project's IRIs
        (`https://w3id.org/learningcity/ontology`) that the data names."""
        path = request.url.path[1:]
        stem, representation, vary = negotiate(request, path, MEDIA_TYPES)
        iri = self.vocabulary.iris.get(stem)
        if iri is None:
            return self.not_found(request, self.scheme.root + path)
        render = functools.partial(self.render_vocabulary, stem)
        return self.represent(request, iri, representation, vary, render, (self.vocabulary_tag,))

    def represent(
        self,
        request: Request,
        thing: str,
        representation: Representation | None,
        vary: str,
        render: Render,
        tag: tuple[str, ...],
    ) -> Response:
        """The document about `thing` in `representation` (None: 406), with its validators
        (`tag` adds to the data's), its alternates (`Link`) and the URL of exactly this
        representation (`Content-Location`: `.ttl`, ...; for HTML also its language)."""
        if representation is None:
            return self.not_acceptable(vary)
        variant = [*tag, representation.name]
        location = self.scheme.path_of(self.scheme.document_for(thing))
        headers = {"Link": self.link_header(thing)}
        if representation is HTML:
            language = self.language(request)
            variant.append(language)
            headers["Content-Language"] = language
            headers["Content-Location"] = (
                f"{representation_url(location, HTML.extension)}?lang={language}"
            )
            if "lang" not in request.query_params:
                vary = ", ".join(v for v in (vary, "Accept-Language") if v)
        else:
            language = LANGUAGES[0]
            headers["Content-Location"] = representation_url(location, representation.extension)
        if vary:
            headers["Vary"] = vary
        etag = self.etag(*variant)
        headers.update(self.validators(etag))
        unchanged = self.conditional(request, etag, headers)
        if unchanged is not None:
            return unchanged
        try:
            body = render(representation, language)
        except InputError as error:  # RDF/XML cannot carry some literal or predicate of it
            return PlainTextResponse(f"406 Not Acceptable: {error}", status_code=406)
        return Response(body, headers=headers, media_type=representation.content_type)

    def not_acceptable(self, vary: str) -> Response:
        offered = ", ".join(MEDIA_TYPES)
        headers = {"Vary": vary} if vary else {}
        return PlainTextResponse(
            f"406 Not Acceptable: this document is offered as {offered}; "
            "or add an extension (.ttl, .jsonld, ...) or ?format=",
            status_code=406,
            headers=headers,
        )

    def not_found(self, request: Request, iri: str) -> Response:
        if choose_media_type(request.headers.get("accept"), (HTML.media_type, "text/plain")) == (
            HTML.media_type
        ):
            page = self.renderer.not_found(iri, self.language(request), self.near(iri))
            return HTMLResponse(page, status_code=404)
        return PlainTextResponse(
            f"404 Not Found: {iri} is not in the data; see {self.scheme.root} for what is",
            status_code=404,
        )

    def near(self, iri: str) -> list[str]:
        """The known IRIs a 404 page compares `iri` with: its siblings nearest in sort order.

        difflib runs on the event loop; against every IRI of a 200-city network it took ~150 ms
        per 404, so a client sending unknown paths starved all others (measured under load).
        A typo is nearly always in the last segment and rarely in its first letters.
        """
        if len(iri) > MAX_SUGGESTED_IRI:
            return []
        folder = iri[: iri.rfind("/") + 1]
        start = bisect.bisect_left(self.known, folder)
        end = bisect.bisect_left(self.known, folder + "\U0010ffff", start)
        at = bisect.bisect_left(self.known, iri, start, end)
        window = self.known[max(start, at - SUGGESTION_WINDOW) : min(end, at + SUGGESTION_WINDOW)]
        return [k for k in window if "/" not in k[len(folder) :]]

    # -- other pages -----------------------------------------------------------------------

    async def index(self, request: Request) -> Response:
        language = self.language(request)
        etag = self.etag("index", language)
        headers = {**self.validators(etag), "Content-Language": language}
        if "lang" not in request.query_params:
            headers["Vary"] = "Accept-Language"
        unchanged = self.conditional(request, etag, headers)
        if unchanged is not None:
            return unchanged
        # the first rendering of each language labels every resource: off the event loop
        return HTMLResponse(await run_in_threadpool(self.index_page, language), headers=headers)

    async def network(self, request: Request) -> Response:
        """An index page of the network (`/network/countries`, ...), as `publish` writes it."""
        name = request.path_params["name"]
        if name not in network.INDEXES:
            return self.not_found(request, self.scheme.root + network.FOLDER + name)
        language = self.language(request)
        etag = self.etag("network", name, language)
        headers = {**self.validators(etag), "Content-Language": language}
        if "lang" not in request.query_params:
            headers["Vary"] = "Accept-Language"
        unchanged = self.conditional(request, etag, headers)
        if unchanged is not None:
            return unchanged
        page = await run_in_threadpool(self.network_page, name, language)
        return HTMLResponse(page, headers=headers)

    async def void(self, request: Request) -> Response:
        """The dataset description (VoID) in RDF: `/.well-known/void`, negotiated, or with an
        extension (`.ttl`, ...), as a static site's files are named."""
        path = request.url.path[1:]
        stem, representation, vary = negotiate(request, path, RDF_MEDIA_TYPES)
        if stem != VOID_PATH:
            return self.not_found(request, self.scheme.root + path)
        if representation is None:
            return self.not_acceptable(vary)
        etag = self.etag("void", representation.name)
        location = f"/{VOID_PATH}.{representation.extension}"
        headers = {**self.validators(etag), "Content-Location": location}
        if vary:
            headers["Vary"] = vary
        unchanged = self.conditional(request, etag, headers)
        if unchanged is not None:
            return unchanged
        assert representation.syntax is not None  # negotiated among RDF media types
        quads = await run_in_threadpool(lambda: self.void_description)
        body = serialize(quads, representation.syntax, self.namespaces)
        return Response(body, headers=headers, media_type=representation.content_type)

    async def context(self, request: Request) -> Response:
        """The versioned JSON-LD context, at the IRI a document naming the published context
        names once moved under this server's base (`learningcity.jsonld.context_iri`)."""
        etag = self.etag("context")
        headers = self.validators(etag)
        unchanged = self.conditional(request, etag, headers)
        if unchanged is not None:
            return unchanged
        jsonld = by_name("jsonld")
        assert jsonld is not None
        return Response(self.jsonld_context, headers=headers, media_type=jsonld.content_type)

    async def health(self, request: Request) -> Response:
        workers = self.pool.size if self.pool else 0
        status = 200 if workers == self.limits.workers else 503
        return JSONResponse(
            {
                "status": "ok" if status == 200 else "degraded",
                "version": __version__,
                "triples": len(self.graph),
                "query_workers": workers,
            },
            status_code=status,
            headers={"Cache-Control": "no-store"},
        )

    # -- SPARQL ----------------------------------------------------------------------------

    def error_page(self, language: str, query: str, message: str) -> bytes:
        """The query form with `query` and why it was refused or failed (`sparql.SparqlSite`)."""
        return self.renderer.query_page(language, query, error=message).encode()

    def results_page(
        self,
        language: str,
        query: str,
        head: Sequence[str],
        rows: list[list[sparql.Cell]],
        truncated: bool,
    ) -> bytes:
        """The HTML page of a results table (written in a query worker: `sparql.PageWriter`)."""
        values = [[self.renderer.cell(term, language) for term in row] for row in rows]
        cap = self.limits.max_rows if truncated else None
        return self.renderer.query_page(language, query, head, values, cap).encode()

    @functools.cached_property
    def void_description(self) -> list[ox.Quad]:
        """The dataset description, once: counting classes and properties walks every statement
        (a second or more at network size, on the event loop)."""
        return void_quads(self.graph, self.scheme)

    @functools.cached_property
    def service_quads(self) -> list[ox.Quad]:
        """The service description, once: the store holds all it says (the vocabulary's named
        graphs are added to it after this object is made, so it is not computed then)."""
        return service_description(self.graph, self.store, self.scheme)

    async def sparql_service(self, request: Request) -> Response:
        """GET /sparql with no query (`sparql.SparqlEndpoint` answers the queries): the query
        page for browsers, else the service description."""
        offers = (*RDF_MEDIA_TYPES, HTML.media_type)
        override = request.query_params.get("format")
        media = choose_media_type(request.headers.get("accept"), offers)
        if override == "html" or (override is None and media == HTML.media_type):
            page = self.renderer.query_page(self.language(request))
            return HTMLResponse(page, headers={"Vary": "Accept"})
        _path, representation, vary = negotiate(request, request.url.path[1:], RDF_MEDIA_TYPES)
        if representation is None:
            return self.not_acceptable(vary)
        quads = self.service_quads
        assert representation.syntax is not None  # negotiated among RDF media types
        body = serialize(quads, representation.syntax, self.namespaces)
        return Response(body, headers={"Vary": "Accept"}, media_type=representation.content_type)


def load_vocabulary() -> ox.Dataset | None:
    """The bundled vocabulary (labels of properties and classes), when the install has one."""
    paths = [path for path in vocabulary_paths() if path.is_file()]
    return load_paths(*paths) if paths else None


def load_shapes() -> ox.Dataset | None:
    """The bundled shapes (served at `/shapes`), when the install has them."""
    path = shapes_path()
    return load_paths(path) if path.is_file() else None


def negotiate(
    request: Request, path: str, offers: Sequence[str]
) -> tuple[str, Representation | None, str]:
    """(the document's path without extension, the representation or None when none of
    `offers` fits, Vary) for a request path: an extension names a representation (a folder's
    are its index's, `policy-area/index.ttl`), else `?format=`, else `Accept` chooses (and the
    answer varies on it)."""
    stem, dot, extension = path.rpartition(".")
    fixed = by_extension(extension) if dot and "/" not in extension else None
    if fixed is not None:
        return document_of_file(stem), (fixed if fixed.media_type in offers else None), ""
    override = request.query_params.get("format")
    if override:
        chosen = by_name(override)
        return path, (chosen if chosen and chosen.media_type in offers else None), ""
    media = choose_media_type(request.headers.get("accept"), offers)
    return path, (by_media_type(media) if media else None), "Accept"


def create_app(
    dataset: Iterable[ox.Quad] | ServedData,
    *,
    base: str = DEFAULT_DATA_BASE,
    public_base: str | None = None,
    limits: Limits | None = None,
    vocabulary: ox.Dataset | None = None,
    shapes: ox.Dataset | None = None,
    progress: Callable[[str], None] | None = None,
) -> Starlette:
    """The linked-data server for `dataset` (statements from `learningcity.load`, read once, a
    Store, read in Rust, or a store on disk served in place, `learningcity.server.served`).

    `base` is the data's base IRI (ending in `/id/`); `public_base` the address the server
    answers at (e.g. `http://127.0.0.1:8000/id/`), under which every IRI of the data is
    published; by default the data is served under its own base. Query workers are forked when
    the application starts (its lifespan) and killed when it stops. `progress` is told each
    step of the preparation, which takes a while for network-sized data.
    """
    limits = limits or Limits()
    scheme = IriScheme.for_base(public_base or base)
    IriScheme.for_base(base)
    if progress is not None:
        progress("loading the data into the store")
    data = dataset if isinstance(dataset, ServedData) else served_data(dataset, base, scheme.base)
    if vocabulary is None:
        vocabulary = load_vocabulary()
    if shapes is None:
        shapes = load_shapes()
    # the vocabulary's documents name the data's IRIs (organization:...) where the data is
    # served, as /sparql's vocabulary graphs do
    if vocabulary is not None:
        vocabulary = rebase(vocabulary, base, scheme.base)
    if shapes is not None:
        shapes = rebase(shapes, base, scheme.base)
    queries = example_queries(scheme, base)
    site = LinkedDataSite(data, scheme, vocabulary, queries, limits, shapes)
    # /sparql answers over the served dataset: the data, and the vocabulary's named graphs with
    # the data's IRIs moved as the data's are (added after the data's hash: ETags follow the data)
    if not data.vocabulary:
        with_vocabulary(site.store, "the data", rebase(served_vocabulary(), base, scheme.base))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        def respond(job: Job) -> Answer:  # in a worker: its own Store (stored.ProcessStore)
            return sparql.respond(
                site.store,
                site.namespaces,
                limits.max_rows,
                site.results_page,
                job,
                base_iri=scheme.endpoint,
            )

        site.pool = QueryPool(
            respond,
            limits.workers,
            limits.timeout,
            limits.memory_limit,
            sparql.LentRequests(site, EXPOSED_HEADERS),
        )
        try:
            yield
        finally:
            site.pool.close()

    routes = [
        Route("/", site.index, methods=["GET"]),
        Route("/" + network.FOLDER + "{name}", site.network, methods=["GET"]),
        Route("/id/{path:path}", site.thing, methods=["GET"]),
        Route("/doc/{path:path}", site.document, methods=["GET"]),
        Route("/sparql", site.sparql_service, methods=["GET", "POST"]),
        Route("/" + VOID_PATH + "{extension:path}", site.void, methods=["GET"]),
        Route("/" + CONTEXT_PATH, site.context, methods=["GET"]),
        Route("/health", site.health, methods=["GET"]),
        *(
            Route(f"/{top}{{rest:path}}", site.vocabulary_document, methods=["GET"])
            for top in site.vocabulary_tops()
        ),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    middleware = [
        Middleware(AccessLogMiddleware),
        Middleware(ControlCharacterGuard),
        Middleware(ResponseCacheMiddleware),
        # /sparql's queries, answered before the rest (sparql.SparqlEndpoint), with the CORS
        # and gzip decisions below applied as the middleware after it would
        Middleware(sparql.SparqlEndpoint, site=site, exposed_headers=EXPOSED_HEADERS),
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "HEAD", "POST"],
            allow_headers=["*"],
            expose_headers=EXPOSED_HEADERS,
            max_age=86400,
        ),
        Middleware(GzipETagMiddleware),
        Middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_SIZE, compresslevel=GZIP_LEVEL),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    redirect_slashes_in_place(app.router)
    app.state.site = site
    return app
