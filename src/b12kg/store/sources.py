"""The files a graph is made of, and the named graph each one goes into.

>>> [s.kind for s in bundled_sources()][:2]
['ontology', 'imports']
>>> GRAPHS["data"]
'https://w3id.org/b12kg/graph/data'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core import resources
from ..core.errors import GraphParseError
from ..core.prefixes import PREFIX_MAP
from ..core.settings import flag

__all__ = ["GRAPHS", "RDF_EXTENSIONS", "Source", "bundled_sources", "cache_default", "check_readable",
           "inferred_default", "oxigraph_format", "syntax_message"]

B12KG = PREFIX_MAP["b12kg"]

#: named graphs of the store, by kind of content
GRAPHS: dict[str, str] = {
    "ontology": B12KG + "graph/ontology",
    "imports": B12KG + "graph/imports",
    "data": B12KG + "graph/data",
    "mappings": B12KG + "graph/mappings",
    "inferred": B12KG + "graph/inferred",
    "external": B12KG + "graph/external",
}

#: RDF file types by extension
RDF_EXTENSIONS = {
    ".ttl": "turtle", ".turtle": "turtle", ".nt": "ntriples", ".nq": "nquads", ".trig": "trig",
    ".owl": "rdfxml", ".rdf": "rdfxml", ".xml": "rdfxml", ".n3": "n3", ".jsonld": "jsonld",
}


@dataclass(frozen=True)
class Source:
    """A file of the graph and the named graph (kind) it goes into."""

    path: Path
    kind: str = "data"


def bundled_sources() -> list[Source]:
    """The files of the bundled graph, each with its named graph."""
    return [Source(Path(path), kind) for kind, path in resources.bundled_graph_files()]


def oxigraph_format(path: Path) -> Any:
    """The :class:`pyoxigraph.RdfFormat` of a file, from its extension."""
    import pyoxigraph as ox

    name = RDF_EXTENSIONS.get(path.suffix.lower())
    table = {
        "turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "nquads": ox.RdfFormat.N_QUADS,
        "trig": ox.RdfFormat.TRIG, "rdfxml": ox.RdfFormat.RDF_XML, "n3": ox.RdfFormat.N3,
        "jsonld": getattr(ox.RdfFormat, "JSON_LD", None),
    }
    fmt = table.get(name or "")
    if fmt is None:
        known = ", ".join(sorted(RDF_EXTENSIONS))
        raise GraphParseError(str(path), None, f"unknown RDF file type {path.suffix!r}; known: {known}")
    return fmt


def syntax_message(e: SyntaxError) -> str:
    """The parser's message without its location prefix (the caller reports the line), plus the column."""
    msg = str(e.msg if getattr(e, "msg", None) else e)
    if msg.startswith("Parser error") and ": " in msg:
        msg = msg.split(": ", 1)[1]
    return f"column {e.offset}: {msg}" if e.offset else msg


def inferred_default() -> bool:
    """Whether the bundled graph includes the OWL RL closure (env ``B12KG_INFERRED=0`` turns it off; a value
    that is not yes/no is a :class:`~b12kg.core.errors.ConfigError`)."""
    return flag("B12KG_INFERRED", True)


def cache_default() -> bool:
    """Whether the bundled graph is compiled into the on-disk cache (env ``B12KG_NO_CACHE=1`` turns it off)."""
    return not flag("B12KG_NO_CACHE", False)


def check_readable(path: Path) -> None:
    """Raise :class:`GraphParseError` unless ``path`` is a regular file that can be read (a folder, a FIFO,
    a device such as ``/dev/zero``, a symbolic-link loop or an unreadable file each get their own message)."""
    from ..core.files import not_a_readable_file

    problem = not_a_readable_file(path)
    if problem is not None:
        raise GraphParseError(str(path), None, problem + ("" if problem == "no such file" else "; give an RDF file"))
