"""The SPARQL 1.1 Protocol, read side: what a request asks for, and its limits.

Three ways to send a query (SPARQL 1.1 Protocol §2.1): ``GET /sparql?query=…``, a form-encoded POST
(``query=…`` in the body) and a direct POST (``Content-Type: application/sparql-query``, the query as
the body). ``default-graph-uri`` and ``named-graph-uri`` may repeat; ``format`` names the answer's
format. Every fault is a :class:`ProtocolError` with the HTTP status and a one-line message: an update
(400, the endpoint is read-only), a body or URL over the limit (413, 414), bytes that are not UTF-8
(400), an unknown content type (415), no query or two (400).

The server reads only the body (:func:`read_body`, which enforces the limit); a worker parses the rest
(:func:`parse_request`), so the parsing runs beside the server's thread, not in it.

>>> parse_query_string(b"query=ASK%20%7B%7D&default-graph-uri=urn%3Ag")
[('query', 'ASK {}'), ('default-graph-uri', 'urn:g')]
>>> parse_request("GET", b"query=ASK%7B%7D&format=xml", "", b"").format
'xml'
>>> parse_request("POST", b"", "application/sparql-update", b"DROP ALL")
Traceback (most recent call last):
...
b12kg.web.protocol.ProtocolError: this endpoint is read-only: SPARQL updates are refused
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

__all__ = ["ProtocolError", "QueryRequest", "parse_query_string", "parse_request", "read_body"]

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
READ_ONLY = "this endpoint is read-only: SPARQL updates are refused"


class ProtocolError(Exception):
    """A request the protocol (or this server's limits) cannot accept: ``status`` and a message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class QueryRequest:
    """What a protocol request asks: the query, the wanted format, and the dataset (graph IRIs)."""

    query: str
    format: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


def parse_query_string(raw: bytes) -> list[tuple[str, str]]:
    """The ``name=value`` pairs of a query string or form body, decoded strictly as UTF-8."""
    try:
        return parse_qsl(raw.decode("utf-8"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise ProtocolError(400, "the request's parameters are not valid UTF-8 "
                                 "(percent-encode the query as UTF-8)") from None
    except ValueError as e:
        raise ProtocolError(400, f"the request's parameters cannot be read: {e}") from None


def _one(params: Sequence[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in params if k == name]
    if len(values) > 1:
        raise ProtocolError(400, f"the request has {len(values)} '{name}' parameters; send one")
    return values[0] if values else None


def _charset(content_type: str) -> str:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip('"').lower() or "utf-8"
    return "utf-8"


def parse_request(method: str, query_string: bytes, content_type: str, body: bytes) -> QueryRequest:
    """What a GET, form POST or direct POST asks (or a :class:`ProtocolError`)."""
    url = parse_query_string(query_string)
    params, graph_params = url, url
    query: str | None = None
    if method == "POST":
        media = content_type.split(";")[0].strip().lower()
        if media == UPDATE:
            raise ProtocolError(400, READ_ONLY)
        if media == FORM:
            params = parse_query_string(body)
            graph_params = [*params, *url]
        elif media == QUERY:
            charset = _charset(content_type)
            try:
                query = body.decode(charset)
            except LookupError:
                raise ProtocolError(400, f"unknown charset {charset!r} in Content-Type") from None
            except UnicodeDecodeError:
                raise ProtocolError(400, f"the query is not valid {charset.upper()} text") from None
        else:
            raise ProtocolError(415, f"unsupported Content-Type {media or 'none'!r}: POST a query as {QUERY} "
                                     f"or as {FORM} with a 'query' field")
    if any(k == "update" for k, _ in params):
        raise ProtocolError(400, READ_ONLY)
    if query is None:
        query = _one(params, "query")
    if query is None or not query.strip():
        raise ProtocolError(400, "no query: send one as 'query' (GET or form POST) or as the body of a POST "
                                 f"with Content-Type {QUERY}")
    return QueryRequest(
        query=query,
        format=_one(params, "format") or (_one(url, "format") if params is not url else None),
        default_graphs=tuple(v for k, v in graph_params if k == "default-graph-uri"),
        named_graphs=tuple(v for k, v in graph_params if k == "named-graph-uri"),
    )


async def read_body(receive: Callable[[], Awaitable[dict[str, Any]]], limit: int, declared: str = "") -> bytes:
    """The body of an ASGI request, refused with 413 as soon as it passes ``limit`` bytes.

    ``declared`` is the ``Content-Length`` header, if any: a body announced too large is refused unread.
    """
    if declared.strip().isdigit() and int(declared) > limit:
        raise ProtocolError(413, f"the request body is {int(declared)} bytes; this server accepts at most {limit} "
                                 "(--max-body)")
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ProtocolError(400, "the client went away before sending the whole body")
        body += message.get("body", b"")
        if len(body) > limit:
            raise ProtocolError(413, f"the request body is larger than this server's limit of {limit} bytes "
                                     "(--max-body)")
        if not message.get("more_body", False):
            return bytes(body)
