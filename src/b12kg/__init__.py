"""b12kg: an evidence-linked knowledge graph of vitamin B12, nerve function and muscle spasms.

>>> from b12kg import KnowledgeGraph
>>> kg = KnowledgeGraph.bundled()
>>> "muscle spasm" in kg.run("symptoms-by-kind").column("symptom", labels=True)
True

Not medical advice: the graph encodes one popular-science article, for research and software use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .catalog import NamedQuery, Parameter, QueryCatalog
    from .errors import (
        B12kgError,
        FormatError,
        GraphParseError,
        ParameterError,
        QueryNotFoundError,
        QuerySyntaxError,
    )
    from .graph import KnowledgeGraph, Source
    from .results import QueryResult
    from .terms import Term
    from .validation import ValidationReport, ValidationResult

# Public names, imported on first use so that ``b12kg query`` starts fast.
_LAZY = {
    "NamedQuery": "catalog", "Parameter": "catalog", "QueryCatalog": "catalog",
    "B12kgError": "errors", "FormatError": "errors", "GraphParseError": "errors", "ParameterError": "errors",
    "QueryNotFoundError": "errors", "QuerySyntaxError": "errors",
    "KnowledgeGraph": "graph", "Source": "graph",
    "QueryResult": "results", "Term": "terms",
    "ValidationReport": "validation", "ValidationResult": "validation",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'b12kg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


__version__ = "0.1.0"

__all__ = [
    "B12kgError",
    "FormatError",
    "GraphParseError",
    "KnowledgeGraph",
    "NamedQuery",
    "Parameter",
    "ParameterError",
    "QueryCatalog",
    "QueryNotFoundError",
    "QueryResult",
    "QuerySyntaxError",
    "Source",
    "Term",
    "ValidationReport",
    "ValidationResult",
    "__version__",
]
