"""Deterministic RDF exports: Turtle, N-Triples, N-Quads, TriG, JSON-LD and RDF/XML.

Every export is byte-identical across runs and processes:

* blank nodes get **stable labels** computed from their content and position (a hash of the
  triples they carry and of the triple that points at them; see :func:`stable_labels`), so an
  axiom annotation's label depends only on its source, property, target, section, claim…;
* statements are written in a fixed order (sorted lines for N-Triples/N-Quads; rdflib's sorted
  Turtle/TriG writers, reading an index of the triples (:mod:`b12kg.formats.triple_index`), and our
  RDF/XML writer, fed with stable labels; sorted JSON);
* IRIs are abbreviated only with the project prefix map :data:`b12kg.core.prefixes.PREFIX_MAP`
  (``HP:0003394``, never ``ns1:``). An IRI that no project prefix fits is written in full.

The quad formats (N-Quads, TriG) keep one named graph per kind of content (:data:`EXPORT_GRAPHS`):
the store's ontology, imports, data, mappings, inferred (and external) graphs, with the provenance
records (``owl:Axiom`` annotations and ``owl:NegativePropertyAssertion`` nodes) split out of the
data graph into their own ``provenance`` graph.

>>> from b12kg import KnowledgeGraph
>>> nt = to_ntriples(KnowledgeGraph.bundled())
>>> b'<https://w3id.org/b12kg/vitamin_b12> <http://www.w3.org/2000/01/rdf-schema#label> "vitamin B12' in nt
True
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..core.prefixes import PREFIX_MAP
from ..core.terms import from_oxigraph, to_rdflib
from ..store.sources import GRAPHS
from .header import B12KG_ONTOLOGY, VERSION_IRI, merge_headers, ontology_header

if TYPE_CHECKING:
    import rdflib

    from ..store.dataset import GraphData

__all__ = [
    "ASSERTED",
    "EXPORT_GRAPHS",
    "PROVENANCE_GRAPH",
    "Quad",
    "rdflib_dataset",
    "rdflib_graph",
    "shared_work",
    "stable_labels",
    "stable_quads",
    "to_jsonld",
    "to_nquads",
    "to_ntriples",
    "to_rdfxml",
    "to_trig",
    "to_turtle",
    "triple_index",
]

OWL = "http://www.w3.org/2002/07/owl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#: the named graph of the provenance records in quad exports (the store keeps them in ``data``)
PROVENANCE_GRAPH = PREFIX_MAP["b12kg"] + "graph/provenance"
#: named graphs of the quad exports, by kind, in the order they are written
EXPORT_GRAPHS: dict[str, str] = {
    "ontology": GRAPHS["ontology"],
    "imports": GRAPHS["imports"],
    "data": GRAPHS["data"],
    "provenance": PROVENANCE_GRAPH,
    "mappings": GRAPHS["mappings"],
    "inferred": GRAPHS["inferred"],
    "external": GRAPHS["external"],
}
_PROVENANCE_TYPES = {OWL + "Axiom", OWL + "NegativePropertyAssertion"}

#: the graphs of the single-graph exports by default: everything asserted (not the ``inferred`` graph)
ASSERTED: tuple[str, ...] = tuple(k for k in GRAPHS if k != "inferred")

#: a quad as four N-Triples term strings (graph "" for the default graph)
Quad = tuple[str, str, str, str]


# -- work shared between the files of one build ------------------------------------------------
#: while :func:`shared_work` is active: results of :func:`stable_quads` and :func:`rdflib_graph` by arguments
_SHARED: dict[tuple[Any, ...], Any] | None = None


@contextlib.contextmanager
def shared_work() -> Iterator[None]:
    """Within this block a repeated :func:`stable_quads` or :func:`rdflib_graph` call (same store, graphs
    and options) is answered from memory: a release writes several files, and counts them, from one
    graph that does not change while it is built. Outside it every call reads the store again.

    >>> from b12kg import KnowledgeGraph
    >>> kg = KnowledgeGraph.bundled()
    >>> with shared_work():
    ...     stable_quads(kg, ["data"]) == stable_quads(kg, ["data"]) and rdflib_graph(kg) is rdflib_graph(kg)
    True
    >>> rdflib_graph(kg) is rdflib_graph(kg)
    False
    """
    global _SHARED
    outer = _SHARED
    if outer is None:
        _SHARED = {}
    try:
        yield
    finally:
        _SHARED = outer


def _shared(key: tuple[Any, ...], kg: GraphData, make: Any) -> Any:
    """``make()``, or its earlier result for ``key`` on the store of ``kg`` inside :func:`shared_work`."""
    if _SHARED is None:
        return make()
    store = kg.store
    full = (id(store), *key)
    hit = _SHARED.get(full)
    if hit is None or hit[0] is not store:  # the store object is kept, so its id is not reused meanwhile
        hit = _SHARED[full] = (store, make())
    return hit[1]


# -- stable quads ----------------------------------------------------------------------------
def stable_quads(
    kg: GraphData, kinds: Sequence[str] | None = None, *, split_provenance: bool = True,
    version_iri: str | None = None,
) -> list[Quad]:
    """The quads of the named graphs ``kinds`` (default: all), with stable blank-node labels, sorted.

    Each quad is ``(subject, predicate, object, graph)`` in N-Triples syntax. With ``split_provenance``
    the provenance records of the data graph go to :data:`PROVENANCE_GRAPH`. The import modules'
    ``owl:Ontology`` headers are folded into the b12kg ontology's one header
    (:func:`b12kg.formats.header.merge_headers`), whose version IRI becomes ``version_iri`` if given.

    >>> from b12kg import KnowledgeGraph
    >>> qs = stable_quads(KnowledgeGraph.bundled(), ["data"])
    >>> sorted({q[3] for q in qs})
    ['<https://w3id.org/b12kg/graph/data>', '<https://w3id.org/b12kg/graph/provenance>']
    """
    wanted = list(kinds) if kinds is not None else list(GRAPHS)
    unknown = [k for k in wanted if k not in GRAPHS]
    if unknown:
        from ..core.errors import FormatError

        raise FormatError(f"unknown graph kind {unknown[0]!r}; known: {', '.join(GRAPHS)}")
    quads: list[Quad] = _shared(("quads", tuple(wanted), split_provenance, version_iri), kg,
                                lambda: _stable_quads(kg, wanted, split_provenance, version_iri))
    return list(quads)


def _stable_quads(kg: GraphData, wanted: list[str], split_provenance: bool, version_iri: str | None) -> list[Quad]:
    """The quads of ``wanted`` with the header's version IRI set to ``version_iri``: those without it (shared
    inside :func:`shared_work`, so that the files of a release, which differ only in it, sort them once) with
    the one version-IRI statement replaced, as :func:`~b12kg.formats.header.merge_headers` does."""
    quads, header_graph = _shared(("unversioned", tuple(wanted), split_provenance), kg,
                                  lambda: _unversioned_quads(kg, wanted, split_provenance))
    if version_iri is None or header_graph is None:
        return quads  # type: ignore[no-any-return]
    header, has_version = f"<{B12KG_ONTOLOGY}>", f"<{VERSION_IRI}>"
    out = [q for q in quads if not (q[0] == header and q[1] == has_version)]
    out.append((header, has_version, f"<{version_iri}>", header_graph))
    return sorted(set(out))


def _unversioned_quads(kg: GraphData, wanted: list[str], split_provenance: bool) -> tuple[list[Quad], str | None]:
    """The sorted quads of ``wanted`` (headers merged, version IRI as stored) and the graph of the b12kg
    ontology's header (None without one: then no version IRI is set)."""
    import pyoxigraph as ox

    raw: list[Quad] = []
    for kind in wanted:
        g = ox.NamedNode(GRAPHS[kind])
        for q in kg.store.quads_for_pattern(None, None, None, g):
            raw.append((str(q.subject), str(q.predicate), str(q.object), f"<{GRAPHS[kind]}>"))
    labels = stable_labels(raw)

    def relabel(term: str) -> str:
        return labels.get(term, term)

    relabelled = [(relabel(s), p, relabel(o), g) for s, p, o, g in raw]
    header = ontology_header(relabelled)
    header_graph = None if header is None else next(
        g for s, p, o, g in relabelled if s == header and p == f"<{RDF_TYPE}>")
    quads = merge_headers(relabelled, None)
    if split_provenance:
        data = f"<{GRAPHS['data']}>"
        prov_nodes = {
            s
            for s, p, o, g in quads
            if g == data and s.startswith("_:") and p == f"<{RDF_TYPE}>" and o[1:-1] in _PROVENANCE_TYPES
        }
        quads = [
            (s, p, o, f"<{PROVENANCE_GRAPH}>" if g == data and s in prov_nodes else g) for s, p, o, g in quads
        ]
    return sorted(set(quads)), header_graph  # the header is an IRI: never moved to the provenance graph


