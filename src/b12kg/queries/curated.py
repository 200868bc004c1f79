"""The curated statements of the graph, each with the sections and claims behind it, loaded in one go.

A :class:`CuratedGraph` holds every concept-to-concept statement that carries provenance — an
``owl:Axiom`` annotation, or an ``owl:NegativePropertyAssertion`` for the article's negative claims — with
the article sections and claims that state it (:class:`Evidence`), the labels and kinds (top-level
classes) of the concepts, the article's sections and the cells of its comparison table
(:class:`ComparisonCell`). The symptom differential (:mod:`~b12kg.queries.differential`), the chains
between two concepts (:mod:`~b12kg.queries.paths`) and the diagrams (:mod:`b12kg.formats.diagrams`) reason
over it in Python, so they all rest on the same evidence as ``b12kg query`` and the concept pages.

It is read through an :data:`~b12kg.queries.lookup.Execute` (Oxigraph, rdflib or a remote endpoint) with a
handful of queries. Statements of the ``inferred`` graph are left out: only what the curators asserted,
with its provenance, counts as evidence.

>>> from b12kg.queries.run import executor
>>> from b12kg.store.dataset import Dataset
>>> g = CuratedGraph.load(executor(Dataset.bundled(), "oxigraph"))
>>> s = g.statement("b12kg:demyelination", "b12kg:causes", "b12kg:disrupted_nerve_signalling")
>>> s.evidence[0].cite, g.label(s.object)
('§1', 'disrupted nerve signalling')
>>> g.kind_label("b12kg:dehydration")
'condition'
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..core.prefixes import PREFIX_MAP, compress_fast, expand_fast
from ..store.sources import GRAPHS
from .lookup import Execute, labels

__all__ = ["B12KG", "ComparisonCell", "CuratedGraph", "Evidence", "Statement", "b12kg", "section_numbers"]

B12KG = PREFIX_MAP["b12kg"]
_NOT_INFERRED = "FILTER NOT EXISTS {{ GRAPH <{g}> {{ {s} {p} {o} }} }}"


def b12kg(local: str) -> str:
    """The IRI of a b12kg term from its local name: ``b12kg("causes")``."""
    return B12KG + local


def _iri(value: str) -> str:
    """An IRI from a CURIE or an IRI."""
    return expand_fast(value) if ":" in value and not value.startswith(("http://", "https://")) else value


@dataclass(frozen=True, order=True)
class Evidence:
    """One section of the article and the claim (in b12kg's words) that states a statement there."""

    section_number: int
    section: str
    heading: str
    claim: str

    @property
    def cite(self) -> str:
        """``§4`` (the section's number in the article)."""
        return f"§{self.section_number}" if self.section_number else compress_fast(self.section)

    def to_dict(self) -> dict[str, Any]:
        return {"section": compress_fast(self.section), "section_number": self.section_number,
                "heading": self.heading, "claim": self.claim}


@dataclass(frozen=True)
class Statement:
    """A curated statement ``subject predicate object`` and every piece of evidence for it.

    ``negated`` marks the article's negative claims (the statement is denied, not asserted).
    """

    subject: str
    predicate: str
    object: str
    evidence: tuple[Evidence, ...]
    negated: bool = False

    @property
    def key(self) -> tuple[str, str, str, bool]:
        return (self.subject, self.predicate, self.object, self.negated)


@dataclass(frozen=True)
class ComparisonCell:
    """A cell of the article's comparison table: a characteristic of one kind of muscle spasm."""

    entry: str
    characteristic: str
    characteristic_label: str
    order: int
    spasm_type: str
    summary: str
    evidence: Evidence
    mentions: tuple[str, ...] = ()


@dataclass
class CuratedGraph:
    """Curated statements with their evidence, and what is needed to name and group their concepts."""

    statements: tuple[Statement, ...]
    names: Mapping[str, str]
    types: Mapping[str, tuple[str, ...]]
    superclasses: Mapping[str, tuple[str, ...]]
    sections: Mapping[str, Evidence]
    cells: tuple[ComparisonCell, ...] = ()
    _out: dict[str, list[Statement]] = field(default_factory=dict, repr=False)
    _in: dict[str, list[Statement]] = field(default_factory=dict, repr=False)
    _classes: set[str] = field(default_factory=set, repr=False)

    def __post_init__(self) -> None:
        out: dict[str, list[Statement]] = defaultdict(list)
        into: dict[str, list[Statement]] = defaultdict(list)
        for s in self.statements:
            out[s.subject].append(s)
            into[s.object].append(s)
        self._out, self._in = dict(out), dict(into)
        self._classes = set(self.superclasses) | {c for v in self.superclasses.values() for c in v} | {
            c for v in self.types.values() for c in v}

    # -- loading ------------------------------------------------------------------------------------
    @classmethod
    def load(cls, execute: Execute) -> CuratedGraph:
        """Read the curated statements, sections, comparison table, labels and classes of a graph."""
        sections = _sections(execute)
        statements = _statements(execute, sections)
        cells = _cells(execute, sections)
        types = _pairs(execute, "?x a ?t .", "?x ?t", "rdf:type")
        superclasses = _pairs(execute, "?x rdfs:subClassOf ?t .", "?x ?t", "rdfs:subClassOf")
        wanted: set[str] = set(types) | set(superclasses) | set(sections)
        for s in statements:
            wanted.update((s.subject, s.predicate, s.object))
        for c in cells:
            wanted.update((c.characteristic, c.spasm_type, *c.mentions))
        for values in (*types.values(), *superclasses.values()):
            wanted.update(values)
        return cls(statements, labels(execute, wanted), types, superclasses, sections, cells)

    # -- looking things up ------------------------------------------------------------------------
    def label(self, iri: str) -> str:
        """The English label of a term (its CURIE when it has none)."""
        iri = _iri(iri)
        return self.names.get(iri) or compress_fast(iri)

    def out(self, iri: str, predicate: str | None = None, *, negated: bool = False) -> list[Statement]:
        """The statements with ``iri`` as subject (the article's denials with ``negated``)."""
        pred = _iri(predicate) if predicate else None
        return [s for s in self._out.get(_iri(iri), []) if s.negated == negated and pred in (None, s.predicate)]

    def into(self, iri: str, predicate: str | None = None, *, negated: bool = False) -> list[Statement]:
        """The statements with ``iri`` as object (the article's denials with ``negated``)."""
        pred = _iri(predicate) if predicate else None
        return [s for s in self._in.get(_iri(iri), []) if s.negated == negated and pred in (None, s.predicate)]

    def statement(self, subject: str, predicate: str, obj: str, *, negated: bool = False) -> Statement | None:
        """The curated statement ``subject predicate obj`` (CURIEs or IRIs), or None."""
        key = (_iri(subject), _iri(predicate), _iri(obj), negated)
        return next((s for s in self._out.get(key[0], []) if s.key == key), None)

    def concepts(self) -> list[str]:
        """Every concept that takes part in a curated statement, sorted."""
        return sorted({s.subject for s in self.statements} | {s.object for s in self.statements})

    def ancestors(self, cls: str) -> list[str]:
        """The native superclasses of a class, nearest first (breadth first, each once)."""
        seen: list[str] = []
        todo = [_iri(cls)]
        while todo:
            nxt: list[str] = []
            for c in todo:
                for sup in self.superclasses.get(c, ()):
                    if sup not in seen:
                        seen.append(sup)
                        nxt.append(sup)
            todo = nxt
        return seen

    def kind(self, iri: str) -> str | None:
        """The top-level b12kg class of a concept (``Condition``, ``ClinicalFinding``…) or of a class."""
        iri = _iri(iri)
        starts = [iri] if iri in self._classes else sorted(self.types.get(iri, ()))
        for start in starts:
            for c in (start, *self.ancestors(start)):
                if not self.superclasses.get(c):
                    return c
        return None

    def kind_label(self, iri: str) -> str:
        """The label of :meth:`kind` ("" when the concept has no b12kg type)."""
        k = self.kind(iri)
        return self.label(k) if k else ""

    def is_a(self, iri: str, cls: str) -> bool:
        """Whether a concept has ``cls`` (a CURIE or IRI) among its asserted types or their superclasses."""
        want = _iri(cls)
        return any(t == want or want in self.ancestors(t) for t in self.types.get(_iri(iri), ()))


# -- the queries ----------------------------------------------------------------------------------------
def _not_inferred(s: str, p: str, o: str) -> str:
    return _NOT_INFERRED.format(g=GRAPHS["inferred"], s=s, p=p, o=o)


def _sections(execute: Execute) -> dict[str, Evidence]:
    q = """SELECT ?section ?heading ?order WHERE {
      ?section a b12kg:DocumentSection .
      OPTIONAL { ?section b12kg:heading ?heading }
      OPTIONAL { ?section b12kg:sectionOrder ?order }
    }"""
    out: dict[str, Evidence] = {}
    for sec, heading, order in execute(q, {}, "the curated statements").rows:
        if sec is None or not sec.is_iri:
            continue
        number = int(order.value) if order is not None and order.value.isdigit() else 0
        out[sec.value] = Evidence(number, sec.value, heading.value if heading else "", "")
    return out


def _evidence(sections: Mapping[str, Evidence], section: str, claim: str) -> Evidence:
    known = sections.get(section)
    return Evidence(known.section_number if known else 0, section, known.heading if known else "", claim)


def _statements(execute: Execute, sections: Mapping[str, Evidence]) -> tuple[Statement, ...]:
    q = """SELECT ?negated ?s ?p ?o ?section ?claim WHERE {
      {
        ?a owl:annotatedSource ?s ; owl:annotatedProperty ?p ; owl:annotatedTarget ?o .
        BIND(false AS ?negated)
      } UNION {
        ?a a owl:NegativePropertyAssertion ; owl:sourceIndividual ?s ; owl:assertionProperty ?p ;
           owl:targetIndividual ?o .
        BIND(true AS ?negated)
      }
      ?a b12kg:sourceSection ?section ; b12kg:claim ?claim .
      FILTER(isIRI(?s) && isIRI(?o) && isIRI(?section))
    }"""
    found: dict[tuple[str, str, str, bool], set[Evidence]] = defaultdict(set)
    for negated, s, p, o, section, claim in execute(q, {}, "the curated statements").rows:
        if negated is None or s is None or p is None or o is None or section is None or claim is None:
            continue
        key = (s.value, p.value, o.value, negated.value == "true")
        found[key].add(_evidence(sections, section.value, claim.value))
    return tuple(Statement(s, p, o, tuple(sorted(ev)), neg) for (s, p, o, neg), ev in sorted(found.items()))


def _cells(execute: Execute, sections: Mapping[str, Evidence]) -> tuple[ComparisonCell, ...]:
    q = """SELECT ?entry ?ch ?chlabel ?order ?type ?summary ?section ?mention WHERE {
      ?entry a b12kg:ComparisonEntry ; b12kg:forCharacteristic ?ch ; b12kg:forSpasmType ?type ;
             b12kg:summary ?summary ; b12kg:sourceSection ?section .
      OPTIONAL { ?ch rdfs:label ?chlabel FILTER(lang(?chlabel) = "" || langMatches(lang(?chlabel), "en")) }
      OPTIONAL { ?ch b12kg:displayOrder ?order }
      OPTIONAL { ?entry b12kg:mentions ?mention FILTER(isIRI(?mention)) }
    }"""
    cells: dict[str, dict[str, Any]] = {}
    for entry, ch, chlabel, order, kind, summary, section, mention in execute(q, {}, "the comparison table").rows:
        if entry is None or ch is None or kind is None or summary is None or section is None:
            continue
        cell = cells.setdefault(entry.value, {
            "entry": entry.value, "characteristic": ch.value,
            "characteristic_label": chlabel.value if chlabel else compress_fast(ch.value),
            "order": int(order.value) if order is not None and order.value.isdigit() else 0,
            "spasm_type": kind.value, "summary": summary.value,
            "evidence": _evidence(sections, section.value, summary.value), "mentions": set()})
        if mention is not None:
            cell["mentions"].add(mention.value)
    return tuple(sorted((ComparisonCell(**{**c, "mentions": tuple(sorted(c["mentions"]))}) for c in cells.values()),
                        key=lambda c: (c.order, c.characteristic, c.spasm_type)))


def _pairs(execute: Execute, pattern: str, variables: str, what: str) -> dict[str, tuple[str, ...]]:
    """``?x → ?t`` for b12kg terms ``?x`` and b12kg classes ``?t`` matching ``pattern`` (asserted only)."""
    q = (f"SELECT {variables} WHERE {{ {pattern} "
         f'FILTER(isIRI(?x) && isIRI(?t) && STRSTARTS(STR(?x), "{B12KG}") && STRSTARTS(STR(?t), "{B12KG}")) '
         f"{_not_inferred('?x', what, '?t')} }}")
    out: dict[str, set[str]] = defaultdict(set)
    for x, t in execute(q, {}, "the curated statements").rows:
        if x is not None and t is not None and x.value != t.value:
            out[x.value].add(t.value)
    return {k: tuple(sorted(v)) for k, v in sorted(out.items())}


def section_numbers(evidence: Iterable[Evidence]) -> str:
    """``§3, §4`` — the distinct sections of some evidence, in article order."""
    return ", ".join(dict.fromkeys(e.cite for e in sorted(evidence)))
