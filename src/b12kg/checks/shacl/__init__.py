"""SHACL validation of the graph: a :class:`ValidationReport` of results with focus node, path, value, severity,
message, source shape and constraint component.

Two engines give the same results:

``oxigraph`` (the default)
    The shapes are read with pyoxigraph (:mod:`.shapes`) and compiled into SPARQL (:mod:`.compiler`): one query
    per constraint finds its violations for all focus nodes at once, run on the Oxigraph store
    (:mod:`.runner`) over the asserted graphs (every named graph but the OWL RL closure) — no copy, and neither
    rdflib nor pyshacl is imported. A shape the compiler cannot translate is validated by pyshacl instead, and
    the report's ``notes`` say which and why.
``pyshacl``
    The reference (:mod:`.reference`): pyshacl validates an rdflib copy of the asserted graph.

``inference="rdfs"``/``"owlrl"`` first adds that entailment (as pyshacl would) to an rdflib copy of the graph.
A shapes graph with no shape, or a malformed shape, raises :class:`~b12kg.core.errors.ShapesError`.

>>> from b12kg.store.dataset import Dataset
>>> report = validate(Dataset.bundled(), inference="none")
>>> report.conforms, report.focus_nodes > 400
(True, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...core import resources
from ...core.errors import B12kgError, ShapesError
from .report import ValidationReport, ValidationResult
from .shapes import ShapesGraph

if TYPE_CHECKING:
    from ...store.dataset import GraphData

__all__ = ["ENGINES", "INFERENCE_MODES", "ValidationReport", "ValidationResult", "validate"]

INFERENCE_MODES = ("none", "rdfs", "owlrl")
#: who validates: SHACL compiled to SPARQL on Oxigraph, or pyshacl (the reference)
ENGINES = ("oxigraph", "pyshacl")


def validate(kg: GraphData, *, inference: str = "none", shapes: str | Path | Sequence[str | Path] | None = None,
             engine: str = "oxigraph") -> ValidationReport:
    """Validate ``kg`` against the bundled SHACL shapes (or the ``shapes`` files: one path or several).

    ``inference`` is ``none``, ``rdfs`` or ``owlrl``: the entailment applied to the asserted graph (which
    includes the ontology) before validating. The bundled shapes need none: ``sh:targetClass`` and
    ``sh:class`` follow ``rdfs:subClassOf`` in the graph. ``engine`` is one of :data:`ENGINES`.
    """
    if inference not in INFERENCE_MODES:
        raise B12kgError(f"unknown inference {inference!r}; choose one of {', '.join(INFERENCE_MODES)}")
    if engine not in ENGINES:
        raise B12kgError(f"unknown SHACL engine {engine!r}; choose one of {', '.join(ENGINES)}")
    paths = _shape_paths(shapes)
    from .cache import checks_key, load_checks, save_checks
    from .runner import focus_census, run_checks

    key = checks_key(paths) if engine == "oxigraph" else None
    cached = load_checks(key) if key else None
    g, roots = None, []
    if cached is None:
        g = ShapesGraph.parse_files(paths)
        roots = _check_shapes(g, paths)
        checks, patterns, handed_over, notes = _compile(g, roots)
        if key and not handed_over:
            save_checks(key, checks, patterns, notes)
    else:
        checks, patterns, notes = cached
        handed_over = []
    store, graphs, rdflib_data = _data(kg, inference)
    focus_nodes, empty_targets = focus_census(store, graphs, patterns)
    if not focus_nodes:
        notes.append("the shapes selected no focus node: nothing was validated")
    if engine == "pyshacl":
        from .reference import load_shapes, pyshacl_results

        return _report(pyshacl_results(rdflib_data(), load_shapes(paths)), focus_nodes, notes, "pyshacl")
    results = list(run_checks(checks, store, graphs, empty_targets))
    if handed_over and g is not None:
        from .reference import pyshacl_results, shapes_subset

        results += pyshacl_results(rdflib_data(), shapes_subset(g, handed_over))
    return _report(results, focus_nodes, notes, "oxigraph")


def _compile(g: ShapesGraph, roots: list[Any]) -> tuple[list[Any], list[str], list[Any], list[str]]:
    """(checks, focus patterns, roots left to pyshacl, notes saying why) of the shapes with targets."""
    from .compiler import Unsupported, compile_root, focus_pattern

    checks, patterns, handed_over, notes = [], [], [], []
    for root in roots:
        try:
            patterns.append(focus_pattern(g, root, "?this"))
            checks += compile_root(g, root)
        except Unsupported as e:
            handed_over.append(root)
            notes.append(f"shape {_show(root)} validated by pyshacl: the SPARQL compiler does not support {e}")
    return checks, patterns, handed_over, notes


def _report(results: list[ValidationResult], focus_nodes: int, notes: list[str], engine: str) -> ValidationReport:
    results = sorted(set(results))
    conforms = not any(r.severity not in ("Warning", "Info") for r in results)
    return ValidationReport(conforms, results, focus_nodes=focus_nodes, notes=notes, engine=engine)


def _shape_paths(shapes: str | Path | Sequence[str | Path] | None) -> list[Path]:
    if shapes is None:
        return list(resources.shapes_files())
    if isinstance(shapes, (str, Path)):
        return [Path(shapes)]
    paths = [Path(p) for p in shapes]
    if not paths:
        raise ShapesError("no shapes files given")
    return paths


def _check_shapes(g: ShapesGraph, paths: Sequence[Path]) -> list[Any]:
    """The shapes with targets; :class:`ShapesError` when there is no shape at all or a path is malformed."""
    from .shapes import SH

    shapes = g.shapes()
    names = ", ".join(str(p) for p in paths)
    if not shapes:
        raise ShapesError(f"{names}: no SHACL shapes found (nothing typed sh:NodeShape or sh:PropertyShape, no "
                          "targets, no sh:path): give a shapes file, not a data file")
    for s in shapes:
        for p in g.objects(s, SH + "path"):
            g.path(p, s)
    return g.top_level_shapes()


def _data(kg: GraphData, inference: str) -> tuple[Any, list[Any] | None, Any]:
    """The store to validate (with the graphs to query, ``None`` for its default graph) and a function giving
    the same data as an rdflib graph (built only when pyshacl needs it)."""
    from ...store.sources import GRAPHS

    if inference == "none":
        from .reference import quiet_rdflib

        def rdflib_data() -> Any:
            with quiet_rdflib():
                return kg.rdflib_graph()

        inferred = GRAPHS["inferred"]
        if getattr(kg, "cache", False) and getattr(kg, "store_path", None) is None:
            from .cache import asserted_store  # the compiled on-disk store: its asserted graph, in memory

            asserted = asserted_store(kg, inferred)
            if asserted is not None:
                return asserted, None, rdflib_data
        store = kg.store
        return store, [g for g in store.named_graphs() if g.value != inferred], rdflib_data
    from .reference import entailed, oxigraph_copy, quiet_rdflib

    with quiet_rdflib():
        data = entailed(kg.rdflib_graph(), inference)
    return oxigraph_copy(data), None, lambda: data


def _show(term: Any) -> str:
    from .report import show_iri

    return show_iri(term.value) if type(term).__name__ == "NamedNode" else "[blank node]"
