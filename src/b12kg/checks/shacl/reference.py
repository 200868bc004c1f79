"""pyshacl, the reference validator: the whole validation (``engine="pyshacl"``), the shapes the SPARQL compiler
hands over, and RDFS/OWL RL entailment before validating. Everything here imports rdflib; nothing on the
default path calls it.

Results are turned into :class:`~b12kg.checks.shacl.report.ValidationResult` with the same text forms as the
compiled engine's, so that the two compare equal.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...core.errors import GraphParseError, ShapesError
from .report import PathExpr, ValidationResult, describe_blank, show_iri, show_literal, show_path, show_severity
from .shapes import SH, ShapesGraph

if TYPE_CHECKING:
    import rdflib

__all__ = ["entailed", "oxigraph_copy", "pyshacl_results", "quiet_rdflib", "shapes_subset"]

_IRI_IN_TEXT = re.compile(r"https?://[^\s<>\"{}|\\^`]+")


@contextmanager
def quiet_rdflib() -> Iterator[None]:
    """Silence rdflib's logged tracebacks about ill-typed literals (``"abc"^^xsd:integer``): the validation
    reports such a value as a finding, with a message, and a traceback would only hide it."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def pyshacl_results(data: rdflib.Graph, shapes: rdflib.Graph) -> list[ValidationResult]:
    """Validate ``data`` against ``shapes`` with pyshacl (no inference; SHACL-AF targets on)."""
    import pyshacl

    with quiet_rdflib():
        _, results_graph, text = pyshacl.validate(data, shacl_graph=shapes, inference=None, advanced=True,
                                                  allow_warnings=True)
    if not hasattr(results_graph, "subjects"):  # pyshacl's ValidationFailure: the shapes are not valid SHACL
        raise ShapesError(f"pyshacl cannot use the shapes: {str(text).strip().splitlines()[-1]}")
    return _results(results_graph, data)


def load_shapes(paths: Sequence[Path]) -> rdflib.Graph:
    """The shapes files as one rdflib graph (already checked by :class:`ShapesGraph`)."""
    import rdflib

    g = rdflib.Graph()
    for p in paths:
        try:
            with quiet_rdflib():
                    g.parse(p, format="turtle" if Path(p).suffix.lower() in (".ttl", "") else None)
        except Exception as e:  # rdflib raises several parser error types
            raise GraphParseError(str(p), getattr(e, "lines", None), f"not valid RDF: {e}") from None
    return g


def shapes_subset(g: ShapesGraph, roots: Sequence[Any]) -> rdflib.Graph:
    """The triples of the shapes graph reachable from ``roots`` (the shapes pyshacl validates in their place)."""
    import pyoxigraph as ox
    import rdflib

    triples, todo, seen = [], list(roots), set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p in g.predicates(node):
            for o in g.objects(node, p):
                triples.append(ox.Triple(node, ox.NamedNode(p), o))
                if not isinstance(o, ox.Literal):
                    todo.append(o)
    out = rdflib.Graph()
    out.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    return out


# -- data -----------------------------------------------------------------------------------------------

def entailed(data: rdflib.Graph, inference: str) -> rdflib.Graph:
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
    with quiet_rdflib():
        owlrl.DeductiveClosure(semantics).expand(g)
    # Membership of a defined class (owl:equivalentClass to a class expression) is the reasoner's job; the
    # shapes check that it is never asserted, so entailed memberships are left out of the validated graph.
    defined = {c for c, e in data.subject_objects(OWL.equivalentClass) if isinstance(e, rdflib.BNode)}
    for c in defined:
        for x in list(g.subjects(RDF.type, c)):
            if (x, RDF.type, c) not in data:
                g.remove((x, RDF.type, c))
    return g


def oxigraph_copy(data: rdflib.Graph) -> Any:
    """An in-memory Oxigraph store holding ``data`` in its default graph (generalized triples left out)."""
    import pyoxigraph as ox
    import rdflib

    g = rdflib.Graph()
    for t in data:
        if not isinstance(t[0], rdflib.Literal) and isinstance(t[1], rdflib.URIRef):
            g.add(t)
    store = ox.Store()
    store.bulk_load(g.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


# -- pyshacl's results ------------------------------------------------------------------------------------

def _results(g: rdflib.Graph, data: rdflib.Graph) -> list[ValidationResult]:
    from rdflib import BNode, Literal, Namespace, URIRef

    sh = Namespace(SH)

    def show(t: object) -> str:
        if t is None:
            return ""
        if isinstance(t, URIRef):
            return show_iri(str(t))
        if isinstance(t, BNode):
            source = data if (t, None, None) in data else g
            return describe_blank(lambda p: _owl_value(source, t, p))
        if isinstance(t, Literal):
            return show_literal(str(t), str(t.datatype) if t.datatype is not None else None)
        return str(t)

    out = []
    for r in g.objects(None, sh.result):  # the report's results, not those nested in sh:detail
        sev = g.value(r, sh.resultSeverity)
        path = g.value(r, sh.resultPath)
        messages = [m for m in g.objects(r, sh.resultMessage) if isinstance(m, Literal)]
        english = [m for m in messages if (m.language or "en") == "en"]
        message = str(english[0]) if english else (str(sorted(messages, key=str)[0]) if messages else "")
        component = g.value(r, sh.sourceConstraintComponent)
        out.append(ValidationResult(
            focus=show(g.value(r, sh.focusNode)),
            path=show_path(_path(g, path)) if path is not None else "",
            value=show(g.value(r, sh.value)),
            severity=show_severity(str(sev)) if sev else "Violation",
            message=_compress_in_text(message),
            shape=show(g.value(r, sh.sourceShape)) if not isinstance(g.value(r, sh.sourceShape), BNode)
            else "[blank node]",
            component=show(component) if component is not None else "",
        ))
    return sorted(set(out))


def _owl_value(g: Any, node: Any, local: str) -> str | None:
    from rdflib import URIRef

    v = g.value(node, URIRef("http://www.w3.org/2002/07/owl#" + local))
    return str(v) if isinstance(v, URIRef) else None


def _path(g: Any, node: Any) -> PathExpr:
    """A result path of pyshacl's results graph as plain data (see :func:`show_path`)."""
    from rdflib import RDF, URIRef

    if isinstance(node, URIRef):
        return str(node)
    if (node, RDF.first, None) in g:
        members = [_path(g, m) for m in g.items(node)]
        return members[0] if len(members) == 1 else ("sequence", tuple(members))
    for pred, kind in (("inversePath", "inverse"), ("alternativePath", "alternative"),
                       ("zeroOrMorePath", "zeroOrMore"), ("oneOrMorePath", "oneOrMore"),
                       ("zeroOrOnePath", "zeroOrOne")):
        arg = g.value(node, URIRef(SH + pred))
        if arg is not None:
            if kind == "alternative":
                return (kind, tuple(_path(g, m) for m in g.items(arg)))
            return (kind, _path(g, arg))
    return "[blank node]"


def _compress_in_text(text: str) -> str:
    """Replace full IRIs in a message by CURIEs (pyshacl writes IRIs in full)."""
    def sub(m: re.Match[str]) -> str:
        iri = m.group(0)
        tail = ""
        while iri and iri[-1] in ".,;:)'":
            iri, tail = iri[:-1], iri[-1] + tail
        return show_iri(iri) + tail
    return _IRI_IN_TEXT.sub(sub, text)
