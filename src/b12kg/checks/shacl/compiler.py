"""The SHACL compiler: shapes become SPARQL queries that find every violation of one constraint for all focus
nodes at once.

Each shape with targets (a *root*) is compiled into :class:`Check` objects, one per constraint of the root and of
the property shapes it reaches through ``sh:property`` (their focus nodes derived from the root's). A check is a
``SELECT ?this ?value`` (``?path`` for ``sh:closed``) whose solutions are the validation results. Nested shapes
(``sh:node``, ``sh:not``, ``sh:and``/``or``/``xone``, qualified value shapes, nested ``sh:property``) are
compiled into a *violation pattern* — a group that has a solution exactly when a node does not conform — and
tested with ``EXISTS``. SHACL-SPARQL constraints (``sh:sparql`` with ``sh:select``) keep their own query, with
the focus nodes joined in, or pre-bound one at a time when the query cannot take them as a join.

Whatever cannot be compiled (recursive shapes, blank nodes as constraint values, ``sh:ask`` validators, custom
constraint components, ``$shapesGraph``…) raises :class:`Unsupported`; the root is then left to pyshacl.

>>> from .shapes import ShapesGraph
>>> g = ShapesGraph.parse_bytes(b'''@prefix sh: <http://www.w3.org/ns/shacl#> .
...   <urn:x:S> sh:targetClass <urn:x:C> ; sh:property [ sh:path <urn:x:p> ; sh:maxCount 1 ] .''')
>>> [c.component for c in compile_root(g, g.top_level_shapes()[0])]
['sh:MaxCountConstraintComponent']
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from .report import PathExpr, show_iri, show_path, show_severity
from .shapes import RDF, RDFS, SH, XSD, ShapesGraph

__all__ = ["Check", "Unsupported", "compile_root", "focus_pattern"]

_TYPE_PATH = f"<{RDF}type>/<{RDFS}subClassOf>*"

#: parameters of the constraint components this compiler does not know (custom components are detected apart)
_UNSUPPORTED_PARAMS = ("js", "rule", "expression")
#: XSD types whose well-formedness is checked by a SPARQL cast; integer subtypes add a range
_CASTS = ("integer", "decimal", "float", "double", "boolean", "dateTime", "date", "time", "string")
_INT_RANGES = {
    "long": (-2**63, 2**63 - 1), "int": (-2**31, 2**31 - 1), "short": (-2**15, 2**15 - 1), "byte": (-128, 127),
    "nonNegativeInteger": (0, None), "positiveInteger": (1, None), "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1), "unsignedLong": (0, 2**64 - 1), "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1), "unsignedByte": (0, 255),
}
_NODE_KINDS = {
    "IRI": "!isIRI({v})", "BlankNode": "!isBlank({v})", "Literal": "!isLiteral({v})",
    "BlankNodeOrIRI": "isLiteral({v})", "BlankNodeOrLiteral": "isIRI({v})", "IRIOrLiteral": "isBlank({v})",
}
_RANGES = {"minInclusive": ">=", "minExclusive": ">", "maxInclusive": "<=", "maxExclusive": "<"}
_RANGE_WORDS = {"minInclusive": ">=", "minExclusive": ">", "maxInclusive": "<=", "maxExclusive": "<"}


class Unsupported(Exception):
    """A shape uses something the compiler does not translate; the message says what."""


@dataclass(frozen=True)
class Check:
    """One compiled constraint: a query whose solutions are validation results, and how to report them.

    ``query`` binds ``?this`` and, when ``has_value``, ``?value`` (``?path`` when the path varies). A
    ``per_focus`` check is a SHACL-SPARQL query run once per focus node (``focus`` lists them) with ``$this``
    pre-bound. ``message`` is the shape's ``sh:message``, or a generic text; ``fill`` says what is filled in:
    ``"sparql"`` every ``{?var}``/``{$var}`` from the solution (as pyshacl does for SHACL-SPARQL), ``"generic"``
    ``{focus}`` and ``{value}``, ``""`` nothing. ``target`` is the pattern binding the focus nodes (``?this``), as
    written in ``query`` (or in ``focus``): the runner skips the check when that target is known to select none.
    """

    query: str
    shape: str
    component: str
    severity: str
    message: str
    path: str = ""
    has_value: bool = True
    fill: str = ""
    per_focus: bool = False
    focus: str = ""
    prefixes: tuple[tuple[str, str], ...] = ()
    target: str = ""


@dataclass
class _Ctx:
    g: ShapesGraph
    n: int = 0
    stack: list[Any] = field(default_factory=list)

    def var(self, stem: str = "v") -> str:
        self.n += 1
        return f"?{stem}_{self.n}"


def compile_root(g: ShapesGraph, root: Any) -> list[Check]:
    """Every check of the shape ``root`` (which has targets) and of the property shapes under it."""
    ctx = _Ctx(g, stack=[root])
    return _compile_shape(ctx, root, focus_pattern(g, root, "?this"))


def _compile_shape(ctx: _Ctx, shape: Any, focus: str) -> list[Check]:
    """The checks of ``shape`` for the focus nodes bound to ``?this`` by ``focus``, then of its property shapes."""
    g = ctx.g
    _check_supported(g, shape)
    if g.is_true(shape, SH + "deactivated"):
        return []
    path_node = g.value(shape, SH + "path")
    path = g.path(path_node, shape) if path_node is not None else None
    checks = _own_checks(ctx, shape, focus, path, _severity(g, shape))
    for prop in g.objects(shape, SH + "property"):
        if path is None:
            child_focus = focus
        else:  # the property shapes of a property shape validate its value nodes
            parent = ctx.var("f")
            child_focus = (f"{{ SELECT DISTINCT ?this WHERE {{ {_rename(focus, '?this', parent)} "
                           f"{parent} {sparql_path(path)} ?this }} }}")
        if prop in ctx.stack:
            raise Unsupported("a property shape reaches itself through sh:property (recursive shapes)")
        ctx.stack.append(prop)
        checks += _compile_shape(ctx, prop, child_focus)
        ctx.stack.pop()
    return checks


def _rename(focus: str, old: str, new: str) -> str:
    return re.sub(re.escape(old) + r"\b", new, focus)


# -- targets ------------------------------------------------------------------------------------------

def focus_pattern(g: ShapesGraph, shape: Any, var: str) -> str:
    """A sub-select binding ``var`` to every focus node of the targets of ``shape``."""
    parts = []
    n = 0
    for c in g.objects(shape, SH + "targetClass"):
        parts.append(f"{var} {_TYPE_PATH} {_term(c)}")
    if g.is_class(shape):
        parts.append(f"{var} {_TYPE_PATH} {_term(shape)}")
    nodes = [_term(t) for t in g.objects(shape, SH + "targetNode")]
    if nodes:
        parts.append(f"VALUES {var} {{ {' '.join(nodes)} }}")
    for p in g.objects(shape, SH + "targetSubjectsOf"):
        n += 1
        parts.append(f"{var} {_term(p)} ?target_o{n}")
    for p in g.objects(shape, SH + "targetObjectsOf"):
        n += 1
        parts.append(f"?target_s{n} {_term(p)} {var}")
    for t in g.objects(shape, SH + "target"):
        select = g.value(t, SH + "select")
        if not g.has(t, RDF + "type", _iri(SH + "SPARQLTarget")) or select is None:
            raise Unsupported("a target of a kind other than sh:SPARQLTarget")
        if re.search(r"\$(shapesGraph|currentShape)\b", select.value):
            raise Unsupported("a SPARQL target uses $shapesGraph or $currentShape")
        text = _with_prefixes(select.value, g.prefixes(t))
        parts.append(_rename(text.replace("$this", "?this"), "?this", var))
    if not parts:
        return f"{{ SELECT DISTINCT {var} WHERE {{ FILTER(false) }} }}"
    union = " UNION ".join(f"{{ {p} }}" for p in parts)
    return f"{{ SELECT DISTINCT {var} WHERE {{ {union} }} }}"


def _with_prefixes(select: str, prefixes: dict[str, str]) -> str:
    """A SELECT that may use prefixed names, with its prefixes expanded (it becomes a sub-select)."""
    body = re.sub(r"^\s*PREFIX\s+[\w-]*:\s*<[^>]*>\s*$", "", select, flags=re.M | re.I)
    for m in re.finditer(r"^\s*PREFIX\s+([\w-]*):\s*<([^>]*)>\s*$", select, re.M | re.I):
        prefixes = {**prefixes, m.group(1): m.group(2)}
    return _expand_prefixed(body, prefixes).strip()


def _expand_prefixed(text: str, prefixes: dict[str, str]) -> str:
    """Replace prefixed names of ``prefixes`` by full IRIs outside strings, IRIs and comments."""
    if not prefixes:
        return text
    names = "|".join(sorted((re.escape(p) for p in prefixes), key=len, reverse=True))
    token = re.compile(r'("""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>\s]*>'
                       r'|#[^\n]*|(?<![\w?$:])(' + names + r'):([A-Za-z0-9_](?:[\w.-]*\w)?)?)')

    def sub(m: re.Match[str]) -> str:
        if m.group(2) is None:
            return m.group(0)
        return f"<{prefixes[m.group(2)]}{m.group(3) or ''}>"

    return token.sub(sub, text)


