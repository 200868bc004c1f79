"""Concepts as a reader meets them: find one by what a person types, and describe it whole.

One model serves every face — ``b12kg show``, the server's concept pages and the documentation site —
so they never differ:

* :func:`resolve` turns text into the IRI of a b12kg term: a CURIE or IRI (an external one such as
  ``HP:0003394`` is followed through the mappings to the b12kg concept mapped to it), a label or an
  exact synonym in any case, or the singular or plural of one. When nothing matches it raises
  :class:`~b12kg.core.errors.ConceptNotFoundError` with the closest names.
* :func:`search` ranks the b12kg terms whose labels, synonyms or definitions match some text,
  forgiving plurals and small typos.
* :func:`describe` gathers everything the graph says about a term into a :class:`Concept`: label,
  definition, synonyms, types, every curated edge in and out with its section and claim (negated ones
  too), other statements, external IDs with their mapping predicates, and the comparison-table cells
  that mention it.

Each function takes an :data:`~b12kg.queries.lookup.Execute`, so it works on Oxigraph, rdflib or a
remote endpoint alike. Statements of the ``inferred`` graph are left out: a description shows what the
curators asserted.

>>> from b12kg.queries.run import executor
>>> from b12kg.store.dataset import Dataset
>>> run = executor(Dataset.bundled(), "oxigraph")
>>> iri = resolve(run, "muscle spasms")
>>> c = describe(run, iri)
>>> c.label, c.curie
('muscle spasm', 'b12kg:muscle_spasm')
>>> [x.curie for x in c.external_ids if x.predicate_curie == "skos:exactMatch"]
['HP:0003394']
>>> resolve(run, "HP:0003394") == iri
True
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from ..core.errors import ConceptNotFoundError
from ..core.prefixes import PREFIX_MAP, compress_fast, expand_fast
from ..core.terms import Term
from ..store.sources import GRAPHS
from .cold import exact_name_query
from .lookup import Execute

__all__ = [
    "Concept",
    "Edge",
    "ExternalId",
    "Fact",
    "SearchHit",
    "TableCell",
    "describe",
    "describe_many",
    "find_term",
    "resolve",
    "search",
]

B12KG = PREFIX_MAP["b12kg"]
SKOS = PREFIX_MAP["skos"]
#: mapping predicates, strongest first (the order of ``resolve`` through the mappings and of pages)
MAPPING_PREDICATES = tuple(SKOS + p for p in ("exactMatch", "closeMatch", "narrowMatch", "broadMatch",
                                               "relatedMatch"))
_NOT_INFERRED = f"FILTER NOT EXISTS {{ GRAPH <{GRAPHS['inferred']}> {{ ?s ?p ?o }} }}"


# -- the model -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Edge:
    """A curated statement linking the described term to another, with the evidence behind it.

    ``direction`` is ``out`` (the term is the subject) or ``in`` (the term is the object); ``negated``
    marks the article's negative claims (``owl:NegativePropertyAssertion``).
    """

    direction: str
    predicate: str
    predicate_label: str
    other: str
    other_label: str
    section: str
    section_label: str
    claim: str
    negated: bool = False

    @property
    def predicate_curie(self) -> str:
        return compress_fast(self.predicate)

    @property
    def other_curie(self) -> str:
        return compress_fast(self.other)


@dataclass(frozen=True)
class ExternalId:
    """A term of another ontology that the described term maps to, and how (a SKOS mapping predicate)."""

    predicate: str
    iri: str
    label: str

    @property
    def curie(self) -> str:
        return compress_fast(self.iri)

    @property
    def predicate_curie(self) -> str:
        return compress_fast(self.predicate)

    @property
    def prefix(self) -> str:
        """The ontology's prefix (``HP``, ``MONDO``…), or "" for an IRI outside the prefix map."""
        curie = self.curie
        return curie.split(":", 1)[0] if curie != self.iri else ""


@dataclass(frozen=True)
class Fact:
    """Any other asserted statement about the term: a property and a value (an IRI or a literal)."""

    predicate: str
    predicate_label: str
    value: Term
    value_label: str
    direction: str = "out"


