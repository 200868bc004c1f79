"""A query worker: a process holding its own in-memory copy of the graph, answering one job at a time.

:func:`worker_main` loads the graph from an N-Quads file into a :class:`pyoxigraph.Store`, says it is
ready, then reads jobs (:mod:`b12kg.web.jobs`) from its socket and writes a :class:`~b12kg.web.jobs.Reply`
for each — the SPARQL answer already written in the negotiated format, a rendered page, or an error
message. It never decides how long a job may take: the server kills it at the deadline
(:mod:`b12kg.web.pool`). It ignores Ctrl-C (the server stops it) and exits when the server's end of the
socket closes.

:class:`Engine` is the part that answers jobs; it runs in-process in the tests:

>>> import pyoxigraph as ox, tempfile, pathlib
>>> nq = pathlib.Path(tempfile.mkdtemp()) / "g.nq"
>>> _ = nq.write_text('<https://w3id.org/b12kg/a> <http://www.w3.org/2000/01/rdf-schema#label> "A" .\\n')
>>> engine = Engine(WorkerSettings(nq))
>>> from b12kg.web.jobs import SparqlJob
>>> engine.run(SparqlJob.of("SELECT ?l WHERE { b12kg:a rdfs:label ?l }", format="csv")).body
b'l\\r\\nA\\r\\n'
>>> engine.run(SparqlJob.of("DROP ALL")).status
400
"""

from __future__ import annotations

import io
import marshal
import os
import re
import signal
import socket
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import B12kgError, ConceptNotFoundError, ParameterError, QueryNotFoundError, QuerySyntaxError
from ..core.prefixes import PREFIX_MAP, compress_fast
from ..core.sparql import bind_values
from ..core.terms import Term
from ..queries.binding import bind_parameters
from ..queries.catalog import QueryCatalog
from ..store.engines import oxigraph_query
from ..store.sources import GRAPHS
from .jobs import ConceptJob, Job, NamedQueryJob, PageJob, Reply, SparqlJob, decode, encode
from .negotiation import HTML, SPARQL, MediaFormat, NotAcceptable, UnknownFormat, choose
from .protocol import ProtocolError, parse_query_string, parse_request
from .screen import screen

__all__ = ["Engine", "WorkerSettings", "worker_main"]

_HEADER = struct.Struct("!I")
_SAFE_IRI = re.compile(r"[^<>\"{}|^`\\\x00-\x20]+")
_VARY = (("Vary", "Accept"),)


@dataclass(frozen=True)
class WorkerSettings:
    """What a worker needs: the graph (an N-Quads file) and its limits.

    ``max_result_bytes`` caps one answer; ``memory_bytes`` caps the worker's address space (None: no
    cap); ``root`` is the path the server is mounted at (for links in pages); ``diagrams`` puts the picture
    of a concept's neighbourhood on its page.
    """

    data: Path
    max_result_bytes: int = 16 * 1024 * 1024
    memory_bytes: int | None = None
    root: str = ""
    diagrams: bool = True


class ResultTooLarge(Exception):
    """An answer grew past the worker's ``max_result_bytes`` (it stops writing at once)."""


