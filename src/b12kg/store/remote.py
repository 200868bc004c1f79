"""A remote SPARQL 1.1 endpoint as a query backend, and upload of the graph through the Graph Store Protocol.

Any server speaking the SPARQL 1.1 Protocol works (Oxigraph server, Fuseki, GraphDB, Virtuoso, Neptune).
A query is sent in one of the protocol's three forms (``method``):

* ``auto`` (default): **GET** with the URL-encoded query when the URL stays under
  :data:`MAX_GET_URL` characters, else a **form POST** (``application/x-www-form-urlencoded``) — the two
  forms every server answers (Virtuoso never answers a direct POST);
* ``get``, ``post-form``: always that form;
* ``post-direct``: the query as the POST body (``application/sparql-query``).

SELECT and ASK ask for ``application/sparql-results+json`` (XML and TSV results are read too),
CONSTRUCT and DESCRIBE for N-Triples (or Turtle, RDF/XML). Parameters are bound as escaped RDF terms in
a ``VALUES`` block (:func:`b12kg.core.sparql.bind_values`), never by formatting user text into the query.

Every request is bounded: a **total** deadline (``timeout``, default ``B12KG_ENDPOINT_TIMEOUT``; not per
read, so a server sending one byte a second is still cut off), a **maximum response size** (``max_bytes``,
default ``B12KG_MAX_RESPONSE``), and Ctrl-C. Every failure is an
:class:`~b12kg.core.errors.EndpointError` (or :class:`~b12kg.core.errors.QuerySyntaxError` for an HTTP
400) saying what the server did and what to try.

Uploads (:func:`push_graph`, :func:`push_file`) are idempotent: each target graph is replaced with HTTP
PUT, so pushing the same thing twice leaves the server as after the first push (``append`` POSTs
instead). A file is parsed before anything is sent; a dataset file (N-Quads, TriG) goes graph by graph,
or merged into the one graph ``graph`` names.

Only the standard library (``urllib``) is used for HTTP.

>>> derive_store_url("http://127.0.0.1:7878/query")
'http://127.0.0.1:7878/store'
>>> derive_store_url("http://127.0.0.1:7878")
'http://127.0.0.1:7878/store'
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ..core.errors import (
    EndpointError,
    EndpointTimeoutError,
    GraphParseError,
    ParameterError,
    QuerySyntaxError,
    ResponseTooLargeError,
    shorten,
)
from ..core.results import QueryResult
from ..core.settings import ENDPOINT_METHODS
from ..core.terms import Term

if TYPE_CHECKING:
    from .dataset import GraphData

__all__ = ["MAX_GET_URL", "METHODS", "PUSH_TYPES", "EndpointError", "PushReport", "SparqlEndpoint", "check_iri",
           "derive_store_url", "parse_results_json", "push_file", "push_files", "push_graph"]

SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
N_TRIPLES = "application/n-triples"
_ACCEPT_RESULTS = f"{SPARQL_JSON}, {SPARQL_XML};q=0.8, text/tab-separated-values;q=0.5"
_ACCEPT_GRAPH = f"{N_TRIPLES}, text/turtle;q=0.9, application/rdf+xml;q=0.5"
#: the protocol forms a query can be sent in
METHODS = ENDPOINT_METHODS
#: the longest URL sent as a GET request (longer queries go as a form POST): within the 8 KB request line
#: that common servers and proxies accept
MAX_GET_URL = 4000
_GRAPH_TYPES = {N_TRIPLES: "N_TRIPLES", "text/plain": "N_TRIPLES", "text/turtle": "TURTLE",
                "application/x-turtle": "TURTLE", "application/rdf+xml": "RDF_XML", "application/n-quads": "N_QUADS",
                "application/trig": "TRIG"}


def derive_store_url(endpoint: str) -> str:
    """The Graph Store Protocol URL beside a query endpoint, Oxigraph-style (``…/query`` → ``…/store``).

    Other servers name it differently (Fuseki: ``/ds/data``, Virtuoso: ``/sparql-graph-crud``); give it
    with ``--store-url`` there.
    """
    parts = _split(endpoint, "endpoint URL")
    path = parts.path.rstrip("/")
    head, _, last = path.rpartition("/")
    path = f"{head}/store" if last in ("query", "sparql", "update") else f"{path}/store"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _split(url: str, what: str) -> urllib.parse.SplitResult:
    """``url`` split into parts; a :class:`ParameterError` unless it is an http(s) URL with a host."""
    if not isinstance(url, str):
        raise ParameterError(f"the {what} must be a string, not {type(url).__name__}")
    try:
        parts = urllib.parse.urlsplit(url.strip())
        _ = parts.port  # raises ValueError for a port that is not a number
    except ValueError as e:
        raise ParameterError(f"the {what} {shorten(url)!r} is not a valid URL ({e})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ParameterError(f"the {what} must be an http:// or https:// URL with a host, got {shorten(url)!r}")
    return parts


def check_iri(iri: str, what: str = "graph IRI") -> str:
    """``iri`` if it is an absolute IRI (scheme, no spaces, quotes or brackets), else a :class:`ParameterError`.

    >>> check_iri("https://example.org/g")
    'https://example.org/g'
    >>> check_iri("not an iri> {")
    Traceback (most recent call last):
    b12kg.core.errors.ParameterError: the graph IRI 'not an iri> {' is not an absolute IRI (like https://example.org/graph)
    """
    import re

    if not isinstance(iri, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^<>\"{}|^`\\\x00-\x20]+", iri):
        raise ParameterError(f"the {what} {shorten(str(iri))!r} is not an absolute IRI (like https://example.org/graph)")
    return iri


# -- HTTP with a total deadline and a size limit -------------------------------------------------------
@dataclass
class _Response:
    status: int
    reason: str
    content_type: str
    body: bytes


def _http(method: str, url: str, *, body: bytes | IO[bytes] | None = None, headers: Mapping[str, str],
          timeout: float, max_bytes: int, what: str) -> _Response:
    """One HTTP request, ended after ``timeout`` seconds in total or ``max_bytes`` of response.

    The request runs in a helper thread (so that a slow name lookup, connection or trickle of bytes can be
    abandoned on time); the caller waits for it and can be interrupted with Ctrl-C. HTTP errors come back as
    a :class:`_Response` with their status; network failures as :class:`EndpointError`.
    """
    box: dict[str, Any] = {}
    cancelled = threading.Event()

    def fetch() -> None:
        try:
            req = urllib.request.Request(url, data=body, method=method, headers=dict(headers))
            try:
                resp = urllib.request.urlopen(req, timeout=timeout)
            except urllib.error.HTTPError as e:
                resp = e
            with resp:
                ctype = (resp.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                length = resp.headers.get("Content-Length")
                if length and length.isdigit() and int(length) > max_bytes:
                    raise ResponseTooLargeError(_too_large(what, max_bytes, int(length)))
                chunks, size = [], 0
                while not cancelled.is_set():
                    chunk = resp.read(1 << 16)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > max_bytes:
                        raise ResponseTooLargeError(_too_large(what, max_bytes))
                    chunks.append(chunk)
                box["response"] = _Response(resp.status, str(resp.reason), ctype, b"".join(chunks))
        except BaseException as e:
            box["error"] = e

    thread = threading.Thread(target=fetch, name="b12kg-http", daemon=True)
    thread.start()
    try:
        thread.join(timeout)
    except BaseException:  # Ctrl-C: leave the request to its thread, which stops at its next read
        cancelled.set()
        raise
    if thread.is_alive():
        cancelled.set()
        raise EndpointTimeoutError(f"{what} did not answer completely within {timeout:g} s and was abandoned; "
                                   "raise the limit with --timeout (environment: B12KG_ENDPOINT_TIMEOUT, "
                                   "API: timeout=) or check the server")
    if "error" in box:
        e = box["error"]
        if isinstance(e, EndpointError):
            raise e
        if body is not None and isinstance(getattr(e, "reason", e), (ConnectionResetError, BrokenPipeError)):
            raise EndpointError(f"{what} closed the connection while the data was being sent: it refused the "
                                "upload before reading it") from None
        if isinstance(e, (TimeoutError, OSError)) and "timed out" in str(e):
            raise EndpointTimeoutError(f"{what} did not answer within {timeout:g} s; raise the limit with "
                                       "--timeout (environment: B12KG_ENDPOINT_TIMEOUT)") from None
        if isinstance(e, (urllib.error.URLError, OSError, ValueError)) or type(e).__module__ == "http.client":
            reason = getattr(e, "reason", None) or e
            raise EndpointError(f"cannot reach {what}: {shorten(str(reason) or type(e).__name__, 200)}") from None
        raise e
    return box["response"]  # type: ignore[no-any-return]


def _too_large(what: str, limit: int, size: int | None = None) -> str:
    said = f" (it announced {size:,} bytes)" if size else ""
    return (f"{what} sent more than the maximum response size of {limit:,} bytes{said}; ask for less (LIMIT), "
            "or raise the limit with --max-response (environment: B12KG_MAX_RESPONSE, API: max_bytes=)")


def _detail(resp: _Response) -> str:
    """The server's error text, without HTML markup, on one short line."""
    import re

    text = resp.body.decode("utf-8", "replace")
    if "html" in resp.content_type or text.lstrip().startswith("<"):
        text = re.sub(r"<[^>]*>", " ", text)
    return shorten(" ".join(text.split()), 300)


# -- the query endpoint --------------------------------------------------------------------------------
class SparqlEndpoint:
    """A SPARQL 1.1 query endpoint.

    ``default_graph`` is sent as the protocol's ``default-graph-uri`` (for data pushed into a named graph).
    ``timeout`` is the total time of one request (default ``B12KG_ENDPOINT_TIMEOUT``, 60 s), ``max_bytes``
    the largest response read (default ``B12KG_MAX_RESPONSE``), ``method`` one of :data:`METHODS`.

    >>> SparqlEndpoint("http://[::1")
    Traceback (most recent call last):
    b12kg.core.errors.ParameterError: the endpoint URL 'http://[::1' is not a valid URL (Invalid IPv6 URL)
    """

    def __init__(self, url: str, default_graph: str | None = None, timeout: float | None = None,
                 max_bytes: int | None = None, method: str = "auto") -> None:
        from ..core import settings

        _split(url, "endpoint URL")
        self.url = url.strip()
        self.default_graph = check_iri(default_graph, "default graph IRI") if default_graph else None
        self.timeout = settings.endpoint_timeout() if timeout is None else settings.parse_seconds(timeout, "timeout")
        self.max_bytes = settings.max_response() if max_bytes is None else settings.parse_size(max_bytes, "max_bytes")
        if method not in METHODS:
            raise ParameterError(f"unknown request method {shorten(str(method), 40)!r}; choose one of "
                                 f"{', '.join(METHODS)}")
        self.method = method

    def __repr__(self) -> str:
        return f"SparqlEndpoint({self.url!r}, method={self.method!r})"

    def query(self, text: str, bindings: Mapping[str, Term], source: str = "the query", *,
              allow_service: Iterable[str] | None = None, timeout: float | None = None) -> QueryResult:
        """Run ``text`` with ``bindings`` (variable → term) on the endpoint.

        The query passes :func:`b12kg.core.sparql.check_query` first (``allow_service``: hosts ``SERVICE``
        may call, default ``B12KG_ALLOW_SERVICE``); ``timeout`` overrides the endpoint's for this request.
        """
        from ..core.settings import allowed_service_hosts
        from ..core.sparql import _first_keyword, bind_values, check_query, missing_prologue

        check_query(text, allow_service=allowed_service_hosts() if allow_service is None else allow_service)
        try:
            bound = bind_values(text, bindings)
        except ValueError as e:
            raise ParameterError(f"cannot bind parameters in {source}: {e}") from None
        full = missing_prologue(bound) + bound
        form = _first_keyword(full)
        accept = _ACCEPT_GRAPH if form in ("CONSTRUCT", "DESCRIBE") else _ACCEPT_RESULTS
        resp = self._send(full, accept, timeout or self.timeout)
        if resp.status == 400:
            raise QuerySyntaxError(f"{source} (at {self.url})", _detail(resp) or resp.reason, text)
        if resp.status >= 300:
            raise EndpointError(self._status_message(resp))
        return self._parse(resp, form)

    def _send(self, query: str, accept: str, timeout: float) -> _Response:
        params = {"query": query}
        if self.default_graph:
            params["default-graph-uri"] = self.default_graph
        sep = "&" if urllib.parse.urlsplit(self.url).query else "?"
        method = self.method
        if method == "auto":
            get_url = self.url + sep + urllib.parse.urlencode(params)
            method = "get" if len(get_url) <= MAX_GET_URL else "post-form"
        headers = {"Accept": accept}
        what = f"the SPARQL endpoint {self.url}"
        if method == "get":
            return _http("GET", self.url + sep + urllib.parse.urlencode(params), headers=headers, timeout=timeout,
                         max_bytes=self.max_bytes, what=what)
        if method == "post-form":
            headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
            return _http("POST", self.url, body=urllib.parse.urlencode(params).encode("utf-8"), headers=headers,
                         timeout=timeout, max_bytes=self.max_bytes, what=what)
        headers["Content-Type"] = "application/sparql-query; charset=utf-8"
        url = self.url
        if self.default_graph:
            url += sep + urllib.parse.urlencode({"default-graph-uri": self.default_graph})
        try:
            return _http("POST", url, body=query.encode("utf-8"), headers=headers, timeout=timeout,
                         max_bytes=self.max_bytes, what=what)
        except EndpointTimeoutError as e:
            raise EndpointTimeoutError(f"{e} (some servers, such as Virtuoso, never answer a direct POST: "
                                       "try --endpoint-method auto)") from None

    def _status_message(self, resp: _Response) -> str:
        hints = {
            401: "the endpoint wants credentials", 403: "the endpoint forbids this request",
            404: "there is no SPARQL endpoint at this URL: check the path (often …/query or …/sparql)",
            405: f"the endpoint does not accept this request form ({self.method}): try --endpoint-method get "
                 "or post-form",
            406: "the endpoint cannot answer in a results format b12kg reads",
            414: "the query is too long for a GET request: use --endpoint-method post-form",
            415: f"the endpoint does not accept this request form ({self.method}): try --endpoint-method post-form",
        }
        hint = hints.get(resp.status, "the server failed" if resp.status >= 500 else
                         "it redirects too often (a redirect loop?): give the final URL" if resp.status < 400 else "")
        detail = _detail(resp)
        return (f"{self.url} answered HTTP {resp.status} {resp.reason}" + (f": {hint}" if hint else "")
                + (f" (server said: {detail})" if detail else ""))

    def _parse(self, resp: _Response, form: str) -> QueryResult:
        ctype, payload = resp.content_type, resp.body
        where = f"{self.url} answered"
        if not payload.strip():
            raise EndpointError(f"{where} with an empty body (HTTP {resp.status}); is it a SPARQL endpoint?")
        if ctype in (SPARQL_JSON, "application/json") or (not ctype and payload.lstrip()[:1] == b"{"):
            return parse_results_json(payload, where)
        if ctype in (SPARQL_XML, "application/xml", "text/xml", "text/tab-separated-values"):
            return _parse_results_other(payload, ctype, where)
        if ctype in _GRAPH_TYPES:
            return _parse_graph(payload, ctype, where)
        if "html" in ctype:
            raise EndpointError(f"{where} with a web page, not SPARQL results: is {self.url} the query endpoint "
                                "(often …/query or …/sparql)?")
        raise EndpointError(f"{where} with content type {shorten(ctype or 'none', 60)!r}, which is neither SPARQL "
                            "results nor RDF")

    def empty_default_graph_hint(self) -> str | None:
        """A note when the server's default graph is empty but its named graphs hold data (a server with no
        union default graph after a push into named graphs), else ``None``."""
        if self.default_graph:
            return None
        try:
            default = self.query("ASK { ?s ?p ?o }", {}, "the default-graph check").boolean
            named = self.query("ASK { GRAPH ?g { ?s ?p ?o } }", {}, "the named-graph check").boolean
        except EndpointError:
            return None
        if default or not named:
            return None
        return (f"the default graph of {self.url} is empty but its named graphs hold data: the server does not "
                "query their union by default. Push without --named-graphs, query one graph with "
                "--endpoint-graph IRI, or start the server with a union default graph (Oxigraph: "
                "--union-default-graph)")


def parse_results_json(payload: bytes | str, where: str = "the endpoint answered") -> QueryResult:
    """A :class:`QueryResult` from a SPARQL 1.1 Query Results JSON document (an :class:`EndpointError` if it
    is not one).

    >>> r = parse_results_json('{"head": {"vars": ["s"]}, "results": {"bindings": '
    ...                        '[{"s": {"type": "uri", "value": "https://w3id.org/b12kg/fatigue"}}]}}')
    >>> r.to_tsv()
    's\\nb12kg:fatigue\\n'
    >>> parse_results_json("[]")
    Traceback (most recent call last):
    b12kg.core.errors.EndpointError: the endpoint answered JSON that is not SPARQL results (a list, not an object ...
    """
    try:
        doc = json.loads(payload)
    except (ValueError, RecursionError) as e:
        raise EndpointError(f"{where} with text that is not valid SPARQL results JSON "
                            f"({shorten(str(e), 100)})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("head", {}), dict):
        kind = {list: "a list", str: "a string", int: "a number", float: "a number", bool: "a boolean",
                type(None): "null"}.get(type(doc), "an object without a head")
        raise EndpointError(f'{where} JSON that is not SPARQL results ({kind}, not an object with "head")')
    if "boolean" in doc:
        if not isinstance(doc["boolean"], bool):
            raise EndpointError(f"{where} an ASK result that is not true or false: {shorten(repr(doc['boolean']), 40)}")
        return QueryResult([], [], boolean=doc["boolean"])
    variables = doc.get("head", {}).get("vars", [])
    results = doc.get("results")
    bindings = results.get("bindings") if isinstance(results, dict) else None
    if not isinstance(variables, list) or not all(isinstance(v, str) for v in variables) or \
            not isinstance(bindings, list) or not all(isinstance(b, dict) for b in bindings):
        raise EndpointError(f'{where} JSON that is not SPARQL results (no "head.vars" list and '
                            '"results.bindings" list of objects)')
    rows = [tuple(_term(b.get(v), where) for v in variables) for b in bindings]
    return QueryResult(list(variables), rows)


def _term(obj: Any, where: str) -> Term | None:
    if obj is None:
        return None
    if not isinstance(obj, dict) or not isinstance(obj.get("value"), str):
        raise EndpointError(f"{where} a SPARQL JSON term that is not an object with a value: {shorten(repr(obj), 80)}")
    kind, value = obj.get("type"), obj["value"]
    if kind == "uri":
        return Term.iri(value)
    if kind == "bnode":
        return _server_term(Term("bnode", value))
    if kind in ("literal", "typed-literal"):  # typed-literal: the 2008 draft, still sent by Virtuoso
        return _server_term(Term.literal(value, obj.get("datatype"), obj.get("xml:lang")))
    raise EndpointError(f"{where} a SPARQL JSON term of unknown type: {shorten(repr(obj), 80)}")


_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_BOOLEAN_CANONICAL = {"0": "false", "1": "true"}
#: the prefix Virtuoso puts before its blank node labels, which makes them invalid as N-Triples labels
_VIRTUOSO_BNODE = "nodeID://"


def _server_term(term: Term | None) -> Term | None:
    """``term`` as the local engines write it, where a server writes the same term another way.

    Virtuoso writes every ``xsd:boolean`` as ``"0"``/``"1"`` (valid lexical forms of the same values) and
    its blank node labels as ``nodeID://b123`` (not a valid label).

    >>> _server_term(Term.literal("1", "http://www.w3.org/2001/XMLSchema#boolean")).value
    'true'
    >>> _server_term(Term("bnode", "nodeID://b10185")).n3()
    '_:b10185'
    """
    if term is None:
        return None
    if term.kind == "literal" and term.datatype == _XSD_BOOLEAN and term.value in _BOOLEAN_CANONICAL:
        return Term.literal(_BOOLEAN_CANONICAL[term.value], _XSD_BOOLEAN)
    if term.kind == "bnode" and term.value.startswith(_VIRTUOSO_BNODE):
        return Term("bnode", term.value[len(_VIRTUOSO_BNODE):])
    return term


def _parse_results_other(payload: bytes, ctype: str, where: str) -> QueryResult:
    import pyoxigraph as ox

    from ..core.terms import from_oxigraph

    fmt = ox.QueryResultsFormat.TSV if "tab-separated" in ctype else ox.QueryResultsFormat.XML
    if fmt == ox.QueryResultsFormat.XML:  # Virtuoso's labels (nodeID://b1) are not valid blank node labels
        payload = payload.replace(b"<bnode>" + _VIRTUOSO_BNODE.encode(), b"<bnode>")
    try:
        res = ox.parse_query_results(payload, format=fmt)
        if isinstance(res, ox.QueryBoolean):
            return QueryResult([], [], boolean=bool(res))
        variables = [v.value for v in res.variables]
        return QueryResult(variables, [tuple(_server_term(from_oxigraph(s[v])) for v in variables) for s in res])
    except (SyntaxError, ValueError, OSError) as e:
        raise EndpointError(f"{where} with SPARQL results that cannot be read ({shorten(str(e), 120)})") from None


def _parse_graph(payload: bytes, ctype: str, where: str) -> QueryResult:
    import pyoxigraph as ox

    from ..core.terms import from_oxigraph

    fmt = getattr(ox.RdfFormat, _GRAPH_TYPES[ctype])
    try:
        rows: list[tuple[Term | None, ...]] = [
            (from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object))
            for t in ox.parse(payload, format=fmt)]
    except (SyntaxError, ValueError) as e:
        raise EndpointError(f"{where} with RDF that cannot be parsed ({shorten(str(e), 120)})") from None
    return QueryResult(["subject", "predicate", "object"], rows)


# -- Graph Store Protocol upload ---------------------------------------------------------------------
@dataclass(frozen=True)
class PushReport:
    """What a push sent: one ``(target graph, triples)`` pair per request."""

    store_url: str
    uploads: list[tuple[str, int]]

    @property
    def triples(self) -> int:
        return sum(n for _, n in self.uploads)


def push_graph(
    kg: GraphData,
    endpoint: str,
    *,
    graph: str | None = None,
    store_url: str | None = None,
    replace: bool = True,
    named_graphs: bool = False,
    timeout: float | None = None,
) -> PushReport:
    """Upload ``kg`` (its Oxigraph store) to a server through the SPARQL 1.1 Graph Store Protocol.

    By default every triple goes into the server's default graph (``?default``), so the named queries
    run there unchanged; ``graph`` puts them into that named graph instead (query it with
    ``default-graph-uri``), ``named_graphs`` keeps b12kg's own named graphs (ontology, data, …).
    ``replace`` uses PUT (the target graph's old content is dropped: pushing twice changes nothing),
    otherwise POST (added). ``timeout`` bounds each upload (default ``B12KG_PUSH_TIMEOUT``, 600 s).
    The N-Triples are streamed from a temporary file, never held in memory whole.
    """
    import pyoxigraph as ox

    from .sources import GRAPHS

    if graph is not None:
        check_iri(graph)
    target_base = store_url or derive_store_url(endpoint)
    _split(target_base, "graph store URL")
    targets: list[tuple[str | None, Any]] = [(graph, None)]
    if named_graphs:
        if graph is not None:
            raise ParameterError("graph and named_graphs exclude each other (one graph, or b12kg's own graphs)")
        targets = [(iri, ox.NamedNode(iri)) for iri in GRAPHS.values()]
    uploads = []
    with _push_folder() as tmp:
        for target, from_graph in targets:
            path = tmp / "graph.nt"
            count = _dump_triples(kg.store, path, from_graph)
            if named_graphs and count == 0:
                continue
            _upload(target_base, target, path, replace, timeout)
            uploads.append((target or "default graph", count))
    return PushReport(target_base, uploads)


@contextlib.contextmanager
def _push_folder() -> Iterator[Path]:
    """A marked temporary folder for the files of one push (those of a killed push are removed by the next)."""
    from ..core.files import TempFolder, sweep_stale

    root = Path(tempfile.gettempdir())
    sweep_stale(root, ["b12kg-push-"])
    with TempFolder(root, "b12kg-push-") as folder:
        yield folder.path


def _dump_triples(store: Any, path: Path, from_graph: Any) -> int:
    """Write the triples of ``from_graph`` (or of every graph) to ``path`` as N-Triples; return how many."""
    import pyoxigraph as ox

    count = 0

    def triples() -> Any:
        nonlocal count
        for q in store.quads_for_pattern(None, None, None, from_graph):
            count += 1
            yield ox.Triple(q.subject, q.predicate, q.object)

    with open(path, "wb") as fh:
        ox.serialize(triples(), fh, format=ox.RdfFormat.N_TRIPLES)
    return count


def _upload(store_url: str, graph: str | None, path: Path, replace: bool, timeout: float | None) -> None:
    """PUT (``replace``) or POST the N-Triples file ``path`` into ``graph`` (``None``: the default graph)."""
    from ..core.settings import parse_seconds, push_timeout

    limit = push_timeout() if timeout is None else parse_seconds(timeout, "timeout")
    query = urllib.parse.urlencode({"graph": graph}) if graph else "default"
    url = store_url + ("&" if "?" in store_url else "?") + query
    method = "PUT" if replace else "POST"
    with open(path, "rb") as fh:
        try:
            resp = _http(method, url, body=fh, headers={"Content-Type": N_TRIPLES,
                                                        "Content-Length": str(os.path.getsize(path))},
                         timeout=limit, max_bytes=1 << 20, what=f"the graph store {store_url}")
        except EndpointError as e:
            if "refused the upload" not in str(e):
                raise
            raise EndpointError(f"{method} {url}: {e}; " + (_DEFAULT_GRAPH_HINT if graph is None else
                                "it may not allow uploads (write permission) or this size")) from None
    if resp.status < 300:
        return
    detail = _detail(resp)
    hint = ""
    if graph is None and ("default graph" in detail or resp.status in (400, 403, 405, 500)):
        hint = "; " + _DEFAULT_GRAPH_HINT
    if resp.status == 404:
        hint = ("; there is no graph store at this URL: give the server's with --store-url (Oxigraph: …/store, "
                "Fuseki: …/DATASET/data, Virtuoso: …/sparql-graph-crud)")
    elif resp.status in (401, 403) and not hint:
        hint = "; the server does not allow this upload (it may need credentials or write permission)"
    raise EndpointError(f"{method} {url} answered HTTP {resp.status} {resp.reason}{hint}"
                        + (f" (server said: {detail})" if detail else ""))


_DEFAULT_GRAPH_HINT = ("this server may not accept uploads into its default graph (Virtuoso does not): push into a "
                       "named graph with --graph IRI and query it with --endpoint-graph IRI")

#: RDF file types that :func:`push_file` uploads, by extension
PUSH_TYPES = {".nt": "N_TRIPLES", ".ttl": "TURTLE", ".owl": "RDF_XML", ".rdf": "RDF_XML", ".nq": "N_QUADS",
              ".trig": "TRIG"}


def push_file(path: str | Path, store_url: str, *, graph: str | None = None, replace: bool = True,
              timeout: float | None = None) -> PushReport:
    """Upload one RDF file; see :func:`push_files`."""
    return push_files([path], store_url, graph=graph, replace=replace, timeout=timeout)


def push_files(paths: Iterable[str | Path], store_url: str, *, graph: str | None = None, replace: bool = True,
               timeout: float | None = None) -> PushReport:
    """Upload RDF files (N-Triples, Turtle, RDF/XML, N-Quads or TriG, by extension) as one push.

    Every file is parsed first (a syntax error is a :class:`GraphParseError` and nothing is sent). Triples
    go into ``graph`` (default: the server's default graph); the named graphs of a dataset (N-Quads, TriG)
    each go into their own graph, or are merged into ``graph`` when one is given. Each target graph is
    then sent in one request, replaced (PUT) so that pushing the same files twice changes nothing, or added
    to (POST) with ``replace=False``. ``timeout`` bounds each request (default ``B12KG_PUSH_TIMEOUT``).
    """
    import pyoxigraph as ox

    from .sources import check_readable, syntax_message

    files = [Path(p) for p in paths]
    for p in files:
        if PUSH_TYPES.get(p.suffix.lower()) is None:
            raise ParameterError(f"{p}: cannot push files of type {p.suffix!r}; use one of {', '.join(PUSH_TYPES)}")
        check_readable(p)
    if graph is not None:
        check_iri(graph)
    _split(store_url, "graph store URL")
    uploads = []
    with _push_folder() as tmp:
        handles: dict[str | None, Any] = {}
        counts: dict[str | None, int] = {}
        try:
            for p in files:
                fmt = getattr(ox.RdfFormat, PUSH_TYPES[p.suffix.lower()])
                try:
                    for q in ox.parse(path=str(p), format=fmt, base_iri=p.resolve().as_uri()):
                        name = graph
                        if graph is None and isinstance(q.graph_name, ox.NamedNode):
                            name = q.graph_name.value
                        fh = handles.get(name)
                        if fh is None:
                            fh = handles[name] = open(tmp / f"{len(handles)}.nt", "wb")  # noqa: SIM115
                        fh.write(str(ox.Triple(q.subject, q.predicate, q.object)).encode("utf-8") + b" .\n")
                        counts[name] = counts.get(name, 0) + 1
                except SyntaxError as e:
                    raise GraphParseError(str(p), e.lineno, syntax_message(e)) from None
                except (OSError, ValueError) as e:
                    raise GraphParseError(str(p), None, f"cannot be read: {shorten(str(e), 120)}") from None
        finally:
            for fh in handles.values():
                fh.close()
        if not handles:
            raise GraphParseError(", ".join(map(str, files)), None, "holds no triples: nothing to push")
        for name, fh in sorted(handles.items(), key=lambda kv: kv[0] or ""):
            _upload(store_url, name, Path(fh.name), replace, timeout)
            uploads.append((name or "default graph", counts[name]))
    return PushReport(store_url, uploads)
