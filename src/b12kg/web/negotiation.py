"""Content negotiation: which media type to answer with, from the ``Accept`` header or a ``format`` parameter.

Three families of answers, each with its media types in order of preference (the first is the default):

* ``results`` — SELECT and ASK: SPARQL Results JSON, XML, CSV and TSV;
* ``graph`` — CONSTRUCT, DESCRIBE and the RDF description of a concept: Turtle, N-Triples, JSON-LD,
  RDF/XML;
* ``page`` — what a browser reads: HTML, then the RDF formats (a concept page answers both);
* ``named`` and ``named-graph`` — a named query: its answer in a data format, its page (HTML), or its
  text with the parameters bound (``sparql``).

A ``format`` parameter (a short name such as ``json``, ``ttl``, ``csv``, or a media type) wins over
``Accept``. :func:`choose` raises :class:`NotAcceptable` (answered 406) when nothing fits and
:class:`UnknownFormat` (answered 400) for a ``format`` it does not know.

>>> choose("results", "application/sparql-results+xml;q=0.9, text/csv").name
'csv'
>>> choose("graph", "*/*").media_type
'text/turtle'
>>> choose("graph", None, "json").media_type
'application/ld+json'
>>> choose("page", "text/html,application/xhtml+xml,*/*;q=0.8").name
'html'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

__all__ = ["FAMILIES", "MediaFormat", "NotAcceptable", "UnknownFormat", "choose", "parse_accept"]


@dataclass(frozen=True)
class MediaFormat:
    """A way to write an answer: a short name, its media type and the other media types that mean it."""

    name: str
    media_type: str
    aliases: tuple[str, ...] = ()
    names: tuple[str, ...] = ()  # other short names accepted by the ``format`` parameter
    text: bool = True  # sent with ``; charset=utf-8``

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.text else self.media_type


JSON = MediaFormat("json", "application/sparql-results+json", ("application/json",))
XML = MediaFormat("xml", "application/sparql-results+xml", ("application/xml", "text/xml"))
CSV = MediaFormat("csv", "text/csv")
TSV = MediaFormat("tsv", "text/tab-separated-values")
TURTLE = MediaFormat("turtle", "text/turtle", ("application/x-turtle",), ("ttl",))
NTRIPLES = MediaFormat("ntriples", "application/n-triples", ("text/plain",), ("nt", "n-triples"))
JSONLD = MediaFormat("jsonld", "application/ld+json", ("application/json",), ("json-ld", "json"))
RDFXML = MediaFormat("rdfxml", "application/rdf+xml", ("application/xml", "text/xml"), ("xml", "owl", "rdf"))
HTML = MediaFormat("html", "text/html", ("application/xhtml+xml",))
SPARQL = MediaFormat("sparql", "application/sparql-query", (), ("rq",))

#: the formats of each family of answers, preferred first
FAMILIES: dict[str, tuple[MediaFormat, ...]] = {
    "results": (JSON, XML, CSV, TSV),
    "graph": (TURTLE, NTRIPLES, JSONLD, RDFXML),
    "page": (HTML, TURTLE, NTRIPLES, JSONLD, RDFXML),
    "named": (JSON, XML, CSV, TSV, HTML, SPARQL),
    "named-graph": (TURTLE, NTRIPLES, JSONLD, RDFXML, HTML, SPARQL),
}


class NotAcceptable(ValueError):
    """Nothing the client accepts can be produced (HTTP 406); the message lists what can."""


class UnknownFormat(ValueError):
    """The ``format`` parameter names no format (HTTP 400); the message lists the choices."""


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """The media ranges of an ``Accept`` header with their quality, best first (stable among equals).

    >>> parse_accept("text/html;q=0.5, application/json")
    [('application/json', 1.0), ('text/html', 0.5)]
    """
    ranges: list[tuple[str, float, int]] = []
    for i, part in enumerate((header or "").split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        if "/" not in media:
            media = "*/*" if media == "*" else media
        q = 1.0
        for f in fields[1:]:
            key, _, value = f.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append((media, q, i))
    ranges.sort(key=lambda r: (-r[1], r[2]))
    return [(m, q) for m, q, _ in ranges]


def _quality(fmt: MediaFormat, ranges: list[tuple[str, float]]) -> tuple[float, int]:
    """The quality the client gives ``fmt`` and how specific the range that gave it is (2 exact … 0 ``*/*``)."""
    best = (-1.0, -1)
    major = fmt.media_type.split("/")[0]
    for media, q in ranges:  # aliases count only when named exactly; wildcards match the main type
        spec = (2 if media == fmt.media_type or media in fmt.aliases else 1 if media == f"{major}/*"
                else 0 if media == "*/*" else -1)
        if spec > best[1]:
            best = (q, spec)
    return best


@lru_cache(maxsize=512)
def choose(family: str, accept: str | None, format: str | None = None) -> MediaFormat:
    """The format to answer with: ``format`` if given, else the best of ``Accept`` (default: the first).

    Answers are cached (clients send the same few ``Accept`` headers again and again).
    """
    formats = FAMILIES[family]
    if format:
        wanted = format.strip().lower()
        every = [f for fs in FAMILIES.values() for f in fs]
        for f in formats:
            if wanted in (f.name, f.media_type, *f.names, *f.aliases):
                return f
        if any(wanted in (f.name, f.media_type, *f.names, *f.aliases) for f in every):
            raise NotAcceptable(f"format {format!r} cannot be produced for this answer; "
                                f"choose one of: {', '.join(f.name for f in formats)}")
        names = sorted({n for f in every for n in (f.name, *f.names)})
        raise UnknownFormat(f"unknown format {format!r}; choose one of: {', '.join(names)} (or a media type)")
    ranges = parse_accept(accept)
    if not ranges:
        return formats[0]
    scored = [(_quality(f, ranges), -i, f) for i, f in enumerate(formats)]
    (q, spec), _, best = max(scored, key=lambda s: (s[0][0], s[0][1], s[1]))
    if q <= 0.0 or spec < 0:
        offered = ", ".join(f.media_type for f in formats)
        raise NotAcceptable(f"none of the accepted media types ({accept}) can be produced for this answer; "
                            f"available: {offered} (or use the format parameter)")
    return best
