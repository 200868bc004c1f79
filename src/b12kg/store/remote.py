"""A remote SPARQL 1.1 endpoint as a query backend, and upload of the graph through the Graph Store Protocol.

Any server speaking the SPARQL 1.1 Protocol works (Oxigraph server, Fuseki, GraphDB, Virtuoso, Neptune):
queries are POSTed as ``application/sparql-query`` and answered as ``application/sparql-results+json``
(SELECT/ASK) or N-Triples (CONSTRUCT/DESCRIBE). Parameters are bound as escaped RDF terms in a ``VALUES``
block (:func:`b12kg.core.sparql.bind_values`), never by formatting user text into the query.

Only the standard library (``urllib``) is used.

>>> derive_store_url("http://127.0.0.1:7878/query")
'http://127.0.0.1:7878/store'
>>> derive_store_url("http://127.0.0.1:7878")
'http://127.0.0.1:7878/store'
"""

from __future__ import annotations

import json
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import EndpointError, ParameterError, QuerySyntaxError
from ..core.results import QueryResult
from ..core.terms import Term

if TYPE_CHECKING:
    from .dataset import GraphData

__all__ = ["EndpointError", "PushReport", "SparqlEndpoint", "derive_store_url", "parse_results_json",
           "push_file", "push_graph"]

SPARQL_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
_ACCEPT = f"{SPARQL_JSON}, {N_TRIPLES};q=0.9, text/turtle;q=0.5"


def derive_store_url(endpoint: str) -> str:
    """The Graph Store Protocol URL beside a query endpoint, Oxigraph-style (``…/query`` → ``…/store``).

    Other servers name it differently (Fuseki: ``/ds/data``); give it with ``--store-url`` there.
    """
    parts = urllib.parse.urlsplit(endpoint)
    path = parts.path.rstrip("/")
    head, _, last = path.rpartition("/")
    path = f"{head}/store" if last in ("query", "sparql", "update") else f"{path}/store"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


@dataclass
class SparqlEndpoint:
    """A SPARQL 1.1 query endpoint.

    ``default_graph`` is sent as the protocol's ``default-graph-uri`` (for data pushed into a named graph).
    """

    url: str
    default_graph: str | None = None
    timeout: float = 60.0

    def __post_init__(self) -> None:
        scheme = urllib.parse.urlsplit(self.url).scheme
        if scheme not in ("http", "https"):
            raise ParameterError(f"endpoint URL must start with http:// or https://, got {self.url!r}")

    def query(self, text: str, bindings: Mapping[str, Term], source: str = "the query") -> QueryResult:
        """Run ``text`` with ``bindings`` (variable → term) on the endpoint."""
        from ..core.sparql import bind_values, missing_prologue

        try:
            bound = bind_values(text, bindings)
        except ValueError as e:
            raise ParameterError(f"cannot bind parameters in {source}: {e}") from None
        body = (missing_prologue(bound) + bound).encode("utf-8")
        url = self.url
        if self.default_graph:
            sep = "&" if urllib.parse.urlsplit(url).query else "?"
            url += sep + urllib.parse.urlencode({"default-graph-uri": self.default_graph})
        req = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/sparql-query; charset=utf-8", "Accept": _ACCEPT})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                ctype = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
                payload = resp.read()
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace").strip()[:2000]
            if e.code == 400:
                raise QuerySyntaxError(f"{source} (at {self.url})", detail or e.reason, text) from None
            raise EndpointError(f"{self.url} answered HTTP {e.code} {e.reason}: {detail}") from None
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise EndpointError(f"cannot reach SPARQL endpoint {self.url}: {reason}") from None
        if ctype in (SPARQL_JSON, "application/json"):
            return parse_results_json(payload)
        return _parse_graph(payload, ctype, self.url)


def parse_results_json(payload: bytes | str) -> QueryResult:
    """A :class:`QueryResult` from a SPARQL 1.1 Query Results JSON document.

    >>> r = parse_results_json('{"head": {"vars": ["s"]}, "results": {"bindings": '
    ...                        '[{"s": {"type": "uri", "value": "https://w3id.org/b12kg/fatigue"}}]}}')
    >>> r.to_tsv()
    's\\nb12kg:fatigue\\n'
    """
    doc = json.loads(payload)
    if "boolean" in doc:
        return QueryResult([], [], boolean=bool(doc["boolean"]))
    variables = list(doc.get("head", {}).get("vars", []))
    rows = [tuple(_term(b.get(v)) for v in variables) for b in doc.get("results", {}).get("bindings", [])]
    return QueryResult(variables, rows)


