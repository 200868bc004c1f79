"""The one registry of output formats, feeding both the CLI and the API.

``EXPORT_FORMATS`` holds graph formats (``b12kg export --format``); ``RESULT_FORMATS`` the formats of
query results (``b12kg query --format``). Later modules register more with :func:`register_export`.

>>> sorted(EXPORT_FORMATS)[:2]
['jsonld', 'kgx']
>>> get_export_format("ttl").name
'turtle'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import FormatError

if TYPE_CHECKING:
    from ..core.results import QueryResult
    from ..store.dataset import GraphData

__all__ = ["EXPORT_FORMATS", "RESULT_FORMATS", "ExportFormat", "ResultFormat", "get_export_format",
           "get_result_format", "register_export"]


@dataclass(frozen=True)
class ExportFormat:
    """A way to write the whole graph: a name, file extension, media type and a writer."""

    name: str
    extension: str
    media_type: str
    description: str
    write: Callable[[GraphData], bytes]
    aliases: tuple[str, ...] = field(default_factory=tuple)
    #: for formats made of several files (KGX, Neo4j): ``kg -> {file name: bytes}``; ``write`` then refuses
    files: Callable[[GraphData], dict[str, bytes]] | None = None

    def write_dir(self, kg: GraphData, directory: str | Path) -> list[Path]:
        """Write into ``directory`` (each file atomically); single-file formats write ``b12kg.EXT``."""
        from ..core.files import atomic_write

        contents = self.files(kg) if self.files else {f"b12kg.{self.extension}": self.write(kg)}
        return [atomic_write(Path(directory) / name, data) for name, data in sorted(contents.items())]


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
    import difflib

    close = difflib.get_close_matches(key, list(EXPORT_FORMATS) + list(_ALIASES), n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    choices = ", ".join(sorted(EXPORT_FORMATS))
    raise FormatError(f"unknown export format {name!r}.{hint} Choose one of: {choices}")


def _lazy(module: str, function: str) -> Callable[[GraphData], bytes]:
    """A writer that imports ``b12kg.formats.<module>`` only when called (keeps ``b12kg query`` light)."""

    def write(kg: GraphData) -> bytes:
        import importlib

        return importlib.import_module(f"b12kg.formats.{module}").__getattribute__(function)(kg)  # type: ignore[no-any-return]

    return write


def _lazy_files(module: str, function: str) -> Callable[[GraphData], dict[str, bytes]]:
    return _lazy(module, function)  # type: ignore[return-value]


def _several(name: str) -> Callable[[GraphData], bytes]:
    def write(kg: GraphData) -> bytes:
        raise FormatError(f"the {name} export is several files: write it to a directory "
                          f"(b12kg export -f {name} -o DIR)")

    return write


for _f in (
    ExportFormat("turtle", "ttl", "text/turtle", "Turtle with the project prefixes (asserted graphs merged)",
                 _lazy("rdf", "to_turtle"), ("ttl",)),
    ExportFormat("nt", "nt", "application/n-triples", "N-Triples, sorted lines", _lazy("rdf", "to_ntriples"),
                 ("ntriples", "n-triples")),
    ExportFormat("nquads", "nq", "application/n-quads", "N-Quads, one named graph per kind",
                 _lazy("rdf", "to_nquads"), ("nq", "n-quads")),
    ExportFormat("trig", "trig", "application/trig", "TriG, one named graph per kind (provenance split out)",
                 _lazy("rdf", "to_trig")),
    ExportFormat("jsonld", "jsonld", "application/ld+json", "JSON-LD compacted with the project prefix map",
                 _lazy("rdf", "to_jsonld"), ("json-ld",)),
    ExportFormat("owl", "owl", "application/rdf+xml", "RDF/XML (OWL)", _lazy("rdf", "to_rdfxml"),
                 ("rdfxml", "xml", "rdf")),
    ExportFormat("obographs", "json", "application/json", "OBO Graphs JSON", _lazy("obographs", "to_json"),
                 ("obojson", "obograph")),
    ExportFormat("obo", "obo", "text/obo", "OBO 1.4: every concept a term, curated edges as relationships",
                 _lazy("obo", "to_obo")),
    ExportFormat("sssom", "sssom.tsv", "text/tab-separated-values", "the SSSOM mapping set (a copy)",
                 _lazy("mappings", "mapping_set")),
    ExportFormat("kgx", "tsv", "text/tab-separated-values", "KGX (Biolink) nodes.tsv + edges.tsv",
                 _several("kgx"), ("kgx-tsv",), files=_lazy_files("kgx", "tsv_files")),
    ExportFormat("kgx-jsonl", "jsonl", "application/jsonl", "KGX (Biolink) nodes.jsonl + edges.jsonl",
                 _several("kgx-jsonl"), files=_lazy_files("kgx", "jsonl_files")),
    ExportFormat("neo4j", "csv", "text/csv", "Neo4j import CSVs (nodes.csv, edges.csv) + queries.cypher",
                 _several("neo4j"), files=_lazy_files("neo4j", "neo4j_files")),
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
