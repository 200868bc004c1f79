"""A query worker's engine, in-process: every answer format read back by a parser, refusals, limits, pages."""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest

from b12kg import KnowledgeGraph
from b12kg.core.terms import Term
from b12kg.store.sources import GRAPHS
from b12kg.web.jobs import ConceptJob, NamedQueryJob, PageJob, Reply, SparqlJob
from b12kg.web.worker import Engine, WorkerSettings

B = "https://w3id.org/b12kg/"
SYMPTOMS = f"SELECT ?s ?l WHERE {{ <{B}vitamin_b12_deficiency> b12kg:hasSymptom ?s . ?s rdfs:label ?l }}"
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"


def run(engine: Engine, query: str, **kw: str) -> Reply:
    return engine.run(SparqlJob.of(query, **kw))


def expected_rows(kg: KnowledgeGraph, query: str) -> set[tuple[str, ...]]:
    return {tuple(t.value if t else "" for t in row) for row in kg.query(query).rows}


def test_select_in_every_results_format(engine: Engine, kg: KnowledgeGraph) -> None:
    want = expected_rows(kg, SYMPTOMS)
    assert len(want) > 10
    r = run(engine, SYMPTOMS)  # default: JSON
    assert (r.status, r.content_type) == (200, "application/sparql-results+json; charset=utf-8")
    data = json.loads(r.body)
    assert {(b["s"]["value"], b["l"]["value"]) for b in data["results"]["bindings"]} == want

    r = run(engine, SYMPTOMS, accept="application/sparql-results+xml")
    assert r.content_type.startswith("application/sparql-results+xml")
    root = ET.fromstring(r.body)
    got = set()
    for result in root.iter(f"{RESULTS_NS}result"):
        cells = {b.get("name"): (b[0].text or "") for b in result.iter(f"{RESULTS_NS}binding")}
        got.add((cells["s"], cells["l"]))
    assert got == want

    r = run(engine, SYMPTOMS, format="csv")
    assert r.content_type.startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.body.decode())))
    assert rows[0] == ["s", "l"] and set(map(tuple, rows[1:])) == want

    r = run(engine, SYMPTOMS, accept="text/tab-separated-values")
    lines = r.body.decode().splitlines()
    assert lines[0] == "?s\t?l" and len(lines) == len(want) + 1
    assert f"<{B}muscle_spasm>\t\"muscle spasm\"@en" in lines


def test_ask(engine: Engine) -> None:
    assert json.loads(run(engine, "ASK { b12kg:muscle_spasm a ?t }").body)["boolean"] is True
    root = ET.fromstring(run(engine, "ASK { b12kg:nothing_here ?p ?o }", format="xml").body)
    assert root.find(f"{RESULTS_NS}boolean").text == "false"  # type: ignore[union-attr]


