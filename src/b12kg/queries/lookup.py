"""Looking concepts up: English labels of IRIs, and the concept a label or synonym names.

Each function takes an :data:`Execute` (a SPARQL engine: query text, bindings, a name for messages →
:class:`~b12kg.core.results.QueryResult`), so the same lookup runs on Oxigraph or a remote endpoint.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from ..core.prefixes import PREFIX_MAP
from ..core.results import QueryResult
from ..core.terms import Term
from .cold import EXACT_SYNONYM, RDFS_LABEL, label_query, pick_labels

__all__ = ["Execute", "by_label", "labels"]

#: a SPARQL engine: ``execute(text, bindings, source) -> QueryResult``
Execute = Callable[[str, Mapping[str, Term], str], QueryResult]

B12KG = PREFIX_MAP["b12kg"]


def labels(execute: Execute, iris: Iterable[str]) -> dict[str, str]:
    """English labels (``rdfs:label``) of the given IRIs (the smallest one where there are several)."""
    q = label_query(iris)
    if q is None:
        return {}
    rows = execute(q, {}, "the label lookup").rows
    return pick_labels([None if t is None else (t.kind, t.value) for t in row] for row in rows)


def by_label(execute: Execute, label: str) -> str | None:
    """The IRI of the concept whose label or exact synonym is ``label`` (any case); b12kg concepts first."""
    q = (f"SELECT ?s WHERE {{ ?s <{RDFS_LABEL}>|<{EXACT_SYNONYM}> ?l "
         "FILTER(lcase(str(?l)) = lcase(str(?v))) } "
         f'ORDER BY (IF(STRSTARTS(STR(?s), "{B12KG}"), 0, 1)) ?s LIMIT 1')
    rows = execute(q, {"v": Term.literal(label.strip())}, "the label lookup").rows
    return rows[0][0].value if rows and rows[0][0] is not None else None