# -- the constraints of one shape ----------------------------------------------------------------------

def _own_checks(ctx: _Ctx, shape: Any, focus: str, path: PathExpr | None, severity: str) -> list[Check]:
    g = ctx.g
    shape_text = _show(shape)
    path_text = show_path(path) if path is not None else ""
    message = g.text(shape, SH + "message")
    value_pattern = f"?this {sparql_path(path)} ?value ." if path is not None else "BIND(?this AS ?value)"
    out: list[Check] = []

    def add(component: str, body: str, generic: str, *, has_value: bool = True, select: str = "",
            path_varies: bool = False) -> None:
        head = select or ("SELECT DISTINCT ?this ?value" if has_value else "SELECT DISTINCT ?this")
        if path_varies:
            head += " ?path"
        out.append(Check(
            query=f"{head} WHERE {{ {focus} {body} }}", shape=shape_text,
            component=f"sh:{component}ConstraintComponent",
            severity=severity, message=message or generic, path="" if path_varies else path_text,
            has_value=has_value, fill="" if message else "generic", target=focus))

    for name, cond, generic in _value_conditions(ctx, shape, "?value", bound=True):
        add(name, f"{value_pattern} {cond}", generic)
    if path is not None:
        p = sparql_path(path)
        for n in g.objects(shape, SH + "minCount"):
            count = _int(n, "sh:minCount")
            if count == 1:
                add("MinCount", f"FILTER NOT EXISTS {{ ?this {p} ?value }}",
                    f"Less than 1 value of {path_text} on {{focus}}", has_value=False)
            elif count > 1:
                out.append(_grouped(focus, f"OPTIONAL {{ {value_pattern} }}", f"< {count}", shape_text, "MinCount",
                                    severity, message, f"Less than {count} values of {path_text} on {{focus}}",
                                    path_text))
        for n in g.objects(shape, SH + "maxCount"):
            count = _int(n, "sh:maxCount")
            generic = f"More than {count} values of {path_text} on {{focus}}"
            if count <= 1:  # a test per focus node, not a count over every subject of the path (up to 50× faster)
                add("MaxCount", f"FILTER EXISTS {{ {_distinct_values(ctx, '?this', p, count + 1)} }}", generic,
                    has_value=False)
            else:
                out.append(_grouped(focus, value_pattern, f"> {count}", shape_text, "MaxCount", severity,
                                    message, generic, path_text))
        for v in g.objects(shape, SH + "hasValue"):
            add("HasValue", f"FILTER NOT EXISTS {{ ?this {p} {_term(v)} }}",
                f"{path_text} of {{focus}} does not have the value {_show(v)}", has_value=False)
        if g.is_true(shape, SH + "uniqueLang"):
            add("UniqueLang", f"{value_pattern} ?this {p} ?other . FILTER(isLiteral(?value) && lang(?value) != \"\" "
                              f"&& lcase(lang(?value)) = lcase(lang(?other)) && !sameTerm(?value, ?other))",
                "More than one value shares the same language tag", has_value=False)
        for q in g.objects(shape, SH + "qualifiedValueShape"):
            out += _qualified(ctx, shape, q, focus, value_pattern, path_text, shape_text, severity, message)
    else:
        for v in g.objects(shape, SH + "hasValue"):
            add("HasValue", f"FILTER(!sameTerm(?this, {_term(v)}))", f"The node {{focus}} is not {_show(v)}",
                has_value=False)
    for name, body, generic in _pair_conditions(ctx, shape, "?this", "?value", path):
        body, _, other = body.partition(" #value=")  # the value is another variable than ?value
        if other:
            body += f" BIND({other} AS ?value)"
        elif path is None:
            body += " BIND(?this AS ?value)"
        add(name, body, generic)
    if g.is_true(shape, SH + "closed"):
        allowed = _closed_allowed(g, shape)
        ok = f"FILTER(?path NOT IN ({', '.join(allowed)}))" if allowed else ""
        reach = "" if path is None else f"?this {sparql_path(path)} ?node . "
        body = f"{reach}{'?this' if path is None else '?node'} ?path ?value . {ok}"
        add("Closed", body, "The node {focus} is closed: it cannot have the value {value}", path_varies=True)
    for constraint in g.objects(shape, SH + "sparql"):
        check = _sparql_check(ctx, shape, constraint, focus, path, severity)
        if check is not None:
            out.append(check)
    return out


