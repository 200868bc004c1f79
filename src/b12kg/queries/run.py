"""Running a query: pick the engine, bind the parameters as terms, run, and look up the labels.

>>> from b12kg.store.dataset import Dataset
>>> r = run_query(Dataset.bundled(), "SELECT ?l WHERE { b12kg:vitamin_b12 rdfs:label ?l }")
>>> r.column("l")
['vitamin B12']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

from ..core.errors import ParameterError
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


def executor(dataset: Dataset | None, backend: str, endpoint: SparqlEndpoint | None = None) -> Execute:
    """The engine ``backend`` over ``dataset`` (or ``endpoint``) as an :data:`~b12kg.queries.lookup.Execute`."""
    if backend not in BACKENDS:
        raise ParameterError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    if backend == "remote":
        if endpoint is None:
            raise ParameterError("the remote backend needs an endpoint: use KnowledgeGraph.remote(URL) "
                                 "or 'b12kg query --endpoint URL'")
        return endpoint.query
    if dataset is None:
        raise ParameterError(f"the {backend} backend needs a local graph")
    ds = dataset
    if backend == "rdflib":
        from ..store.engines import rdflib_query

        return lambda text, bindings, source: rdflib_query(ds.rdflib_graph(inferred=True), text, bindings, source)
    from ..store.engines import oxigraph_query

    return lambda text, bindings, source: oxigraph_query(ds.query_store(), text, bindings, source)


def run_query(
    dataset: Dataset | None,
    query: str | NamedQuery,
    params: Mapping[str, str] | None = None,
    *,
    backend: str = "oxigraph",
    endpoint: SparqlEndpoint | None = None,
    with_labels: bool = True,
) -> QueryResult:
    """Run a SPARQL query (text, or a :class:`NamedQuery`) with its parameters bound as RDF terms.

    Labels of parameters and of the IRIs in the answer are looked up on Oxigraph (or on the endpoint
    for the ``remote`` backend).
    """
    named = query if isinstance(query, NamedQuery) else None
    text = named.text if named else str(query)
    source = f"query {named.name!r}" if named else "the query"
    run = executor(dataset, backend, endpoint)
    lookup = run if backend == "remote" else executor(dataset, "oxigraph")
    bindings = bind_parameters(named, params or {}, lookup)
    result = run(text, bindings, source).in_written_order(text)
    if with_labels:
        result.labels = labels(lookup, (t.value for row in result.rows for t in row if t is not None and t.is_iri))
    return result