def stable_labels(quads: Iterable[Quad]) -> dict[str, str]:
    """Map every blank node (``_:x``) of ``quads`` to a label that depends only on the graph's content.

    A blank node's *content hash* covers the statements it is the subject of (with nested blank
    nodes replaced by their own content hash); its label adds the statement pointing at it (the
    label of the parent and the predicate), so two equal class expressions under different
    properties get different labels. Equal blank nodes in the same place (true duplicates) get
    ``-2``, ``-3`` suffixes.

    >>> qs = [("_:a", "<p>", '"x"', ""), ("<s>", "<q>", "_:a", "")]
    >>> other = [("<s>", "<q>", "_:zz", ""), ("_:zz", "<p>", '"x"', "")]
    >>> stable_labels(qs)["_:a"] == stable_labels(other)["_:zz"]
    True
    """
    out_edges: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    in_edges: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for s, p, o, g in quads:
        if s.startswith("_:"):
            out_edges[s].append((g, p, o))
        if o.startswith("_:"):
            in_edges[o].append((g, p, s))
    bnodes = sorted(set(out_edges) | set(in_edges))
    content: dict[str, str] = {}

    def content_hash(b: str, stack: frozenset[str] = frozenset()) -> str:
        if b in content:
            return content[b]
        if b in stack:  # a cycle of blank nodes: stop here
            return "cycle"
        lines = sorted(
            f"{g} {p} {content_hash(o, stack | {b}) if o.startswith('_:') else o}"
            for g, p, o in out_edges.get(b, [])
        )
        h = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
        if not stack:
            content[b] = h
        return h

    label: dict[str, str] = {}

    def label_of(b: str, stack: frozenset[str] = frozenset()) -> str:
        if b in label:
            return label[b]
        if b in stack:
            return "cycle"
        parents = []
        for g, p, s in in_edges.get(b, []):
            parent = label_of(s, stack | {b}) if s.startswith("_:") else s
            parents.append(f"{g} {p} {parent}")
        h = hashlib.sha256((min(parents, default="") + "|" + content_hash(b)).encode("utf-8")).hexdigest()
        if not stack:
            label[b] = h
        return h

    by_label: dict[str, list[str]] = defaultdict(list)
    for b in bnodes:
        by_label[label_of(b)].append(b)
    result: dict[str, str] = {}
    for h, group in by_label.items():
        for i, b in enumerate(
            group
        ):  # members of a group are indistinguishable: any order gives the same output
            result[b] = f"_:b{h[:24]}" + (f"-{i + 1}" if i else "")
    return result


