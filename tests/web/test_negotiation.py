"""Content negotiation: Accept with qualities and wildcards, the format parameter, 406 and 400."""

from __future__ import annotations

import pytest

from b12kg.web.negotiation import NotAcceptable, UnknownFormat, choose, parse_accept


@pytest.mark.parametrize(("family", "accept", "name"), [
    ("results", None, "json"),
    ("results", "", "json"),
    ("results", "*/*", "json"),
    ("results", "application/sparql-results+xml", "xml"),
    ("results", "application/json", "json"),
    ("results", "text/*", "csv"),
    ("results", "text/tab-separated-values, text/csv;q=0.5", "tsv"),
    ("results", "application/sparql-results+json;q=0.1, text/csv;q=0.9", "csv"),
    # SPARQLWrapper's and rdflib SPARQLStore's headers
    ("results", "application/sparql-results+json,application/json,text/javascript,application/javascript", "json"),
    ("results", "application/sparql-results+xml", "xml"),
    ("graph", None, "turtle"),
    ("graph", "application/rdf+xml", "rdfxml"),
    ("graph", "application/ld+json", "jsonld"),
    ("graph", "application/n-triples", "ntriples"),
    ("graph", "text/turtle;q=0.5, application/n-triples", "ntriples"),
    ("page", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),
    ("page", "text/turtle", "turtle"),
    ("page", "*/*", "html"),
    ("named", "*/*", "json"),
    ("named", "text/html,*/*;q=0.8", "html"),
])
def test_accept(family: str, accept: str | None, name: str) -> None:
    assert choose(family, accept).name == name


@pytest.mark.parametrize(("family", "fmt", "name"), [
    ("results", "csv", "csv"), ("results", "TSV", "tsv"), ("results", "application/sparql-results+xml", "xml"),
    ("graph", "ttl", "turtle"), ("graph", "json", "jsonld"), ("graph", "xml", "rdfxml"), ("graph", "nt", "ntriples"),
    ("page", "jsonld", "jsonld"), ("named", "sparql", "sparql"),
])
def test_format_parameter_wins(family: str, fmt: str, name: str) -> None:
    assert choose(family, "text/html", fmt).name == name


def test_not_acceptable_lists_what_can_be_produced() -> None:
    with pytest.raises(NotAcceptable, match="application/sparql-results\\+json"):
        choose("results", "image/png")
    with pytest.raises(NotAcceptable, match="turtle"):
        choose("graph", None, "csv")
    with pytest.raises(NotAcceptable):
        choose("results", "application/sparql-results+json;q=0, text/html")


def test_unknown_format_lists_the_choices() -> None:
    with pytest.raises(UnknownFormat, match=r"choose one of:.*csv"):
        choose("results", None, "excel")


def test_parse_accept_orders_by_quality_then_position() -> None:
    assert parse_accept("a/b;q=0.5, c/d, e/f;q=bad, *") == [("c/d", 1.0), ("*/*", 1.0), ("a/b", 0.5), ("e/f", 0.0)]
