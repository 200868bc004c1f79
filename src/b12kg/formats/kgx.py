"""KGX (Biolink) export: ``nodes.tsv``/``edges.tsv`` and ``nodes.jsonl``/``edges.jsonl``.

What goes in (decisions, tested in ``tests/test_export_kgx.py``):

* **Nodes** are the concepts: every ``owl:NamedIndividual`` of the asserted graph that is not an
  information entity (source document, its sections, comparison-table entries: instances of
  ``b12kg:InformationEntity`` or its subclasses). Value-set individuals (reversibility, food
  origin, source strength…) are nodes too, because curated edges point at them.
* ``category`` comes from ``b12kg:biolinkCategory`` of the individual's *most specific* asserted
  classes (a class that is a superclass of another asserted class is dropped; a class without the
  annotation inherits the nearest one up ``rdfs:subClassOf``; a category that the ontology annotates
  on a superclass of a class carrying another category is dropped in favour of the latter, e.g.
  ``AnatomicalEntity`` beside ``CellularComponent``); none at all → ``biolink:NamedThing``.
  :data:`CATEGORY_OVERRIDES` maps categories that are not usable Biolink classes (empty now).
* ``xref`` holds the SKOS ``exactMatch``/``closeMatch`` mappings (from the SSSOM mapping set, when
  present) and ``oboInOwl:hasDbXref``; ``synonym`` the exact and related synonyms.
* **Edges** are the curated edges: object-property statements between two nodes (so neither end is
  an information entity). ``predicate`` is ``b12kg:biolinkPredicate`` of the property (inherited up
  ``rdfs:subPropertyOf``), else ``biolink:related_to``; ``original_predicate`` keeps the b12kg
  property. Value-set edges (concept → value) are kept, as ``related_to`` edges.
* Provenance: one edge per provenance record. A statement that the article makes in two sections
  has two ``owl:Axiom`` annotations and so two edges (same subject, predicate and object, different
  ``id``), each with its own ``source_section`` and ``claim`` (extra columns, single values: a section
  is never paired with another section's claim). ``primary_knowledge_source`` is ``infores:b12kg``;
  ``knowledge_level``, ``agent_type`` and ``publications`` (``dcterms:source``) come from the same
  record (``not_provided`` when there is none). Negative statements (``owl:NegativePropertyAssertion``)
  are not edges.
* Multivalued fields are ``|``-separated in TSV and lists in JSON Lines; rows are sorted by id.

>>> from b12kg import KnowledgeGraph
>>> g = kgx_graph(KnowledgeGraph.bundled())
>>> node = next(n for n in g.nodes if n["id"] == "b12kg:vitamin_b12")
>>> node["category"], node["name"]
(['biolink:SmallMolecule'], 'vitamin B12')
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..core.prefixes import PREFIX_MAP, compress_fast
from .asserted import asserted_rows

if TYPE_CHECKING:
    from ..store.dataset import GraphData

__all__ = [
    "CATEGORY_OVERRIDES",
    "EDGE_COLUMNS",
    "INFORES",
    "NODE_COLUMNS",
    "PREDICATE_OVERRIDES",
    "KgxGraph",
    "Provenance",
    "context",
    "jsonl_files",
    "kgx_graph",
    "tsv_files",
]

INFORES = "infores:b12kg"
NODE_COLUMNS = ["id", "category", "name", "description", "xref", "synonym", "provided_by"]
EDGE_COLUMNS = [
    "id",
    "subject",
    "predicate",
    "original_predicate",
    "object",
    "primary_knowledge_source",
    "knowledge_level",
    "agent_type",
    "publications",
    "source_section",
    "claim",
]
#: columns holding several values (``|`` in TSV, lists in JSON Lines)
MULTIVALUED = {"category", "xref", "synonym", "provided_by", "publications"}
#: Biolink category to use instead of the one annotated in the ontology (none needed with Biolink 4.4)
CATEGORY_OVERRIDES: dict[str, str] = {}
#: Biolink predicate to use instead of the one annotated in the ontology (none needed with Biolink 4.4)
PREDICATE_OVERRIDES: dict[str, str] = {}
DEFAULT_CATEGORY = "biolink:NamedThing"
DEFAULT_PREDICATE = "biolink:related_to"
NOT_PROVIDED = "not_provided"

_B12KG = PREFIX_MAP["b12kg"]
#: edge ids are name-based UUIDs (RFC 4122 version 5) of the statement and its provenance record, so they
#: are stable across builds and pass through kgx's RDF writer, which keeps ``urn:uuid:`` ids as they are
_EDGE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, _B12KG + "edge")
_INFO_ENTITY = "b12kg:InformationEntity"


@dataclass
class KgxGraph:
    """KGX nodes and edges as dictionaries (multivalued fields are lists)."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, order=True)
