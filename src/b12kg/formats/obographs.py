"""OBO Graphs JSON export (https://github.com/geneontology/obographs), written directly from the spec.

One graph (``graphs[0]``) whose ``id`` is the ontology IRI, with:

* ``nodes``: every named class (``CLASS``), named individual (``INDIVIDUAL``) and declared property
  (``PROPERTY`` with ``propertyType`` OBJECT/DATA/ANNOTATION) of the asserted graph, ``id`` the full
  IRI, ``lbl`` the English label, ``meta`` with ``definition`` (``skos:definition`` or IAO:0000115),
  ``synonyms`` (``hasExactSynonym``/``hasRelatedSynonym``/…), ``xrefs`` (SKOS exact/close matches,
  ``oboInOwl:hasDbXref``, as CURIEs) and ``basicPropertyValues`` for the Biolink category/predicate;
* ``edges``: ``is_a`` (named ``rdfs:subClassOf``), ``C R D`` for ``C SubClassOf R some D``, ``type``
  (individual → asserted class), ``subPropertyOf``, ``inverseOf``, and every object-property
  statement between two individuals (``pred`` = the property IRI);
* ``equivalentNodesSets`` for named ``owl:equivalentClass`` groups, ``logicalDefinitionAxioms`` for
  equivalent-class definitions that are an intersection of named classes and ``some`` restrictions
  with a named filler (others, e.g. with ``owl:hasValue`` or nested restrictions, cannot be written in
  OBO Graphs and are left out), ``domainRangeAxioms`` for named domains and ranges.

Lists are sorted, so the output is the same on every run.

>>> from b12kg import KnowledgeGraph
>>> doc = obograph(KnowledgeGraph.bundled())
>>> node = next(n for n in doc["graphs"][0]["nodes"] if n["id"] == "https://w3id.org/b12kg/vitamin_b12")
>>> node["lbl"], node["type"]
('vitamin B12', 'INDIVIDUAL')
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from ..core.prefixes import PREFIX_MAP, compress_fast
from ..store.sources import GRAPHS
from .asserted import asserted_rows

if TYPE_CHECKING:
    from ..store.dataset import GraphData

__all__ = ["obograph", "to_json"]

OWL = "http://www.w3.org/2002/07/owl#"
OIO = "http://www.geneontology.org/formats/oboInOwl#"
_SYNONYM_PREDS = {
    OIO + "hasExactSynonym": "hasExactSynonym",
    OIO + "hasRelatedSynonym": "hasRelatedSynonym",
    OIO + "hasBroadSynonym": "hasBroadSynonym",
    OIO + "hasNarrowSynonym": "hasNarrowSynonym",
}
_BPV_PREDS = (PREFIX_MAP["b12kg"] + "biolinkCategory", PREFIX_MAP["b12kg"] + "biolinkPredicate")


def _rows(kg: GraphData, query: str) -> list[tuple[str | None, ...]]:
    """Rows of a SELECT over the asserted graphs (IRIs in full)."""
    return asserted_rows(kg, query)


def _list(kg: GraphData, head: str) -> list[str] | None:
    """The members of the RDF list starting at blank node ``head`` (None if malformed)."""
    rows = _rows(kg, "SELECT ?n ?first ?rest WHERE { ?n rdf:first ?first ; rdf:rest ?rest }")
    cells = {n: (f, r) for n, f, r in rows}
    out: list[str] = []
    node: str | None = head
    seen: set[str] = set()
    while node and node != PREFIX_MAP["rdf"] + "nil":
        if node in seen or node not in cells:
            return None
        seen.add(node)
        first, node = cells[node]
        out.append(first or "")
    return out


def obograph(kg: GraphData, *, version_iri: str | None = None) -> dict[str, Any]:
    """The OBO Graphs document (a dict with ``graphs``) of the asserted graph of ``kg``.

    ``version_iri`` replaces the ontology's version IRI in the graph's ``meta.version`` (the release
    gives each file its own). The obographs model has no prefix map, so tools that shorten IRIs (OAK)
    need ``--prefix b12kg=https://w3id.org/b12kg/``.
    """
    kinds: dict[str, tuple[str, str | None]] = {}
    for (iri,) in _rows(kg, "SELECT DISTINCT ?c WHERE { ?c a owl:Class FILTER(isIRI(?c)) }"):
        kinds[iri or ""] = ("CLASS", None)
    for iri, t in _rows(
        kg,
        "SELECT DISTINCT ?p ?t WHERE { VALUES ?t { owl:ObjectProperty owl:DatatypeProperty "
        "owl:AnnotationProperty } ?p a ?t FILTER(isIRI(?p)) } ORDER BY ?p ?t",
    ):
        kind = {"ObjectProperty": "OBJECT", "DatatypeProperty": "DATA"}.get(
            (t or "").removeprefix(OWL), "ANNOTATION"
        )
        kinds.setdefault(iri or "", ("PROPERTY", kind))
    for (iri,) in _rows(kg, "SELECT DISTINCT ?i WHERE { ?i a owl:NamedIndividual FILTER(isIRI(?i)) }"):
        kinds.setdefault(iri or "", ("INDIVIDUAL", None))

    labels: dict[str, str] = {}
    for s, label in _rows(
        kg,
        'SELECT ?s ?l WHERE { ?s rdfs:label ?l FILTER(lang(?l) = "" || '
        'langMatches(lang(?l), "en")) } ORDER BY ?s ?l',
    ):
        labels.setdefault(s or "", label or "")
    definitions: dict[str, str] = {}
    for s, d in _rows(
        kg,
        'SELECT ?s ?d WHERE { ?s skos:definition|obo:IAO_0000115 ?d FILTER(lang(?d) = "" || '
        'langMatches(lang(?d), "en")) } ORDER BY ?s ?d',
    ):
        definitions.setdefault(s or "", d or "")
    synonyms: dict[str, set[tuple[str, str]]] = defaultdict(set)
    values = " ".join(f"<{p}>" for p in _SYNONYM_PREDS)
    for s, p, v in _rows(
        kg, f"SELECT ?s ?p ?v WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?v FILTER(isLiteral(?v)) }}"
    ):
        synonyms[s or ""].add((_SYNONYM_PREDS[p or ""], v or ""))
    xrefs: dict[str, set[str]] = defaultdict(set)
    for s, x in _rows(kg, "SELECT ?s ?x WHERE { ?s skos:exactMatch|skos:closeMatch|oboInOwl:hasDbXref ?x }"):
        xrefs[s or ""].add(compress_fast(x or ""))
    bpvs: dict[str, set[tuple[str, str]]] = defaultdict(set)
    values = " ".join(f"<{p}>" for p in _BPV_PREDS)
    for s, p, v in _rows(kg, f"SELECT ?s ?p ?v WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?v }}"):
        bpvs[s or ""].add((p or "", v or ""))

    nodes: list[dict[str, Any]] = []
    for iri in sorted(kinds):
        ntype, ptype = kinds[iri]
        node: dict[str, Any] = {"id": iri}
        if iri in labels:
            node["lbl"] = labels[iri]
        node["type"] = ntype
        if ptype:
            node["propertyType"] = ptype
        meta: dict[str, Any] = {}
        if iri in definitions:
            meta["definition"] = {"val": definitions[iri]}
        if synonyms.get(iri):
            meta["synonyms"] = [{"pred": p, "val": v} for p, v in sorted(synonyms[iri])]
        if xrefs.get(iri):
            meta["xrefs"] = [{"val": x} for x in sorted(xrefs[iri])]
        if bpvs.get(iri):
            meta["basicPropertyValues"] = [{"pred": p, "val": v} for p, v in sorted(bpvs[iri])]
        if meta:
            node["meta"] = meta
        nodes.append(node)

    edges: set[tuple[str, str, str]] = set()
    for c, s in _rows(kg, "SELECT ?c ?s WHERE { ?c rdfs:subClassOf ?s FILTER(isIRI(?c) && isIRI(?s)) }"):
        edges.add((c or "", "is_a", s or ""))
    for c, r, d in _rows(
        kg,
        "SELECT ?c ?r ?d WHERE { ?c rdfs:subClassOf ?x . ?x owl:onProperty ?r ; "
        "owl:someValuesFrom ?d FILTER(isIRI(?c) && isIRI(?d) && isIRI(?r)) }",
    ):
        edges.add((c or "", r or "", d or ""))
    for i, c in _rows(
        kg,
        "SELECT ?i ?c WHERE { ?i a owl:NamedIndividual ; a ?c "
        "FILTER(isIRI(?c) && ?c != owl:NamedIndividual) }",
    ):
        edges.add((i or "", "type", c or ""))
    for p, q in _rows(kg, "SELECT ?p ?q WHERE { ?p rdfs:subPropertyOf ?q FILTER(isIRI(?p) && isIRI(?q)) }"):
        edges.add((p or "", "subPropertyOf", q or ""))
    for p, q in _rows(kg, "SELECT ?p ?q WHERE { ?p owl:inverseOf ?q FILTER(isIRI(?p) && isIRI(?q)) }"):
        edges.add((p or "", "inverseOf", q or ""))
    for s, p, o in _rows(
        kg,
        "SELECT ?s ?p ?o WHERE { ?p a owl:ObjectProperty . ?s ?p ?o . "
        "?s a owl:NamedIndividual . ?o a owl:NamedIndividual }",
    ):
        edges.add((s or "", p or "", o or ""))

    # equivalent named classes, grouped into connected sets
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for a, b in _rows(kg, "SELECT ?a ?b WHERE { ?a owl:equivalentClass ?b FILTER(isIRI(?a) && isIRI(?b)) }"):
        ra, rb = find(a or ""), find(b or "")
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, set[str]] = defaultdict(set)
    for x in list(parent):
        groups[find(x)].add(x)
    equivalent = [
        {"representativeNodeId": min(g), "nodeIds": sorted(g)} for g in groups.values() if len(g) > 1
    ]
    equivalent.sort(key=lambda e: str(e["representativeNodeId"]))

    # "R some D" restrictions with a named property and filler, by blank node (a blank node cannot be
    # named in a SPARQL query, so they are all fetched at once)
    some: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for x, r, d in _rows(
        kg,
        "SELECT ?x ?r ?d WHERE { ?x owl:onProperty ?r ; owl:someValuesFrom ?d "
        "FILTER(isBlank(?x) && isIRI(?r) && isIRI(?d)) }",
    ):
        some[x or ""].append((r or "", d or ""))
    logical: list[dict[str, Any]] = []
    for c, head in _rows(
        kg,
        "SELECT ?c ?h WHERE { ?c owl:equivalentClass ?x . ?x owl:intersectionOf ?h "
        "FILTER(isIRI(?c)) } ORDER BY ?c",
    ):
        members = _list(kg, head or "")
        if not members:
            continue
        genus: list[str] = []
        restrictions: list[dict[str, str]] = []
        ok = True
        for m in members:
            if not m.startswith("_:"):
                genus.append(m)
                continue
            found = some.get(m, [])
            if len(found) != 1:
                ok = False
                break
            restrictions.append({"propertyId": found[0][0], "fillerId": found[0][1]})
        if ok:
            logical.append(
                {
                    "definedClassId": c,
                    "genusIds": sorted(genus),
                    "restrictions": sorted(restrictions, key=lambda r: (r["propertyId"], r["fillerId"])),
                }
            )

    domain_range: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for prop, axis, cls in _rows(
        kg,
        'SELECT ?p ?k ?c WHERE { VALUES (?k ?x) { ("domainClassIds" rdfs:domain) '
        '("rangeClassIds" rdfs:range) } ?p ?x ?c FILTER(isIRI(?c) && isIRI(?p)) }',
    ):
        domain_range[prop or ""][axis or ""].add(cls or "")
    dr_axioms = [
        {"predicateId": p, **{k: sorted(v) for k, v in sorted(kv.items())}}
        for p, kv in sorted(domain_range.items())
    ]

    graph: dict[str, Any] = {"id": "", "meta": {}, "nodes": nodes}
    onto = _rows(
        kg,
        f"SELECT ?o ?v ?vi WHERE {{ GRAPH <{GRAPHS['ontology']}> {{ ?o a owl:Ontology }} "
        "OPTIONAL { ?o owl:versionIRI ?v } OPTIONAL { ?o owl:versionInfo ?vi } } ORDER BY ?o",
    )
    own = onto or _rows(
        kg,
        "SELECT ?o ?v ?vi WHERE { ?o a owl:Ontology OPTIONAL { ?o owl:versionIRI ?v } "
        "OPTIONAL { ?o owl:versionInfo ?vi } } ORDER BY ?o",
    )
    if own:
        graph["id"] = own[0][0]
        if version_iri or own[0][1]:
            graph["meta"]["version"] = version_iri or own[0][1]
        if own[0][2]:
            graph["meta"]["basicPropertyValues"] = [{"pred": OWL + "versionInfo", "val": own[0][2]}]
    if not graph["meta"]:
        del graph["meta"]
    graph["edges"] = [{"sub": s, "pred": p, "obj": o} for s, p, o in sorted(edges)]
    graph["equivalentNodesSets"] = equivalent
    graph["logicalDefinitionAxioms"] = logical
    graph["domainRangeAxioms"] = dr_axioms
    return {"graphs": [graph]}


def to_json(kg: GraphData) -> bytes:
    """The OBO Graphs document as indented JSON (UTF-8, trailing newline)."""
    return (json.dumps(obograph(kg), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
