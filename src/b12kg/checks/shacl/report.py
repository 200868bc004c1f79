"""The validation report: :class:`ValidationResult` (focus node, path, value, severity, message, source shape,
constraint component), :class:`ValidationReport` and the text forms both engines give to RDF terms.

Both engines (the SPARQL compiler on Oxigraph and pyshacl) describe terms the same way, so that their results
compare equal: IRIs as CURIEs of the project prefix map, literals by their lexical form, an axiom annotation or
a negative property assertion (blank nodes) by the statement it is about, paths in SPARQL property-path syntax.

>>> r = ValidationReport(True, [], focus_nodes=3)
>>> r.text()
'conforms: yes (0 results)'
>>> show_path(("inverse", "https://w3id.org/b12kg/hasSection"))
'^b12kg:hasSection'
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ...core.prefixes import compress_fast

__all__ = ["ValidationReport", "ValidationResult", "describe_blank", "show_iri", "show_literal", "show_path",
           "show_severity"]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC = {"integer", "decimal", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
            "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"}

#: a SHACL path as plain data: an IRI string, or (kind, operand) with kind one of "inverse", "sequence",
#: "alternative", "zeroOrMore", "oneOrMore", "zeroOrOne" (sequence and alternative take a tuple of paths)
PathExpr = Any


@dataclass(frozen=True, order=True)
class ValidationResult:
    """One SHACL result. Node and path IRIs are kept as CURIEs where the prefix map allows.

    ``shape`` is the source shape, ``component`` the constraint component (``sh:MinCountConstraintComponent``).
    """

    focus: str
    path: str
    value: str
    severity: str
    message: str
    shape: str = ""
    component: str = ""


@dataclass
class ValidationReport:
    """The outcome of validation: ``conforms`` and the sorted ``results``.

    ``focus_nodes`` counts the focus nodes examined; ``notes`` says what was not done as asked (shapes the
    SPARQL compiler could not compile and handed to pyshacl); ``engine`` names who validated.

    >>> res = ValidationResult("b12kg:liver", "rdfs:label", "", "Violation", "no label")
    >>> r = ValidationReport(False, [res])
    >>> print(r.text())
    conforms: no (1 result)
    - Violation: b12kg:liver rdfs:label
        no label
    """

    conforms: bool
    results: list[ValidationResult] = field(default_factory=list)
    focus_nodes: int = 0
    notes: list[str] = field(default_factory=list)
    engine: str = "oxigraph"

    def text(self) -> str:
        """A human-readable summary with one block per result, then the notes."""
        n = len(self.results)
        lines = [f"conforms: {'yes' if self.conforms else 'no'} ({n} result{'s' if n != 1 else ''})"]
        for r in self.results:
            lines.append(f"- {r.severity}: {r.focus}" + (f" {r.path}" if r.path else "") +
                         (f" = {r.value}" if r.value else "") + f"\n    {r.message}")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def to_tsv(self) -> str:
        """TSV with columns focus, path, value, severity, message, shape, component."""
        buf = io.StringIO()
        w = csv.writer(buf, delimiter="\t", lineterminator="\n")
        w.writerow(["focus", "path", "value", "severity", "message", "shape", "component"])
        for r in self.results:
            w.writerow([r.focus, r.path, r.value, r.severity, r.message, r.shape, r.component])
        return buf.getvalue()


def show_iri(iri: str) -> str:
    """A CURIE for an IRI of the prefix map, else the IRI.

    >>> show_iri("http://www.w3.org/ns/shacl#MinCountConstraintComponent")
    'sh:MinCountConstraintComponent'
    """
    return compress_fast(iri)


def show_literal(lexical: str, datatype: str | None) -> str:
    """The text of a literal: its lexical form, integers and decimals in canonical form (``4.0`` → ``4``, as
    Oxigraph stores them), so that both engines show the same value.

    >>> show_literal("4.0", _XSD + "decimal"), show_literal("007", _XSD + "integer"), show_literal("x", None)
    ('4', '7', 'x')
    """
    if datatype and datatype.startswith(_XSD) and datatype[len(_XSD):] in _NUMERIC:
        from decimal import Decimal, InvalidOperation

        try:
            number = Decimal(lexical.strip())
        except InvalidOperation:
            return lexical
        if number.is_finite() and lexical.strip().lstrip("+-").replace(".", "", 1).isdigit():
            text = format(number.normalize(), "f")
            return "0" if text in ("-0", "+0") else text
    return lexical


def show_severity(iri: str) -> str:
    """``Violation``, ``Warning`` or ``Info`` for the SHACL severities, a CURIE (or IRI) for any other."""
    sh = "http://www.w3.org/ns/shacl#"
    return iri[len(sh):] if iri.startswith(sh) else show_iri(iri)


def show_path(path: PathExpr) -> str:
    """A SHACL path in SPARQL property-path syntax, with CURIEs.

    >>> show_path(("sequence", ("https://w3id.org/b12kg/partOf", ("oneOrMore", "https://w3id.org/b12kg/partOf"))))
    'b12kg:partOf/b12kg:partOf+'
    """
    if isinstance(path, str):
        return show_iri(path)
    kind, arg = path
    if kind in ("sequence", "alternative"):
        sep = "/" if kind == "sequence" else "|"
        return sep.join(_grouped(p, kind) for p in arg)
    inner = _grouped(arg, kind)
    return {"inverse": f"^{inner}", "zeroOrMore": f"{inner}*", "oneOrMore": f"{inner}+",
            "zeroOrOne": f"{inner}?"}[kind]


def _grouped(path: PathExpr, context: str) -> str:
    text = show_path(path)
    if isinstance(path, str) or (context == "sequence" and path[0] not in ("sequence", "alternative")):
        return text
    if context == "alternative" and path[0] != "alternative":
        return text
    return f"({text})"


def describe_blank(one: Callable[[str], str | None]) -> str:
    """``axiom(s p o)`` or ``negative assertion(s p o)`` for a provenance node, else "[blank node]".

    ``one(local_name)`` gives the IRI of the node's ``owl:<local_name>`` value, or ``None``.

    >>> describe_blank(lambda p: {"annotatedSource": "https://w3id.org/b12kg/a"}.get(p))
    'axiom(b12kg:a ? ?)'
    """
    for kind, names in {
        "axiom": ("annotatedSource", "annotatedProperty", "annotatedTarget"),
        "negative assertion": ("sourceIndividual", "assertionProperty", "targetIndividual"),
    }.items():
        parts = [one(x) for x in names]
        if any(x is not None for x in parts):
            return f"{kind}({' '.join(show_iri(x) if x is not None else '?' for x in parts)})"
    return "[blank node]"