def _grouped(focus: str, body: str, having: str, shape: str, component: str, severity: str,
             message: str, generic: str, path: str) -> Check:
    query = (f"SELECT ?this WHERE {{ {focus} {body} }} GROUP BY ?this "
             f"HAVING (COUNT(DISTINCT ?value) {having})")
    return Check(query=query, shape=shape, component=f"sh:{component}ConstraintComponent", severity=severity,
                 message=message or generic, path=path, has_value=False, fill="" if message else "generic",
                 target=focus)


def _closed_allowed(g: ShapesGraph, shape: Any) -> list[str]:
    allowed = [_term(p) for prop in g.objects(shape, SH + "property")
               for p in g.objects(prop, SH + "path") if type(p).__name__ == "NamedNode"]
    for lst in g.objects(shape, SH + "ignoredProperties"):
        allowed += [_term(p) for p in g.items(lst)]
    return sorted(set(allowed))


def _qualified(ctx: _Ctx, shape: Any, q: Any, focus: str, value_pattern: str, path_text: str, shape_text: str,
               severity: str, message: str) -> list[Check]:
    g = ctx.g
    conform = f"FILTER NOT EXISTS {{ {_violation(ctx, q, '?value')} }}"
    if g.is_true(shape, SH + "qualifiedValueShapesDisjoint"):
        for sibling in _sibling_shapes(g, shape, q):
            conform += f" FILTER EXISTS {{ {_violation(ctx, sibling, '?value')} }}"
    out = []
    for n in g.objects(shape, SH + "qualifiedMinCount"):
        count = _int(n, "sh:qualifiedMinCount")
        if count > 0:
            out.append(_grouped(focus, f"OPTIONAL {{ {value_pattern} {conform} }}", f"< {count}", shape_text,
                                "QualifiedMinCount", severity,
                                message, f"Less than {count} values of {path_text} on {{focus}} conform to "
                                           f"{_show(q)}", path_text))
    for n in g.objects(shape, SH + "qualifiedMaxCount"):
        count = _int(n, "sh:qualifiedMaxCount")
        out.append(_grouped(focus, f"{value_pattern} {conform}", f"> {count}", shape_text, "QualifiedMaxCount",
                            severity, message, f"More than {count} values of {path_text} on {{focus}} conform to "
                                                 f"{_show(q)}", path_text))
    return out


