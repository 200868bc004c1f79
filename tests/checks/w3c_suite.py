"""Reads the W3C SHACL Core test suite copied in ``tests/fixtures/w3c-shacl-core`` (see its ORIGIN.md): every
``sht:Validate`` entry with its data graph, shapes graph and expected report, in the text forms of
:mod:`b12kg.checks.shacl.report` so that they compare with :class:`~b12kg.checks.shacl.ValidationResult`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib import RDF, Literal, URIRef

from b12kg.checks.shacl.reference import _path, quiet_rdflib
from b12kg.checks.shacl.report import show_iri, show_literal, show_path

SUITE = Path(__file__).resolve().parents[1] / "fixtures" / "w3c-shacl-core"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = rdflib.Namespace("http://www.w3.org/ns/shacl-test#")
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")

#: (focus, path, value, severity, source shape, constraint component)
Key = tuple[str, str, str, str, str, str]


@dataclass(frozen=True)
class Case:
    name: str
    data: Path
    shapes: Path
    conforms: bool | None  # None: the shapes are expected to be rejected (sht:Failure)
    results: frozenset[Key]
    messages: frozenset[str]


def _show(t: object) -> str:
    if t is None:
        return ""
    if isinstance(t, URIRef):
        return show_iri(str(t))
    if isinstance(t, Literal):
        return show_literal(str(t), str(t.datatype) if t.datatype is not None else None)
    return "[blank node]"


def cases() -> list[Case]:
    normalize = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False  # keep the expected values as written
    try:
        with quiet_rdflib():  # the suite has ill-typed literals on purpose
            return _cases()
    finally:
        rdflib.NORMALIZE_LITERALS = normalize


def _cases() -> list[Case]:
    out: list[Case] = []
    todo = [SUITE / "manifest.ttl"]
    while todo:
        path = todo.pop()
        g = rdflib.Graph().parse(path, format="turtle", publicID=path.as_uri())
        todo += [Path(str(i).removeprefix("file://")) for i in g.objects(None, MF.include)]
        for lst in g.objects(None, MF.entries):
            for entry in g.items(lst):
                if (entry, RDF.type, SHT.Validate) not in g:
                    continue
                action, result = g.value(entry, MF.action), g.value(entry, MF.result)
                data = Path(str(g.value(action, SHT.dataGraph)).removeprefix("file://"))
                shapes = Path(str(g.value(action, SHT.shapesGraph)).removeprefix("file://"))
                name = f"{path.parent.name}/{str(entry).rsplit('/', 1)[-1]}"
                if result == SHT.Failure:
                    out.append(Case(name, data, shapes, None, frozenset(), frozenset()))
                    continue
                keys, messages = set(), set()
                for r in g.objects(result, SH.result):
                    path_node = g.value(r, SH.resultPath)
                    keys.add((_show(g.value(r, SH.focusNode)),
                              show_path(_path(g, path_node)) if path_node is not None else "",
                              _show(g.value(r, SH.value)), _show(g.value(r, SH.resultSeverity)).removeprefix("sh:"),
                              _show(g.value(r, SH.sourceShape)), _show(g.value(r, SH.sourceConstraintComponent))))
                    messages.update(str(m) for m in g.objects(r, SH.resultMessage))
                conforms = g.value(result, SH.conforms)
                out.append(Case(name, data, shapes, bool(conforms.toPython()), frozenset(keys), frozenset(messages)))
    return sorted(out, key=lambda c: c.name)


def data_copy(case: Case, folder: Path) -> Path:
    """The data graph with an ``@base`` (the suite's files name their manifest ``<>``, which the store's parser
    cannot resolve without one)."""
    out = folder / case.data.name
    out.write_text(f"@base <{case.data.as_uri()}> .\n" + case.data.read_text(encoding="utf-8"), encoding="utf-8")
    return out


def key(r: object) -> Key:
    """The comparable part of a :class:`~b12kg.checks.shacl.ValidationResult`."""
    return (r.focus, r.path, r.value, r.severity, r.shape, r.component)  # type: ignore[attr-defined]


__all__ = ["SUITE", "Case", "Key", "cases", "data_copy", "key"]
