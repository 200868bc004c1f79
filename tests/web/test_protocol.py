"""Reading SPARQL 1.1 Protocol requests: the three ways to send a query, the dataset parameters and every fault."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from b12kg.web.protocol import ProtocolError, parse_request

Q = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"


def test_get() -> None:
    qs = urlencode([("query", Q), ("default-graph-uri", "urn:a"), ("default-graph-uri", "urn:b"),
                    ("named-graph-uri", "urn:c"), ("format", "csv")]).encode()
    r = parse_request("GET", qs, "", b"")
    assert (r.query, r.default_graphs, r.named_graphs, r.format) == (Q, ("urn:a", "urn:b"), ("urn:c",), "csv")


def test_form_post_takes_the_dataset_from_the_body() -> None:
    body = urlencode([("query", Q), ("default-graph-uri", "urn:a")]).encode()
    r = parse_request("POST", b"format=tsv", "application/x-www-form-urlencoded; charset=UTF-8", body)
    assert (r.query, r.default_graphs, r.format) == (Q, ("urn:a",), "tsv")


def test_direct_post_takes_the_dataset_from_the_url() -> None:
    r = parse_request("POST", b"named-graph-uri=urn%3Ag", "application/sparql-query", Q.encode())
    assert (r.query, r.named_graphs) == (Q, ("urn:g",))


def test_direct_post_in_another_charset() -> None:
    text = 'SELECT * WHERE { ?s ?p "Café" }'
    r = parse_request("POST", b"", "application/sparql-query; charset=ISO-8859-1", text.encode("latin-1"))
    assert r.query == text


@pytest.mark.parametrize(("method", "qs", "ctype", "body", "status", "words"), [
    ("GET", b"", "", b"", 400, "no query"),
    ("GET", b"query=", "", b"", 400, "no query"),
    ("GET", b"query=ASK%7B%7D&query=ASK%7B%7D", "", b"", 400, "2 'query' parameters"),
    ("GET", b"update=DROP%20ALL", "", b"", 400, "read-only"),
    ("POST", b"", "application/x-www-form-urlencoded", b"update=DROP%20ALL", 400, "read-only"),
    ("POST", b"", "application/sparql-update", b"DROP ALL", 400, "read-only"),
    ("POST", b"", "application/xml", b"<q/>", 415, "unsupported Content-Type 'application/xml'"),
    ("POST", b"", "", b"ASK {}", 415, "unsupported Content-Type 'none'"),
    ("GET", b"query=SELECT%FF%FE", "", b"", 400, "not valid UTF-8"),
    ("POST", b"", "application/sparql-query", b"SELECT \xff {}", 400, "not valid UTF-8"),
    ("POST", b"", "application/sparql-query; charset=klingon", b"ASK {}", 400, "unknown charset"),
    ("POST", b"", "application/x-www-form-urlencoded", b"query=%C3%28", 400, "not valid UTF-8"),
])
def test_faults(method: str, qs: bytes, ctype: str, body: bytes, status: int, words: str) -> None:
    with pytest.raises(ProtocolError) as e:
        parse_request(method, qs, ctype, body)
    assert e.value.status == status and words in e.value.message
