"""SHACL validation of the graph: a :class:`ValidationReport` of results with focus node, path, value,
severity and message.

Core SHACL constraints are checked by pyshacl. SHACL-SPARQL constraints (``sh:sparql`` with an
``sh:select`` query on a node shape) are, by default, run by Oxigraph with the focus node pre-bound
(``substitutions``, the SPARQL form of SHACL pre-binding): pyshacl runs them on rdflib's SPARQL engine,
which takes tens of seconds on the bundled graph, Oxigraph well under one. ``engine="pyshacl"`` hands
everything to pyshacl (same results, used by the tests to check the Oxigraph path).

The validated graph is the asserted graph (ontology, imports, data, mappings), never the stored
OWL RL closure. ``inference="rdfs"``/``"owlrl"`` adds that entailment (as pyshacl would) first.

>>> r = ValidationReport(True, [])
>>> r.text()
'conforms: yes (0 results)'
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core import resources
from ..core.errors import B12kgError, GraphParseError
from ..core.prefixes import compress

if TYPE_CHECKING:
    import rdflib

    from ..store.dataset import GraphData

__all__ = ["ENGINES", "INFERENCE_MODES", "ValidationReport", "ValidationResult", "validate"]

SH = "http://www.w3.org/ns/shacl#"
RDFS_SUBCLASS_OF = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
INFERENCE_MODES = ("none", "rdfs", "owlrl")
#: who runs the SHACL-SPARQL constraints: Oxigraph (fast) or pyshacl (rdflib's SPARQL engine)
ENGINES = ("oxigraph", "pyshacl")
_IRI_IN_TEXT = re.compile(r"https?://[^\s<>\"{}|\\^`]+")


@dataclass(frozen=True, order=True)
class ValidationResult:
    """One SHACL result. Node and path IRIs are kept as CURIEs where the prefix map allows."""

    focus: str
    path: str
    value: str
    severity: str
    message: str
    shape: str = ""


@dataclass
class ValidationReport:
    """The outcome of validation: ``conforms`` and the sorted ``results``.

    >>> res = ValidationResult("b12kg:liver", "rdfs:label", "", "Violation", "no label")
    >>> r = ValidationReport(False, [res])
    >>> print(r.text())
    conforms: no (1 result)
    - Violation: b12kg:liver rdfs:label
        no label
    """

    conforms: bool
    results: list[ValidationResult] = field(default_factory=list)

    def text(self) -> str:
        """A human-readable summary with one block per result."""
        n = len(self.results)
        lines = [f"conforms: {'yes' if self.conforms else 'no'} ({n} result{'s' if n != 1 else ''})"]
        for r in self.results:
            lines.append(f"- {r.severity}: {r.focus}" + (f" {r.path}" if r.path else "") +
                         (f" = {r.value}" if r.value else "") + f"\n    {r.message}")
        return "\n".join(lines)

    def to_tsv(self) -> str:
        """TSV with columns focus, path, value, severity, message, shape."""
        buf = io.StringIO()
        w = csv.writer(buf, delimiter="\t", lineterminator="\n")
        w.writerow(["focus", "path", "value", "severity", "message", "shape"])
        for r in self.results:
            w.writerow([r.focus, r.path, r.value, r.severity, r.message, r.shape])
        return buf.getvalue()


def validate(kg: GraphData, *, inference: str = "none", shapes: Sequence[Path] | None = None,
             engine: str = "oxigraph") -> ValidationReport:
    """Validate ``kg`` against the bundled SHACL shapes (or ``shapes``).

    ``inference`` is ``none``, ``rdfs`` or ``owlrl``: the entailment applied to the asserted graph (which
    includes the ontology) before validating. The bundled shapes need none: ``sh:targetClass`` and
    ``sh:class`` follow ``rdfs:subClassOf`` in the graph. ``engine`` chooses who runs the SHACL-SPARQL
    constraints (see :data:`ENGINES`); the results are the same.
    """
    if inference not in INFERENCE_MODES:
        raise B12kgError(f"unknown inference {inference!r}; choose one of {', '.join(INFERENCE_MODES)}")
    if engine not in ENGINES:
        raise B12kgError(f"unknown SHACL engine {engine!r}; choose one of {', '.join(ENGINES)}")
    import pyshacl

    shape_graph = _load_shapes(list(shapes) if shapes is not None else resources.shapes_files())
    data = kg.rdflib_graph()
    if inference != "none":
        data = _entailed(data, inference)
    jobs: list[_SparqlJob] = []
    if engine == "oxigraph":
        shape_graph, jobs = _split_sparql(shape_graph)
    conforms, results_graph, _ = pyshacl.validate(
        data, shacl_graph=shape_graph, inference=None, advanced=True, allow_warnings=True,
    )
    results = _results(results_graph, data)
    if jobs:
        store = _asserted_copy(kg.store) if inference == "none" else _oxigraph_copy(data)
        extra = list(_run_sparql(jobs, store, None))
        results += extra
        conforms = bool(conforms) and not any(r.severity == "Violation" for r in extra)
    return ValidationReport(bool(conforms), sorted(set(results)))


# -- shapes ---------------------------------------------------------------------------------

def _load_shapes(paths: Sequence[Path]) -> rdflib.Graph:
    import rdflib

    g = rdflib.Graph()
    for p in paths:
        if not Path(p).is_file():
            raise GraphParseError(str(p), None, "no such shapes file")
        try:
            g.parse(p, format="turtle")
        except Exception as e:  # rdflib raises several parser error types
            raise GraphParseError(str(p), getattr(e, "lines", None), f"not valid Turtle: {e}") from None
    return g


@dataclass(frozen=True)
class _SparqlJob:
    """One SHACL-SPARQL constraint of one node shape, run by Oxigraph."""

    shape: Any            # rdflib term of the node shape
    targets: tuple[tuple[str, Any], ...]  # (kind, rdflib term or query text)
    query: str
    prefixes: tuple[tuple[str, str], ...]
    message: str
    severity: str


def _split_sparql(g: rdflib.Graph) -> tuple[rdflib.Graph, list[_SparqlJob]]:
    """Take the SHACL-SPARQL constraints that Oxigraph can run out of a copy of ``g``.

    Supported: ``sh:select`` constraints of node shapes whose targets are ``sh:targetClass``,
    ``sh:targetNode``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``, implicit class targets or
    ``sh:SPARQLTarget``, and whose query uses no ``$PATH``/``$shapesGraph``. Anything else stays for pyshacl.
    """
    import rdflib
    from rdflib import RDF, RDFS, Namespace, URIRef

    sh = Namespace(SH)
    owl_class = URIRef("http://www.w3.org/2002/07/owl#Class")
    rest = rdflib.Graph()
    for t in g:
        rest.add(t)
    jobs = []
    for shape, constraint in sorted(set(g.subject_objects(sh.sparql))):
        if (shape, sh.path, None) in g or _true(g.value(shape, sh.deactivated)):
            continue
        if _true(g.value(constraint, sh.deactivated)):
            rest.remove((shape, sh.sparql, constraint))
            continue
        select = g.value(constraint, sh.select)
        targets = _targets(g, shape)
        if select is None or targets is None or re.search(r"\$(PATH|shapesGraph)\b", str(select)):
            continue
        if (shape, RDF.type, RDFS.Class) in g or (shape, RDF.type, owl_class) in g:
            targets = (*targets, ("class", shape))
        severity = g.value(shape, sh.severity)
        jobs.append(_SparqlJob(
            shape=shape, targets=targets, query=str(select),
            prefixes=tuple(sorted(_prefixes(g, constraint).items())),
            message=_text(g, constraint, sh.message) or _text(g, shape, sh.message)
            or f"SPARQL constraint {_show_iri(constraint)} reported this node",
            severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
        ))
        rest.remove((shape, sh.sparql, constraint))
    return rest, jobs


def _targets(g: rdflib.Graph, shape: Any) -> tuple[tuple[str, Any], ...] | None:
    from rdflib import RDF, Namespace

    sh = Namespace(SH)
    out: list[tuple[str, Any]] = []
    for kind, pred in (("class", sh.targetClass), ("node", sh.targetNode),
                       ("subjectsOf", sh.targetSubjectsOf), ("objectsOf", sh.targetObjectsOf)):
        out += [(kind, o) for o in g.objects(shape, pred)]
    for target in g.objects(shape, sh.target):
        select = g.value(target, sh.select)
        if (target, RDF.type, sh.SPARQLTarget) not in g or select is None:
            return None  # a SHACL-AF target kind we do not run: leave the constraint to pyshacl
        prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(_prefixes(g, target).items()))
        out.append(("sparql", prologue + str(select)))
    return tuple(out)


def _prefixes(g: rdflib.Graph, node: Any) -> dict[str, str]:
    """The prefixes declared (``sh:declare``) by the ``sh:prefixes`` of ``node``, following owl:imports."""
    from rdflib import OWL, Namespace

    sh = Namespace(SH)
    out: dict[str, str] = {}
    todo, seen = list(g.objects(node, sh.prefixes)), set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        for d in g.objects(p, sh.declare):
            prefix, ns = g.value(d, sh.prefix), g.value(d, sh.namespace)
            if prefix is not None and ns is not None:
                out[str(prefix)] = str(ns)
        todo += list(g.objects(p, OWL.imports))
    return out


def _text(g: rdflib.Graph, node: Any, pred: Any) -> str:
    """An English (or untagged) literal of ``node pred``, else any; "" when there is none."""
    values = list(g.objects(node, pred))
    for v in values:
        if getattr(v, "language", None) in (None, "en"):
            return str(v)
    return str(values[0]) if values else ""


def _true(value: object) -> bool:
    return value is not None and str(value).lower() == "true"


# -- data -----------------------------------------------------------------------------------

def _entailed(data: rdflib.Graph, inference: str) -> rdflib.Graph:
    """A copy of ``data`` with the RDFS or OWL RL closure, computed as pyshacl's pre-inference does."""
    import owlrl  # type: ignore[import-untyped]
    import rdflib
    from pyshacl.inference import CustomRDFSSemantics
    from rdflib import OWL, RDF

    g = rdflib.Graph()
    for prefix, ns in data.namespaces():
        g.bind(prefix, ns, override=True, replace=True)
    for t in data:
        g.add(t)
    semantics = CustomRDFSSemantics if inference == "rdfs" else owlrl.OWLRL_Semantics
    owlrl.DeductiveClosure(semantics).expand(g)
    # Membership of a defined class (owl:equivalentClass to a class expression) is the reasoner's job; the
    # shapes check that it is never asserted, so entailed memberships are left out of the validated graph.
    defined = {c for c, e in data.subject_objects(OWL.equivalentClass) if isinstance(e, rdflib.BNode)}
    for c in defined:
        for x in list(g.subjects(RDF.type, c)):
            if (x, RDF.type, c) not in data:
                g.remove((x, RDF.type, c))
    return g


