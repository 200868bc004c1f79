"""The SPARQL engines behind :meth:`b12kg.KnowledgeGraph.query`: Oxigraph (default), rdflib and a remote
SPARQL 1.1 endpoint (:mod:`b12kg.store.remote`). Each turns query text plus parameter bindings into a
backend-neutral :class:`~b12kg.core.results.QueryResult`, so the answers of the three compare equal.

Parameters are bound as RDF terms: Oxigraph and the remote endpoint get a ``VALUES`` block of escaped
terms (:func:`b12kg.core.sparql.bind_values`), rdflib its ``initBindings``; user text is never pasted into a query.

Every query first passes :func:`b12kg.core.sparql.check_query` (no SPARQL Update, ``SERVICE`` only to
allowed hosts, a nesting limit), and every failure of an engine becomes a b12kg error: a syntax error
(:class:`~b12kg.core.errors.QuerySyntaxError`, with a plain message for an undeclared prefix), a failed
``SERVICE`` call (:class:`~b12kg.core.errors.EndpointError`), a damaged on-disk store
(:class:`~b12kg.core.errors.StoreDamagedError`) or another engine failure
(:class:`~b12kg.core.errors.EngineCrashError`). rdflib never loads the graphs a query names in ``FROM``
from the web.

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

from collections.abc import Iterable, Mapping
from typing import Any

from ..core.errors import (
    EndpointError,
    EngineCrashError,
    ParameterError,
    QueryRefusedError,
    QuerySyntaxError,
    StoreDamagedError,
)
from ..core.prefixes import PREFIX_MAP
from ..core.results import QueryResult
from ..core.sparql import bind_values, check_query, undeclared_prefix_message
from ..core.terms import Term, from_oxigraph, from_rdflib, to_rdflib

__all__ = ["canonical_rows", "oxigraph_query", "rdflib_query", "syntax_error"]

#: words in an Oxigraph error that mean its on-disk store (RocksDB) is damaged
DAMAGE_SIGNS = ("Corruption", "corrupted", "checksum mismatch", "truncated", "IO error", "No such file")


def oxigraph_query(store: Any, text: str, bindings: Mapping[str, Term], source: str, *,
                   allow_service: Iterable[str] | None = None) -> QueryResult:
    """Run ``text`` on a :class:`pyoxigraph.Store` (default graph = union of the named graphs).

    ``allow_service`` names the hosts ``SERVICE`` may call (default: ``B12KG_ALLOW_SERVICE``).
    """
    import pyoxigraph as ox

    _check(text, allow_service)
    bound = _bind(text, bindings, source)
    try:
        res = store.query(bound, use_default_graph_as_union=True, prefixes=PREFIX_MAP)
        if isinstance(res, ox.QueryBoolean):
            return QueryResult([], [], boolean=bool(res))
        if isinstance(res, ox.QuerySolutions):
            variables = [v.value for v in res.variables]
            rows = [tuple(map(from_oxigraph, sol)) for sol in res]  # a solution iterates in variable order
            return QueryResult(variables, rows)
        rows = [(from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object)) for t in res]
        return QueryResult(["subject", "predicate", "object"], rows)
    except SyntaxError as e:
        raise syntax_error(source, str(e), bound if bindings else text) from None
    except (OSError, RuntimeError, ValueError) as e:
        raise _engine_error("Oxigraph", source, text, e) from None


def rdflib_query(graph: Any, text: str, bindings: Mapping[str, Term], source: str, *,
                 allow_service: Iterable[str] | None = None) -> QueryResult:
    """Run ``text`` with rdflib's SPARQL engine on an :class:`rdflib.Graph` (``allow_service`` as above)."""
    import rdflib.plugins.sparql as rdflib_sparql
    from rdflib.plugins.sparql import prepareQuery

    _check(text, allow_service)
    try:
        prepared = prepareQuery(text, initNs=PREFIX_MAP)  # no prologue text: error lines stay right
    except RecursionError:
        raise QueryRefusedError(f"{source} is nested too deeply for rdflib's SPARQL parser; simplify it or use "
                                "the default engine (--backend oxigraph)") from None
    except Exception as e:  # pyparsing raises its own exception types
        raise syntax_error(source, str(e), text) from None
    load_graphs = rdflib_sparql.SPARQL_LOAD_GRAPHS
    rdflib_sparql.SPARQL_LOAD_GRAPHS = False  # FROM <url> must not fetch anything from the web
    try:
        res = graph.query(prepared, initBindings={k: to_rdflib(v) for k, v in bindings.items()})
        if res.type == "ASK":
            return QueryResult([], [], boolean=bool(res.askAnswer))
        if res.type == "SELECT":
            variables = [str(v) for v in (res.vars or [])]
            rows = [tuple(from_rdflib(r[i]) for i in range(len(variables))) for r in res]
            return QueryResult(variables, rows)
        rows = [(from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in res]
        return QueryResult(["subject", "predicate", "object"], rows)
    except RecursionError:
        raise QueryRefusedError(f"{source} is nested too deeply for rdflib's SPARQL engine; simplify it or use "
                                "the default engine (--backend oxigraph)") from None
    except Exception as e:  # rdflib's evaluator raises plain Python errors on odd queries
        raise _engine_error("rdflib", source, text, e) from None
    finally:
        rdflib_sparql.SPARQL_LOAD_GRAPHS = load_graphs


def _check(text: str, allow_service: Iterable[str] | None) -> None:
    if allow_service is None:
        from ..core.settings import allowed_service_hosts

        allow_service = allowed_service_hosts()
    check_query(text, allow_service=allow_service)


def _bind(text: str, bindings: Mapping[str, Term], source: str) -> str:
    try:
        return bind_values(text, bindings)
    except ValueError as e:
        raise ParameterError(f"cannot bind parameters in {source}: {e}") from None


def syntax_error(source: str, message: str, text: str) -> QuerySyntaxError:
    """The :class:`QuerySyntaxError` for a parser's ``message`` (a plain one for an undeclared prefix)."""
    plain = undeclared_prefix_message(text, message)
    if plain is not None:
        import re

        at = re.search(r"at \d+:\d+|line:\d+, col:\d+", message)
        return QuerySyntaxError(source, plain + (f" ({at.group(0)})" if at else ""), text)
    return QuerySyntaxError(source, message, text)


def _engine_error(engine: str, source: str, text: str, e: BaseException) -> Exception:
    from ..core.errors import B12kgError, shorten

    if isinstance(e, B12kgError):
        return e
    message = shorten(str(e).strip() or type(e).__name__, 500)
    if engine == "Oxigraph" and any(sign in message for sign in DAMAGE_SIGNS):
        return StoreDamagedError(message)
    if "SERVICE" in text.upper():
        return EndpointError(f"a SERVICE call of {source} failed: {message}")
    return EngineCrashError(f"{engine} could not run {source}: {type(e).__name__}: {message}")


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
