"""The messages between the server and its query workers: jobs one way, replies the other.

A job is a small frozen dataclass; a worker answers every job with a :class:`Reply`, the HTTP status,
media type and body to send, so the server only relays bytes. Errors are replies too (4xx/5xx with a
one-line message), never exceptions crossing the process boundary. On the socket both travel as
:mod:`marshal` data of plain tuples (:func:`encode`, :func:`decode`): both ends are the same interpreter,
and that costs a fifth of pickling the dataclasses.

>>> Reply.error(406, "cannot produce text/html").body
b'cannot produce text/html\\n'
>>> decode(encode(SparqlJob.of("ASK {}", format="xml")))
SparqlJob(method='GET', query_string=b'query=ASK+%7B%7D&format=xml', content_type='', body=b'', accept=None)
>>> decode(encode(Reply.error(400, "no")))
Reply(status=400, content_type='text/plain; charset=utf-8', body=b'no\\n', headers=())
"""

from __future__ import annotations

import marshal
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ConceptJob", "Job", "NamedQueryJob", "PageJob", "Reply", "SparqlJob", "decode", "encode"]


@dataclass(frozen=True)
class Reply:
    """What to answer: status, ``Content-Type`` and body (plus extra headers, e.g. ``Vary``)."""

    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def error(cls, status: int, message: str) -> Reply:
        """A plain-text error reply (one message, ending in a newline)."""
        return cls(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode("utf-8"))

    @classmethod
    def text(cls, body: str, content_type: str = "text/html; charset=utf-8", status: int = 200) -> Reply:
        return cls(status, content_type, body.encode("utf-8"))


@dataclass(frozen=True)
class SparqlJob:
    """A SPARQL Protocol request as it came: the worker reads it (:mod:`b12kg.web.protocol`), runs the query and
    writes the answer in the negotiated format, so the server's single thread only relays bytes.

    ``method`` is ``GET`` or ``POST``; ``query_string`` the raw bytes after ``?``; ``content_type`` and ``body``
    those of a POST; ``accept`` the ``Accept`` header.
    """

    method: str = "GET"
    query_string: bytes = b""
    content_type: str = ""
    body: bytes = b""
    accept: str | None = None

    @classmethod
    def of(cls, query: str, *, format: str | None = None, accept: str | None = None) -> SparqlJob:
        """The job of ``GET /sparql?query=…[&format=…]``."""
        from urllib.parse import urlencode

        params = {"query": query, **({"format": format} if format else {})}
        return cls("GET", urlencode(params).encode("ascii"), accept=accept)


@dataclass(frozen=True)
class NamedQueryJob:
    """Run a named query (``/queries/<name>?param=…&format=…``; ``query_string`` as it came)."""

    name: str
    query_string: bytes = b""
    accept: str | None = None


@dataclass(frozen=True)
class ConceptJob:
    """Describe the b12kg term ``iri``: a page for a browser, RDF for an RDF client."""

    iri: str
    accept: str | None = None
    format: str | None = None


@dataclass(frozen=True)
class PageJob:
    """Render one of the server's own pages (``query``, ``queries``, ``search``, ``search-index``)."""

    page: str
    args: tuple[tuple[str, str], ...] = field(default_factory=tuple)


Job = SparqlJob | NamedQueryJob | ConceptJob | PageJob


_KINDS: dict[str, type[Any]] = {c.__name__: c for c in (SparqlJob, NamedQueryJob, ConceptJob, PageJob, Reply)}


def encode(message: Job | Reply) -> bytes:
    """A job or reply as bytes for the socket (:mod:`marshal` of its class name and field values)."""
    return marshal.dumps((type(message).__name__, *vars(message).values()))


def decode(data: bytes) -> Any:
    """The job or reply that :func:`encode` wrote."""
    name, *values = marshal.loads(data)
    return _KINDS[name](*values)
