"""The one registry of output formats, feeding both the CLI and the API.

``EXPORT_FORMATS`` holds graph formats (``b12kg export --format``); ``RESULT_FORMATS`` the formats of
query results (``b12kg query --format``). Later modules register more with :func:`register_export`.

>>> sorted(EXPORT_FORMATS)[:3]
['jsonld', 'nt', 'owl']
>>> get_export_format("ttl").name
'turtle'
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .errors import FormatError
from .prefixes import PREFIX_MAP

if TYPE_CHECKING:
    from .graph import KnowledgeGraph
    from .results import QueryResult

__all__ = ["EXPORT_FORMATS", "RESULT_FORMATS", "ExportFormat", "ResultFormat", "get_export_format",
           "get_result_format", "register_export"]


@dataclass(frozen=True)
class ExportFormat:
    """A way to write the whole graph: a name, file extension, media type and a writer."""

    name: str
    extension: str
    media_type: str
    description: str
    write: Callable[[KnowledgeGraph], bytes]
    aliases: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ResultFormat:
    """A way to print query results."""

    name: str
    description: str
    write: Callable[[QueryResult], str]


EXPORT_FORMATS: dict[str, ExportFormat] = {}
_ALIASES: dict[str, str] = {}


def register_export(fmt: ExportFormat) -> ExportFormat:
    """Add a format to :data:`EXPORT_FORMATS` (and its aliases)."""
    EXPORT_FORMATS[fmt.name] = fmt
    for a in fmt.aliases:
        _ALIASES[a] = fmt.name
    return fmt


def get_export_format(name: str) -> ExportFormat:
    """The export format called ``name`` (or an alias); :class:`FormatError` lists the choices."""
    key = _ALIASES.get(name.lower(), name.lower())
    if key in EXPORT_FORMATS:
        return EXPORT_FORMATS[key]
    close = difflib.get_close_matches(key, list(EXPORT_FORMATS) + list(_ALIASES), n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise FormatError(f"unknown export format {name!r}.{hint} Choose one of: {', '.join(sorted(EXPORT_FORMATS))}")


def _rdflib_writer(rdflib_format: str) -> Callable[[KnowledgeGraph], bytes]:
    def write(kg: KnowledgeGraph) -> bytes:
        g = kg.rdflib_graph()
        if rdflib_format == "json-ld":
            context = {p: ns for p, ns in PREFIX_MAP.items()}
            return g.serialize(format="json-ld", context=context, auto_compact=True).encode("utf-8")
        out = g.serialize(format=rdflib_format)
        return out.encode("utf-8") if isinstance(out, str) else out

    return write


for _f in (
    ExportFormat("turtle", "ttl", "text/turtle", "Turtle with the project prefixes", _rdflib_writer("turtle"), ("ttl",)),
    ExportFormat("nt", "nt", "application/n-triples", "N-Triples", _rdflib_writer("nt"), ("ntriples", "n-triples")),
    ExportFormat("jsonld", "jsonld", "application/ld+json", "JSON-LD compacted with the project prefix map",
                 _rdflib_writer("json-ld"), ("json-ld",)),
    ExportFormat("owl", "owl", "application/rdf+xml", "RDF/XML (OWL)", _rdflib_writer("pretty-xml"), ("rdfxml", "xml", "rdf")),
):
    register_export(_f)


RESULT_FORMATS: dict[str, ResultFormat] = {
    "table": ResultFormat("table", "aligned text table with labels", lambda r: r.to_table() + "\n"),
    "csv": ResultFormat("csv", "comma-separated values, IRIs as CURIEs", lambda r: r.to_csv()),
    "tsv": ResultFormat("tsv", "tab-separated values, IRIs as CURIEs", lambda r: r.to_tsv()),
    "json": ResultFormat("json", "JSON object of variables and rows", lambda r: r.to_json()),
}


def get_result_format(name: str) -> ResultFormat:
    """The result format called ``name``; :class:`FormatError` lists the choices."""
    if name in RESULT_FORMATS:
        return RESULT_FORMATS[name]
    raise FormatError(f"unknown result format {name!r}; choose one of: {', '.join(RESULT_FORMATS)}")
