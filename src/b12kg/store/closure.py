"""The OWL 2 RL closure of a store, computed with ``reasonable`` (the query-time inferences).

The compiled store keeps it in the ``inferred`` named graph so that queries need no hand-written
inverse or super-property patterns; :mod:`b12kg.checks.reasoning` compares it with HermiT.

Everything here takes a :class:`pyoxigraph.Store` whose named graphs follow
:data:`b12kg.store.sources.GRAPHS`; the ``inferred`` graph is never read as input.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..core.prefixes import PREFIX_MAP
from ..core.terms import Term, from_oxigraph
from .sources import GRAPHS

__all__ = ["asserted_ntriples", "asserted_pairs", "owlrl_closure", "owlrl_closure_ntriples", "owlrl_types"]

OWL = "http://www.w3.org/2002/07/owl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = RDF + "type"
SUBCLASS_OF = RDFS + "subClassOf"
OWL_THING = OWL + "Thing"
INFERRED_GRAPH = GRAPHS["inferred"]
_W3C = (OWL, RDF, RDFS, "http://www.w3.org/2001/XMLSchema#")
B12KG = PREFIX_MAP["b12kg"]


def asserted_ntriples(store: Any) -> bytes:
    """Every asserted triple of ``store`` (all named graphs except the inferred one) as N-Triples."""
    import pyoxigraph as ox

    inferred = ox.NamedNode(INFERRED_GRAPH)
    return bytes(
        ox.serialize(  # type: ignore[arg-type]
            (
                ox.Triple(q.subject, q.predicate, q.object)
                for q in store.quads_for_pattern(None, None, None, None)
                if q.graph_name != inferred
            ),
            format=ox.RdfFormat.N_TRIPLES,
        )
    )


def asserted_pairs(store: Any, predicate: str) -> set[tuple[str, str]]:
    """``(subject, object)`` IRI pairs of the asserted ``predicate`` statements of ``store``."""
    import pyoxigraph as ox

    inferred = ox.NamedNode(INFERRED_GRAPH)
    return {
        (q.subject.value, q.object.value)
        for q in store.quads_for_pattern(None, ox.NamedNode(predicate), None, None)
        if q.graph_name != inferred
        and isinstance(q.subject, ox.NamedNode)
        and isinstance(q.object, ox.NamedNode)
    }


# -- OWL RL (reasonable) -------------------------------------------------------------------------
_TRIVIAL_PREDICATES = {
    OWL + "sameAs",
    SUBCLASS_OF,
    OWL + "equivalentClass",
    RDFS + "subPropertyOf",
    OWL + "equivalentProperty",
}


def _keep(s: Term, p: Term, o: Term) -> bool:
    """Whether an OWL RL consequence is worth keeping.

    Kept: about a named, non-W3C subject, no blank node as object, not trivial (``x a owl:Thing``…).
    """
    if not s.is_iri or o.kind == "bnode" or s.value.startswith(_W3C):
        return False
    if p.value in _TRIVIAL_PREDICATES and s == o:
        return False
    if p.value == RDF_TYPE and o.value in (OWL_THING, RDFS + "Resource"):
        return False
    if p.value == SUBCLASS_OF and o.value == OWL_THING:
        return False
    return not (p.value in _TRIVIAL_PREDICATES and o.is_iri and o.value.startswith(_W3C))


def _asserted_terms(store: Any) -> set[tuple[Term, Term, Term]]:
    """The asserted triples without blank nodes, as :class:`Term` triples (to tell new triples from old)."""
    import pyoxigraph as ox

    inferred, blank = ox.NamedNode(INFERRED_GRAPH), ox.BlankNode
    out: set[tuple[Term, Term, Term]] = set()
    for q in store.quads_for_pattern(None, None, None, None):
        if q.graph_name == inferred or isinstance(q.subject, blank) or isinstance(q.object, blank):
            continue
        s, p, o = from_oxigraph(q.subject), from_oxigraph(q.predicate), from_oxigraph(q.object)
        if s is not None and p is not None and o is not None:
            out.add((s, p, o))
    return out


def _closure_iter(store: Any) -> Iterator[tuple[Term, Term, Term]]:
    import reasonable
    from rdflib import Literal, URIRef

    reasoner = reasonable.PyReasoner()
    with tempfile.TemporaryDirectory(prefix="b12kg-owlrl-") as tmp:
        path = Path(tmp) / "asserted.ttl"  # N-Triples is Turtle; reasonable reads .ttl/.n3 files only
        path.write_bytes(asserted_ntriples(store))
        reasoner.load_file(str(path))
    base = _asserted_terms(store)
    seen: set[tuple[Term, Term, Term]] = set()
    iris: dict[str, Term] = {}
    for rs, rp, ro in reasoner.reason():
        # blank-node subjects and objects are never kept: test the rdflib types before converting
        if type(rs) is not URIRef or not isinstance(ro, (URIRef, Literal)):
            continue
        s = iris.get(rs) or iris.setdefault(rs, Term.iri(str(rs)))
        p = iris.get(rp) or iris.setdefault(rp, Term.iri(str(rp)))
        if isinstance(ro, Literal):
            o = Term.literal(str(ro), str(ro.datatype) if ro.datatype else None, ro.language)
        else:
            o = iris.get(ro) or iris.setdefault(ro, Term.iri(str(ro)))
        t3 = (s, p, o)
        if t3 not in base and t3 not in seen and _keep(s, p, o):
            seen.add(t3)
            yield t3


def owlrl_closure(store: Any) -> list[tuple[Term, Term, Term]]:
    """The OWL 2 RL consequences of ``store`` (with ``reasonable``) that are not already asserted, sorted.

    Includes inverse-property edges (``causedBy`` from ``causes``…), super-property edges
    (``biomarkerOf`` from ``elevatedIn``…), transitive ``partOf``, domain/range types, subclass-closure types
    and the defined-class memberships OWL RL can derive. Triples about blank nodes, about W3C vocabulary
    and trivial ones (``x a owl:Thing``, ``x owl:sameAs x``) are left out.
    """
    return sorted(_closure_iter(store))


def owlrl_closure_ntriples(store: Any) -> str:
    """:func:`owlrl_closure` as N-Triples text, to load into the ``inferred`` named graph of the store."""
    return "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in owlrl_closure(store))


def owlrl_types(store: Any) -> set[tuple[str, str]]:
    """``(individual, class)`` memberships in the OWL RL closure that are not asserted.

    Used to compare OWL RL with HermiT.
    """
    return {(s.value, o.value) for s, p, o in owlrl_closure(store) if p.value == RDF_TYPE and o.is_iri}
