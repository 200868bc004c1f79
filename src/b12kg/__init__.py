"""b12kg: an evidence-linked knowledge graph of vitamin B12, nerve function and muscle spasms.

>>> from b12kg import KnowledgeGraph
>>> kg = KnowledgeGraph.bundled()
>>> "muscle spasm" in kg.run("symptoms-by-kind").column("symptom", labels=True)
True

The package is built in layers, each importing only from the layers before it:

1. :mod:`b12kg.core` — prefixes, RDF terms, query results, SPARQL text, errors, bundled resources, files
2. :mod:`b12kg.store` — sources, the compiled cache and user store, query engines, remote endpoints
3. :mod:`b12kg.queries` — the named-query catalog, parameter binding, lookups, running queries
4. :mod:`b12kg.checks` — SHACL validation, quality control, cross-references, reasoning
5. :mod:`b12kg.formats` — the format registry, exporters, SSSOM output, import modules, the release
6. :mod:`b12kg.graph` — :class:`KnowledgeGraph`, the facade over all of the above
7. :mod:`b12kg.cli` — the command line

Not medical advice: the graph encodes one popular-science article, for research and software use.
"""

from __future__ import annotations

from .core import __version__

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing on the cold query path
if TYPE_CHECKING:
    from typing import Any

    from .checks.shacl import ValidationReport, ValidationResult
    from .core.errors import (
        B12kgError,
        B12kgNotice,
        BuildError,
        CacheError,
        ConceptNotFoundError,
        ConfigError,
        DiagramError,
        EndpointError,
        EndpointTimeoutError,
        EngineCrashError,
        ExtractionError,
        FormatError,
        GraphParseError,
        InconsistentOntologyError,
        JavaCrashError,
        JavaNotFoundError,
        NothingCheckedError,
        OutputError,
        ParameterError,
        QCProfileError,
        QueryFileError,
        QueryNotFoundError,
        QueryRefusedError,
        QuerySyntaxError,
        QueryTimeoutError,
        ReasonerError,
        ReasonerTimeoutError,
        ResponseTooLargeError,
        ServeError,
        ShapesError,
        SSSOMError,
        StoreDamagedError,
    )
    from .core.prefixes import PREFIX_MAP
    from .core.results import QueryResult
    from .core.terms import Term
    from .graph import KnowledgeGraph
    from .queries.catalog import NamedQuery, Parameter, QueryCatalog
    from .store.dataset import Dataset
    from .store.sources import Source

# Public names, imported on first use so that ``b12kg query`` starts fast.
_LAZY = {
    "ValidationReport": "checks.shacl", "ValidationResult": "checks.shacl",
    **dict.fromkeys((
        "B12kgError",
        "B12kgNotice",
        "BuildError",
        "CacheError",
        "ConceptNotFoundError",
        "ConfigError",
        "DiagramError",
        "EndpointError",
        "EndpointTimeoutError",
        "EngineCrashError",
        "ExtractionError",
        "FormatError",
        "GraphParseError",
        "InconsistentOntologyError",
        "JavaCrashError",
        "JavaNotFoundError",
        "NothingCheckedError",
        "OutputError",
        "ParameterError",
        "QCProfileError",
        "QueryFileError",
        "QueryNotFoundError",
        "QueryRefusedError",
        "QuerySyntaxError",
        "QueryTimeoutError",
        "ReasonerError",
        "ReasonerTimeoutError",
        "ResponseTooLargeError",
        "SSSOMError",
        "ServeError",
        "ShapesError",
        "StoreDamagedError",
    ), "core.errors"),
    "PREFIX_MAP": "core.prefixes", "QueryResult": "core.results", "Term": "core.terms", "KnowledgeGraph": "graph",
    "NamedQuery": "queries.catalog", "Parameter": "queries.catalog", "QueryCatalog": "queries.catalog",
    "Dataset": "store.dataset", "Source": "store.sources",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'b12kg' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "PREFIX_MAP",
    "B12kgError",
    "B12kgNotice",
    "BuildError",
    "CacheError",
    "ConceptNotFoundError",
    "ConfigError",
    "Dataset",
    "DiagramError",
    "EndpointError",
    "EndpointTimeoutError",
    "EngineCrashError",
    "ExtractionError",
    "FormatError",
    "GraphParseError",
    "InconsistentOntologyError",
    "JavaCrashError",
    "JavaNotFoundError",
    "KnowledgeGraph",
    "NamedQuery",
    "NothingCheckedError",
    "OutputError",
    "Parameter",
    "ParameterError",
    "QCProfileError",
    "QueryCatalog",
    "QueryFileError",
    "QueryNotFoundError",
    "QueryRefusedError",
    "QueryResult",
    "QuerySyntaxError",
    "QueryTimeoutError",
    "ReasonerError",
    "ReasonerTimeoutError",
    "ResponseTooLargeError",
    "SSSOMError",
    "ServeError",
    "ShapesError",
    "Source",
    "StoreDamagedError",
    "Term",
    "ValidationReport",
    "ValidationResult",
    "__version__",
]
