"""Remote endpoints that misbehave: slow, hanging, huge, garbage, wrong types, errors, bad URLs, and graph
stores that refuse. Every case ends with exit 2 (or the typed API error), a message naming the fault and no
traceback, within its time limit; a peer on 127.0.0.1 plays each part."""

from __future__ import annotations

import time

import pytest
from hostile_helpers import assert_clean_failure, closed_port, invoke_b12kg

from b12kg import EndpointError, EndpointTimeoutError, KnowledgeGraph, ParameterError, ResponseTooLargeError

ASK = "ASK { ?s ?p ?o }"
SELECT = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"

#: (peer mode, extra options, what the message must say)
ENDPOINT_FAULTS = [
    ("slow", ["--timeout", "1.5"], ["did not answer completely within 1.5 s", "B12KG_ENDPOINT_TIMEOUT"]),
    pytest.param("hang", ["--timeout", "1.5"], ["did not answer", "1.5 s"], marks=pytest.mark.slow),
    ("huge", ["--max-response", "1M"], ["maximum response size of 1,048,576 bytes", "--max-response"]),
    ("huge-announced", [], ["maximum response size", "announced 1,000,000,000,000 bytes"]),
    ("garbage", [], ["not valid SPARQL results JSON"]),
    ("invalid-json", [], ["not valid SPARQL results JSON"]),
    ("nested", [], ["not valid SPARQL results JSON"]),
    ("list-json", [], ["not SPARQL results (a list"]),
    ("null-json", [], ["not SPARQL results (null"]),
    ("bad-term", [], ["unknown type"]),
    ("bad-vars", [], ['"head.vars"']),
    ("bad-boolean", [], ["not true or false"]),
    ("empty-body", [], ["empty body"]),
    ("html", [], ["web page, not SPARQL results"]),
    ("octet", [], ["content type 'application/octet-stream'"]),
    ("bad-xml", [], ["cannot be read"]),
    ("status-500", [], ["HTTP 500", "server failed", "Server says no"]),
    ("status-404", [], ["HTTP 404", "no SPARQL endpoint at this URL"]),
    ("status-405", [], ["HTTP 405", "--endpoint-method"]),
    ("status-401", [], ["HTTP 401", "credentials"]),
    ("status-403", [], ["HTTP 403", "forbids"]),
    ("status-414", [], ["HTTP 414", "post-form"]),
    ("redirect-loop", [], ["HTTP 302", "redirect"]),
]


@pytest.mark.parametrize(("mode", "options", "mentions"), ENDPOINT_FAULTS)
def test_cli_query_against_a_misbehaving_endpoint(peer: str, mode: str, options: list[str],
                                                  mentions: list[str]) -> None:
    start = time.monotonic()
    run = invoke_b12kg(["query", "-e", SELECT, "--endpoint", f"{peer}/{mode}", *options])
    assert time.monotonic() - start < 10, "the limit did not stop the request"
    assert_clean_failure(run, *mentions)
    assert run.stdout == ""


def test_bad_ntriples_for_a_construct(peer: str) -> None:
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    run = invoke_b12kg(["query", "-e", construct, "--endpoint", f"{peer}/bad-ntriples"])
    assert_clean_failure(run, "RDF that cannot be parsed")


@pytest.mark.parametrize(("url", "mention"), [
    ("http://[::1", "not a valid URL"),
    ("ftp://example.org/sparql", "http:// or https://"),
    ("http://", "with a host"),
    ("http://127.0.0.1:99999/query", "not a valid URL"),
    ("not a url at all", "http:// or https://"),
])
def test_cli_bad_endpoint_url(url: str, mention: str) -> None:
    assert_clean_failure(invoke_b12kg(["query", "-e", ASK, "--endpoint", url]), mention)


def test_cli_closed_port() -> None:
    run = invoke_b12kg(["query", "-e", ASK, "--endpoint", f"http://127.0.0.1:{closed_port()}/query"])
    assert_clean_failure(run, "cannot reach", "refused")


def test_max_response_from_the_environment(peer: str) -> None:
    run = invoke_b12kg(["query", "-e", SELECT, "--endpoint", f"{peer}/huge"], env={"B12KG_MAX_RESPONSE": "64K"})
    assert_clean_failure(run, "65,536 bytes")


@pytest.mark.parametrize(("value", "mention"), [("lots", "not a size"), ("-5M", "positive"), ("0", "positive")])
def test_bad_max_response(peer: str, value: str, mention: str) -> None:
    assert_clean_failure(invoke_b12kg(["query", "-e", SELECT, "--endpoint", f"{peer}/ok", "--max-response", value]),
                         mention)


@pytest.mark.parametrize(("mode", "expected"), [("ok", "b12kg:fatigue"), ("xml", "b12kg:fatigue"),
                                                ("tsv", "b12kg:fatigue")])
def test_every_results_format_is_read(peer: str, mode: str, expected: str) -> None:
    run = invoke_b12kg(["query", "-e", SELECT, "--endpoint", f"{peer}/{mode}", "-f", "tsv"])
    assert run.code == 0, run.stderr
    assert run.stdout == f"s\n{expected}\n"