def _term(obj: Mapping[str, Any] | None) -> Term | None:
    if obj is None:
        return None
    kind, value = obj.get("type"), str(obj.get("value", ""))
    if kind == "uri":
        return Term.iri(value)
    if kind == "bnode":
        return Term("bnode", value)
    if kind in ("literal", "typed-literal"):
        return Term.literal(value, obj.get("datatype"), obj.get("xml:lang"))
    raise EndpointError(f"unsupported term in SPARQL JSON results: {dict(obj)!r}")


def _parse_graph(payload: bytes, ctype: str, url: str) -> QueryResult:
    import pyoxigraph as ox

    from ..core.terms import from_oxigraph

    formats = {N_TRIPLES: ox.RdfFormat.N_TRIPLES, "text/plain": ox.RdfFormat.N_TRIPLES,
               "text/turtle": ox.RdfFormat.TURTLE}
    fmt = formats.get(ctype)
    if fmt is None:
        raise EndpointError(f"{url} answered with unsupported content type {ctype!r}")
    rows: list[tuple[Term | None, ...]] = [
        (from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object))
        for t in ox.parse(payload, format=fmt)]
    return QueryResult(["subject", "predicate", "object"], rows)


# -- Graph Store Protocol upload ---------------------------------------------------------------------
@dataclass(frozen=True)
class PushReport:
    """What :func:`push_graph` sent: one ``(target graph, triples)`` pair per request."""

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
    timeout: float = 600.0,
) -> PushReport:
    """Upload ``kg`` (its Oxigraph store) to a server through the SPARQL 1.1 Graph Store Protocol.

    By default every triple goes into the server's default graph (``?default``), so the named queries
    run there unchanged; ``graph`` puts them into that named graph instead (query it with
    ``default-graph-uri``), ``named_graphs`` keeps b12kg's own named graphs (ontology, data, …).
    ``replace`` uses PUT (the target graph's old content is dropped), otherwise POST (added).
    The N-Triples are streamed from a temporary file, never held in memory whole.
    """
    import pyoxigraph as ox

    from .sources import GRAPHS

    target_base = store_url or derive_store_url(endpoint)
    method = "PUT" if replace else "POST"
    uploads: list[tuple[str, int]] = []
    targets: list[tuple[str, Any]] = [(graph or "", None)]
    if named_graphs:
        targets = [(iri, ox.NamedNode(iri)) for iri in GRAPHS.values()]
    for target, from_graph in targets:
        with tempfile.TemporaryDirectory(prefix="b12kg-push-") as tmp:
            path = Path(tmp) / "graph.nt"
            count = _dump_triples(kg.store, path, from_graph)
            if named_graphs and count == 0:
                continue
            query = urllib.parse.urlencode({"graph": target}) if target else "default"
            url = target_base + ("&" if "?" in target_base else "?") + query
            _send_file(url, method, path, N_TRIPLES, timeout)
            uploads.append((target or "default graph", count))
    return PushReport(target_base, uploads)


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


def _send_file(url: str, method: str, path: Path, media_type: str, timeout: float) -> None:
    size = os.path.getsize(path)
    with open(path, "rb") as fh:
        req = urllib.request.Request(url, data=fh, method=method, headers={
            "Content-Type": media_type, "Content-Length": str(size)})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                resp.read()
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace").strip()[:2000]
            raise EndpointError(f"{method} {url} answered HTTP {e.code} {e.reason}: {detail}") from None
        except (urllib.error.URLError, OSError) as e:
            raise EndpointError(f"cannot reach graph store {url}: {getattr(e, 'reason', e)}") from None


def push_file(path: str | Path, store_url: str, *, graph: str | None = None, replace: bool = True,
              timeout: float = 600.0) -> int:
    """Upload an RDF file as it is (N-Triples, Turtle, RDF/XML or N-Quads by extension); returns its size."""
    types = {".nt": N_TRIPLES, ".ttl": "text/turtle", ".owl": "application/rdf+xml",
             ".rdf": "application/rdf+xml", ".nq": "application/n-quads", ".trig": "application/trig"}
    p = Path(path)
    media = types.get(p.suffix.lower())
    if media is None:
        raise ParameterError(f"{p}: cannot push files of type {p.suffix!r}; use one of {', '.join(types)}")
    if media in ("application/n-quads", "application/trig"):
        url = store_url  # a dataset: its graphs are in the file
    else:
        query = urllib.parse.urlencode({"graph": graph}) if graph else "default"
        url = store_url + ("&" if "?" in store_url else "?") + query
    dataset = media in ("application/n-quads", "application/trig")
    _send_file(url, "POST" if dataset or not replace else "PUT", p, media, timeout)
    return p.stat().st_size