class Provenance:
    """One provenance record (``owl:Axiom`` annotation) of a curated statement: its section and claim
    belong together and are never re-paired with another record's."""

    section: str = ""
    claim: str = ""
    publications: tuple[str, ...] = ()
    level: str = ""
    agent: str = ""


def _provenance_records(kg: GraphData) -> dict[tuple[str, str, str], list[Provenance]]:
    """Every statement's provenance records, one per ``owl:Axiom`` node, sorted (duplicates merged)."""
    by_axiom: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    statement: dict[str, tuple[str, str, str]] = {}
    for a, s, p, o, key, value in _select(
        kg,
        """
        SELECT ?a ?s ?p ?o ?k ?v WHERE {
          ?a a owl:Axiom ; owl:annotatedSource ?s ; owl:annotatedProperty ?p ; owl:annotatedTarget ?o .
          VALUES (?k ?prop) { ("section" b12kg:sourceSection) ("claim" b12kg:claim) ("pub" dcterms:source)
                              ("level" biolink:knowledge_level) ("agent" biolink:agent_type) }
          ?a ?prop ?v }""",
    ):
        statement[a or ""] = (s or "", p or "", o or "")
        by_axiom[a or ""][key or ""].add(_clean(value or ""))
    out: dict[tuple[str, str, str], set[Provenance]] = defaultdict(set)
    for a, found in by_axiom.items():

        def one(key: str, found: dict[str, set[str]] = found) -> str:
            values = found.get(key, set())
            return next(iter(values)) if len(values) == 1 else ""

        out[statement[a]].add(Provenance(one("section"), one("claim"), tuple(sorted(found.get("pub", set()))),
                                         one("level"), one("agent")))
    return {k: sorted(v) for k, v in out.items()}


def _select(kg: GraphData, query: str) -> list[tuple[str | None, ...]]:
    """Rows of a SELECT over the asserted graphs (IRIs as CURIEs)."""
    return asserted_rows(kg, query, compress_fast)


