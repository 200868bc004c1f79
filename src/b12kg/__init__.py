"""b12kg: an evidence-linked knowledge graph of vitamin B12, nerve function and muscle spasms.

>>> from b12kg import KnowledgeGraph
>>> kg = KnowledgeGraph.bundled()
>>> "muscle spasm" in kg.run("symptoms-by-kind").column("symptom", labels=True)
True

Not medical advice: the graph encodes one popular-science article, for research and software use.
"""

from __future__ import annotations

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
