"""Exports of the graph for research tools: RDF formats, KGX, OBO Graphs, Neo4j.

Each submodule turns a :class:`b12kg.KnowledgeGraph` into bytes (or a set of named files) that are
identical from run to run; :mod:`b12kg.formats` registers them for ``b12kg export`` and the API,
and :mod:`b12kg.build` writes them all into a release.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..graph import GRAPHS
from ..prefixes import PREFIX_MAP

if TYPE_CHECKING:
    from ..graph import KnowledgeGraph

__all__ = ["asserted_rows"]

_PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIX_MAP.items())


def asserted_rows(kg: KnowledgeGraph, query: str, iri: Callable[[str], str] = str) -> list[tuple[str | None, ...]]:
    """Rows of a SELECT over the asserted graphs (not ``inferred``), with the project prefixes declared.

    IRIs are rendered by ``iri`` (e.g. :func:`b12kg.prefixes.compress`), blank nodes as ``_:x`` and
    literals as their value; unbound cells are ``None``.
    """
    import pyoxigraph as ox

    graphs = [ox.NamedNode(g) for kind, g in GRAPHS.items() if kind != "inferred"]
    res = kg.store.query(_PROLOGUE + query, default_graph=graphs)

    def show(t: Any) -> str | None:
        if t is None:
            return None
        if isinstance(t, ox.NamedNode):
            return iri(t.value)
        if isinstance(t, ox.BlankNode):
            return "_:" + t.value
        return str(t.value)

    names = res.variables
    return [tuple(show(sol[v]) for v in names) for sol in res]
