"""The SPARQL 1.1 service description of the endpoint (``GET /sparql`` without a query).

It says what the endpoint supports (SPARQL 1.1 Query, the union default graph, the result formats) and
describes its dataset: the default graph (the union of the named graphs) and each named graph with its
number of triples (``void:triples``).

>>> ttl = service_description("http://127.0.0.1:7878/sparql", {"https://w3id.org/b12kg/graph/data": 10})
>>> b"sd:SPARQL11Query" in ttl and b"void:triples 10" in ttl
True
"""

from __future__ import annotations

__all__ = ["service_description"]

_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV", "Turtle",
            "N-Triples", "JSON-LD", "RDF_XML")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def service_description(endpoint: str, graphs: dict[str, int], fmt: str = "turtle") -> bytes:
    """The description of ``endpoint`` serving ``graphs`` (named graph IRI -> triples) in ``fmt``."""
    named = "".join(
        f"""  sd:namedGraph [ a sd:NamedGraph ; sd:name <{g}> ;
                   sd:graph [ a sd:Graph ; void:triples {n} ] ] ;
""" for g, n in sorted(graphs.items()))
    ttl = f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix formats: <http://www.w3.org/ns/formats/> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<{endpoint}> a sd:Service ;
  sd:endpoint <{endpoint}> ;
  sd:supportedLanguage sd:SPARQL11Query ;
  sd:feature sd:UnionDefaultGraph ;
  sd:resultFormat {", ".join("formats:" + f for f in _FORMATS)} ;
  dcterms:title "b12kg: vitamin B12, nerve function and muscle spasms" ;
  dcterms:description "{_escape("A read-only SPARQL endpoint over the b12kg knowledge graph. Not medical advice.")}" ;
  sd:defaultDataset [
    a sd:Dataset ;
    sd:defaultGraph [ a sd:Graph ; void:triples {sum(graphs.values())} ] ;
{named}  ] .
"""
    if fmt == "turtle":
        return ttl.encode("utf-8")
    import pyoxigraph as ox

    target = {"ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
              "rdfxml": ox.RdfFormat.RDF_XML}[fmt]
    out = ox.serialize(ox.parse(ttl, format=ox.RdfFormat.TURTLE), format=target)
    assert out is not None
    return out