def _asserted(kinds: Sequence[str] | None) -> Sequence[str]:
    return ASSERTED if kinds is None else kinds


# -- line formats ----------------------------------------------------------------------------
def to_ntriples(kg: GraphData, kinds: Sequence[str] | None = None, *, version_iri: str | None = None) -> bytes:
    """N-Triples of the merged graphs ``kinds`` (default :data:`ASSERTED`): unique, sorted lines."""
    quads = stable_quads(kg, _asserted(kinds), split_provenance=False, version_iri=version_iri)
    lines = sorted({f"{s} {p} {o} .\n" for s, p, o, _ in quads})
    return "".join(lines).encode("utf-8")


def to_nquads(kg: GraphData, kinds: Sequence[str] | None = None, *, version_iri: str | None = None) -> bytes:
    """N-Quads with one named graph per kind (default: all, provenance split out of data): sorted lines."""
    quads = stable_quads(kg, kinds, version_iri=version_iri)
    return "".join(f"{s} {p} {o} {g} .\n" for s, p, o, g in quads).encode("utf-8")


# -- rdflib-based formats ----------------------------------------------------------------------
@lru_cache(maxsize=1 << 16)  # rdflib terms are immutable; a release converts the same terms for 4 files
def _term(nt: str) -> Any:
    import pyoxigraph as ox

    if nt.startswith("_:"):
        from rdflib import BNode

        return BNode(nt[2:])
    if nt.startswith("<"):
        from rdflib import URIRef

        return URIRef(nt[1:-1])
    parsed = next(iter(ox.parse(f"<x:s> <x:p> {nt} .", format=ox.RdfFormat.N_TRIPLES))).object
    return to_rdflib(from_oxigraph(parsed))  # type: ignore[arg-type]


