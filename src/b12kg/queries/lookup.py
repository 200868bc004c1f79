"""Looking concepts up: English labels of IRIs, and the concept a label or synonym names.

Each function takes an :data:`Execute` (a SPARQL engine: query text, bindings, a name for messages →
:class:`~b12kg.core.results.QueryResult`), so the same lookup runs on Oxigraph or a remote endpoint.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from ..core.prefixes import PREFIX_MAP
from ..core.results import QueryResult
from ..core.terms import Term

__all__ = ["Execute", "by_label", "labels"]

#: a SPARQL engine: ``execute(text, bindings, source) -> QueryResult``
Execute = Callable[[str, Mapping[str, Term], str], QueryResult]

B12KG = PREFIX_MAP["b12kg"]
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
EXACT_SYNONYM = "http://www.geneontology.org/formats/oboInOwl#hasExactSynonym"
_SAFE_IRI = re.compile(r"[^<>\"{}|^`\\\x00-\x20]+")


def labels(execute: Execute, iris: Iterable[str]) -> dict[str, str]:
    """English labels (``rdfs:label``) of the given IRIs (the smallest one where there are several)."""
    wanted = sorted({i for i in iris if _SAFE_IRI.fullmatch(i)})
    if not wanted:
        return {}
    values = " ".join(f"<{i}>" for i in wanted)
    q = (f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {values} }} ?s <{RDFS_LABEL}> ?l "
         'FILTER(lang(?l) = "" || langMatches(lang(?l), "en")) }')
    out: dict[str, str] = {}
    for row in execute(q, {}, "the label lookup").rows:
        if len(row) != 2:  # a remote endpoint that answers something else: no labels from it
            continue
        s, label = row
        if s is None or label is None or not s.is_iri:
            continue
        if s.value not in out or label.value < out[s.value]:
            out[s.value] = label.value
    return out


def by_label(execute: Execute, label: str) -> str | None:
    """The IRI of the concept whose label or exact synonym is ``label`` (any case); b12kg concepts first."""
    q = (f"SELECT ?s WHERE {{ ?s <{RDFS_LABEL}>|<{EXACT_SYNONYM}> ?l "
         "FILTER(lcase(str(?l)) = lcase(str(?v))) } "
         f'ORDER BY (IF(STRSTARTS(STR(?s), "{B12KG}"), 0, 1)) ?s LIMIT 1')
    rows = execute(q, {"v": Term.literal(label.strip())}, "the label lookup").rows
    return rows[0][0].value if rows and rows[0][0] is not None else None
