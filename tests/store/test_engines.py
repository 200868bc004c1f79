"""Oxigraph and rdflib backends give the same answers to every named query; the OWL RL closure goes into the
``inferred`` named graph without duplicating asserted triples; result canonicalisation."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from b12kg import KnowledgeGraph, QueryResult, Term
from b12kg.core.errors import ParameterError, QuerySyntaxError
from b12kg.core.sparql import missing_prologue
from b12kg.store import closure
from b12kg.store.dataset import add_inferred as _add_inferred
from b12kg.store.engines import canonical_rows, oxigraph_query
from b12kg.store.sources import GRAPHS

B = "https://w3id.org/b12kg/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"


def test_every_named_query_agrees_on_oxigraph_and_rdflib(kg: KnowledgeGraph) -> None:
    names = kg.catalog.names()
    assert names, "the catalog has queries"
    for q in kg.catalog:
        ox_result = kg.query(q, backend="oxigraph")
        rdf_result = kg.query(q, backend="rdflib")
        assert ox_result.variables == rdf_result.variables, q.name
        assert canonical_rows(ox_result) == canonical_rows(rdf_result), q.name


def test_parameters_bind_alike_on_both_backends(kg: KnowledgeGraph) -> None:
    q = "SELECT ?l WHERE { ?s rdfs:label ?l }"
    for backend in ("oxigraph", "rdflib"):
        r = kg.query(q, {"s": "b12kg:vitamin_b12"}, backend=backend)  # type: ignore[arg-type]
        assert r.column("l") == ["vitamin B12"]
        # an injection attempt stays one string literal
        r = kg.query("SELECT ?s WHERE { ?s rdfs:label ?l }", {"l": 'x" } ; DROP ALL ; #'},
                     backend=backend)  # type: ignore[arg-type]
        assert len(r) == 0


def test_unknown_backend_and_missing_endpoint(kg: KnowledgeGraph) -> None:
    with pytest.raises(ParameterError, match="unknown backend"):
        kg.query("ASK {}", backend="fuseki")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="needs an endpoint"):
        kg.query("ASK {}", backend="remote")


def test_syntax_errors_are_typed(kg: KnowledgeGraph) -> None:
    for backend in ("oxigraph", "rdflib"):
        with pytest.raises(QuerySyntaxError):
            kg.query("SELECT WHERE {", backend=backend)  # type: ignore[arg-type]


def test_add_inferred_skips_asserted_and_blank_nodes() -> None:
    store = ox.Store()
    a, b = ox.NamedNode(B + "a"), ox.NamedNode(B + "b")
    sub = ox.NamedNode(RDFS + "subClassOf")
    store.add(ox.Quad(a, sub, b, ox.NamedNode(GRAPHS["ontology"])))
    closure = (f"<{B}a> <{RDFS}subClassOf> <{B}b> .\n"  # asserted already
               f"<{B}a> <{RDFS}subClassOf> <{B}a> .\n"  # new
               f"_:x <{RDFS}subClassOf> <{B}b> .\n")  # blank node: left out
    assert _add_inferred(store, closure) == 1
    inferred = list(store.quads_for_pattern(None, None, None, ox.NamedNode(GRAPHS["inferred"])))
    assert [(q.subject.value, q.object.value) for q in inferred] == [(B + "a", B + "a")]
    # the union default graph now holds each triple once
    r = oxigraph_query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {}, "count")
    assert r.rows[0][0] == Term.literal("2", XSD + "integer")


def test_closure_goes_into_inferred_graph_and_is_switchable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ttl = tmp_path / "t.ttl"
    ttl.write_text(f"<{B}x> a <{B}Child> . <{B}Child> <{RDFS}subClassOf> <{B}Parent> .\n", encoding="utf-8")
    calls: list[list[str]] = []

    def owlrl_closure_ntriples(store: ox.Store) -> str:
        calls.append(sorted(str(g) for g in store.named_graphs()))
        return (f"<{B}x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{B}Parent> .\n"
                f"<{B}x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{B}Child> .\n")

    monkeypatch.setattr(closure, "owlrl_closure_ntriples", owlrl_closure_ntriples)
    from b12kg.store.sources import Source

    on = KnowledgeGraph([Source(ttl, "data")], inferred=True)
    off = KnowledgeGraph([Source(ttl, "data")], inferred=False)
    ask = f"ASK {{ <{B}x> a <{B}Parent> }}"
    assert on.query(ask).boolean is True and off.query(ask).boolean is False
    assert on.query(ask, backend="rdflib").boolean is True
    assert calls == [[f"<{GRAPHS['data']}>"]]  # the reasoner sees the asserted graph only
    inferred = list(on.store.quads_for_pattern(None, None, None, ox.NamedNode(GRAPHS["inferred"])))
    assert len(inferred) == 1
    # exports and validation see the asserted graph; the rdflib backend sees what Oxigraph sees
    assert len(on.rdflib_graph()) == 2 and len(on.rdflib_graph(inferred=True)) == 3


def test_canonical_rows() -> None:
    a = QueryResult(["x", "n"], [(Term("bnode", "b1"), Term.literal("1.0", XSD + "decimal")),
                                 (Term.iri(B + "a"), Term.literal("2", XSD + "integer"))])
    b = QueryResult(["x", "n"], [(Term.iri(B + "a"), Term.literal("2", XSD + "integer")),
                                 (Term("bnode", "other"), Term.literal("1", XSD + "decimal"))])
    assert canonical_rows(a) == canonical_rows(b)
    assert canonical_rows(a, ordered=True) != canonical_rows(b, ordered=True)
    c = QueryResult(["x", "n"], [(Term.iri(B + "a"), Term.literal("2", language="en"))])
    plain = QueryResult(["x", "n"], [(Term.iri(B + "a"), Term.literal("2"))])
    assert canonical_rows(c) != canonical_rows(plain)
    assert canonical_rows(QueryResult([], [], boolean=True)) == [(True,)]


def test_missing_prologue_only_adds_undeclared_prefixes() -> None:
    text = "PREFIX b12kg: <https://example.org/other/>\nSELECT * WHERE { ?s rdfs:label b12kg:x ; skos:x ?o }"
    prologue = missing_prologue(text)
    assert "PREFIX b12kg:" not in prologue  # declared by the query itself
    assert prologue == ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n")  # used, so added; no others
    assert missing_prologue("ASK { ?s ?p 'a:b' }") == ""
