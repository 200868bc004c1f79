"""The SPARQL engines behind :meth:`b12kg.KnowledgeGraph.query`: Oxigraph (default), rdflib and a remote
SPARQL 1.1 endpoint (:mod:`b12kg.store.remote`). Each turns query text plus parameter bindings into a
backend-neutral :class:`~b12kg.core.results.QueryResult`, so the answers of the three compare equal.

Parameters are bound as RDF terms: Oxigraph and the remote endpoint get a ``VALUES`` block of escaped
terms (:func:`b12kg.core.sparql.bind_values`), rdflib its ``initBindings``; user text is never pasted into a query.

>>> import pyoxigraph as ox
>>> from b12kg.core.terms import Term
>>> store = ox.Store()
>>> a = ox.NamedNode("https://w3id.org/b12kg/a")
>>> label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
>>> store.add(ox.Quad(a, label, ox.Literal("A", language="en")))
>>> r = oxigraph_query(store, "SELECT ?l WHERE { ?s rdfs:label ?l }", {"s": Term.iri(a.value)}, "q")
>>> r.column("l")
['A']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core.errors import ParameterError, QuerySyntaxError
from ..core.prefixes import PREFIX_MAP
from ..core.results import QueryResult
from ..core.terms import Term, from_oxigraph, from_rdflib, to_rdflib

__all__ = ["canonical_rows", "oxigraph_query", "rdflib_query"]


def oxigraph_query(store: Any, text: str, bindings: Mapping[str, Term], source: str) -> QueryResult:
    """Run ``text`` on a :class:`pyoxigraph.Store` (default graph = union of the named graphs)."""
    import pyoxigraph as ox

    from ..core.sparql import bind_values

    try:
        bound = bind_values(text, bindings)
    except ValueError as e:
        raise ParameterError(f"cannot bind parameters in {source}: {e}") from None
    try:
        res = store.query(bound, use_default_graph_as_union=True, prefixes=PREFIX_MAP)
    except SyntaxError as e:
        raise QuerySyntaxError(source, str(e), bound if bindings else text) from None
    if isinstance(res, ox.QueryBoolean):
        return QueryResult([], [], boolean=bool(res))
    if isinstance(res, ox.QuerySolutions):
        variables = [v.value for v in res.variables]
        rows = [tuple(from_oxigraph(sol[v]) for v in variables) for sol in res]
        return QueryResult(variables, rows)
    rows = [(from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object)) for t in res]
    return QueryResult(["subject", "predicate", "object"], rows)


def rdflib_query(graph: Any, text: str, bindings: Mapping[str, Term], source: str) -> QueryResult:
    """Run ``text`` with rdflib's SPARQL engine on an :class:`rdflib.Graph`."""
    from rdflib.plugins.sparql import prepareQuery

    try:
        prepared = prepareQuery(text, initNs=PREFIX_MAP)  # no prologue text: error lines stay right
    except Exception as e:  # pyparsing raises its own exception types
        raise QuerySyntaxError(source, str(e), text) from None
    res = graph.query(prepared, initBindings={k: to_rdflib(v) for k, v in bindings.items()})
    if res.type == "ASK":
        return QueryResult([], [], boolean=bool(res.askAnswer))
    if res.type == "SELECT":
        variables = [str(v) for v in (res.vars or [])]
        rows = [tuple(from_rdflib(r[i]) for i in range(len(variables))) for r in res]
        return QueryResult(variables, rows)
    rows = [(from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in res]
    return QueryResult(["subject", "predicate", "object"], rows)


def canonical_rows(result: QueryResult, *, ordered: bool = False) -> list[tuple[Any, ...]]:
    """Rows in a form that compares equal across backends: blank nodes anonymised, numbers by value,
    and sorted unless ``ordered`` (the query has ORDER BY and the order is part of the answer).

    >>> from b12kg.core.terms import Term
    >>> XSD = "http://www.w3.org/2001/XMLSchema#"
    >>> a = QueryResult(["n"], [(Term.literal("2.50", XSD + "decimal"),)])
    >>> b = QueryResult(["n"], [(Term.literal("2.5", XSD + "decimal"),)])
    >>> canonical_rows(a) == canonical_rows(b)
    True
    """
    if result.boolean is not None:
        return [(result.boolean,)]
    rows = [tuple(_canonical(t) for t in row) for row in result.rows]
    return rows if ordered else sorted(rows, key=repr)


_NUMERIC = {"integer", "decimal", "double", "float", "long", "int", "short", "byte", "nonNegativeInteger",
            "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedLong", "unsignedInt"}


def _canonical(t: Term | None) -> Any:
    if t is None:
        return None
    if t.kind == "bnode":
        return ("bnode",)
    if t.kind == "literal" and t.datatype and t.datatype.startswith("http://www.w3.org/2001/XMLSchema#"):
        local = t.datatype.rsplit("#", 1)[1]
        if local in _NUMERIC:
            try:
                from decimal import Decimal

                return ("number", Decimal(t.value).normalize())
            except ArithmeticError:
                pass
    return (t.kind, t.value, t.datatype, (t.language or "").lower() or None)
