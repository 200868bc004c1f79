"""Updates and SERVICE are found before anything runs, wherever the grammar lets them hide, and only there."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from b12kg.web.screen import screen

SERVICE_QUERIES = [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "select * { service silent <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } VALUES ?endpoint { <http://example.org/> } }",
    "PREFIX ex: <http://example.org/>\nSELECT * WHERE { ?x ex:p ?y . SERVICE<http://example.org/>{?s ?p ?o} }",
    "SELECT * WHERE { ?s ?p \"x\" . SeRvIcE <http://example.org/> { ?s ?p ?o } }",
    # a \\u escape spelling the keyword (the grammar allows escapes anywhere; some engines decode them)
    "SELECT * WHERE { \\u0053ERVICE <http://example.org/> { ?s ?p ?o } }",
    "SELECT * WHERE { \"\"\"a\"\"\" ?p ?o . SERVICE <http://example.org/> { ?s ?p ?o } }",
]

NOT_SERVICE = [
    "SELECT ?service WHERE { ?service a ?t }",
    'SELECT * WHERE { ?s ?p "SERVICE <http://example.org/> { }" }',
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://example.org/> { ?s ?p ?o }",
    "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
    "PREFIX service: <http://example.org/>\nSELECT * WHERE { ?s service:x ?o }",
    "PREFIX ex: <http://example.org/>\nSELECT * WHERE { ?s ex:service ?o . ?s ex:a.SERVICE ?o }",
    "SELECT * WHERE { ?s ?p 'it''s not a SERVICE' }",
    "SELECT * WHERE { ?s ?p '''multi\nline SERVICE''' }",
    'SELECT * WHERE { ?s ?p "x"@service }',
    "SELECT * WHERE { _:service ?p ?o }",
]


@pytest.mark.parametrize("query", SERVICE_QUERIES)
def test_service_is_found(query: str) -> None:
    assert screen(query).service


@pytest.mark.parametrize("query", NOT_SERVICE)
def test_service_elsewhere_is_not_a_service_clause(query: str) -> None:
    assert not screen(query).service


def test_the_service_queries_do_reach_the_network_in_oxigraph() -> None:
    """Why SERVICE is screened: Oxigraph would call the endpoint (here a closed local port)."""
    with pytest.raises(OSError):
        list(ox.Store().query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"))


@pytest.mark.parametrize(("query", "form"), [
    ("INSERT DATA { <a:b> <a:c> <a:d> }", "INSERT"),
    ("PREFIX x: <http://x/>\nDELETE WHERE { ?s ?p ?o }", "DELETE"),
    ("BASE <http://x/> LOAD <http://example.org/data.ttl>", "LOAD"),
    ("drop all", "DROP"),
    ("CLEAR DEFAULT", "CLEAR"),
    ("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH"),
    ("# a comment\nCOPY DEFAULT TO <http://g>", "COPY"),
    ("\\u0049NSERT DATA { <a:b> <a:c> <a:d> }", "INSERT"),
])
def test_updates_are_found(query: str, form: str) -> None:
    s = screen(query)
    assert s.is_update and s.form == form


@pytest.mark.parametrize(("query", "form"), [
    ("PREFIX insert: <http://x/>\nSELECT * WHERE { ?s insert:p ?o }", "SELECT"),
    ("# INSERT DATA\nASK {}", "ASK"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("describe <http://x/>", "DESCRIBE"),
])
def test_queries_are_not_updates(query: str, form: str) -> None:
    s = screen(query)
    assert s.form == form and not s.is_update