# -- the protocol forms --------------------------------------------------------------------------------
def test_short_query_goes_as_get_long_as_form_post(peer: str, peer_requests: list[dict[str, object]]) -> None:
    kg = KnowledgeGraph.remote(f"{peer}/ok")
    kg.query(SELECT, with_labels=False)
    long_query = SELECT.replace("LIMIT 1", "FILTER(?s != <urn:x>) " * 250 + "LIMIT 1")
    kg.query(long_query, with_labels=False)
    KnowledgeGraph.remote(f"{peer}/ok", method="post-direct").query(SELECT, with_labels=False)
    KnowledgeGraph.remote(f"{peer}/ok", method="get").query(long_query, with_labels=False)
    forms = [(r["method"], str(r["content_type"]).split(";")[0]) for r in peer_requests]
    assert forms == [("GET", ""), ("POST", "application/x-www-form-urlencoded"),
                     ("POST", "application/sparql-query"), ("GET", "")]
    assert b"query=" in peer_requests[1]["body"]  # type: ignore[operator]
    assert peer_requests[2]["body"] == SELECT.encode()
    assert "query=" in str(peer_requests[0]["path"]) and len(str(peer_requests[3]["path"])) > 4000


def test_default_graph_rides_along_in_every_form(peer: str, peer_requests: list[dict[str, object]]) -> None:
    graph = "https://example.org/g"
    for method in ("get", "post-form", "post-direct"):
        KnowledgeGraph.remote(f"{peer}/ok", default_graph=graph, method=method).query(SELECT, with_labels=False)
    encoded = "default-graph-uri=https%3A%2F%2Fexample.org%2Fg"
    assert encoded in str(peer_requests[0]["path"])
    assert encoded.encode() in peer_requests[1]["body"]  # type: ignore[operator]
    assert encoded in str(peer_requests[2]["path"])


# -- the same faults through the API -----------------------------------------------------------------------
@pytest.mark.parametrize(("mode", "error", "kwargs"), [
    pytest.param("slow", EndpointTimeoutError, {"timeout": 1.5}, marks=pytest.mark.slow),
    ("hang", EndpointTimeoutError, {"timeout": 1.5}),
    ("huge", ResponseTooLargeError, {"max_bytes": "1M"}),
    ("garbage", EndpointError, {}),
    ("list-json", EndpointError, {}),
    ("html", EndpointError, {}),
    ("status-500", EndpointError, {}),
])
def test_api_raises_endpoint_errors(peer: str, mode: str, error: type[Exception], kwargs: dict[str, object]) -> None:
    kg = KnowledgeGraph.remote(f"{peer}/{mode}", **kwargs)  # type: ignore[arg-type]
    start = time.monotonic()
    with pytest.raises(error):
        kg.query(SELECT)
    assert time.monotonic() - start < 10


@pytest.mark.parametrize(("kwargs", "mention"), [
    ({"url": "http://[::1"}, "not a valid URL"),
    ({"url": None}, "must be a string"),
    ({"url": "http://127.0.0.1:1/q", "timeout": "soon"}, "not a number of seconds"),
    ({"url": "http://127.0.0.1:1/q", "timeout": -1}, "positive"),
    ({"url": "http://127.0.0.1:1/q", "method": "carrier-pigeon"}, "unknown request method"),
    ({"url": "http://127.0.0.1:1/q", "default_graph": "not an iri> {"}, "not an absolute IRI"),
])
def test_api_bad_endpoint_arguments(kwargs: dict[str, object], mention: str) -> None:
    from b12kg import B12kgError

    url = kwargs.pop("url")
    with pytest.raises(B12kgError, match=mention):
        KnowledgeGraph.remote(url, **kwargs)  # type: ignore[arg-type]
    assert issubclass(ParameterError, B12kgError)


# -- graph stores that refuse -------------------------------------------------------------------------------
@pytest.mark.parametrize(("mode", "options", "mentions"), [
    ("gsp-no-default", [], ["HTTP 500", "--graph IRI", "default graph"]),
    ("status-404", [], ["HTTP 404", "--store-url", "sparql-graph-crud"]),
    ("status-403", ["--graph", "https://example.org/g"], ["HTTP 403", "write permission"]),
    pytest.param("hang", ["--timeout", "1.5"], ["did not answer", "1.5 s"], marks=pytest.mark.slow),
])
def test_push_to_a_refusing_store(peer: str, mode: str, options: list[str], mentions: list[str], tmp_path) -> None:  # type: ignore[no-untyped-def]
    nt = tmp_path / "a.nt"
    nt.write_text('<https://example.org/a> <https://example.org/b> "c" .\n', encoding="utf-8")
    run = invoke_b12kg(["push", "--endpoint", f"{peer}/query", "--store-url", f"{peer}/{mode}", "--file", str(nt),
                        *options])
    assert_clean_failure(run, *mentions)


def test_push_to_a_store_that_takes_named_graphs_only(peer: str, tmp_path, peer_requests) -> None:  # type: ignore[no-untyped-def]
    nt = tmp_path / "a.nt"
    nt.write_text('<https://example.org/a> <https://example.org/b> "c" .\n', encoding="utf-8")
    run = invoke_b12kg(["push", "--endpoint", f"{peer}/query", "--store-url", f"{peer}/gsp-no-default", "--file",
                        str(nt), "--graph", "https://example.org/g"])
    assert run.code == 0, run.stderr
    assert [(r["method"], r["path"]) for r in peer_requests] == [
        ("PUT", "/gsp-no-default?graph=https%3A%2F%2Fexample.org%2Fg")]