def _sibling_shapes(g: ShapesGraph, shape: Any, q: Any) -> list[Any]:
    """The qualified value shapes of the other property shapes of the shapes that hold ``shape``."""
    out = []
    for parent in g.subjects(SH + "property", shape):
        for prop in g.objects(parent, SH + "property"):
            out += [s for s in g.objects(prop, SH + "qualifiedValueShape") if s != q]
    return out


# -- value conditions: a filter that keeps ?v when it violates the constraint ---------------------------

def _value_conditions(ctx: _Ctx, shape: Any, v: str, *, bound: bool = False) -> list[tuple[str, str, str]]:
    """(component, pattern keeping ``v`` when it violates, generic message) for each value-type constraint.

    ``bound``: the pattern follows patterns that bind ``v`` in the same group (a check's own query, not the
    inside of an ``EXISTS``), so a test of class membership can be a left join: Oxigraph evaluates ``OPTIONAL``
    as a set operation but ``FILTER NOT EXISTS`` with a property path once per row (10× slower at 300k triples).
    """
    g = ctx.g
    out: list[tuple[str, str, str]] = []
    for c in g.objects(shape, SH + "class"):
        out.append(("Class", _not_instance(ctx, v, [c], bound), f"Value {{value}} does not have class {_show(c)}"))
    for d in g.objects(shape, SH + "datatype"):
        out.append(("Datatype", f"FILTER(!({_datatype_ok(v, d)}))",
                    f"Value {{value}} is not a literal with datatype {_show(d)}"))
    for k in g.objects(shape, SH + "nodeKind"):
        kind = k.value.removeprefix(SH)
        if kind not in _NODE_KINDS:
            raise Unsupported(f"unknown sh:nodeKind {_show(k)}")
        out.append(("NodeKind", f"FILTER({_NODE_KINDS[kind].format(v=v)})",
                    f"Value {{value}} is not of node kind {_show(k)}"))
    for lst in g.objects(shape, SH + "in"):
        members = g.items(lst)
        test = " || ".join(f"sameTerm({v}, {_term(m)})" for m in members) or "false"
        out.append(("In", f"FILTER(!({test}))",
                    f"Value {{value}} is not in the list ({', '.join(_show(m) for m in members)})"))
    flags = g.value(shape, SH + "flags")
    for p in g.objects(shape, SH + "pattern"):
        args = f"STR({v}), {_string(p.value)}" + (f", {_string(flags.value)}" if flags is not None else "")
        out.append(("Pattern", f"FILTER(isBlank({v}) || !COALESCE(REGEX({args}), false))",
                    f"Value {{value}} does not match the pattern {p.value!r}"))
    for lst in g.objects(shape, SH + "languageIn"):
        tags = [t.value for t in g.items(lst)]
        test = " || ".join(f"langMatches(lang({v}), {_string(t)})" for t in tags) or "false"
        out.append(("LanguageIn", f"FILTER(!isLiteral({v}) || !({test}))",
                    f"The language tag of {{value}} is not in ({', '.join(tags)})"))
    for name, op in (("minLength", ">="), ("maxLength", "<=")):
        for n in g.objects(shape, SH + name):
            out.append((name[0].upper() + name[1:],
                        f"FILTER(isBlank({v}) || !COALESCE(STRLEN(STR({v})) {op} {_int(n, 'sh:' + name)}, false))",
                        f"The length of {{value}} is not {op} {n.value}"))
    for name, op in _RANGES.items():
        for limit in g.objects(shape, SH + name):
            out.append((name[0].upper() + name[1:], f"FILTER(!COALESCE({v} {op} {_term(limit)}, false))",
                        f"Value {{value}} is not {_RANGE_WORDS[name]} {limit.value}"))
    for s in g.objects(shape, SH + "node"):
        out.append(("Node", f"FILTER EXISTS {{ {_violation(ctx, s, v)} }}",
                    f"Value {{value}} does not conform to shape {_show(s)}"))
    for s in g.objects(shape, SH + "not"):
        out.append(("Not", f"FILTER NOT EXISTS {{ {_violation(ctx, s, v)} }}",
                    f"Value {{value}} conforms to shape {_show(s)}, which sh:not excludes"))
    for kind, join in (("and", " || "), ("or", " && ")):
        for lst in g.objects(shape, SH + kind):
            members = g.items(lst)
            classes = [_only_class(g, s) for s in members]
            if kind == "or" and bound and members and all(classes):  # an instance of none of the classes
                test = _not_instance(ctx, v, classes, bound)
            else:
                test = "FILTER(" + (join.join(f"EXISTS {{ {_violation(ctx, s, v)} }}" for s in members) or "false") \
                    + ")"
            names = ", ".join(_show(s) for s in members)
            word = "all" if kind == "and" else "at least one"
            out.append((kind.capitalize(), test, f"Value {{value}} does not conform to {word} of the shapes ({names})"))
    for lst in g.objects(shape, SH + "xone"):
        members = g.items(lst)
        total = " + ".join(f"IF(EXISTS {{ {_violation(ctx, s, v)} }}, 0, 1)" for s in members) or "0"
        out.append(("Xone", f"FILTER(({total}) != 1)",
                    f"Value {{value}} does not conform to exactly one of the shapes "
                    f"({', '.join(_show(s) for s in members)})"))
    return out