def _bind(nm: Any) -> None:
    for prefix, ns in PREFIX_MAP.items():
        nm.bind(prefix, ns, override=True, replace=True)


def rdflib_graph(kg: GraphData, kinds: Sequence[str] | None = None, *, version_iri: str | None = None) -> rdflib.Graph:
    """An rdflib graph of the merged ``kinds`` (default :data:`ASSERTED`), stable labels, project prefixes.

    Callers must not change it (inside :func:`shared_work` the same graph is handed to every caller).
    """
    kinds = _asserted(kinds)
    graph: rdflib.Graph = _shared(("rdflib", tuple(kinds), version_iri), kg,
                                  lambda: _rdflib_graph(kg, kinds, version_iri))
    return graph


def _rdflib_graph(kg: GraphData, kinds: Sequence[str], version_iri: str | None) -> rdflib.Graph:
    import rdflib

    g = rdflib.Graph(bind_namespaces="none")
    _bind(g.namespace_manager)
    cache: dict[str, Any] = {}
    for s, p, o, _ in stable_quads(kg, kinds, split_provenance=False, version_iri=version_iri):
        g.add(tuple(cache.setdefault(t, _term(t)) for t in (s, p, o)))
    return g


def rdflib_dataset(
    kg: GraphData, kinds: Sequence[str] | None = None, *, version_iri: str | None = None
) -> rdflib.Dataset:
    """An rdflib dataset, one named graph per kind (provenance split out), stable labels, project prefixes."""
    import rdflib
    from rdflib.namespace import NamespaceManager

    ds = rdflib.Dataset()
    ds.namespace_manager = NamespaceManager(ds, bind_namespaces="none")
    _bind(ds.namespace_manager)
    cache: dict[str, Any] = {}
    graphs: dict[str, rdflib.Graph] = {}
    for s, p, o, g in stable_quads(kg, kinds, version_iri=version_iri):
        if g not in graphs:
            graphs[g] = ds.graph(rdflib.URIRef(g[1:-1]))
        graphs[g].add(tuple(cache.setdefault(t, _term(t)) for t in (s, p, o)))
    return ds


