"""Query parameters: check them against a named query's declared parameters and turn each value into
an RDF term (a CURIE, IRI or label for ``iri`` parameters; a string; an integer).

Values become terms, never query text; :func:`b12kg.core.sparql.bind_values` then places them in a
``VALUES`` block.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..core.errors import ParameterError
from ..core.prefixes import expand_fast as expand  # same answers as curies, without its import cost
from ..core.terms import Term
from .catalog import NamedQuery
from .lookup import Execute

__all__ = ["bind_parameters", "term_for"]


def bind_parameters(named: NamedQuery | None, params: Mapping[str, str], execute: Execute) -> dict[str, Term]:
    """The terms for ``params`` (filling in the named query's defaults); ``execute`` resolves labels."""
    declared = {p.name: p for p in named.parameters} if named else {}
    if named:
        unknown = sorted(set(params) - set(declared))
        if unknown:
            valid = ", ".join(declared) or "none"
            raise ParameterError(
                f"unknown parameter {unknown[0]!r} for query {named.name!r}; valid parameters: {valid}")
    out: dict[str, Term] = {}
    for name, value in params.items():
        kind = declared[name].kind if name in declared else "auto"
        out[name] = term_for(name, kind, value, execute)
    for p in declared.values():
        if p.name not in out:
            if p.default is None:
                raise ParameterError(  # named is set: only named queries declare parameters
                    f"query {named.name!r} needs parameter {p.name!r} "  # type: ignore[union-attr]
                    f"({p.description or p.kind})")
            out[p.name] = term_for(p.name, p.kind, p.default, execute)
    return out


def term_for(name: str, kind: str, value: str, execute: Execute) -> Term:
    """The term for one parameter value of ``kind`` (``iri``, ``string``, ``integer`` or ``auto``)."""
    if kind == "integer":
        if not value.strip().lstrip("-").isdigit():
            raise ParameterError(f"parameter {name!r} must be an integer, got {value!r}")
        return Term.literal(value.strip(), "http://www.w3.org/2001/XMLSchema#integer")
    if kind == "string":
        return Term.literal(value)
    if kind == "auto":  # inline queries: a CURIE or IRI binds as an IRI, "text"@lang as a tagged literal
        tagged = re.fullmatch(r'"(.*)"@([A-Za-z]+(?:-[A-Za-z0-9]+)*)', value.strip(), re.S)
        if tagged:
            return Term.literal(tagged.group(1), language=tagged.group(2))
        try:
            looks_like_iri = ":" in value and " " not in value.strip()
            return Term.iri(expand(value)) if looks_like_iri else Term.literal(value)
        except ValueError:
            return Term.literal(value)
    # iri: a CURIE or IRI the graph uses, or a label, synonym or plural of a concept; else an error
    from .concepts import find_term  # imported here: queries without concept parameters start faster

    return Term.iri(find_term(execute, value))