@pytest.mark.parametrize(("fmt", "media", "parse"), [
    ("turtle", "text/turtle", ox.RdfFormat.TURTLE),
    ("nt", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("jsonld", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("rdfxml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
])
def test_construct_in_every_graph_format(engine: Engine, kg: KnowledgeGraph, fmt: str, media: str,
                                          parse: ox.RdfFormat) -> None:
    q = f"CONSTRUCT {{ ?s rdfs:label ?l }} WHERE {{ <{B}vitamin_b12_deficiency> b12kg:hasSymptom ?s . " \
        "?s rdfs:label ?l }"
    r = run(engine, q, format=fmt)
    assert r.status == 200 and r.content_type.startswith(media)
    got = {(t.subject.value, t.object.value) for t in ox.parse(r.body, format=parse)}
    assert got == expected_rows(kg, SYMPTOMS)
    same = run(engine, q, accept=media)
    assert same.body == r.body


def test_describe(engine: Engine) -> None:
    r = run(engine, "DESCRIBE b12kg:muscle_spasm")
    triples = list(ox.parse(r.body, format=ox.RdfFormat.TURTLE))
    assert any(t.predicate.value.endswith("#label") and t.object.value == "muscle spasm" for t in triples)


def test_not_acceptable(engine: Engine) -> None:
    r = run(engine, SYMPTOMS, accept="image/png")
    assert r.status == 406 and b"application/sparql-results+json" in r.body
    r = run(engine, "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", format="csv")
    assert r.status == 406 and b"turtle" in r.body
    assert run(engine, SYMPTOMS, format="excel").status == 400


def test_syntax_error_names_line_and_column(engine: Engine) -> None:
    r = run(engine, "SELECT ?x WHERE {\n  ?x a\n}")
    text = r.body.decode()
    assert r.status == 400
    assert text.startswith("SPARQL syntax error at line 3, column "), text  # Oxigraph's position
    assert "    3 | }" in text and text.rstrip().endswith("^")


@pytest.mark.parametrize("query", ["INSERT DATA { <a:b> <a:c> <a:d> }", "DROP ALL", "LOAD <http://example.org/x>",
                                   "PREFIX a: <http://a/> DELETE WHERE { ?s ?p ?o }"])
def test_updates_are_refused(engine: Engine, query: str) -> None:
    r = run(engine, query)
    assert r.status == 400 and b"read-only" in r.body


def test_service_is_refused_without_calling_anyone(engine: Engine) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.3)
    port = listener.getsockname()[1]
    called: list[bool] = []

    def accept() -> None:
        try:
            listener.accept()
            called.append(True)
        except OSError:
            pass

    t = threading.Thread(target=accept)
    t.start()
    r = run(engine, f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}")
    t.join()
    listener.close()
    assert r.status == 400 and b"SERVICE is refused" in r.body
    assert called == []


def test_result_size_limit(nquads: Path) -> None:
    small = Engine(WorkerSettings(nquads, max_result_bytes=2000))
    r = small.run(SparqlJob.of("SELECT * WHERE { ?s ?p ?o }"))
    assert r.status == 400 and b"larger than this server's limit" in r.body and b"LIMIT" in r.body
    assert small.run(SparqlJob.of("SELECT * WHERE { ?s ?p ?o } LIMIT 2")).status == 200


def test_dataset_parameters(engine: Engine) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def n(qs: list[tuple[str, str]]) -> int:
        r = engine.run(SparqlJob("GET", urlencode([("query", count), *qs]).encode()))
        assert r.status == 200, r.body
        return int(json.loads(r.body)["results"]["bindings"][0]["n"]["value"])

    union = n([])
    ontology = n([("default-graph-uri", GRAPHS["ontology"])])
    both = n([("default-graph-uri", GRAPHS["ontology"]), ("default-graph-uri", GRAPHS["data"])])
    assert 0 < ontology < both < union
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = engine.run(SparqlJob("GET", urlencode([("query", graphs), ("named-graph-uri", GRAPHS["data"])]).encode()))
    assert [b["g"]["value"] for b in json.loads(r.body)["results"]["bindings"]] == [GRAPHS["data"]]
    bad = engine.run(SparqlJob("GET", urlencode([("query", count), ("default-graph-uri", "not an iri")]).encode()))
    assert bad.status == 400 and b"not an IRI" in bad.body


def test_every_named_query_answers_as_the_api_does(engine: Engine, kg: KnowledgeGraph) -> None:
    for q in kg.catalog:
        r = engine.run(NamedQueryJob(q.name, accept="application/sparql-results+json"))
        assert r.status == 200, (q.name, r.body)
        data = json.loads(r.body)
        got = sorted(tuple(b.get(v, {}).get("value", "") for v in data["head"]["vars"])
                     for b in data["results"]["bindings"])
        want = sorted(tuple(t.value if t else "" for t in row) for row in kg.run(q.name).rows)
        assert got == want, q.name


def test_named_query_parameters_and_bound_text(engine: Engine, kg: KnowledgeGraph) -> None:
    qs = urlencode({"concept": "muscle spasm", "format": "csv"}).encode()
    r = engine.run(NamedQueryJob("about-concept", qs))
    assert r.status == 200 and b"involuntary contraction" in r.body
    text = engine.run(NamedQueryJob("about-concept", urlencode({"concept": "muscle spasm", "format": "sparql"})
                                    .encode())).body.decode()
    assert f"VALUES (?concept) {{ (<{B}muscle_spasm>) }}" in text
    assert expected_rows(kg, text) == {tuple(t.value if t else "" for t in row)
                                       for row in kg.run("about-concept", {"concept": "muscle spasm"}).rows}


@pytest.mark.parametrize(("name", "qs", "status", "words"), [
    ("no-such-query", b"", 404, b"no query named 'no-such-query'"),
    ("symptom-by-kind", b"", 404, b"Did you mean: symptoms-by-kind"),
    ("about-concept", b"nope=1", 400, b"unknown parameter 'nope'"),
    ("about-concept", b"concept=a&concept=b", 400, b"more than once"),
    ("about-concept", b"concept=no%20such%20thing", 400, b"no concept is called"),
    ("symptoms-by-kind", b"format=html", 200, b"<table class=\"results\">"),
])
def test_named_query_faults_and_page(engine: Engine, name: str, qs: bytes, status: int, words: bytes) -> None:
    r = engine.run(NamedQueryJob(name, qs))
    assert r.status == status and words in r.body, r.body[:300]


def test_concept_page_and_description(engine: Engine) -> None:
    html = engine.run(ConceptJob(B + "muscle_spasm", "text/html"))
    assert html.status == 200 and b"<h1>muscle spasm" in html.body and b"Not medical advice" in html.body
    ttl = engine.run(ConceptJob(B + "muscle_spasm", "text/turtle"))
    assert ttl.content_type.startswith("text/turtle")
    g = [q.triple for q in ox.parse(ttl.body, format=ox.RdfFormat.TURTLE)]
    me = ox.NamedNode(B + "muscle_spasm")
    assert ox.Triple(me, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                     ox.Literal("muscle spasm", language="en")) in g
    assert any(t.predicate.value == B + "claim" for t in g)  # the evidence of its curated edges
    assert any(t.object == me and t.subject != me for t in g)  # statements pointing at it
    jsonld = engine.run(ConceptJob(B + "muscle_spasm", None, "jsonld"))
    assert len(list(ox.parse(jsonld.body, format=ox.RdfFormat.JSON_LD))) == len(g)


def test_unknown_concept(engine: Engine) -> None:
    page = engine.run(ConceptJob(B + "muscle_spasmz", "text/html"))
    assert page.status == 404 and b"muscle spasm" in page.body  # a suggestion
    assert engine.run(ConceptJob(B + "nothing", "text/turtle")).status == 404
    assert engine.run(ConceptJob(B + "bad>iri", "text/turtle")).status == 404


def test_pages(engine: Engine) -> None:
    home = engine.run(PageJob("home"))
    assert home.status == 200 and b"symptoms-by-kind" in home.body and b"yasqe.min.js" in home.body
    hits = engine.run(PageJob("search", (("q", "pins and needles"),)))
    assert b"paraesthesia" in hits.body
    index = engine.run(PageJob("search-index")).body.decode()
    terms = json.loads(index.removeprefix("window.B12KG_TERMS = ").rstrip().rstrip(";"))
    spasm = next(t for t in terms if t["n"] == "muscle_spasm")
    assert (spasm["l"], spasm["c"], spasm["k"]) == ("muscle spasm", "b12kg:muscle_spasm", "concept")


def test_term_of_a_literal_value_is_not_an_iri() -> None:
    assert Term.literal("x").n3() == '"x"'
