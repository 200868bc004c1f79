"""SHACL validation of the graph with pyshacl: a :class:`ValidationReport` of results with focus node,
path, value, severity and message.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import resources
from .errors import B12kgError
from .prefixes import compress

if TYPE_CHECKING:
    from .graph import KnowledgeGraph

__all__ = ["INFERENCE_MODES", "ValidationReport", "ValidationResult", "validate"]

SH = "http://www.w3.org/ns/shacl#"
INFERENCE_MODES = ("none", "rdfs", "owlrl")


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

    >>> r = ValidationReport(True, [])
    >>> r.text()
    'conforms: yes (0 results)'
    """

    conforms: bool
    results: list[ValidationResult] = field(default_factory=list)

    def text(self) -> str:
        """A human-readable summary with one block per result."""
        lines = [f"conforms: {'yes' if self.conforms else 'no'} ({len(self.results)} result{'s' if len(self.results) != 1 else ''})"]
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


def validate(kg: KnowledgeGraph, *, inference: str = "rdfs", shapes: Sequence[Path] | None = None) -> ValidationReport:
    """Validate ``kg`` against the bundled SHACL shapes (or ``shapes``).

    ``inference`` is ``none``, ``rdfs`` or ``owlrl``: the entailment pyshacl applies with the ontology
    (class-aware targets) before validating; the ontology itself is not copied into the report.
    """
    if inference not in INFERENCE_MODES:
        raise B12kgError(f"unknown inference {inference!r}; choose one of {', '.join(INFERENCE_MODES)}")
    import pyshacl
    import rdflib

    shape_graph = rdflib.Graph()
    for p in shapes if shapes is not None else resources.shapes_files():
        shape_graph.parse(p, format="turtle")
    conforms, results_graph, _ = pyshacl.validate(
        kg.rdflib_graph(),
        shacl_graph=shape_graph,
        inference=None if inference == "none" else inference,
        advanced=True,
        allow_warnings=True,
    )
    return ValidationReport(bool(conforms), _results(results_graph, kg.rdflib_graph()))


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
            message=str(g.value(r, sh.resultMessage) or ""),
            shape=show(g.value(r, sh.sourceShape)),
        ))
    return sorted(set(out))


def _describe_bnode(g: object, node: object) -> str:
    """A stable text for a blank node (a path expression or an axiom annotation) in a result."""
    from rdflib import RDF, Graph, URIRef

    assert isinstance(g, Graph)
    inverse = g.value(node, URIRef(SH + "inversePath"))  # type: ignore[arg-type]
    if inverse is not None:
        return f"^{compress(str(inverse))}"
    if (node, RDF.first, None) in g:  # type: ignore[operator]
        return "/".join(compress(str(x)) for x in g.items(node))  # type: ignore[arg-type]
    owl = "http://www.w3.org/2002/07/owl#"
    for kind, (s, p, o) in {
        "axiom": ("annotatedSource", "annotatedProperty", "annotatedTarget"),
        "negative assertion": ("sourceIndividual", "assertionProperty", "targetIndividual"),
    }.items():
        parts = [g.value(node, URIRef(owl + x)) for x in (s, p, o)]  # type: ignore[arg-type]
        if any(x is not None for x in parts):
            return f"{kind}({' '.join(compress(str(x)) if x is not None else '?' for x in parts)})"
    return "[blank node]"
