"""Running compiled checks on an Oxigraph store: each check is one query over the validated graphs (a SHACL-SPARQL
query that cannot take its focus nodes as a join runs once per focus node), each solution one result.

>>> import pyoxigraph as ox
>>> from .compiler import compile_root
>>> from .shapes import ShapesGraph
>>> g = ShapesGraph.parse_bytes(b'''@prefix sh: <http://www.w3.org/ns/shacl#> .
...   <urn:x:S> sh:targetNode <urn:x:a> ; sh:property [ sh:path <urn:x:p> ; sh:minCount 1 ; sh:message "no p" ] .''')
>>> [r.message for r in run_checks(compile_root(g, g.top_level_shapes()[0]), ox.Store(), None)]
['no p']
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Any

from ...core.errors import B12kgError
from .compiler import Check
from .report import ValidationResult, describe_blank, show_iri, show_literal

__all__ = ["count_focus_nodes", "focus_census", "run_checks", "show_term"]

OWL = "http://www.w3.org/2002/07/owl#"


def run_checks(checks: Iterable[Check], store: Any, graphs: Sequence[Any] | None,
               empty_targets: Collection[str] = ()) -> Iterator[ValidationResult]:
    """The results of ``checks`` on ``store``, querying the union of ``graphs`` (``None``: its default graph).

    ``empty_targets`` are target patterns known to select no focus node of the same data (see
    :func:`focus_census`): their checks are skipped, as every check joins its target.
    """
    import pyoxigraph as ox

    def run(text: str, prefixes: dict[str, str], this: Any = None) -> Any:
        kwargs: dict[str, Any] = {"prefixes": prefixes}
        if graphs is not None:
            kwargs["default_graph"] = list(graphs)
        if this is not None:
            kwargs["substitutions"] = {ox.Variable("this"): this}
        try:
            return store.query(text, **kwargs)
        except SyntaxError as e:
            raise B12kgError(f"a SHACL-SPARQL query does not parse: {e}\n{text}") from None

    shown: dict[Any, str] = {}

    def show(term: Any) -> str:
        if term not in shown:
            shown[term] = show_term(store, term)
        return shown[term]

    for check in checks:
        if check.target and check.target in empty_targets:
            continue
        prefixes = dict(check.prefixes)
        if check.per_focus:
            solutions: Iterable[tuple[Any, dict[str, Any]]] = (
                (node, _bound(sol, names)) for node in [s["this"] for s in run(check.focus, {})]
                for res in [run(check.query, prefixes, node)] for names in [_names(res)] for sol in res)
        else:
            res = run(check.query, prefixes)
            names = _names(res)
            solutions = ((sol["this"], _bound(sol, names)) for sol in res)
        for this, bound in solutions:
            if check.fill == "sparql":
                bound["this"] = this
                value = bound.get("value", this)
                path = show(bound["path"]) if "path" in bound else check.path
            else:
                value = bound.get("value") if check.has_value else None
                path = check.path or (show(bound["path"]) if "path" in bound else "")
            focus_text = show(this)
            value_text = show(value) if value is not None else ""
            message = check.message
            if check.fill == "sparql":
                message = _fill(message, {name: show(term) for name, term in bound.items()})
            elif check.fill == "generic":
                message = message.replace("{focus}", focus_text).replace("{value}", value_text)
            yield ValidationResult(focus=focus_text, path=path, value=value_text, severity=check.severity,
                                   message=message, shape=check.shape, component=check.component)


def _fill(message: str, values: dict[str, str]) -> str:
    """``{?var}``/``{$var}`` of a SHACL-SPARQL message replaced by the text of the variable's binding."""
    return re.sub(r"\{[?$](\w+)\}", lambda m: values.get(m.group(1), m.group(0)), message)


def _bound(sol: Any, names: list[str]) -> dict[str, Any]:
    """The variables bound in one solution."""
    return {n: sol[n] for n in names if sol[n] is not None}


def _names(res: Any) -> list[str]:
    return [v.value for v in res.variables]


def focus_census(store: Any, graphs: Sequence[Any] | None, focus_patterns: Sequence[str]) -> tuple[int, frozenset[str]]:
    """How many distinct nodes the given focus patterns (each binding ``?this``) select together, and which of
    the patterns select none, in one query (each pattern is evaluated once)."""
    if not focus_patterns:
        return 0, frozenset()
    union = " UNION ".join(f"{{ {p} BIND({i} AS ?target_index) }}" for i, p in enumerate(focus_patterns))
    kwargs: dict[str, Any] = {}
    if graphs is not None:
        kwargs["default_graph"] = list(graphs)
    head = "SELECT (COUNT(DISTINCT ?this) AS ?n) (GROUP_CONCAT(DISTINCT STR(?target_index)) AS ?t)"
    sol = next(iter(store.query(f"{head} WHERE {{ {union} }}", **kwargs)))
    selecting = {int(i) for i in sol["t"].value.split()}
    return int(sol["n"].value), frozenset(p for i, p in enumerate(focus_patterns) if i not in selecting)


def count_focus_nodes(store: Any, graphs: Sequence[Any] | None, focus_patterns: Sequence[str]) -> int:
    """How many distinct nodes the given focus patterns (each binding ``?this``) select together."""
    return focus_census(store, graphs, focus_patterns)[0]


def show_term(store: Any, term: Any) -> str:
    """A stable text for an Oxigraph term: a CURIE, a literal's text or a description of a blank node."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return show_iri(term.value)
    if isinstance(term, ox.Literal):
        return show_literal(term.value, term.datatype.value if term.datatype is not None else None)
    if isinstance(term, ox.BlankNode):
        def one(p: str) -> str | None:
            q = next(iter(store.quads_for_pattern(term, ox.NamedNode(OWL + p), None, None)), None)
            return q.object.value if q is not None and isinstance(q.object, ox.NamedNode) else None

        return describe_blank(one)
    return str(term)