def _not_instance(ctx: _Ctx, v: str, classes: list[Any], bound: bool) -> str:
    """A pattern keeping ``v`` when it is an instance of none of ``classes`` (``bound``: see _value_conditions)."""
    if not bound:
        return " ".join(f"FILTER NOT EXISTS {{ {v} {_TYPE_PATH} {_term(c)} }}" for c in classes)
    ok = ctx.var("ok")
    branches = " UNION ".join(f"{{ {v} {_TYPE_PATH} {_term(c)} }}" for c in classes)
    return f"OPTIONAL {{ {branches} BIND(true AS {ok}) }} FILTER(!BOUND({ok}))"


#: what a member of an sh:or may hold and still be a plain class test
_CLASS_ONLY = {RDF + "type", SH + "class", SH + "message", SH + "name", SH + "description", RDFS + "label",
               RDFS + "comment"}


def _only_class(g: ShapesGraph, shape: Any) -> Any:
    """The class of a shape whose one constraint is a single ``sh:class`` (an IRI), else ``None``."""
    classes = g.objects(shape, SH + "class")
    if len(classes) != 1 or type(classes[0]).__name__ != "NamedNode" or not set(g.predicates(shape)) <= _CLASS_ONLY:
        return None
    if any(t.value != SH + "NodeShape" for t in g.objects(shape, RDF + "type")):
        return None
    return classes[0]