_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
def triple_index(kg: GraphData, kinds: Sequence[str] | None = None, *, version_iri: str | None = None) -> Any:
    """The merged ``kinds`` (default :data:`ASSERTED`) as a :class:`~b12kg.formats.triple_index.TripleIndex` of
    rdflib terms with stable labels: what the Turtle and JSON-LD writers read (shared inside :func:`shared_work`)."""
    kinds = _asserted(kinds)

    def make() -> Any:
        from .triple_index import TripleIndex

        quads = stable_quads(kg, kinds, split_provenance=False, version_iri=version_iri)
        return TripleIndex((_term(s), _term(p), _term(o)) for s, p, o, _ in quads)

    return _shared(("index", tuple(kinds), version_iri), kg, make)


def _dataset_index(kg: GraphData, kinds: Sequence[str] | None, version_iri: str | None) -> Any:
    """One :class:`~b12kg.formats.triple_index.TripleIndex` per named graph (provenance split out), sorted by
    name: what the TriG writer reads."""
    from rdflib import URIRef

    from .triple_index import DatasetIndex, TripleIndex

    by_graph: dict[str, list[tuple[Any, Any, Any]]] = defaultdict(list)
    for s, p, o, g in stable_quads(kg, kinds, version_iri=version_iri):
        by_graph[g].append((_term(s), _term(p), _term(o)))
    return DatasetIndex(TripleIndex(ts, identifier=URIRef(g[1:-1])) for g, ts in sorted(by_graph.items()))


def to_turtle(kg: GraphData, kinds: Sequence[str] | None = None, *, version_iri: str | None = None) -> bytes:
    """Turtle of the merged graphs ``kinds`` (default :data:`ASSERTED`), deterministic, project prefixes.

    rdflib's Turtle writer with the project prefixes, reading an index of the triples
    (:mod:`b12kg.formats.triple_index`) rather than an ``rdflib.Graph``: the same bytes, several times faster.
    """
    from .rdflib_serializers import ProjectTurtleSerializer, write

    return write(ProjectTurtleSerializer(triple_index(kg, kinds, version_iri=version_iri)))


def to_trig(kg: GraphData, kinds: Sequence[str] | None = None, *, version_iri: str | None = None) -> bytes:
    """TriG with one named graph per kind (see :data:`EXPORT_GRAPHS`), deterministic (rdflib's TriG writer
    reading an index, as :func:`to_turtle`)."""
    from .rdflib_serializers import ProjectTrigSerializer, write

    return write(ProjectTrigSerializer(_dataset_index(kg, kinds, version_iri)))