def _ancestors(start: str, parents: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for p in parents.get(todo.pop(), ()):
            if p not in seen:
                seen.add(p)
                todo.append(p)
    return seen


def _nearest(start: str, parents: dict[str, set[str]], annotated: dict[str, set[str]]) -> set[str]:
    """The annotation values of ``start``, else of its nearest annotated ancestors (breadth first)."""
    level, seen = {start}, {start}
    while level:
        found = set().union(*(annotated.get(c, set()) for c in level))
        if found:
            return found
        level = {p for c in level for p in parents.get(c, ()) if p not in seen}
        seen |= level
    return set()


def _clean(text: str) -> str:
    return " ".join(text.split())


def kgx_graph(kg: GraphData) -> KgxGraph:
    """The KGX nodes and edges of ``kg`` (see the module docstring for what is included).

    Inside :func:`b12kg.formats.rdf.shared_work` (a release build: KGX, Neo4j and OBO files read the same
    nodes and edges) the graph is built once and handed to every caller, which must not change it.
    """
    from .rdf import _shared

    graph: KgxGraph = _shared(("kgx",), kg, lambda: _kgx_graph(kg))
    return graph


def _kgx_graph(kg: GraphData) -> KgxGraph:
    sub_class: dict[str, set[str]] = defaultdict(set)
    for c, sup in _select(kg, "SELECT ?c ?s WHERE { ?c rdfs:subClassOf ?s FILTER(isIRI(?c) && isIRI(?s)) }"):
        sub_class[c or ""].add(sup or "")
    sub_prop: dict[str, set[str]] = defaultdict(set)
    for p, sup in _select(kg, "SELECT ?p ?s WHERE { ?p rdfs:subPropertyOf ?s FILTER(isIRI(?s)) }"):
        sub_prop[p or ""].add(sup or "")
    categories: dict[str, set[str]] = defaultdict(set)
    for c, cat in _select(kg, "SELECT ?c ?cat WHERE { ?c b12kg:biolinkCategory ?cat }"):
        categories[c or ""].add(CATEGORY_OVERRIDES.get(cat or "", cat or ""))
    predicates: dict[str, set[str]] = defaultdict(set)
    for p, bp in _select(kg, "SELECT ?p ?bp WHERE { ?p b12kg:biolinkPredicate ?bp }"):
        predicates[p or ""].add(PREDICATE_OVERRIDES.get(bp or "", bp or ""))

    types: dict[str, set[str]] = defaultdict(set)
    for i, c in _select(
        kg,
        "SELECT ?i ?c WHERE { ?i a owl:NamedIndividual ; a ?c "
        "FILTER(isIRI(?c) && ?c != owl:NamedIndividual) }",
    ):
        types[i or ""].add(c or "")
    info = {
        i
        for i, cs in types.items()
        if any(c == _INFO_ENTITY or _INFO_ENTITY in _ancestors(c, sub_class) for c in cs)
    }
    concepts = sorted(set(types) - info)
    concept_set = set(concepts)

    names: dict[str, str] = {}
    for i, label in _select(
        kg,
        "SELECT ?i ?l WHERE { ?i a owl:NamedIndividual ; rdfs:label ?l "
        'FILTER(lang(?l) = "" || langMatches(lang(?l), "en")) } ORDER BY ?i ?l',
    ):
        names.setdefault(i or "", _clean(label or ""))
    descriptions: dict[str, str] = {}
    for i, d in _select(
        kg,
        "SELECT ?i ?d WHERE { ?i a owl:NamedIndividual ; skos:definition ?d "
        'FILTER(lang(?d) = "" || langMatches(lang(?d), "en")) } ORDER BY ?i ?d',
    ):
        descriptions.setdefault(i or "", _clean(d or ""))
    synonyms: dict[str, set[str]] = defaultdict(set)
    for i, s in _select(
        kg,
        "SELECT ?i ?s WHERE { ?i a owl:NamedIndividual ; "
        "oboInOwl:hasExactSynonym|oboInOwl:hasRelatedSynonym ?s }",
    ):
        synonyms[i or ""].add(_clean(s or ""))
    xrefs: dict[str, set[str]] = defaultdict(set)
    for i, x in _select(
        kg, "SELECT ?i ?x WHERE { ?i skos:exactMatch|skos:closeMatch|oboInOwl:hasDbXref ?x }"
    ):
        xrefs[i or ""].add(x or "")

    # category x is more general than y when x is annotated on a superclass of a class annotated with y
    general: set[tuple[str, str]] = set()
    for cls, ys in categories.items():
        for anc in _ancestors(cls, sub_class):
            general |= {(x, y) for x in categories.get(anc, ()) for y in ys if x != y}
    nodes: list[dict[str, Any]] = []
    for i in concepts:
        asserted = types[i]
        specific = {c for c in asserted if not any(c in _ancestors(o, sub_class) for o in asserted if o != c)}
        cats: set[str] = set()
        for c in specific:
            cats |= _nearest(c, sub_class, categories)
        cats = {x for x in cats if not any((x, y) in general and (y, x) not in general for y in cats)}
        nodes.append(
            {
                "id": i,
                "category": sorted(cats) or [DEFAULT_CATEGORY],
                "name": names.get(i, ""),
                "description": descriptions.get(i, ""),
                "xref": sorted(xrefs.get(i, set())),
                "synonym": sorted(synonyms.get(i, set())),
                "provided_by": [INFORES],
            }
        )

    edges: list[dict[str, Any]] = []
    records = _provenance_records(kg)
    for s, p, o in _select(
        kg,
        "SELECT DISTINCT ?s ?p ?o WHERE { ?p a owl:ObjectProperty . ?s ?p ?o . "
        "?s a owl:NamedIndividual . ?o a owl:NamedIndividual }",
    ):
        s, p, o = s or "", p or "", o or ""
        if s not in concept_set or o not in concept_set:
            continue
        bps = _nearest(p, sub_prop, predicates)
        for rec in records.get((s, p, o), [Provenance()]):
            key = f"{s} {p} {o}" + (f" {rec.section} {rec.claim}" if rec.section or rec.claim else "")
            edges.append(
                {
                    "id": f"urn:uuid:{uuid.uuid5(_EDGE_NAMESPACE, key)}",
                    "subject": s,
                    "predicate": min(bps) if bps else DEFAULT_PREDICATE,
                    "original_predicate": p,
                    "object": o,
                    "primary_knowledge_source": INFORES,
                    "knowledge_level": rec.level or NOT_PROVIDED,
                    "agent_type": rec.agent or NOT_PROVIDED,
                    "publications": list(rec.publications),
                    "source_section": rec.section,
                    "claim": rec.claim,
                }
            )
    edges.sort(key=lambda e: (e["subject"], e["original_predicate"], e["object"], e["source_section"], e["claim"]))
    return KgxGraph(nodes, edges)


def _tsv_value(value: Any) -> str:
    if isinstance(value, list):
        return "|".join(v.replace("|", "/") for v in value)
    return str(value)


def _tsv(rows: Iterable[dict[str, Any]], columns: list[str]) -> bytes:
    lines = ["\t".join(columns)]
    lines += ["\t".join(_tsv_value(r.get(c, "")) for c in columns) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _jsonl(rows: Iterable[dict[str, Any]], columns: list[str]) -> bytes:
    out = []
    for r in rows:
        obj = {c: r[c] for c in columns if r.get(c) not in (None, "", [])}
        out.append(json.dumps(obj, ensure_ascii=False))
    return ("\n".join(out) + "\n").encode("utf-8") if out else b""


def context() -> bytes:
    """``context.jsonld``: a JSON-LD context of the project prefixes (``b12kg``, ``HP``, ``infores``…).

    kgx checks every CURIE prefix against the Biolink JSON-LD context and expands CURIEs with it, and
    ``b12kg`` is not a Biolink prefix: give kgx this context beside Biolink's (its ``jsonld-context``
    setting) and ``kgx validate`` passes and ``kgx transform`` writes ``https://w3id.org/b12kg/`` IRIs.

    >>> json.loads(context())["@context"]["b12kg"]
    'https://w3id.org/b12kg/'
    """
    return (json.dumps({"@context": PREFIX_MAP}, indent=2) + "\n").encode("utf-8")


def tsv_files(kg: GraphData) -> dict[str, bytes]:
    """``{"nodes.tsv": …, "edges.tsv": …, "context.jsonld": …}``: the KGX TSV pair and the prefixes."""
    g = kgx_graph(kg)
    return {"nodes.tsv": _tsv(g.nodes, NODE_COLUMNS), "edges.tsv": _tsv(g.edges, EDGE_COLUMNS),
            "context.jsonld": context()}


def jsonl_files(kg: GraphData) -> dict[str, bytes]:
    """``{"nodes.jsonl": …, "edges.jsonl": …, "context.jsonld": …}``: KGX JSON Lines (empty fields left out)."""
    g = kgx_graph(kg)
    return {"nodes.jsonl": _jsonl(g.nodes, NODE_COLUMNS), "edges.jsonl": _jsonl(g.edges, EDGE_COLUMNS),
            "context.jsonld": context()}
