"""Rows of a SELECT over the asserted graphs of a store (every named graph but ``inferred``), as text.

The exporters read the graph through this one helper.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..core.prefixes import PREFIX_MAP
from ..store.sources import GRAPHS

if TYPE_CHECKING:
    from ..store.dataset import GraphData

__all__ = ["asserted_rows"]

_PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIX_MAP.items())


def asserted_rows(kg: GraphData, query: str, iri: Callable[[str], str] = str) -> list[tuple[str | None, ...]]:
    """Rows of a SELECT over the asserted graphs (not ``inferred``), with the project prefixes declared.

    IRIs are rendered by ``iri`` (e.g. :func:`b12kg.core.prefixes.compress`), blank nodes as ``_:x`` and
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
