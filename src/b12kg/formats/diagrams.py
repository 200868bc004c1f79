"""Pictures of the graph: the mechanism, the schema, one concept's neighbourhood and the chains between two
concepts, as SVG (laid out by :mod:`~b12kg.formats.layout`) or Graphviz DOT.

* :func:`mechanism_drawing` — how vitamin B12 deficiency leads to its symptoms: the deficiency and everything
  it ``causes``, step by step (with the ``formOf`` links between kinds of spasm), and what vitamin B12 is
  ``requiredFor`` or a ``cofactorFor``, with the processes the deficiency ``disrupts`` and what they make.
* :func:`schema_drawing` — the ontology: each top-level class (kind) with its subclasses, the object
  properties in the middle, arrows from the kinds of their domains and to the kinds of their ranges.
* :func:`concept_drawing` — one concept and every curated statement in and out of it (a class: its
  superclasses, subclasses and members).
* :func:`chains_drawing` — the chains of :func:`b12kg.queries.paths.find_chains`.

Every arrow drawn for a statement carries its sections and claims as a tooltip, and every picture says
where it comes from and that it is not medical advice. The same drawing always gives the same bytes with
the ``grandalf`` layout (the default), on every machine.

For a concept's page (the documentation site and the server), :func:`concept_diagram` returns the SVG text:

>>> from b12kg.queries.curated import CuratedGraph
>>> from b12kg.queries.run import executor
>>> from b12kg.store.dataset import Dataset
>>> g = CuratedGraph.load(executor(Dataset.bundled(), "oxigraph"))
>>> svg = concept_diagram(g, "b12kg:neuropathy", link=lambda iri: "#" + iri.rsplit("/", 1)[1])
>>> svg.count('href="#numbness"'), "Not medical advice" in svg
(1, True)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..core.errors import ConceptNotFoundError, DiagramError
from ..core.prefixes import compress_fast
from ..queries.curated import B12KG, CuratedGraph, Statement, _iri, b12kg
from ..queries.lookup import Execute
from ..queries.paths import ChainResult
from ..queries.reading import NOT_MEDICAL_ADVICE
from ..store.sources import GRAPHS
from .drawing import KIND_COLOURS, Arrow, Box, Drawing, wrap_label

if TYPE_CHECKING:
    from ..core.results import QueryResult
    from ..core.terms import Term
    from ..store.dataset import GraphData

__all__ = [
    "DIAGRAMS",
    "FORMATS",
    "chains_drawing",
    "concept_diagram",
    "concept_drawing",
    "executor_of",
    "mechanism_drawing",
    "page_diagrams",
    "release_diagrams",
    "release_files",
    "render",
    "schema_drawing",
]

#: the diagrams ``b12kg diagram`` draws, and the formats it writes
DIAGRAMS = ("mechanism", "schema", "concept")
FORMATS = ("svg", "dot")
NOTE = "Drawn by b12kg from the curated statements of one article. " + NOT_MEDICAL_ADVICE

CAUSES, FORM_OF = b12kg("causes"), b12kg("formOf")
Link = Callable[[str], "str | None"]


def render(drawing: Drawing, fmt: str = "svg", layout: str = "grandalf") -> str:
    """A drawing as ``svg`` (laid out with ``layout``: grandalf, dot or auto) or as ``dot`` text."""
    if fmt == "dot":
        from .dot import to_dot

        return to_dot(drawing)
    if fmt != "svg":
        raise DiagramError(f"unknown diagram format {fmt!r}; choose one of {', '.join(FORMATS)}")
    from .layout import layout as place
    from .svg import to_svg

    return to_svg(place(drawing, layout))


# -- pieces ---------------------------------------------------------------------------------------------
def _kind(g: CuratedGraph, iri: str) -> str:
    k = g.kind(iri)
    local = k[len(B12KG):] if k and k.startswith(B12KG) else ""
    return local if local in KIND_COLOURS else ""


def _box(g: CuratedGraph, iri: str, *, emphasis: bool = False, link: Link | None = None) -> Box:
    kind = g.kind_label(iri)
    tip = f"{g.label(iri)} ({compress_fast(iri)}{', ' + kind if kind else ''})"
    return Box(iri, wrap_label(g.label(iri)), kind=_kind(g, iri), emphasis=emphasis,
               href=(link(iri) or "") if link else "", tooltip=tip)


def _evidence(g: CuratedGraph, s: Statement) -> str:
    head = f"{'NOT: ' if s.negated else ''}{g.label(s.subject)} {g.label(s.predicate)} {g.label(s.object)}"
    return "\n".join([head] + [f"{e.cite} {e.claim}" for e in s.evidence])


def _arrow(g: CuratedGraph, s: Statement, *, plain: Iterable[str] = ()) -> Arrow:
    """The arrow of a statement: unlabelled for the predicates in ``plain`` (the legend names them)."""
    style = "denied" if s.negated else "causes" if s.predicate == CAUSES else "form" if s.predicate == FORM_OF \
        else "plain"
    label = "" if s.predicate in plain and not s.negated else ("not " if s.negated else "") + g.label(s.predicate)
    return Arrow(s.subject, s.object, label, style, _evidence(g, s))


def _legend(g: CuratedGraph, boxes: list[Box], arrows: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    kinds = sorted({b.kind for b in boxes if not b.label and b.kind}, key=list(KIND_COLOURS).index)
    out = [(k, g.label(B12KG + k)) for k in kinds]
    return out + [(f"arrow:{style}", text) for style, text in arrows]


@dataclass
class _Builder:
    graph: CuratedGraph
    link: Link | None = None
    boxes: dict[str, Box] = field(default_factory=dict)
    arrows: list[Arrow] = field(default_factory=list)

    def add(self, iri: str, *, emphasis: bool = False) -> None:
        if iri not in self.boxes or emphasis:
            self.boxes[iri] = _box(self.graph, iri, emphasis=emphasis, link=self.link)

    def statement(self, s: Statement, *, plain: Iterable[str] = ()) -> None:
        self.add(s.subject)
        self.add(s.object)
        arrow = _arrow(self.graph, s, plain=plain)
        if arrow not in self.arrows:
            self.arrows.append(arrow)

    def sorted_boxes(self, first: Iterable[str] = ()) -> list[Box]:
        lead = [self.boxes[i] for i in first if i in self.boxes]
        rest = sorted((b for b in self.boxes.values() if b not in lead),
                      key=lambda b: (self.graph.label(b.id).casefold(), b.id))
        return lead + rest

    def sorted_arrows(self) -> list[Arrow]:
        g = self.graph
        return sorted(self.arrows, key=lambda a: (g.label(a.source).casefold(), g.label(a.target).casefold(),
                                                  a.label, a.source, a.target))


# -- the mechanism ----------------------------------------------------------------------------------------
def mechanism_drawing(g: CuratedGraph) -> Drawing:
    """How vitamin B12 deficiency leads to its symptoms (see the module docstring)."""
    start, b12 = b12kg("vitamin_b12_deficiency"), b12kg("vitamin_b12")
    if not g.out(start, CAUSES):
        raise DiagramError("the graph states nothing that vitamin B12 deficiency causes: no mechanism to draw")
    core = {start}
    todo = [start]
    while todo:
        for s in g.out(todo.pop(), CAUSES):
            if s.object not in core:
                core.add(s.object)
                todo.append(s.object)
    b = _Builder(g)
    for s in g.statements:
        if not s.negated and s.subject in core and s.object in core and s.predicate in (CAUSES, FORM_OF):
            b.statement(s, plain=(CAUSES, FORM_OF))
    b.add(start, emphasis=True)
    roles = [s for p in ("requiredFor", "cofactorFor") for s in g.out(b12, b12kg(p))]
    processes = {s.object for s in roles}
    for s in roles:
        b.statement(s)
    b.add(b12, emphasis=True)
    for s in g.statements:
        disrupts = s.predicate == b12kg("disrupts") and s.subject in core and s.object in processes
        makes = s.predicate == b12kg("hasOutput") and s.subject in processes
        if (disrupts or makes) and not s.negated:
            b.statement(s)
    boxes = b.sorted_boxes(first=(b12, start))
    return Drawing(
        "How vitamin B12 deficiency leads to muscle spasms and other symptoms",
        "The causal chain the article describes, from vitamin B12 and its deficiency through demyelination, "
        "raised homocysteine and nerve damage to the symptoms, with what B12 is needed for.",
        boxes, b.sorted_arrows(),
        _legend(g, boxes, (("causes", "causes"), ("form", "is a form of"),
                           ("plain", "other statement (labelled)"))),
        NOTE)


# -- the schema ---------------------------------------------------------------------------------------------
@dataclass
class _Schema:
    classes: dict[str, str] = field(default_factory=dict)  # IRI -> label
    parents: dict[str, list[str]] = field(default_factory=dict)
    defined_by: dict[str, list[str]] = field(default_factory=dict)  # defined class -> named classes it uses
    properties: dict[str, str] = field(default_factory=dict)
    domains: dict[str, list[str]] = field(default_factory=dict)
    ranges: dict[str, list[str]] = field(default_factory=dict)


def _schema(execute: Execute) -> _Schema:
    """Native classes (labels, asserted superclasses, the classes a defined class is built from) and the
    object properties with a domain or range (union members expanded)."""
    lang = 'FILTER(lang(?label) = "" || langMatches(lang(?label), "en"))'
    inferred = GRAPHS["inferred"]
    q_classes = f"""SELECT ?c ?label ?sup ?named WHERE {{
      ?c a owl:Class . FILTER(isIRI(?c) && STRSTARTS(STR(?c), "{B12KG}"))
      OPTIONAL {{ ?c rdfs:label ?label {lang} }}
      OPTIONAL {{ ?c rdfs:subClassOf ?sup FILTER(isIRI(?sup) && STRSTARTS(STR(?sup), "{B12KG}"))
                 FILTER NOT EXISTS {{ GRAPH <{inferred}> {{ ?c rdfs:subClassOf ?sup }} }} }}
      OPTIONAL {{ ?c owl:equivalentClass/owl:intersectionOf/rdf:rest*/rdf:first ?named
                 FILTER(isIRI(?named) && STRSTARTS(STR(?named), "{B12KG}")) }}
    }}"""
    out = _Schema()
    for c, label, sup, named in execute(q_classes, {}, "the schema").rows:
        if c is None:
            continue
        out.classes[c.value] = label.value if label is not None else compress_fast(c.value)
        if sup is not None and sup.value not in out.parents.setdefault(c.value, []):
            out.parents[c.value].append(sup.value)
        if named is not None and named.value not in out.defined_by.setdefault(c.value, []):
            out.defined_by[c.value].append(named.value)
    q_props = f"""SELECT ?p ?label ?which ?c WHERE {{
      ?p a owl:ObjectProperty . FILTER(isIRI(?p) && STRSTARTS(STR(?p), "{B12KG}"))
      OPTIONAL {{ ?p rdfs:label ?label {lang} }}
      {{ ?p rdfs:domain ?x BIND("domain" AS ?which)
         FILTER NOT EXISTS {{ GRAPH <{inferred}> {{ ?p rdfs:domain ?x }} }} }}
      UNION
      {{ ?p rdfs:range ?x BIND("range" AS ?which)
         FILTER NOT EXISTS {{ GRAPH <{inferred}> {{ ?p rdfs:range ?x }} }} }}
      OPTIONAL {{ ?x owl:unionOf/rdf:rest*/rdf:first ?member }}
      BIND(COALESCE(?member, ?x) AS ?c)
      FILTER(isIRI(?c))
    }}"""
    for p, label, which, c in execute(q_props, {}, "the schema").rows:
        if p is None or which is None or c is None:
            continue
        out.properties[p.value] = label.value if label is not None else compress_fast(p.value)
        side = out.domains if which.value == "domain" else out.ranges
        if c.value not in side.setdefault(p.value, []):
            side[p.value].append(c.value)
    return out


def schema_drawing(execute: Execute) -> Drawing:
    """The classes and object properties of the ontology (see the module docstring)."""
    sc = _schema(execute)
    if not sc.classes:
        raise DiagramError("the graph declares no b12kg classes: no schema to draw")

    def top(c: str, seen: frozenset[str] = frozenset()) -> str:
        parents = [p for p in sorted(sc.parents.get(c, [])) if p in sc.classes and p not in seen]
        if parents:
            return top(parents[0], seen | {c})
        named = [n for n in sorted(sc.defined_by.get(c, [])) if n != c and n in sc.classes and n not in seen]
        return top(named[0], seen | {c}) if named else c

    kinds = sorted({top(c) for c in sc.classes if not sc.defined_by.get(c) or sc.parents.get(c)},
                   key=lambda k: (list(KIND_COLOURS).index(k[len(B12KG):]) if k[len(B12KG):] in KIND_COLOURS
                                  else len(KIND_COLOURS), sc.classes[k].casefold()))
    children: dict[str, list[str]] = {}
    for c, parents in sc.parents.items():
        for p in parents:
            children.setdefault(p, []).append(c)
    defined = {c: top(c) for c in sc.classes if sc.defined_by.get(c) and not sc.parents.get(c)}

    def tree(c: str, depth: int) -> list[str]:
        out = []
        for child in sorted(children.get(c, []), key=lambda x: sc.classes[x].casefold()):
            out.append("  " * depth + sc.classes[child])
            out += tree(child, depth + 1)
        return out

    boxes: list[Box] = []
    for k in kinds:
        lines = tree(k, 0) + [f"≡ {sc.classes[d]}" for d in sorted(defined, key=lambda d: sc.classes[d].casefold())
                              if defined[d] == k]
        local = k[len(B12KG):]
        boxes.append(Box(k, (sc.classes[k],), tuple(lines), local if local in KIND_COLOURS else "",
                         tooltip=f"{sc.classes[k]} ({compress_fast(k)}) and its subclasses"))
    arrows: list[Arrow] = []
    props = sorted((p for p in sc.properties if sc.domains.get(p) or sc.ranges.get(p)),
                   key=lambda p: (sc.properties[p].casefold(), p))

    def kinds_of(classes: list[str]) -> tuple[str, ...]:
        return tuple(sorted({top(c) for c in classes if c in sc.classes}, key=kinds.index))

    def names(classes: list[str]) -> str:
        return " or ".join(sorted(sc.classes.get(c, compress_fast(c)) for c in classes)) or "anything"

    # properties linking the same kinds share a box, one line each: "name → its range classes"
    groups: dict[tuple[tuple[str, ...], tuple[str, ...]], list[str]] = {}
    for p in props:
        groups.setdefault((kinds_of(sc.domains.get(p, [])), kinds_of(sc.ranges.get(p, []))), []).append(p)
    ranged: set[str] = set()
    for n, ((dom, rng), members) in enumerate(sorted(groups.items(), key=lambda kv: sc.properties[kv[1][0]])):
        gid = f"properties:{n}"
        tips = [f"{sc.properties[p]} ({compress_fast(p)}): {names(sc.domains.get(p, []))} → "
                f"{names(sc.ranges.get(p, []))}" for p in members]
        boxes.append(Box(gid, tuple(sc.properties[p] for p in members), tooltip="\n".join(tips)))
        arrows += [Arrow(k, gid, style="link") for k in dom]
        for k in rng:
            ranged.add(k)
            arrows.append(Arrow(gid, f"range:{k}", style="plain"))
    for k in kinds:
        if k in ranged:
            local = k[len(B12KG):]
            boxes.append(Box(f"range:{k}", (sc.classes[k],), (), local if local in KIND_COLOURS else "",
                             tooltip=f"{sc.classes[k]} ({compress_fast(k)}), as the range of properties"))
    kinds_legend = [(k[len(B12KG):], sc.classes[k]) for k in kinds if k[len(B12KG):] in KIND_COLOURS]
    return Drawing(
        "The b12kg ontology: kinds of things and the properties linking them",
        "Left: every top-level class with its subclasses (≡ marks a defined class). Middle: the object "
        "properties, with their domain and range. Right: the classes the properties point to.",
        boxes, arrows,
        [*kinds_legend, ("arrow:link", "domain of the property"), ("arrow:plain", "range of the property")],
        "Inverse properties (caused by, symptom of…), data and annotation properties are not drawn. " + NOTE)


# -- one concept ----------------------------------------------------------------------------------------------
def concept_drawing(g: CuratedGraph, iri: str, *, link: Link | None = None) -> Drawing:
    """One concept and every curated statement in and out of it; for a class, its place in the hierarchy.

    ``link`` maps an IRI to the URL its box links to (or None for no link). Raises
    :class:`~b12kg.core.errors.ConceptNotFoundError` when the graph has nothing to draw around ``iri``.
    """
    me = _iri(iri)
    b = _Builder(g, link)
    for s in [*g.out(me), *g.into(me), *g.out(me, negated=True), *g.into(me, negated=True)]:
        b.statement(s, plain=())
    if not b.arrows:
        members = sorted(i for i, ts in g.types.items() if me in ts)
        subclasses = sorted(c for c, ps in g.superclasses.items() if me in ps)
        parents = list(g.superclasses.get(me, ()))
        if not (members or subclasses or parents):
            raise ConceptNotFoundError(compress_fast(me), [], note="no curated statement or class links to it")
        for child in subclasses:
            b.add(child)
            b.arrows.append(Arrow(child, me, "", "subclass", f"{g.label(child)} is a subclass of {g.label(me)}"))
        for m in members:
            b.add(m)
            b.arrows.append(Arrow(m, me, "instance of", "plain", f"{g.label(m)} is a {g.label(me)}"))
        for sub, sup in zip([me, *parents], parents, strict=False):
            b.add(sup)
            b.arrows.append(Arrow(sub, sup, "", "subclass", f"{g.label(sub)} is a subclass of {g.label(sup)}"))
    b.add(me, emphasis=True)
    boxes = b.sorted_boxes(first=(me,))
    styles = sorted({a.style for a in b.arrows})
    names = {"causes": "causes", "plain": "curated statement", "form": "form of", "denied":
             "the article denies it", "subclass": "subclass of"}
    return Drawing(f"{g.label(me)}: what the article links to it",
                   f"Every curated statement about {g.label(me)} ({compress_fast(me)}), with the concepts it links.",
                   boxes, b.sorted_arrows(), _legend(g, boxes, [(s, names[s]) for s in styles if s in names]), NOTE)


def concept_diagram(g: CuratedGraph, iri: str, *, link: Link | None = None, layout: str = "grandalf",
                    fmt: str = "svg") -> str:
    """The SVG (or DOT) of :func:`concept_drawing` — the neighbourhood diagram of a concept's page.

    ``g`` is loaded once with :meth:`CuratedGraph.load` and reused for every page; ``link`` gives each box's
    URL (e.g. the page of that concept); ``layout="grandalf"`` keeps pages byte-identical between builds.
    """
    return render(concept_drawing(g, iri, link=link), fmt, layout)


def page_diagrams(execute: Execute) -> Callable[[str, Link], str | None]:
    """The pictures of the concept pages (server and documentation site): ``draw(iri, link)`` gives the SVG
    of :func:`concept_diagram`, each box linking where ``link`` says, or None for a term with nothing to
    draw. The curated statements are read once, for the first picture.

    >>> from b12kg.queries.run import executor
    >>> from b12kg.store.dataset import Dataset
    >>> draw = page_diagrams(executor(Dataset.bundled(), "oxigraph"))
    >>> svg = draw("https://w3id.org/b12kg/neuropathy", lambda iri: "#" + iri.rsplit("/", 1)[1])
    >>> svg is not None and 'href="#numbness"' in svg
    True
    """
    loaded: list[CuratedGraph] = []

    def draw(iri: str, link: Link) -> str | None:
        if not loaded:
            loaded.append(CuratedGraph.load(execute))
        try:
            return concept_diagram(loaded[0], iri, link=link)
        except ConceptNotFoundError:
            return None

    return draw


# -- chains between two concepts --------------------------------------------------------------------------------
def chains_drawing(result: ChainResult) -> Drawing:
    """Every step of the chains of a :class:`~b12kg.queries.paths.ChainResult`, the two ends emphasised."""
    g = result.graph
    b = _Builder(g)
    for chain in result.chains:
        for s in chain.steps:
            b.statement(s)
    b.add(result.source, emphasis=True)
    b.add(result.target, emphasis=True)
    boxes = b.sorted_boxes(first=(result.source,))
    return Drawing(f"From {g.label(result.source)} to {g.label(result.target)}",
                   result.summary(), boxes, b.sorted_arrows(),
                   _legend(g, boxes, [("causes", "causes"), ("plain", "other curated statement")]), NOTE)


# -- the release ------------------------------------------------------------------------------------------------------
def executor_of(kg: GraphData) -> Execute:
    """An :data:`~b12kg.queries.lookup.Execute` over the Oxigraph store of ``kg`` (e.g. for :func:`page_diagrams`)."""
    from ..store.engines import oxigraph_query

    def execute(text: str, bindings: Mapping[str, Term], source: str) -> QueryResult:
        return oxigraph_query(kg.store, text, bindings, source)

    return execute


def release_diagrams(kg: GraphData) -> dict[str, bytes]:
    """The pictures of the release and of the README (``mechanism.svg``, ``schema.svg``), grandalf layout;
    a picture the graph has nothing for (no mechanism, no classes) is left out.

    They depend only on asserted statements, so the bundled graph (with its OWL RL closure) and the release
    graph (with HermiT's inferences) give the same bytes, which ``docs/img/`` keeps for the README.
    """
    execute = executor_of(kg)
    g = CuratedGraph.load(execute)
    drawings: dict[str, Callable[[], Drawing]] = {"mechanism.svg": lambda: mechanism_drawing(g),
                                                   "schema.svg": lambda: schema_drawing(execute)}
    out = {}
    for name, draw in drawings.items():
        try:
            out[name] = render(draw()).encode("utf-8")
        except DiagramError:
            continue
    return out


def release_files(kg: GraphData) -> dict[str, tuple[bytes, dict[str, int]]]:
    """:func:`release_diagrams` as release files (``diagrams/NAME.svg``) for the manifest."""
    return {f"diagrams/{name}": (data, {}) for name, data in release_diagrams(kg).items()}