class _Bounded(io.RawIOBase):
    """A byte sink that refuses to grow past ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.buffer = bytearray()
        self.limit = limit

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if len(self.buffer) + len(data) > self.limit:
            raise ResultTooLarge
        self.buffer += data
        return len(data)


def _syntax_reply(text: str, message: str) -> Reply:
    """400 with the line and column of a SPARQL syntax error and the line it points at."""
    m = re.match(r"error at (\d+):(\d+): (.*)", message, re.S)
    pointer = str(QuerySyntaxError("the query", message, text)).split("\n", 1)
    where = f" at line {m.group(1)}, column {m.group(2)}" if m else ""
    detail = m.group(3) if m else message
    body = f"SPARQL syntax error{where}: {detail}" + (f"\n{pointer[1]}" if len(pointer) > 1 else "")
    return Reply.error(400, body)


class Engine:
    """Answers jobs on an in-memory store loaded from ``settings.data``."""

    def __init__(self, settings: WorkerSettings) -> None:
        import pyoxigraph as ox

        self.settings = settings
        self.store = ox.Store()
        self.store.bulk_load(path=str(settings.data), format=ox.RdfFormat.N_QUADS)
        self.catalog = QueryCatalog()
        self._pages: Any = None
        self._inferred = ox.NamedNode(GRAPHS["inferred"])

    # -- plumbing ------------------------------------------------------------------------------
    def execute(self, text: str, bindings: Any, source: str) -> Any:
        """An :data:`~b12kg.queries.lookup.Execute` over this worker's store."""
        return oxigraph_query(self.store, text, bindings, source)

    @property
    def pages(self) -> Any:
        """The page renderer (:class:`b12kg.pages.Pages`), built on first use."""
        if self._pages is None:
            from ..formats.diagrams import page_diagrams
            from ..pages import Pages, ServerLinks

            pictures = page_diagrams(self.execute) if self.settings.diagrams else None
            self._pages = Pages(self.execute, ServerLinks(self.settings.root), catalog=self.catalog,
                                diagram=pictures)
        return self._pages

    def run(self, job: Job) -> Reply:
        """The reply to ``job`` (errors become 4xx/5xx replies)."""
        try:
            if isinstance(job, SparqlJob):
                return self.sparql(job)
            if isinstance(job, NamedQueryJob):
                return self.named_query(job)
            if isinstance(job, ConceptJob):
                return self.concept(job)
            if isinstance(job, PageJob):
                return self.page(job)
            return Reply.error(500, f"unknown job {type(job).__name__}")
        except ResultTooLarge:
            mb = self.settings.max_result_bytes / 1024 / 1024
            return Reply.error(400, f"the answer is larger than this server's limit of {mb:g} MB "
                                    "(--max-result-size); add a LIMIT or ask for fewer variables")
        except NotAcceptable as e:
            return Reply.error(406, str(e))
        except UnknownFormat as e:
            return Reply.error(400, str(e))
        except QueryNotFoundError as e:
            return Reply.error(404, str(e))
        except ParameterError as e:
            return Reply.error(400, str(e))
        except QuerySyntaxError as e:
            return Reply.error(400, str(e))
        except B12kgError as e:
            return Reply.error(500, str(e))

    def _serialize(self, result: Any, fmt: MediaFormat) -> bytes:
        import pyoxigraph as ox

        out: Any = _Bounded(self.settings.max_result_bytes)
        if isinstance(result, (ox.QueryTriples, list)):
            rdf = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
                   "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML}[fmt.name]
            prefixes = None if fmt.name == "ntriples" else PREFIX_MAP
            ox.serialize(result, out, rdf, prefixes=prefixes)
        else:
            results = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                       "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}[fmt.name]
            result.serialize(out, results)
        return bytes(out.buffer)

    def _query(self, text: str, default_graphs: tuple[str, ...] = (), named_graphs: tuple[str, ...] = ()) -> Any:
        import pyoxigraph as ox

        kwargs: dict[str, Any] = {}
        if default_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        else:
            kwargs["use_default_graph_as_union"] = True
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        return self.store.query(text, prefixes=PREFIX_MAP, **kwargs)

    # -- jobs ----------------------------------------------------------------------------------
    def sparql(self, job: SparqlJob) -> Reply:
        """A SPARQL query of the protocol (read-only: updates and SERVICE are refused)."""
        import pyoxigraph as ox

        try:
            req = parse_request(job.method, job.query_string, job.content_type, job.body)
        except ProtocolError as e:
            return Reply.error(e.status, e.message)
        found = screen(req.query)
        if found.is_update:
            return Reply.error(400, f"this endpoint is read-only: SPARQL updates ({found.form} …) are refused")
        if found.service:
            return Reply.error(400, "SERVICE is refused: this endpoint answers from its own graph only "
                                    "(federated queries are turned off)")
        family = "graph" if found.form in ("CONSTRUCT", "DESCRIBE") else "results"
        fmt = choose(family, job.accept, req.format)
        for g in (*req.default_graphs, *req.named_graphs):
            if not _SAFE_IRI.fullmatch(g):
                return Reply.error(400, f"not an IRI: {g!r} (default-graph-uri and named-graph-uri take IRIs)")
        try:
            result = self._query(req.query, req.default_graphs, req.named_graphs)
            if isinstance(result, ox.QueryTriples) != (family == "graph"):
                fmt = choose("results" if family == "graph" else "graph", job.accept, req.format)
            body = self._serialize(result, fmt)
        except SyntaxError as e:
            return _syntax_reply(req.query, str(e))
        except (OSError, ValueError) as e:
            return Reply.error(400, f"the query could not be evaluated: {e}")
        return Reply(200, fmt.content_type, body, _VARY)

    def named_query(self, job: NamedQueryJob) -> Reply:
        """A named query with its parameters: its answer, its page for a browser, or its bound text."""
        import pyoxigraph as ox

        try:
            pairs = parse_query_string(job.query_string)
        except ProtocolError as e:
            return Reply.error(e.status, e.message)
        names = [k for k, _ in pairs]
        repeated = sorted({k for k in names if names.count(k) > 1})
        if repeated:
            return Reply.error(400, f"parameter {repeated[0]!r} is given more than once")
        params = dict(pairs)
        wanted = params.pop("format", None)
        named = self.catalog.get(job.name)
        found = screen(named.text)
        fmt = choose("named-graph" if found.form in ("CONSTRUCT", "DESCRIBE") else "named", job.accept, wanted)
        if fmt is HTML:
            return Reply.text(self.pages.named_query(named, params))
        bindings = bind_parameters(named, params, self.execute)
        if fmt is SPARQL:
            return Reply(200, fmt.content_type, bind_values(named.text, bindings).encode("utf-8"), _VARY)
        try:
            result = self._query(bind_values(named.text, bindings))
            if isinstance(result, ox.QueryTriples) and fmt.name in ("json", "xml"):
                fmt = choose("graph", None, fmt.name)
            body = self._serialize(result, fmt)
        except SyntaxError as e:  # pragma: no cover - the named queries are tested to parse
            return _syntax_reply(named.text, str(e))
        return Reply(200, fmt.content_type, body, _VARY)

    def concept(self, job: ConceptJob) -> Reply:
        """The page of a b12kg term for a browser, its description in RDF for an RDF client."""
        fmt = choose("page", job.accept, job.format)
        if not _SAFE_IRI.fullmatch(job.iri):
            return self._not_found(job.iri, fmt)
        try:
            if fmt is HTML:
                return Reply(200, fmt.content_type, self.pages.concept(job.iri).encode("utf-8"), _VARY)
            triples = self.description(job.iri)
        except ConceptNotFoundError:
            return self._not_found(job.iri, fmt)
        if not triples:
            return self._not_found(job.iri, fmt)
        return Reply(200, fmt.content_type, self._serialize(triples, fmt), _VARY)

    def _not_found(self, iri: str, fmt: MediaFormat) -> Reply:
        name = compress_fast(iri) if _SAFE_IRI.fullmatch(iri) else iri
        if fmt is HTML:
            return Reply(404, fmt.content_type, self.pages.not_found(name).encode("utf-8"), _VARY)
        return Reply.error(404, f"the graph says nothing about {name}")

    def description(self, iri: str) -> list[Any]:
        """The asserted triples about ``iri``: its own statements, those pointing at it, the axiom
        annotations (section and claim) of its curated edges, and the labels of the terms they link."""
        q = f"""
        CONSTRUCT {{ ?c ?p ?o . ?s ?q ?c . ?a ?ap ?av . ?x rdfs:label ?xl . }}
        WHERE {{
          VALUES ?c {{ {Term.iri(iri).n3()} }}
          {{ GRAPH ?g {{ ?c ?p ?o }} FILTER(?g != <{GRAPHS['inferred']}>) }}
          UNION {{ GRAPH ?g {{ ?s ?q ?c }} FILTER(?g != <{GRAPHS['inferred']}> && isIRI(?s)) }}
          UNION {{ ?a owl:annotatedSource|owl:annotatedTarget|owl:sourceIndividual|owl:targetIndividual ?c .
                   ?a ?ap ?av . }}
          UNION {{ {{ ?c ?lp ?x }} UNION {{ ?x ?lq ?c }} FILTER(isIRI(?x)) ?x rdfs:label ?xl . }}
        }}"""
        triples: Any = self.store.query(q, prefixes=PREFIX_MAP, use_default_graph_as_union=True)
        return list(triples)

    def page(self, job: PageJob) -> Reply:
        """The server's own pages: the query page, the list of queries, search results, the search index."""
        args = dict(job.args)
        if job.page == "home":
            return Reply.text(self.pages.home())
        if job.page == "search":
            return Reply.text(self.pages.search(args.get("q", "")))
        if job.page == "search-index":
            return Reply.text(self.pages.search_index(), "text/javascript; charset=utf-8")
        return Reply.error(404, f"no page {job.page!r}")