def _datatype_ok(v: str, d: Any) -> str:
    dt = d.value
    test = f"isLiteral({v}) && datatype({v}) = {_term(d)}"
    local = dt.removeprefix(XSD)
    if dt.startswith(XSD) and local in _CASTS and local != "string":
        test += f" && COALESCE(isLiteral(<{dt}>(STR({v}))), false)"
    elif dt.startswith(XSD) and local in _INT_RANGES:
        low, high = _INT_RANGES[local]
        cast = f"<{XSD}integer>(STR({v}))"
        bounds = [f"{cast} >= {low}" if low is not None else "", f"{cast} <= {high}" if high is not None else ""]
        test += f" && COALESCE({' && '.join(b for b in bounds if b)}, false)"
    return test


def _pair_conditions(ctx: _Ctx, shape: Any, this: str, value: str,
                     path: PathExpr | None) -> list[tuple[str, str, str]]:
    """equals, disjoint, lessThan and lessThanOrEquals: (component, pattern binding ``value`` when it violates,
    message). Without a path the value node is ``this`` itself, and ``value`` is bound to it by the caller."""
    g = ctx.g
    out = []
    if path is not None:
        p = sparql_path(path)
        values = f"{this} {p} {value} ."

        def has(x: str) -> str:
            return f"{this} {p} {x}"
    else:
        value, values = this, ""

        def has(x: str) -> str:
            return f"FILTER(sameTerm({this}, {x}))"
    for prop in g.objects(shape, SH + "equals"):
        q = _term(prop)
        message = f"The values of {{focus}} differ from those of {_show(prop)} at {{value}}"
        other = ctx.var("eq")
        out.append(("Equals", f"{values} FILTER NOT EXISTS {{ {this} {q} {value} }}", message))
        out.append(("Equals", f"{this} {q} {other} . FILTER NOT EXISTS {{ {has(other)} }} #value={other}", message))
    for prop in g.objects(shape, SH + "disjoint"):
        out.append(("Disjoint", f"{values} {this} {_term(prop)} {value} .",
                    f"Value {{value}} is also a value of {_show(prop)}"))
    for name, op in (("lessThan", "<"), ("lessThanOrEquals", "<=")):
        for prop in g.objects(shape, SH + name):
            other = ctx.var("other")
            out.append((name[0].upper() + name[1:],
                        f"{values} {this} {_term(prop)} {other} . FILTER(!COALESCE({value} {op} {other}, false))",
                        f"Value {{value}} is not {op} a value of {_show(prop)}"))
    return out


# -- violation patterns of nested shapes -----------------------------------------------------------------