@dataclass(frozen=True)
class TableCell:
    """A cell of the article's comparison table that mentions the term (or describes its kind of spasm)."""

    entry: str
    characteristic: str
    spasm_type: str
    summary: str
    section: str
    section_label: str


@dataclass
class Concept:
    """Everything the graph asserts about one b12kg term (a concept, class or property)."""

    iri: str
    label: str
    kind: str  # "individual", "class", "object property", "data property", "annotation property", "term"
    definitions: list[str] = field(default_factory=list)
    synonyms: list[str] = field(default_factory=list)
    related_synonyms: list[str] = field(default_factory=list)
    types: list[tuple[str, str]] = field(default_factory=list)  # (class IRI, label), most specific first
    edges: list[Edge] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    external_ids: list[ExternalId] = field(default_factory=list)
    table_cells: list[TableCell] = field(default_factory=list)

    @property
    def curie(self) -> str:
        return compress_fast(self.iri)

    @property
    def definition(self) -> str:
        """The English definition ("" when there is none)."""
        return self.definitions[0] if self.definitions else ""

    @property
    def outgoing(self) -> list[Edge]:
        return [e for e in self.edges if e.direction == "out"]

    @property
    def incoming(self) -> list[Edge]:
        return [e for e in self.edges if e.direction == "in"]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (IRIs kept whole, CURIEs beside them)."""
        out = asdict(self)
        out["curie"] = self.curie
        out["types"] = [{"iri": i, "curie": compress_fast(i), "label": lab} for i, lab in self.types]
        out["edges"] = [{**asdict(e), "predicate_curie": e.predicate_curie, "other_curie": e.other_curie}
                        for e in self.edges]
        out["external_ids"] = [{**asdict(x), "curie": x.curie, "predicate_curie": x.predicate_curie}
                               for x in self.external_ids]
        out["facts"] = [{"predicate": f.predicate, "predicate_label": f.predicate_label,
                         "value": f.value.value, "value_kind": f.value.kind, "value_label": f.value_label,
                         "direction": f.direction} for f in self.facts]
        return out


@dataclass(frozen=True, order=True)
class SearchHit:
    """A term found by :func:`search`: higher ``score`` is better; ``field`` says what matched."""

    score: float
    iri: str
    label: str
    field: str
    text: str

    @property
    def curie(self) -> str:
        return compress_fast(self.iri)


# -- finding terms -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Name:
    iri: str
    label: str
    field: str  # "label", "synonym", "definition"
    text: str


def _names(execute: Execute, *, definitions: bool = False) -> list[_Name]:
    """Labels and synonyms (and definitions) of every b12kg term, from the asserted graphs."""
    fields = ["rdfs:label", "oboInOwl:hasExactSynonym", "oboInOwl:hasRelatedSynonym"]
    if definitions:
        fields.append("skos:definition")
    q = f"""
    SELECT DISTINCT ?s ?field ?text ?label WHERE {{
      VALUES ?field {{ {' '.join(fields)} }}
      ?s ?field ?text .
      FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{B12KG}"))
      FILTER(lang(?text) = "" || langMatches(lang(?text), "en"))
      OPTIONAL {{ ?s rdfs:label ?label FILTER(lang(?label) = "" || langMatches(lang(?label), "en")) }}
    }}"""
    kinds = {PREFIX_MAP["rdfs"] + "label": "label", PREFIX_MAP["skos"] + "definition": "definition"}
    out = []
    for s, f, text, label in execute(q, {}, "the concept lookup").rows:
        if s is None or f is None or text is None:
            continue
        kind = kinds.get(f.value, "synonym")
        out.append(_Name(s.value, label.value if label is not None else compress_fast(s.value), kind, text.value))
    return sorted(set(out), key=lambda n: (n.iri, n.field, n.text))


def _fold(text: str) -> str:
    """Lower case, single spaces, no punctuation but hyphens inside words."""
    return " ".join(re.sub(r"[^\w\s-]", " ", text.casefold()).split())


def _singular(word: str) -> str:
    """A rough singular of an English word (spasms → spasm, injections → injection, fibres → fibre)."""
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("xes", "x"), ("ches", "ch"), ("shes", "sh")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return word[: -len(suffix)] + repl
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def _stem(text: str) -> str:
    return " ".join(_singular(w) for w in _fold(text).split())


def _exists(execute: Execute, iri: str) -> bool:
    r = execute("ASK { { ?s ?p ?o } UNION { ?x ?p2 ?s } }", {"s": Term.iri(iri)}, "the concept lookup")
    return bool(r.boolean)


def _through_mappings(execute: Execute, iri: str) -> str | None:
    """The b12kg term mapped to the external term ``iri`` (the strongest mapping; exact before close…)."""
    values = " ".join(f"<{p}>" for p in MAPPING_PREDICATES)
    order = " ".join(f'IF(?p = <{p}>, {i}, ' for i, p in enumerate(MAPPING_PREDICATES)) + "9" + ")" * len(
        MAPPING_PREDICATES)
    q = (f"SELECT ?s WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?x "
         f'FILTER(STRSTARTS(STR(?s), "{B12KG}")) }} ORDER BY ({order}) STR(?s) LIMIT 1')
    rows = execute(q, {"x": Term.iri(iri)}, "the concept lookup").rows
    return rows[0][0].value if rows and rows[0][0] is not None else None


#: the longest text taken as a concept's name (or searched for): longer text names nothing and would only
#: cost time to compare with every name
MAX_NAME = 300


def resolve(execute: Execute, text: str) -> str:
    """The IRI of the b12kg term that ``text`` names (see the module docstring for what it accepts).

    Raises :class:`~b12kg.core.errors.ConceptNotFoundError` (a ``ParameterError``) with suggestions.
    """
    value = text.strip()
    if not value:
        raise ConceptNotFoundError(text, [])
    if len(value) > MAX_NAME:
        raise ConceptNotFoundError(text, [], note=f"{len(value):,} characters; no name is longer than {MAX_NAME}")
    iri = _as_iri(value)
    if iri:
        if iri.startswith(B12KG):
            if _exists(execute, iri):
                return iri
            raise _unknown_iri(execute, text, iri)
        mapped = _through_mappings(execute, iri)
        if mapped is not None:
            return mapped
        raise ConceptNotFoundError(text, [], note="no b12kg concept is mapped to it")
    exact = _exact_name(execute, value)
    if exact is not None:
        return exact
    return _by_names(execute, text, value)


def _exact_name(execute: Execute, value: str) -> str | None:
    """One query for the usual case: the b12kg term whose label or synonym is ``value`` up to case.

    It picks as :func:`_by_names` does (terms with an English label first, then by IRI) among the names
    that match exactly; anything else (other spacing or punctuation, a plural) is left to :func:`_by_names`.
    """
    q = exact_name_query()
    rows = execute(q, {"v": Term.literal(value)}, "the concept lookup").rows
    return rows[0][0].value if rows and rows[0][0] is not None else None


def _by_names(execute: Execute, text: str, value: str) -> str:
    """:func:`resolve` by reading every name: spacing, punctuation and case folded, then plurals."""
    names = [n for n in _names(execute) if n.field != "definition"]
    folded = _fold(value)
    for wanted, key in ((folded, _fold), (_stem(value), _stem)):
        found = sorted({n.iri for n in names if key(n.text) == wanted},
                       key=lambda i: (not any(n.iri == i and n.field == "label" for n in names), i))
        if found:
            return found[0]
    raise ConceptNotFoundError(text, [h.label for h in _suggestions(execute, value)])


def find_term(execute: Execute, text: str) -> str:
    """The IRI a query parameter names: a CURIE or IRI that the graph uses, as it is (an external term
    such as ``HP:0000707`` too); else the b12kg term a label, synonym or plural names (:func:`resolve`);
    else any term with that label or exact synonym (e.g. of an ontology added with ``b12kg load``).

    Raises :class:`~b12kg.core.errors.ConceptNotFoundError` naming the text, with suggestions, when the
    graph has no such term: an unknown CURIE is never silently an empty answer.

    >>> from b12kg.queries.run import executor
    >>> from b12kg.store.dataset import Dataset
    >>> run = executor(Dataset.bundled(), "oxigraph")
    >>> compress_fast(find_term(run, "HP:0003394")), compress_fast(find_term(run, "spasms"))
    ('HP:0003394', 'b12kg:muscle_spasm')
    >>> try:
    ...     find_term(run, "b12kg:muscle_spasms")
    ... except ConceptNotFoundError as e:
    ...     print(e.note, "->", e.suggestions[0])
    the graph has no term with this IRI -> b12kg:muscle_spasm
    """
    value = text.strip()
    iri = _as_iri(value)
    if iri:
        if _exists(execute, iri):
            return iri
        if iri.startswith(B12KG):
            raise _unknown_iri(execute, text, iri)
        raise ConceptNotFoundError(text, [], note="the graph has no term with this IRI")
    prefix = re.fullmatch(r"([A-Za-z][\w.-]*):[^\s:]+", value)
    if prefix:
        raise ConceptNotFoundError(text, [], note=f"{prefix.group(1)!r} is not a declared prefix")
    try:
        return resolve(execute, value)
    except ConceptNotFoundError:
        from .lookup import by_label

        found = by_label(execute, value)
        if found is None:
            raise
        return found


def _as_iri(value: str) -> str:
    """The IRI that ``value`` spells as a CURIE, ``<IRI>`` or IRI, or "" when it is not one."""
    if ":" not in value or " " in value:
        return ""
    try:
        return expand_fast(value)
    except ValueError:
        return ""


def _unknown_iri(execute: Execute, text: str, iri: str) -> ConceptNotFoundError:
    """The error for a b12kg IRI the graph does not use: suggest the CURIEs of the closest terms."""
    words = iri[len(B12KG):].replace("_", " ").replace("-", " ")
    hits = _suggestions(execute, words) if words.strip() else []
    return ConceptNotFoundError(text, [h.curie for h in hits], note="the graph has no term with this IRI")


#: the lowest :func:`search` score worth suggesting in an error (a close spelling or every word present)
SUGGESTION_SCORE = 25.0


def _suggestions(execute: Execute, text: str) -> list[SearchHit]:
    return [h for h in search(execute, text, limit=3) if h.score >= SUGGESTION_SCORE]


_STOP = frozenset({"a", "an", "and", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"})


def search(execute: Execute, text: str, *, limit: int = 10) -> list[SearchHit]:
    """The b12kg terms whose label, synonym or definition matches ``text``, best first.

    Scores: a whole label 100, a whole synonym 90 (plural or singular alike: 95 and 85); every word of
    the text in a label 70+, in a synonym 60+, in a definition 40 (small words such as "in" or "of" are
    ignored); close spellings of a label or synonym up to 35; some of the words in a label or synonym up
    to 20. Shorter matching names rank first among equals. Only the first :data:`MAX_NAME` characters count.
    """
    text = text[:MAX_NAME]
    words = [w for w in _stem(text).split() if w not in _STOP] or _stem(text).split()
    if not words:
        return []
    wanted = " ".join(words)
    best: dict[str, SearchHit] = {}
    for n in _names(execute, definitions=True):
        stem = _stem(n.text)
        named = n.field != "definition"
        coverage = len(wanted) / max(len(stem), 1)
        present = [w for w in words if re.search(rf"\b{re.escape(w)}", stem)]
        score = 0.0
        if named and _fold(n.text) == _fold(text):
            score = 100.0 if n.field == "label" else 90.0
        elif named and stem == wanted:
            score = 95.0 if n.field == "label" else 85.0
        elif len(present) == len(words):
            score = {"label": 70.0, "synonym": 60.0, "definition": 40.0}[n.field]
            score += 10.0 * min(coverage, 1.0) if named else 0.0
        elif named:
            ratio = difflib.SequenceMatcher(None, wanted, stem).ratio()
            word_ratio = max((difflib.SequenceMatcher(None, w, s).ratio()
                              for w in words for s in stem.split()), default=0.0)
            close = max(ratio, word_ratio if len(words) == 1 else 0.0)
            if close >= 0.8:
                score = 30.0 * close + 5.0 * min(coverage, 1.0)
            elif present:
                score = 20.0 * len(present) / len(words) * min(1.0, 2 * coverage)
        if score and (n.iri not in best or score > best[n.iri].score):
            best[n.iri] = SearchHit(score, n.iri, n.label, n.field, n.text)
    return sorted(best.values(), key=lambda h: (-h.score, len(h.label), h.label.casefold(), h.iri))[:limit]


# -- describing a term ----------------------------------------------------------------------------------
_KINDS = {
    PREFIX_MAP["owl"] + "NamedIndividual": "individual",
    PREFIX_MAP["owl"] + "Class": "class",
    PREFIX_MAP["owl"] + "ObjectProperty": "object property",
    PREFIX_MAP["owl"] + "DatatypeProperty": "data property",
    PREFIX_MAP["owl"] + "AnnotationProperty": "annotation property",
}
_SHOWN = {PREFIX_MAP["rdfs"] + "label", PREFIX_MAP["skos"] + "definition",
          PREFIX_MAP["oboInOwl"] + "hasExactSynonym", PREFIX_MAP["oboInOwl"] + "hasRelatedSynonym",
          PREFIX_MAP["rdf"] + "type", *MAPPING_PREDICATES}


def _text(t: Term | None) -> str:
    return "" if t is None else t.value


def describe(execute: Execute, iri: str) -> Concept:
    """Everything the graph asserts about the term ``iri`` (see :class:`Concept`).

    Raises :class:`~b12kg.core.errors.ConceptNotFoundError` when the graph says nothing about it.
    """
    found = describe_many(execute, [iri])
    if iri not in found:
        raise ConceptNotFoundError(compress_fast(iri), [], note="the graph says nothing about it")
    return found[iri]


def describe_many(execute: Execute, iris: Iterable[str]) -> dict[str, Concept]:
    """:func:`describe` of every term of ``iris`` at once, in the same few queries whatever their number (the
    documentation site describes every term); a term the graph says nothing about is left out.

    >>> from b12kg.queries.run import executor
    >>> from b12kg.store.dataset import Dataset
    >>> run = executor(Dataset.bundled(), "oxigraph")
    >>> spasm = "https://w3id.org/b12kg/muscle_spasm"
    >>> found = describe_many(run, [spasm, "https://w3id.org/b12kg/no_such_term"])
    >>> sorted(found), found[spasm].label
    (['https://w3id.org/b12kg/muscle_spasm'], 'muscle spasm')
    """
    wanted = sorted(set(iris))
    if not wanted:
        return {}
    values = "VALUES ?c { " + " ".join(Term.iri(i).n3() for i in wanted) + " }"
    rows = _by_term(execute(f"""
    SELECT DISTINCT ?c ?p ?o ?olabel WHERE {{
      {values}
      ?c ?p ?o .
      BIND(?c AS ?s)
      {_NOT_INFERRED}
      OPTIONAL {{ ?o rdfs:label ?olabel FILTER(isIRI(?o) && (lang(?olabel) = "" || langMatches(lang(?olabel), "en"))) }}
    }}""", {}, "the concept description").rows)
    incoming = _by_term(execute(f"""
    SELECT DISTINCT ?c ?p ?s ?slabel WHERE {{
      {values}
      ?s ?p ?c .
      BIND(?c AS ?o)
      {_NOT_INFERRED}
      FILTER(isIRI(?s))
      OPTIONAL {{ ?s rdfs:label ?slabel FILTER(lang(?slabel) = "" || langMatches(lang(?slabel), "en")) }}
    }}""", {}, "the concept description").rows)
    edges = _by_term(execute(_EDGES.replace("WHERE {", "WHERE { " + values, 1), {}, "the concept description").rows)
    cells = _by_term(execute(_CELLS.replace("WHERE {", "WHERE { " + values, 1), {}, "the concept description").rows)
    # the labels of every IRI shown (predicates, other ends, sections, external IDs): one lookup for all terms
    shown = {t.value for group in edges.values() for r in group for t in (r[2], r[3], r[4])
             if t is not None and t.is_iri}
    shown.update(r[4].value for group in cells.values() for r in group if r[4] is not None)
    shown.update(r[0].value for group in (*rows.values(), *incoming.values()) for r in group if r[0] is not None)
    shown.update(r[1].value for group in rows.values() for r in group
                 if r[0] is not None and r[0].value in MAPPING_PREDICATES and r[1] is not None and r[1].is_iri)
    names = _labels(execute, shown)
    out = {}
    for iri in wanted:
        if iri in rows or iri in incoming:
            out[iri] = _concept(execute, iri, rows.get(iri, []), incoming.get(iri, []), edges.get(iri, []),
                                cells.get(iri, []), names)
    return out


Row = tuple[Term | None, ...]


def _by_term(rows: Iterable[Row]) -> dict[str, list[Row]]:
    """Rows whose first column is the described term, grouped by it (that column dropped), each group in a
    fixed order (an engine may return rows in any order)."""
    from ..core.results import sort_key

    out: dict[str, list[Row]] = {}
    for row in rows:
        if row[0] is not None:
            out.setdefault(row[0].value, []).append(row[1:])
    for group in out.values():
        group.sort(key=sort_key)
    return out


def _concept(execute: Execute, iri: str, rows: list[Row], incoming: list[Row], edge_rows: list[Row],
             cell_rows: list[Row], names: dict[str, str]) -> Concept:
    """The :class:`Concept` of ``iri`` from its rows of the queries of :func:`describe_many`."""
    labels: dict[str, str] = {}
    c = Concept(iri=iri, label="", kind="term")
    types: list[str] = []
    externals: list[str] = []
    for p, o, olabel in rows:
        if p is None or o is None:
            continue
        if o.kind == "iri" and olabel is not None:
            labels.setdefault(o.value, olabel.value)
        if p.value == PREFIX_MAP["rdfs"] + "label" and o.kind == "literal" and o.language in (None, "en"):
            c.label = c.label or o.value
        elif p.value == PREFIX_MAP["skos"] + "definition" and o.language in (None, "en"):
            c.definitions.append(o.value)
        elif p.value == PREFIX_MAP["oboInOwl"] + "hasExactSynonym":
            c.synonyms.append(o.value)
        elif p.value == PREFIX_MAP["oboInOwl"] + "hasRelatedSynonym":
            c.related_synonyms.append(o.value)
        elif p.value == PREFIX_MAP["rdf"] + "type" and o.kind == "iri":
            if o.value in _KINDS:
                c.kind = c.kind if c.kind != "term" and _KINDS[o.value] == "individual" else _KINDS[o.value]
            else:
                types.append(o.value)
        elif p.value in MAPPING_PREDICATES and o.kind == "iri":
            externals.append(f"{p.value}\t{o.value}")
    c.label = c.label or compress_fast(iri)
    c.definitions.sort()
    c.synonyms.sort(key=str.casefold)
    c.related_synonyms.sort(key=str.casefold)
    c.types = [(t, labels.get(t, compress_fast(t))) for t in _most_specific(execute, types)]
    c.external_ids = _external_ids(externals, names)
    c.edges = _edges(edge_rows, names)
    evidenced = {(e.direction, e.predicate, e.other) for e in c.edges}
    facts = []
    for p, o, olabel in rows:
        if p is None or o is None or p.value in _SHOWN or ("out", p.value, o.value) in evidenced:
            continue
        if o.kind == "bnode":
            continue
        facts.append(Fact(p.value, "", o, _text(olabel) if o.kind == "iri" else ""))
    for p, s, slabel in incoming:
        if p is None or s is None or ("in", p.value, s.value) in evidenced:
            continue
        if p.value in (PREFIX_MAP["owl"] + "annotatedSource", PREFIX_MAP["owl"] + "annotatedTarget",
                       PREFIX_MAP["owl"] + "sourceIndividual", PREFIX_MAP["owl"] + "targetIndividual"):
            continue
        facts.append(Fact(p.value, "", s, _text(slabel), direction="in"))
    c.facts = sorted((Fact(f.predicate, names.get(f.predicate, compress_fast(f.predicate)), f.value,
                           f.value_label or (compress_fast(f.value.value) if f.value.kind == "iri" else ""),
                           f.direction) for f in facts),
                     key=lambda f: (f.direction != "out", f.predicate_label.casefold(), f.value_label.casefold(),
                                    f.value.value))
    c.table_cells = _table_cells(cell_rows, names)
    return c


def _labels(execute: Execute, iris: Iterable[str]) -> dict[str, str]:
    from .lookup import labels

    return labels(execute, iris)


def _most_specific(execute: Execute, classes: list[str]) -> list[str]:
    """The classes of ``classes`` that no other of them is a subclass of."""
    if len(classes) < 2:
        return sorted(classes)
    values = " ".join(f"<{c}>" for c in classes)
    q = (f"SELECT DISTINCT ?a ?b WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} "
         "?a rdfs:subClassOf+ ?b FILTER(?a != ?b) }")
    broader = {b.value for _, b in execute(q, {}, "the concept description").rows if b is not None}
    return sorted(c for c in classes if c not in broader)


def _external_ids(pairs: list[str], names: dict[str, str]) -> list[ExternalId]:
    found = [tuple(p.split("\t")) for p in sorted(set(pairs))]
    rank = {p: i for i, p in enumerate(MAPPING_PREDICATES)}
    out = [ExternalId(p, x, names.get(x, "")) for p, x in found]
    return sorted(out, key=lambda e: (rank.get(e.predicate, 9), e.curie))


#: the curated edges in and out of ?c, with their evidence (negative assertions too)
_EDGES = """
    SELECT DISTINCT ?c ?direction ?negated ?p ?other ?section ?claim WHERE {
      {
        ?a owl:annotatedSource ?c ; owl:annotatedProperty ?p ; owl:annotatedTarget ?other .
        BIND("out" AS ?direction) BIND(false AS ?negated)
      } UNION {
        ?a owl:annotatedTarget ?c ; owl:annotatedProperty ?p ; owl:annotatedSource ?other .
        BIND("in" AS ?direction) BIND(false AS ?negated)
      } UNION {
        ?a a owl:NegativePropertyAssertion ; owl:sourceIndividual ?c ; owl:assertionProperty ?p ;
           owl:targetIndividual ?other .
        BIND("out" AS ?direction) BIND(true AS ?negated)
      } UNION {
        ?a a owl:NegativePropertyAssertion ; owl:targetIndividual ?c ; owl:assertionProperty ?p ;
           owl:sourceIndividual ?other .
        BIND("in" AS ?direction) BIND(true AS ?negated)
      }
      ?a b12kg:sourceSection ?section ; b12kg:claim ?claim .
    }"""

#: the comparison-table cells that mention ?c or describe its kind of spasm
_CELLS = """
    SELECT DISTINCT ?c ?entry ?characteristic ?type ?summary ?section WHERE {
      ?entry a b12kg:ComparisonEntry ; b12kg:summary ?summary ; b12kg:sourceSection ?section ;
             b12kg:forCharacteristic ?ch ; b12kg:forSpasmType ?t .
      { ?entry b12kg:mentions ?c } UNION { ?entry b12kg:forSpasmType ?c }
      ?ch rdfs:label ?characteristic . ?t rdfs:label ?type .
    }"""


def _edges(rows: list[Row], names: dict[str, str]) -> list[Edge]:
    out = set()
    for direction, negated, p, other, section, claim in rows:
        if None in (direction, negated, p, other, section, claim):
            continue
        assert direction and negated and p and other and section and claim
        out.add(Edge(direction.value, p.value, names.get(p.value, compress_fast(p.value)), other.value,
                     names.get(other.value, compress_fast(other.value)), section.value,
                     names.get(section.value, compress_fast(section.value)), claim.value,
                     negated.value == "true"))
    return sorted(out, key=lambda e: (e.direction != "out", e.negated, e.predicate_label.casefold(),
                                      e.other_label.casefold(), e.section, e.claim))


def _table_cells(rows: list[Row], names: dict[str, str]) -> list[TableCell]:
    cells = set()
    for e, ch, t, s, sec in rows:
        if e is None or ch is None or t is None or s is None or sec is None:
            continue
        cells.add(TableCell(e.value, ch.value, t.value, s.value, sec.value,
                            names.get(sec.value, compress_fast(sec.value))))
    return sorted(cells, key=lambda x: (x.characteristic, x.spasm_type))