# -- the process ---------------------------------------------------------------------------------
def _send(sock: socket.socket, data: bytes) -> None:
    sock.sendall(_HEADER.pack(len(data)) + data)


def _recv_exactly(sock: socket.socket, n: int) -> bytes | None:
    chunks = bytearray()
    while len(chunks) < n:
        chunk = sock.recv(n - len(chunks))
        if not chunk:
            return None
        chunks += chunk
    return bytes(chunks)


def _recv(sock: socket.socket) -> bytes | None:
    head = _recv_exactly(sock, _HEADER.size)
    if head is None:
        return None
    return _recv_exactly(sock, _HEADER.unpack(head)[0])


def worker_main(sock: socket.socket, settings: WorkerSettings) -> None:
    """The worker process: load the graph, say ``ready``, then answer jobs until the socket closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the server, which stops the workers
    if settings.memory_bytes:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (settings.memory_bytes, settings.memory_bytes))
    try:
        engine = Engine(settings)
    except Exception as e:
        _send(sock, marshal.dumps(("error", f"{type(e).__name__}: {e}")))
        return
    _send(sock, marshal.dumps(("ready", str(os.getpid()))))
    while True:
        try:
            data = _recv(sock)
        except OSError:
            return
        if data is None:
            return
        try:
            reply = engine.run(decode(data))
        except MemoryError:
            reply = Reply.error(503, "the query needed more memory than a query worker may use; simplify it")
        except Exception as e:  # an error of ours: say what it was, keep serving
            reply = Reply.error(500, f"internal error while answering: {type(e).__name__}: {e}")
        try:
            _send(sock, encode(reply))
        except OSError:
            return
