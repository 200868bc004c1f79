"""Counts of what a graph holds: triples, classes, properties, individuals, curated edges, provenance."""

from __future__ import annotations

from ..store.sources import GRAPHS
from .lookup import Execute

__all__ = ["graph_stats"]


def graph_stats(execute: Execute) -> dict[str, int]:
    """Counts of triples, classes, properties, individuals, curated edges and provenance records.

    Everything counts asserted triples (what an export writes); ``inferred_triples`` counts the
    OWL RL closure in the ``inferred`` graph.
    """
    asserted = f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{GRAPHS['inferred']}>)"
    q = """
    SELECT
      (COUNT(*) AS ?triples)
      (COUNT(DISTINCT IF(?p = rdf:type && ?o = owl:Class && isIRI(?s)
                             && STRSTARTS(STR(?s), STR(b12kg:)), ?s, ?none)) AS ?classes)
      (COUNT(DISTINCT IF(?p = rdf:type && ?o = owl:ObjectProperty
                             && STRSTARTS(STR(?s), STR(b12kg:)), ?s, ?none)) AS ?object_properties)
      (COUNT(DISTINCT IF(?p = rdf:type && ?o = owl:DatatypeProperty
                             && STRSTARTS(STR(?s), STR(b12kg:)), ?s, ?none)) AS ?data_properties)
      (COUNT(DISTINCT IF(?p = rdf:type && ?o = owl:NamedIndividual, ?s, ?none)) AS ?individuals)
      (COUNT(DISTINCT IF(?p = rdf:type && ?o = owl:Axiom, ?s, ?none)) AS ?provenance_records)
    WHERE { ASSERTED }""".replace("ASSERTED", asserted)
    row = next(iter(execute(q, {}, "the statistics")))
    out = {k: int(v.value) if v else 0 for k, v in row.items()}
    edges = execute(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ {asserted} ?p a owl:ObjectProperty . "
        "?s a owl:NamedIndividual . ?o a owl:NamedIndividual . "
        "FILTER NOT EXISTS { ?s a b12kg:ComparisonEntry } "
        "FILTER NOT EXISTS { ?s a b12kg:SourceDocument } }", {}, "the statistics")
    out["curated_edges"] = int(edges.rows[0][0].value) if edges.rows and edges.rows[0][0] else 0
    count_inferred = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPHS['inferred']}> {{ ?s ?p ?o }} }}"
    inferred = execute(count_inferred, {}, "the statistics").rows
    out["inferred_triples"] = int(inferred[0][0].value) if inferred and inferred[0][0] else 0
    return out
