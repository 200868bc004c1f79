"""The ASGI application (Starlette): routes, the SPARQL protocol, pages, downloads and limits.

======================== =========================================================================
``/``                    the query page (editor, examples, results, downloads)
``/sparql``              the SPARQL 1.1 endpoint (GET, form POST, direct POST); without a query, the
                         service description
``/queries``             the named queries (HTML or JSON); ``/queries/<name>?param=…`` runs one
``/search?q=``           concepts matching some text
``/downloads/``          the graph in every single-file export format of the format registry
``/health``              liveness: workers, counters, a test query
``/assets/…``            style sheet, scripts, the vendored SPARQL editor
``/<name>``              the page (or RDF description) of ``https://w3id.org/b12kg/<name>``
======================== =========================================================================

Every query runs in a worker process (:mod:`b12kg.web.pool`) within the time limit; the app itself
only checks limits, relays bytes and keeps answers (:mod:`b12kg.web.cache`: the graph never changes
while the server runs). CORS headers are sent only with ``cors``.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..core import __version__
from ..core.prefixes import PREFIX_MAP
from ..queries.catalog import QueryCatalog
from ..store.dataset import GraphData
from .cache import ReplyCache
from .jobs import ConceptJob, Job, NamedQueryJob, PageJob, Reply, SparqlJob
from .negotiation import HTML, NotAcceptable, UnknownFormat, choose
from .pool import WorkerPool
from .protocol import ProtocolError, read_body
from .service import service_description
from .settings import ServerSettings
from .worker import WorkerSettings

__all__ = ["RESERVED", "create_app"]

#: first path segments the server keeps for itself (no b12kg IRI may use them; a test checks)
RESERVED = frozenset({"sparql", "queries", "search", "downloads", "health", "assets", "favicon.ico"})
#: the longest query string taken (the HTTP parser refuses request lines past 64 kB anyway)
_MAX_URL = 60_000
#: after this long a query's client is watched: if it goes away, the query is stopped
_WATCH_AFTER = 0.5


def _response(reply: Reply) -> Response:
    headers = dict(reply.headers)
    headers["Content-Type"] = reply.content_type
    return Response(reply.body, status_code=reply.status, headers=headers)


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return PlainTextResponse(message.rstrip("\n") + "\n", status_code=status, headers=headers)


class _Server:
    """The state behind the routes: settings, the graph, the worker pool and the kept pages."""

    def __init__(self, settings: ServerSettings, graph: GraphData) -> None:
        self.settings = settings
        self.graph = graph
        self.pool: WorkerPool | None = None
        self.catalog = QueryCatalog()
        self.cache = ReplyCache(settings.cache_bytes)
        self.graph_sizes: dict[str, int] = {}
        self.exports: dict[str, bytes] = {}
        self._export_lock = asyncio.Lock()

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        import pyoxigraph as ox

        with tempfile.TemporaryDirectory(prefix="b12kg-serve-") as tmp:
            data = Path(tmp) / "graph.nq"
            store = self.graph.store
            await asyncio.to_thread(store.dump, output=str(data), format=ox.RdfFormat.N_QUADS)
            self.graph_sizes = _graph_sizes(store)
            s = self.settings
            self.pool = WorkerPool(
                WorkerSettings(data, max_result_bytes=s.max_result_bytes, memory_bytes=s.worker_memory_bytes,
                               root=s.root, diagrams=s.diagrams),
                size=s.workers, max_size=s.max_workers)
            await self.pool.start()
            try:
                yield
            finally:
                await self.pool.close()

    async def answer(self, job: Job, receive: Any) -> Reply | None:
        """The reply to ``job``: from the cache, else from a worker (None when the client went away and the
        query was stopped)."""
        assert self.pool is not None
        cached = self.cache.get(job)
        if cached is not None:
            return cached
        loop = asyncio.get_running_loop()
        watch = _Watch(receive, asyncio.current_task())
        timer = loop.call_later(_WATCH_AFTER, watch.start)  # quick queries never start a watcher
        try:
            reply = await self.pool.run(job, self.settings.timeout)
        except asyncio.CancelledError:
            if not watch.gone:
                raise
            return None
        finally:
            timer.cancel()
            watch.stop()
        self.cache.put(job, reply)
        return reply

    async def run(self, request: Request, job: Job) -> Response:
        reply = await self.answer(job, request.receive)
        return _error(499, "client closed the request") if reply is None else _response(reply)

    async def endpoint(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """The SPARQL endpoint's queries (the hot path): straight from ASGI to a worker and back.

        The server checks only the limits (URL and body size); the worker reads the request.
        """
        method = scope["method"]
        accept = content_type = length = ""
        for name, value in scope["headers"]:
            if name == b"accept":
                accept = value.decode("latin-1")
            elif name == b"content-type":
                content_type = value.decode("latin-1")
            elif name == b"content-length":
                length = value.decode("latin-1")
        limit = self.settings.max_body_bytes
        reply: Reply | None
        if len(scope["query_string"]) > min(limit, _MAX_URL):
            reply = Reply.error(414, f"the request URL is longer than this server's limit of "
                                     f"{min(limit, _MAX_URL)} bytes; send the query in a POST body")
        else:
            try:
                body = await read_body(receive, limit, length) if method == "POST" else b""
            except ProtocolError as e:
                reply = Reply.error(e.status, e.message)
            else:
                job = SparqlJob("POST" if method == "POST" else "GET", scope["query_string"], content_type, body,
                                accept or None)
                reply = await self.answer(job, receive)
                if reply is None:
                    return
        headers = [(b"content-type", reply.content_type.encode("latin-1")),
                   (b"content-length", str(len(reply.body)).encode("ascii"))]
        headers += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers]
        if self.settings.cors:
            headers.append((b"access-control-allow-origin", b"*"))
        await send({"type": "http.response.start", "status": reply.status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else reply.body})

    # -- routes ----------------------------------------------------------------------------------
    async def home(self, request: Request) -> Response:
        return await self.run(request, PageJob("home"))

    async def sparql(self, request: Request) -> Response:
        """``/sparql`` without a query (a query goes to :meth:`endpoint`): the service description."""
        return self.describe_service(request)

    def describe_service(self, request: Request) -> Response:
        accept = request.headers.get("accept")
        try:
            if choose("page", accept) is HTML:  # a browser: the query page is what it wants
                return RedirectResponse(self.settings.root + "/", status_code=303)
            fmt = choose("graph", accept)
        except NotAcceptable as e:
            return _error(406, str(e))
        endpoint = f"{str(request.base_url).rstrip('/')}{self.settings.root}/sparql"
        body = service_description(endpoint, self.graph_sizes, fmt.name)
        return Response(body, headers={"Content-Type": fmt.content_type, "Vary": "Accept"})

    async def queries(self, request: Request) -> Response:
        try:
            fmt = choose("named", request.headers.get("accept"), _format(request))
        except (NotAcceptable, UnknownFormat) as e:
            return _error(406 if isinstance(e, NotAcceptable) else 400, str(e))
        if fmt is HTML:
            from ..pages import ServerLinks
            from ..pages.render import environment

            html = environment().get_template("queries.html").render(
                links=ServerLinks(self.settings.root), queries=list(self.catalog), title="Named queries")
            return Response(html, headers={"Content-Type": HTML.content_type, "Vary": "Accept"})
        out = [{"name": q.name, "title": q.title, "description": q.description,
                "url": f"{self.settings.root}/queries/{q.name}",
                "parameters": [{"name": p.name, "kind": p.kind, "default": p.default, "description": p.description}
                               for p in q.parameters]} for q in self.catalog]
        return JSONResponse(out, headers={"Vary": "Accept"})

    async def named_query(self, request: Request) -> Response:
        job = NamedQueryJob(request.path_params["name"], request.scope.get("query_string", b""),
                            request.headers.get("accept"))
        return await self.run(request, job)

    async def search(self, request: Request) -> Response:
        q = request.query_params.get("q", "")
        return await self.run(request, PageJob("search", (("q", q[:200]),)))

    async def search_index(self, request: Request) -> Response:
        return await self.run(request, PageJob("search-index"))

    async def concept(self, request: Request) -> Response:
        path = request.path_params["path"]
        if not path:
            return await self.home(request)
        fmt = request.query_params.get("format")
        return await self.run(request, ConceptJob(PREFIX_MAP["b12kg"] + path, request.headers.get("accept"), fmt))

    async def health(self, request: Request) -> Response:
        assert self.pool is not None
        reply = await self.pool.run(SparqlJob.of("ASK {}", format="json"), min(self.settings.timeout, 5.0))
        ok = reply.status == 200
        body = {
            "status": "ok" if ok else "unavailable",
            "version": __version__,
            "triples": sum(self.graph_sizes.values()),
            "workers": {"ready": self.settings.workers, "max": self.settings.max_workers, "alive": self.pool.alive,
                        "busy": self.pool.busy},
            "limits": {"timeout_s": self.settings.timeout, "max_result_bytes": self.settings.max_result_bytes,
                       "max_body_bytes": self.settings.max_body_bytes},
            "counters": {**vars(self.pool.stats), "cache_hits": self.cache.hits, "cache_misses": self.cache.misses},
            "cache": {"answers": len(self.cache), "bytes": self.cache.bytes, "max_bytes": self.cache.max_bytes},
        }
        return JSONResponse(body, status_code=200 if ok else 503)

    # -- downloads -------------------------------------------------------------------------------
    def _downloads(self) -> dict[str, Any]:
        from ..formats.registry import EXPORT_FORMATS

        return {f"b12kg.{f.extension}": f for f in EXPORT_FORMATS.values() if f.files is None}

    async def downloads(self, request: Request) -> Response:
        files = self._downloads()
        accept = request.headers.get("accept") or ""
        if "json" in accept and "html" not in accept:
            return JSONResponse([{"file": n, "format": f.name, "media_type": f.media_type,
                                  "description": f.description} for n, f in sorted(files.items())])
        from ..pages import ServerLinks
        from ..pages.render import environment

        html = environment().get_template("downloads.html").render(
            links=ServerLinks(self.settings.root), files=sorted(files.items()), title="Downloads")
        return Response(html, headers={"Content-Type": HTML.content_type})

    async def download(self, request: Request) -> Response:
        name = request.path_params["file"]
        fmt = self._downloads().get(name)
        if fmt is None:
            return _error(404, f"no download {name!r}; see {self.settings.root}/downloads/")
        async with self._export_lock:
            if name not in self.exports:
                try:
                    self.exports[name] = await asyncio.to_thread(fmt.write, self.graph)
                except Exception as e:  # an exporter's failure: say which and why
                    return _error(500, f"cannot write {name}: {e}")
        text = fmt.media_type.startswith("text/") or fmt.media_type.endswith(("json", "xml", "triples", "quads",
                                                                              "trig"))
        return Response(self.exports[name], headers={
            "Content-Type": fmt.media_type + ("; charset=utf-8" if text else ""),
            "Content-Disposition": f'attachment; filename="{name}"'})


class _Watch:
    """Cancels a request's task when its client goes away (started only for queries that take a while)."""

    def __init__(self, receive: Any, task: asyncio.Task[Any] | None) -> None:
        self.receive, self.task = receive, task
        self.watcher: asyncio.Task[None] | None = None
        self.gone = False

    def start(self) -> None:
        self.watcher = asyncio.get_running_loop().create_task(self._wait())

    def stop(self) -> None:
        if self.watcher is not None and not self.watcher.done():
            self.watcher.cancel()

    async def _wait(self) -> None:
        # the body has been read, so the only message that can come is http.disconnect
        while True:
            message = await self.receive()
            if message["type"] == "http.disconnect":
                self.gone = True
                if self.task is not None:
                    self.task.cancel()  # the pool kills the worker running the query
                return