def _violation(ctx: _Ctx, shape: Any, x: str) -> str:
    """A group graph pattern with a solution exactly when the node bound to ``x`` does not conform to ``shape``."""
    g = ctx.g
    _check_supported(g, shape)
    if g.objects(shape, SH + "sparql"):
        raise Unsupported("a SHACL-SPARQL constraint in a shape used by sh:node, sh:not, sh:and, sh:or, sh:xone "
                          "or a qualified value shape")
    if g.is_true(shape, SH + "deactivated"):
        return "FILTER(false)"
    if shape in ctx.stack:
        raise Unsupported("recursive shapes (a shape that refers to itself)")
    ctx.stack.append(shape)
    try:
        branches = _violation_branches(ctx, shape, x)
    finally:
        ctx.stack.pop()
    return " UNION ".join(f"{{ {b} }}" for b in branches) if branches else "FILTER(false)"


def _violation_branches(ctx: _Ctx, shape: Any, x: str) -> list[str]:
    g = ctx.g
    path_node = g.value(shape, SH + "path")
    if path_node is None:
        branches = [cond for _, cond, _ in _value_conditions(ctx, shape, x)]
        branches += [f"FILTER(!sameTerm({x}, {_term(v)}))" for v in g.objects(shape, SH + "hasValue")]
        branches += [body.partition(" #value=")[0] for _, body, _ in _pair_conditions(ctx, shape, x, x, None)]
        branches += [_violation(ctx, prop, x) for prop in g.objects(shape, SH + "property")]
        if g.is_true(shape, SH + "closed"):
            allowed = _closed_allowed(g, shape)
            cp = ctx.var("cp")
            ok = f"FILTER({cp} NOT IN ({', '.join(allowed)}))" if allowed else ""
            branches.append(f"{x} {cp} {ctx.var('co')} . {ok}")
        return branches
    path = g.path(path_node, shape)
    p = sparql_path(path)
    v = ctx.var()
    branches = [f"{x} {p} {v} . {cond}" for _, cond, _ in _value_conditions(ctx, shape, v)]
    for n in g.objects(shape, SH + "minCount"):
        count = _int(n, "sh:minCount")
        if count > 0:
            branches.append(f"FILTER NOT EXISTS {{ {_distinct_values(ctx, x, p, count)} }}")
    for n in g.objects(shape, SH + "maxCount"):
        branches.append(_distinct_values(ctx, x, p, _int(n, "sh:maxCount") + 1))
    for val in g.objects(shape, SH + "hasValue"):
        branches.append(f"FILTER NOT EXISTS {{ {x} {p} {_term(val)} }}")
    if g.is_true(shape, SH + "uniqueLang"):
        a, b = ctx.var(), ctx.var()
        branches.append(f"{x} {p} {a} . {x} {p} {b} . FILTER(isLiteral({a}) && lang({a}) != \"\" && "
                        f"lcase(lang({a})) = lcase(lang({b})) && !sameTerm({a}, {b}))")
    branches += [body.partition(" #value=")[0] for _, body, _ in _pair_conditions(ctx, shape, x, ctx.var("pv"), path)]
    for prop in g.objects(shape, SH + "property"):
        w = ctx.var()
        branches.append(f"{x} {p} {w} . {_violation(ctx, prop, w)}")
    if g.objects(shape, SH + "qualifiedValueShape"):
        raise Unsupported("a qualified value shape inside a shape used by sh:node, sh:not, sh:and, sh:or or sh:xone")
    if g.is_true(shape, SH + "closed"):
        raise Unsupported("sh:closed on a property shape used by another shape")
    return branches


def _distinct_values(ctx: _Ctx, x: str, p: str, n: int) -> str:
    """A pattern with a solution when ``x`` has at least ``n`` distinct values of path ``p`` (n ≤ 4)."""
    if n > 4:
        raise Unsupported("a count above 3 in a shape used by sh:node, sh:not, sh:and, sh:or or sh:xone")
    names = [ctx.var() for _ in range(n)]
    body = " ".join(f"{x} {p} {v} ." for v in names)
    pairs = [f"!sameTerm({a}, {b})" for i, a in enumerate(names) for b in names[i + 1:]]
    return body + (f" FILTER({' && '.join(pairs)})" if pairs else "")


# -- SHACL-SPARQL constraints -------------------------------------------------------------------------