def _asserted_copy(store: Any) -> Any:
    """An in-memory store with every graph of ``store`` but the OWL RL closure, merged into the default graph.

    Queries on one default graph run about four times faster than on a union of named graphs.
    """
    import pyoxigraph as ox

    from ..store.sources import GRAPHS

    inferred = ox.NamedNode(GRAPHS["inferred"])
    copy = ox.Store()
    copy.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                for q in store.quads_for_pattern(None, None, None, None) if q.graph_name != inferred)
    return copy


def _oxigraph_copy(data: rdflib.Graph) -> Any:
    import pyoxigraph as ox
    import rdflib

    g = rdflib.Graph()
    for t in data:
        if not isinstance(t[0], rdflib.Literal) and isinstance(t[1], rdflib.URIRef):  # generalized RDF
            g.add(t)
    store = ox.Store()
    store.bulk_load(g.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


# -- running SPARQL constraints on Oxigraph ---------------------------------------------------

def _ox(term: Any) -> Any:
    """The Oxigraph term of an rdflib IRI or literal from the shapes graph."""
    import pyoxigraph as ox
    from rdflib import Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
    raise B12kgError(f"a blank node cannot be a SHACL target node here: {term}")


def _run_sparql(jobs: Iterable[_SparqlJob], store: Any,
                graphs: list[Any] | None) -> Iterator[ValidationResult]:
    """Run each constraint with ``$this`` pre-bound to every focus node of its shape.

    Where the query projects ``$this`` and has no sub-select, the focus nodes are joined in as one
    ``VALUES ?this {…}`` block at the top of the WHERE group (one query per constraint, in chunks);
    otherwise the query runs once per focus node with ``$this`` substituted.
    """
    import pyoxigraph as ox

    from ..core.sparql import where_brace

    def run(text: str, prefixes: dict[str, str], this: Any = None) -> Any:
        kwargs: dict[str, Any] = {"prefixes": prefixes}
        if graphs is not None:
            kwargs["default_graph"] = graphs
        if this is not None:
            kwargs["substitutions"] = {ox.Variable("this"): this}
        try:
            return store.query(text, **kwargs)
        except SyntaxError as e:
            raise B12kgError(f"SHACL-SPARQL query does not parse: {e}\n{text}") from None

    focus_cache: dict[tuple[tuple[str, Any], ...], list[Any]] = {}

    def solutions(job: _SparqlJob) -> Iterator[tuple[Any, Any, list[str]]]:
        prefixes = dict(job.prefixes)
        text = job.query.replace("$this", "?this")
        focus = _focus_pattern(job.targets)
        batched = focus is not None and not _this_in_subselect(text) and re.search(
            r"\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?(?:\*|[^{]*\?this\b)", text, re.I) is not None
        if focus is not None and batched:  # one query: the focus nodes come from the targets, as a sub-select
            pattern, target_prefixes = focus
            at = where_brace(text) + 1
            res = run(text[:at] + f" {{ SELECT DISTINCT ?this WHERE {{ {pattern} }} }} " + text[at:],
                      {**target_prefixes, **prefixes})
            names = [v.value for v in res.variables]
            for sol in res:
                yield sol["this"], sol, names
            return
        if job.targets not in focus_cache:  # only the constraints that cannot be batched need the node list
            focus_cache[job.targets] = _focus_nodes(job.targets, run)
        for node in focus_cache[job.targets]:
            res = run(job.query, prefixes, node)
            names = [v.value for v in res.variables]
            for sol in res:
                yield node, sol, names

    for job in jobs:
        for node, sol, names in solutions(job):
            bound = {n: sol[n] for n in names if sol[n] is not None}
            bound["this"] = node
            value = bound.get("value", node)
            message = re.sub(r"\{[?$](\w+)\}", _filler(store, bound), job.message)
            yield ValidationResult(
                focus=_show(store, node),
                path=_show(store, bound["path"]) if "path" in bound else "",
                value=_show(store, value),
                severity=job.severity,
                message=message,
                shape=_show_iri(job.shape),
            )


def _filler(store: Any, bound: dict[str, Any]) -> Any:
    """The ``re.sub`` replacement of ``{?var}``/``{$var}`` in a message by the text of the binding."""
    def fill(m: re.Match[str]) -> str:
        name = m.group(1)
        return _show(store, bound[name]) if name in bound else m.group(0)
    return fill


def _this_in_subselect(text: str) -> bool:
    """Whether ``?this`` occurs inside a sub-select, which an outer join could not bind."""
    for m in re.finditer(r"\{\s*SELECT\b", text, re.I):
        depth, i = 0, m.start()
        while i < len(text):
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            if depth == 0:
                break
            i += 1
        if re.search(r"\?this\b", text[m.start():i]):
            return True
    return False


def _focus_pattern(targets: tuple[tuple[str, Any], ...]) -> tuple[str, dict[str, str]] | None:
    """The focus nodes of a shape as one SPARQL pattern binding ``?this`` (with the prefixes that SPARQL
    targets declare), or ``None`` if a target has no such form."""
    parts, prefixes = [], {}
    for kind, t in targets:
        if kind == "node":
            parts.append(f"{{ VALUES ?this {{ {_ox(t)} }} }}")
        elif kind == "class":
            parts.append(f"{{ ?this a/<{RDFS_SUBCLASS_OF}>* <{t}> }}")
        elif kind == "subjectsOf":
            parts.append(f"{{ ?this <{t}> ?focus_o }}")
        elif kind == "objectsOf":
            parts.append(f"{{ ?focus_s <{t}> ?this }}")
        elif kind == "sparql":  # a SHACL-AF SPARQL target: its SELECT becomes a sub-select
            for m in re.finditer(r"^\s*PREFIX\s+([\w-]*):\s*<([^>]*)>\s*$", t, re.M | re.I):
                prefixes[m.group(1)] = m.group(2)
            select = re.sub(r"^\s*PREFIX\s+[\w-]*:\s*<[^>]*>\s*$", "", t, flags=re.M | re.I).replace("$this", "?this")
            parts.append(f"{{ {select.strip()} }}")
        else:
            return None
    return (" UNION ".join(parts), prefixes) if parts else None


def _focus_nodes(targets: tuple[tuple[str, Any], ...], run: Any) -> list[Any]:
    nodes: dict[str, Any] = {}
    for kind, t in targets:
        if kind == "node":
            found = [_ox(t)]
        elif kind == "class":
            found = [s["this"] for s in run(
                f"SELECT DISTINCT ?this WHERE {{ ?this a/<{RDFS_SUBCLASS_OF}>* <{t}> }}", {})]
        elif kind == "subjectsOf":
            found = [s["this"] for s in run(f"SELECT DISTINCT ?this WHERE {{ ?this <{t}> ?o }}", {})]
        elif kind == "objectsOf":
            found = [s["this"] for s in run(f"SELECT DISTINCT ?this WHERE {{ ?s <{t}> ?this }}", {})]
        else:
            found = [s["this"] for s in run(t, {}) if s["this"] is not None]
        for n in found:
            nodes.setdefault(str(n), n)
    return [nodes[k] for k in sorted(nodes)]


def _show(store: Any, term: Any) -> str:
    """A stable text for an Oxigraph term: a CURIE, a literal's text or a description of a blank node."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return compress(term.value)
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.BlankNode):
        owl = "http://www.w3.org/2002/07/owl#"

        def one(p: str) -> Any:
            q = next(iter(store.quads_for_pattern(term, ox.NamedNode(owl + p), None, None)), None)
            return q.object if q is not None else None

        return _describe(one)
    return str(term)


def _describe(one: Any) -> str:
    """``axiom(s p o)`` / ``negative assertion(s p o)`` for a provenance node, else "[blank node]"."""
    for kind, names in {
        "axiom": ("annotatedSource", "annotatedProperty", "annotatedTarget"),
        "negative assertion": ("sourceIndividual", "assertionProperty", "targetIndividual"),
    }.items():
        parts = [one(x) for x in names]
        if any(x is not None for x in parts):
            return f"{kind}({' '.join(_show_iri(x) if x is not None else '?' for x in parts)})"
    return "[blank node]"


def _show_iri(term: Any) -> str:
    value = getattr(term, "value", None)
    text = value if isinstance(value, str) else str(term)
    if text.startswith(("http://", "https://", "urn:")):
        return compress(text)
    return "[blank node]" if not text.startswith(('"',)) else text


def _compress_in_text(text: str) -> str:
    """Replace full IRIs in a message by CURIEs (pyshacl writes IRIs in full)."""
    def sub(m: re.Match[str]) -> str:
        iri = m.group(0)
        tail = ""
        while iri and iri[-1] in ".,;:)'":
            iri, tail = iri[:-1], iri[-1] + tail
        return compress(iri) + tail
    return _IRI_IN_TEXT.sub(sub, text)


# -- pyshacl's results -----------------------------------------------------------------------

def _results(g: object, data: object) -> list[ValidationResult]:
    from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef

    assert isinstance(g, Graph) and isinstance(data, Graph)
    sh = Namespace(SH)

    def show(t: object) -> str:
        if t is None:
            return ""
        if isinstance(t, URIRef):
            return compress(str(t))
        if isinstance(t, BNode):
            return _describe_bnode(data, t) if (t, None, None) in data else _describe_bnode(g, t)
        if isinstance(t, Literal):
            return str(t)
        return str(t)

    out = []
    for r in g.subjects(RDF.type, sh.ValidationResult):
        sev = g.value(r, sh.resultSeverity)
        out.append(ValidationResult(
            focus=show(g.value(r, sh.focusNode)),
            path=show(g.value(r, sh.resultPath)),
            value=show(g.value(r, sh.value)),
            severity=str(sev).rsplit("#", 1)[-1] if sev else "Violation",
            message=_compress_in_text(str(g.value(r, sh.resultMessage) or "")),
            shape=show(g.value(r, sh.sourceShape)),
        ))
    return sorted(set(out))


def _describe_bnode(g: object, node: Any) -> str:
    """A stable text for a blank node (a path expression or an axiom annotation) in a result."""
    from rdflib import RDF, Graph, URIRef

    assert isinstance(g, Graph)
    inverse = g.value(node, URIRef(SH + "inversePath"))
    if inverse is not None:
        return f"^{compress(str(inverse))}"
    if (node, RDF.first, None) in g:
        return "/".join(compress(str(x)) for x in g.items(node))
    owl = "http://www.w3.org/2002/07/owl#"
    return _describe(lambda p: g.value(node, URIRef(owl + p)))