class _App:
    """The ASGI entry point: the SPARQL endpoint's queries go straight to the workers (the hot path, without
    the framework's layers); everything else to the Starlette application."""

    def __init__(self, server: _Server, app: Starlette) -> None:
        self.server, self.app = server, app
        self.state = app.state
        self.path = "/sparql"  # behind a proxy that strips --root-path, paths arrive without it

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if (scope["type"] == "http" and scope["path"] == self.path
                and (scope["method"] == "POST" or (scope["method"] in ("GET", "HEAD") and scope["query_string"]))):
            await self.server.endpoint(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def _format(request: Request) -> str | None:
    return request.query_params.get("format")


def _graph_sizes(store: Any) -> dict[str, int]:
    res = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {sol["g"].value: int(sol["n"].value) for sol in res}


async def _not_found(request: Request, exc: Exception) -> Response:
    return _error(404, f"nothing at {request.url.path}")


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "GET, HEAD")
        return _error(405, f"{request.method} is not allowed on {request.url.path}; use {allowed}",
                      {"Allow": allowed})
    return _error(exc.status_code, str(exc.detail))


def create_app(settings: ServerSettings, graph: GraphData) -> Any:
    """The Starlette application serving ``graph`` with ``settings`` (its lifespan starts the workers)."""
    server = _Server(settings, graph)
    from ..pages import ASSETS

    routes = [
        Route("/", server.home, methods=["GET"]),
        Route("/sparql", server.sparql, methods=["GET", "POST"]),
        Route("/queries", server.queries, methods=["GET"]),
        Route("/queries/{name}", server.named_query, methods=["GET"]),
        Route("/search", server.search, methods=["GET"]),
        Route("/health", server.health, methods=["GET"]),
        Route("/downloads/", server.downloads, methods=["GET"]),
        Route("/downloads/{file}", server.download, methods=["GET"]),
        Route("/assets/search-index.js", server.search_index, methods=["GET"]),
        Mount("/assets", app=StaticFiles(directory=str(ASSETS)), name="assets"),
        Route("/{path:path}", server.concept, methods=["GET"]),
    ]
    middleware = []
    if settings.cors:
        from starlette.middleware.cors import CORSMiddleware

        middleware.append(Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                                     allow_headers=["Accept", "Content-Type"], max_age=3600))
    app = Starlette(routes=routes, middleware=middleware, lifespan=server.lifespan,
                    exception_handlers={404: _not_found, HTTPException: _http_error})
    app.state.server = server
    return _App(server, app)