def to_rdfxml(kg: GraphData, kinds: Sequence[str] | None = None, *, version_iri: str | None = None) -> bytes:
    """RDF/XML (``.owl``) of the merged graphs ``kinds`` (default :data:`ASSERTED`), deterministic.

    One ``rdf:Description`` (or typed node element) per subject, subjects and statements sorted.
    Predicates are written with the project prefixes (the longest namespace that leaves a valid XML
    name); a predicate outside them gets a generated ``ns1``-style declaration (none in the bundled graph).

    >>> from b12kg import KnowledgeGraph
    >>> b'<b12kg:claim xml:lang="en">' in to_rdfxml(KnowledgeGraph.bundled(), ["data"])
    True
    """
    from xml.sax.saxutils import escape, quoteattr

    import pyoxigraph as ox

    quads = stable_quads(kg, _asserted(kinds), split_provenance=False, version_iri=version_iri)
    by_subject: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for s, p, o, _ in quads:
        if (p, o) not in by_subject[s]:
            by_subject[s].append((p, o))
    namespaces: dict[str, str] = {"rdf": PREFIX_MAP["rdf"]}
    generated: dict[str, str] = {}

    def qname(iri: str) -> str:
        best = ""
        for prefix, ns in PREFIX_MAP.items():
            if (
                iri.startswith(ns)
                and _NCNAME.match(iri[len(ns) :])
                and len(ns) > len(PREFIX_MAP.get(best, ""))
            ):
                best = prefix
        if best:
            namespaces[best] = PREFIX_MAP[best]
            return f"{best}:{iri[len(PREFIX_MAP[best]) :]}"
        m = re.match(r"^(.*?)([A-Za-z_][A-Za-z0-9_.\-]*)$", iri)
        if not m or not m.group(1):
            from ..core.errors import FormatError

            raise FormatError(f"the predicate <{iri}> cannot be written in RDF/XML (no XML name at its end)")
        ns = m.group(1)
        prefix = generated.setdefault(ns, f"ns{len(generated) + 1}")
        namespaces[prefix] = ns
        return f"{prefix}:{m.group(2)}"

    def node_attr(term: str) -> str:
        if term.startswith("_:"):
            return f"rdf:nodeID={quoteattr(term[2:])}"
        return f"rdf:about={quoteattr(term[1:-1])}"

    body: list[str] = []
    rdf_type = f"<{RDF_TYPE}>"
    for s in sorted(by_subject):
        pos = sorted(by_subject[s])
        types = [o for p, o in pos if p == rdf_type and o.startswith("<")]
        element = "rdf:Description"
        if types:
            try:
                element = qname(types[0][1:-1])
                pos.remove((rdf_type, types[0]))
            except Exception:
                element = "rdf:Description"
        body.append(f"  <{element} {node_attr(s)}>")
        for p, o in pos:
            tag = qname(p[1:-1])
            if o.startswith("<"):
                body.append(f"    <{tag} rdf:resource={quoteattr(o[1:-1])}/>")
            elif o.startswith("_:"):
                body.append(f"    <{tag} rdf:nodeID={quoteattr(o[2:])}/>")
            else:
                lit = next(iter(ox.parse(f"<x:s> <x:p> {o} .", format=ox.RdfFormat.N_TRIPLES))).object
                value = escape(lit.value)
                if lit.language:
                    body.append(f"    <{tag} xml:lang={quoteattr(lit.language)}>{value}</{tag}>")
                elif lit.datatype.value == XSD_STRING:
                    body.append(f"    <{tag}>{value}</{tag}>")
                else:
                    body.append(f"    <{tag} rdf:datatype={quoteattr(lit.datatype.value)}>{value}</{tag}>")
        body.append(f"  </{element}>")
    order = [p for p in PREFIX_MAP if p in namespaces] + sorted(p for p in namespaces if p not in PREFIX_MAP)
    decls = "".join(f"\n    xmlns:{p}={quoteattr(namespaces[p])}" for p in order)
    head = f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF{decls}>\n'
    return (head + "\n".join(body) + "\n</rdf:RDF>\n").encode("utf-8")


def to_jsonld(kg: GraphData, kinds: Sequence[str] | None = None, *, version_iri: str | None = None) -> bytes:
    """JSON-LD compacted with a context of :data:`PREFIX_MAP` only; nodes sorted by ``@id``, keys sorted.

    rdflib's JSON-LD converter reading an index of the triples (:mod:`b12kg.formats.triple_index`).
    """
    from .rdflib_serializers import jsonld_nodes

    context = dict(PREFIX_MAP)
    nodes = jsonld_nodes(triple_index(kg, kinds, version_iri=version_iri), context)
    for node in nodes:
        for key, value in list(node.items()):
            if isinstance(value, list) and len(value) > 1:
                node[key] = sorted(value, key=lambda v: json.dumps(v, sort_keys=True))
    ids = [str(n.get("@id", "")) for n in nodes]
    if len(set(ids)) == len(ids):  # one node per subject (always, from rdflib): the @id alone orders them
        nodes.sort(key=lambda n: str(n.get("@id", "")))
    else:
        nodes.sort(key=lambda n: (str(n.get("@id", "")), json.dumps(n, sort_keys=True)))
    out = {"@context": context, "@graph": nodes}
    return (json.dumps(out, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
