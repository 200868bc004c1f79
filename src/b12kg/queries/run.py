"""Running a query: pick the engine, bind the parameters as terms, run it under its time limit, and look
up the labels.

The query itself is bounded (``timeout`` seconds, Ctrl-C; see :mod:`b12kg.core.bounded`) and checked
before parsing (no SPARQL Update, ``SERVICE`` only to the hosts in ``allow_service``, a nesting limit;
see :func:`b12kg.core.sparql.check_query`). The label lookups that follow are b12kg's own short queries.

>>> from b12kg.store.dataset import Dataset
>>> r = run_query(Dataset.bundled(), "SELECT ?l WHERE { b12kg:vitamin_b12 rdfs:label ?l }")
>>> r.column("l")
['vitamin B12']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Literal

from ..core.errors import ParameterError, QuerySyntaxError
from ..core.results import QueryResult
from .binding import bind_parameters
from .catalog import NamedQuery
from .lookup import Execute, labels

if TYPE_CHECKING:
    from ..store.dataset import Dataset
    from ..store.remote import SparqlEndpoint

__all__ = ["BACKENDS", "Backend", "executor", "run_query"]

Backend = Literal["oxigraph", "rdflib", "remote"]
BACKENDS: tuple[str, ...] = ("oxigraph", "rdflib", "remote")


def executor(dataset: Dataset | None, backend: str, endpoint: SparqlEndpoint | None = None, *,
             bounded: bool = False, timeout: float | None = None,
             allow_service: Iterable[str] | None = None) -> Execute:
    """The engine ``backend`` over ``dataset`` (or ``endpoint``) as an :data:`~b12kg.queries.lookup.Execute`.

    ``bounded`` runs each query under ``timeout`` seconds where it can be stopped (for the user's queries;
    b12kg's own lookups run directly). ``allow_service`` names the hosts ``SERVICE`` may call.
    """
    if backend not in BACKENDS:
        raise ParameterError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    allow = None if allow_service is None else tuple(allow_service)
    if backend == "remote":
        if endpoint is None:
            raise ParameterError("the remote backend needs an endpoint: use KnowledgeGraph.remote(URL) "
                                 "or 'b12kg query --endpoint URL'")
        if not bounded:
            return endpoint.query
        return lambda text, bindings, source: endpoint.query(text, bindings, source, allow_service=allow,
                                                             timeout=timeout)
    if dataset is None:
        raise ParameterError(f"the {backend} backend needs a local graph")
    ds = dataset
    return lambda text, bindings, source: ds.query(text, bindings, source, engine=backend, timeout=timeout,
                                                   allow_service=allow, bounded=bounded)


def run_query(
    dataset: Dataset | None,
    query: str | NamedQuery,
    params: Mapping[str, str] | None = None,
    *,
    backend: str = "oxigraph",
    endpoint: SparqlEndpoint | None = None,
    with_labels: bool = True,
    timeout: float | None = None,
    allow_service: Iterable[str] | None = None,
) -> QueryResult:
    """Run a SPARQL query (text, or a :class:`NamedQuery`) with its parameters bound as RDF terms.

    ``timeout`` (seconds; default ``B12KG_QUERY_TIMEOUT``, 60) bounds the query, which is stopped when it
    runs longer (:class:`~b12kg.core.errors.QueryTimeoutError`); ``allow_service`` names the hosts that
    ``SERVICE`` may call (default: none, or ``B12KG_ALLOW_SERVICE``). Labels of parameters and of the IRIs
    in the answer are looked up on Oxigraph (or on the endpoint for the ``remote`` backend).
    """
    if isinstance(query, NamedQuery):
        named, text, source = query, query.text, f"query {query.name!r}"
    elif isinstance(query, str):
        named, text, source = None, query, "the query"
    else:
        raise QuerySyntaxError("the query", f"a query is SPARQL text or a NamedQuery, not {type(query).__name__}")
    if timeout is not None:
        from ..core.settings import parse_seconds

        timeout = parse_seconds(timeout, "timeout")
    run = executor(dataset, backend, endpoint, bounded=True, timeout=timeout, allow_service=allow_service)
    lookup = executor(dataset, "remote" if backend == "remote" else "oxigraph", endpoint)
    bindings = bind_parameters(named, params or {}, lookup)
    result = run(text, bindings, source).in_written_order(text)
    if backend == "remote" and endpoint is not None and not result.rows and not result.boolean:
        hint = endpoint.empty_default_graph_hint()
        if hint:
            import warnings

            from ..core.errors import B12kgNotice

            warnings.warn(hint, B12kgNotice, stacklevel=2)
    if with_labels:
        result.labels = labels(lookup, (t.value for row in result.rows for t in row if t is not None and t.is_iri))
    return result
