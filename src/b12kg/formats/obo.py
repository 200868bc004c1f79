"""OBO flat-file export (format 1.4): every concept a term, for tools that read classes only.

In the RDF files the concepts are OWL individuals, so class-only tools (pronto, OAK's ontology views,
OBO-Edit-style browsers) see only the schema. This export writes what those tools expect:

* a ``[Term]`` for every native class (``is_a`` its named native superclasses) and for every concept
  (the individuals the KGX export keeps as nodes), whose ``is_a`` are its most specific asserted classes;
* ``name`` (English label), ``def`` (``skos:definition``), ``synonym`` (``EXACT``/``RELATED``);
* the mappings: ``xref`` for ``skos:exactMatch``/``closeMatch`` (as in the KGX export) and a
  ``property_value`` with the exact SKOS predicate for every mapping (exact, close, broad, narrow,
  related), so nothing is lost of how close a mapping is;
* the curated edges between concepts as ``relationship: b12kg:causes b12kg:demyelination`` lines, one
  per provenance record, each qualified with its ``source_section`` and ``claim`` (trailing modifiers);
* a ``[Typedef]`` for every object property used (name, definition, ``is_transitive``, ``inverse_of``).

IDs are CURIEs with an ``idspace`` for each non-OBO prefix, so fastobo, pronto and OAK resolve them
(``runoak -i b12kg.obo ancestors b12kg:muscle_spasm``). Stanzas and clauses are sorted; the output is
the same on every run.

>>> from b12kg import KnowledgeGraph
>>> text = to_obo(KnowledgeGraph.bundled()).decode()
>>> "[Term]\\nid: b12kg:vitamin_b12\\nname: vitamin B12\\n" in text
True
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING

from ..core.prefixes import PREFIX_MAP, compress_fast
from .asserted import asserted_rows
from .header import B12KG_ONTOLOGY
from .kgx import kgx_graph

if TYPE_CHECKING:
    from ..store.dataset import GraphData

__all__ = ["IDSPACES", "to_obo"]

#: prefixes declared with ``idspace`` (OBO Foundry prefixes such as HP resolve without one)
IDSPACES = ("b12kg", "skos", "dcterms")
_SKOS = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
_XREF = ("exactMatch", "closeMatch")


def _rows(kg: GraphData, query: str) -> list[tuple[str, ...]]:
    return [tuple(v or "" for v in row) for row in asserted_rows(kg, query, compress_fast)]


def _unquoted(text: str) -> str:
    """A value for an unquoted OBO tag (name): one line, OBO's special characters escaped."""
    text = " ".join(text.split())
    return re.sub(r"([\\{}!])", r"\\\1", text)