def _sparql_check(ctx: _Ctx, shape: Any, constraint: Any, focus: str, path: PathExpr | None,
                  severity: str) -> Check | None:
    g = ctx.g
    if g.is_true(constraint, SH + "deactivated"):
        return None
    select = g.value(constraint, SH + "select")
    if select is None:
        raise Unsupported("a SHACL-SPARQL constraint without sh:select (e.g. sh:ask)")
    text = select.value
    if re.search(r"\$(shapesGraph|currentShape)\b", text):
        raise Unsupported("a SHACL-SPARQL query that uses $shapesGraph or $currentShape")
    if path is not None:
        text = re.sub(r"\$PATH\b", sparql_path(path), text)
    elif "$PATH" in text:
        raise Unsupported("$PATH in a SHACL-SPARQL constraint of a node shape")
    prefixes = g.prefixes(constraint)
    message = g.text(constraint, SH + "message") or g.text(shape, SH + "message") or \
        f"SPARQL constraint {_show(constraint)} reported this node"
    query = text.replace("$this", "?this")
    batched = not _this_in_subselect(query) and re.search(
        r"\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?(?:\*|[^{]*\?this\b)", query, re.I) is not None
    if batched:
        at = _where_brace(query) + 1
        query = query[:at] + f" {focus} " + query[at:]
    return Check(query=query if batched else text, shape=_show(shape), component="sh:SPARQLConstraintComponent",
                 severity=severity, message=message, path=show_path(path) if path is not None else "",
                 fill="sparql", per_focus=not batched, focus="" if batched else f"SELECT ?this WHERE {{ {focus} }}",
                 prefixes=tuple(sorted(prefixes.items())), target=focus)


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


def _where_brace(text: str) -> int:
    from ...core.sparql import where_brace

    return where_brace(text)


# -- small helpers -------------------------------------------------------------------------------------

def sparql_path(path: PathExpr) -> str:
    """A SHACL path (plain data) as a SPARQL property path.

    >>> sparql_path(("alternative", ("urn:x:a", ("inverse", "urn:x:b"))))
    '(<urn:x:a>|^<urn:x:b>)'
    """
    if isinstance(path, str):
        return f"<{path}>"
    kind, arg = path
    if kind == "sequence":
        return "(" + "/".join(sparql_path(p) for p in arg) + ")"
    if kind == "alternative":
        return "(" + "|".join(sparql_path(p) for p in arg) + ")"
    inner = sparql_path(arg)
    return {"inverse": f"^{inner}", "zeroOrMore": f"({inner})*", "oneOrMore": f"({inner})+",
            "zeroOrOne": f"({inner})?"}[kind]


def _check_supported(g: ShapesGraph, shape: Any) -> None:
    for p in _UNSUPPORTED_PARAMS:
        if g.objects(shape, SH + p):
            raise Unsupported(f"sh:{p} (SHACL-JS or SHACL-AF rules)")
    for p in g.predicates(shape):
        if not p.startswith(SH) and g.subjects(SH + "path", _iri(p)) and _custom_parameter(g, p):
            raise Unsupported(f"a custom constraint component (parameter {show_iri(p)})")


def _custom_parameter(g: ShapesGraph, predicate: str) -> bool:
    """Whether ``predicate`` is the path of a parameter of a declared sh:ConstraintComponent."""
    for param in g.subjects(SH + "path", _iri(predicate)):
        for comp in g.subjects(SH + "parameter", param):
            if g.has(comp, RDF + "type", _iri(SH + "ConstraintComponent")):
                return True
    return False


def _severity(g: ShapesGraph, shape: Any) -> str:
    sev = g.value(shape, SH + "severity")
    if sev is None:
        return "Violation"
    return show_severity(sev.value) if type(sev).__name__ == "NamedNode" else str(sev.value)


def _term(t: Any) -> str:
    """SPARQL text of a shapes-graph term; blank nodes cannot be named in a query."""
    if type(t).__name__ == "BlankNode":
        raise Unsupported("a blank node as a constraint value or target (it cannot be named in a query)")
    return str(t)


def _show(t: Any) -> str:
    kind = type(t).__name__
    if kind == "NamedNode":
        return show_iri(t.value)
    if kind == "Literal":
        return str(t.value)
    return "[blank node]"


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _int(term: Any, what: str) -> int:
    try:
        return int(term.value)
    except (AttributeError, ValueError):
        raise Unsupported(f"{what} is not an integer: {_show(term)}") from None


def _iri(value: str) -> Any:
    import pyoxigraph as ox

    return ox.NamedNode(value)