def _quoted(text: str) -> str:
    """A double-quoted OBO string."""
    text = " ".join(text.split())
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _english(kg: GraphData, prop: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for s, v in _rows(kg, f'SELECT ?s ?v WHERE {{ ?s {prop} ?v FILTER(lang(?v) = "" || '
                          'langMatches(lang(?v), "en")) } ORDER BY ?s ?v'):
        out.setdefault(s, v)
    return out


def _ancestors(start: str, parents: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for p in parents.get(todo.pop(), ()):
            if p not in seen:
                seen.add(p)
                todo.append(p)
    return seen


def to_obo(kg: GraphData, *, data_version: str | None = None) -> bytes:
    """The OBO 1.4 document of ``kg``'s asserted graph (see the module docstring).

    ``data_version`` goes into the ``data-version`` header (default: the ontology's ``owl:versionInfo``).
    """
    native = "b12kg:"
    names = _english(kg, "rdfs:label")
    definitions = _english(kg, "skos:definition")
    synonyms: dict[str, set[str]] = defaultdict(set)
    for s, p, v in _rows(kg, "SELECT ?s ?p ?v WHERE { VALUES ?p { oboInOwl:hasExactSynonym "
                             "oboInOwl:hasRelatedSynonym } ?s ?p ?v }"):
        scope = "EXACT" if p.endswith("ExactSynonym") else "RELATED"
        synonyms[s].add(f"synonym: {_quoted(v)} {scope} []")

    classes = {c for (c,) in _rows(kg, "SELECT DISTINCT ?c WHERE { ?c a owl:Class FILTER(isIRI(?c)) }")
               if c.startswith(native)}
    parents: dict[str, set[str]] = defaultdict(set)
    for c, sup in _rows(kg, "SELECT ?c ?s WHERE { ?c rdfs:subClassOf ?s FILTER(isIRI(?c) && isIRI(?s)) }"):
        if c in classes and sup in classes:
            parents[c].add(sup)
    graph = kgx_graph(kg)
    concepts = {n["id"] for n in graph.nodes}
    types: dict[str, set[str]] = defaultdict(set)
    for i, c in _rows(kg, "SELECT ?i ?c WHERE { ?i a owl:NamedIndividual ; a ?c FILTER(isIRI(?c)) }"):
        if i in concepts and c in classes:
            types[i].add(c)
    for i, cs in types.items():
        parents[i] = {c for c in cs if not any(c in _ancestors(o, parents) for o in cs if o != c)}

    clauses: dict[str, list[str]] = defaultdict(list)
    for s, p, o in _rows(kg, "SELECT ?s ?p ?o WHERE { VALUES ?p { skos:exactMatch skos:closeMatch skos:broadMatch "
                             "skos:narrowMatch skos:relatedMatch } ?s ?p ?o FILTER(isIRI(?o)) }"):
        if s in concepts or s in classes:
            if p.removeprefix("skos:") in _XREF:
                clauses[s].append(f"xref: {o}")
            clauses[s].append(f"property_value: {p} {o}")
    used: set[str] = set()
    for e in graph.edges:
        used.add(e["original_predicate"])
        qualifiers = []
        if e["source_section"]:
            qualifiers.append(f"source_section={_quoted(e['source_section'])}")
        if e["claim"]:
            qualifiers.append(f"claim={_quoted(e['claim'])}")
        suffix = " {" + ", ".join(qualifiers) + "}" if qualifiers else ""
        clauses[e["subject"]].append(f"relationship: {e['original_predicate']} {e['object']}{suffix}")

    out = _header(kg, data_version)
    for term in sorted(classes | concepts):
        lines = ["[Term]", f"id: {term}"]
        if term in names:
            lines.append(f"name: {_unquoted(names[term])}")
        if term in definitions:
            lines.append(f"def: {_quoted(definitions[term])} []")
        lines += sorted(synonyms.get(term, ()))
        lines += sorted({c for c in clauses.get(term, []) if c.startswith("xref:")})
        lines += [f"is_a: {p}" for p in sorted(parents.get(term, ()))]
        lines += sorted({c for c in clauses.get(term, []) if c.startswith("relationship:")})
        lines += sorted({c for c in clauses.get(term, []) if c.startswith("property_value:")})
        out.append("\n".join(lines))
    out += _typedefs(kg, used, names, definitions)
    return ("\n\n".join(out) + "\n").encode("utf-8")


def _header(kg: GraphData, data_version: str | None) -> list[str]:
    info = _rows(kg, f"SELECT ?v ?d WHERE {{ <{B12KG_ONTOLOGY}> owl:versionInfo ?v "
                     f"OPTIONAL {{ <{B12KG_ONTOLOGY}> b12kg:disclaimer ?d }} }}")
    version = data_version or (info[0][0] if info else "")
    lines = ["format-version: 1.4"]
    if version:
        lines.append(f"data-version: {version}")
    lines += ["ontology: b12kg"]
    lines += [f"idspace: {p} {PREFIX_MAP[p]}" for p in IDSPACES]
    lines.append("default-namespace: b12kg")
    lines.append("remark: Concepts of the b12kg knowledge graph as terms: each concept's is_a is its kind, "
                 "its relationships are the curated edges (each with its article section and claim) and its "
                 "xrefs are the mappings.")
    if info and info[0][1]:
        lines.append(f"remark: {_unquoted(info[0][1])}")
    lines.append("property_value: dcterms:license https://creativecommons.org/licenses/by/4.0/")
    return ["\n".join(lines)]


def _typedefs(kg: GraphData, used: set[str], names: dict[str, str], definitions: dict[str, str]) -> list[str]:
    transitive = {p for (p,) in _rows(kg, "SELECT ?p WHERE { ?p a owl:TransitiveProperty }")}
    inverse: dict[str, set[str]] = defaultdict(set)
    for p, q in _rows(kg, "SELECT ?p ?q WHERE { ?p owl:inverseOf ?q FILTER(isIRI(?q)) }"):
        inverse[p].add(q)
        inverse[q].add(p)
    out = []
    for p in sorted(used):
        lines = ["[Typedef]", f"id: {p}"]
        if p in names:
            lines.append(f"name: {_unquoted(names[p])}")
        if p in definitions:
            lines.append(f"def: {_quoted(definitions[p])} []")
        lines += [f"inverse_of: {q}" for q in sorted(inverse.get(p, ())) if q in used]
        if p in transitive:
            lines.append("is_transitive: true")
        out.append("\n".join(lines))
    return out
